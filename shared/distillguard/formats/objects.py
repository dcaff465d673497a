"""Objects that land among the request logs but hold none: skipped whole, by their key.

Bedrock writes an empty ``amazon-bedrock-logs-permission-check`` object under every prefix it is configured to log to,
and writes request and response bodies over 100 KB to ``.../BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/data/
<id>_input.json.gz`` (and ``_output``) next to the log objects: those are read through the log line that points at
them, never as logs of their own. (LiteLLM's audit-log objects are recognised by their content instead: their path
depends on the logger's settings.)
"""

from __future__ import annotations

BEDROCK_PERMISSION_CHECK = "amazon-bedrock-logs-permission-check"
BEDROCK_LOGS_SEGMENT = "/BedrockModelInvocationLogs/"
BEDROCK_BODY_SUFFIXES = ("_input.json.gz", "_output.json.gz", "_input.json", "_output.json")


def skipped_object(key: str) -> str | None:
    """Why the object at ``key`` holds no request logs, or ``None`` when it is one to read."""
    name = key.rsplit("/", 1)[-1]
    if name.startswith(BEDROCK_PERMISSION_CHECK):
        return "bedrock_permission_check"
    if BEDROCK_LOGS_SEGMENT in f"/{key}" and "/data/" in key and name.endswith(BEDROCK_BODY_SUFFIXES):
        return "bedrock_offloaded_body"
    return None
