"""Classify: canonical records (validated/) -> one verdict per record (verdicts/), by the ONNX model."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from distillguard.adapters.clients import client
from distillguard.adapters.s3 import ObjectStore
from distillguard.classifier import DEFAULT_MODEL_DIR, PromptClassifier
from distillguard.config import ClassifySettings
from distillguard.events import created_objects
from distillguard.observability import logger, metrics
from distillguard.stages.classify import classify_object

settings = ClassifySettings()  # type: ignore[call-arg]  # read from the environment
objects = ObjectStore(client("s3"), settings.bucket_name)
classifier = PromptClassifier.load(
    settings.model_dir or DEFAULT_MODEL_DIR,
    providers=settings.onnx_providers,
    intra_op_threads=settings.intra_op_threads,
)
logger.info("model loaded", extra={"model_version": classifier.version, "providers": classifier.providers})
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    try:
        refs = created_objects(record.body)
    except ValueError as error:
        logger.error("not an S3 event notification", extra={"message_id": record.message_id, "error": str(error)})
        raise
    for ref in refs:
        logger.set_correlation_id(ref.key)
        try:
            report = classify_object(ref.key, objects=objects, settings=settings, labeller=classifier)
        except Exception as error:
            logger.error(
                "classification failed",
                extra={"message_id": record.message_id, "key": ref.key, "error": repr(error)[:500]},
            )
            raise
        logger.info("classified", extra={"report": report.model_dump(mode="json")})
        metrics.add_metric(name="PromptsClassified", unit=MetricUnit.Count, value=report.prompts)
        for label, count in report.by_label.items():
            metrics.add_metric(name=f"Label_{label}", unit=MetricUnit.Count, value=count)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
