"""The benign populations, each with its own timing, networks, clients, prompts and models.

Several look like an attack along one axis on purpose (hard negatives): relay users share /24s, pipelines send one
template at volume, a company's accounts share a NAT, an SDK and a system prompt, agent developers send agentic
loops, students say "step by step", and an evaluation team sends benchmark reasoning prompts for a few hours."""

from __future__ import annotations

import math
import random
from datetime import timedelta

from distillguard.simulate.accounts import (
    NEW_BEDROCK_MODEL,
    NEW_GATEWAY_MODEL,
    SDK_AGENTS,
    Account,
    World,
    host,
    residential_ip,
)
from distillguard.simulate.content.benchmark import harness_prompt
from distillguard.simulate.content.developers import dev_project, dev_run
from distillguard.simulate.content.everyday import (
    APP_SYSTEMS,
    PIPELINE_JOBS,
    app_user_prompt,
    company_prompt,
    general_prompt,
    math_student_prompt,
    pipeline_prompt,
)
from distillguard.simulate.content.names import COMPANIES, LANGUAGES
from distillguard.simulate.content.students import student_prompt
from distillguard.simulate.model import Channel
from distillguard.simulate.render import SimRecord
from distillguard.simulate.scales import Plan
from distillguard.simulate.timing import DAYTIME, EVENING, WORKDAY, at, cron, draw_start, sessions, timezone
from distillguard.simulate.traffic import count_for, power_law, request

GENERAL_MAX_DAILY = 450
RELAY_SHARE = 0.15  # general users behind a privacy relay or a secure web gateway
APP_SHARE = 1 / 3  # general users whose requests come from an app with its own fixed system prompt
ADOPTER_SHARE = 0.15  # benign accounts that try the new model some time after its release
APP_AGENTS = ("Quillnote/3.2 (iOS)", "ParcelMail/2024.11", "LingoPal-Android/5.1.0", "node-fetch/3.3.2")
PIPELINE_AGENTS = ("python-httpx/0.27.0", "Boto3/1.35.80 md/Botocore#1.35.80", "OpenAI/Python 1.58.1")
DEV_AGENTS = ("Anthropic/Python 0.42.0", "langchain-openai/0.2.14 OpenAI/Python 1.58.1", "OpenAI/Python 1.58.1")
EVAL_AGENT = "python-httpx/0.28.1"


def _channel(rng: random.Random, bedrock: float, litellm: float) -> Channel:
    roll = rng.random()
    return "litellm" if roll < litellm else "bedrock" if roll < litellm + bedrock else "gateway"


def _maybe_adopt(world: World, rng: random.Random, account: Account, mean_delay_hours: float) -> None:
    """Some customers try a new model a while after it comes out, for part of their traffic."""
    if rng.random() < ADOPTER_SHARE:
        account.new_model_from = world.release_at + timedelta(hours=rng.expovariate(1 / mean_delay_hours))
        account.new_model_share = rng.uniform(0.2, 0.6)


def new_model(account: Account) -> str:
    return NEW_BEDROCK_MODEL if account.channel == "bedrock" else NEW_GATEWAY_MODEL


def general_users(world: World, plan: Plan) -> list[SimRecord]:
    """People: Zipf-like daily volumes, sessions through their local day in many time zones."""
    roster = world.rng("general_user", "roster")
    relays = [world.prefix(roster, "relay") for _ in range(plan.relays)]
    records: list[SimRecord] = []
    for i in range(plan.general_users):
        rng = world.rng("general_user", i)
        daily = power_law(rng, 1, GENERAL_MAX_DAILY, plan.general_alpha)
        if i == 0:  # the heaviest user is pinned near the top of the range, so every run spans it
            daily = rng.uniform(380, GENERAL_MAX_DAILY)
        account = world.add_account(rng, "benign", "general_user", _channel(rng, 0.25, 0.03), keys=rng.randint(1, 2))
        _maybe_adopt(world, rng, account, 10)
        tz = timezone(rng)
        system = rng.choice(APP_SYSTEMS) if rng.random() < APP_SHARE else None
        agent = rng.choice(APP_AGENTS) if system else rng.choice(SDK_AGENTS)
        relay = rng.choice(relays) if rng.random() < RELAY_SHARE else None
        homes = [residential_ip(rng) for _ in range(rng.randint(1, 2))]
        for day in range(math.ceil(world.days)):  # day by day, so no calendar day goes past the top of the range
            begin = world.start + timedelta(days=day)
            n = min(count_for(rng, daily, 1), GENERAL_MAX_DAILY)
            for session in sessions(rng, begin, min(world.end, begin + timedelta(days=1)), n, tz, DAYTIME):
                ip = host(rng, relay) if relay else rng.choice(homes)  # a relay hands out another egress each time
                for ts in session:
                    prompt = app_user_prompt(rng, system) if system else general_prompt(rng)
                    records.append(request(rng, account, ts, prompt, ip, agent))
    return records


def pipelines(world: World, plan: Plan) -> list[SimRecord]:
    """Heavy automation: an hourly cron batch, one system prompt, one cloud /24."""
    records: list[SimRecord] = []
    for i, (low, high) in enumerate(plan.pipeline_daily):
        rng = world.rng("pipeline", i)
        channel: Channel = "bedrock" if i % 3 == 1 else "gateway"
        account = world.add_account(rng, "benign", "pipeline", channel, reseller=world.resellers[1])
        prefix = world.prefix(rng, "cloud")
        hosts = [host(rng, prefix) for _ in range(rng.randint(1, 3))]
        job = PIPELINE_JOBS[i % len(PIPELINE_JOBS)]
        company, lang, agent = rng.choice(COMPANIES), rng.choice(LANGUAGES), rng.choice(PIPELINE_AGENTS)
        times = cron(rng, world.start, world.end, rng.uniform(low, high), rng.randrange(60), pace=(0.4, 2.0))
        for ts in times:
            prompt = pipeline_prompt(rng, job, company, lang)
            records.append(request(rng, account, ts, prompt, rng.choice(hosts), agent))
    return records


