"""Stage outputs are read back one bounded line at a time: a corrupt or foreign object fails, it never fills memory."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from pydantic import BaseModel

from distillguard.jsonl import JsonlGzWriter, OversizedLine, read_models


class Row(BaseModel):
    name: str


def gzipped(data: bytes) -> io.BytesIO:
    return io.BytesIO(gzip.compress(data))


def test_models_written_by_the_writer_read_back_in_order(tmp_path):
    # Given three rows written by a stage
    with JsonlGzWriter(str(tmp_path)) as out:
        for name in ("a", "b", "c"):
            out.write(Row(name=name))
        out.close()
        # When they are read back
        with out.path.open("rb") as body:
            rows = list(read_models(body, Row))
    # Then every row comes back, in order
    assert [row.name for row in rows] == ["a", "b", "c"]


def test_a_line_longer_than_the_limit_fails_the_object_after_the_rows_before_it():
    # Given an object whose second line is longer than any stage writes, with no newline (a bomb)
    body = gzipped(b'{"name": "first"}\n{"name": "' + b"A" * 5_000)
    rows = read_models(body, Row, max_line_bytes=1_000)
    # When it is read, Then the first row comes out and the long line raises instead of being read whole
    assert next(rows).name == "first"
    with pytest.raises(OversizedLine, match="line 2 is longer than 1000 bytes"):
        next(rows)


def test_a_line_of_exactly_the_limit_is_read():
    # Given a line whose content is exactly the limit, followed by its newline
    line = b'{"name": "' + b"x" * 988 + b'"}'
    assert len(line) == 1_000
    # When it is read with that limit, Then it is a row like any other
    assert [row.name for row in read_models(gzipped(line + b"\n"), Row, max_line_bytes=1_000)] == ["x" * 988]


def test_a_writer_keeps_small_outputs_in_memory_and_spills_large_ones_to_a_file(tmp_path: Path) -> None:
    small, large = JsonlGzWriter(str(tmp_path), spool_bytes=4096), JsonlGzWriter(str(tmp_path), spool_bytes=4096)
    small.write(Row(name="one short line"))
    for index in range(2_000):
        large.write(Row(name=f"line {index} " + "x" * 40))
    small.close()
    large.close()
    # A small output never touched the disk; a large one did while it was written
    assert list(tmp_path.iterdir()) != [] and len(list(tmp_path.iterdir())) == 1
    # And both read back the same, whether copied as one gzip member or read from a path
    joined = io.BytesIO()
    small.copy_to(joined)
    large.copy_to(joined)
    rows = list(read_models(io.BytesIO(joined.getvalue()), Row))
    assert len(rows) == 2_001 and rows[0].name == "one short line"
    assert [row.name for row in read_models(small.path.open("rb"), Row)] == ["one short line"]
    small.discard()
    large.discard()
    assert list(tmp_path.iterdir()) == []
