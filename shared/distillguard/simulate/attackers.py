"""The attacker populations, shaped after reported distillation campaigns rather than after any detection rule.

Each attacker account stays inside the benign per-account volume range; what gives a campaign away is what its
accounts share (templates, egress, client, cadence, the pivot to a new model) and what they ask for."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from distillguard.simulate.accounts import SDK_AGENTS, Account, World, host, residential_ip
from distillguard.simulate.content.agentic import agentic_prompt, swarm_prompt
from distillguard.simulate.content.everyday import ordinary_prompt
from distillguard.simulate.content.harvesting import (
    HYDRA_TEMPLATES,
    HYDRA_TEMPLATES_PER_CLUSTER,
    cot_prompt,
    cover_harvest_prompt,
    hydra_prompt,
)
from distillguard.simulate.model import Channel, Population
from distillguard.simulate.render import SimRecord
from distillguard.simulate.scales import Plan
from distillguard.simulate.timing import DAYTIME, at, bursts, sessions, smooth_round_robin
from distillguard.simulate.traffic import count_for, request

HYDRA_AGENTS = ("python-httpx/0.27.2", "aiohttp/3.9.5")


def _cluster_id(population: Population, index: int) -> str:
    return f"{population}-{index + 1}"


def _member(
    world: World, rng: random.Random, population: Population, cluster: str, bedrock_share: float, reseller: int
) -> Account:
    channel: Channel = "bedrock" if rng.random() < bedrock_share else "gateway"
    return world.add_account(rng, "attacker", population, channel, cluster=cluster, reseller=world.resellers[reseller])


def hydra_clusters(world: World, plan: Plan) -> list[SimRecord]:
    """Many small accounts driven by one script: every hour or two a burst of a few minutes in which most live members
    fire, three or four shared templates, egress over a few /24s plus residential proxies, one client, accounts
    arriving in waves, and half the traffic moved to the new model within a day of its release."""
    records: list[SimRecord] = []
    for c, size in enumerate(plan.hydra):
        cluster = _cluster_id("hydra_cot", c)
        rng = world.rng("hydra_cot", c, "roster")
        first = (c * HYDRA_TEMPLATES_PER_CLUSTER) % len(HYDRA_TEMPLATES)
        templates = range(first, first + HYDRA_TEMPLATES_PER_CLUSTER)
        egress = [world.prefix(rng, "hosting") for _ in range(rng.randint(3, 4))]
        proxies = [residential_ip(rng) for _ in range(size // 2 + 5)]
        agent = HYDRA_AGENTS[c % len(HYDRA_AGENTS)]
        pivot = world.release_at + timedelta(hours=rng.uniform(*plan.hydra_pivot_delay))
        schedule = bursts(world.rng("hydra_cot", c, "bursts"), world.start, world.end)
        arrivals = _wave_arrivals(rng, world, plan.hydra_waves, size, schedule)
        for j, arrival in enumerate(arrivals):
            mrng = world.rng("hydra_cot", c, j)
            account = _member(world, mrng, "hydra_cot", cluster, bedrock_share=0.3, reseller=0)
            account.new_model_from, account.new_model_share = pivot, 0.5
            life = schedule[arrival:]
            if plan.hydra_lifetime is not None:
                leave = life[0][0] + timedelta(hours=mrng.uniform(*plan.hydra_lifetime))
                life = [burst for burst in life if burst[0] < leave]
            for burst_start, seconds in _member_bursts(mrng, life, plan):
                residential = mrng.random() < plan.hydra_residential
                ip = mrng.choice(proxies) if residential else host(mrng, mrng.choice(egress))
                ts = at(burst_start, mrng.uniform(0, seconds))
                cover = mrng.random() < plan.hydra_cover
                prompt = ordinary_prompt(mrng) if cover else hydra_prompt(mrng, templates)
                records.append(request(mrng, account, ts, prompt, ip, agent))
    return records


def _wave_arrivals(
    rng: random.Random, world: World, waves: int, size: int, schedule: list[tuple[datetime, float]]
) -> list[int]:
    """Index of the first burst of each member: new accounts join in waves, the first wave the largest."""
    span = world.hours * 3600
    times = [0.0] + [(k * 0.8 / waves + rng.uniform(-0.02, 0.02)) * span for k in range(1, waves)]
    weights = [2.0] + [1.0] * (waves - 1)
    counts = [round(size * w / sum(weights)) for w in weights]
    counts[0] += size - sum(counts)
    arrivals: list[int] = []
    for offset, count in zip(times, counts, strict=True):
        due = at(world.start, offset)
        index = next((k for k, (t, _) in enumerate(schedule) if t >= due), len(schedule) - 1)
        arrivals += [index] * count
    return arrivals


def _member_bursts(rng: random.Random, life: list[tuple[datetime, float]], plan: Plan) -> list[tuple[datetime, float]]:
    """The bursts one member fires in, once per request: each 24 h of its life gets a daily quota, spread over the
    bursts it joins (it always joins its first, which is how its wave shows, and its last)."""
    if not life:
        return []
    out: list[tuple[datetime, float]] = []
    born = life[0][0]
    day = 0
    while True:
        chunk = [b for b in life if born + timedelta(days=day) <= b[0] < born + timedelta(days=day + 1)]
        if not chunk:
            return out
        hours = min(24.0, (life[-1][0] - chunk[0][0]).total_seconds() / 3600 + 1.5)
        quota = max(1, round(rng.uniform(*plan.hydra_daily) * hours / 24))
        ends = {life[0], life[-1]}
        joined = [b for b in chunk if b in ends or rng.random() < plan.hydra_participation]
        if quota < len(joined):  # a short last stretch of life: fewer requests than bursts
            kept = [b for b in joined if b in ends]
            joined = sorted(kept + rng.sample([b for b in joined if b not in ends], max(0, quota - len(kept))))
        out += joined + [rng.choice(joined) for _ in range(quota - len(joined))]
        day += 1


def agentic_swarms(world: World, plan: Plan) -> list[SimRecord]:
    """Accounts taking turns on a steady weighted round-robin (one request at a time, each member at its own 8-16 a
    day), each request over a freshly invented toolset, from two cloud /24s."""
    records: list[SimRecord] = []
    span = world.hours * 3600
    for c, size in enumerate(plan.swarms):
        cluster = _cluster_id("agentic_swarm", c)
        rng = world.rng("agentic_swarm", c, "roster")
        prefixes = [world.prefix(rng, "cloud") for _ in range(2)]
        hosts = [host(rng, prefix) for prefix in prefixes for _ in range(4)]
        agent = rng.choice(("OpenAI/Python 1.51.0", "OpenAI/JS 4.52.7"))
        members = [
            _member(world, world.rng("agentic_swarm", c, j), "agentic_swarm", cluster, bedrock_share=0.2, reseller=1)
            for j in range(size)
        ]
        member_rngs = [world.rng("agentic_swarm", c, j, "requests") for j in range(size)]
        rates = [rng.uniform(*plan.swarm_daily) for _ in range(size)]
        turns = smooth_round_robin(rates)
        offset = rng.uniform(0, 300)
        while offset < span:
            j = next(turns)
            mrng = member_rngs[j]
            ts = at(world.start, offset)
            records.append(request(mrng, members[j], ts, swarm_prompt(mrng), mrng.choice(hosts), agent))
            offset += 86400 / sum(rates) * rng.uniform(0.9, 1.1)
    return records


def cover_clusters(world: World, plan: Plan) -> list[SimRecord]:
    """A few accounts that pass for people: diurnal sessions, a different SDK each, half ordinary requests and half
    grading, rubric and multiple-choice harvesting, all from the same couple of /24s."""
    records: list[SimRecord] = []
    for c, size in enumerate(plan.covers):
        cluster = _cluster_id("cover_cluster", c)
        rng = world.rng("cover_cluster", c, "roster")
        prefixes = [world.prefix(rng, "hosting") for _ in range(2)]
        tz = rng.choice((8.0, 3.0, -3.0))
        agents = rng.sample(SDK_AGENTS, size)
        for j in range(size):
            mrng = world.rng("cover_cluster", c, j)
            account = _member(world, mrng, "cover_cluster", cluster, bedrock_share=0.0, reseller=0)
            n = count_for(mrng, mrng.uniform(*plan.cover_daily), world.days)
            for session in sessions(mrng, world.start, world.end, n, tz, DAYTIME, size=(2, 7)):
                ip = host(mrng, mrng.choice(prefixes))
                for ts in session:
                    ordinary = mrng.random() < 1 - plan.cover_harvest_share
                    prompt = ordinary_prompt(mrng) if ordinary else cover_harvest_prompt(mrng)
                    records.append(request(mrng, account, ts, prompt, ip, agents[j]))
    return records


def lone_bulk(world: World, plan: Plan) -> list[SimRecord]:
    """One account harvesting at a pipeline's volume, around the clock for a stretch, from one cloud host."""
    records: list[SimRecord] = []
    for i in range(plan.lone_bulk):
        rng = world.rng("lone_bulk", i)
        account = world.add_account(
            rng, "attacker", "lone_bulk", "bedrock" if i == 2 else "gateway", cluster=_cluster_id("lone_bulk", i)
        )
        ip = host(rng, world.prefix(rng, "cloud"))
        begin = rng.uniform(*plan.bulk_start) * 3600
        length = min(plan.bulk_hours * 3600, world.hours * 3600 - begin - 60)
        n = round(rng.uniform(*plan.bulk_daily) * length / 86400)
        for offset in sorted(rng.uniform(begin, begin + length) for _ in range(n)):
            prompt = ordinary_prompt(rng) if rng.random() < 0.05 else cot_prompt(rng)
            records.append(request(rng, account, at(world.start, offset), prompt, ip, "python-requests/2.31.0"))
    return records


