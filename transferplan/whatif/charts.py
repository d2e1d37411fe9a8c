"""Self-contained HTML charts of a sweep and of a frontier (plotly, its JavaScript inlined once)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from .frontier import FrontierPoint
from .sweep import SweepResult

__all__ = ["sweep_html", "frontier_html", "write_html"]

_CONFIG = {"displaylogo": False, "responsive": True}
_STYLE = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1100px;"
    "padding:0 16px;color:#222}.chart{margin:12px 0 24px}footer{color:#888;font-size:85%}"
)


def _page(title: str, intro: str, figures: Sequence[go.Figure]) -> str:
    charts = "".join(
        f'<div class="chart">{fig.to_html(full_html=False, include_plotlyjs=False, config=_CONFIG)}</div>'
        for fig in figures
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<style>{_STYLE}</style><script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f"<h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>{charts}"
        "<footer>transferplan what-if report</footer></body></html>\n"
    )


def sweep_html(sweep: SweepResult) -> str:
    """A scatter of makespan against cost (one marker per scenario) and a bar per scenario."""
    rows = [r for r in sweep.sorted_rows() if r.makespan_hours is not None]
    currency = rows[0].currency if rows else "USD"
    hover = [f"{r.name}<br>{r.status}; {r.binding}" for r in rows]
    scatter = go.Figure(
        go.Scatter(
            x=[r.makespan_hours for r in rows],
            y=[r.cost for r in rows],
            mode="markers",
            marker={
                "size": 10,
                "color": [r.share_online or 0 for r in rows],
                "colorscale": "Viridis",
                "colorbar": {"title": {"text": "share online"}},
            },
            text=hover,
            hovertemplate="%{text}<br>makespan %{x:.1f} h<br>cost %{y:,.0f}<extra></extra>",
        )
    )
    scatter.update_layout(
        title="Each scenario: time against cost", xaxis_title="makespan (hours)", yaxis_title=f"cost ({currency})"
    )
    metric = "makespan_hours" if sweep.objective == "makespan" else "cost"
    bars = go.Figure(
        go.Bar(
            x=[getattr(r, metric) for r in rows],
            y=[r.name for r in rows],
            orientation="h",
            text=[r.binding for r in rows],
            hovertemplate="%{y}<br>%{x:,.1f}<br>%{text}<extra></extra>",
        )
    )
    bars.update_layout(
        title=f"Scenarios by {sweep.objective}, best at the top",
        xaxis_title="makespan (hours)" if metric == "makespan_hours" else f"cost ({currency})",
        yaxis={"autorange": "reversed"},
        height=max(320, 28 * len(rows) + 120),
        margin={"l": 20},
    )
    missing = len(sweep.rows) - len(rows)
    note = f"; {missing} scenario(s) without a plan are not drawn" if missing else ""
    intro = f"{len(sweep.rows)} scenarios of plan '{sweep.plan}', varying {', '.join(sweep.axes)}{note}."
    return _page(f"Sweep: {sweep.plan}", intro, [scatter, bars])


def frontier_html(points: Sequence[FrontierPoint], plan: str) -> str:
    """The frontier as a step line: the cheapest cost for each makespan."""
    currency = points[0].currency if points else "USD"
    figure = go.Figure(
        go.Scatter(
            x=[p.makespan_hours for p in points],
            y=[p.cost for p in points],
            mode="lines+markers",
            line={"shape": "hv"},
            text=[f"{p.label}<br>{p.binding}" for p in points],
            hovertemplate="%{text}<br>makespan %{x:.1f} h<br>cost %{y:,.0f}<extra></extra>",
        )
    )
    figure.update_layout(
        title="Cheapest plan for each delivery time", xaxis_title="makespan (hours)", yaxis_title=f"cost ({currency})"
    )
    intro = f"{len(points)} Pareto-optimal plans of '{plan}': nothing is both faster and cheaper than a point."
    return _page(f"Cost/time frontier: {plan}", intro, [figure])


def write_html(text: str, path: str | Path) -> None:
    Path(path).write_text(text, encoding="utf-8")
