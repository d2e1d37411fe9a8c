"""A hand-written hourly MILP in PuLP/CBC: the comparison point a user would write in an afternoon.

Not used by the product. One step per hour over the plan's horizon; one commodity per destination
site (bytes are fungible, so datasets bound for the same site merge); an aggregate drive pool per
site and drive type (no drive identity, so it may be optimistic); integer drives and couriers per
departure; bays as bay-hours per hour; the makespan as the count of hours still "active".

Conventions: a state at hour t holds after the departures and arrivals at time t; flows, writes
and reads happen during [t, t + 1). A departure at time d leaves at floor(d) and arrives at
ceil(d + transit), so the grid never promises more than continuous time allows on that account.
"""

from __future__ import annotations

import math
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pulp

from transferplan.schema import Plan

HOUR = 3600
TB = 10**12  # bytes per model unit: keeps coefficients near 1 for CBC


@dataclass
class _Departure:
    route: str
    leave: int
    arrive: int


@dataclass
class _Model:
    """Variables kept by name for the balance equations; `prob` holds everything."""

    prob: pulp.LpProblem
    hours: int
    departures: list[_Departure] = field(default_factory=list)
    drives_out: dict[tuple[str, int], Any] = field(default_factory=dict)  # (type, departure) -> int var
    bytes_out: dict[tuple[str, str, int], Any] = field(default_factory=dict)  # (type, commodity, dep)
    couriers_out: dict[int, Any] = field(default_factory=dict)
    active: list[Any] = field(default_factory=list)


def solve_hourly(plan: Plan, time_limit: float, relax: bool = False) -> dict[str, Any]:
    """Build and solve the hourly model; returns status, makespan_hours, seconds, variables, constraints.

    `relax=True` drops integrality (an LP lower bound on this model's makespan, used for calibration).
    `seconds` is wall time for building and solving, as a user would feel it.
    """
    began = time.perf_counter()
    model = build(plan, relax=relax)
    with warnings.catch_warnings():  # PuLP 3.3 announces that 4.0 drops the bundled CBC
        warnings.simplefilter("ignore", DeprecationWarning)
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=max(1, int(time_limit)))
    model.prob.solve(solver)
    status = {1: "optimal", 2: "feasible", -1: "infeasible"}.get(model.prob.sol_status, "unknown")
    makespan = None
    if status in ("optimal", "feasible"):
        makespan = float(sum(pulp.value(a) or 0 for a in model.active))
    return {
        "status": status,
        "makespan_hours": makespan,
        "seconds": time.perf_counter() - began,
        "variables": model.prob.numVariables(),
        "constraints": model.prob.numConstraints(),
    }


def horizon_hours(plan: Plan) -> int:
    """The plan's horizon in whole hours (30 days when the plan gives none)."""
    seconds = plan.horizon if plan.horizon is not None else Fraction(30 * 86400)
    return math.floor(seconds / HOUR)


def build(plan: Plan, relax: bool = False) -> _Model:
    """The whole hourly model for `plan`."""
    hours = horizon_hours(plan)
    model = _Model(pulp.LpProblem(plan.name, pulp.LpMinimize), hours)
    _add_departures(model, plan, relax)
    storage, delivered = _add_data_flow(model, plan)
    _add_makespan(model, plan, delivered, relax)
    return model


def _add_departures(model: _Model, plan: Plan, relax: bool) -> None:
    """Integer drives and couriers per departure; bytes carried up to the drives' capacity."""
    cat = pulp.LpContinuous if relax else pulp.LpInteger
    commodities = sorted({d.to for d in plan.datasets.values()})
    horizon = Fraction(model.hours * HOUR)
    for name, route in plan.routes.items():
        for d in route.departures.times(plan.start, horizon):
            leave, arrive = math.floor(d / HOUR), math.ceil((d + route.transit) / HOUR)
            if arrive > model.hours:
                continue
            i = len(model.departures)
            model.departures.append(_Departure(name, leave, arrive))
            drives = []
            for kind, spec in plan.drives.items():
                x = model.prob.add_variable(f"x_{kind}_{i}", 0, None, cat)
                model.drives_out[kind, i] = x
                drives.append(x)
                for c in commodities:
                    y = model.prob.add_variable(f"y_{kind}_{c}_{i}", 0)
                    model.bytes_out[kind, c, i] = y
                model.prob += pulp.lpSum(model.bytes_out[kind, c, i] for c in commodities) <= spec.capacity / TB * x
            if route.max_drives is not None:
                model.prob += pulp.lpSum(drives) <= route.max_drives
            if route.courier is not None:
                z = model.prob.add_variable(f"z_{i}", 0, None, cat)
                model.couriers_out[i] = z
                model.prob += pulp.lpSum(drives) <= plan.couriers[route.courier].carry * z


