"""template.yaml deploys what a security team expects: it lints, and every function gets least privilege."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from distillguard.local.template import load_template, resources_of_type

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
FUNCTIONS = resources_of_type(TEMPLATE, "AWS::Serverless::Function")


def tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (make test installs it)")
    return path


@pytest.mark.parametrize("command", [["sam", "validate", "--lint"], ["cfn-lint", "template.yaml"]])
def test_template_passes_sam_and_cfn_lint(command: list[str]) -> None:
    environment = os.environ | {"AWS_DEFAULT_REGION": "us-east-1", "SAM_CLI_TELEMETRY": "0"}
    result = subprocess.run(
        [tool(command[0]), *command[1:]], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    """Every statement, with conditional ones (Fn::If) taken as granted."""
    found = [s for policy in function["Properties"]["Policies"] for s in policy["Statement"]]
    return [s["Fn::If"][1] if "Fn::If" in s else s for s in found]


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_functions_get_named_actions_on_named_resources_only(logical_id: str) -> None:
    for statement in statements(FUNCTIONS[logical_id]):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in action for action in actions), statement
        assert statement["Resource"] != "*", statement


def s3_grants(logical_id: str) -> dict[str, set[str]]:
    grants: dict[str, set[str]] = {}
    for statement in statements(FUNCTIONS[logical_id]):
        if not (isinstance(statement["Action"], str) and statement["Action"].startswith("s3:")):
            continue
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            path = resource["Fn::Sub"].split("/", 1)[1]
            grants.setdefault(statement["Action"], set()).add(path)
    return grants


def test_each_stage_reads_its_input_prefix_and_writes_only_its_outputs() -> None:
    assert s3_grants("ValidateFunction") == {
        "s3:GetObject": {"${RawLogPrefix}*"},
        "s3:PutObject": {"validated/*", "quarantine/*", "manifests/validate/*"},
    }
    assert s3_grants("ClassifyFunction") == {
        "s3:GetObject": {"validated/*"},
        "s3:PutObject": {"verdicts/*", "manifests/classify/*"},
    }
    assert s3_grants("AggregateFunction") == {"s3:GetObject": {"verdicts/*"}}


def test_zip_functions_run_python_3_12_and_queue_consumers_report_partial_batch_failures() -> None:
    for logical_id, function in FUNCTIONS.items():
        properties = function["Properties"]
        if properties.get("PackageType") != "Image":
            assert properties["Runtime"] == "python3.12", logical_id
        (event,) = properties["Events"].values()
        if event["Type"] == "SQS":
            assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        else:
            assert logical_id == "CorrelateFunction" and event["Type"] == "Schedule"


def test_one_correlator_runs_at_a_time_and_security_hub_is_granted_only_when_forwarding_is_on() -> None:
    correlate = FUNCTIONS["CorrelateFunction"]["Properties"]
    assert correlate["ReservedConcurrentExecutions"] == 1
    conditional = [s for p in correlate["Policies"] for s in p["Statement"] if "Fn::If" in s]
    assert [s["Fn::If"][0] for s in conditional] == ["ForwardsToSecurityHub"]
    assert conditional[0]["Fn::If"][1]["Action"] == "securityhub:BatchImportFindings"
    assert TEMPLATE["Parameters"]["ForwardToSecurityHub"]["Default"] == "false"


def test_the_bucket_is_private_encrypted_and_tls_only() -> None:
    bucket = resources_of_type(TEMPLATE, "AWS::S3::Bucket")["LogBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    (policy,) = resources_of_type(TEMPLATE, "AWS::S3::BucketPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_every_stage_queue_has_a_dead_letter_queue_with_an_alarm() -> None:
    queues = resources_of_type(TEMPLATE, "AWS::SQS::Queue")
    stage_queues = [q for q in queues if not q.endswith("DeadLetterQueue")]
    alarms = resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm")
    alarmed = {alarm["Properties"]["Dimensions"][0]["Value"].get("Fn::GetAtt", [""])[0] for alarm in alarms.values()}
    for queue in stage_queues:
        dead_letter = queues[queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert dead_letter in alarmed, queue
