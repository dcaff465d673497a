"""Scoped suppressions: an analyst's decision that an account, a network, a template fingerprint or one finding
is benign for a while, with a reason, an author and an expiry, every change audited."""

from distillguard.suppression.model import (
    MAX_SUPPRESSION,
    ActiveSuppressions,
    AuditEntry,
    Scope,
    ScopeKind,
    Suppression,
    SuppressionStore,
    expiry_from,
    suppress,
    unsuppress,
)

__all__ = [
    "MAX_SUPPRESSION",
    "ActiveSuppressions",
    "AuditEntry",
    "Scope",
    "ScopeKind",
    "Suppression",
    "SuppressionStore",
    "expiry_from",
    "suppress",
    "unsuppress",
]
