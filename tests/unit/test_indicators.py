"""The indicators export: a STIX 2.1 bundle that the OASIS validator accepts, with no raw account id in it."""

from __future__ import annotations

import json

import pytest
from stix2validator import ValidationOptions, validate_string

from distillguard.indicators import account_digest, bundle
from distillguard.report.incidents import incidents
from tests.report_fixtures import small_run, with_hostile_strings


def _validate(serialised: str) -> list[str]:
    """Errors and warnings of the OASIS validator in strict mode (warnings count as errors)."""
    results = validate_string(serialised, ValidationOptions(version="2.1", strict=True))
    return [str(error) for result in [results] for error in result.errors] + [
        str(warning) for warning in results.warnings or []
    ]


@pytest.fixture(scope="module")
def exported() -> dict:
    return json.loads(bundle(small_run()).serialize())


def test_the_bundle_of_a_real_run_validates_without_errors_or_warnings() -> None:
    assert _validate(bundle(small_run()).serialize()) == []


def test_every_incident_is_a_grouping_named_after_its_finding_holding_its_indicators(exported: dict) -> None:
    objects = {obj["id"]: obj for obj in exported["objects"]}
    groupings = [obj for obj in objects.values() if obj["type"] == "grouping"]
    built = incidents(small_run())
    assert sorted(g["name"] for g in groupings) == sorted(incident.uid for incident in built)
    indicators = {obj["id"] for obj in objects.values() if obj["type"] == "indicator"}
    referenced = {ref for grouping in groupings for ref in grouping["object_refs"]}
    assert indicators == referenced
    producer = next(obj for obj in objects.values() if obj["type"] == "identity")
    assert all(obj["created_by_ref"] == producer["id"] for obj in objects.values() if obj is not producer)
    patterns = " ".join(objects[ref]["pattern"] for ref in indicators)
    for kind in ("ipv4-addr:value", "User-Agent", "x-distillguard-template:fingerprint", "x_account_id_sha256"):
        assert kind in patterns


def test_accounts_are_shared_only_as_sha256(exported: dict) -> None:
    serialised = json.dumps(exported)
    for incident in incidents(small_run()):
        for member in incident.members:
            assert member.account not in serialised
            assert account_digest(member.account) in serialised


def test_hostile_user_agents_still_give_valid_patterns() -> None:
    hostile = with_hostile_strings(small_run()[0], "acct-'quoted'", "curl/8 \\' OR 1=1 ] [ '")
    serialised = bundle([hostile]).serialize()
    assert _validate(serialised) == []
    assert "curl/8 \\\\\\\\\\\\' OR 1=1" in serialised  # the backslash and the quote escaped in the pattern


def test_exporting_twice_gives_the_same_objects() -> None:
    assert bundle(small_run()).serialize() == bundle(small_run()).serialize()
