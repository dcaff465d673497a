"""Creates the template's bucket, queues, table and topics on an emulator (or LocalStack) with boto3.

Names and properties come from template.yaml. Bucket notifications are wired with boto3 because neither
moto nor a plain CloudFormation call applies the SAM transform here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from distillguard.local.template import Resolver, load_template, parameter_defaults, resources_of_type

LOCAL_ACCOUNT = "123456789012"  # moto's default account
LOCAL_REGION = "us-east-1"


@dataclass(frozen=True)
class EventSource:
    """One function's SQS event source mapping, as the template declares it."""

    function_id: str
    queue_url: str
    queue_arn: str
    batch_size: int
    reports_item_failures: bool


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler: str
    environment: dict[str, str]


@dataclass(frozen=True)
class Deployment:
    bucket: str
    raw_prefix: str
    table: str
    topic_arn: str
    event_sources: list[EventSource]  # in pipeline order: validate, classify, aggregate
    dead_letter_queue_urls: list[str]
    functions: dict[str, FunctionSpec]
    resolver: Resolver
    scheduled_functions: list[str]  # functions an EventBridge schedule invokes (correlate)


class Provisioner:
    def __init__(self, clients: Any, template_path: Path, stack_name: str, overrides: dict[str, str] | None = None):
        self.clients = clients  # callable: service name -> boto3 client
        self.template_path = template_path
        self.template = load_template(template_path)
        self.stack_name = stack_name
        parameters = parameter_defaults(self.template) | (overrides or {})
        self.resolver = Resolver(
            parameters,
            {
                "AWS::AccountId": LOCAL_ACCOUNT,
                "AWS::Region": LOCAL_REGION,
                "AWS::Partition": "aws",
                "AWS::StackName": stack_name,
            },
        )

    def deploy(self) -> Deployment:
        self._queues()
        table = self._table()
        topic_arn = self._topics()
        bucket = self._bucket()
        functions = self._functions()
        sources = self._event_sources()
        return Deployment(
            bucket=bucket,
            raw_prefix=self.resolver.parameters["RawLogPrefix"],
            table=table,
            topic_arn=topic_arn,
            event_sources=sources,
            dead_letter_queue_urls=[
                self.resolver.refs[logical_id]
                for logical_id in resources_of_type(self.template, "AWS::SQS::Queue")
                if logical_id.endswith("DeadLetterQueue")
            ],
            functions=functions,
            scheduled_functions=self._scheduled_functions(),
            resolver=self.resolver,
        )

    def _name(self, logical_id: str) -> str:
        return f"{self.stack_name}-{logical_id}"

    def _queues(self) -> None:
        sqs = self.clients("sqs")
        queues = resources_of_type(self.template, "AWS::SQS::Queue")
        # Dead-letter queues first: the others' redrive policies name them.
        for logical_id in sorted(queues, key=lambda name: "RedrivePolicy" in queues[name].get("Properties", {})):
            properties = self.resolver.resolve(queues[logical_id].get("Properties", {}))
            attributes = {
                name: str(properties[name])
                for name in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds")
                if name in properties
            }
            if "RedrivePolicy" in properties:
                attributes["RedrivePolicy"] = json.dumps(properties["RedrivePolicy"])
            url = sqs.create_queue(QueueName=self._name(logical_id), Attributes=attributes)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self.resolver.refs[logical_id] = url
            self.resolver.attributes[(logical_id, "Arn")] = arn
            self.resolver.attributes[(logical_id, "QueueName")] = self._name(logical_id)
            self.resolver.attributes[(logical_id, "QueueUrl")] = url

    def _table(self) -> str:
        dynamodb = self.clients("dynamodb")
        ((logical_id, resource),) = resources_of_type(self.template, "AWS::DynamoDB::Table").items()
        properties = resource["Properties"]
        name = self._name(logical_id)
        try:
            dynamodb.create_table(
                TableName=name,
                AttributeDefinitions=properties["AttributeDefinitions"],
                KeySchema=properties["KeySchema"],
                BillingMode=properties["BillingMode"],
                SSESpecification={"Enabled": properties["SSESpecification"]["SSEEnabled"]},
            )
            dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
            ttl = properties["TimeToLiveSpecification"]
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceInUseException":
                raise
        self.resolver.refs[logical_id] = name
        self.resolver.attributes[(logical_id, "Arn")] = f"arn:aws:dynamodb:{LOCAL_REGION}:{LOCAL_ACCOUNT}:table/{name}"
        return name

    def _topics(self) -> str:
        sns = self.clients("sns")
        alert_topic = ""
        for logical_id in resources_of_type(self.template, "AWS::SNS::Topic"):
            arn = sns.create_topic(Name=self._name(logical_id))["TopicArn"]
            self.resolver.refs[logical_id] = arn
            if logical_id == "AlertTopic":
                alert_topic = arn
        return alert_topic

    def _bucket(self) -> str:
        s3 = self.clients("s3")
        ((logical_id, resource),) = resources_of_type(self.template, "AWS::S3::Bucket").items()
        properties = self.resolver.resolve(resource["Properties"])
        name = properties["BucketName"]
        try:
            s3.create_bucket(Bucket=name)
        except ClientError as error:
            if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                raise
        self.resolver.refs[logical_id] = name
        self.resolver.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"
        encryption = [
            {
                "ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"],
                "BucketKeyEnabled": rule.get("BucketKeyEnabled", False),
            }
            for rule in properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": encryption})
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"]
        )
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=properties["VersioningConfiguration"])
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration=_lifecycle(properties))
        s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration=_notifications(properties))
        return name

    def _functions(self) -> dict[str, FunctionSpec]:
        root = self.template_path.parent
        globals_env = self.template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
        specs = {}
        for logical_id, resource in resources_of_type(self.template, "AWS::Serverless::Function").items():
            properties = resource["Properties"]
            variables = globals_env | properties.get("Environment", {}).get("Variables", {})
            if properties.get("PackageType") == "Image":
                code_dir = root / Path(resource["Metadata"]["Dockerfile"]).parent
                handler = properties.get("ImageConfig", {}).get("Command", ["app.lambda_handler"])[0]
            else:
                code_dir = root / properties["CodeUri"]
                handler = properties["Handler"]
            specs[logical_id] = FunctionSpec(
                logical_id=logical_id,
                code_dir=code_dir,
                handler=handler,
                environment={name: str(value) for name, value in self.resolver.resolve(variables).items()},
            )
        return specs

    def _scheduled_functions(self) -> list[str]:
        return [
            logical_id
            for logical_id, resource in resources_of_type(self.template, "AWS::Serverless::Function").items()
            if any(event["Type"] == "Schedule" for event in resource["Properties"].get("Events", {}).values())
        ]

    def _event_sources(self) -> list[EventSource]:
        sources = []
        for logical_id, resource in resources_of_type(self.template, "AWS::Serverless::Function").items():
            for event in resource["Properties"].get("Events", {}).values():
                if event["Type"] != "SQS":
                    continue
                queue_id = event["Properties"]["Queue"]["Fn::GetAtt"][0]
                sources.append(
                    EventSource(
                        function_id=logical_id,
                        queue_url=self.resolver.refs[queue_id],
                        queue_arn=self.resolver.attributes[(queue_id, "Arn")],
                        batch_size=int(self.resolver.resolve(event["Properties"].get("BatchSize", 10))),
                        reports_item_failures="ReportBatchItemFailures"
                        in event["Properties"].get("FunctionResponseTypes", []),
                    )
                )
        return sources


def _lifecycle(properties: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in properties["LifecycleConfiguration"]["Rules"]:
        converted: dict[str, Any] = {
            "ID": rule["Id"],
            "Status": rule["Status"],
            "Filter": {"Prefix": rule.get("Prefix", "")},
        }
        if "ExpirationInDays" in rule:
            converted["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
        if "NoncurrentVersionExpiration" in rule:
            converted["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
            }
        if "AbortIncompleteMultipartUpload" in rule:
            converted["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
            }
        rules.append(converted)
    return {"Rules": rules}


def _notifications(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "QueueConfigurations": [
            {
                "QueueArn": config["Queue"],
                "Events": [config["Event"]],
                "Filter": {"Key": {"FilterRules": config["Filter"]["S3Key"]["Rules"]}},
            }
            for config in properties["NotificationConfiguration"]["QueueConfigurations"]
        ]
    }
