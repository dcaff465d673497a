"""The aggregate stage: verdicts become bounded per-account, per-hour evidence in the state table."""
