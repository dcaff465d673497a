"""Campaign detection over one horizon: which accounts act together, and which groups (or lone accounts)
look like harvesting. Pure functions over account profiles; no storage, no clock.

Why this shape (see the README's "How clusters are found"):
- Content first. Only accounts whose own traffic is at least `account_min_share` harvesting (by the
  classifier) can be linked: a company behind one NAT shares a /24 and a system prompt but sends ordinary
  prompts, so it never enters the graph.
- Links need two signals at once. Accounts are joined through composite keys seen in their suspicious
  requests, each pairing two kinds of evidence: (template, network), (whole skeleton, 5-minute burst), (network,
  5-minute burst), (network, agentic) and (template, toolset churn). Templates count only when harvesting
  across all accounts (an app's system prompt is not a scaffold); a burst only when several accounts share it
  and it is most of each one's activity. Sharing one /24, or one template, never links anyone: two campaigns
  that use the same public scaffold from different networks at different times stay apart.
- A group must show coordination. A connected group is flagged only when, besides harvesting content, it shows
  at least `cluster_min_signals` of: shared templates (a few scaffolds over many problems), shared egress
  networks, synchronised bursts (members firing in the same minutes and quiet outside them), toolset churn
  (many distinct synthetic toolsets where a real app reuses a few), and a pivot to a newly released model.
- Lone accounts (a bulk harvester, a model hopper) are groups of one with their own, stricter thresholds:
  sustained volume over many hours, or both harvesting categories at once.
- Coverage is not an attack: the accounts whose requests mostly carry no prompt (message logging off or
  redacted) form one `coverage` detection, so that an operator knows where the product is blind; an attack's
  members that are partly unlogged say so in their own evidence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from distillguard.correlation.evidence import top
from distillguard.correlation.profile import MINUTES_PER_HOUR, AccountProfile, ActivityTimeline, activity_timeline
from distillguard.records import MOSTLY_UNLOGGED_SHARE, SUSPICIOUS_LABELS, Label
from distillguard.suppression.model import NONE, ActiveSuppressions

# Timing links: 5-minute buckets of one template or network.
BUCKET_MINUTES = 5
TIMING_KINDS = frozenset({"template+timing", "network+timing"})
MAX_BUCKETS_PER_HOUR = 4  # busier than this is continuous traffic: no timing links
MIN_BURST_ACCOUNTS = 4  # accounts a bucket needs to be a burst...
BURST_CONTRAST = 3  # ...and this many times its template's or network's median bucket
MIN_SHARED_BUCKETS = 2  # bursts an account must take part in (or one of twice the minimum size)...
MIN_SHARED_BUCKET_SHARE = 0.5  # ...making up this share of its active buckets
# The synchronised-bursts signal of a group.
BURST_WINDOW_MINUTES = 5
BURST_MIN_MEMBERS = 5
BURST_MIN_SHARE = 0.6
# Agentic behaviour.
CHURN_SHARE = 0.8  # distinct toolsets per agentic request that declares tools, for an account to churn
LONE_MIN_TOOLSETS = 4  # toolsets a lone agentic account must sweep...
LONE_TOOLSET_SHARE = 0.1  # ...and per agentic request
LONE_MIN_SKELETONS = 10  # distinct request skeletons a lone volume account must show...
LONE_SKELETON_SHARE = 0.1  # ...and per harvesting request (a pipeline's fixed prompt shows 5-7%, a sweep ~45%)
# A lone account rotating scaffolds at volume is flagged after two hours: its most common opening is a small share
# of its requests (an evaluation harness or an app repeats one opening), and it is busy most minutes (a cron
# pipeline fires in a few minutes each hour).
FAST_MIN_HOURS = 2
FAST_MIN_SUSPICIOUS = 60
FAST_MIN_SHARE = 0.8
FAST_MAX_TOP_OPENING_SHARE = 0.2
FAST_MIN_ACTIVE_MINUTES_PER_HOUR = 15
FAST_MIXED_MIN_SUSPICIOUS = 6  # both harvesting kinds, and agentic requests over new toolsets
# Accounts sending both kinds at once (model hoppers) link by network only.
MIXED_SHARE = 0.25
MAX_SCAFFOLDS = 16  # shared templates an incident keeps, most shared first
Signal = Literal["shared_templates", "shared_networks", "synchronised_bursts", "toolset_churn", "model_pivot"]
DetectionKind = Literal["cluster", "account", "coverage"]
# What a detection is about: a harvesting category, or (coverage) requests whose prompt the logs do not carry.
Category = Label | Literal["prompts_not_logged"]
MAX_UNLOGGED_MEMBERS = 50  # members whose unlogged requests a detection names, most first


class DetectionRules(BaseModel):
    """Thresholds of detection. The ones a deployment tunes are template parameters (AccountMinShare,
    ClusterMinMembers, ClusterMinSignals, LoneMinSuspicious, CorrelationHorizonHours); the others keep these
    defaults."""

    model_config = ConfigDict(frozen=True)

    horizon_hours: int = 24
    account_min_suspicious: int = 1
    account_min_share: float = 0.2
    template_min_purity: float = 0.6
    cluster_min_members: int = 3
    cluster_min_suspicious: int = 6
    cluster_min_share: float = 0.25
    cluster_min_signals: int = 2
    member_strong_suspicious: int = 3
    lone_min_suspicious: int = 150
    lone_min_share: float = 0.5
    lone_min_hours: int = 6
    mixed_min_suspicious: int = 20
    mixed_min_share: float = 0.6
    mixed_min_category_share: float = 0.25
    new_model_after_hours: int = 6
    new_model_recent_hours: int = 72
    coverage_min_unlogged: int = 20  # unlogged requests over the horizon before an account is reported as blind
    coverage_min_share: float = MOSTLY_UNLOGGED_SHARE


@dataclass(frozen=True)
class Detection:
    """A group of accounts (or one account) that looks like one harvesting operation at this hour."""

    kind: DetectionKind
    members: frozenset[str]
    category: Category
    signals: dict[Signal, float]
    suspicious: int
    prompts: int
    by_label: dict[str, int]
    templates: dict[str, int]
    networks: dict[str, int]
    user_agents: dict[str, int]
    models: dict[str, int]
    new_models: tuple[str, ...]
    scaffolds: frozenset[str]
    first_seen: datetime
    last_seen: datetime
    member_evidence: dict[str, str] = field(default_factory=dict, compare=False)
    unlogged: dict[str, int] = field(default_factory=dict, compare=False)  # members' unlogged requests, top-k
    unlogged_requests: int = 0  # all members' requests whose prompt the log does not carry
    buckets: frozenset[int] = field(default_factory=frozenset, compare=False)  # 5-minute buckets with harvesting
    timeline: ActivityTimeline = field(default_factory=ActivityTimeline, compare=False)
    examples: dict[str, str] = field(default_factory=dict, compare=False)  # redacted example per template

    @property
    def share(self) -> float:
        return self.suspicious / self.prompts if self.prompts else 0.0


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        while parent != self.parent[parent]:
            self.parent[parent] = self.parent[self.parent[parent]]
            parent = self.parent[parent]
        self.parent[item] = parent
        return parent

    def union(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)  # deterministic roots

    def groups(self) -> list[list[str]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for item in self.parent:
            grouped[self.find(item)].append(item)
        return [sorted(members) for members in grouped.values()]


def template_purity(all_profiles: Iterable[AccountProfile]) -> dict[str, float]:
    """Per template fingerprint, the share of its requests (across every account) labelled harvesting: an app's
    system prompt used by thousands of ordinary requests is not a harvesting scaffold even if a few of its
    requests were misread."""
    suspicious: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for profile in all_profiles:
        suspicious.update(profile.suspicious_fingerprints)
        total.update(profile.fingerprints)
    return {fp: count / max(total[fp], count) for fp, count in suspicious.items()}


def new_models(
    models_first_seen: Mapping[str, datetime], data_start: datetime, hour: datetime, rules: DetectionRules
) -> set[str]:
    """Model ids first seen well after the data began and recently: a release that a campaign pivots to."""
    after = data_start + timedelta(hours=rules.new_model_after_hours)
    recent = hour - timedelta(hours=rules.new_model_recent_hours)
    return {model for model, first in models_first_seen.items() if first >= after and first >= recent}


def _buckets(profile: AccountProfile) -> set[int]:
    """The `BUCKET_MINUTES`-minute buckets (epoch) the account harvested in."""
    return {minute // BUCKET_MINUTES for minute in profile.minutes}


def _churns_toolsets(profile: AccountProfile) -> bool:
    """A new toolset with nearly every agentic request that declares tools (`CHURN_SHARE`): a swarm's synthetic
    schemas, not an app. Agentic requests without tools (a plan-the-steps prompt) show no toolset either way."""
    declared = profile.agentic_with_toolset
    return declared >= 2 and len(profile.toolsets) >= CHURN_SHARE * declared


LinkKey = tuple[str, str, str | int]  # (kind, template or network, what it is paired with)


def _link_keys(
    profile: AccountProfile, active_buckets: set[int], pure_templates: set[str], ignored_networks: frozenset[str]
) -> set[LinkKey]:
    """The account's composite keys (a suppressed network is no key); `active_buckets` are its `_buckets`."""
    templates = [fp for fp in profile.suspicious_fingerprints if fp in pure_templates]
    networks = [network for network in profile.networks if network not in ignored_networks]
    buckets = sorted(active_buckets)
    if len(buckets) > MAX_BUCKETS_PER_HOUR * len(profile.suspicious_hours):
        # Busy in most minutes of its hours: continuous traffic, not bursts. Its timing says nothing about
        # coordination, and would otherwise bridge every campaign active at the same time.
        buckets = []
    # Network + agentic links a swarm that rotates through synthetic toolsets; for chain-of-thought a shared
    # /24 alone is everyday (privacy relays, campuses), so that pairing is not a link.
    categories = ["agentic_extraction"] if profile.by_label["agentic_extraction"] else []
    agentic = profile.by_label["agentic_extraction"]
    churning = _churns_toolsets(profile)
    if min(agentic, profile.by_label["cot_harvesting"]) >= MIXED_SHARE * profile.suspicious:
        # Both kinds at once (a model hopper): its scaffolds and minutes touch a chain-of-thought campaign and an
        # agentic one alike, so they would bridge unrelated campaigns; it links by network only.
        buckets, churning = [], False
    # A burst links through a whole scaffold only: opening words ("Problem:", "Question:") start unrelated
    # templates, and two campaigns firing in the same five minutes would meet through them.
    skeletons = [fp for fp in templates if not fp.startswith("o")]
    keys: set[LinkKey] = set()
    # Bedrock logs carry no source address: a swarm there shows only its scaffold and its toolset churn.
    if churning:
        keys.update(("template+churn", t, "churn") for t in templates)
    keys.update(("template+network", t, n) for t in templates for n in networks)
    keys.update(("template+timing", t, b) for t in skeletons for b in buckets)
    keys.update(("network+timing", n, b) for n in networks for b in buckets)
    keys.update(("network+category", n, c) for n in networks for c in categories)
    return keys


