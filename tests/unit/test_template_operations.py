"""The operations side of template.yaml: a dashboard over the metrics the functions really emit, and every alarm
routed to the operations topic and shown on the dashboard."""

from __future__ import annotations

import json
import re
from pathlib import Path

from py_ocsf_models.events.findings.severity_id import SeverityID

from distillguard.local.template import load_template, resources_of_type

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
RESOURCES = TEMPLATE["Resources"]
ALARMS = resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm")
NAMESPACE = "DistillGuard"


def dashboard() -> dict:
    ((_, resource),) = resources_of_type(TEMPLATE, "AWS::CloudWatch::Dashboard").items()
    body = resource["Properties"]["DashboardBody"]["Fn::Sub"]
    for reference in re.findall(r"\$\{([^}]+)\}", body):
        assert reference.startswith("AWS::") or reference.split(".")[0] in RESOURCES, reference
    return json.loads(re.sub(r"\$\{[^}]+\}", "x", body))


def dashboard_metrics(namespace: str) -> set[str]:
    names: set[str] = set()
    for widget in dashboard()["widgets"]:
        last_namespace = None
        for row in widget["properties"].get("metrics", []):
            last_namespace = row[0] if row[0] not in (".", "...") else last_namespace
            if last_namespace == namespace and row[0] != "...":
                names.add(row[1])
    return names


def emitted_metrics() -> set[str]:
    """Metric names the handlers emit (literal names, and the label and severity families)."""
    source = "\n".join(path.read_text() for path in (ROOT / "functions").glob("*/app.py"))
    names = set(re.findall(r'add_metric\(name="(\w+)"', source))
    assert 'name=f"Label_{label}"' in source and 'name=f"Findings_{severity}"' in source
    names |= {f"Label_{label}" for label in ("cot_harvesting", "agentic_extraction", "ordinary")}
    names |= {f"Findings_{SeverityID(level).name}" for level in (3, 4, 5)}  # correlation.incidents.severity_id
    return names


def test_the_dashboard_shows_records_labels_severities_and_reads_only_metrics_the_functions_emit() -> None:
    shown = dashboard_metrics(NAMESPACE)
    assert {"RecordsIn", "RecordsQuarantined", "Label_cot_harvesting", "Findings_Critical", "Findings_High"} <= shown
    assert shown <= emitted_metrics()
    assert TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"] == NAMESPACE


def test_the_dashboard_shows_dlq_depth_and_stage_latency_of_every_stage() -> None:
    widgets = {widget["properties"]["title"]: widget for widget in dashboard()["widgets"]}
    depth = widgets["Dead-letter queue depth"]["properties"]["metrics"]
    latency = widgets["Stage latency: Lambda Duration p95 (ms)"]["properties"]["metrics"]
    dead_letter_queues = [q for q in resources_of_type(TEMPLATE, "AWS::SQS::Queue") if q.endswith("DeadLetterQueue")]
    assert len(depth) == len(dead_letter_queues) == 3
    assert len(latency) == len(resources_of_type(TEMPLATE, "AWS::Serverless::Function")) == 4


def test_every_alarm_notifies_the_operations_topic_and_is_on_the_dashboard() -> None:
    ((_, resource),) = resources_of_type(TEMPLATE, "AWS::CloudWatch::Dashboard").items()
    body = resource["Properties"]["DashboardBody"]["Fn::Sub"]
    for name, alarm in ALARMS.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "OperationsTopic"}], name
        assert f"${{{name}.Arn}}" in body, name
    assert {"QuarantineRateAlarm", "CorrelationStalledAlarm", "FunctionThrottlesAlarm", "StageBacklogAlarm"} <= set(
        ALARMS
    )


def test_metric_math_alarms_return_exactly_one_series_built_from_the_others() -> None:
    for name, alarm in ALARMS.items():
        metrics = alarm["Properties"].get("Metrics")
        if not metrics:
            continue
        returned = [m for m in metrics if m.get("ReturnData", True)]
        inputs = {m["Id"] for m in metrics if "MetricStat" in m}
        assert len(returned) == 1 and "Expression" in returned[0], name
        expressions = {m["Id"] for m in metrics if "Expression" in m}
        for metric in metrics:
            if "Expression" in metric:
                assert set(re.findall(r"\b[a-z]\w*", metric["Expression"])) <= inputs | expressions, name


def test_the_near_timeout_alarm_divides_each_duration_by_that_functions_timeout() -> None:
    functions = resources_of_type(TEMPLATE, "AWS::Serverless::Function")
    default = TEMPLATE["Globals"]["Function"]["Timeout"]
    metrics = {m["Id"]: m for m in ALARMS["StageNearTimeoutAlarm"]["Properties"]["Metrics"]}
    for function_id, function in functions.items():
        stage = function_id.removesuffix("Function").lower()
        timeout_ms = 1000 * function["Properties"].get("Timeout", default)
        assert metrics[stage]["MetricStat"]["Metric"]["Dimensions"][0]["Value"] == {"Ref": function_id}
        assert metrics[f"{stage}share"]["Expression"] == f"{stage} / {timeout_ms}"
