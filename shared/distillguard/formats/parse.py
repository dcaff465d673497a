"""One raw log record, whatever its format, to the canonical record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from distillguard.formats.bedrock import is_bedrock, parse_bedrock
from distillguard.formats.errors import RecordRejected
from distillguard.formats.gateway import is_gateway, parse_gateway
from distillguard.formats.litellm import is_litellm, is_litellm_audit_log, parse_litellm, skip_litellm_audit_log
from distillguard.formats.offload import OffloadedBodies
from distillguard.formats.settings import FormatSettings
from distillguard.records import CanonicalRecord

Parser = Callable[..., CanonicalRecord]
_FORMATS: tuple[tuple[Callable[[Mapping[str, Any]], bool], Parser], ...] = (
    (is_bedrock, parse_bedrock),
    (is_litellm, parse_litellm),
    (is_gateway, parse_gateway),
    (is_litellm_audit_log, skip_litellm_audit_log),
)


def parse_record(
    raw: Mapping[str, Any],
    *,
    source_key: str,
    line_number: int,
    settings: FormatSettings,
    bodies: OffloadedBodies | None = None,
) -> CanonicalRecord:
    """Detect the record's format and read it; every problem with the input is a ``RecordRejected``.

    ``RecordSkipped`` (a subclass) marks a record that is not a request to classify, ``PromptNotLogged`` one whose
    prompt the log does not carry; ``bodies`` reads Bedrock request bodies offloaded to S3 (without it such records
    are rejected as ``body_offloaded``).
    """
    if not isinstance(raw, Mapping):
        raise RecordRejected("invalid_json", f"expected a JSON object, got {type(raw).__name__}")
    for matches, parse in _FORMATS:
        if matches(raw):
            try:
                return parse(raw, source_key=source_key, line_number=line_number, settings=settings, bodies=bodies)
            except RecursionError:
                raise RecordRejected("too_deeply_nested", "the record nests deeper than can be read") from None
    raise RecordRejected("unknown_format", f"no format matches keys {sorted(map(str, raw))[:12]}")