def _linked_groups(
    candidates: Sequence[AccountProfile], pure_templates: set[str], ignored_networks: frozenset[str] = frozenset()
) -> tuple[list[list[str]], dict[str, set[str]]]:
    """Connected groups of candidate accounts, and per account the kinds of key that link it to others.

    A timing key (a 5-minute bucket of one template or network) is a burst when at least `MIN_BURST_ACCOUNTS`
    accounts share it and `BURST_CONTRAST` times as many as in that template's or network's typical bucket: a
    swarm on a steady round-robin fills every bucket evenly, which is a rhythm, not a burst. A burst links an
    account only if the account takes part in at least `MIN_SHARED_BUCKETS` bursts (or one twice the minimum
    size) and they are most of its active buckets (`MIN_SHARED_BUCKET_SHARE`): hydra members meet in every
    burst and are quiet in between; an account with its own rhythm crosses a burst by chance."""
    active_buckets = {profile.account: _buckets(profile) for profile in candidates}
    holders: dict[LinkKey, list[str]] = defaultdict(list)
    for profile in candidates:
        for key in _link_keys(profile, active_buckets[profile.account], pure_templates, ignored_networks):
            holders[key].append(profile.account)
    bursts = _bursts(holders)
    shared_buckets: dict[str, set[str | int]] = defaultdict(set)
    for burst in bursts:
        for account in holders[burst]:
            shared_buckets[account].add(burst[2])
    big_burst_buckets = {burst[2] for burst in bursts if len(holders[burst]) >= 2 * MIN_BURST_ACCOUNTS}
    in_step = {
        account
        for account, buckets in shared_buckets.items()
        if (len(buckets) >= MIN_SHARED_BUCKETS or buckets & big_burst_buckets)
        and len(buckets) >= MIN_SHARED_BUCKET_SHARE * len(active_buckets[account])
    }
    union = _UnionFind()
    link_kinds: dict[str, set[str]] = defaultdict(set)
    for key, accounts in holders.items():
        if len(accounts) < 2:
            continue
        kind = key[0]
        if kind in TIMING_KINDS:
            accounts = [a for a in accounts if a in in_step] if key in bursts else []
            if len(accounts) < 2:
                continue
        for account in accounts:
            union.union(accounts[0], account)
            link_kinds[account].add(kind)
    return [group for group in union.groups() if len(group) > 1], link_kinds


