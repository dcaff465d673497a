"""Suppressions and their audit trail in the state table, beside evidence and incidents (generic pk/sk keys).

    pk                      sk                                  what
    SUPPRESSION             <kind>#<value>                      an active (or lapsed, until TTL) suppression
    SUPPRESSION_AUDIT       <ISO time>#<kind>#<value>#<nonce>   one change: who, when, what, before and after

A change writes the suppression (or deletes it) and its audit item in one transaction, conditioned on the stored
suppression still being the one the change was based on, so the audit's `before` is always true. A suppression
item expires (TTL) a week after the suppression does; audit items never expire."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError

from distillguard.adapters.memory import StateConflict
from distillguard.suppression import AuditEntry, Scope, Suppression

KEEP_LAPSED = timedelta(days=7)
_serializer = TypeSerializer()


def _av(value: Any) -> dict[str, Any]:
    serialized: dict[str, Any] = dict(_serializer.serialize(value))
    return serialized


def _query_all(client: Any, table: str, pk: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": _av(pk)},
        ConsistentRead=True,
    ):
        items += page["Items"]
    return items


@dataclass(frozen=True)
class DynamoSuppressionStore:
    client: Any
    table: str

    def get(self, scope: Scope) -> Suppression | None:
        response = self.client.get_item(
            TableName=self.table, Key={"pk": _av("SUPPRESSION"), "sk": _av(scope.key)}, ConsistentRead=True
        )
        if "Item" not in response:
            return None
        return Suppression.model_validate_json(response["Item"]["suppression"]["S"])

    def all(self) -> list[Suppression]:
        return [
            Suppression.model_validate_json(raw["suppression"]["S"])
            for raw in _query_all(self.client, self.table, "SUPPRESSION")
        ]

    def audit(self) -> list[AuditEntry]:
        return [
            AuditEntry.model_validate_json(raw["entry"]["S"])
            for raw in _query_all(self.client, self.table, "SUPPRESSION_AUDIT")
        ]

    def change(self, entry: AuditEntry) -> None:
        key = {"pk": _av("SUPPRESSION"), "sk": _av(entry.scope.key)}
        if entry.before is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
        else:
            condition = {
                "ConditionExpression": "suppression = :before",
                "ExpressionAttributeValues": {":before": _av(entry.before.model_dump_json())},
            }
        if entry.after is None:
            write: dict[str, Any] = {"Delete": {"TableName": self.table, "Key": key, **condition}}
        else:
            item = key | {
                "suppression": _av(entry.after.model_dump_json()),
                "expires_at": _av(int((entry.after.expires + KEEP_LAPSED).timestamp())),
            }
            write = {"Put": {"TableName": self.table, "Item": item, **condition}}
        audit_key = f"{entry.at.isoformat()}#{entry.scope.key}#{secrets.token_hex(4)}"
        audit = {
            "Put": {
                "TableName": self.table,
                "Item": {"pk": _av("SUPPRESSION_AUDIT"), "sk": _av(audit_key), "entry": _av(entry.model_dump_json())},
            }
        }
        try:
            self.client.transact_write_items(TransactItems=[write, audit])
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise StateConflict(f"{entry.scope.key} changed since it was read") from error
            raise
