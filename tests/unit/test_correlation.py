"""Campaign detection on explicit scenarios: each look-alike is kept out by a named signal, each campaign is found
once, with a stable id, from the evidence's own event time."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from distillguard.config import CorrelateSettings
from distillguard.correlation.detect import Detection, DetectionRules
from distillguard.correlation.evidence import distinct_estimate, skeleton_hash, smallest
from distillguard.correlation.incidents import NotificationRules, reconcile
from distillguard.engine.run import correlate
from tests.unit.correlation_scenarios import START, Run, Traffic, objects_of, run_all, verdict


def test_a_low_and_slow_hydra_is_one_campaign_naming_every_member_within_two_hours() -> None:
    # Given 12 accounts sending two prompts each every two hours, in shared bursts, among ordinary users
    traffic = Traffic()
    hydra = traffic.hydra(12)
    traffic.ordinary_users(30)
    # When the traffic is aggregated and correlated
    run = run_all(traffic)
    # Then one incident names all 12 accounts and nobody else, first seen at the hydra's first request
    created = [f for f in run.findings if f.activity == "create"]
    assert len(created) == 1
    assert set(created[0].members) == set(hydra) == run.flagged()
    assert created[0].kind == "cluster" and created[0].category == "cot_harvesting"
    assert created[0].time - START <= timedelta(hours=2)
    assert created[0].first_seen >= START
    assert {"shared_templates", "shared_networks"} <= set(created[0].evidence["signals"])


def test_a_company_behind_one_nat_sending_ordinary_prompts_is_never_linked() -> None:
    # Given eight accounts on one /24 with one SDK and one system prompt, firing together like cron jobs
    traffic = Traffic()
    traffic.nat_company(8)
    # Then no finding: the content is ordinary, so sharing infrastructure and timing links nobody
    assert run_all(traffic).findings == []


def test_students_sharing_a_campus_network_and_step_by_step_phrasing_are_not_a_campaign() -> None:
    # Given a class on one campus /24 whose step-by-step questions are often read as harvesting
    traffic = Traffic()
    traffic.students(12)
    # Then no finding: no shared scaffold and no synchronised bursts, only a network
    assert run_all(traffic).findings == []


def test_agent_developers_on_one_office_network_are_not_a_swarm_nor_lone_harvesters() -> None:
    # Given five developers in one office, each looping over its own fixed toolset, 20 agentic requests an hour
    traffic = Traffic()
    traffic.agent_developers(5, hours=12, steps=15)
    # Then no finding: a shared network and sustained volume, but no toolset churn (each reuses one toolset)
    assert run_all(traffic).findings == []


def test_an_agentic_swarm_on_a_round_robin_is_found_by_its_toolset_churn() -> None:
    # Given eight accounts taking turns, each request offering a new synthetic toolset, from two /24s
    traffic = Traffic()
    swarm = traffic.swarm(8)
    traffic.agent_developers(3)
    run = run_all(traffic)
    # Then one agentic campaign with every member and no developer
    assert run.flagged() == set(swarm)
    created = [f for f in run.findings if f.activity == "create"]
    assert len(created) == 1 and created[0].category == "agentic_extraction"
    assert "toolset_churn" in created[0].evidence["signals"]


def test_a_lone_bulk_harvester_is_flagged_and_an_evaluation_run_of_a_few_hours_is_not() -> None:
    # Given one account harvesting all day and one team running a benchmark harness for three hours
    traffic = Traffic()
    bulk = traffic.lone_bulk()
    traffic.eval_team()
    run = run_all(traffic)
    # Then the bulk account alone is flagged, as a lone-account finding
    assert run.flagged() == {bulk}
    assert [f.kind for f in run.findings] == ["account"]


def test_a_bulk_harvester_rotating_scaffolds_is_flagged_after_two_hours_not_six() -> None:
    # Given a bulk harvester that starts at 03:00, opening its requests a dozen ways, busy most minutes
    traffic = Traffic()
    bulk = traffic.lone_bulk(start=3, hours=8, per_hour=60)
    run = run_all(traffic)
    # Then its first finding comes at the end of its second hour, and says why
    created = next(f for f in run.findings if f.activity == "create")
    assert created.members == [bulk] and created.kind == "account"
    assert created.time == START + timedelta(hours=5)
    reason = json.loads(created.message)["resources"][0]["data"]["reason"]
    assert reason.startswith("rotating scaffolds at volume")


def test_an_account_sending_both_harvesting_kinds_over_new_toolsets_is_flagged_in_two_hours() -> None:
    # Given a model hopper from 04:00, and an agent developer on one toolset who also asks step-by-step questions
    # for five hours (the six-hour rule for both kinds needs no churn)
    traffic = Traffic()
    hopper = traffic.hopper(start=4)
    developer = traffic.agent_developers(1, steps=2, hours=5)[0]
    for hour in range(5):
        at = START + timedelta(hours=hour, minutes=40)
        traffic.add(verdict(developer, at, "cot_harvesting", template=f"question-{hour}", ip="192.0.2.77"))
    run = run_all(traffic)
    # Then the hopper alone is flagged, at the end of its second hour
    created = [f for f in run.findings if f.activity == "create"]
    assert [f.members for f in created] == [[hopper]]
    assert created[0].time == START + timedelta(hours=6)


def test_agentic_requests_without_tools_do_not_hide_a_hoppers_toolset_churn() -> None:
    # Given a model hopper from 04:00 whose every other agentic request declares no tools
    traffic = Traffic()
    hopper = traffic.hopper(start=4, plain_agentic=True)
    # Then it is flagged at the end of its second hour all the same: a new toolset with every request that has one
    created = [f for f in run_all(traffic).findings if f.activity == "create"]
    assert [f.members for f in created] == [[hopper]]
    assert created[0].time == START + timedelta(hours=6)


def test_a_misread_pipeline_with_a_few_prompt_shapes_is_not_a_lone_harvester() -> None:
    # Given a cron job with twelve prompt variants, two in three of its requests read as harvesting, all day
    traffic = Traffic()
    traffic.pipeline(shapes=12, hours=24, per_hour=30)
    # Then no finding: a dozen skeletons over hundreds of requests is a fixed prompt, not a sweep of problems,
    # and a cron batch of a few minutes an hour is not a harvester busy most minutes
    assert run_all(traffic).findings == []


def test_a_bulk_harvester_using_a_campaigns_templates_at_the_same_time_stays_a_separate_incident() -> None:
    # Given a hydra and, at the same hours, one account sending the hydra's templates around the clock
    traffic = Traffic()
    hydra = traffic.hydra(10)
    bulk = traffic.lone_bulk(templates="hydra-template")
    run = run_all(traffic)
    # Then two incidents: continuous traffic shares minutes with every burst, which is no sign of coordination
    members = {f.uid: set(f.members) for f in run.findings}
    assert sorted(members.values(), key=len) == [{bulk}, set(hydra)]


def test_a_pipeline_repeating_one_prompt_all_day_is_not_a_lone_harvester_even_if_misread() -> None:
    # Given a cron job sending 60 requests of one fixed shape every hour, which the classifier calls harvesting
    traffic = Traffic()
    traffic.pipeline()
    bulk = traffic.lone_bulk()
    # Then only the bulk harvester, whose requests take many distinct skeletons, is flagged
    assert run_all(traffic).flagged() == {bulk}


def test_redelivered_objects_change_nothing() -> None:
    # Given a hydra's objects aggregated once, then every object delivered again
    traffic = Traffic()
    traffic.hydra(10)
    objects = objects_of(traffic.verdicts)
    once, twice = Run(), Run()
    once.aggregate(objects)
    twice.aggregate(objects)
    twice.aggregate(objects)
    once.correlate()
    twice.correlate()
    # Then the evidence and the findings are identical
    assert once.evidence.items == twice.evidence.items
    assert [f.message for f in once.findings] == [f.message for f in twice.findings]


def test_live_hour_by_hour_processing_gives_the_findings_of_a_replay() -> None:
    # Given the same traffic processed live (objects arriving hour by hour, the correlator run after each)
    traffic = Traffic()
    traffic.hydra(10, hours=12)
    traffic.swarm(8)
    objects = objects_of(traffic.verdicts)
    replay, live = Run(), Run()
    replay.aggregate(objects)
    replay.correlate()
    for key in sorted(objects):
        live.aggregate({key: objects[key]})
        live.correlate(flush=False)
    live.correlate(flush=True)
    # Then findings, their ids, times and members are the same
    assert [f.message for f in live.findings] == [f.message for f in replay.findings]


def test_a_campaign_keeps_its_id_as_new_accounts_arrive_in_waves_and_is_renotified_on_growth() -> None:
    # Given a hydra whose second wave of accounts starts six hours after the first
    traffic = Traffic()
    first = traffic.hydra(6, hours=12)
    late = Traffic(rng=traffic.rng)
    second = late.hydra(10, hours=6, prefix="hydra")[6:]
    traffic.add(*(v.model_copy(update={"timestamp": v.timestamp + timedelta(hours=6)}) for v in late.verdicts))
    run = run_all(traffic)
    # Then one incident id carries every member, created once and updated when the wave joined
    assert {f.uid for f in run.findings} == {run.findings[0].uid}
    assert [f.activity for f in run.findings][:2] == ["create", "update"]
    assert set(run.findings[-1].members) == set(first) | set(second)


def test_two_groups_that_turn_out_to_be_one_merge_into_the_older_id() -> None:
    # Given two hydra halves on different networks and templates that later share a template in one burst
    traffic = Traffic()
    traffic.hydra(6, prefix="east")
    west = Traffic(rng=traffic.rng)
    west.hydra(6, prefix="west")
    traffic.add(*(v.model_copy(update={"source_ip": "203.0.113.7"}) for v in west.verdicts))
    bridge = START + timedelta(hours=10, minutes=17)
    for index in range(6):
        for name in (f"east-{index:03d}", f"west-{index:03d}"):
            traffic.add(verdict(name, bridge, "cot_harvesting", template="shared-later", ip="192.0.2.200", line=9))
    run = run_all(traffic)
    # Then the younger id closes as merged and the older one carries all twelve accounts
    closes = [f for f in run.findings if f.activity == "close"]
    assert len({f.uid for f in run.findings}) == 2 and len(closes) == 1
    survivor = [f for f in run.findings if f.uid != closes[0].uid][-1]
    assert len(survivor.members) == 12


def test_a_publication_that_fails_is_sent_by_the_next_run_exactly_once() -> None:
    # Given SNS failing at the first publication
    traffic = Traffic()
    traffic.hydra(8)
    run = Run()
    run.aggregate(objects_of(traffic.verdicts))
    publish = run.publisher.publish
    calls = {"n": 0}

    def flaky(entry):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("SNS unavailable")
        publish(entry)

    run.publisher.publish = flaky  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        run.correlate()
    assert run.publisher.messages == [] and run.incidents.outbox()
    # When the correlator runs again
    run.correlate()
    # Then the finding committed before the failure is published, every revision exactly once, outbox empty
    published = [(entry.incident_uid, entry.revision) for entry in run.publisher.messages]
    assert published[0][1] == 1
    assert len(published) == len(set(published))
    assert run.incidents.outbox() == []


def test_findings_are_valid_ocsf_detection_findings_without_prompt_text_or_keys() -> None:
    traffic = Traffic()
    traffic.hydra(8)
    run = run_all(traffic)
    hydra = {f"hydra-{i:03d}" for i in range(8)}
    for entry in run.publisher.messages:
        finding = DetectionFinding.model_validate_json(entry.message)
        assert finding.class_uid == 2004 and finding.finding_info.uid.startswith("dg-")
        assert finding.type_uid == 200400 + finding.activity_id
        assert {r.uid for r in finding.resources or []} <= hydra
        assert finding.finding_info.attacks and finding.finding_info.attacks[0].technique
        assert finding.finding_info.first_seen_time is not None and finding.time >= finding.finding_info.first_seen_time
        assert entry.attributes["severity"]["StringValue"] in {"medium", "high", "critical"}
        assert "hydra-template" not in entry.message or "fingerprint" in entry.message
        assert "python-httpx" in entry.message  # user agents are evidence; prompt text never reaches a finding
    assert {r.uid for r in finding.resources or []} == hydra  # the latest revision names every member


def test_a_group_needs_two_coordination_signals_when_configured_so() -> None:
    # Given a hydra, and a stricter configuration demanding more signals than it shows in its first hours
    traffic = Traffic()
    traffic.hydra(8, hours=2)
    strict = DetectionRules(cluster_min_signals=4)
    # Then the strict rules raise nothing and the default ones do
    assert run_all(traffic, strict).findings == []
    assert run_all(traffic).findings


def test_the_end_of_a_backfill_publishes_members_that_joined_below_the_growth_step() -> None:
    # Given a hydra of 10 that one more account joins late: growth of 10%, below the step that re-notifies
    traffic = Traffic()
    traffic.hydra(10, hours=12)
    late = Traffic(rng=traffic.rng)
    newcomer = late.hydra(11, hours=4)[10]
    traffic.add(
        *(
            v.model_copy(update={"timestamp": v.timestamp + timedelta(hours=8)})
            for v in late.verdicts
            if v.customer_account == newcomer
        )
    )
    # When the backfill is correlated to its end (flush)
    run = run_all(traffic)
    # Then the last published revision names the newcomer too, and no revision is published twice
    assert newcomer in run.findings[-1].members and len(run.findings[-1].members) == 11
    revisions = [(f.uid, f.revision) for f in run.findings]
    assert len(revisions) == len(set(revisions))


def _group(
    members: list[str], *, network: str, buckets: range, scaffold: str, swarm_client: str | None = None
) -> Detection:
    """A detected group; with `swarm_client`, an agentic swarm churning toolsets through that client, no scaffold."""
    return Detection(
        kind="cluster",
        members=frozenset(members),
        category="agentic_extraction" if swarm_client else "cot_harvesting",
        signals={"toolset_churn": 0.97, "shared_networks": 1.0}
        if swarm_client
        else {"shared_templates": 0.6, "shared_networks": 1.0},
        suspicious=20,
        prompts=20,
        by_label={"cot_harvesting": 20},
        templates={} if swarm_client else {scaffold: 20},
        networks={network: 20},
        user_agents={swarm_client: 20} if swarm_client else {},
        models={},
        new_models=(),
        scaffolds=frozenset({scaffold}),
        first_seen=START,
        last_seen=START + timedelta(minutes=30),
        buckets=frozenset(buckets),
    )


def test_groups_first_seen_in_one_hour_bursting_together_from_a_shared_network_open_one_incident() -> None:
    # Given three groups in one hour, each with its own scaffold: two fire in the same minutes and share an egress
    # network; the third shares that network but fires at other minutes
    first = _group(["a1", "a2", "a3"], network="198.51.100.0/24", buckets=range(100, 104), scaffold="s1")
    second = _group(["b1", "b2", "b3"], network="198.51.100.0/24", buckets=range(101, 104), scaffold="s2")
    other = _group(["c1", "c2", "c3"], network="198.51.100.0/24", buckets=range(200, 204), scaffold="s3")
    # When the hour is reconciled
    incidents, notifications = reconcile([first, second, other], {}, START + timedelta(hours=1), NotificationRules())
    # Then the two in step open one incident, and the third its own
    assert sorted(sorted(incident.members) for incident in incidents) == [
        ["a1", "a2", "a3", "b1", "b2", "b3"],
        ["c1", "c2", "c3"],
    ]
    assert [notification.activity for notification in notifications] == ["create", "create"]


def test_an_account_crossing_a_burst_with_a_public_scaffold_among_ordinary_questions_is_not_a_member() -> None:
    # Given a hydra, and a student who sends its scaffold twice in its burst minutes among a few ordinary questions
    traffic = Traffic()
    hydra = traffic.hydra(12)
    student = "student-evening"
    for shot in range(4):
        at = START + timedelta(hours=2, minutes=30 + shot)
        traffic.add(verdict(student, at, "ordinary", template=f"own-question-{shot}", ip="192.0.2.200"))
    for shot in range(2):
        at = START + timedelta(hours=2 * (shot + 1), minutes=17, seconds=30)
        traffic.add(verdict(student, at, "cot_harvesting", template="hydra-template-0", ip="192.0.2.200", line=50))
    # Then the campaign is found without the student
    assert run_all(traffic).flagged() == set(hydra)


def test_a_skeleton_sketch_counts_distinct_skeletons_across_items_without_counting_repeats() -> None:
    sketches = [smallest(skeleton_hash(f"shape-{n % 12}") for n in range(start, start + 50)) for start in range(30)]
    merged: list[int] = []
    for sketch in sketches:
        merged = smallest([*merged, *sketch])
    assert distinct_estimate(merged) == 12  # a fixed prompt in twelve shapes, however many hours
    sweep = smallest(skeleton_hash(f"problem-{n}") for n in range(5_000))
    assert 3_000 <= distinct_estimate(sweep) <= 8_000  # a sweep: thousands, within the sketch's error


def test_a_slow_campaigns_next_group_joins_its_young_incident_and_a_stranger_on_another_network_does_not() -> None:
    # Given a campaign first seen as one group, and two hours later a new group using one of its templates: one from
    # the campaign's network, one from elsewhere (the same public scaffold)
    rules = NotificationRules()
    first = _group(["a1", "a2", "a3"], network="198.51.100.0/24", buckets=range(100, 104), scaffold="s1")
    opened, _ = reconcile([first], {}, START + timedelta(hours=1), rules)
    later = START + timedelta(hours=3)
    same = _group(["b1", "b2", "b3"], network="198.51.100.0/24", buckets=range(130, 134), scaffold="s1")
    stranger = _group(["c1", "c2", "c3"], network="203.0.113.0/24", buckets=range(130, 134), scaffold="s1")
    # When the later hour is reconciled
    incidents, notifications = reconcile([same, stranger], {i.uid: i for i in opened}, later, rules)
    # Then the group from the campaign's network joins the young incident; the stranger opens its own
    by_uid = {incident.uid: sorted(incident.members) for incident in incidents}
    assert by_uid[opened[0].uid] == ["a1", "a2", "a3", "b1", "b2", "b3"]
    assert sorted(by_uid.values()) == [["a1", "a2", "a3", "b1", "b2", "b3"], ["c1", "c2", "c3"]]
    # And past the window, a new group from the same network opens its own incident
    old = {i.uid: i for i in incidents}
    late = _group(["d1", "d2", "d3"], network="198.51.100.0/24", buckets=range(300, 304), scaffold="s1")
    later_still, _ = reconcile([late], old, START + timedelta(hours=5), rules)
    assert any(sorted(incident.members) == ["d1", "d2", "d3"] for incident in later_still)


def test_a_swarms_next_nat_pool_joins_its_young_incident_through_its_client() -> None:
    # Given an agentic swarm seen from one /24, and an hour later a group from another /24 with the same client,
    # churning toolsets too; and a churning group with another client
    rules = NotificationRules()
    first = _group(["a1", "a2", "a3"], network="100.64.0.0/24", buckets=range(0), scaffold="", swarm_client="js/4.52")
    opened, _ = reconcile([first], {}, START + timedelta(hours=1), rules)
    pool = _group(["b1", "b2", "b3"], network="100.64.9.0/24", buckets=range(0), scaffold="", swarm_client="js/4.52")
    other = _group(["c1", "c2", "c3"], network="100.64.7.0/24", buckets=range(0), scaffold="", swarm_client="go/1.2")
    # When the next hour is reconciled
    incidents, _ = reconcile([pool, other], {i.uid: i for i in opened}, START + timedelta(hours=2), rules)
    # Then the new pool joins the swarm's incident and the other client opens its own
    assert sorted(sorted(incident.members) for incident in incidents) == [
        ["a1", "a2", "a3", "b1", "b2", "b3"],
        ["c1", "c2", "c3"],
    ]


def test_two_lone_accounts_of_one_kind_in_one_hour_each_open_their_own_incident() -> None:
    # Given two model hoppers from the same client and networks, starting within the same hours
    traffic = Traffic()
    first, second = traffic.hopper("hopper-a"), traffic.hopper("hopper-b")
    # When correlated
    created = [f for f in run_all(traffic).findings if f.activity == "create"]
    # Then each is published in its own incident at the end of its second hour, not folded silently into the other
    assert sorted(f.members for f in created) == [[first], [second]]
    assert {f.time for f in created} == {START + timedelta(hours=2)}


def test_detecting_hours_on_two_processes_publishes_exactly_what_a_serial_run_does() -> None:
    # Given campaigns and look-alikes over 12 hours, aggregated once
    traffic = Traffic()
    traffic.hydra(12)
    traffic.swarm(8)
    traffic.students(12)
    traffic.ordinary_users(30)
    evidence = run_all(traffic).evidence
    settings = CorrelateSettings(table_name="table", topic_arn="arn:aws:sns:eu-west-1:123456789012:findings")
    # When the engine correlates it serially, and with each hour's detection on a pool of two processes
    serial = correlate(evidence, settings, workers=1)
    parallel = correlate(evidence, settings, workers=2)
    # Then the same findings, byte for byte, in the same order
    assert len({f.uid for f in serial}) >= 2
    assert [f.message for f in parallel] == [f.message for f in serial]


def test_a_small_campaign_whose_request_lands_in_another_campaigns_burst_stays_its_own_incident() -> None:
    # Given a ten-account hydra bursting every two hours from one /24, and four accounts of another operator on
    # their own /24 sharing their own scaffold, each with one request inside a hydra burst; both campaigns' prompts
    # start with the same words ("Problem:"), their scaffolds differ
    traffic = Traffic()
    hydra = [f"hydra-{i}" for i in range(10)]
    for hour in range(0, 12, 2):
        for index, account in enumerate(hydra):
            for shot in range(2):
                at = START + timedelta(hours=hour, minutes=17, seconds=20 * index + shot)
                ip = f"198.51.100.{10 + index}"
                traffic.add(
                    verdict(
                        account, at, "cot_harvesting", template="hydra-scaffold", ip=ip, line=shot, opening="oproblem"
                    )
                )
    other = [f"other-{i}" for i in range(4)]
    for index, account in enumerate(other):
        for shot, at in enumerate(
            (START + timedelta(hours=2, minutes=18), START + timedelta(hours=5, minutes=40 + index))
        ):
            ip = f"203.0.113.{20 + index}"
            traffic.add(
                verdict(account, at, "cot_harvesting", template="other-scaffold", ip=ip, line=shot, opening="oproblem")
            )
    # When the traffic is correlated
    run = run_all(traffic)
    # Then two incidents, each naming its own campaign's accounts only
    members: dict[str, set[str]] = {}
    for finding in run.findings:
        members.setdefault(finding.uid, set()).update(finding.members)
    assert sorted(members.values(), key=len) == [set(other), set(hydra)]
