"""The S3 event notifications that SQS delivers to each stage, as pydantic models.

Only the fields the pipeline reads are required: emulators send shorter records than AWS does, and S3 sends
an `s3:TestEvent` message (no Records) when a notification is first configured."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import SQSEvent
from pydantic import BaseModel, ConfigDict, Field, model_validator

from distillguard.observability import logger


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class S3Bucket(_Lenient):
    name: str


class S3ObjectInfo(_Lenient):
    key: str
    size: int | None = None
    e_tag: str | None = Field(default=None, alias="eTag")


class S3Entity(_Lenient):
    bucket: S3Bucket
    object: S3ObjectInfo


class S3EventRecord(_Lenient):
    event_name: str = Field(alias="eventName")
    s3: S3Entity


class S3EventNotification(_Lenient):
    records: list[S3EventRecord] = Field(default_factory=list, alias="Records")
    event: str | None = Field(default=None, alias="Event")

    @model_validator(mode="after")
    def _records_or_test_event(self) -> S3EventNotification:
        # Only S3's own test message may come without records: anything else (an SNS envelope from a
        # subscription without raw delivery, a stray message) must fail and reach the DLQ, not vanish.
        if not self.records and self.event != "s3:TestEvent":
            raise ValueError("not an S3 event notification: no Records and not s3:TestEvent")
        return self


class S3ObjectRef(_Lenient):
    bucket: str
    key: str


def created_objects(sqs_body: str) -> list[S3ObjectRef]:
    """The objects an SQS message says were created; none for S3's test event. Keys arrive URL-encoded
    (differently by AWS and by each emulator): unquote_plus decodes all of them."""
    notification = S3EventNotification.model_validate_json(sqs_body)
    return [
        S3ObjectRef(bucket=record.s3.bucket.name, key=unquote_plus(record.s3.object.key))
        for record in notification.records
        if record.event_name.startswith("ObjectCreated:")
    ]


def announced_keys(event: SQSEvent) -> dict[str, list[str] | None]:
    """Message id -> the object keys it announces, or None when its body is not an S3 notification."""
    announced: dict[str, list[str] | None] = {}
    for record in event.records:
        try:
            announced[record.message_id] = [ref.key for ref in created_objects(record.body)]
        except ValueError as error:
            logger.error("not an S3 event notification", extra={"message_id": record.message_id, "error": str(error)})
            announced[record.message_id] = None
    return announced


def unique_keys(announced: dict[str, list[str] | None]) -> list[str]:
    """Every announced key once, in delivery order (S3 may announce one object in two messages)."""
    return list(dict.fromkeys(key for keys in announced.values() if keys is not None for key in keys))


def batch_item_failures(announced: dict[str, list[str] | None], failed_keys: set[str]) -> dict[str, Any]:
    """The partial batch response: messages that were unreadable or announced an object that failed."""
    failed = [
        message_id for message_id, keys in announced.items() if keys is None or any(key in failed_keys for key in keys)
    ]
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


class ListedObject(_Lenient):
    key: str = Field(alias="Key")


class ListedBatch(_Lenient):
    """A batch of a Step Functions Distributed Map over an S3 prefix (ItemReader s3:listObjectsV2, ItemBatcher):
    the objects as ListObjectsV2 lists them."""

    items: list[ListedObject] = Field(alias="Items", min_length=1)


def is_listed_batch(event: dict[str, Any]) -> bool:
    return "Items" in event and "Records" not in event


def listed_keys(event: dict[str, Any]) -> list[str]:
    """The object keys of a Distributed Map batch, without the folder markers a console upload leaves."""
    batch = ListedBatch.model_validate(event)
    return list(dict.fromkeys(item.key for item in batch.items if not item.key.endswith("/")))
