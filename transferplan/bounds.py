"""Solver-free facts about a plan: reachability and a simple lower bound on the makespan.

These also supply the words of infeasibility explanations ("dataset X cannot reach Y").
"""

from __future__ import annotations

from collections import defaultdict, deque
from fractions import Fraction

from .schema import Plan
from .units import format_duration


def unreachable(plan: Plan) -> list[str]:
    """One sentence per dataset that no combination of links and drive routes can bring to its `to`."""
    return [_why_unreachable(plan, name) for name in stranded(plan)]


def stranded(plan: Plan, use_links: bool = True, use_drives: bool = True) -> list[str]:
    """The datasets that can reach their `to` by no chain of links (if `use_links`) and drive
    routes (if `use_drives`, and the plan has drives)."""
    edges: dict[str, set[str]] = defaultdict(set)
    if use_links:
        for link in plan.links.values():
            edges[link.from_].add(link.to)
    if use_drives and _has_drives(plan):
        for route in plan.routes.values():
            edges[route.from_].add(route.to)
    return [name for name, ds in plan.datasets.items() if ds.to not in reachable(ds.at, edges)]


def _has_drives(plan: Plan) -> bool:
    """Whether any drive type has a fleet: without one, routes carry nothing."""
    return any(sum(t.fleet.values()) for t in plan.drives.values())


def _why_unreachable(plan: Plan, name: str) -> str:
    ds = plan.datasets[name]
    outgoing = [n for n, link in plan.links.items() if link.from_ == ds.at]
    routes = [n for n, r in plan.routes.items() if r.from_ == ds.at]
    parts = [f"dataset '{name}' cannot reach '{ds.to}' from '{ds.at}': no chain of links and drive routes leads there"]
    if not outgoing and not routes:
        parts.append(f"(no link or route leaves '{ds.at}')")
    elif not _has_drives(plan) and routes:
        parts.append("(the plan has no drives to carry data on its routes)")
    return " ".join(parts)


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    """Every site reachable from `start` along `edges` (start included)."""
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def inflow_bound(plan: Plan) -> Fraction:
    """Seconds no plan can beat: the bytes bound for each site over the fastest it can take them in.

    A destination takes bytes only through its incoming links (bandwidth x efficiency) and its bays
    (at most `bays` drives read at once at the fastest read rate, capped by `io_rate`), and no earlier
    than the data is ready.
    """
    fastest_read = max((t.read_rate for t in plan.drives.values() if sum(t.fleet.values())), default=Fraction(0))
    drives = sum(sum(t.fleet.values()) for t in plan.drives.values())
    bound = Fraction(0)
    for site_name, site in plan.sites.items():
        incoming = [n for n, ds in plan.datasets.items() if ds.to == site_name]
        if not incoming:
            continue
        volume = sum(plan.datasets[n].size for n in incoming)
        by_drive = min(site.bays, drives) * fastest_read
        if site.io_rate is not None:
            by_drive = min(by_drive, site.io_rate)
        by_link = sum((link.rate for link in plan.links.values() if link.to == site_name), Fraction(0))
        rate = by_drive + by_link
        if rate > 0:
            earliest = min(plan.ready_seconds(n) for n in incoming)
            bound = max(bound, earliest + volume / rate)
    return bound


def describe_hours(seconds: Fraction) -> str:
    """Seconds as hours and words, for explanations: '56.2 h (2 days 8 h 12 min)'."""
    return f"{float(seconds) / 3600:.1f} h ({format_duration(Fraction(round(seconds)))})"
