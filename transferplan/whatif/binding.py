"""The binding limit of a solved plan: which resource the schedule runs into, by a short heuristic.

Read from the Result and the Plan only (no extra solve), so it is a hint, not a proof. A limit is
reported when the schedule uses the resource at (or within 2 % of) its capacity; they are listed in
this order:

1. ``deadline`` / ``deadline of D`` / ``budget``: a hard limit met with no slack.
2. ``link L saturated``: the link's utilisation of its usable time up to the makespan is >= 98 %.
3. ``drive I/O at S``: the peak total write+read rate of drives at S reaches its `io_rate`.
4. ``R full (K drives a departure)``: some departure of route R carries its `max_drives`.
5. ``courier pool P``: some departure takes every courier of pool P.
6. ``departures of R``: every departure of R that could arrive by the makespan is used.
7. ``all N T drives used``: every drive of type T in the fleet takes part.
8. ``bays at S``: at some moment every bay of S holds a drive being written or read, and S has fewer
   bays than the plan has drives (otherwise the drive count, not the bays, is the limit).

`binding_limit` joins the first three found and counts the rest (``+2 more``); none found gives
``no resource at its limit`` (the makespan is then set by transit times, ready times or the grid).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from ..result import Result
from ..schema import Plan

__all__ = ["binding_limits", "binding_limit", "FULL", "SHOWN"]

FULL = 0.98
"""Share of a capacity from which a resource counts as binding."""
SHOWN = 3
"""Limits named in the one-phrase summary."""
_EPS = 1e-6


def binding_limit(plan: Plan, result: Result) -> str:
    """The binding limits as one short phrase ("" when the result holds no plan)."""
    if not result.found:
        return ""
    limits = binding_limits(plan, result)
    more = f" (+{len(limits) - SHOWN} more)" if len(limits) > SHOWN else ""
    return "; ".join(limits[:SHOWN]) + more if limits else "no resource at its limit"


def binding_limits(plan: Plan, result: Result) -> list[str]:
    """Every limit the schedule runs into, in the order of the module docstring."""
    if not result.found or result.makespan_hours is None:
        return []
    io, bays = _site_limits(plan, result)
    found = _hard_limits(plan, result)
    found += [f"link {lk.name} saturated" for lk in result.links if lk.bytes and lk.utilization >= FULL]
    found += io + _route_limits(plan, result) + _drive_limits(plan, result) + bays
    return found


def _site_limits(plan: Plan, result: Result) -> tuple[list[str], list[str]]:
    """Peak drive I/O and peak bay occupancy per site, from the write/read events."""
    changes: dict[str, list[tuple[float, int, float]]] = defaultdict(list)
    for drive in result.drives:
        for ev in drive.events:
            if ev.what in ("write", "read") and ev.until_hours is not None and ev.until_hours > ev.hours:
                rate = ev.bytes / ((ev.until_hours - ev.hours) * 3600)
                changes[ev.site] += [(ev.hours, 1, rate), (ev.until_hours, -1, -rate)]
    io, bays = [], []
    drives = sum(sum(kind.fleet.values()) for kind in plan.drives.values())
    for site, points in changes.items():
        peak_bays, peak_rate, now_bays, now_rate = 0, 0.0, 0, 0.0
        for _, step, rate in sorted(points, key=lambda p: (p[0], p[1])):  # ends before starts
            now_bays, now_rate = now_bays + step, now_rate + rate
            peak_bays, peak_rate = max(peak_bays, now_bays), max(peak_rate, now_rate)
        cap = plan.sites[site].io_rate if site in plan.sites else None
        if cap is not None and peak_rate >= FULL * float(cap):
            io.append(f"drive I/O at {site}")
        if site in plan.sites and drives > plan.sites[site].bays > 0 and peak_bays >= plan.sites[site].bays:
            bays.append(f"bays at {site}")
    return io, bays


def _drive_limits(plan: Plan, result: Result) -> list[str]:
    used: dict[str, int] = defaultdict(int)
    for drive in result.drives:
        if drive.events:
            used[drive.type] += 1
    out = []
    for name, kind in plan.drives.items():
        fleet = sum(kind.fleet.values())
        if fleet and used[name] >= fleet:
            out.append(f"all {fleet} {name} drives used")
    return out


def _route_limits(plan: Plan, result: Result) -> list[str]:
    full, pools, departures = [], [], []
    makespan = Fraction(result.makespan_hours or 0) * 3600
    for r in result.routes:
        route = plan.routes.get(r.name)
        if route is None or not r.departures:
            continue
        if route.max_drives and any(d.drives >= route.max_drives for d in r.departures):
            full.append(f"{r.name} full ({route.max_drives} drives a departure)")
        pool = plan.couriers.get(route.courier) if route.courier else None
        if pool is not None and any(d.couriers >= sum(pool.fleet.values()) for d in r.departures):
            pools.append(f"courier pool {route.courier}")
        usable = [t for t in route.departures.times(plan.start, makespan) if t + route.transit <= makespan + 1]
        if usable and len({round(d.hours, 6) for d in r.departures}) >= len(usable):
            departures.append(f"departures of {r.name}")
    return full + sorted(set(pools)) + departures


def _hard_limits(plan: Plan, result: Result) -> list[str]:
    out = []
    by_name = {d.name: d for d in result.datasets}
    tight = [
        name
        for name in plan.datasets
        if (limit := plan.deadline_seconds(name)) is not None
        and (done := by_name[name].delivered_hours) is not None
        and done >= float(limit) / 3600 - _EPS * max(1.0, done)
    ]
    if tight:
        overall = plan.deadline is not None and float(plan.seconds(plan.deadline)) / 3600 <= max(
            by_name[n].delivered_hours or 0 for n in tight
        ) + _EPS * max(1.0, result.makespan_hours or 0)
        out.append("deadline" if overall else "deadline of " + ", ".join(tight))
    if plan.budget is not None and result.cost.total >= float(plan.budget) * (1 - 1e-6) - _EPS:
        out.append("budget")
    return out
