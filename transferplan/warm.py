"""A plan solved before, as a start for this one: its drives' trips on this plan's departures.

A what-if variant of a plan (more bandwidth, another courier, a larger budget) often leaves a plan
found before runnable as it stands. Its trips, timed for the variant exactly (with the routes fixed,
the data's routing is an LP), are a plan the search then improves on: what the variant is given can
only help, so its answer is never worse than the old plan run under it, whatever the search's
luck in the time.

Only the drives' trips are taken. Couriers follow from them, and the data is routed anew (links
and rates may have changed).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from fractions import Fraction

from .result import Result
from .schema import Plan
from .timegrid import Grid, Rounding, departures

TOLERANCE = Fraction(1)
"""Seconds: a result's departure hours are floats; a departure of this plan within this of one is it."""


def warm_routes(plan: Plan, grid: Grid, result: Result) -> frozenset[tuple[str, str, Fraction]]:
    """The route decisions (drive, route, departure time) of `result` that `plan` can take on `grid`.

    A drive's trips are taken whole or not at all: a drive whose type or start differs in `plan`,
    or one of whose trips `plan` has no departure for (a route renamed or rescheduled, a departure
    past the horizon), stays at home. A result without shipments gives the empty set: no drive
    moves. Where both have a `start`, the result's hours are read from its own (a variant may
    start later: the same trips are then earlier in its hours)."""
    shift = _offset(plan, result)
    drives = {name: (type_name, start) for name, type_name, start in plan.drive_names()}
    was = {d.name: (d.type, d.start_site) for d in result.drives}
    times: dict[str, list[Fraction]] = defaultdict(list)
    for scheduled in departures(plan, grid, Rounding.CONSERVATIVE):
        times[scheduled.route].append(scheduled.time)
    trips: dict[str, set[tuple[str, str, Fraction]]] = defaultdict(set)
    broken: set[str] = set()
    for route in result.routes:
        for dep in route.departures:
            at = _departure(times.get(route.name, []), dep.hours * 3600 + shift)
            for drive in dep.drive_names:
                if at is None or drive not in drives or was.get(drive, drives[drive]) != drives[drive]:
                    broken.add(drive)
                else:
                    trips[drive].add((drive, route.name, at))
    return frozenset(trip for drive, taken in trips.items() if drive not in broken for trip in taken)


def _offset(plan: Plan, result: Result) -> float:
    """Seconds from `plan`'s start to `result`'s (0 unless both have one)."""
    if plan.start is None or result.start is None:
        return 0.0
    return (datetime.fromisoformat(result.start) - plan.start).total_seconds()


def _departure(times: list[Fraction], at: float) -> Fraction | None:
    """The departure among `times` at `at` (seconds), or None."""
    seconds = Fraction(at)
    near = min(times, key=lambda t: abs(t - seconds), default=None)
    return near if near is not None and abs(near - seconds) <= TOLERANCE else None
