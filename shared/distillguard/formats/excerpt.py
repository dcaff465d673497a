"""Short redacted examples of a request's templates, for the triage report: the masked skeleton that the template
fingerprint hashes (numbers, quoted values, URLs, ids and filled-in content already masked) and the opening words
that the opening fingerprint hashes, each passed through `distillguard.redaction` and cut to `EXCERPT_CHARS`."""

from __future__ import annotations

from distillguard.formats.fingerprint import template_skeleton
from distillguard.formats.opening import opening_words
from distillguard.redaction import redact

EXCERPT_CHARS = 160
# Redaction reads only this much of a skeleton: whatever lies beyond is cut anyway, and a hostile skeleton (many
# unterminated key markers) costs no more than a short one.
REDACTED_CHARS = 4 * EXCERPT_CHARS


def _excerpt(text: str) -> str:
    return redact(text[:REDACTED_CHARS], EXCERPT_CHARS)


def template_examples(
    prompt: str, template_fingerprint: str, opening_fingerprint: str | None, known: dict[str, str] | None = None
) -> dict[str, str]:
    """Fingerprint -> redacted example, for the request's template and opening fingerprints.

    A fingerprint is the hash of what its example is cut from (the skeleton, the opening words), so one
    fingerprint always has one example: `known` (fingerprint -> example, filled in here) lets a caller that sees
    a template thousands of times mask and redact it once."""
    known = {} if known is None else known
    if template_fingerprint not in known:
        known[template_fingerprint] = _excerpt(template_skeleton(prompt))
    examples = {template_fingerprint: known[template_fingerprint]}
    if opening_fingerprint:
        if opening_fingerprint not in known and (opening := opening_words(prompt)):
            known[opening_fingerprint] = _excerpt(opening)
        if opening_fingerprint in known:
            examples[opening_fingerprint] = known[opening_fingerprint]
    return examples
