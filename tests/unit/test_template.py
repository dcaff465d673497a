"""template.yaml deploys what a security team expects: it lints, every function gets least privilege in the template
SAM actually deploys (after its transform), the topics and log groups are locked down, and every checkov
suppression says why."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from distillguard.local.template import load_template, resources_of_type

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
FUNCTIONS = resources_of_type(TEMPLATE, "AWS::Serverless::Function")

# Allow statements that may name "*", each with the reason AWS gives no narrower form.
JUSTIFIED_WILDCARDS = {
    # A key policy is attached to one key: its Resource must be "*", which means "this key".
    ("AWS::KMS::Key", "Resource"): "a key policy's resource is always the key itself, written *",
    # The default key policy statement: the account administers the key through IAM. Removing it makes the key
    # unmanageable (KMS's lockout safety check refuses such a policy).
    ("AWS::KMS::Key", "AccountAdministersTheKeyThroughIam"): "delegates the key's administration to IAM",
    # Step Functions' log delivery and X-Ray actions accept no resource ARN (AWS's documented policy uses "*").
    ("AWS::IAM::Role", "LogDeliveryAndTracingTakeNoResource"): "the state machine's logs and traces",
}


def tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (make test installs it)")
    return path


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def event_of(function: dict[str, Any]) -> dict[str, Any]:
    (event,) = function["Properties"]["Events"].values()
    return event


def sqs_functions() -> list[str]:
    return sorted(name for name, function in FUNCTIONS.items() if event_of(function)["Type"] == "SQS")


class _NoManagedPolicies:
    """SAM asks for the managed-policy map only when a function names a managed policy; none may."""

    def load(self) -> dict[str, str]:
        raise AssertionError("SAM looked up managed policies: a function lost its explicit role")


@pytest.fixture(scope="module")
def expanded() -> dict[str, Any]:
    """The CloudFormation template SAM deploys, translated offline (local code paths replaced by placeholders)."""
    from samtranslator.translator.transform import transform

    fragment = copy.deepcopy(TEMPLATE)
    for resource in fragment["Resources"].values():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            if properties.get("PackageType") == "Image":
                properties["ImageUri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/distillguard:local"
            else:
                properties["CodeUri"] = "s3://distillguard-artifacts/function.zip"
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            properties["ContentUri"] = "s3://distillguard-artifacts/layer.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        return transform(fragment, {}, _NoManagedPolicies())


RESOURCE_POLICY_TYPES = {
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::S3::BucketPolicy",
}


def policy_documents(template: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(logical id, type, document) for every policy a resource carries: IAM, key, topic, queue and bucket."""
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        kind = resource["Type"]
        if kind == "AWS::IAM::Role":
            yield logical_id, kind, properties["AssumeRolePolicyDocument"]
            for policy in properties.get("Policies", []):
                yield logical_id, kind, policy["PolicyDocument"]
        elif kind in RESOURCE_POLICY_TYPES:
            yield logical_id, kind, properties["PolicyDocument"]
        elif kind == "AWS::KMS::Key":
            yield logical_id, kind, properties["KeyPolicy"]


def granted(statements: list[Any]) -> list[dict[str, Any]]:
    """Statements with conditional ones (Fn::If) taken as granted; AWS::NoValue branches dropped."""
    found = []
    for statement in statements:
        if "Fn::If" in statement:
            found += [branch for branch in statement["Fn::If"][1:] if branch != {"Ref": "AWS::NoValue"}]
        else:
            found.append(statement)
    return found


def role_of(function_id: str) -> dict[str, Any]:
    role = FUNCTIONS[function_id]["Properties"]["Role"]
    assert role == {"Fn::GetAtt": [role["Fn::GetAtt"][0], "Arn"]}, function_id
    return TEMPLATE["Resources"][role["Fn::GetAtt"][0]]


def role_statements(function_id: str) -> list[dict[str, Any]]:
    policies = role_of(function_id)["Properties"]["Policies"]
    return granted([s for policy in policies for s in policy["PolicyDocument"]["Statement"]])


