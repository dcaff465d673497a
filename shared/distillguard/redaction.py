"""Redaction of prompt samples that leave the pipeline (hard negatives for training, report excerpts): e-mail
addresses, IP addresses, secrets and long digit runs are replaced by a placeholder, and the text is truncated.

Hand-written on purpose: the identifiers here have fixed shapes that a few anchored patterns catch, the result must
be the same on every machine, and the NLP-based redactors (Presidio, scrubadub) need language models and a stack
much larger than the package they would serve. Secrets are caught by their well-known prefixes and, for anything
else, as long unbroken runs mixing letters and digits: a key is rarely a word."""

from __future__ import annotations

import ipaddress
import re

MAX_SAMPLE_CHARS = 2_000
EMAIL = "[EMAIL]"
IP = "[IP]"
SECRET = "[SECRET]"  # nosec B105  # the placeholder written over secrets, not a secret
NUMBER = "[NUMBER]"

# Parts bounded as RFC 5321 bounds them (64-character local part, 63-character labels, at most 127 of them in a
# 253-character domain): linear time on any text.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,126}\.[A-Za-z]{2,24}"
)
# Known key shapes: OpenAI/Anthropic (sk-, sk-ant-), AWS access key ids, GitHub, Slack, Google API keys, JWTs,
# PEM blocks, and bearer/basic credentials in pasted headers.
_KNOWN_SECRETS = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----"
    r"|\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}"
    r"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{20,}"
    r"|\bxox[abprs]-[A-Za-z0-9-]{10,}"
    r"|\bAIza[0-9A-Za-z_-]{35}"
    r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"
    r"|(?i:\b(?:bearer|basic|token|api[_-]?key|secret|password)\b[\"']?\s*[:=]?\s*[\"']?)[A-Za-z0-9._~+/=-]{8,}",
    re.DOTALL,
)
_LONG_TOKEN = re.compile(r"[A-Za-z0-9_+/=-]{24,}")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_DIGITS = re.compile(r"\d(?:[ .-]?\d){6,}")


def _secret_like(match: re.Match[str]) -> str:
    token = match.group(0)
    mixed = any(c.isdigit() for c in token) and any(c.isalpha() for c in token)
    return SECRET if mixed else token


def _ip(match: re.Match[str]) -> str:
    try:
        ipaddress.ip_address(match.group(0))
    except ValueError:
        return match.group(0)
    return IP


# Patterns run on the sample's head and this much more: a whole prompt is never scanned (a hostile one made of
# unterminated PEM markers took 4.3 s over 136 KB), and a secret crossing the cut is still long enough to match.
LOOKAHEAD_CHARS = 1_024


def redact(text: str, max_chars: int = MAX_SAMPLE_CHARS) -> str:
    """The text with identifiers and secrets replaced, at most `max_chars` long (an ellipsis marks a cut)."""
    text = text[: max_chars + LOOKAHEAD_CHARS]
    text = _KNOWN_SECRETS.sub(SECRET, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _LONG_TOKEN.sub(_secret_like, text)
    text = _IPV4.sub(_ip, text)
    text = _IPV6.sub(_ip, text)
    text = _DIGITS.sub(NUMBER, text)
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"
