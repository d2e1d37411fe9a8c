"""One self-contained HTML report of a Result: header, timeline, cumulative delivery, route loads.

Plotly's JavaScript is inlined once, so the file opens offline and makes no network requests. The
report reads the Result only; the cumulative curves are running sums of its schedule.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from ..result import Result
from ..units import human_duration, human_size
from .fmt import MODE_WORDS, NOT_IN_TIME, calendar, cost_compared, money, percent, start_of, times_faster, when
from .terminal import bound_text, status_words

COLORS = {"write": "#4c78a8", "read": "#54a24b", "transit": "#9d9da0", "courier": "#f58518", "link": "#b279a2"}
_CONFIG = {"displaylogo": False, "responsive": True}
_LEGEND = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"}


class _Axis:
    """Maps hours after start to the x axis: calendar dates when the plan has a start, else hours."""

    def __init__(self, result: Result):
        self.start: datetime | None = start_of(result)
        self.result = result

    def x(self, hours: float) -> Any:
        if self.start is None:
            return hours
        # Plotly's date axes have no time zone: give wall-clock times in the zone of the plan's start.
        return (self.start + timedelta(hours=hours)).replace(tzinfo=None).isoformat()

    def span(self, hours: float) -> float:
        """A bar's length in axis units (milliseconds on a date axis)."""
        return hours if self.start is None else hours * 3_600_000

    def layout(self) -> dict[str, Any]:
        """The x axis from start to just past the makespan, the same on every chart."""
        end = (self.result.makespan_hours or 24.0) * 1.03
        if self.start is None:
            return {"title": {"text": "hours after start"}, "range": [0, end]}
        zone = self.start.tzname() or "local time"
        return {"type": "date", "range": [self.x(0.0), self.x(end)], "title": {"text": f"time ({zone})"}}

    def label(self, hours: float) -> str:
        return when(self.result, hours)


# Timeline -------------------------------------------------------------------------------------------


def _bars(result: Result) -> Iterator[tuple[str, str, float, float, str]]:
    """(kind, row, start, end, hover) for every bar of the timeline, top to bottom."""
    for drive in result.drives:
        departed: dict[str, float] = {}
        for e in drive.events:
            what = ", ".join(f"{k} {human_size(v)}" for k, v in e.datasets.items()) or human_size(e.bytes)
            if e.what in ("write", "read") and e.until_hours is not None:
                tip = f"{drive.name} {e.what}s {what} at {e.site}, bay {e.bay}"
                yield e.what, f"drive {drive.name}", e.hours, e.until_hours, tip
            elif e.what == "depart":
                departed[e.route or ""] = e.hours
            elif e.what == "arrive" and (e.route or "") in departed:
                tip = f"{drive.name} on {e.route}, arrives at {e.site}"
                yield "transit", f"drive {drive.name}", departed.pop(e.route or ""), e.hours, tip
    bays = sorted(
        ((e.site, e.bay, drive.name, e) for drive in result.drives for e in drive.events if e.bay is not None),
        key=lambda item: (item[0], item[1] or 0),
    )
    for site, bay, name, e in bays:
        if e.until_hours is not None:
            yield e.what, f"bay {site} #{bay}", e.hours, e.until_hours, f"{site} bay {bay}: {name} {e.what}s"
    for courier in result.couriers:
        for trip in courier.trips:
            tip = f"{courier.name} travels on {trip.route}"
            yield "courier", f"courier {courier.name}", trip.depart_hours, trip.arrive_hours, tip
    for link in result.links:
        for t in link.transfers:
            tip = f"{link.name} sends {human_size(t.bytes)} of {t.dataset}"
            yield "link", f"link {link.name}", t.start_hours, t.end_hours, tip


