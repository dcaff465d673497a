"""read_raw_lines: every record of an S3 object comes out once, whatever the compression or layout."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from distillguard.formats import RawLine, read_raw_lines
from distillguard.formats import reader as reader_module

EVENTS = Path(__file__).parents[1] / "events" / "formats"


def _read(data: bytes) -> list[RawLine]:
    return list(read_raw_lines(io.BytesIO(data)))


class _StreamingBody:
    """Like botocore's StreamingBody: ``read(amt)`` only, no ``peek``, no ``seek``."""

    def __init__(self, data: bytes) -> None:
        self._stream = io.BytesIO(data)

    def read(self, amt: int | None = None) -> bytes:
        return self._stream.read(amt)


def test_gzip_and_plain_objects_yield_the_same_records() -> None:
    # Given a Bedrock log object as Bedrock writes it (gzip) and the same lines uncompressed
    plain = (EVENTS / "bedrock_invocation_log.jsonl").read_bytes()

    # When both are read
    from_gzip = _read(gzip.compress(plain))
    from_plain = _read(plain)

    # Then both give the same four records, numbered by line
    assert [line.data for line in from_gzip] == [line.data for line in from_plain]
    assert [line.line_number for line in from_gzip] == [1, 2, 3, 4]
    assert all(line.error is None for line in from_gzip)


def test_a_streaming_body_without_peek_or_seek_is_read() -> None:
    # Given an S3-like body that only supports read()
    body = _StreamingBody(gzip.compress((EVENTS / "gateway_requests.jsonl").read_bytes()))

    # When it is read
    lines = list(read_raw_lines(body))  # type: ignore[arg-type]

    # Then all three gateway records come out
    assert [line.data["request_id"] for line in lines if line.data] == [
        "req_01JDGW0001",
        "req_01JDGW0002",
        "req_01JDGW0003",
    ]


def test_junk_lines_are_reported_in_place_and_counts_add_up() -> None:
    # Given good records interleaved with junk, blank lines and a JSON value that is not an object
    good = [json.dumps({"n": n}) for n in range(3)]
    text = "\n".join([good[0], "{not json", "", "   ", good[1], "[1, 2]", "42", good[2], ""]) + "\n"

    # When the object is read
    lines = _read(text.encode())

    # Then every non-blank line comes out exactly once, the junk with a reason and its raw text
    assert [(line.line_number, line.error.reason if line.error else None) for line in lines] == [
        (1, None),
        (2, "invalid_json"),
        (5, None),
        (6, "invalid_json"),
        (7, "invalid_json"),
        (8, None),
    ]
    assert lines[1].raw == "{not json"
    assert [line.data for line in lines if line.data] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_an_invalid_utf8_line_is_isolated() -> None:
    # Given a gzip object whose second line holds bytes that are not UTF-8
    data = gzip.compress(b'{"n": 1}\n{"text": "caf\xe9"}\n{"n": 3}\n')

    # When it is read
    lines = _read(data)

    # Then only that line is rejected, as invalid_utf8, and its neighbours are kept
    assert [line.error.reason if line.error else None for line in lines] == [None, "invalid_utf8", None]
    assert "caf" in lines[1].raw


def test_a_pretty_printed_litellm_object_is_one_record() -> None:
    # Given LiteLLM's S3 logger output: one indented JSON document per object
    data = (EVENTS / "litellm_payload.json").read_bytes()

    # When it is read
    lines = _read(data)

    # Then it is one record, numbered 1
    assert len(lines) == 1
    assert lines[0].line_number == 1
    assert lines[0].data is not None and lines[0].data["call_type"] == "acompletion"


def test_a_json_array_document_yields_each_record_by_position() -> None:
    # Given an object that is one pretty-printed JSON array of two records and a stray number
    data = json.dumps([{"id": "a"}, {"id": "b"}, 7], indent=2).encode()

    # When it is read
    lines = _read(gzip.compress(data))

    # Then each element is a record, numbered by its position, and the number is rejected
    assert [(line.line_number, line.data, line.error.reason if line.error else None) for line in lines] == [
        (1, {"id": "a"}, None),
        (2, {"id": "b"}, None),
        (3, None, "invalid_json"),
    ]


def test_json_lines_with_a_broken_first_line_are_not_mistaken_for_a_document() -> None:
    # Given JSON lines whose first line was truncated mid-object
    data = b'{"n": 1, "trunc\n{"n": 2}\n{"n": 3}\n'

    # When it is read
    lines = _read(data)

    # Then the broken line is rejected and the others survive
    assert [line.error.reason if line.error else line.data for line in lines] == ["invalid_json", {"n": 2}, {"n": 3}]


def test_a_document_over_the_size_bound_is_one_rejection(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Given a pretty-printed document bigger than the bound
    monkeypatch.setattr(reader_module, "MAX_DOCUMENT_BYTES", 200)
    data = json.dumps({"messages": ["x" * 40 for _ in range(20)]}, indent=2).encode()

    # When it is read
    lines = _read(data)

    # Then one rejected record says why
    assert len(lines) == 1
    assert lines[0].error is not None and lines[0].error.reason == "document_too_large"


def test_an_overlong_line_is_rejected_and_reading_goes_on(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Given a line longer than the per-line bound between two good lines
    monkeypatch.setattr(reader_module, "MAX_LINE_BYTES", 64)
    data = b'{"n": 1}\n{"pad": "' + b"y" * 500 + b'"}\n{"n": 3}\n'

    # When it is read
    lines = _read(data)

    # Then the long line is rejected in place and the last line is still read
    assert [line.error.reason if line.error else line.data for line in lines] == [{"n": 1}, "line_too_large", {"n": 3}]


def test_a_truncated_gzip_keeps_what_was_read_and_reports_the_break() -> None:
    # Given a gzip object cut off part-way
    whole = gzip.compress(b"".join(json.dumps({"n": n, "pad": "z" * 50}).encode() + b"\n" for n in range(200)))
    data = whole[: len(whole) // 2]

    # When it is read
    lines = _read(data)

    # Then the last record says the stream broke off, and earlier records were read
    assert lines[-1].error is not None and lines[-1].error.reason == "corrupt_gzip"
    assert all(line.error is None for line in lines[:-1])


def test_raw_text_is_truncated_for_quarantine() -> None:
    # Given a junk line of 10,000 characters
    data = b"{" + b"x" * 10_000 + b"\n"

    # When it is read
    (line,) = _read(data)

    # Then its raw text is kept only up to the bound
    assert line.error is not None and len(line.raw) == reader_module.MAX_RAW_CHARS


def test_an_empty_object_yields_nothing() -> None:
    assert _read(b"") == []
    assert _read(gzip.compress(b"\n\n")) == []
