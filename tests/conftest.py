"""Shared fixtures. Integration tests run against the endpoint in AWS_ENDPOINT_URL (a LocalStack you started)
or, when it is unset, against the embedded emulator (moto's server, started once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from distillguard.adapters.clients import check_dynamodb_limits
from distillguard.local.emulator import Endpoint, aws_endpoint

EVENTS = Path(__file__).parent / "events"
SERVICES = ("s3", "sqs", "sns", "dynamodb")


@pytest.fixture(scope="session")
def endpoint() -> Iterator[Endpoint]:
    with aws_endpoint() as running:
        yield running


@pytest.fixture(scope="session")
def localstack(endpoint: Endpoint):  # type: ignore[no-untyped-def]
    """pytest-localstack's running-session object, pointed at the endpoint in use: its boto3 factory gives the
    tests clients that are independent of the code under test."""
    from pytest_localstack.session import RunningSession

    url = urlparse(endpoint.url)
    session = RunningSession(
        url.hostname, services={name: url.port for name in SERVICES}, region_name="us-east-1", use_ssl=False
    )
    session.start(timeout=10)
    return session


# Every DynamoDB request any test makes is checked against DynamoDB's documented limits (moto enforces none).
check_dynamodb_limits()
