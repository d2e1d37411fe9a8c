"""Continuous time <-> grid steps: the planner's time points, and departures and windows on them.

Two kinds of grid:

* the **event grid** (default for plans that fit): every departure, arrival, window edge, ready time
  and deadline is a point, so nothing is rounded and the model is exact;
* a **uniform grid** of `resolution` steps (asked for, or chosen for large plans), plus window edges,
  ready times and deadlines. Departures then map to the point at or before them and arrivals to the
  point at or after them (`Rounding.CONSERVATIVE`), so every plan on the grid runs in continuous
  time; a relaxed model for lower bounds rounds the other way (`Rounding.OPTIMISTIC`).
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass
from fractions import Fraction

from .errors import PlanError, Problem
from .schema import Plan
from .units import format_duration

MAX_POINTS = 6000
"""More grid points than this makes a model too large to solve here: the plan is refused (exit 2)."""

AUTO_EVENT_POINTS = 900
"""Event grids up to this many points are used as they are; larger plans get a uniform grid."""

HOUR = Fraction(3600)


class Rounding(enum.Enum):
    """How departures and arrivals that fall between grid points are placed on the grid."""

    CONSERVATIVE = "conservative"  # depart at the point before, arrive at the point after: runnable
    OPTIMISTIC = "optimistic"  # the other way round: a relaxation, for lower bounds


@dataclass(frozen=True)
class Departure:
    """One scheduled departure of a route, in seconds and as grid points."""

    route: str
    time: Fraction
    arrival: Fraction
    depart_point: int
    arrive_point: int


@dataclass(frozen=True)
class Grid:
    """Sorted time points t_0 = 0 < ... < t_n = horizon (seconds) and what falls on them."""

    points: tuple[Fraction, ...]
    exact: bool  # every departure and arrival is a point

    @property
    def intervals(self) -> int:
        return len(self.points) - 1

    @property
    def horizon(self) -> Fraction:
        return self.points[-1]

    def length(self, i: int) -> Fraction:
        """Seconds in interval i = [t_i, t_i+1]."""
        return self.points[i + 1] - self.points[i]

    def floor(self, t: Fraction) -> int:
        """Index of the last point at or before t."""
        return bisect.bisect_right(self.points, t) - 1

    def ceil(self, t: Fraction) -> int:
        """Index of the first point at or after t (len(points) when t is past the horizon)."""
        return bisect.bisect_left(self.points, t)

    def open_seconds(self, windows: list[tuple[Fraction, Fraction]]) -> list[Fraction]:
        """Seconds of each interval inside the given (from, to) windows (one sweep, not one per interval)."""
        out = [Fraction(0)] * self.intervals
        for w0, w1 in windows:
            i = max(0, self.floor(w0))
            while i < self.intervals and self.points[i] < w1:
                overlap = min(self.points[i + 1], w1) - max(self.points[i], w0)
                if overlap > 0:
                    out[i] += overlap
                i += 1
        return out


def event_times(plan: Plan, horizon: Fraction) -> set[Fraction]:
    """Every time at which something can change: departures, arrivals, window edges, ready times, deadlines."""
    times = {Fraction(0), horizon}
    for route in plan.routes.values():
        for t in route.departures.times(plan.start, horizon):
            times.add(t)
            if t + route.transit <= horizon:
                times.add(t + route.transit)
    times |= anchor_times(plan, horizon)
    return times


def open_spans(plan: Plan, link: str, horizon: Fraction) -> list[tuple[Fraction, Fraction]]:
    """When a link with windows is open up to `horizon`, in seconds after start: its windows'
    occurrences, those that overlap or touch joined, as a link open twice at once is open once
    (windows 00:00-12:00 and 06:00-18:00 had counted 6 h to 12 h twice in the model). Empty for
    a link without windows, which is always open."""
    spans = sorted(span for window in plan.links[link].windows for span in window.intervals(plan.start, horizon))
    out: list[tuple[Fraction, Fraction]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def anchor_times(plan: Plan, horizon: Fraction) -> set[Fraction]:
    """Times every grid keeps exactly: window edges, ready times and deadlines."""
    times: set[Fraction] = set()
    for link in plan.links.values():
        for window in link.windows:
            for a, b in window.intervals(plan.start, horizon):
                times.update((a, b))
    for name in plan.datasets:
        times.add(plan.ready_seconds(name))
        deadline = plan.deadline_seconds(name)
        if deadline is not None:
            times.add(deadline)
    return {t for t in times if 0 <= t <= horizon}


def build_grid(plan: Plan, horizon: Fraction, resolution: Fraction | None = None) -> Grid:
    """The grid for a plan up to `horizon` seconds.

    With `resolution` None the event grid is used when it has at most AUTO_EVENT_POINTS points,
    else a uniform grid with the smallest whole-hour step that keeps it under that size.
    Raises PlanError (at `resolution`) when the grid would exceed MAX_POINTS.
    """
    if resolution is None:
        events = event_times(plan, horizon)
        if len(events) <= AUTO_EVENT_POINTS:
            return Grid(tuple(sorted(events)), exact=True)
        resolution = auto_resolution(plan, horizon)
    steps = -(-horizon // resolution)
    if steps > MAX_POINTS:
        raise PlanError([too_fine(plan, horizon, resolution)])
    points = {min(resolution * k, horizon) for k in range(int(steps) + 1)}
    points |= anchor_times(plan, horizon)
    exact = event_times(plan, horizon) <= points
    return Grid(tuple(sorted(points)), exact=exact)


def auto_resolution(plan: Plan, horizon: Fraction) -> Fraction:
    """The smallest whole-hour step whose uniform grid, window edges included, stays small."""
    anchors = len(anchor_times(plan, horizon))
    for hours in (1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 168):
        if horizon / (hours * HOUR) + anchors <= AUTO_EVENT_POINTS:
            return hours * HOUR
    return 168 * HOUR


def too_fine(plan: Plan, horizon: Fraction, resolution: Fraction) -> Problem:
    """The located problem for a resolution that makes too many steps, suggesting a coarser one."""
    coarser = auto_resolution(plan, horizon)
    return plan.locate(
        ("resolution",),
        f"{format_duration(resolution)} steps over a horizon of {format_duration(horizon)} make "
        f"{int(-(-horizon // resolution)):,} steps, more than the {MAX_POINTS:,} the planner can handle; "
        f"use a coarser resolution such as '{format_duration(coarser)}'",
    )


def departures(plan: Plan, grid: Grid, rounding: Rounding = Rounding.CONSERVATIVE) -> list[Departure]:
    """Every departure whose arrival is within the grid, placed on grid points by `rounding`."""
    out = []
    for name, route in plan.routes.items():
        for t in route.departures.times(plan.start, grid.horizon):
            arrival = t + route.transit
            if arrival > grid.horizon:
                continue
            if rounding is Rounding.CONSERVATIVE:
                dp, ap = grid.floor(t), grid.ceil(arrival)
            else:
                dp, ap = min(grid.ceil(t), grid.intervals), grid.floor(arrival)
            ap = max(ap, dp)  # an optimistic grid may round a short transit to nothing
            out.append(Departure(name, t, arrival, dp, ap))
    return out
