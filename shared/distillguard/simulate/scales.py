"""How big each population is at each scale.

tiny (tests and the demo): ~100 accounts, ~3.5k requests over 24 h, every population present with small clusters.
small: ~500 accounts, ~20k requests over 48 h. full: ~2,500 accounts, ~150k requests over 48 h. Attack traffic is
kept under a fifth of the requests, and every attacker account sends no more a day than some benign account does.

`plan_for(scale, changes)` changes any of a plan's fields for one run (`distillguard simulate --plan NAME=VALUE`):
traffic shaped otherwise than the runs the detection rules were measured on, such as hydra members at the low end
of the reported 18-40 requests a day, to judge detection on families nobody tuned on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from pydantic import TypeAdapter, ValidationError

from distillguard.simulate.model import Scale


@dataclass(frozen=True)
class Plan:
    hours: int
    roll_minutes: int  # how often the gateway instances and Bedrock start a new log object
    release_hour: float  # when the new model first appears
    # benign
    general_users: int
    general_alpha: float  # power-law exponent of their daily volumes (1 to ~450 a day)
    relays: int  # shared privacy-relay / secure-web-gateway /24s
    pipeline_daily: tuple[tuple[int, int], ...]  # one (low, high) daily volume range per pipeline
    nat_companies: tuple[int, ...]  # accounts per company
    agent_developers: int
    math_students: int
    campuses: int
    eval_teams: int
    eval_requests: int
    # attackers
    hydra: tuple[int, ...]  # members per hydra cluster
    hydra_waves: int
    hydra_lifetime: tuple[float, float] | None  # hours a member lives; None: until the end of the run
    hydra_pivot_delay: tuple[float, float]  # hours after the release that a cluster moves half its traffic
    swarms: tuple[int, ...]
    covers: tuple[int, ...]
    lone_bulk: int
    bulk_daily: tuple[int, int]
    bulk_start: tuple[float, float]  # hour range in which each bulk harvester starts
    bulk_hours: float
    model_hoppers: int
    hopper_daily: tuple[int, int]
    # attack shapes, the same at every scale
    hydra_daily: tuple[float, float] = (21.0, 32.0)  # requests per hydra member and day of its life
    hydra_participation: float = 0.85  # share of the bursts a live member fires in
    hydra_residential: float = 0.2  # requests leaving through residential proxies instead of the hosting /24s
    hydra_cover: float = 0.12  # ordinary requests mixed in, as a proxy that resells access would
    swarm_daily: tuple[float, float] = (8.0, 16.0)  # requests per swarm member and day
    cover_daily: tuple[float, float] = (10.0, 28.0)  # requests per cover member and day
    cover_harvest_share: float = 0.5  # the cover members' requests that harvest (the rest are ordinary)


PLANS: dict[Scale, Plan] = {
    "tiny": Plan(
        hours=24,
        roll_minutes=15,
        release_hour=7,
        general_users=55,
        general_alpha=1.7,
        relays=2,
        pipeline_daily=((450, 550), (900, 1100)),
        nat_companies=(3,),
        agent_developers=4,
        math_students=8,
        campuses=1,
        eval_teams=1,
        eval_requests=260,
        hydra=(12,),
        hydra_waves=2,
        hydra_lifetime=None,
        hydra_pivot_delay=(4, 8),
        swarms=(8,),
        covers=(5,),
        lone_bulk=1,
        bulk_daily=(1200, 1400),
        bulk_start=(12, 15),
        bulk_hours=2.5,
        model_hoppers=1,
        hopper_daily=(45, 60),
    ),
    "small": Plan(
        hours=48,
        roll_minutes=5,
        release_hour=20,
        general_users=330,
        general_alpha=1.7,
        relays=3,
        pipeline_daily=((450, 650), (900, 1200), (1800, 2150)),
        nat_companies=(6,),
        agent_developers=14,
        math_students=36,
        campuses=2,
        eval_teams=1,
        eval_requests=560,
        hydra=(60,),
        hydra_waves=4,
        hydra_lifetime=(12, 26),
        hydra_pivot_delay=(8, 16),
        swarms=(30,),
        covers=(8,),
        lone_bulk=1,
        bulk_daily=(1300, 1500),
        bulk_start=(25, 27),
        bulk_hours=19,
        model_hoppers=1,
        hopper_daily=(70, 90),
    ),
    "full": Plan(
        hours=48,
        roll_minutes=5,
        release_hour=20,
        general_users=1750,
        general_alpha=1.55,
        relays=6,
        pipeline_daily=tuple((400 + 100 * i, 500 + 100 * i) for i in range(18)),
        nat_companies=(8, 6, 5),
        agent_developers=70,
        math_students=160,
        campuses=5,
        eval_teams=2,
        eval_requests=900,
        hydra=(240, 120),
        hydra_waves=6,
        hydra_lifetime=(12, 26),
        hydra_pivot_delay=(8, 16),
        swarms=(90, 60),
        covers=(8, 8, 8),
        lone_bulk=3,
        bulk_daily=(1800, 2100),
        bulk_start=(4, 16),
        bulk_hours=30,
        model_hoppers=2,
        hopper_daily=(70, 100),
    ),
}


def plan_for(scale: Scale, changes: Mapping[str, Any] | None = None) -> Plan:
    """The scale's plan with some fields changed (values as JSON gives them: lists for tuples); a name that is not
    a field, or a value of the wrong type, is a ValueError saying which."""
    plan = PLANS[scale]
    if not changes:
        return plan
    if unknown := sorted(set(changes) - {field.name for field in fields(Plan)}):
        raise ValueError(f"no such simulation parameter: {', '.join(unknown)} (see simulate/scales.py Plan)")
    try:
        return TypeAdapter(Plan).validate_python({**asdict(plan), **changes})
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise ValueError(f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}") from None
