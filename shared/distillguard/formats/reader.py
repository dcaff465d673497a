"""Stream the records out of one log object: gzip or plain, JSON lines or one JSON document.

Memory stays bounded whatever the object's size: lines are read one at a time (each at most ``MAX_LINE_BYTES``), and
a single-document object is read only up to ``MAX_DOCUMENT_BYTES``. Every non-blank line (or every element of a
document) yields exactly one ``RawLine``, valid or not, so records in = records accepted + records quarantined.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, BinaryIO

from distillguard.formats.errors import RecordRejected

MAX_LINE_BYTES = 16 * 1024 * 1024
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_RAW_CHARS = 2_000
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
_CHUNK = 1024 * 1024
_SNIFF_LINES = 200


@dataclass(frozen=True)
class RawLine:
    """One record as read: its JSON object, or the reason it could not be read, plus its text for quarantine.

    ``line_number`` is the 1-based physical line in the decompressed object (blank lines leave gaps); for a
    single-document object it is the record's 1-based position in the document.
    """

    line_number: int
    data: dict[str, Any] | None
    error: RecordRejected | None
    raw: str


@dataclass(frozen=True)
class _Broken:
    """A line that could not be read at all (too long, or the compressed stream broke off)."""

    reason: str
    detail: str


_Line = bytes | _Broken


def read_raw_lines(body: BinaryIO) -> Iterator[RawLine]:
    """Yield every record of a log object, never holding more than one line or one bounded document in memory."""
    lines = _numbered_lines(_decompressed(body))
    for number, line in lines:
        if isinstance(line, bytes):
            line = line.removeprefix(_BOM)
            if not line.strip():
                continue
            if not _parses(line) and line.lstrip().startswith((b"{", b"[")):
                yield from _document_or_lines(number, line, lines)
                return
        yield _line_record(number, line)
        yield from _json_lines(lines)
        return


class _RawStream(io.RawIOBase):
    """Any object with ``read(n)`` (an S3 ``StreamingBody``, a file) as a raw stream a buffered reader can peek."""

    def __init__(self, body: BinaryIO) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _decompressed(body: BinaryIO) -> io.BufferedIOBase:
    buffered = io.BufferedReader(_RawStream(body), buffer_size=_CHUNK)
    if buffered.peek(2)[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=buffered, mode="rb")
    return buffered


def _numbered_lines(stream: io.BufferedIOBase) -> Iterator[tuple[int, _Line]]:
    number = 0
    try:
        while True:
            line = stream.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                _skip_rest_of_line(stream)
                yield number, _Broken("line_too_large", f"line is longer than {MAX_LINE_BYTES} bytes")
            else:
                yield number, line
    except (OSError, EOFError, zlib.error) as error:  # a truncated or corrupt gzip member
        yield number + 1, _Broken("corrupt_gzip", f"the compressed stream broke off: {error}")


def _skip_rest_of_line(stream: io.BufferedIOBase) -> None:
    while True:
        chunk = stream.readline(_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def _json_lines(lines: Iterable[tuple[int, _Line]]) -> Iterator[RawLine]:
    for number, line in lines:
        if isinstance(line, _Broken) or line.strip():
            yield _line_record(number, line)


def _line_record(number: int, line: _Line) -> RawLine:
    if isinstance(line, _Broken):
        return _rejected(number, line.reason, line.detail, "")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return _rejected(number, "invalid_utf8", str(error), line.decode("utf-8", errors="replace"))
    raw = text.strip()[:MAX_RAW_CHARS]
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        return _rejected(number, "invalid_json", str(error), raw)
    return _object_record(number, value, raw)


def _object_record(number: int, value: Any, raw: str) -> RawLine:
    if not isinstance(value, dict):
        return _rejected(number, "invalid_json", f"expected a JSON object, got {type(value).__name__}", raw)
    return RawLine(number, value, None, raw)


def _rejected(number: int, reason: str, detail: str, raw: str) -> RawLine:
    return RawLine(number, None, RecordRejected(reason, detail), raw.strip()[:MAX_RAW_CHARS])


def _parses(line: bytes) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True


def _document_or_lines(number: int, first: bytes, lines: Iterator[tuple[int, _Line]]) -> Iterator[RawLine]:
    """The object starts with ``{`` or ``[`` that is not a whole line of JSON: read it as one document.

    If it turns out not to be one (it fails to parse, or it is too big to hold) but its later lines parse on their
    own, it was JSON lines with a broken first line, and it is read line by line so that no good record is lost.
    """
    buffered: list[tuple[int, _Line]] = [(number, first)]
    size = len(first)
    for item in lines:
        buffered.append(item)
        size += len(item[1]) if isinstance(item[1], bytes) else MAX_LINE_BYTES
        if size > MAX_DOCUMENT_BYTES:
            break
    if size <= MAX_DOCUMENT_BYTES and all(isinstance(line, bytes) for _, line in buffered):
        data = b"".join(line for _, line in buffered if isinstance(line, bytes))
        document = _document(data)
        if document is not None:
            yield from document
            return
    if _looks_like_json_lines(buffered):
        yield from _json_lines(chain(buffered, lines))
    elif size > MAX_DOCUMENT_BYTES:
        raw = first.decode("utf-8", errors="replace")
        yield _rejected(1, "document_too_large", f"a single JSON document over {MAX_DOCUMENT_BYTES} bytes", raw)
    else:
        broken = next((line for _, line in buffered if isinstance(line, _Broken)), None)
        data = b"".join(line for _, line in buffered if isinstance(line, bytes))
        yield _line_record(1, broken or data)


def _document(data: bytes) -> list[RawLine] | None:
    try:
        text = data.decode("utf-8")
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, list):
        return [_object_record(position, item, _raw(item)) for position, item in enumerate(value, 1)]
    return [_object_record(1, value, text.strip()[:MAX_RAW_CHARS])]


def _raw(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)[:MAX_RAW_CHARS]
    except (ValueError, RecursionError):
        return ""


def _looks_like_json_lines(buffered: list[tuple[int, _Line]]) -> bool:
    return any(
        isinstance(line, bytes) and line.strip().startswith(b"{") and _parses(line)
        for _, line in buffered[1:_SNIFF_LINES]
    )
