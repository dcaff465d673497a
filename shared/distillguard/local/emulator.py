"""The embedded AWS emulator: moto's server on 127.0.0.1, in a process of its own (`emulator_server`), so that
its work runs beside the handlers' instead of taking turns with them for one interpreter. With AWS_ENDPOINT_URL
already set (LocalStack, say), that endpoint is used instead and nothing is started."""

from __future__ import annotations

import os
import subprocess  # nosec B404  # starts the emulator's server from this interpreter
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from distillguard.adapters.clients import check_dynamodb_limits
from distillguard.local.provision import LOCAL_REGION

_TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}  # nosec B105  # moto's fake keys


@dataclass(frozen=True)
class Endpoint:
    url: str
    embedded: bool


@contextmanager
def aws_endpoint() -> Iterator[Endpoint]:
    """Yields the endpoint boto3 will use, with AWS_ENDPOINT_URL, region and credentials set for the process.
    Every DynamoDB request made meanwhile is checked against DynamoDB's documented limits, which neither moto
    nor LocalStack enforce."""
    os.environ.setdefault("AWS_DEFAULT_REGION", LOCAL_REGION)
    check_dynamodb_limits()
    external = os.environ.get("AWS_ENDPOINT_URL")
    if external:
        for name, value in _TEST_CREDENTIALS.items():
            os.environ.setdefault(name, value)
        yield Endpoint(external, embedded=False)
        return

    server = subprocess.Popen(  # noqa: S603  # nosec B603  # this interpreter, a module of this package
        [sys.executable, "-m", "distillguard.local.emulator_server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    url = server.stdout.readline().strip()
    if not url.startswith("http://"):
        server.kill()
        raise RuntimeError(f"the embedded emulator did not start (exit code {server.wait()})")
    previous = {name: os.environ.get(name) for name in ["AWS_ENDPOINT_URL", *_TEST_CREDENTIALS]}
    os.environ.update(_TEST_CREDENTIALS | {"AWS_ENDPOINT_URL": url})
    try:
        yield Endpoint(url, embedded=True)
    finally:
        server.stdin.close()  # the server's signal to stop
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        for name, old in previous.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
