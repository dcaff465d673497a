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
    """Appends pydantic models as JSON lines to a gzip temporary file; `path` is ready after `close()`. The file
    is created on the first write (or when `path` is asked for): a batch of a thousand one-request objects must
    not cost two thousand empty temporary files."""

    def __init__(self, directory: str | None = None) -> None:
        self._directory = directory
        self._path: Path | None = None
        self._raw: BinaryIO | None = None
        self._gzip: gzip.GzipFile | None = None
        self._closed = False
        self.count = 0

    def _open(self, *, even_closed: bool = False) -> gzip.GzipFile:
        if self._gzip is None:
            if self._closed and not even_closed:
                raise ValueError("write to a closed JsonlGzWriter")
            handle, name = tempfile.mkstemp(suffix=".jsonl.gz", dir=self._directory)
            self._path = Path(name)
            self._raw = open(handle, "wb")  # noqa: SIM115 - closed in close()
            self._gzip = gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0, compresslevel=6)
        return self._gzip

    @property
    def path(self) -> Path:
        if self._path is None:
            self._open(even_closed=True)
            if self._closed:
                self._finish()
        assert self._path is not None
        return self._path

    def write(self, record: BaseModel) -> None:
        out = self._open()
        out.write(record.model_dump_json(exclude_none=False).encode("utf-8"))
        out.write(b"\n")
        self.count += 1

    def _finish(self) -> None:
        if self._gzip is not None and self._raw is not None and not self._raw.closed:
            self._gzip.close()
            self._raw.close()

    def close(self) -> None:
        self._finish()
        self._closed = True

    def discard(self) -> None:
        self.close()
        if self._path is not None:
            self._path.unlink(missing_ok=True)

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
