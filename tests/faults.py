"""Faults injected into the AWS calls of the code under test, as botocore event hooks.

How the hooks reach the code under test: botocore copies a session's event handlers into each client when the
client is made, and `distillguard.adapters.clients.client()` caches its clients, which the handler modules take
at import time (inside `local_pipeline()`). So the hooks here are registered once on boto3's default session,
before the pipeline's clients exist (`install()`, which also clears the client cache), and they stay there:
they are dispatchers that consult the faults armed at the moment of the call. `inject()` only arms a fault for
the length of a `with` block, so whenever a client was made (before or after the fault was armed, as long as it
was made after `install()`), it sees the fault. Clients made before `install()` would not: a fault that never
fired fails its test on leaving the block, so a hook that missed its client cannot pass silently.

Three kinds of fault:
- `ErrorResponse` answers a request with the error response the service sends on the wire (hook
  `before-send`, inside botocore's retry loop): botocore parses it, and its retry configuration decides whether
  to retry (throttling and 5xx are retried with backoff) or to raise the ClientError.
- `Crash` raises `InvocationKilled` instead of making a call (hook `before-call`): the invocation stops there, as
  one that times out does. It derives from BaseException so that no `except Exception` of the code under test
  turns it into a handled error; `killed_invocations()` makes the local runner see it as a failed invocation.
- `captured_logs()` collects the JSON log lines the handlers write, to check that a reason was logged.

The test's own clients (pytest-localstack's boto3 factory) come from another session and are never faulted."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import uuid4

import boto3
import botocore.session
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from distillguard.adapters.clients import client
from distillguard.local.runner import EventSourceMappings
from distillguard.observability import logger

_HOOK_ID = "distillguard-test-faults"
_lock = threading.Lock()
_armed: list[ErrorResponse | Crash] = []


class InvocationKilled(BaseException):
    """The invocation stops here, as when Lambda's timeout or memory limit ends it. Unlike a real timeout,
    Python still runs `finally` clauses and context-manager exits on the way out."""


class _Raw:
    """The `raw` body of an AWSResponse: botocore reads error bodies through `stream()`."""

    def __init__(self, content: bytes):
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


def _error_body(protocol: str, code: str, message: str, extra: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The error document of each wire protocol, as AWS sends it."""
    request_id = str(uuid4())
    if protocol == "json":  # DynamoDB, SQS
        body = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message} | extra
        return json.dumps(body).encode(), {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": request_id}
    if protocol == "rest-xml":  # S3
        xml = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}'.encode(), {"Content-Type": "application/xml"}
    if protocol == "query":  # SNS
        xml = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return xml.encode(), {"Content-Type": "text/xml"}
    raise ValueError(f"no error document for protocol {protocol}")


_PROTOCOLS: dict[str, str] = {}


def _protocol(service: str) -> str:
    if service not in _PROTOCOLS:
        _PROTOCOLS[service] = botocore.session.get_session().get_service_model(service).protocol
    return _PROTOCOLS[service]


@dataclass
class ErrorResponse:
    """Answers the first `times` matching requests with the service's error response (`code`, HTTP `status`).
    `matching` narrows the requests to those whose URL contains it (an S3 key prefix, say)."""

    service: str  # botocore's service id: "dynamodb", "s3", "sns"
    operation: str  # "BatchWriteItem", "GetObject", "Publish"
    code: str
    status: int
    times: int = 1
    message: str = "injected by tests.faults"
    matching: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # more members of a JSON error document
    fired: int = 0
    retry_attempts: list[int] = field(default_factory=list)  # botocore's RetryAttempts of each call that ended

    def _takes(self, service: str, operation: str, url: str) -> bool:
        if (service, operation) != (self.service, self.operation) or self.fired >= self.times:
            return False
        return self.matching is None or self.matching in url

    def _response(self, url: str) -> AWSResponse:
        body, headers = _error_body(_protocol(self.service), self.code, self.message, self.extra)
        headers |= {"Content-Length": str(len(body))}
        return AWSResponse(url, self.status, cast(Any, headers), _Raw(body))


