"""The validate stage: every log line is a canonical record, a quarantined one with a reason, a redacted one (its
prompt not logged) or a skipped one (not a request)."""

from distillguard.validation.stage import (
    BatchManifest,
    ObjectOutputs,
    QuarantinedRecord,
    ValidationReport,
    ValidationRun,
    mostly_redacted_accounts,
)

__all__ = [
    "BatchManifest",
    "ObjectOutputs",
    "QuarantinedRecord",
    "ValidationReport",
    "ValidationRun",
    "mostly_redacted_accounts",
]