def _moves(model: _Model, plan: Plan) -> tuple[dict[tuple[str, int], list[int]], dict[tuple[str, int], list[int]]]:
    """Departure indices leaving and arriving at each (site, hour)."""
    leaving: dict[tuple[str, int], list[int]] = defaultdict(list)
    arriving: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, dep in enumerate(model.departures):
        route = plan.routes[dep.route]
        leaving[route.from_, dep.leave].append(i)
        arriving[route.to, dep.arrive].append(i)
    return leaving, arriving


def _link_capacity(plan: Plan, hours: int) -> dict[str, list[float]]:
    """Bytes (in model units) each link can carry in each hour, windows and efficiency applied."""
    out = {}
    for name, link in plan.links.items():
        per_hour = float(link.rate) * HOUR / TB
        if not link.windows:
            out[name] = [per_hour] * hours
            continue
        open_seconds = [0.0] * hours
        for window in link.windows:
            for a, b in window.intervals(plan.start, Fraction(hours * HOUR)):
                for t in range(math.floor(a / HOUR), min(hours, math.ceil(b / HOUR))):
                    overlap = min(b, Fraction((t + 1) * HOUR)) - max(a, Fraction(t * HOUR))
                    open_seconds[t] += float(max(overlap, Fraction(0)))
        out[name] = [per_hour * min(s, HOUR) / HOUR for s in open_seconds]
    return out


def _add_data_flow(model: _Model, plan: Plan) -> tuple[dict[tuple[str, str, int], Any], dict[str, list[Any]]]:
    """Storage, drive pools, writes, reads and link flows per site and hour, with their balances."""
    prob, hours = model.prob, model.hours
    commodities = sorted({d.to for d in plan.datasets.values()})
    leaving, arriving = _moves(model, plan)
    link_cap = _link_capacity(plan, hours)
    supply: dict[tuple[str, str, int], float] = defaultdict(float)
    for name, data in plan.datasets.items():
        supply[data.at, data.to, math.ceil(plan.ready_seconds(name) / HOUR)] += data.size / TB
    storage: dict[tuple[str, str, int], Any] = {}
    delivered: dict[str, list[Any]] = {c: [] for c in commodities}
    flow = {
        (name, c, t): prob.add_variable(f"f_{name}_{c}_{t}", 0)
        for name in plan.links
        for c in commodities
        for t in range(hours)
    }
    for name in plan.links:
        for t in range(hours):
            prob += pulp.lpSum(flow[name, c, t] for c in commodities) <= link_cap[name][t]
    for site_name, site in plan.sites.items():
        _add_site(model, plan, site_name, site.bays, commodities, flow, supply, storage, leaving, arriving)
    for c in commodities:
        delivered[c] = [storage[c, c, t] for t in range(hours + 1)]
    return storage, delivered


def _add_site(
    model: _Model,
    plan: Plan,
    site: str,
    bays: int,
    commodities: list[str],
    flow: dict[tuple[str, str, int], Any],
    supply: dict[tuple[str, str, int], float],
    storage: dict[tuple[str, str, int], Any],
    leaving: dict[tuple[str, int], list[int]],
    arriving: dict[tuple[str, int], list[int]],
) -> None:
    """One site's balances: storage per commodity, drive pool and bytes on drives, couriers."""
    prob, hours = model.prob, model.hours
    io_rate = plan.sites[site].io_rate
    io_cap = None if io_rate is None else float(io_rate) * HOUR / TB
    out_links = [n for n, link in plan.links.items() if link.from_ == site]
    in_links = [n for n, link in plan.links.items() if link.to == site]
    kinds = list(plan.drives)
    steps = [(k, c, t) for k in kinds for c in commodities for t in range(hours)] if bays else []
    write = {(k, c, t): prob.add_variable(f"w_{k}_{c}_{site}_{t}", 0) for k, c, t in steps}
    read = {(k, c, t): prob.add_variable(f"r_{k}_{c}_{site}_{t}", 0) for k, c, t in steps}

    def w(k: str, c: str, t: int) -> Any:
        return write.get((k, c, t), 0)

    def r(k: str, c: str, t: int) -> Any:
        return read.get((k, c, t), 0)

    for c in commodities:
        for t in range(hours + 1):
            storage[c, site, t] = prob.add_variable(f"s_{c}_{site}_{t}", 0)
        for t in range(hours + 1):
            previous = storage[c, site, t - 1] if t else 0
            gained = supply.get((site, c, t), 0.0)
            if t:
                gained += pulp.lpSum(flow[n, c, t - 1] for n in in_links)
                gained += pulp.lpSum(r(k, c, t - 1) - w(k, c, t - 1) for k in kinds)
                gained -= pulp.lpSum(flow[n, c, t - 1] for n in out_links)
            prob += storage[c, site, t] == previous + gained
        for t in range(hours):
            used = pulp.lpSum(flow[n, c, t] for n in out_links) + pulp.lpSum(w(k, c, t) for k in kinds)
            prob += used <= storage[c, site, t]
    for k, spec in plan.drives.items():
        _add_pool(model, plan, site, k, spec, commodities, w, r, leaving, arriving)
    if bays:
        for t in range(hours):
            bay_hours = pulp.lpSum(
                w(k, c, t) * TB / float(spec.write_rate * HOUR) + r(k, c, t) * TB / float(spec.read_rate * HOUR)
                for k, spec in plan.drives.items()
                for c in commodities
            )
            prob += bay_hours <= bays
            if io_cap is not None:
                prob += pulp.lpSum(w(k, c, t) + r(k, c, t) for k in kinds for c in commodities) <= io_cap
    for pool_name, pool in plan.couriers.items():
        _add_courier_balance(model, plan, site, pool_name, pool.fleet.get(site, 0), leaving, arriving)