def timeline_figure(result: Result) -> go.Figure:
    """A Gantt chart: drives (write, transit, read), bays per site, couriers and link transfers."""
    axis = _Axis(result)
    bars = list(_bars(result))
    rows = list(dict.fromkeys(row for _, row, *_ in bars))
    fig = go.Figure()
    names = {"write": "write", "read": "read", "transit": "in transit", "courier": "courier trip", "link": "link"}
    for kind, name in names.items():
        mine = [b for b in bars if b[0] == kind]
        if not mine:
            continue
        fig.add_trace(
            go.Bar(
                name=name,
                orientation="h",
                y=[row for _, row, *_ in mine],
                base=[axis.x(start) for _, _, start, _, _ in mine],
                x=[axis.span(end - start) for _, _, start, end, _ in mine],
                marker_color=COLORS[kind],
                hovertext=[f"{tip}<br>{axis.label(a)} to {axis.label(b)}" for _, _, a, b, tip in mine],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        title="Timeline: drives, bays, couriers and links",
        barmode="overlay",
        height=160 + 24 * max(len(rows), 3),
        xaxis=axis.layout(),
        yaxis={"categoryorder": "array", "categoryarray": rows[::-1], "automargin": True},
        legend=_LEGEND,
        margin={"l": 130, "r": 10, "t": 70, "b": 40},
    )
    return fig


# Cumulative delivery --------------------------------------------------------------------------------


def arrivals(result: Result, dataset: str) -> list[tuple[float, float, int]]:
    """(start, end, bytes) of every piece of a dataset entering its destination's storage."""
    target = next(d.to for d in result.datasets if d.name == dataset)
    pieces = [
        (t.start_hours, t.end_hours, t.bytes)
        for link in result.links
        if link.to_site == target
        for t in link.transfers
        if t.dataset == dataset
    ]
    for drive in result.drives:
        for e in drive.events:
            if e.what == "read" and e.site == target and e.datasets.get(dataset):
                pieces.append((e.hours, e.until_hours if e.until_hours is not None else e.hours, e.datasets[dataset]))
    return pieces


def cumulative(pieces: list[tuple[float, float, int]]) -> list[tuple[float, float]]:
    """Bytes delivered by each breakpoint, for pieces arriving at a constant rate over [start, end]."""
    points = sorted({0.0, *(a for a, _, _ in pieces), *(b for _, b, _ in pieces)})

    def done(t: float) -> float:
        return sum(n if t >= b else (n * (t - a) / (b - a) if t > a else 0.0) for a, b, n in pieces)

    return [(t, done(t)) for t in points]


def delivery_figure(result: Result) -> go.Figure:
    """Cumulative data delivered per dataset over time, in TB."""
    axis = _Axis(result)
    fig = go.Figure()
    for d in result.datasets:
        curve = cumulative(arrivals(result, d.name))
        fig.add_trace(
            go.Scatter(
                name=d.name,
                x=[axis.x(t) for t, _ in curve],
                y=[n / 1e12 for _, n in curve],
                mode="lines",
                hovertext=[
                    f"{d.name}: {human_size(n)} of {human_size(d.size_bytes)} by {axis.label(t)}" for t, n in curve
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        title="Data delivered per dataset",
        showlegend=True,
        legend=_LEGEND,
        yaxis={"title": {"text": "TB delivered"}, "rangemode": "tozero"},
        xaxis=axis.layout(),
        height=380,
        margin={"l": 130, "r": 10, "t": 50, "b": 40},
    )
    return fig


# Route loads ----------------------------------------------------------------------------------------


def routes_figure(result: Result) -> go.Figure:
    """Bytes per departure, one series per route."""
    axis = _Axis(result)
    fig = go.Figure()
    width = axis.span(max((result.makespan_hours or 24.0) / 60, 0.25))
    for route in result.routes:
        deps = route.departures
        fig.add_trace(
            go.Bar(
                name=route.name,
                width=[width] * len(deps),
                x=[axis.x(d.hours) for d in deps],
                y=[d.bytes / 1e12 for d in deps],
                hovertext=[
                    f"{route.name} {axis.label(d.hours)}: {d.drives} drives, {d.couriers} couriers, "
                    f"{human_size(d.bytes)}"
                    for d in deps
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        title="Shipments: bytes per departure",
        showlegend=True,
        legend=_LEGEND,
        yaxis={"title": {"text": "TB carried"}, "rangemode": "tozero"},
        xaxis=axis.layout(),
        barmode="stack",
        height=340,
        margin={"l": 130, "r": 10, "t": 50, "b": 40},
    )
    return fig


# Page -----------------------------------------------------------------------------------------------


def figures(result: Result) -> list[go.Figure]:
    """The charts of the report; none when the result holds no plan."""
    if not result.found:
        return []
    out = [timeline_figure(result), delivery_figure(result)]
    if any(r.departures for r in result.routes):
        out.append(routes_figure(result))
    return out


def header_html(result: Result) -> str:
    """Status, makespan, bound, gap, cost, comparison and verification as HTML."""
    e = html.escape
    rows = [("Status", f'<span class="status {e(result.status)}">{e(result.status)}</span> {e(status_words(result))}')]
    if result.makespan_hours is not None:
        date = calendar(result, result.makespan_hours)
        rows.append(
            ("Makespan", e(human_duration(result.makespan_hours) + (f", all delivered {date}" if date else "")))
        )
    if result.lower_bound_hours is not None:
        rows.append(("Lower bound", e(human_duration(result.lower_bound_hours))))
    if result.gap is not None:
        rows.append(("Gap", e(percent(result.gap))))
    if bound_text(result) and result.objective == "cost" and result.cost_lower_bound is not None:
        rows.append(("Cost bound", e(money(result.cost_lower_bound, result.currency))))
    if result.found:
        c = result.cost
        parts = ", ".join(
            f"{n} {v:,.0f}"
            for n, v in (("links", c.links), ("routes", c.routes), ("couriers", c.couriers), ("drives", c.drives))
        )
        rows.append(("Cost", f"<b>{e(money(c.total, result.currency))}</b> ({e(parts)})"))
        for b in result.baselines:
            words = MODE_WORDS.get(b.mode, b.mode)
            if b.makespan_hours is None:
                fallback = "impossible" if b.status == "infeasible" else NOT_IN_TIME
                rows.append((e(words.capitalize()), e(b.note or fallback)))
                continue
            verdict = ", ".join(
                v for v in (times_faster(result.makespan_hours, b.makespan_hours), cost_compared(c.total, b.cost)) if v
            )
            text = f"{human_duration(b.makespan_hours)}, {money(b.cost, result.currency)}: this plan is {verdict}"
            rows.append((e(words.capitalize()), e(text)))
        rows.append(("Verification", e(_verification(result))))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    why = ""
    if result.explanation:
        why = "<h2>Why</h2><ul>" + "".join(f"<li>{e(s)}</li>" for s in result.explanation) + "</ul>"
    title = f"<h1>{e(result.plan)} <small>objective: {e(result.objective)}</small></h1>"
    return f'{title}<table class="head">{body}</table>{why}'


def _verification(result: Result) -> str:
    if result.verified is None:
        return "not verified"
    if result.verified and not result.violations:
        return "replayed in continuous time, no violations"
    return f"FAILED: {'; '.join(result.violations)}"


def datasets_html(result: Result) -> str:
    """A small table: each dataset, when it lands, online vs on drives."""
    if not result.datasets or not result.found:
        return ""
    e = html.escape
    head = "<tr><th>dataset</th><th>from → to</th><th>size</th><th>delivered</th><th>online</th><th>on drives</th></tr>"
    rows = "".join(
        f"<tr><td>{e(d.name)}</td><td>{e(d.at)} → {e(d.to)}</td><td>{e(human_size(d.size_bytes))}</td>"
        f"<td>{e(when(result, d.delivered_hours))}</td><td>{e(_size(d.online_bytes))}</td>"
        f"<td>{e(_size(d.drive_bytes))}</td></tr>"
        for d in result.datasets
    )
    return f'<table class="data">{head}{rows}</table>'


def _size(count: int) -> str:
    return human_size(count) if count else "-"


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1200px;
       color: #222; padding: 0 16px; }
h1 small { font-weight: normal; color: #777; font-size: 55%; }
table { border-collapse: collapse; margin: 8px 0 16px; }
table.head th { text-align: left; padding: 2px 16px 2px 0; vertical-align: top; }
table.data th, table.data td { border-bottom: 1px solid #ddd; padding: 4px 12px; text-align: left; }
.status { padding: 1px 8px; border-radius: 8px; color: white; font-weight: bold; }
.optimal { background: #2e7d32; } .feasible { background: #b58900; }
.infeasible, .unknown { background: #c62828; }
.chart { margin: 12px 0 24px; }
footer { color: #888; font-size: 85%; }
"""


def report_html(result: Result) -> str:
    """The whole report as one HTML document, plotly's JavaScript inlined once."""
    charts = "".join(
        f'<div class="chart">{fig.to_html(full_html=False, include_plotlyjs=False, config=_CONFIG)}</div>'
        for fig in figures(result)
    )
    script = f'<script type="text/javascript">{get_plotlyjs()}</script>' if charts else ""
    title = html.escape(f"transferplan: {result.plan}")
    origin = f"T+0 is {result.start}" if result.start else "times are hours after the start (T+0)"
    footer = html.escape(f"transferplan; solved in {result.solve_seconds:.1f} s; {origin}")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style>{script}</head><body>"
        f"{header_html(result)}{datasets_html(result)}{charts}<footer>{footer}</footer></body></html>\n"
    )


def write_report(result: Result, path: str | Path) -> None:
    """Write the report to `path` (UTF-8), replacing any file there."""
    Path(path).write_text(report_html(result), encoding="utf-8")
