"""Fixes to moto's slow paths, applied in the embedded emulator's server process. Each one keeps moto's answers
(tests/integration/test_emulator_semantics.py holds them to the services' behaviour) and removes a cost that
grows with the emulator's state: a day of one-request objects made moto's own bookkeeping quadratic."""

from __future__ import annotations

import copy
import threading
from typing import Any


def apply() -> None:
    _deliver_sqs_messages_in_linear_time()
    _count_sqs_messages_cheaply()
    _delete_sqs_messages_in_one_pass()
    _dispatch_requests_without_listing_moto()
    _query_one_partition()
    _transact_without_copying_tables()


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


def _count_sqs_messages_cheaply() -> None:
    """moto computes every attribute of a queue, its three message counts included, for each message sent to it
    (``SendMessage`` reads only ``ContentBasedDeduplication``, from the full attribute map), and each count asks
    the clock once per message in the queue: an S3 notification per one-request LiteLLM object made dropping n
    objects cost n * n clock reads (about 60 ms per object at 3,000 objects). A send no longer counts (it reads no
    count), and a count reads the clock once (the same rules: visible after ``visible_at``, delayed before
    ``delayed_until``)."""
    from moto.core.utils import unix_time_millis
    from moto.sqs.models import Queue, SQSBackend

    sending = threading.local()  # moto's server answers each request on its own thread

    def messages(self: Queue) -> list[Any]:
        now = unix_time_millis()
        return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]

    def visible(self: Queue) -> int:
        return 0 if getattr(sending, "active", False) else len(messages(self))

    def not_visible(self: Queue) -> int:
        if getattr(sending, "active", False):
            return 0
        now = unix_time_millis()
        return sum(1 for m in self._messages if not now > m.visible_at)

    def delayed(self: Queue) -> int:
        if getattr(sending, "active", False):
            return 0
        now = unix_time_millis()
        return sum(1 for m in self._messages if now < m.delayed_until)

    original_send = SQSBackend.send_message

    def send_message(self: SQSBackend, *args: Any, **kwargs: Any) -> Any:
        sending.active = True
        try:
            return original_send(self, *args, **kwargs)
        finally:
            sending.active = False

    Queue.messages = property(messages)  # type: ignore[method-assign,assignment]
    Queue.approximate_number_of_messages = property(visible)  # type: ignore[method-assign,assignment]
    Queue.approximate_number_of_messages_not_visible = property(not_visible)  # type: ignore[method-assign,assignment]
    Queue.approximate_number_of_messages_delayed = property(delayed)  # type: ignore[method-assign,assignment]
    SQSBackend.send_message = send_message  # type: ignore[method-assign]


def _delete_sqs_messages_in_one_pass() -> None:
    """moto deletes a message by scanning the whole queue twice, building a list of receipt handles per message,
    and a batch of ten deletes scans it twenty times: draining a queue of n messages cost n * n. A batch now scans
    the queue once, with the same outcomes per entry (deleted, already deleted, or an invalid receipt handle)."""
    from moto.sqs.exceptions import ReceiptHandleIsInvalid
    from moto.sqs.models import Queue, SQSBackend

    def delete(queue: Queue, handles: set[str]) -> set[str]:
        """Deletes the messages holding any of ``handles``; returns the handles that are deleted now or were."""
        done = {handle for handle in handles if handle in queue.deleted_messages}
        wanted = handles - done
        kept = []
        for message in queue._messages:
            if message.receipt_handle in wanted or not wanted.isdisjoint(message._old_receipt_handles):
                done |= wanted.intersection(message.all_receipt_handles)
                queue.pending_messages.discard(message)
                queue.deleted_messages.update(message.all_receipt_handles)  # type: ignore[arg-type]
            else:
                kept.append(message)
        queue._messages = kept
        return done

    def delete_message(self: Queue, receipt_handle: str) -> None:
        if receipt_handle not in delete(self, {receipt_handle}):
            raise ReceiptHandleIsInvalid()

    def delete_message_batch(
        self: SQSBackend, queue_name: str, receipts: list[dict[str, Any]]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        deleted = delete(self.get_queue(queue_name), {receipt["ReceiptHandle"] for receipt in receipts})
        success = [receipt["Id"] for receipt in receipts if receipt["ReceiptHandle"] in deleted]
        errors = [
            {
                "Id": receipt["Id"],
                "SenderFault": True,
                "Code": "ReceiptHandleIsInvalid",
                "Message": f'The input receipt handle "{receipt["ReceiptHandle"]}" is not a valid receipt handle.',
            }
            for receipt in receipts
            if receipt["ReceiptHandle"] not in deleted
        ]
        return success, errors

    Queue.delete_message = delete_message  # type: ignore[method-assign]
    SQSBackend.delete_message_batch = delete_message_batch  # type: ignore[method-assign]


def _dispatch_requests_without_listing_moto() -> None:
    """moto's server lists its own package folder on disk (a directory read and about 150 ``isdir`` calls) for every
    request it routes, under a lock that every request waits on. The folder does not change while it runs: list
    it once."""
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]


def _query_one_partition() -> None:
    """moto answers a DynamoDB Query on a table by sorting every item of the table and then keeping the partition
    asked for: the evidence table's reads grew with its size (aggregating a full simulated day slowed to minutes
    per batch). Sort only the partition asked for: the same items in the same order."""
    from moto.dynamodb.models.table import Table

    original_query, original_all_items = Table.query, Table.all_items
    asked = threading.local()  # moto's server answers each request on its own thread

    def all_items(self: Table) -> list[Any]:
        partition = getattr(asked, "partition", None)
        if partition is None or not self.range_key_attr:
            return original_all_items(self)
        return sorted(self.items.get(partition, {}).values(), key=lambda item: (item.hash_key, item.range_key))

    def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        asked.partition = hash_key if index_name is None else None
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            asked.partition = None

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]


def _transact_without_copying_tables() -> None:
    """moto keeps a deep copy of every table a ``TransactWriteItems`` touches, to roll back on failure: each
    transaction cost a copy of the whole evidence table (the correlator's commits slowed to seconds each). A
    transaction only changes the items it names: keep a copy of those, and put them back when it fails."""
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class _TablesByReference:
        """``copy`` for moto's DynamoDB module: a table "copy" is the table itself (the named items are saved)."""

        @staticmethod
        def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = _TablesByReference  # type: ignore[assignment]
    original = models.DynamoDBBackend.transact_write_items

    def named_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Table, Any, Any, Any]]:
        saved = []
        for item in transact_items:
            for op_type, op in item.items():
                table = backend.tables.get(op.get("TableName"))
                if table is None:
                    continue
                key = op["Item"] if op_type == "Put" else op.get("Key", {})
                if table.hash_key_attr not in key:
                    continue
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
                current = table.items.get(hash_key)
                if range_key is not None:
                    current = (current or {}).get(range_key)
                saved.append((table, hash_key, range_key, copy.deepcopy(current)))
        return saved

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = named_items(self, transact_items)
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                if range_key is None:
                    if item is None:
                        table.items.pop(hash_key, None)
                    else:
                        table.items[hash_key] = item
                elif item is None:
                    table.items.get(hash_key, {}).pop(range_key, None)
                else:
                    table.items.setdefault(hash_key, {})[range_key] = item
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
