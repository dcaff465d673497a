"""The records that cross stage boundaries: canonical requests (validate -> classify) and verdicts
(classify -> aggregate). Both are written as gzip JSON lines, one model per line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Label = Literal["cot_harvesting", "agentic_extraction", "ordinary"]
LABELS: tuple[Label, ...] = ("cot_harvesting", "agentic_extraction", "ordinary")
SUSPICIOUS_LABELS: tuple[Label, ...] = ("cot_harvesting", "agentic_extraction")

SourceFormat = Literal["bedrock", "gateway", "litellm"]
# An account is reported as mostly unlogged (the product is blind there) when at least this share of its readable
# requests carry no prompt.
MOSTLY_UNLOGGED_SHARE = 0.5


class RequestFacts(BaseModel):
    """Who sent a request, when and how: everything but the prompt text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str = Field(min_length=1)
    timestamp: datetime
    customer_account: str = Field(min_length=1)
    api_key_id: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None
    model: str | None = None
    prompt_tokens: int | None = Field(default=None, ge=0)
    completion_tokens: int | None = Field(default=None, ge=0)
    status: int | None = None
    source_format: SourceFormat
    # Sorted tool names the request offered the model; a fingerprint of them tells one fixed agent app
    # (one toolset, reused) from breadth-first harvesting (many toolsets).
    tool_names: tuple[str, ...] = ()
    toolset_fingerprint: str | None = None
    # Lineage: where the record came from, so every verdict and alert can be traced to a log line.
    source_key: str
    line_number: int = Field(ge=1)
    # The version of the source object the record was read from (its S3 ETag): aggregation counts each version
    # of each object once, whichever batch carried it, and a new version replaces the old one.
    source_version: str | None = None

    @field_validator("timestamp")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class CanonicalRecord(RequestFacts):
    """One request in the shape the classifier reads, whatever log format it came from."""

    prompt: str = Field(min_length=1, description="system, tool schemas and turns, serialised as in the corpus")
    # A hash of the prompt with numbers and quoted values masked: requests built from one template share it.
    template_fingerprint: str


class Verdict(RequestFacts):
    """The classifier's judgement of one request; or, with `label` None, a request whose prompt the log does not
    carry (redacted by the logger, or empty): never classified, it still reaches the evidence as a request the
    product cannot see (validate writes these itself, see `unlogged`)."""

    template_fingerprint: str
    # How the first user turn opens (formats.opening): names a scaffold whose filled-in lines vary.
    opening_fingerprint: str | None = None
    # Harvesting verdicts only: per fingerprint, a short redacted example (formats.excerpt) for the triage report.
    template_examples: dict[str, str] = Field(default_factory=dict)
    label: Label | None
    scores: dict[Label, float]
    model_version: str

    @property
    def logged(self) -> bool:
        """Whether the log carried the prompt, so that the request was classified."""
        return self.label is not None


UNLOGGED_MODEL_VERSION = "none: prompt not logged"


def unlogged(facts: RequestFacts) -> Verdict:
    """The verdict-shaped record of a request whose prompt the log does not carry: no label, no scores."""
    return Verdict(
        **facts.model_dump(), template_fingerprint="", label=None, scores={}, model_version=UNLOGGED_MODEL_VERSION
    )
