"""Continuous-time building blocks of the verifier: tolerances, piecewise-linear sweeps, travel.

Private to `verify.py`. Like it, this module shares nothing with the solver: it reads the plan
(`schema`), the schedule (`result`) and unit words (`units`) only.

Everything here works in float hours (the Result's unit) and bytes. A *flow* moves `amount` bytes
linearly over `[start, end]` (all at once when `end == start`); the sum of flows is a piecewise-linear
function of time, so its extremes lie at breakpoints and a sweep over them is exact.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .result import CourierSchedule, DriveEvent, DriveSchedule, Result
from .schema import DriveType, Plan
from .units import human_size

TIME_TOL = 1e-4
"""Hours: times from an LP agree when this close."""

REL_TOL = 1e-6
"""Relative tolerance on times, rates and money."""

BYTE_REL_TOL = 1e-9
"""Relative slack on byte balances, for float times; added to one byte per op."""

INF = math.inf


def close(a: float, b: float, absolute: float = TIME_TOL) -> bool:
    """True when `a` and `b` agree within `absolute` or REL_TOL of the larger."""
    return abs(a - b) <= max(absolute, REL_TOL * max(abs(a), abs(b)))


def above(value: float, limit: float) -> bool:
    """True when `value` exceeds `limit` by more than the relative tolerance."""
    return value > limit * (1 + REL_TOL) + 1e-9


def hours(t: float) -> str:
    """Hours for messages: ``12.0 h``, ``14.25 h``, ``inf`` for never."""
    if t == INF:
        return "the end"
    text = f"{t:.4f}".rstrip("0")
    return f"{text}0 h" if text.endswith(".") else f"{text} h"


def size(n: float) -> str:
    """Bytes for messages, signed."""
    return f"-{human_size(-n)}" if n < 0 else human_size(n)


def seconds_to_hours(s: float | Fraction) -> float:
    """Plan seconds (Fractions) as Result hours."""
    return float(s) / 3600


# Piecewise-linear sweeps.


@dataclass(frozen=True)
class Flow:
    """`amount` bytes (signed) moved linearly over [start, end] hours."""

    start: float
    end: float
    amount: float


def sweep(flows: Iterable[Flow]) -> Iterator[tuple[float, float, float]]:
    """(t, value just before t, value at t) at every breakpoint of the sum of `flows`, in time order."""
    changes: dict[float, list[float]] = defaultdict(lambda: [0.0, 0.0])  # t -> [jump, slope change]
    for f in flows:
        if f.end > f.start:
            slope = f.amount / (f.end - f.start)
            changes[f.start][1] += slope
            changes[f.end][1] -= slope
        else:
            changes[f.start][0] += f.amount
    value = slope = 0.0
    previous = None
    for t in sorted(changes):
        before = value if previous is None else value + slope * (t - previous)
        jump, turn = changes[t]
        value, slope, previous = before + jump, slope + turn, t
        yield t, before, value


def lowest(flows: Iterable[Flow]) -> tuple[float, float]:
    """(lowest value, first time it is reached); (0, -inf) for no flows."""
    low, when = 0.0, -INF
    for t, before, after in sweep(flows):
        for value in (before, after):
            if value < low:
                low, when = value, t
    return low, when


def highest(flows: Iterable[Flow]) -> tuple[float, float]:
    """(highest value, first time it is reached); (0, -inf) for no flows."""
    low, when = lowest(Flow(f.start, f.end, -f.amount) for f in flows)
    return -low, when


def first_reach(flows: Iterable[Flow], target: float) -> float | None:
    """The first time the sum of `flows` reaches `target` (interpolated within a piece), or None."""
    previous, value = -INF, 0.0
    for t, before, after in sweep(flows):
        if before >= target:
            if previous == -INF or before == value:
                return t
            return previous + (t - previous) * (target - value) / (before - value)
        if after >= target:
            return t
        previous, value = t, after
    return None


def byte_tolerance(flows: list[Flow]) -> float:
    """Slack on a byte balance: one byte per op plus BYTE_REL_TOL of the bytes moved."""
    return len(flows) + BYTE_REL_TOL * sum(abs(f.amount) for f in flows)


def overloads(loads: list[Flow], limit: float) -> list[tuple[float, float, float]]:
    """Pieces (from, to, total) longer than TIME_TOL where constant rates (`amount`) together exceed `limit`."""
    steps = [Flow(x.start, x.start, x.amount) for x in loads] + [Flow(x.end, x.end, -x.amount) for x in loads]
    out: list[tuple[float, float, float]] = []
    points = list(sweep(steps))
    for (t, _, total), (t_next, _, _) in zip(points, points[1:], strict=False):
        if t_next - t > TIME_TOL and above(total, limit):
            if out and out[-1][1] == t:
                out[-1] = (out[-1][0], t_next, max(total, out[-1][2]))
            else:
                out.append((t, t_next, total))
    return out


def merge(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted union of intervals, touching ones joined."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + TIME_TOL:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def inside(start: float, end: float, intervals: list[tuple[float, float]]) -> bool:
    """True when [start, end] lies within one of the (merged) intervals, within TIME_TOL."""
    return any(a - TIME_TOL <= start and end <= b + TIME_TOL for a, b in intervals)


# Travel: drives and couriers move only on routes.


@dataclass(frozen=True)
class Move:
    """One trip on a route: departs at `depart` hours, arrives at `arrive` (None when never)."""

    route: str
    depart: float
    arrive: float | None


Stay = tuple[str, float, float]
"""Being at a site from one time to another (hours)."""


class Travel:
    """Replays the trips of one drive or courier (`name`, for messages) from its start site.

    `scheduled` holds each route's departure times in hours, sorted. Collects stays and violations.
    """

    def __init__(self, plan: Plan, name: str, start_site: str, scheduled: dict[str, list[float]]) -> None:
        self.plan, self.name, self.scheduled = plan, name, scheduled
        self.site: str | None = start_site
        self.since = 0.0
        self.stays: list[Stay] = []
        self.trips: list[tuple[str, float, float]] = []  # (route, depart, arrive) for in-transit messages
        self.violations: list[str] = []

    def move(self, trip: Move) -> None:
        """Take one trip, checking where it starts, when it leaves and when it arrives."""
        route = self.plan.routes.get(trip.route)
        if route is None:
            self.violations.append(f"{self.name} travels on '{trip.route}', which is not a route of the plan")
            return
        if trip.depart < self.since - TIME_TOL:
            self.violations.append(
                f"{self.name} departs on {trip.route} at {hours(trip.depart)} while still travelling "
                f"(it arrives at {self.site} at {hours(self.since)})"
            )
        elif self.site != route.from_:
            self.violations.append(
                f"{self.name} departs on {trip.route} from {route.from_} at {hours(trip.depart)} "
                f"but is at {self.site} then"
            )
        hint = schedule_hint(trip.route, trip.depart, self.scheduled)
        if hint:
            self.violations.append(
                f"{self.name} departs on {trip.route} at {hours(trip.depart)}, "
                f"which is not a scheduled departure of {trip.route} ({hint})"
            )
        self._arrive(trip, route.to, seconds_to_hours(route.transit))

    def _arrive(self, trip: Move, to: str, transit: float) -> None:
        if self.site is not None:
            self.stays.append((self.site, self.since, trip.depart))
        due = trip.depart + transit
        if trip.arrive is None:
            self.violations.append(f"{self.name} departs on {trip.route} at {hours(trip.depart)} but never arrives")
        elif not close(trip.arrive, due):
            self.violations.append(
                f"{self.name} arrives at {to} on {trip.route} at {hours(trip.arrive)}, "
                f"but departing at {hours(trip.depart)} it arrives at {hours(due)}"
            )
        arrive = due if trip.arrive is None else trip.arrive
        self.trips.append((trip.route, trip.depart, arrive))
        self.site, self.since = to, arrive

    def finish(self) -> list[Stay]:
        """All stays, the last one open-ended."""
        if self.site is not None:
            self.stays.append((self.site, self.since, INF))
            self.site = None
        return self.stays

    def where(self, site: str, start: float, end: float) -> str | None:
        """None when the traveller is at `site` throughout [start, end]; else what it is doing instead."""
        if any(at == site and a - TIME_TOL <= start and end <= b + TIME_TOL for at, a, b in self.stays):
            return None
        for route, depart, arrive in self.trips:
            if start < depart - TIME_TOL < end:
                return f"it departs on {route} at {hours(depart)}, before that ends"
            if depart + TIME_TOL < end and start < arrive - TIME_TOL:
                return f"it is in transit on {route} from {hours(depart)} to {hours(arrive)}"
        for at, a, b in self.stays:
            if a - TIME_TOL <= start < b - TIME_TOL:
                return f"it is at {at} from {hours(a)} to {hours(b)}"
        return "it is not there"


def schedule_hint(route: str, t: float, scheduled: dict[str, list[float]]) -> str | None:
    """None when `t` is a scheduled departure of a known `route`; else the nearest ones, for a message."""
    times = scheduled.get(route)
    if times is None or snap(route, t, scheduled) is not None:
        return None
    i = bisect.bisect_left(times, t)
    near = [hours(s) for s in times[max(i - 1, 0) : i + 1]]
    return f"nearest: {' and '.join(near)}" if near else "it has none in the horizon"


def snap(route: str, t: float, scheduled: dict[str, list[float]]) -> float | None:
    """The scheduled departure of `route` at `t` (within TIME_TOL), or None."""
    times = scheduled.get(route, [])
    i = bisect.bisect_left(times, t)
    for s in times[max(i - 1, 0) : i + 1]:
        if close(s, t):
            return s
    return None


# The schedule replayed: ops, stays and departures taken, from the drives' and couriers' schedules.


@dataclass(frozen=True)
class Op:
    """One write or read of one drive on one bay."""

    drive: str
    type: DriveType
    event: DriveEvent

    @property
    def end(self) -> float:
        """When the op ends (its start when the result gives no end)."""
        return self.event.hours if self.event.until_hours is None else self.event.until_hours

    def describe(self) -> str:
        """``hdd#1 writes at hq from 0.0 h to 0.5 h``."""
        e = self.event
        return f"{self.drive} {e.what}s at {e.site} from {hours(e.hours)} to {hours(self.end)}"


