"""Unit tests never touch the network: a connection attempt fails the test that made it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(self: socket.socket, address: object) -> None:
        raise RuntimeError(f"unit test tried to connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    # The integration tests' emulator endpoint stays in the environment for the session: unit tests (moto in
    # process, in-memory fakes) must not be pointed at it.
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    yield
