"""Logger and Metrics, made once per process (Powertools: structured JSON logs, EMF metrics)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

SERVICE = "distillguard"
NAMESPACE = "DistillGuard"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
