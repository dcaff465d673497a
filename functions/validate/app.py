"""Validate: raw log objects -> canonical records (validated/) and rejected lines with reasons (quarantine/).

The objects of one SQS batch are validated in one run, so the expectation suite judges their rows together;
each message still succeeds or fails on its own (`batchItemFailures`). A backfill (the template's Distributed Map
over an S3 prefix) invokes it with a batch of listed objects instead; a batch with a failed object fails whole and
Step Functions retries it (the same batch writes the same outputs)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from distillguard.adapters.clients import client
from distillguard.adapters.s3 import ObjectStore
from distillguard.config import ValidateSettings
from distillguard.events import announced_keys, batch_item_failures, is_listed_batch, listed_keys, unique_keys
from distillguard.observability import logger, metrics
from distillguard.stages.validate import validate_objects
from distillguard.validation.expectations import RecordExpectations

settings = ValidateSettings()  # type: ignore[call-arg]  # read from the environment
objects = ObjectStore(client("s3"), settings.bucket_name)
expectations = RecordExpectations(max_prompt_chars=settings.max_prompt_chars)
expectations.warm_up()


class BackfillBatchFailed(RuntimeError):
    """Objects of a Distributed Map batch could not be validated; Step Functions retries the batch."""


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_listed_batch(event):
        keys = listed_keys(event)
        failed = validated(keys)
        if failed:
            raise BackfillBatchFailed(f"{len(failed)} of {len(keys)} objects failed, first {sorted(failed)[:3]}")
        return {"objects": len(keys)}
    announced = announced_keys(SQSEvent(event))
    return batch_item_failures(announced, validated(unique_keys(announced)))


def validated(keys: list[str]) -> set[str]:
    """Validates the objects as one batch, logs and counts each outcome, and returns the keys that failed."""
    outcomes = validate_objects(keys, objects=objects, settings=settings, expectations=expectations)
    failed: set[str] = set()
    records_in = valid = quarantined = 0
    for key, outcome in outcomes.items():
        logger.set_correlation_id(key)
        if isinstance(outcome, Exception):
            logger.error("validation failed", extra={"error": repr(outcome)})
            failed.add(key)
            continue
        logger.info("validated", extra={"report": outcome.model_dump(mode="json")})
        records_in, valid, quarantined = (
            records_in + outcome.records_in,
            valid + outcome.valid,
            quarantined + outcome.quarantined,
        )
    # One data point per invocation, not one per object of the batch (a thousand one-request objects).
    metrics.add_metric(name="RecordsIn", unit=MetricUnit.Count, value=records_in)
    metrics.add_metric(name="RecordsValid", unit=MetricUnit.Count, value=valid)
    metrics.add_metric(name="RecordsQuarantined", unit=MetricUnit.Count, value=quarantined)
    return failed