def nat_companies(world: World, plan: Plan) -> list[SimRecord]:
    """One company's teams, each its own customer account, behind the office NAT with one SDK and system prompt."""
    records: list[SimRecord] = []
    for c, size in enumerate(plan.nat_companies):
        rng = world.rng("nat_company", c)
        company = COMPANIES[c % len(COMPANIES)]
        prefix = world.prefix(rng, "office")
        nat = [host(rng, prefix) for _ in range(rng.randint(2, 4))]
        agent = rng.choice(SDK_AGENTS[:6])
        tz = rng.choice((0.0, 1.0, -5.0))
        for j in range(size):
            team = world.rng("nat_company", c, j)
            account = world.add_account(team, "benign", "nat_company", "gateway", keys=team.randint(1, 3))
            n = count_for(team, team.uniform(20, 120), world.days)
            for session in sessions(team, world.start, world.end, n, tz, WORKDAY, size=(2, 8)):
                for ts in session:
                    records.append(request(team, account, ts, company_prompt(team, company), team.choice(nat), agent))
    return records


def agent_developers(world: World, plan: Plan) -> list[SimRecord]:
    """Developers building one agent each: test tasks re-run as loops that replay a growing prefix seconds apart.
    The first of them tries the new model a minute after its release: its first appearance in the traffic."""
    records: list[SimRecord] = []
    span = (world.end - world.start).total_seconds()
    release = (world.release_at - world.start).total_seconds() + 60
    for i in range(plan.agent_developers):
        rng = world.rng("agent_developer", i)
        project = dev_project(rng, i)
        channel: Channel = "litellm" if i == 1 else "bedrock" if i % 4 == 3 else "gateway"
        account = world.add_account(rng, "benign", "agent_developer", channel)
        if i == 0:
            account.new_model_from, account.new_model_share = world.release_at, 0.7
        else:
            _maybe_adopt(world, rng, account, 6)
        tz, agent = timezone(rng), rng.choice(DEV_AGENTS)
        ips = [residential_ip(rng) for _ in range(rng.randint(1, 2))]
        n_sessions = max(1, round(world.days * rng.uniform(1.5, 3.5)))
        starts = sorted(draw_start(rng, world.start, world.end, tz, WORKDAY) for _ in range(n_sessions))
        for offset in starts + ([release] if i == 0 else []):
            ip = rng.choice(ips)
            for _ in range(rng.randint(3, 10)):
                # One run talks to one model; the release-day session is the developer trying the new one.
                model = new_model(account) if offset == release else account.model_at(rng, at(world.start, offset))
                for prompt in dev_run(rng, project, rng.choice(project.tasks), rng.randint(2, 6)):
                    if offset >= span:
                        break
                    records.append(request(rng, account, at(world.start, offset), prompt, ip, agent, model=model))
                    offset += rng.uniform(2, 12)
                offset += rng.uniform(30, 600)
    return records


def math_students(world: World, plan: Plan) -> list[SimRecord]:
    """Students on campus networks in the evening, asking to be walked through problems in their own words."""
    campuses = []
    for c in range(plan.campuses):
        rng = world.rng("math_student", "campus", c)
        prefix = world.prefix(rng, "campus")
        campuses.append(([host(rng, prefix) for _ in range(rng.randint(2, 4))], rng.choice((-5.0, 0.0, 1.0, 8.0))))
    records: list[SimRecord] = []
    for i in range(plan.math_students):
        rng = world.rng("math_student", i)
        nat, tz = campuses[i % len(campuses)]
        account = world.add_account(rng, "benign", "math_student", "gateway")
        agent = rng.choice(SDK_AGENTS)
        n = count_for(rng, power_law(rng, 3, 40, 1.5), world.days)
        for session in sessions(rng, world.start, world.end, n, tz, EVENING, size=(2, 8), gap=(60, 400)):
            ip = rng.choice(nat)
            for ts in session:
                prompt = student_prompt(rng) if rng.random() < 0.85 else math_student_prompt(rng)
                records.append(request(rng, account, ts, prompt, ip, agent))
    return records


def eval_teams(world: World, plan: Plan) -> list[SimRecord]:
    """An evaluation team runs a public benchmark harness from one account for a few hours, comparing the new model
    with the one it uses: benchmark reasoning prompts at a steady clip, then silence."""
    records: list[SimRecord] = []
    for i in range(plan.eval_teams):
        rng = world.rng("eval_team", i)
        account = world.add_account(rng, "benign", "eval_team", "gateway" if i == 0 else "litellm")
        length = rng.uniform(2.5, 4) * 3600
        latest = (world.end - world.release_at).total_seconds() - length - 600
        begin = (world.release_at - world.start).total_seconds() + rng.uniform(3600, max(3601, latest))
        account.new_model_from, account.new_model_share = at(world.start, begin), 0.5
        prefix = world.prefix(rng, "office")
        ip = host(rng, prefix)
        step = length / plan.eval_requests
        for k in range(plan.eval_requests):
            ts = at(world.start, begin + k * step + rng.uniform(0, step * 0.8))
            task = "math" if k < plan.eval_requests * 0.6 else "science"
            records.append(request(rng, account, ts, harness_prompt(rng, task, shots=3), ip, EVAL_AGENT))
    return records
