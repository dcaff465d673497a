"""The validate stage: every log line is either a canonical record or a quarantined one, with a reason."""

from distillguard.validation.stage import QuarantinedRecord, ValidationReport, ValidationRun

__all__ = ["QuarantinedRecord", "ValidationReport", "ValidationRun"]
