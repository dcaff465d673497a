"""Gzip JSON-lines files: how stages hand records to each other. Written to local temporary files (bounded
memory whatever the object size) with a fixed gzip mtime, so the same records always give the same bytes."""

from __future__ import annotations

import gzip
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self, TypeVar

from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)
# Stage records are small: a canonical record's prompt is cut to ValidateSettings.max_prompt_chars (200,000
# characters by default) and a verdict carries no prompt at all; no record a stage writes comes near this.
MAX_LINE_BYTES = 16 * 1024 * 1024


class JsonlGzWriter:
    """Appends pydantic models as JSON lines to a gzip temporary file; `path` is ready after `close()`."""

    def __init__(self, directory: str | None = None) -> None:
        handle, name = tempfile.mkstemp(suffix=".jsonl.gz", dir=directory)
        self.path = Path(name)
        self._raw = open(handle, "wb")  # noqa: SIM115 - closed in close()
        self._gzip = gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0, compresslevel=6)
        self.count = 0

    def write(self, record: BaseModel) -> None:
        self._gzip.write(record.model_dump_json(exclude_none=False).encode("utf-8"))
        self._gzip.write(b"\n")
        self.count += 1

    def close(self) -> None:
        if not self._raw.closed:
            self._gzip.close()
            self._raw.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.discard()


class OversizedLine(ValueError):
    """A line longer than any stage writes: the object is corrupt or not a stage output. Reading it whole would
    hold it all in memory (a 1 GiB line costs gigabytes once parsed), so the object fails instead."""


def read_models(body: BinaryIO, model: type[ModelT], max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[ModelT]:
    """Streams a gzip JSON-lines object written by JsonlGzWriter back into models, one line at a time; a line
    over ``max_line_bytes`` raises ``OversizedLine`` after at most that many bytes were read."""
    with gzip.GzipFile(fileobj=body, mode="rb") as unzipped:
        lines = io.BufferedReader(unzipped)  # type: ignore[arg-type]
        number = 0
        while line := lines.readline(max_line_bytes + 1):
            number += 1
            if len(line) > max_line_bytes and not line.endswith(b"\n"):
                raise OversizedLine(f"line {number} is longer than {max_line_bytes} bytes")
            if line.strip():
                yield model.model_validate_json(line)
