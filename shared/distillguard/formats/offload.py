"""Request bodies Bedrock moved out of the log line, read back from S3 within bounds.

Bedrock writes a body over 100 KB to its own object and logs ``input.inputBodyS3Path``
(``s3://<bucket>/<prefix>AWSLogs/<acct>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/data/<id>_input.json.gz``,
gzip JSON: the request body itself) instead of ``inputBodyJson``. Long agentic contexts are exactly these, and so is a
prompt padded to dodge the pipeline, so they are read rather than refused. Only objects in the log bucket under the
prefix the validate function may read are fetched (a log line cannot make the function read elsewhere), and no more
than ``max_bytes`` are read or inflated. Every way this can fail is a quarantine reason of its own:
``offloaded_body_out_of_reach``, ``offloaded_body_missing``, ``offloaded_body_too_large``,
``offloaded_body_unreadable``.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any, Protocol

from distillguard.formats.errors import RecordRejected

_GZIP_MAGIC = b"\x1f\x8b"
_S3_SCHEME = "s3://"


class BodyStore(Protocol):
    """Where the log objects are: the bucket's name and a bounded read (``adapters.s3.ObjectStore`` is one)."""

    @property
    def bucket(self) -> str: ...

    def read_bounded(self, key: str, max_bytes: int) -> bytes | None:
        """At most ``max_bytes + 1`` bytes of the object (so a caller can tell it is larger), or ``None`` when there
        is no such object."""
        ...


@dataclass(frozen=True)
class OffloadedBodies:
    store: BodyStore
    prefix: str
    max_bytes: int

    def request_body(self, s3_uri: str) -> Any:
        """The JSON value of the body at ``s3_uri``; every failure is a ``RecordRejected``."""
        key = self._key(s3_uri)
        data = self.store.read_bounded(key, self.max_bytes)
        if data is None:
            raise RecordRejected("offloaded_body_missing", f"no object at {s3_uri[:300]}")
        if len(data) > self.max_bytes:
            raise RecordRejected("offloaded_body_too_large", f"{s3_uri[:300]} is over {self.max_bytes} bytes")
        if data.startswith(_GZIP_MAGIC):
            data = self._inflated(data, s3_uri)
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            raise RecordRejected("offloaded_body_unreadable", f"{s3_uri[:300]} is not JSON") from None

    def _key(self, s3_uri: str) -> str:
        bucket, _, key = s3_uri.removeprefix(_S3_SCHEME).partition("/")
        if not s3_uri.startswith(_S3_SCHEME) or bucket != self.store.bucket or not key.startswith(self.prefix):
            raise RecordRejected(
                "offloaded_body_out_of_reach",
                f"{s3_uri[:300]} is outside s3://{self.store.bucket}/{self.prefix}, where bodies are read from",
            )
        return key

    def _inflated(self, data: bytes, s3_uri: str) -> bytes:
        inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        try:
            inflated = inflater.decompress(data, self.max_bytes + 1)
        except zlib.error as error:
            raise RecordRejected("offloaded_body_unreadable", f"{s3_uri[:300]}: {error}") from None
        if len(inflated) > self.max_bytes:
            raise RecordRejected("offloaded_body_too_large", f"{s3_uri[:300]} inflates past {self.max_bytes} bytes")
        return inflated
