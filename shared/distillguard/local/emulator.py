"""The embedded AWS emulator: moto's server, in-process, on 127.0.0.1. With AWS_ENDPOINT_URL already set
(LocalStack, say), that endpoint is used instead and nothing is started."""

from __future__ import annotations

import logging
import os
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

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    _deliver_sqs_messages_in_linear_time()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    previous = {name: os.environ.get(name) for name in ["AWS_ENDPOINT_URL", *_TEST_CREDENTIALS]}
    os.environ.update(_TEST_CREDENTIALS | {"AWS_ENDPOINT_URL": f"http://{host}:{port}"})
    try:
        yield Endpoint(f"http://{host}:{port}", embedded=True)
    finally:
        server.stop()
        for name, old in previous.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def _deliver_sqs_messages_in_linear_time() -> None:
    """moto checks each message it delivers against the queue's retention period by computing every attribute of
    the queue, message counts included, so draining a queue of n messages costs n * n visibility checks: a full
    day of one-request LiteLLM objects took tens of minutes. Read the retention period directly instead (the same
    rule: a message older than the period is not delivered)."""
    from moto.core.utils import unix_time
    from moto.sqs.models import SQSBackend

    def within_retention(self: SQSBackend, queue_name: str, message: object) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
        return bool(retention + message.sent_timestamp / 1000 > unix_time())  # type: ignore[attr-defined]

    SQSBackend.is_message_valid_based_on_retention_period = within_retention  # type: ignore[method-assign]
