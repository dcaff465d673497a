"""DynamoDB's documented request limits, checked on every call a client makes (moto enforces none of them).

Installed on a boto3 session by the test suite and by the local pipeline (`install`), so every DynamoDB
request of the tests and the demo is checked: expression strings <= 4 KB, <= 300 operators or functions per
expression, items <= 400 KB, <= 100 actions per transaction, <= 25 requests per batch write, <= 100 keys per
batch get."""

from __future__ import annotations

import re
from typing import Any

EXPRESSION_BYTES = 4096
EXPRESSION_OPERATORS = 300
ITEM_BYTES = 400 * 1024
TRANSACTION_ACTIONS = 100
BATCH_WRITE_REQUESTS = 25
BATCH_GET_KEYS = 100
EXPRESSIONS = (
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)
_OPERATOR = re.compile(
    r"<>|<=|>=|=|<|>|\b(?:AND|OR|NOT|BETWEEN|IN)\b|"
    r"\b(?:attribute_exists|attribute_not_exists|attribute_type|begins_with|contains|size|if_not_exists|list_append)\s*\(|"
    r"(?<=\s)[+-](?=\s)",
    re.IGNORECASE,
)


class DynamoDBLimitExceeded(ValueError):
    """A request DynamoDB would reject with a ValidationException."""


def operator_count(expression: str) -> int:
    return len(_OPERATOR.findall(expression))


def attribute_value_bytes(value: dict[str, Any]) -> int:
    (kind, content), *_ = value.items()
    if kind == "S":
        return len(content.encode("utf-8"))
    if kind == "N":
        return len(str(content).lstrip("-").replace(".", "")) // 2 + 2
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_value_bytes({kind[0]: member}) for member in content)
    if kind == "L":
        return 3 + sum(1 + attribute_value_bytes(member) for member in content)
    if kind == "M":
        return 3 + sum(len(name.encode()) + 1 + attribute_value_bytes(member) for name, member in content.items())
    return 0


def item_bytes(item: dict[str, Any]) -> int:
    return sum(len(name.encode("utf-8")) + attribute_value_bytes(value) for name, value in item.items())


def _check_expressions(request: dict[str, Any], where: str) -> None:
    for name in EXPRESSIONS:
        expression = request.get(name)
        if not expression:
            continue
        if len(expression.encode("utf-8")) > EXPRESSION_BYTES:
            raise DynamoDBLimitExceeded(f"{where}: {name} is {len(expression.encode())} bytes (limit 4 KB)")
        if (count := operator_count(expression)) > EXPRESSION_OPERATORS:
            raise DynamoDBLimitExceeded(f"{where}: {name} has {count} operators (limit {EXPRESSION_OPERATORS})")


def _check_item(item: dict[str, Any], where: str) -> None:
    if (size := item_bytes(item)) > ITEM_BYTES:
        raise DynamoDBLimitExceeded(f"{where}: item of {size} bytes (limit 400 KB)")


def check_request(operation: str, request: dict[str, Any]) -> None:
    """Raises DynamoDBLimitExceeded when DynamoDB would refuse this request for one of its documented limits."""
    _check_expressions(request, operation)
    if operation == "PutItem":
        _check_item(request["Item"], operation)
    elif operation == "BatchWriteItem":
        count = sum(len(requests) for requests in request["RequestItems"].values())
        if count > BATCH_WRITE_REQUESTS:
            raise DynamoDBLimitExceeded(f"BatchWriteItem: {count} requests (limit {BATCH_WRITE_REQUESTS})")
        for requests in request["RequestItems"].values():
            for write in requests:
                if "PutRequest" in write:
                    _check_item(write["PutRequest"]["Item"], operation)
    elif operation == "BatchGetItem":
        count = sum(len(keys["Keys"]) for keys in request["RequestItems"].values())
        if count > BATCH_GET_KEYS:
            raise DynamoDBLimitExceeded(f"BatchGetItem: {count} keys (limit {BATCH_GET_KEYS})")
    elif operation == "TransactWriteItems":
        actions = request["TransactItems"]
        if len(actions) > TRANSACTION_ACTIONS:
            raise DynamoDBLimitExceeded(f"TransactWriteItems: {len(actions)} actions (limit {TRANSACTION_ACTIONS})")
        for action in actions:
            (kind, body), *_ = action.items()
            _check_expressions(body, f"TransactWriteItems.{kind}")
            if kind == "Put":
                _check_item(body["Item"], f"TransactWriteItems.{kind}")


def _on_request(params: dict[str, Any], event_name: str, **_: Any) -> None:
    check_request(event_name.rsplit(".", 1)[-1], params)


def install(events: Any) -> None:
    """Checks every DynamoDB request made by clients created from the session owning `events`."""
    events.register("before-parameter-build.dynamodb", _on_request, unique_id="distillguard-dynamodb-limits")
