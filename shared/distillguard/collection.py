"""Garbage collection tuned for a large, long-lived heap: the in-process engine and the correlate function.

Both keep a large heap alive for the whole run (the model, the expectation suite, then the evidence of every
account-hour) while they allocate many short-lived containers. With CPython's default thresholds a young
collection runs every 700 allocations and every tenth one of those traverses the older objects again: on the
small replay that was about a third of the correlator's time (`python -m infra.bench` measures the stages), and
`python -m infra.bench_correlator --accounts 20000 --hours 12` took 19.6 s with the defaults and 13.9 s with these.
Reference counting still frees everything that is not in a cycle; only how often the cycle collector runs
changes, so results do not."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000  # allocations between young collections (CPython's default: 700)
MIDDLE_THRESHOLD = 20
OLD_THRESHOLD = 100


def freeze_heap() -> None:
    """Collect once, then leave every object alive now out of later collections: call it once the long-lived
    part of the heap is built."""
    gc.collect()
    gc.freeze()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collections less often while inside; on exit, the thresholds are restored and frozen objects thawed.
    Processes forked inside inherit the thresholds."""
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
