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


def read_models(body: BinaryIO, model: type[ModelT]) -> Iterator[ModelT]:
    """Streams a gzip JSON-lines object written by JsonlGzWriter back into models, one line at a time."""
    with gzip.GzipFile(fileobj=body, mode="rb") as unzipped:
        for line in io.BufferedReader(unzipped):  # type: ignore[arg-type]
            if line.strip():
                yield model.model_validate_json(line)
