"""The classify stage: canonical records in, one verdict per record out."""

from distillguard.classification.stage import ClassificationReport, PromptLabeller, classify_stream

__all__ = ["ClassificationReport", "PromptLabeller", "classify_stream"]
