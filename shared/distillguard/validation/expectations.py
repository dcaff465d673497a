"""The data-quality suite run on each batch of parsed records, kept as code (great-expectations 1.x).

Pydantic decides whether a line is a record at all; this suite decides whether a well-formed record is
plausible: its timestamp inside the object's partition, its account id printable, its counts in range."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from distillguard.records import CanonicalRecord

ROW = "row"
MAX_TOKENS = 10_000_000
ACCOUNT_ID_PATTERN = r"^[\x21-\x7e]{1,256}$"  # printable ASCII, no spaces, at most 256 characters


class ExpectationSuiteError(RuntimeError):
    """The suite could not judge a batch; the object is retried rather than passed unchecked."""


@dataclass(frozen=True)
class TimeBounds:
    earliest: datetime
    latest: datetime


class RecordExpectations:
    """Builds the expectation suite once per process and tells which rows of a batch break it."""

    def __init__(self, max_prompt_chars: int) -> None:
        self.max_prompt_chars = max_prompt_chars
        self._last_batch_broke = False

    @cached_property
    def _validator(self) -> tuple[Any, Any]:
        import great_expectations as gx  # heavy (about 2 s): imported on first use, once per process
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        batch_definition = (
            context.data_sources.add_pandas("records")
            .add_dataframe_asset("canonical_records")
            .add_batch_definition_whole_dataframe("batch")
        )
        suite = context.suites.add(gx.ExpectationSuite(name="canonical_records"))
        expectations = gx.expectations
        for reason, expectation in (
            ("account_missing", expectations.ExpectColumnValuesToNotBeNull(column="customer_account")),
            (
                "account_malformed",
                expectations.ExpectColumnValuesToMatchRegex(column="customer_account", regex=ACCOUNT_ID_PATTERN),
            ),
            ("timestamp_missing", expectations.ExpectColumnValuesToNotBeNull(column="timestamp")),
            # Bounds differ per object (each has its own date partition), so each row carries its own.
            (
                "timestamp_before_partition",
                expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="timestamp", column_B="earliest", or_equal=True
                ),
            ),
            (
                "timestamp_after_partition",
                expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="latest", column_B="timestamp", or_equal=True
                ),
            ),
            (
                "prompt_size_out_of_range",
                expectations.ExpectColumnValuesToBeBetween(
                    column="prompt_chars", min_value=1, max_value=self.max_prompt_chars
                ),
            ),
            (
                "prompt_tokens_out_of_range",
                expectations.ExpectColumnValuesToBeBetween(column="prompt_tokens", min_value=0, max_value=MAX_TOKENS),
            ),
            (
                "completion_tokens_out_of_range",
                expectations.ExpectColumnValuesToBeBetween(
                    column="completion_tokens", min_value=0, max_value=MAX_TOKENS
                ),
            ),
            (
                "status_out_of_range",
                expectations.ExpectColumnValuesToBeBetween(column="status", min_value=100, max_value=599),
            ),
        ):
            expectation.meta = {"reason": f"expectation:{reason}"}
            suite.add_expectation(expectation)
        return batch_definition, suite

    def warm_up(self) -> None:
        """Pays the import and context cost at cold start rather than inside the first batch."""
        _ = self._validator

    def failures(self, records: Sequence[CanonicalRecord], bounds: Sequence[TimeBounds]) -> dict[int, str]:
        """Maps the index of each record that breaks the suite to the first expectation it breaks; bounds[i]
        is the time span record i must fall in."""
        if not records:
            return {}
        import pandas as pd

        frame = pd.DataFrame(
            {
                ROW: range(len(records)),
                "customer_account": [record.customer_account for record in records],
                "timestamp": [record.timestamp.timestamp() for record in records],
                "earliest": [span.earliest.timestamp() for span in bounds],
                "latest": [span.latest.timestamp() for span in bounds],
                "prompt_chars": [len(record.prompt) for record in records],
                "prompt_tokens": pd.array([record.prompt_tokens for record in records], dtype="Int64"),
                "completion_tokens": pd.array([record.completion_tokens for record in records], dtype="Int64"),
                "status": pd.array([record.status for record in records], dtype="Int64"),
            }
        )
        batch_definition, suite = self._validator

        def validate(result_format: str) -> Any:
            return batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
                suite, result_format={"result_format": result_format, "unexpected_index_column_names": [ROW]}
            )

        # A pass/fail run costs about half of one that lists the offending rows, and a broken batch needs both: a
        # clean batch is most likely after a clean one, so only then is the pass/fail run tried first.
        if not self._last_batch_broke and validate("BOOLEAN_ONLY").success:
            return {}
        broken = self._broken_rows(validate("COMPLETE"))
        self._last_batch_broke = bool(broken)
        return broken

    @staticmethod
    def _broken_rows(validation: Any) -> dict[int, str]:
        broken: dict[int, str] = {}
        for outcome in validation.results:
            if outcome.success:
                continue
            reason = outcome.expectation_config.meta["reason"]
            unexpected_rows = outcome.result.get("unexpected_index_list")
            if not unexpected_rows:
                # A failed expectation that names no row means the suite itself broke: never pass the batch.
                raise ExpectationSuiteError(f"{reason} failed without naming rows: {outcome.exception_info}")
            for unexpected in unexpected_rows:
                broken.setdefault(int(unexpected[ROW]), reason)
        return broken