@dataclass
class Crash:
    """Raises InvocationKilled instead of the `after`-th matching call (1 = the first), once."""

    service: str
    operation: str
    after: int = 1
    calls: int = 0
    fired: int = 0
    times: int = 1


def _event_parts(event_name: str) -> tuple[str, str]:
    _, service, operation = event_name.split(".", 2)
    return service, operation


def _before_send(event_name: str, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    service, operation = _event_parts(event_name)
    with _lock:
        for fault in _armed:
            if isinstance(fault, ErrorResponse) and fault._takes(service, operation, request.url):
                fault.fired += 1
                return fault._response(request.url)
    return None


def _before_call(event_name: str, **_: Any) -> None:
    service, operation = _event_parts(event_name)
    with _lock:
        for fault in _armed:
            if isinstance(fault, Crash) and (fault.service, fault.operation) == (service, operation):
                fault.calls += 1
                if fault.calls == fault.after and not fault.fired:
                    fault.fired += 1
                    raise InvocationKilled(f"killed before {service}.{operation} call {fault.calls}")


def _after_call(event_name: str, parsed: dict[str, Any], **_: Any) -> None:
    service, operation = _event_parts(event_name)
    with _lock:
        for fault in _armed:
            if isinstance(fault, ErrorResponse) and (fault.service, fault.operation) == (service, operation):
                fault.retry_attempts.append(parsed.get("ResponseMetadata", {}).get("RetryAttempts", 0))


def install() -> None:
    """Registers the dispatchers on boto3's default session (once) and drops the cached clients, so every client
    made from now on carries them. Call it before `local_pipeline()` makes the handlers' clients."""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    events = boto3.DEFAULT_SESSION.events
    # before-send's first non-None answer replaces the HTTP response (botocore's stubs type handlers as -> None)
    events.register("before-send", cast(Any, _before_send), unique_id=f"{_HOOK_ID}-send")
    events.register("before-call", _before_call, unique_id=f"{_HOOK_ID}-call")
    events.register("after-call", _after_call, unique_id=f"{_HOOK_ID}-after")
    client.cache_clear()


@contextmanager
def inject(*faults: ErrorResponse | Crash) -> Iterator[None]:
    """Arms the faults for the block; on leaving it normally, every fault must have fired all its `times`."""
    with _lock:
        _armed.extend(faults)
    try:
        yield
    finally:
        with _lock:
            for fault in faults:
                _armed.remove(fault)
    unfired = [fault for fault in faults if fault.fired < fault.times]
    assert not unfired, f"faults that did not fire (a client made before install()?): {unfired}"


@contextmanager
def killed_invocations(mappings: EventSourceMappings) -> Iterator[None]:
    """While in the block, an invocation stopped by InvocationKilled fails as a whole, as a Lambda timeout does:
    no partial batch response, every message of the batch becomes visible again."""
    original = dict(mappings.handlers)

    def guarded(handler: Callable[[dict[str, Any], Any], Any]) -> Callable[[dict[str, Any], Any], Any]:
        def invoke(event: dict[str, Any], context: Any) -> Any:
            try:
                return handler(event, context)
            except InvocationKilled as killed:
                raise RuntimeError(f"Task timed out ({killed})") from None

        return invoke

    mappings.handlers = {name: guarded(handler) for name, handler in original.items()}
    try:
        yield
    finally:
        mappings.handlers = original


class _Collect(logging.Handler):
    def __init__(self, lines: list[dict[str, Any]]):
        super().__init__(level=logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        # The handlers' own formatter, at the moment of the call: the JSON line CloudWatch would hold.
        self.lines.append(json.loads(logger.registered_formatter.format(record)))


@contextmanager
def captured_logs() -> Iterator[list[dict[str, Any]]]:
    """The structured log lines the handlers write meanwhile (at the level the pipeline runs with)."""
    lines: list[dict[str, Any]] = []
    handler = _Collect(lines)
    stdlib = logging.getLogger(logger.name)
    stdlib.addHandler(handler)
    try:
        yield lines
    finally:
        stdlib.removeHandler(handler)
