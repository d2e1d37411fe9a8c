"""Rich tables of a Result for a person at a terminal: one function per table, and `render` for all."""

from __future__ import annotations

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from ..result import Result
from ..units import human_duration, human_size
from .fmt import MODE_WORDS, NOT_IN_TIME, calendar, cost_compared, moment, money, percent, sooner, times_faster

STATUS_STYLE = {"optimal": "bold green", "feasible": "bold yellow", "infeasible": "bold red", "unknown": "bold red"}


def status_words(result: Result) -> str:
    """What the status means for this objective, in a few words."""
    best = "no plan finishes sooner" if result.objective == "makespan" else "no plan costs less"
    return {
        "optimal": f"proven best: {best}",
        "feasible": "a plan, but the time limit ran out before it was proven best",
        "infeasible": "no plan can meet the constraints",
        "unknown": "the time limit ran out before any plan was found",
    }[result.status]


def _table(title: str) -> Table:
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )


def summary_table(result: Result) -> Table:
    """Status, optimality, makespan, bound, cost and the comparison with one mode alone."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    status = Text.assemble((result.status, STATUS_STYLE[result.status]), f"  {status_words(result)}")
    grid.add_row("Plan", f"{result.plan}  (objective: {result.objective})")
    grid.add_row("Status", status)
    if result.makespan_hours is not None:
        date = calendar(result, result.makespan_hours)
        grid.add_row("Makespan", human_duration(result.makespan_hours) + (f", all delivered {date}" if date else ""))
    bound = bound_text(result)
    if bound:
        grid.add_row("Bound", bound)
    if result.found:
        grid.add_row("Cost", cost_text(result))
    comparison = comparison_lines(result) if result.found else []
    if comparison:
        grid.add_row("Versus", "; ".join(comparison))
    return grid


def bound_text(result: Result) -> str:
    """The proven lower bound(s) and the gap, e.g. ``"no plan finishes before 14.3 h; gap 0.4 %"``."""
    parts = []
    if result.lower_bound_hours is not None:
        parts.append(f"no plan finishes before {human_duration(result.lower_bound_hours)}")
    if result.objective == "cost" and result.cost_lower_bound is not None:
        parts.append(f"no plan costs less than {money(result.cost_lower_bound, result.currency)}")
    if result.gap is not None and result.found:
        parts.append(f"gap {percent(result.gap)}")
    return "; ".join(parts)


def cost_text(result: Result) -> str:
    """Total cost and its non-zero parts, e.g. ``"1,200 USD  (routes 600, drives 600)"``."""
    c = result.cost
    items = (("links", c.links), ("routes", c.routes), ("couriers", c.couriers), ("drives", c.drives))
    parts = [f"{name} {value:,.0f}" for name, value in items if value]
    return money(c.total, result.currency) + (f"  ({', '.join(parts)})" if parts else "")


def comparison_lines(result: Result) -> list[str]:
    """Sentences such as "2.4x faster than the network alone"."""
    lines = []
    for b in result.baselines:
        words = MODE_WORDS.get(b.mode, b.mode)
        if b.makespan_hours is None:
            # "unknown" is no proof: its search ran out of time
            lines.append(f"{words} cannot do it" if b.status == "infeasible" else f"{words}: {NOT_IN_TIME}")
            continue
        verdict = times_faster(result.makespan_hours, b.makespan_hours)
        if verdict:
            lines.append(f"{verdict} than {words}" if verdict != "as fast" else f"as fast as {words}")
    return lines


def datasets_table(result: Result) -> Table:
    """When each dataset lands and how much went online and on drives."""
    table = _table("Datasets")
    deadlines = any(d.deadline_hours is not None for d in result.datasets)
    for name in ("dataset", "from -> to", "size", "delivered", "online", "on drives", "deadline")[
        : 7 if deadlines else 6
    ]:
        table.add_column(
            name, justify="right" if name in ("size", "online", "on drives") else "left", no_wrap=name == "delivered"
        )
    for d in result.datasets:
        cells = [
            d.name,
            f"{d.at} -> {d.to}",
            human_size(d.size_bytes),
            moment(result, d.delivered_hours),
            _share(d.online_bytes, d.size_bytes),
            _share(d.drive_bytes, d.size_bytes),
        ]
        if deadlines:
            cells.append(moment(result, d.deadline_hours) if d.deadline_hours is not None else "")
        table.add_row(*cells)
    return table


def _share(part: int, whole: int) -> str:
    if not part:
        return "-"
    return f"{human_size(part)} ({100 * part / whole:.0f}%)" if whole else human_size(part)


def links_table(result: Result) -> Table:
    """Bytes and utilisation per link, and when it was busy."""
    table = _table("Links")
    for name in ("link", "from -> to", "bytes", "utilisation", "sending"):
        table.add_column(name, justify="right" if name in ("bytes", "utilisation") else "left")
    for link in result.links:
        busy = "not used"
        if link.transfers:
            first = min(t.start_hours for t in link.transfers)
            last = max(t.end_hours for t in link.transfers)
            busy = f"{moment(result, first)} to {moment(result, last)}"
        size = human_size(link.bytes) if link.bytes else "-"
        table.add_row(link.name, f"{link.from_site} -> {link.to_site}", size, percent(link.utilization), busy)
    return table


def routes_table(result: Result) -> Table:
    """Every departure used, per route: when, drives, couriers, bytes."""
    table = _table("Shipments")
    for name in ("route", "departs", "arrives", "drives", "couriers", "bytes"):
        table.add_column(
            name, justify="right" if name in ("drives", "couriers", "bytes") else "left", no_wrap=name == "departs"
        )
    for route in result.routes:
        label = f"{route.name} ({route.from_site} -> {route.to_site})"
        if not route.departures:
            table.add_row(label, "not used", "", "", "", "", style="dim")
        for i, dep in enumerate(route.departures):
            table.add_row(
                label if i == 0 else "",
                moment(result, dep.hours),
                moment(result, dep.arrival_hours),
                str(dep.drives),
                str(dep.couriers) if dep.couriers else "-",
                human_size(dep.bytes) if dep.bytes else "empty",
            )
    return table


def baselines_table(result: Result) -> Table:
    """The plan against the best network-only and shipping-only plans."""
    table = _table("Compared with one mode alone")
    for name in ("alternative", "makespan", "cost", "this plan"):
        table.add_column(name, justify="right" if name == "cost" else "left")
    for b in result.baselines:
        words = MODE_WORDS.get(b.mode, b.mode)
        if b.makespan_hours is None:
            table.add_row(words, "impossible" if b.status == "infeasible" else b.status, "-", b.note)
            continue
        verdict = [
            times_faster(result.makespan_hours, b.makespan_hours),
            sooner(result.makespan_hours, b.makespan_hours),
        ]
        if b.cost is not None:
            verdict.append(cost_compared(result.cost.total, b.cost))
        cells = (human_duration(b.makespan_hours), money(b.cost, result.currency), ", ".join(v for v in verdict if v))
        table.add_row(words, *cells)
    return table


def verification_text(result: Result) -> Text:
    """The independent verifier's word on the plan."""
    if result.verified is None:
        return Text("not verified", style="yellow")
    if result.verified and not result.violations:
        return Text("verified: replayed in continuous time, no violations", style="green")
    text = Text(f"verification FAILED: {len(result.violations)} violation(s)", style="bold red")
    for v in result.violations:
        text.append(f"\n  - {v}", style="red")
    return text


