"""The aggregate stage: verdicts become per-account, per-window counters, and counters become alerts."""
