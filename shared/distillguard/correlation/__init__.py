"""Campaign detection: evidence per account-hour, linked across accounts into incidents and OCSF findings."""
