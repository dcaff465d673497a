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


def template_examples(prompt: str, template_fingerprint: str, opening_fingerprint: str | None) -> dict[str, str]:
    """Fingerprint -> redacted example, for the request's template and opening fingerprints."""
    examples = {template_fingerprint: _excerpt(template_skeleton(prompt))}
    if opening_fingerprint and (opening := opening_words(prompt)):
        examples[opening_fingerprint] = _excerpt(opening)
    return examples
