"""Input formats: read raw log objects and turn each record into a ``CanonicalRecord``.

``read_raw_lines`` streams the records of one S3 object (gzip or plain; JSON lines or one JSON document);
``parse_record`` detects the format of one record (Bedrock invocation log, gateway log, LiteLLM payload) and returns
the canonical record or raises ``RecordRejected`` with a stable reason code.
"""

from distillguard.formats.errors import RecordRejected
from distillguard.formats.fingerprint import template_fingerprint, toolset_fingerprint
from distillguard.formats.parse import parse_record
from distillguard.formats.prompt import ToolCall, Turn, serialise_prompt
from distillguard.formats.reader import RawLine, read_raw_lines
from distillguard.formats.settings import FormatSettings

__all__ = [
    "FormatSettings",
    "RawLine",
    "RecordRejected",
    "ToolCall",
    "Turn",
    "parse_record",
    "read_raw_lines",
    "serialise_prompt",
    "template_fingerprint",
    "toolset_fingerprint",
]