def explanation_table(result: Result) -> Table:
    """Why no plan was found, one sentence a line, wrapped with a hanging indent."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(Text("Why:", style="bold"), "")
    for sentence in result.explanation or ["the solver gave no reason"]:
        grid.add_row("  -", sentence)
    return grid


def solver_text(result: Result) -> Text:
    """How the answer was found, one dim line."""
    s = result.solver
    parts = [f"solved in {result.solve_seconds:.1f} s"]
    if s.backend:
        parts.append(f"with {s.backend}")
    if s.resolution_hours:
        parts.append(f"on a {human_duration(s.resolution_hours)} grid")
    if s.solves:
        parts.append(f"{s.solves} solve(s)")
    return Text(", ".join(parts), style="dim")


def renderables(result: Result) -> list[RenderableType]:
    """Everything `render` prints, in order."""
    out: list[RenderableType] = [summary_table(result)]
    if not result.found:
        if result.explanation or result.status == "infeasible":
            out.append(explanation_table(result))
        return [*out, solver_text(result)]
    out.append(datasets_table(result))
    if result.links:
        out.append(links_table(result))
    if result.routes:
        out.append(routes_table(result))
    if result.baselines:
        out.append(baselines_table(result))
    return [*out, verification_text(result), solver_text(result)]


def render(result: Result, console: Console) -> None:
    """Print the whole result: summary, tables, verification; a blank line between blocks."""
    items = renderables(result)
    for i, item in enumerate(items):
        console.print(item)
        if i < len(items) - 2:
            console.print()
