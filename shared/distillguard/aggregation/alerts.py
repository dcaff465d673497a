"""The alert message published to SNS: one alert per (account, category), re-published only when it
opens or escalates, so subscribers see each attack once more per severity step, not once per log object."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from distillguard.aggregation.rules import AlertRules, Severity
from distillguard.records import Label

ALERT_SCHEMA = "distillguard.alert/v1"


def alert_id(customer_account: str, category: Label) -> str:
    return hashlib.blake2b(f"{customer_account}\x00{category}".encode(), digest_size=8).hexdigest()


class LatestWindow(BaseModel):
    start: datetime
    prompts: int
    suspicious: int
    share: float
    distinct_toolsets: int


class AlertMessage(BaseModel):
    schema_: str = Field(default=ALERT_SCHEMA, alias="schema")
    alert_id: str
    event: Literal["opened", "escalated"]
    category: Label
    severity: Severity
    customer_account: str
    account_ids: list[str] = Field(description="every implicated customer account id")
    first_window: datetime
    last_window: datetime
    windows_flagged: int
    suspicious_prompts: int
    latest_window: LatestWindow
    network_prefixes: list[str] = []
    user_agents: list[str] = []
    sample_request_ids: list[str] = []
    model_version: str
    rule: AlertRules

    model_config = {"populate_by_name": True}

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)

    def headline(self) -> str:
        return (
            f"[{self.severity.upper()}] {self.category} by account {self.customer_account}: "
            f"{self.suspicious_prompts} suspicious prompts over {self.windows_flagged} window(s), "
            f"latest {self.latest_window.start:%Y-%m-%d %H:%M}Z "
            f"({self.latest_window.suspicious}/{self.latest_window.prompts} = {self.latest_window.share:.0%})"
        )
