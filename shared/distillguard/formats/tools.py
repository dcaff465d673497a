"""Tool schemas from any API shape, rewritten as OpenAI function tools so every format looks alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from distillguard.formats.errors import RecordRejected


def openai_tool(spec: Any, *, path: str) -> dict[str, Any]:
    """``{"type": "function", "function": {"name", "description", "parameters"}}`` from one tool spec.

    Accepts OpenAI function tools, Anthropic tools (``name``/``description``/``input_schema``, including server
    tools that carry only a ``type`` and ``name``), Converse/Nova ``{"toolSpec": {..., "inputSchema": {"json"}}}``
    and Cohere ``parameter_definitions``. Keys the source lacks are left out rather than invented.
    """
    if not isinstance(spec, Mapping):
        raise RecordRejected(f"schema:{path}", "a tool spec must be an object")
    inner: Any = spec
    if isinstance(spec.get("function"), Mapping):
        inner = spec["function"]
    elif isinstance(spec.get("toolSpec"), Mapping):
        inner = spec["toolSpec"]
    name = inner.get("name")
    if name is None and inner is spec:
        name = spec.get("type")  # e.g. OpenAI built-in tools such as {"type": "web_search_preview"}
    if not isinstance(name, str) or not name:
        raise RecordRejected(f"schema:{path}.name", "a tool needs a non-empty string name")
    function: dict[str, Any] = {"name": name}
    description = inner.get("description")
    if isinstance(description, str):
        function["description"] = description
    parameters = _parameters(inner)
    if parameters is not None:
        function["parameters"] = parameters
    return {"type": "function", "function": function}


def _parameters(inner: Mapping[str, Any]) -> Any:
    if "parameters" in inner:
        return inner["parameters"]
    if "input_schema" in inner:
        return inner["input_schema"]
    schema = inner.get("inputSchema")
    if isinstance(schema, Mapping) and "json" in schema:
        return schema["json"]
    if "parameter_definitions" in inner:
        return inner["parameter_definitions"]
    return None


def openai_tools(specs: Any, *, path: str) -> list[dict[str, Any]]:
    """Every tool in a request's tool list; Converse ``cachePoint`` markers are not tools and are dropped."""
    if specs is None:
        return []
    if not isinstance(specs, list):
        raise RecordRejected(f"schema:{path}", "tools must be a list")
    return [
        openai_tool(spec, path=f"{path}.{index}")
        for index, spec in enumerate(specs)
        if not (isinstance(spec, Mapping) and set(spec) == {"cachePoint"})
    ]


def tool_names(tools: list[dict[str, Any]]) -> tuple[str, ...]:
    """Sorted, unique names of normalised tools."""
    return tuple(sorted({tool["function"]["name"] for tool in tools}))