def _bursts(holders: Mapping[LinkKey, list[str]]) -> set[LinkKey]:
    """The timing keys that are bursts: crowded, and crowded for their template or network (compared with the
    median bucket between its first and last active bucket, empty ones included)."""
    by_base: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for (kind, scaffold_or_network, bucket), accounts in holders.items():
        if kind in TIMING_KINDS:
            by_base[(kind, scaffold_or_network)][int(bucket)] = len(accounts)
    baseline: dict[tuple[str, str], float] = {}
    for base, counts in by_base.items():
        span = max(counts) - min(counts) + 1
        ordered = sorted(counts.values())
        empty = span - len(ordered)
        middle = span // 2
        baseline[base] = 0.0 if middle < empty else float(ordered[middle - empty])
    return {
        key
        for key, accounts in holders.items()
        if key[0] in TIMING_KINDS
        and len(accounts) >= MIN_BURST_ACCOUNTS
        and len(accounts) >= BURST_CONTRAST * baseline[(key[0], key[1])]
    }


def _synchrony(members: Sequence[AccountProfile]) -> tuple[float, int, int]:
    """How much of the members' activity falls in shared bursts, and in how many hours such a burst happened.

    Per event-time hour with at least `BURST_MIN_MEMBERS` active members: the densest 5-minute window by
    distinct members. It is a burst when it holds most of that hour's active members (`BURST_MIN_SHARE`) and
    most of their active minutes: hydra members fire in the same few minutes and are quiet in between; a class
    of students online the same evening, developers each running their own agent loop, or accounts on a
    round-robin do not fire together beyond chance. Returns the share of active minutes inside bursts (over the
    hours considered), the number of burst hours and the most members seen in one burst."""
    by_hour: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for profile in members:
        for minute in profile.minutes:
            by_hour[minute // MINUTES_PER_HOUR][profile.account].append(minute % MINUTES_PER_HOUR)
    last_start = MINUTES_PER_HOUR - BURST_WINDOW_MINUTES
    inside = total = 0
    burst_hours = largest = 0
    for accounts in by_hour.values():
        if len(accounts) < BURST_MIN_MEMBERS:
            continue
        # Distinct members per window start: each member counts once in every window that holds one of its
        # minutes. The densest window, the earliest among equals.
        members_in: list[int] = [0] * (last_start + 1)
        for minutes in accounts.values():
            for start in {
                s for m in minutes for s in range(max(0, m - BURST_WINDOW_MINUTES + 1), min(m, last_start) + 1)
            }:
                members_in[start] += 1
        best_members = max(members_in)
        best_start = members_in.index(best_members)
        window = range(best_start, best_start + BURST_WINDOW_MINUTES)
        hour_inside = sum(1 for minutes in accounts.values() for m in minutes if m in window)
        hour_total = sum(len(minutes) for minutes in accounts.values())
        inside += hour_inside
        total += hour_total
        if best_members >= BURST_MIN_SHARE * len(accounts) and hour_inside >= BURST_MIN_SHARE * hour_total:
            burst_hours += 1
            largest = max(largest, best_members)
    return (inside / total if total else 0.0), burst_hours, largest


def _group_signals(
    members: Sequence[AccountProfile],
    pure_templates: set[str],
    fresh_models: set[str],
    ignored_networks: frozenset[str] = frozenset(),
) -> tuple[dict[Signal, float], set[str]]:
    """The coordination signals a group shows, and the scaffolds (harvesting templates) its members share most."""
    suspicious = sum(profile.suspicious for profile in members) or 1
    template_accounts: Counter[str] = Counter()
    network_accounts: Counter[str] = Counter()
    for profile in members:
        template_accounts.update(fp for fp in profile.suspicious_fingerprints if fp in pure_templates)
        network_accounts.update(set(profile.networks) - ignored_networks)
    # A scaffold is shared when several members use it: two in a small group, a tenth of a large one.
    sharing = max(2, len(members) // 10)
    shared_templates = {fp for fp, count in template_accounts.items() if count >= sharing}
    # Per kind of fingerprint (whole skeleton, opening words), the share of fingerprinted harvesting requests
    # that use a shared scaffold; the stronger kind counts.
    in_shared: Counter[bool] = Counter()
    fingerprinted: Counter[bool] = Counter()
    for profile in members:
        for fp, count in profile.suspicious_fingerprints.items():
            if fp in pure_templates:
                opening = fp.startswith("o")
                fingerprinted[opening] += count
                if fp in shared_templates:
                    in_shared[opening] += count
    template_share = max((in_shared[kind] / fingerprinted[kind] for kind in fingerprinted), default=0.0)
    shared_networks = {net for net, count in network_accounts.items() if count >= 2}
    on_shared_networks = sum(1 for profile in members if shared_networks & set(profile.networks))
    synchrony, burst_hours, largest_burst = _synchrony(members)
    agentic = sum(profile.by_label["agentic_extraction"] for profile in members)
    toolsets = len(set().union(*(profile.toolsets for profile in members)))
    declared_tools = sum(profile.agentic_with_toolset for profile in members)
    on_new_models = sum(
        count for profile in members for model, count in profile.suspicious_models.items() if model in fresh_models
    )
    signals: dict[Signal, float] = {}
    if template_share >= 0.5:
        signals["shared_templates"] = round(template_share, 3)
    network_share = on_shared_networks / len(members)
    if network_share >= 0.5:
        signals["shared_networks"] = round(network_share, 3)
    # Two bursts, or one of many accounts: eight content-suspicious accounts firing in the same five minutes and
    # quiet around them do not happen by chance.
    if synchrony >= BURST_MIN_SHARE and (burst_hours >= 2 or largest_burst >= 2 * MIN_BURST_ACCOUNTS):
        signals["synchronised_bursts"] = round(synchrony, 3)
    if agentic >= 6 and declared_tools and toolsets / declared_tools >= 0.5:
        signals["toolset_churn"] = round(toolsets / declared_tools, 3)
    if on_new_models / suspicious >= 0.25:
        signals["model_pivot"] = round(on_new_models / suspicious, 3)
    most_shared = sorted(shared_templates, key=lambda fp: (-template_accounts[fp], fp))
    return signals, set(most_shared[:MAX_SCAFFOLDS])


def _detection(
    kind: DetectionKind,
    members: Sequence[AccountProfile],
    signals: tuple[dict[Signal, float], set[str]],
    fresh_models: set[str],
    member_evidence: dict[str, str],
) -> Detection:
    by_label: Counter[str] = Counter()
    templates: Counter[str] = Counter()
    networks: Counter[str] = Counter()
    user_agents: Counter[str] = Counter()
    models: Counter[str] = Counter()
    for profile in members:
        by_label.update(profile.by_label)
        templates.update(profile.suspicious_fingerprints)
        networks.update(profile.networks)
        user_agents.update(profile.user_agents)
        models.update(profile.suspicious_models)
    category = max(SUSPICIOUS_LABELS, key=lambda label: (by_label[label], label))
    seen = [p.first_seen for p in members if p.first_seen] or [datetime.min]
    last = [p.last_seen for p in members if p.last_seen] or [datetime.min]
    return Detection(
        kind=kind,
        members=frozenset(profile.account for profile in members),
        category=category,
        signals=signals[0],
        scaffolds=frozenset(signals[1]),
        suspicious=sum(by_label[label] for label in SUSPICIOUS_LABELS),
        prompts=sum(profile.prompts for profile in members),
        by_label=dict(by_label),
        templates=top(templates, 8),
        networks=top(networks, 8),
        user_agents=top(user_agents, 4),
        models=top(models, 6),
        new_models=tuple(sorted(model for model in models if model in fresh_models)),
        first_seen=min(seen),
        last_seen=max(last),
        member_evidence=member_evidence,
        unlogged=unlogged_members(members),
        unlogged_requests=sum(profile.unlogged for profile in members),
        buckets=frozenset().union(*map(_buckets, members)),
        timeline=activity_timeline(members),
        examples=_examples(members, templates),
    )


def _examples(members: Sequence[AccountProfile], templates: Mapping[str, int]) -> dict[str, str]:
    """A redacted example per template, the last member's that has one, in the templates' order."""
    last: dict[str, str] = {}
    for profile in members:
        last.update((fp, example) for fp, example in profile.examples.items() if example)
    return {fp: last[fp] for fp in templates if fp in last}


def _member_reason(profile: AccountProfile, kinds: set[str], rules: DetectionRules) -> str | None:
    """Why an account of a flagged group is itself a member, or None when its link is too thin to name it:
    a template-based link, two kinds of link, or a strongly harvesting account with any link."""
    template_linked = bool(kinds & {"template+network", "template+timing", "template+churn"})
    strong = profile.suspicious >= rules.member_strong_suspicious and profile.share >= 0.5
    if not (template_linked or len(kinds) >= 2 or (strong and kinds)):
        return None
    if kinds == {"template+timing"} and not strong:
        # A public scaffold sent now and then in minutes the campaign was busy is chance (a student's evening
        # session crossing a burst, among ordinary questions); from the campaign's network, or as most of the
        # account's traffic, it is not.
        return None
    return (
        f"{profile.suspicious}/{profile.prompts} prompts harvesting ({profile.share:.0%}); "
        f"linked by {', '.join(sorted(kinds))}"
    )


def _lone_reason(profile: AccountProfile, rules: DetectionRules) -> str | None:
    """Why one account is an operation by itself: sustained harvesting volume over many hours and many distinct
    requests (for agentic traffic, over many toolsets: a developer's agent loops all day on its one toolset), or
    both kinds at once."""
    hours = len(profile.suspicious_hours)
    agentic = profile.by_label["agentic_extraction"]
    sweeps_toolsets = len(profile.toolsets) >= max(LONE_MIN_TOOLSETS, LONE_TOOLSET_SHARE * agentic)
    # Automation repeats one request shape all day (a pipeline's fixed prompt around changing data); harvesting
    # sweeps many problems, so its requests take many distinct skeletons.
    varied = profile.distinct_skeletons >= max(LONE_MIN_SKELETONS, LONE_SKELETON_SHARE * profile.suspicious)
    sweeping = profile.dominant_label == "cot_harvesting" or sweeps_toolsets
    if (
        profile.suspicious >= rules.lone_min_suspicious
        and profile.share >= rules.lone_min_share
        and hours >= rules.lone_min_hours
        and varied
        and sweeping
    ):
        return f"sustained volume: {profile.suspicious} harvesting prompts over {hours} hours ({profile.share:.0%})"
    openings = [count for fp, count in profile.suspicious_fingerprints.items() if fp.startswith("o")]
    top_opening = max(openings, default=profile.suspicious) / profile.suspicious if profile.suspicious else 1.0
    if (
        profile.suspicious >= FAST_MIN_SUSPICIOUS
        and profile.share >= FAST_MIN_SHARE
        and hours >= FAST_MIN_HOURS
        and varied
        and sweeping
        and top_opening <= FAST_MAX_TOP_OPENING_SHARE
        and len(profile.minutes) >= FAST_MIN_ACTIVE_MINUTES_PER_HOUR * hours
    ):
        return (
            f"rotating scaffolds at volume: {profile.suspicious} harvesting prompts in {hours} hours "
            f"({profile.share:.0%}), busy {len(profile.minutes)} minutes, top opening {top_opening:.0%}"
        )
    cot = profile.by_label["cot_harvesting"]
    both = min(cot, agentic) >= rules.mixed_min_category_share * profile.suspicious
    if both and profile.share >= rules.mixed_min_share:
        if profile.suspicious >= rules.mixed_min_suspicious and hours >= rules.lone_min_hours:
            return f"both harvesting kinds: {cot} chain-of-thought and {agentic} agentic prompts over {hours} hours"
        # A new toolset with nearly every agentic request as well: no app does both, so two hours are enough.
        if profile.suspicious >= FAST_MIXED_MIN_SUSPICIOUS and hours >= FAST_MIN_HOURS and _churns_toolsets(profile):
            return (
                f"both harvesting kinds over new toolsets: {cot} chain-of-thought and {agentic} agentic prompts "
                f"({len(profile.toolsets)} toolsets) over {hours} hours"
            )
    return None


def detect(
    all_profiles: Mapping[str, AccountProfile],
    fresh_models: set[str],
    rules: DetectionRules,
    suppressed: ActiveSuppressions = NONE,
) -> list[Detection]:
    """Every group and lone account that looks like a harvesting operation over this horizon.

    Suppressions: a suppressed account is never a candidate (its evidence counts towards no group and no lone
    rule, though its requests still count in template purity, which describes the template, not the account);
    a suppressed network is no link key and no shared network; a suppressed fingerprint is no scaffold."""
    purity = template_purity(all_profiles.values())
    pure_templates = {
        fp for fp, value in purity.items() if value >= rules.template_min_purity and fp not in suppressed.fingerprints
    }
    candidates = [
        profile
        for _, profile in sorted(all_profiles.items())
        if profile.suspicious >= rules.account_min_suspicious
        and profile.share >= rules.account_min_share
        and profile.account not in suppressed.accounts
    ]
    groups, link_kinds = _linked_groups(candidates, pure_templates, suppressed.networks)
    detections: list[Detection] = []
    in_clusters: set[str] = set()
    for group in groups:
        members = [all_profiles[account] for account in group]
        if len(members) < rules.cluster_min_members:
            continue
        suspicious = sum(p.suspicious for p in members)
        prompts = sum(p.prompts for p in members)
        if suspicious < rules.cluster_min_suspicious or suspicious / prompts < rules.cluster_min_share:
            continue
        signals = _group_signals(members, pure_templates, fresh_models, suppressed.networks)
        if len(signals[0]) < rules.cluster_min_signals:
            continue
        reasons = {p.account: r for p in members if (r := _member_reason(p, link_kinds[p.account], rules))}
        kept = [p for p in members if p.account in reasons]
        if len(kept) < rules.cluster_min_members:
            continue
        detections.append(_detection("cluster", kept, signals, fresh_models, reasons))
        in_clusters.update(reasons)
    for profile in candidates:
        if profile.account in in_clusters:
            continue
        if reason := _lone_reason(profile, rules):
            signals = _group_signals([profile], pure_templates, fresh_models, suppressed.networks)
            detections.append(_detection("account", [profile], signals, fresh_models, {profile.account: reason}))
    return detections


def unlogged_members(members: Iterable[AccountProfile]) -> dict[str, int]:
    """The members with requests whose prompt the log does not carry, most first (bounded)."""
    counts = sorted((-profile.unlogged, profile.account) for profile in members if profile.unlogged)
    return {account: -count for count, account in counts[:MAX_UNLOGGED_MEMBERS]}


def coverage(
    all_profiles: Mapping[str, AccountProfile], rules: DetectionRules, suppressed: ActiveSuppressions = NONE
) -> Detection | None:
    """The accounts the product is blind to over this horizon: at least `coverage_min_unlogged` requests, and
    `coverage_min_share` of all their requests, carry no prompt. One detection for all of them (one incident,
    updated as the set changes, rather than a finding per account); a suppressed account is left out."""
    blind = [
        profile
        for _, profile in sorted(all_profiles.items())
        if profile.unlogged >= rules.coverage_min_unlogged
        and profile.unlogged_share >= rules.coverage_min_share
        and profile.account not in suppressed.accounts
    ]
    if not blind:
        return None
    hours = sorted({hour for profile in blind for hour in profile.unlogged_hours})
    by_label: Counter[str] = Counter()
    for profile in blind:
        by_label.update(profile.by_label)
    return Detection(
        kind="coverage",
        members=frozenset(profile.account for profile in blind),
        category="prompts_not_logged",
        signals={},
        scaffolds=frozenset(),
        suspicious=sum(profile.suspicious for profile in blind),
        prompts=sum(profile.prompts for profile in blind),
        by_label=dict(by_label),
        templates={},
        networks={},
        user_agents={},
        models={},
        new_models=(),
        first_seen=hours[0],
        last_seen=hours[-1] + timedelta(hours=1),
        member_evidence={
            profile.account: (
                f"{profile.unlogged}/{profile.unlogged + profile.prompts} requests logged without a prompt "
                f"({profile.unlogged_share:.0%})"
            )
            for profile in blind
        },
        unlogged=unlogged_members(blind),
        unlogged_requests=sum(profile.unlogged for profile in blind),
    )
