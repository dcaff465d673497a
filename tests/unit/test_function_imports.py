"""What each Lambda function imports when it starts, and what it ships: a function that never runs the model must not
pay ONNX Runtime's or numpy's import time and size, nor great-expectations' (the validate function's alone).

Each function's app.py is imported in a fresh interpreter with the settings it reads, pointed at a closed local port
so that nothing can reach AWS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from distillguard.local.template import load_template, resources_of_type
from infra.bench_coldstart import FunctionCode, import_profile

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # the discard port: any request at import fails instead of leaving
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # noqa: S105  # nosec B105  # not a credential
    "BUCKET_NAME": "distillguard-logs",
    "TABLE_NAME": "distillguard-state",
    "TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:distillguard-findings",
    "POWERTOOLS_SERVICE_NAME": "distillguard",
    "POWERTOOLS_METRICS_NAMESPACE": "DistillGuard",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "PATH": "/usr/bin:/bin",
}
NOT_IMPORTED = {
    "validate": {"onnxruntime"},
    "classify": {"great_expectations", "pandas"},
    "aggregate": {"onnxruntime", "numpy", "great_expectations"},
    "correlate": {"onnxruntime", "numpy", "great_expectations"},
}
# Nor another stage's code, nor every log parser, where it has no use for them (their import time is cold start).
OTHER_CODE = {
    "validate": {"distillguard.stages.classify", "distillguard.stages.aggregate", "distillguard.classifier"},
    "classify": {"distillguard.stages.validate", "distillguard.stages.aggregate", "distillguard.formats.parse"},
    "aggregate": {"distillguard.stages.validate", "distillguard.stages.classify", "distillguard.formats.parse"},
    "correlate": {"distillguard.stages", "distillguard.formats.parse"},
}
NOT_SHIPPED = {"onnxruntime", "numpy", "great-expectations"}


@pytest.mark.parametrize("function", sorted(NOT_IMPORTED))
def test_a_function_imports_only_the_heavy_modules_it_uses(function):
    # Given a function's handler module, When it is imported in a fresh interpreter
    profile = import_profile(FunctionCode(function, ROOT / "functions" / function, "app"), ENVIRONMENT)
    # Then none of the heavy modules it never uses were imported
    assert set(profile["heavy_modules"]) & NOT_IMPORTED[function] == set()
    # And none of the project's code that belongs to another stage
    assert set(profile["distillguard_modules"]) & OTHER_CODE[function] == set()
    # And nothing the shared layer leaves out (shared/Makefile) was needed
    used, left_out = set(profile["distillguard_modules"]), not_in_layer()
    assert used and not {name for name in used if any(name == m or name.startswith(m + ".") for m in left_out)}


def _shipped_packages(logical_id: str) -> set[str]:
    """The packages a zip function ships: its own requirements.txt and those of each layer it mounts."""
    template = load_template(TEMPLATE)
    properties = template["Resources"][logical_id]["Properties"]
    folders = [ROOT / properties["CodeUri"]]
    layers = resources_of_type(template, "AWS::Serverless::LayerVersion")
    for layer in properties.get("Layers", []):
        folders.append(ROOT / layers[layer["Ref"]]["Properties"]["ContentUri"])
    names: set[str] = set()
    for folder in folders:
        requirements = folder / "requirements.txt"
        if requirements.exists():
            names |= set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", requirements.read_text(), re.MULTILINE))
    return {name.lower().replace("_", "-") for name in names}


@pytest.mark.parametrize("logical_id", ["AggregateFunction", "CorrelateFunction"])
def test_a_function_that_never_runs_the_model_does_not_ship_its_runtime(logical_id):
    # Given the aggregate or correlate function as template.yaml packages it, Then it ships no model runtime
    assert _shipped_packages(logical_id) & NOT_SHIPPED == set()


def test_the_classify_function_ships_the_model_runtime():
    # The check above reads what is shipped correctly: the function that runs the model does ship its runtime
    assert {"onnxruntime", "numpy"} <= _shipped_packages("ClassifyFunction")


def not_in_layer() -> set[str]:
    """The distillguard modules the shared layer's build removes (shared/Makefile's NOT_SHIPPED)."""
    removed = re.search(r"^NOT_SHIPPED := (.+)$", (ROOT / "shared" / "Makefile").read_text(), re.MULTILINE)
    assert removed is not None
    return {f"distillguard.{name.removesuffix('.py')}" for name in removed.group(1).split()}


def test_the_layer_leaves_out_the_simulator_the_local_runner_the_engine_and_the_report():
    expected = {"simulate", "local", "engine", "report", "indicators"}
    assert not_in_layer() == {f"distillguard.{name}" for name in expected}
