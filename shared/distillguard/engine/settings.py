"""The settings the template gives each function, for the in-process engine: the same parameters and
environment variables, with the AWS resources they name replaced by local stand-ins (nothing is called)."""

from __future__ import annotations

from dataclasses import dataclass

from distillguard.local.pipeline import TEMPLATE
from distillguard.local.template import Resolver, load_template, parameter_defaults, resources_of_type


@dataclass
class _LocalNames(Resolver):
    """Resolves every resource's Ref and GetAtt to a placeholder name."""

    def _ref(self, name: str) -> str:
        for table in (self.parameters, self.pseudo):
            if name in table:
                return table[name]
        return f"in-process-{name}"

    def _get_att(self, argument: list[str]) -> str:
        logical_id, attribute = argument
        return f"arn:aws:in-process:::{logical_id}/{attribute}"


def function_settings(overrides: dict[str, str] | None = None) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Each function's environment, by logical id, keyed by setting name (lower case), and the parameters."""
    template = load_template(TEMPLATE)
    parameters = parameter_defaults(template) | (overrides or {})
    resolver = _LocalNames(
        parameters,
        {"AWS::AccountId": "123456789012", "AWS::Region": "us-east-1", "AWS::Partition": "aws", "AWS::StackName": "x"},
    )
    globals_env = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    environments = {}
    for logical_id, resource in resources_of_type(template, "AWS::Serverless::Function").items():
        variables = globals_env | resource["Properties"].get("Environment", {}).get("Variables", {})
        resolved = resolver.resolve(variables)
        environments[logical_id] = {name.lower(): str(value) for name, value in resolved.items()}
    return environments, parameters
