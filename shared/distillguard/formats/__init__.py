"""Input formats: read raw log objects and turn each record into a ``CanonicalRecord``.

``read_raw_lines`` streams the records of one S3 object (gzip or plain; JSON lines or one JSON document);
``parse_record`` detects the format of one record (Bedrock invocation log, gateway log, LiteLLM payload) and returns
the canonical record or raises ``RecordRejected`` with a stable reason code (``RecordSkipped`` for a record that is not
a request to classify, ``PromptNotLogged`` for one whose prompt the log does not carry). ``OffloadedBodies`` reads
back the Bedrock request bodies offloaded to S3.

Names are imported on first use (PEP 562): a function that needs one helper of this package (classify needs the
template excerpt) does not pay at cold start for every log parser.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distillguard.formats.errors import PromptNotLogged, RecordRejected, RecordSkipped
    from distillguard.formats.fingerprint import template_fingerprint, toolset_fingerprint
    from distillguard.formats.objects import skipped_object
    from distillguard.formats.offload import BodyStore, OffloadedBodies
    from distillguard.formats.parse import parse_record
    from distillguard.formats.prompt import ToolCall, Turn, serialise_prompt
    from distillguard.formats.reader import RawLine, read_raw_lines
    from distillguard.formats.settings import FormatSettings

_MODULE_OF = {
    "BodyStore": "distillguard.formats.offload",
    "FormatSettings": "distillguard.formats.settings",
    "OffloadedBodies": "distillguard.formats.offload",
    "PromptNotLogged": "distillguard.formats.errors",
    "RawLine": "distillguard.formats.reader",
    "RecordRejected": "distillguard.formats.errors",
    "RecordSkipped": "distillguard.formats.errors",
    "ToolCall": "distillguard.formats.prompt",
    "Turn": "distillguard.formats.prompt",
    "parse_record": "distillguard.formats.parse",
    "read_raw_lines": "distillguard.formats.reader",
    "serialise_prompt": "distillguard.formats.prompt",
    "skipped_object": "distillguard.formats.objects",
    "template_fingerprint": "distillguard.formats.fingerprint",
    "toolset_fingerprint": "distillguard.formats.fingerprint",
}
__all__ = [
    "BodyStore",
    "FormatSettings",
    "OffloadedBodies",
    "PromptNotLogged",
    "RawLine",
    "RecordRejected",
    "RecordSkipped",
    "ToolCall",
    "Turn",
    "parse_record",
    "read_raw_lines",
    "serialise_prompt",
    "skipped_object",
    "template_fingerprint",
    "toolset_fingerprint",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401  # whatever the named module defines
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_MODULE_OF[name]), name)
    globals()[name] = value
    return value
