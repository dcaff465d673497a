"""The `distillguard` commands of the analyst's feedback: suppress, unsuppress, suppressions, false-positive.

Suppressions live in the stack's state table (`--table`, default `$TABLE_NAME` as the functions read it); boto3
finds the endpoint (`AWS_ENDPOINT_URL`) and the credentials in the usual places."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distillguard.records import CanonicalRecord
    from distillguard.suppression import Scope, SuppressionStore

SCOPES = ("account", "network", "fingerprint", "finding")
Handler = Callable[[argparse.Namespace], int]


def add_commands(commands: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    suppress = commands.add_parser("suppress", help="suppress an account, network, fingerprint or finding (audited)")
    _scope_options(suppress)
    suppress.add_argument("--reason", required=True)
    suppress.add_argument("--author", required=True)
    suppress.add_argument("--expires", required=True, help="30d, 12h or an ISO time; at most 90 days")
    unsuppress = commands.add_parser("unsuppress", help="lift a suppression (audited)")
    _scope_options(unsuppress)
    unsuppress.add_argument("--reason", required=True)
    unsuppress.add_argument("--author", required=True)
    listing = commands.add_parser("suppressions", help="list the suppressions, or their audit trail")
    listing.add_argument("--audit", action="store_true", help="every change: who, when, what, before and after")
    listing.add_argument("--jsonl", action="store_true", help="one JSON object a line (the bench's --suppressions)")
    _table_option(listing)
    feedback = commands.add_parser(
        "false-positive", help="export a finding's members' recent prompts, redacted, as hard negatives"
    )
    feedback.add_argument("finding_uid")
    feedback.add_argument("--findings", type=Path, required=True, help="findings JSONL, one SNS message a line")
    feedback.add_argument("--validated", required=True, help="s3://bucket/validated/ or a folder of .jsonl.gz")
    feedback.add_argument("--out", type=Path, required=True, help="hard negatives JSONL, in the corpus's schema")
    feedback.add_argument("--per-account", type=int, default=50)
    return {
        "suppress": _suppress,
        "unsuppress": _unsuppress,
        "suppressions": _list,
        "false-positive": _false_positive,
    }


def _scope_options(parser: argparse.ArgumentParser) -> None:
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--account")
    scope.add_argument("--network", help="an address or its /24 (IPv4) or /64 (IPv6)")
    scope.add_argument("--fingerprint", help="a template fingerprint, as findings show it")
    scope.add_argument("--finding", help="an incident id (dg-...)")
    _table_option(parser)


def _table_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="state table (default $TABLE_NAME)")


def _store(args: argparse.Namespace) -> SuppressionStore:
    from distillguard.adapters.clients import client
    from distillguard.adapters.suppressions import DynamoSuppressionStore

    if not args.table:
        raise SystemExit("error: name the state table with --table or TABLE_NAME (stack output StateTableName)")
    return DynamoSuppressionStore(client("dynamodb"), args.table)


def _scope(args: argparse.Namespace) -> Scope:
    from distillguard.suppression import Scope

    kind = next(kind for kind in SCOPES if getattr(args, kind) is not None)
    return Scope(kind=kind, value=getattr(args, kind))  # type: ignore[arg-type]


def _suppress(args: argparse.Namespace) -> int:
    from distillguard.suppression import expiry_from, suppress

    now = datetime.now(UTC)
    made = suppress(
        _store(args),
        _scope(args),
        reason=args.reason,
        author=args.author,
        expires=expiry_from(args.expires, now),
        now=now,
    )
    print(f"suppressed {made.scope.kind} {made.scope.value} until {made.expires:%Y-%m-%d %H:%M}Z")
    return 0


def _unsuppress(args: argparse.Namespace) -> int:
    from distillguard.suppression import unsuppress

    try:
        lifted = unsuppress(_store(args), _scope(args), reason=args.reason, author=args.author, now=datetime.now(UTC))
    except LookupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"lifted the suppression of {lifted.scope.kind} {lifted.scope.value}")
    return 0


def _list(args: argparse.Namespace) -> int:
    store = _store(args)
    now = datetime.now(UTC)
    if args.audit:
        for entry in store.audit():
            if args.jsonl:
                print(entry.model_dump_json())
                continue
            until = f" until {entry.after.expires:%Y-%m-%d}" if entry.after else ""
            print(
                f"{entry.at:%Y-%m-%d %H:%M}Z {entry.author}: {entry.action} {entry.scope.kind} {entry.scope.value}"
                f"{until} ({entry.reason})"
            )
        return 0
    for suppression in store.all():
        if args.jsonl:
            print(suppression.model_dump_json())
            continue
        state = "active" if suppression.active(now) else "lapsed"
        print(
            f"{suppression.scope.kind:11} {suppression.scope.value:40} {state} until {suppression.expires:%Y-%m-%d}"
            f"  by {suppression.author}: {suppression.reason}"
        )
    return 0


def validated_records(where: str) -> Iterator[CanonicalRecord]:
    """Canonical records from the validated/ prefix in S3 or a local folder of .jsonl.gz files."""
    from distillguard.jsonl import read_models
    from distillguard.records import CanonicalRecord

    if where.startswith("s3://"):
        from distillguard.adapters.clients import client

        bucket, _, prefix = where.removeprefix("s3://").partition("/")
        s3 = client("s3")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                if item["Key"].endswith(".jsonl.gz"):
                    body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                    yield from read_models(io.BytesIO(body), CanonicalRecord)
        return
    for path in sorted(Path(where).rglob("*.jsonl.gz")):
        with path.open("rb") as body:
            yield from read_models(body, CanonicalRecord)


def _false_positive(args: argparse.Namespace) -> int:
    from distillguard.findings import PublishedFinding
    from distillguard.suppression.feedback import finding_span, hard_negatives

    lines = args.findings.read_text(encoding="utf-8").splitlines()
    span = finding_span([PublishedFinding.from_message(line) for line in lines if line.strip()], args.finding_uid)
    count = 0
    with args.out.open("w", encoding="utf-8") as out:
        for example in hard_negatives(span, validated_records(args.validated), per_account=args.per_account):
            out.write(example.model_dump_json() + "\n")
            count += 1
    print(f"wrote {count} hard negatives from {len(span.members)} member(s) of {span.uid} to {args.out}")
    return 0
