"""Terminal tables of what-ifs (rich): sweeps best first, plans side by side, the frontier.

They read rows and points only; every figure was computed by the solve.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table

from ..report.fmt import money
from ..units import human_duration
from .frontier import FrontierPoint
from .runner import ScenarioRow
from .sweep import SweepResult

__all__ = ["console", "sweep_table", "compare_table", "frontier_table"]


def table(title: str, headers: Sequence[str]) -> Table:
    """A table whose last column (the binding limit) wraps; the others keep their values whole."""
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        caption_justify="left",
    )
    for i, header in enumerate(headers):
        last = i == len(headers) - 1
        table.add_column(header, no_wrap=not last, overflow="fold", min_width=None if not last else 16)
    return table


def console() -> Console:
    """stdout; when it is not a terminal, wide enough that tables keep one line per row."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=max(console.width, 200))


def short_headers(paths: Sequence[str]) -> list[str]:
    """Column headers for field paths: the shortest tail of each that tells them apart."""
    out = []
    for path in paths:
        parts = path.split(".")
        n = 1
        while n < len(parts) and sum(p.split(".")[-n:] == parts[-n:] for p in paths) > 1:
            n += 1
        out.append(".".join(parts[-n:]))
    return out


def _share(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.0f}%"


def _hours(hours: float | None) -> str:
    return "-" if hours is None else human_duration(hours)


def _row_cells(row: ScenarioRow) -> list[str]:
    """The figures of a ScenarioRow as table cells; an unsolved row shows why."""
    if row.makespan_hours is None:
        return [row.status, "-", "-", "-", "-", "-", row.note or "-"]
    status = row.status if row.verified is not False else f"{row.status} (NOT VERIFIED)"
    return [
        status,
        _hours(row.makespan_hours),
        money(row.cost, row.currency),
        _share(row.share_online),
        str(row.drives_used),
        str(row.trips),
        row.binding,
    ]


FIGURES = ["status", "makespan", "cost", "online", "drives", "trips", "binding limit"]


def sweep_table(result: SweepResult) -> Table:
    """One line per scenario, best first by the plan's objective; axis columns by short path."""
    title = f"{result.plan}: {len(result.rows)} scenarios ({result.distinct} solved), best {result.objective} first"
    out = table(title, ["#", *short_headers(list(result.axes)), *FIGURES])
    for i, row in enumerate(result.sorted_rows(), 1):
        out.add_row(str(i), *(row.values.get(p, "") for p in result.axes), *_row_cells(row))
    out.caption = _second_looks([(row.name, row.started_from) for row in result.rows])
    return out


def compare_table(rows: Sequence[ScenarioRow]) -> Table:
    """The plans in the order given."""
    out = table(f"{len(rows)} plans side by side", ["plan", "objective", *FIGURES])
    for row in rows:
        out.add_row(row.name, row.objective, *_row_cells(row))
    out.caption = _second_looks([(row.name, row.started_from) for row in rows])
    return out


def _second_looks(names: Sequence[tuple[str, str]]) -> str | None:
    """Which of (name, started_from) were solved again from another's plan (second_look.py), or None."""
    again = [f"{name} (from {source})" for name, source in names if source]
    if not again:
        return None
    return "Solved again from another solve's plan, which also runs there and was better: " + "; ".join(again)


def frontier_table(name: str, points: Sequence[FrontierPoint]) -> Table:
    """Fastest first, with what each point costs per day it saves over the next slower one."""
    headers = ["#", "plan", "deadline", "makespan", "cost", "per day saved", "online", "drives", "trips", "binding"]
    out = table(f"{name}: cost/time frontier, fastest first", headers)
    for i, p in enumerate(points, 1):
        per_day = "-" if p.cost_per_day_saved is None else money(p.cost_per_day_saved, p.currency)
        out.add_row(
            str(i),
            p.label,
            _hours(p.deadline_hours),
            _hours(p.makespan_hours),
            money(p.cost, p.currency),
            per_day,
            _share(p.share_online),
            str(p.drives_used),
            str(p.trips),
            p.binding,
        )
    out.caption = _second_looks([(p.label, p.started_from) for p in points])
    return out