@dataclass
class Departure:
    """Who actually took one departure, according to the drive and courier schedules."""

    hours: float
    drives: list[str] = field(default_factory=list)
    couriers: list[str] = field(default_factory=list)


class Schedule:
    """A Result's schedule replayed: every op, where every drive and courier is, every departure taken.

    Building it replays the movements of drives and couriers and collects in `violations` what breaks
    rule 1 (drives) and the travel part of rule 6 (couriers); `verify` checks the other rules on it.
    """

    def __init__(self, plan: Plan, result: Result) -> None:
        self.plan, self.result = plan, result
        self.horizon = Fraction(math.ceil((latest_hours(result) + 48) * 3600))
        if plan.horizon is not None:
            self.horizon = max(self.horizon, plan.horizon)
        self.scheduled = {
            name: [seconds_to_hours(t) for t in route.departures.times(plan.start, self.horizon)]
            for name, route in plan.routes.items()
        }
        self.couriers = courier_names(plan)
        self.travel: dict[str, Travel] = {}
        self.ops: list[Op] = []
        self.used_drives: dict[str, DriveType] = {}
        self.departures: dict[tuple[str, float], Departure] = {}
        self.violations: list[str] = []
        drives = {name: (type_name, site) for name, type_name, site in plan.drive_names()}
        for schedule in result.drives:
            self._drive(schedule, drives)
        for courier in result.couriers:
            self._courier(courier)

    def key(self, route: str, t: float) -> tuple[str, float]:
        """The departure on `route` at `t`: its scheduled time when it is one."""
        s = snap(route, t, self.scheduled)
        return route, round(t, 4) if s is None else s

    def _departure(self, route: str, t: float) -> Departure:
        key = self.key(route, t)
        # Trips on routes the plan lacks are reported by Travel; they take no departure.
        return self.departures.setdefault(key, Departure(key[1])) if route in self.plan.routes else Departure(t)

    def _drive(self, schedule: DriveSchedule, known: dict[str, tuple[str, str]]) -> None:
        name, events, out = schedule.name, schedule.events, self.violations
        if name not in known or name in self.travel:
            what = "has more than one schedule" if name in known else f"is not a drive of the plan ({some(known)})"
            out.append(f"{name} {what}")
            return
        type_name, site = known[name]
        if (schedule.type, schedule.start_site) != (type_name, site):
            out.append(f"{name} is listed as a {schedule.type} at {schedule.start_site}, not a {type_name} at {site}")
        out += [
            f"{name}'s events are not in time order: {hours(a.hours)} comes before {hours(b.hours)}"
            for a, b in zip(events, events[1:], strict=False)
            if b.hours < a.hours - TIME_TOL
        ]
        kind = self.plan.drives[type_name]
        if events:
            self.used_drives[name] = kind
        travel = self.travel[name] = Travel(self.plan, name, site, self.scheduled)
        for move in self._moves(name, sorted(events, key=lambda e: e.hours)):
            travel.move(move)
            self._departure(move.route, move.depart).drives.append(name)
        out += travel.violations
        travel.finish()
        self.ops += [Op(name, kind, e) for e in events if e.what in ("write", "read")]

    def _moves(self, name: str, events: list[DriveEvent]) -> list[Move]:
        """Pair each depart with its arrive; check the sites the events name."""
        moves: list[Move] = []
        pending: DriveEvent | None = None
        for e in (e for e in events if e.what in ("depart", "arrive")):
            route = self.plan.routes.get(e.route or "")
            end = None if route is None else (route.from_ if e.what == "depart" else route.to)
            if end is not None and e.site != end:
                self.violations.append(f"{name}'s {e.what} on {e.route} at {hours(e.hours)} names {e.site}, not {end}")
            if e.what == "depart":
                if pending is not None:
                    moves.append(Move(pending.route or "", pending.hours, None))
                pending = e
            elif pending is None or pending.route != e.route:
                self.violations.append(f"{name} arrives at {e.site} at {hours(e.hours)} without departing on {e.route}")
            else:
                moves.append(Move(e.route or "", pending.hours, e.hours))
                pending = None
        if pending is not None:
            moves.append(Move(pending.route or "", pending.hours, None))
        return moves

    def _courier(self, schedule: CourierSchedule) -> None:
        name, expected = schedule.name, self.couriers.get(schedule.name)
        if expected is None or f"courier {name}" in self.travel:
            what = "appears twice" if expected else f"is not a courier of the plan ({some(self.couriers)})"
            self.violations.append(f"courier {name} {what}")
            return
        if (schedule.pool, schedule.start_site) != expected:
            self.violations.append(
                f"courier {name} is listed in {schedule.pool} at {schedule.start_site}, "
                f"not in {expected[0]} at {expected[1]}"
            )
        travel = self.travel[f"courier {name}"] = Travel(self.plan, f"courier {name}", expected[1], self.scheduled)
        for trip in schedule.trips:
            travel.move(Move(trip.route, trip.depart_hours, trip.arrive_hours))
            self._departure(trip.route, trip.depart_hours).couriers.append(name)
        self.violations += travel.violations
        travel.finish()


def courier_names(plan: Plan) -> dict[str, tuple[str, str]]:
    """Every courier as name -> (pool, start site), named `pool#n` from 1 like drives."""
    out = {}
    for pool_name, pool in plan.couriers.items():
        sites = (site for site, count in pool.fleet.items() for _ in range(count))
        out.update({f"{pool_name}#{n}": (pool_name, site) for n, site in enumerate(sites, 1)})
    return out


def some(known: Mapping[str, object]) -> str:
    """The first few names, for messages."""
    names = list(known)
    return "it has " + (", ".join(names[:6]) + (", ..." if len(names) > 6 else "") if names else "none")


def latest_hours(result: Result) -> float:
    """The latest time the result mentions."""
    times = [0.0, result.makespan_hours or 0.0]
    times += [max(e.hours, e.until_hours or 0.0) for d in result.drives for e in d.events]
    times += [t.end_hours for link in result.links for t in link.transfers]
    times += [d.arrival_hours for r in result.routes for d in r.departures]
    times += [t.arrive_hours for c in result.couriers for t in c.trips]
    return max(t for t in times if math.isfinite(t))
