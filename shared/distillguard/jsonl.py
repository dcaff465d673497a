"""Gzip JSON-lines files: how stages hand records to each other. Written to memory and then to local temporary
files (bounded memory whatever the object size) with a fixed gzip mtime, so the same records give the same bytes."""

from __future__ import annotations

import gzip
import io
import shutil
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
SPOOL_BYTES = 64 * 1024  # compressed output a writer holds in memory before it uses a file (1,000 objects: 64 MB)


class _Spool:
    """Bytes kept in memory up to `limit`, then in a temporary file: a batch of a thousand one-request objects
    must not cost a thousand temporary files, and a 2 GB object must not stay in memory."""

    def __init__(self, directory: str | None, limit: int) -> None:
        self._directory = directory
        self._limit = limit
        self._memory: io.BytesIO | None = io.BytesIO()
        self._file: BinaryIO | None = None
        self.path: Path | None = None

    def write(self, data: bytes) -> int:
        if self._memory is not None and self._memory.tell() + len(data) > self._limit:
            self.spill()
        out = self._memory if self._memory is not None else self._file
        assert out is not None
        return out.write(data)

    def spill(self) -> Path:
        """Moves what is held in memory to a temporary file (once), and returns its path."""
        if self.path is None:
            handle, name = tempfile.mkstemp(suffix=".jsonl.gz", dir=self._directory)
            self.path = Path(name)
            self._file = open(handle, "wb")  # noqa: SIM115 - closed in close()
            if self._memory is not None:
                self._file.write(self._memory.getvalue())
            self._memory = None
        return self.path

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()

    def copy_to(self, out: BinaryIO) -> None:
        if self._memory is not None:
            out.write(self._memory.getvalue())
            return
        assert self.path is not None
        with self.path.open("rb") as held:
            shutil.copyfileobj(held, out)


class JsonlGzWriter:
    """Appends pydantic models as JSON lines to gzip bytes held in memory up to SPOOL_BYTES, then in a temporary
    file; after `close()`, `path` (which writes what is in memory to a file first) or `copy_to` read them."""

    def __init__(self, directory: str | None = None, spool_bytes: int = SPOOL_BYTES) -> None:
        self._spool = _Spool(directory, spool_bytes)
        self._gzip: gzip.GzipFile | None = None  # made on the first write: most quarantine writers get none
        self._closed = False
        self.count = 0

    def _out(self) -> gzip.GzipFile:
        if self._gzip is None:
            self._gzip = gzip.GzipFile(fileobj=self._spool, mode="wb", mtime=0, compresslevel=6)  # type: ignore[arg-type]
        return self._gzip

    @property
    def path(self) -> Path:
        if not self._closed:
            raise ValueError("close the writer before reading its path")
        if self._spool.path is None:
            self._spool.spill()
            self._spool.close()
        assert self._spool.path is not None
        return self._spool.path

    def copy_to(self, out: BinaryIO) -> None:
        """Appends the closed writer's gzip bytes (one gzip member) to `out`."""
        if not self._closed:
            raise ValueError("close the writer before copying it")
        self._spool.copy_to(out)

    def write(self, record: BaseModel) -> None:
        if self._closed:
            raise ValueError("write to a closed JsonlGzWriter")
        out = self._out()
        out.write(record.model_dump_json(exclude_none=False).encode("utf-8"))
        out.write(b"\n")
        self.count += 1

    def close(self) -> None:
        if not self._closed:
            if self._gzip is not None:  # a writer never written to holds no bytes (an empty object reads as none)
                self._gzip.close()
            self._spool.close()
            self._closed = True

    def discard(self) -> None:
        self.close()
        if self._spool.path is not None:
            self._spool.path.unlink(missing_ok=True)

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
