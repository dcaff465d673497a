"""Input formats: read raw log objects and turn each record into a ``CanonicalRecord``.

``read_raw_lines`` streams the records of one S3 object (gzip or plain; JSON lines or one JSON document);
``parse_record`` detects the format of one record (Bedrock invocation log, gateway log, LiteLLM payload) and returns
the canonical record or raises ``RecordRejected`` with a stable reason code (``RecordSkipped`` for a record that is not
a request to classify, ``PromptNotLogged`` for one whose prompt the log does not carry). ``OffloadedBodies`` reads
back the Bedrock request bodies offloaded to S3.
"""

from distillguard.formats.errors import PromptNotLogged, RecordRejected, RecordSkipped
from distillguard.formats.fingerprint import template_fingerprint, toolset_fingerprint
from distillguard.formats.objects import skipped_object
from distillguard.formats.offload import BodyStore, OffloadedBodies
from distillguard.formats.parse import parse_record
from distillguard.formats.prompt import ToolCall, Turn, serialise_prompt
from distillguard.formats.reader import RawLine, read_raw_lines
from distillguard.formats.settings import FormatSettings

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