def model_hoppers(world: World, plan: Plan) -> list[SimRecord]:
    """One account running scripted blocks of chain-of-thought and agentic prompts at any hour, moving to the new
    model within a few hours of its release."""
    records: list[SimRecord] = []
    for i in range(plan.model_hoppers):
        rng = world.rng("model_hopper", i)
        account = world.add_account(rng, "attacker", "model_hopper", "gateway", cluster=_cluster_id("model_hopper", i))
        account.new_model_from = world.release_at + timedelta(hours=rng.uniform(0.5, 1.5))
        account.new_model_share = 1.0
        daily = rng.uniform(*plan.hopper_daily)
        offset = rng.uniform(0, 3600)
        while offset < world.hours * 3600:  # a block of scripted requests every hour or two, day and night
            ip = residential_ip(rng)  # a rotating residential proxy: a new exit per block
            size = max(1, round(daily / 16 * rng.uniform(0.6, 1.4)))
            block = offset
            for _ in range(size):
                if block >= world.hours * 3600:
                    break
                prompt = cot_prompt(rng) if rng.random() < 0.5 else agentic_prompt(rng)
                records.append(request(rng, account, at(world.start, block), prompt, ip, "axios/1.6.8"))
                block += rng.uniform(5, 25)
            offset += rng.uniform(1, 2) * 3600
    return records
