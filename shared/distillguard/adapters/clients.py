"""boto3 clients built once per process, with retries in standard mode."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from distillguard.adapters.dynamodb_limits import install

_CONFIG = Config(retries={"max_attempts": 8, "mode": "standard"}, max_pool_connections=16)


@cache
def client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]


def check_dynamodb_limits() -> None:
    """From now on, every DynamoDB client of this process refuses requests DynamoDB would reject for its
    documented limits (the tests and the local pipeline call this: emulators enforce none of them)."""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    install(boto3.DEFAULT_SESSION.events)
    client.cache_clear()  # clients made before copied the session's handlers without this one