def _add_pool(
    model: _Model,
    plan: Plan,
    site: str,
    kind: str,
    spec: Any,
    commodities: list[str],
    w: Any,
    r: Any,
    leaving: dict[tuple[str, int], list[int]],
    arriving: dict[tuple[str, int], list[int]],
) -> None:
    """Drives of one type at one site (an aggregate pool) and the bytes they hold per commodity."""
    prob, hours = model.prob, model.hours
    count = spec.fleet.get(site, 0)
    cap = spec.capacity / TB
    drives: list[Any] = []
    for t in range(hours + 1):
        count = count + pulp.lpSum(model.drives_out[kind, i] for i in arriving.get((site, t), []))
        count = count - pulp.lpSum(model.drives_out[kind, i] for i in leaving.get((site, t), []))
        n = prob.add_variable(f"n_{kind}_{site}_{t}", 0)
        prob += n == count
        count, drives = n, [*drives, n]
    held: dict[tuple[str, int], Any] = {}
    for c in commodities:
        level: Any = 0
        for t in range(hours + 1):
            if t:
                level = level + w(kind, c, t - 1) - r(kind, c, t - 1)
            level = level + pulp.lpSum(model.bytes_out[kind, c, i] for i in arriving.get((site, t), []))
            level = level - pulp.lpSum(model.bytes_out[kind, c, i] for i in leaving.get((site, t), []))
            b = prob.add_variable(f"b_{kind}_{c}_{site}_{t}", 0)
            prob += b == level
            held[c, t] = level = b
    for t in range(hours):
        on_drives = pulp.lpSum(held[c, t] + w(kind, c, t) for c in commodities)
        prob += on_drives <= cap * drives[t]
        for c in commodities:
            prob += r(kind, c, t) <= held[c, t]
        busy = pulp.lpSum(
            w(kind, c, t) * TB / float(spec.write_rate * HOUR) + r(kind, c, t) * TB / float(spec.read_rate * HOUR)
            for c in commodities
        )
        prob += busy <= drives[t]


def _add_courier_balance(
    model: _Model,
    plan: Plan,
    site: str,
    pool: str,
    start: int,
    leaving: dict[tuple[str, int], list[int]],
    arriving: dict[tuple[str, int], list[int]],
) -> None:
    """Couriers of one pool at one site never fall below zero: departures need them present."""
    mine = {i for i, dep in enumerate(model.departures) if plan.routes[dep.route].courier == pool}
    touches = any(i in mine for moves in (leaving, arriving) for (s, _), ids in moves.items() if s == site for i in ids)
    if not touches:
        return
    level: Any = start
    for t in range(model.hours + 1):
        level = level + pulp.lpSum(model.couriers_out[i] for i in arriving.get((site, t), []) if i in mine)
        gone = [model.couriers_out[i] for i in leaving.get((site, t), []) if i in mine]
        if gone:
            level = level - pulp.lpSum(gone)
            m = model.prob.add_variable(f"m_{pool}_{site}_{t}", 0)
            model.prob += m == level
            level = m


def _add_makespan(model: _Model, plan: Plan, delivered: dict[str, list[Any]], relax: bool) -> None:
    """active[t] = 1 while some destination still waits at hour t; minimise their count."""
    cat = pulp.LpContinuous if relax else pulp.LpBinary
    needed: dict[str, float] = defaultdict(float)
    for data in plan.datasets.values():
        needed[data.to] += data.size / TB
    model.active = [model.prob.add_variable(f"active_{t}", 0, 1, cat) for t in range(model.hours + 1)]
    for t, a in enumerate(model.active):
        for c, total in needed.items():
            model.prob += delivered[c][t] >= total * (1 - a)
        if t:
            model.prob += model.active[t - 1] >= a
    model.prob += model.active[-1] == 0
    model.prob += pulp.lpSum(model.active)


if __name__ == "__main__":  # python -m tests.benchmarks.pulp_hourly KIND SEED TIME_LIMIT -> one JSON line
    import json
    import sys

    from tests.benchmarks.generate import generate

    kind, seed, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    print(json.dumps(solve_hourly(Plan.model_validate(generate(kind, seed)), limit)))