def grants(function_id: str, service: str) -> dict[str, list[Any]]:
    """action -> resources granted to the function's role, for one service prefix."""
    found: dict[str, list[Any]] = {}
    for statement in role_statements(function_id):
        for action in as_list(statement["Action"]):
            if action.startswith(f"{service}:"):
                found.setdefault(action, []).extend(as_list(statement["Resource"]))
    return found


# ---------------------------------------------------------------- linters


@pytest.mark.parametrize("command", [["sam", "validate", "--lint"], ["cfn-lint", "template.yaml"]])
def test_template_passes_sam_and_cfn_lint(command: list[str]) -> None:
    environment = os.environ | {"AWS_DEFAULT_REGION": "us-east-1", "SAM_CLI_TELEMETRY": "0"}
    result = subprocess.run(
        [tool(command[0]), *command[1:]], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_checkov_suppression_says_why() -> None:
    # Given every checkov skip in the template
    skips = [
        (logical_id, skip)
        for logical_id, resource in TEMPLATE["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    # Then each names its check and gives a reason a reviewer can weigh, not a placeholder
    assert skips
    for logical_id, skip in skips:
        assert skip["id"].startswith("CKV"), logical_id
        assert len(skip.get("comment", "").split()) >= 12, (logical_id, skip)


# ---------------------------------------------------------------- least privilege, after SAM's transform


def test_sam_attaches_no_managed_policy_and_creates_no_role_of_its_own(expanded: dict[str, Any]) -> None:
    # Given the template SAM deploys
    roles = resources_of_type(expanded, "AWS::IAM::Role")
    # Then the only roles are the explicit ones (one per function, one for the backfill state machine), and none
    # carries AWSLambdaBasicExecutionRole, the SQS poller policy or any other managed policy (logs and sqs on "*")
    assert sorted(roles) == ["AggregateRole", "BackfillRole", "ClassifyRole", "CorrelateRole", "ValidateRole"]
    assert all("ManagedPolicyArns" not in role["Properties"] for role in roles.values())
    assert not resources_of_type(expanded, "AWS::IAM::Policy")
    assert not resources_of_type(expanded, "AWS::IAM::ManagedPolicy")
    functions = resources_of_type(expanded, "AWS::Lambda::Function")
    assert {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()} == set(roles) - {"BackfillRole"}
    (machine,) = resources_of_type(expanded, "AWS::StepFunctions::StateMachine").values()
    assert machine["Properties"]["RoleArn"] == {"Fn::GetAtt": ["BackfillRole", "Arn"]}


def test_no_allow_in_the_deployed_template_uses_a_wildcard_except_where_aws_requires_it(
    expanded: dict[str, Any],
) -> None:
    # Given every policy document of the deployed template (IAM, keys, topics, queues, bucket)
    documents = list(policy_documents(expanded))
    assert {kind for _, kind, _ in documents} >= {
        "AWS::IAM::Role",
        "AWS::KMS::Key",
        "AWS::SNS::TopicPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::S3::BucketPolicy",
    }
    for logical_id, kind, document in documents:
        for statement in granted(document["Statement"]):
            if statement["Effect"] != "Allow":
                continue  # a Deny with a wildcard only narrows what is allowed
            where = (logical_id, statement.get("Sid"))
            # Then no Allow is public
            assert statement.get("Principal") != "*" and statement.get("Principal") != {"AWS": "*"}, where
            # And each names its actions (no "*", no "service:*", no "service:Get*")
            if (kind, statement.get("Sid")) not in JUSTIFIED_WILDCARDS:
                assert all("*" not in action for action in as_list(statement["Action"])), where
            # And its resources ("*" only in key policies, where it means the key itself)
            justified = {(kind, "Resource"), (kind, statement.get("Sid"))} & JUSTIFIED_WILDCARDS.keys()
            if "Resource" in statement and not justified:
                assert "*" not in as_list(statement["Resource"]), where


@pytest.mark.parametrize("function_id", sqs_functions())
def test_each_queue_consumer_polls_only_its_own_queue(function_id: str) -> None:
    # Given a function fed by an SQS event source
    queue = event_of(FUNCTIONS[function_id])["Properties"]["Queue"]
    # Then its role may receive, delete and read the attributes of that queue and of no other
    assert grants(function_id, "sqs") == {
        "sqs:ReceiveMessage": [queue],
        "sqs:DeleteMessage": [queue],
        "sqs:GetQueueAttributes": [queue],
    }


def test_the_scheduled_correlator_touches_no_queue() -> None:
    assert grants("CorrelateFunction", "sqs") == {}


@pytest.mark.parametrize("function_id", sorted(FUNCTIONS))
def test_each_function_writes_only_its_own_encrypted_log_group(function_id: str) -> None:
    # Given the log group the function is configured to write to
    log_group_id = FUNCTIONS[function_id]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = TEMPLATE["Resources"][log_group_id]["Properties"]
    # Then its role may create streams and put events there only (no CreateLogGroup, no other group)
    arn = {"Fn::GetAtt": [log_group_id, "Arn"]}
    assert grants(function_id, "logs") == {"logs:CreateLogStream": [arn], "logs:PutLogEvents": [arn]}
    # And the group is encrypted with the stack's log key, whose policy admits this group's name
    assert log_group["KmsKeyId"] == {"Fn::GetAtt": ["LogGroupKey", "Arn"]}
    assert log_group["LogGroupName"]["Fn::Sub"].startswith("/aws/lambda/${AWS::StackName}/")
    assert "RetentionInDays" in log_group


def test_each_stage_reads_its_input_prefix_and_writes_only_its_outputs() -> None:
    def paths(function_id: str) -> dict[str, set[str]]:
        return {
            action: {resource["Fn::Sub"].split("/", 1)[1] for resource in resources}
            for action, resources in grants(function_id, "s3").items()
        }

    assert paths("ValidateFunction") == {
        "s3:GetObject": {"${RawLogPrefix}*"},
        "s3:PutObject": {"validated/*", "quarantine/*", "verdicts/unlogged/*", "manifests/validate/*"},
    }
    assert paths("ClassifyFunction") == {
        "s3:GetObject": {"validated/*"},
        "s3:PutObject": {"verdicts/*", "manifests/classify/*"},
    }
    assert paths("AggregateFunction") == {"s3:GetObject": {"verdicts/*"}}
    assert paths("CorrelateFunction") == {}


def test_only_aggregate_and_correlate_reach_the_table_and_only_that_table() -> None:
    table = {"Fn::GetAtt": ["StateTable", "Arn"]}
    assert grants("ValidateFunction", "dynamodb") == grants("ClassifyFunction", "dynamodb") == {}
    for function_id in ("AggregateFunction", "CorrelateFunction"):
        assert all(resources == [table] for resources in grants(function_id, "dynamodb").values()), function_id
    assert set(grants("AggregateFunction", "dynamodb")) == {"dynamodb:BatchWriteItem", "dynamodb:UpdateItem"}


def test_one_correlator_runs_at_a_time_and_security_hub_is_granted_only_when_forwarding_is_on() -> None:
    correlate = FUNCTIONS["CorrelateFunction"]["Properties"]
    assert correlate["ReservedConcurrentExecutions"] == 1
    policies = role_of("CorrelateFunction")["Properties"]["Policies"]
    conditional = [s for p in policies for s in p["PolicyDocument"]["Statement"] if "Fn::If" in s]
    assert [s["Fn::If"][0] for s in conditional] == ["ForwardsToSecurityHub"]
    assert conditional[0]["Fn::If"][1]["Action"] == "securityhub:BatchImportFindings"
    assert conditional[0]["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    assert TEMPLATE["Parameters"]["ForwardToSecurityHub"]["Default"] == "false"


def test_only_lambda_assumes_the_function_roles() -> None:
    for function_id in FUNCTIONS:
        (statement,) = role_of(function_id)["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement == {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }, function_id


# ---------------------------------------------------------------- topics and keys


def topic_statements(topic_id: str) -> dict[str, dict[str, Any]]:
    (policy,) = [
        p
        for p in resources_of_type(TEMPLATE, "AWS::SNS::TopicPolicy").values()
        if p["Properties"]["Topics"] == [{"Ref": topic_id}]
    ]
    return {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}


def assert_tls_only(statements: dict[str, dict[str, Any]]) -> None:
    tls = statements["DenyInsecureTransport"]
    assert tls["Effect"] == "Deny" and tls["Principal"] == "*"
    assert {"sns:Publish", "sns:Subscribe"} <= set(tls["Action"])
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_only_the_correlate_role_can_publish_an_alert() -> None:
    # Given the alert topic's policy
    statements = topic_statements("AlertTopic")
    correlate = {"Fn::GetAtt": ["CorrelateRole", "Arn"]}
    publishers = [s for s in statements.values() if s["Effect"] == "Allow" and "sns:Publish" in as_list(s["Action"])]
    # Then it lets the correlate role publish
    assert [s["Principal"] for s in publishers] == [{"AWS": correlate}]
    # And denies publishing to every other principal, however broad its IAM policy (no forged findings)
    deny = statements["NoOneElsePublishes"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "sns:Publish"
    assert deny["Condition"] == {"ArnNotEqualsIfExists": {"aws:PrincipalArn": correlate}}
    # And refuses any request without TLS
    assert_tls_only(statements)


def test_only_this_accounts_cloudwatch_alarms_can_publish_to_the_operations_topic() -> None:
    statements = topic_statements("OperationsTopic")
    alarms = {"Fn::Sub": "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"}
    (allow,) = [s for s in statements.values() if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"} and allow["Action"] == "sns:Publish"
    assert allow["Condition"] == {
        "ArnLike": {"aws:SourceArn": alarms},
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
    }
    deny = statements["NothingButAlarmsPublishes"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Condition"] == {"ArnNotLikeIfExists": {"aws:SourceArn": alarms}}
    assert_tls_only(statements)


def key_statements(key_id: str) -> dict[str, dict[str, Any]]:
    key = TEMPLATE["Resources"][key_id]
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    return {s["Sid"]: s for s in key["Properties"]["KeyPolicy"]["Statement"]}


def test_the_alarms_can_notify_through_a_customer_managed_key_cloudwatch_may_use() -> None:
    # Given the operations topic, where every alarm sends its notification
    topic = TEMPLATE["Resources"]["OperationsTopic"]["Properties"]
    for alarm_id, alarm in resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm").items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "OperationsTopic"}], alarm_id
    # Then it is encrypted with the stack's own key, not the AWS-managed SNS key CloudWatch cannot use
    assert topic["KmsMasterKeyId"] == {"Ref": "OperationsTopicKey"}
    # And the key, rotated yearly, lets CloudWatch (for this account's alarms) and SNS encrypt and decrypt
    statements = key_statements("OperationsTopicKey")
    by_service = {s["Principal"].get("Service"): s for s in statements.values()}
    for service in ("cloudwatch.amazonaws.com", "sns.amazonaws.com"):
        assert set(by_service[service]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}, service
        assert by_service[service]["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_the_log_key_serves_cloudwatch_logs_for_this_stacks_log_groups_only() -> None:
    statements = key_statements("LogGroupKey")
    logs = statements["LogsEncryptThisStacksLogGroups"]
    assert logs["Principal"] == {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}
    log_groups = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
    functions, backfill = (
        log_groups + "/aws/lambda/${AWS::StackName}/*",
        log_groups + "/aws/vendedlogs/states/${AWS::StackName}-*",
    )
    assert logs["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": [{"Fn::Sub": functions}, {"Fn::Sub": backfill}]}
    }
    # And no other principal but the account's administrators (through IAM) is named
    assert {s["Sid"] for s in statements.values()} == {"AccountAdministersTheKeyThroughIam", logs["Sid"]}


# ---------------------------------------------------------------- limits, storage and queues


@pytest.mark.parametrize("function_id", sqs_functions())
def test_each_queue_event_source_has_a_concurrency_cap_set_by_a_parameter(function_id: str) -> None:
    # Given a queue consumer's event source
    scaling = event_of(FUNCTIONS[function_id])["Properties"]["ScalingConfig"]
    parameter = TEMPLATE["Parameters"][scaling["MaximumConcurrency"]["Ref"]]
    # Then a flood of objects runs at most the parameter's number of functions, within Lambda's bounds (2 to 1000)
    assert parameter["Type"] == "Number" and parameter["MinValue"] >= 2 and parameter["MaxValue"] <= 1000
    assert 2 <= parameter["Default"] <= 20


def test_the_longest_validate_batching_window_a_deployment_may_choose_ends_inside_the_default_lateness() -> None:
    # Given the raw-log queue's batching window parameter and the correlator's lateness
    parameters = TEMPLATE["Parameters"]
    window, lateness = parameters["ValidateBatchingWindowSeconds"], parameters["CorrelationLatenessSeconds"]
    # Then any window Lambda allows (300 s at most) can be chosen, and logs held that long still reach their hour
    # before it is correlated
    assert window["MaxValue"] <= 300
    assert window["MaxValue"] < lateness["Default"]


def test_zip_functions_run_python_3_12_and_queue_consumers_report_partial_batch_failures() -> None:
    for logical_id, function in FUNCTIONS.items():
        properties = function["Properties"]
        if properties.get("PackageType") != "Image":
            assert properties["Runtime"] == "python3.12", logical_id
        event = event_of(function)
        if event["Type"] == "SQS":
            assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        else:
            assert logical_id == "CorrelateFunction" and event["Type"] == "Schedule"


def test_the_bucket_is_private_encrypted_and_tls_only() -> None:
    bucket = resources_of_type(TEMPLATE, "AWS::S3::Bucket")["LogBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    (policy,) = resources_of_type(TEMPLATE, "AWS::S3::BucketPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_raw_logs_and_everything_derived_from_them_expire() -> None:
    # Given the bucket's lifecycle rules
    rules = resources_of_type(TEMPLATE, "AWS::S3::Bucket")["LogBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    expiring = {str(rule["Prefix"]): rule for rule in rules if "Prefix" in rule and "ExpirationInDays" in rule}
    # Then raw logs (whole prompts) expire after RawLogRetentionDays, under whatever RawLogPrefix is deployed
    raw = expiring[str({"Ref": "RawLogPrefix"})]
    assert raw["Status"] == "Enabled" and raw["ExpirationInDays"] == {"Ref": "RawLogRetentionDays"}
    assert raw["NoncurrentVersionExpiration"]["NoncurrentDays"] <= 30  # the bucket is versioned
    assert TEMPLATE["Parameters"]["RawLogRetentionDays"]["Default"] == 30
    # And so does every prefix the pipeline writes
    assert {"validated/", "verdicts/", "manifests/", "quarantine/"} <= set(expiring)


def test_every_stage_queue_has_a_dead_letter_queue_with_an_alarm() -> None:
    queues = resources_of_type(TEMPLATE, "AWS::SQS::Queue")
    stage_queues = [q for q in queues if not q.endswith("DeadLetterQueue")]
    alarms = resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm")
    alarmed = {
        alarm["Properties"]["Dimensions"][0]["Value"].get("Fn::GetAtt", [""])[0]
        for alarm in alarms.values()
        if "Dimensions" in alarm["Properties"]  # metric-math alarms (test_template_operations.py) have none
    }
    for queue in stage_queues:
        dead_letter = queues[queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert dead_letter in alarmed, queue
