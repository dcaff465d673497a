"""False-positive feedback: a finding an analyst judged wrong becomes hard negatives for the next training run.

The members' validated records inside the finding's event-time span are written in the corpus's schema
(`text`, `label`, `source`, `license`; see the corpus README) with the label `ordinary`, their prompts redacted
(`distillguard.redaction`) and their template fingerprints kept, at most a few per template (a cron job repeats one
prompt all day; a hundred copies teach the model nothing a few do not). `models/train.py --hard-negatives FILE`
adds them to the corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from pydantic import BaseModel

from distillguard.findings import PublishedFinding
from distillguard.records import CanonicalRecord, Label
from distillguard.redaction import redact

HARD_NEGATIVE_LABEL: Label = "ordinary"
LICENSE = "operator traffic: internal training use only"
PER_TEMPLATE = 3


class HardNegative(BaseModel):
    text: str
    label: Label = HARD_NEGATIVE_LABEL
    source: str
    license: str = LICENSE
    template_fingerprint: str


class FindingSpan(BaseModel):
    uid: str
    members: frozenset[str]
    first_seen: datetime
    last_seen: datetime


def finding_span(findings: Iterable[PublishedFinding], uid: str) -> FindingSpan:
    """Every account any revision of the finding named, and the event time it covered."""
    revisions = [finding for finding in findings if finding.uid == uid]
    if not revisions:
        raise LookupError(f"no finding {uid} in the findings given")
    return FindingSpan(
        uid=uid,
        members=frozenset(member for finding in revisions for member in finding.members),
        first_seen=min(finding.first_seen for finding in revisions),
        last_seen=max(finding.time for finding in revisions),
    )


def hard_negatives(
    span: FindingSpan, records: Iterable[CanonicalRecord], per_account: int = 50, per_template: int = PER_TEMPLATE
) -> Iterator[HardNegative]:
    """The members' records within the span, latest first, as redacted ordinary examples."""
    chosen: Sequence[CanonicalRecord] = sorted(
        (r for r in records if r.customer_account in span.members and span.first_seen <= r.timestamp <= span.last_seen),
        key=lambda r: (r.timestamp, r.request_id),
        reverse=True,
    )
    by_account: Counter[str] = Counter()
    by_template: Counter[str] = Counter()
    seen: set[str] = set()
    for record in chosen:
        if (
            by_account[record.customer_account] >= per_account
            or by_template[record.template_fingerprint] >= per_template
        ):
            continue
        text = redact(record.prompt)
        if text in seen:
            continue
        seen.add(text)
        by_account[record.customer_account] += 1
        by_template[record.template_fingerprint] += 1
        yield HardNegative(text=text, source=f"feedback:{span.uid}", template_fingerprint=record.template_fingerprint)
