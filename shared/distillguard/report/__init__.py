"""The triage report: one self-contained HTML page per incident and an index, from published findings."""

from distillguard.report.render import read_findings, write_report

__all__ = ["read_findings", "write_report"]
