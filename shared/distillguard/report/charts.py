"""The report's charts as plain shapes, drawn as inline SVG by the page templates (no script, no network).

- requests per event-time hour, stacked by label;
- member activity: one row per member, one mark per 5-minute bucket with a harvesting request, and above it
  how many members fired in each bucket: a hydra fires together and is quiet in between, so its bursts stand
  out as tall columns (marked when at least `BURST_MIN_MEMBERS` members share a bucket)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from distillguard.correlation.detect import BURST_MIN_MEMBERS
from distillguard.records import LABELS
from distillguard.report.incidents import BUCKET, HOUR, Member

COLOURS = {"cot_harvesting": "#c0392b", "agentic_extraction": "#8e44ad", "ordinary": "#95a5a6"}
WIDTH = 900
PLOT_LEFT = 48
PLOT_WIDTH = WIDTH - PLOT_LEFT - 12
BAR_HEIGHT = 180
STRIP_HEIGHT = 60
ROW_HEIGHT = 6
MAX_ROWS = 200


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Chart:
    title: str
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    y_max: int = 0
    legend: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.rects


def _ticks(start: datetime, units: int, unit_width: float, every: int) -> list[Tick]:
    return [
        Tick(PLOT_LEFT + index * unit_width, f"{start + HOUR * index:%m-%d %H}h")
        for index in range(0, units, max(1, every))
    ]


def hourly_chart(hourly: Mapping[datetime, Mapping[str, int]]) -> Chart:
    chart = Chart("Requests per hour by label", WIDTH, BAR_HEIGHT + 40, legend=COLOURS)
    if not hourly:
        return chart
    start, end = min(hourly), max(hourly)
    hours = int((end - start) / HOUR) + 1
    slot = PLOT_WIDTH / hours
    chart.y_max = max(sum(counts.values()) for counts in hourly.values()) or 1
    for hour, counts in hourly.items():
        x = PLOT_LEFT + int((hour - start) / HOUR) * slot
        top = float(BAR_HEIGHT + 10)
        for label in LABELS:
            height = BAR_HEIGHT * counts.get(label, 0) / chart.y_max
            if height <= 0:
                continue
            top -= height
            title = f"{hour:%Y-%m-%d %H}:00Z {label}: {counts[label]}"
            chart.rects.append(Rect(x, top, max(slot * 0.85, 0.5), height, COLOURS[label], title))
    chart.ticks = _ticks(start, hours, slot, max(1, hours // 12))
    return chart


def activity_chart(members: Sequence[Member]) -> Chart:
    shown = [member for member in members if member.buckets][:MAX_ROWS]
    chart = Chart("Member activity (5-minute buckets with a harvesting request)", WIDTH, 0)
    if not shown:
        return chart
    buckets = set().union(*(member.buckets for member in shown))
    start = min(buckets).replace(minute=0)
    end = max(buckets)
    slots = int((end - start) / BUCKET) + 1
    slot = PLOT_WIDTH / slots
    firing = Counter(bucket for member in shown for bucket in member.buckets)
    most = max(firing.values())
    for bucket, count in firing.items():
        x = PLOT_LEFT + int((bucket - start) / BUCKET) * slot
        height = STRIP_HEIGHT * count / most
        burst = count >= BURST_MIN_MEMBERS
        colour = "#c0392b" if burst else "#7f8c8d"
        title = f"{bucket:%Y-%m-%d %H:%M}Z: {count} member(s) active" + (" (burst)" if burst else "")
        chart.rects.append(Rect(x, 10 + STRIP_HEIGHT - height, max(slot, 1.0), height, colour, title))
    top = STRIP_HEIGHT + 20
    for row, member in enumerate(shown):
        y = top + row * ROW_HEIGHT
        for bucket in sorted(member.buckets):
            x = PLOT_LEFT + int((bucket - start) / BUCKET) * slot
            title = f"{member.account} at {bucket:%Y-%m-%d %H:%M}Z"
            chart.rects.append(Rect(x, y, max(slot, 1.5), ROW_HEIGHT - 1, "#2c3e50", title))
    chart.y_max = most
    chart.height = top + len(shown) * ROW_HEIGHT + 24
    hours = int((end - start) / HOUR) + 1
    chart.ticks = _ticks(start, hours, slot * (HOUR / BUCKET), max(1, hours // 12))
    return chart
