"""The whole pipeline on the emulator: provision from the template, drop log files in the bucket, drive the
handlers until every queue is empty, run the scheduled correlator, and read back findings and counts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from distillguard.adapters.clients import client
from distillguard.adapters.s3 import SINGLE_PUT_BYTES, ObjectStore
from distillguard.findings import PublishedFinding
from distillguard.local.emulator import Endpoint, aws_endpoint
from distillguard.local.provision import Deployment, Provisioner
from distillguard.local.runner import EventSourceMappings
from distillguard.summary import ReplaySummary, replay_summary

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = REPOSITORY_ROOT / "template.yaml"


def log_files(folder: Path) -> list[Path]:
    """Files to drop, skipping names that start with '_' or '.' (ground truth, checksums), as Spark does."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(("_", ".")) for part in path.relative_to(folder).parts)
    )


class LocalPipeline:
    def __init__(
        self, deployment: Deployment, mappings: EventSourceMappings, finding_tap_url: str, manifests_prefix: str
    ):
        self.deployment = deployment
        self.manifests_prefix = manifests_prefix
        self.mappings = mappings
        self.finding_tap_url = finding_tap_url
        self.objects = ObjectStore(client("s3"), deployment.bucket)
        self.findings: list[PublishedFinding] = []

    def raw_key(self, folder: Path, path: Path) -> str:
        """The key a log file under `folder` is dropped at."""
        return self.deployment.raw_prefix + path.relative_to(folder).as_posix()

    def drop(self, folder: Path) -> int:
        """Uploads the folder's log files one at a time, in file order: the emulator notifies the queues in that
        order, so a replay's batches, and the evidence counts in its findings, are the same on every run."""
        files = log_files(folder)
        s3 = client("s3")
        for path in files:
            key = self.raw_key(folder, path)
            if path.stat().st_size <= SINGLE_PUT_BYTES:  # one request; upload_file sets up a transfer per call
                s3.put_object(Bucket=self.deployment.bucket, Key=key, Body=path.read_bytes())
            else:
                s3.upload_file(str(path), self.deployment.bucket, key)
        return len(files)

    def run(self, *, flush: bool = True) -> list[PublishedFinding]:
        """Drains every queue, runs the correlator (closing the last partial hour when `flush`), and returns the
        findings published meanwhile, in publication order (self.findings keeps them all)."""
        self.mappings.drain()
        self.mappings.run_scheduled(flush=flush)
        sqs = client("sqs")
        published: list[PublishedFinding] = []
        while messages := sqs.receive_message(QueueUrl=self.finding_tap_url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                published.append(PublishedFinding.from_message(message["Body"]))
                sqs.delete_message(QueueUrl=self.finding_tap_url, ReceiptHandle=message["ReceiptHandle"])
        published.sort(key=lambda finding: (finding.time, finding.uid, finding.revision))
        self.findings += published
        return published

    def summary(self, elapsed_seconds: float) -> ReplaySummary:
        sqs = client("sqs")
        dead = sum(
            int(
                sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
                    "ApproximateNumberOfMessages"
                ]
            )
            for url in self.deployment.dead_letter_queue_urls
        )
        return replay_summary(
            self.objects, self.manifests_prefix, self.findings, dead_lettered=dead, elapsed_seconds=elapsed_seconds
        )


def local_environment(deployment: Deployment) -> dict[str, str]:
    """Every function's environment from the template, with the local differences: the model is read from
    the repository instead of a layer, and logs and metrics stay quiet on the console."""
    environment: dict[str, str] = {}
    for spec in deployment.functions.values():
        environment.update(spec.environment)
    from distillguard.classifier import DEFAULT_MODEL_DIR

    environment.update(
        {
            "MODEL_DIR": str(DEFAULT_MODEL_DIR),
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
    )
    return environment


def subscribe_finding_tap(deployment: Deployment, stack_name: str) -> str:
    sqs, sns = client("sqs"), client("sns")
    url = sqs.create_queue(QueueName=f"{stack_name}-finding-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(
        TopicArn=deployment.topic_arn,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"},
        ReturnSubscriptionArn=True,
    )
    return url


@contextmanager
def local_pipeline(
    stack_name: str = "distillguard-local", parameter_overrides: dict[str, str] | None = None
) -> Iterator[tuple[Endpoint, LocalPipeline]]:
    with aws_endpoint() as endpoint:
        overrides = dict(parameter_overrides or {})
        if not endpoint.embedded:
            # A long-lived endpoint (LocalStack) keeps state between runs: give each run its own resources.
            run = uuid.uuid4().hex[:8]
            stack_name = f"{stack_name}-{run}"
            overrides.setdefault("BucketNamePrefix", f"dg-{run}")
        deployment = Provisioner(client, TEMPLATE, stack_name, overrides).deploy()
        finding_tap = subscribe_finding_tap(deployment, stack_name)
        environment = local_environment(deployment)
        mappings = EventSourceMappings(deployment, client, environment)
        yield endpoint, LocalPipeline(deployment, mappings, finding_tap, environment["MANIFESTS_PREFIX"])


def write_findings(findings: list[PublishedFinding], path: Path) -> None:
    """One JSON message per line, exactly as published to SNS."""
    with path.open("w", encoding="utf-8") as handle:
        for finding in findings:
            handle.write(finding.message + "\n")
