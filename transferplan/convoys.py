"""A first plan fast: drives travel in convoys round fixed cycles of routes; an LP routes the data.

On the medium benchmark HiGHS spends 40 s in root cuts on one feasibility check and has then
delivered three quarters of the data; with the route decisions fixed, what remains (which bytes go
on which link, drive and bay, and when) is a linear program it solves in a fraction of a second. So:
choose itineraries by simulating convoys (a group of drives that leaves together, is written or read
one bay-load after another, and needs its couriers at each departure), score each choice by the LP,
and improve the choice by local search. The plan found is a MIP start and an upper bound for the
exact search; it is never claimed optimal on its own.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from .backend import LinearModel, Solution, solve_model
from .formulation import HOUR, Formulation, Mode
from .schema import Plan
from .search import TOLERANCE, Clock
from .timegrid import Grid

MAX_LEGS = 4
"""Longest cycle of routes a convoy follows (home -> ... -> home)."""


@dataclass(frozen=True)
class Convoy:
    """Drives (units of the formulation) that travel a cycle together, from its `offset`-th departure."""

    cycle: tuple[str, ...]
    units: tuple[str, ...]
    offset: int = 0


def cycles(plan: Plan, home: str) -> list[tuple[str, ...]]:
    """Simple cycles of routes from `home` back to it, and one-way paths where no route returns."""
    out: dict[str, list[str]] = defaultdict(list)
    for name, route in plan.routes.items():
        out[route.from_].append(name)
    found: list[tuple[str, ...]] = []
    ends: list[tuple[str, ...]] = []

    def walk(site: str, path: tuple[str, ...], seen: frozenset[str]) -> None:
        if path and not out[site]:
            ends.append(path)
        for name in out[site]:
            to = plan.routes[name].to
            if to == home:
                found.append((*path, name))
            elif to not in seen and len(path) + 1 < MAX_LEGS:
                walk(to, (*path, name), seen | {to})

    walk(home, (), frozenset({home}))
    return found + ends


class Itineraries:
    """Turns convoys into each unit's departures (indices of `form.route_deps`), couriers included."""

    def __init__(self, form: Formulation):
        self.form, self.plan = form, form.plan
        self.by_route: dict[str, list[tuple[Fraction, int]]] = defaultdict(list)
        for j, dep in form.route_deps.items():
            self.by_route[dep.route].append((dep.time, j))
        for times in self.by_route.values():
            times.sort()
        writes, reads = set(), set()
        for write_sites, read_sites in form.commodity_sites.values():
            writes |= write_sites
            reads |= read_sites
        self.write_sites, self.read_sites = writes - reads, reads

    def dwell(self, site: str, units: tuple[str, ...], loaded: bool) -> tuple[Fraction, bool]:
        """How long a convoy stays at a site to be read (loaded) or written (empty), and its load after."""
        bays = self.form.bays.get(site, 0)
        reading = loaded and site in self.read_sites
        writing = not loaded and site in self.write_sites
        if bays == 0 or not (reading or writing):
            return Fraction(0), loaded
        drives = [self.form.by_name[u] for u in units]
        count = sum(d.count for d in drives)
        hours = max(d.capacity / (d.read if reading else d.write) for d in drives)
        io = self.plan.sites[site].io_rate
        total = math.ceil(count / bays) * hours
        if io is not None:
            total = max(total, sum(d.capacity * d.count for d in drives) / (float(io) * HOUR / 1e12))
        return Fraction(total * HOUR).limit_denominator(1000), not loaded

    def build(self, convoys: list[Convoy]) -> dict[tuple[str, int], float]:
        """x values (unit, departure) -> 0/1 for every unit in the convoys, couriers permitting."""
        plan, form = self.plan, self.form
        tokens: dict[str, list[list[Any]]] = {
            pool: [[site, Fraction(0)] for site, n in p.fleet.items() for _ in range(n)]
            for pool, p in plan.couriers.items()
        }
        chosen: dict[tuple[str, int], float] = {}
        heap: list[tuple[Fraction, int, int, int, bool]] = []
        for index, convoy in enumerate(convoys):
            home = form.by_name[convoy.units[0]].start
            wait, loaded = self.dwell(home, convoy.units, False)
            heapq.heappush(heap, (wait, index, 0, convoy.offset, loaded))
        while heap:
            ready, index, leg, skip, loaded = heapq.heappop(heap)
            convoy = convoys[index]
            name = convoy.cycle[leg % len(convoy.cycle)]
            route = plan.routes[name]
            count = sum(form.by_name[u].count for u in convoy.units)
            if route.max_drives is not None and count > route.max_drives:
                continue
            need = 0
            if route.courier is not None:
                need = -(-count // plan.couriers[route.courier].carry)
            times = self.by_route[name]
            k = next((i for i, (t, _) in enumerate(times) if t >= ready), len(times)) + skip
            while k < len(times):
                t, j = times[k]
                if all((u, j) in form.x for u in convoy.units):
                    free = [tok for tok in tokens.get(route.courier or "", []) if tok[0] == route.from_ and tok[1] <= t]
                    if len(free) >= need:
                        arrival = form.route_deps[j].arrival
                        for tok in free[:need]:
                            tok[0], tok[1] = route.to, arrival
                        for u in convoy.units:
                            chosen[u, j] = 1.0
                        wait, after = self.dwell(route.to, convoy.units, loaded)
                        returns = plan.routes[convoy.cycle[-1]].to == form.by_name[convoy.units[0]].start
                        if returns or leg + 1 < len(convoy.cycle):  # a one-way path ends
                            heapq.heappush(heap, (arrival + wait, index, leg + 1, 0, after))
                        break
                k += 1
        return self._ordered(chosen)

    def _ordered(self, chosen: dict[tuple[str, int], float]) -> dict[tuple[str, int], float]:
        """Identical units are interchangeable, and the model orders them by trips (its symmetry
        rows): hand the busiest itineraries to the first units of each group."""
        trips: dict[str, list[int]] = defaultdict(list)
        for u, j in chosen:
            trips[u].append(j)
        groups: dict[tuple[str, str, int], list[str]] = defaultdict(list)
        for d in self.form.drives:
            groups[d.type, d.start, d.count].append(d.name)
        out: dict[tuple[str, int], float] = {}
        for names in groups.values():
            ranked = sorted((trips.get(n, []) for n in names), key=len, reverse=True)
            for name, js in zip(names, ranked, strict=True):
                out.update({(name, j): 1.0 for j in js})
        return out


@dataclass
class Scored:
    convoys: list[Convoy]
    delivered: float  # TB by the target point
    score: float  # delivered, weighted towards earlier delivery
    solution: Solution
    x: dict[tuple[str, int], float]


class ConvoySearch:
    """Local search over convoys on one formulation (plan mode, require_all off)."""

    def __init__(self, form: Formulation, backend: str = "highs", seed: int = 0):
        self.form, self.backend = form, backend
        self.itineraries = Itineraries(form)
        self.random = random.Random(seed)
        self.evaluations = 0
        self.homes: dict[str, list[tuple[str, ...]]] = {}
        for d in form.drives:
            if d.start not in self.homes:
                self.homes[d.start] = [c for c in cycles(form.plan, d.start) if self._usable(c)]

    def _usable(self, cycle: tuple[str, ...]) -> bool:
        its = self.itineraries
        return any(self.form.plan.routes[r].to in its.write_sites | its.read_sites for r in cycle)

    def model(self, x: dict[tuple[str, int], float], target: int) -> LinearModel:
        """The formulation with every route decision fixed, scoring deliveries by point `target`."""
        form = self.form
        m = form.model
        lb, ub = list(m.lb), list(m.ub)
        for key, col in form.x.items():
            lb[col] = ub[col] = x.get(key, 0.0)
        obj = [0.0] * len(lb)
        for k, c in form.flows.items():
            for i in range(form.n):
                weight = (1.0 if i < target else 0.0) + 1e-3 * (form.n - i) / form.n
                for col in form._inflows(k, c.to, i):
                    obj[col] += weight
        return replace(m, lb=lb, ub=ub, obj=obj, maximize=True)

    def score(self, convoys: list[Convoy], target: int) -> Scored:
        x = self.itineraries.build(convoys)
        sol = solve_model(self.model(x, target), self.backend, None, relax=True)
        self.evaluations += 1
        if not sol.found:
            return Scored(convoys, -1.0, -1.0, sol, x)
        form = self.form
        by = sum(
            float(sol.values[col])
            for k, c in form.flows.items()
            for i in range(min(target, form.n))
            for col in form._inflows(k, c.to, i)
        )
        return Scored(convoys, by, float(sol.objective or 0.0), sol, x)

    def start(self) -> list[Convoy]:
        """Every group of drives at one site on the cycle that delivers a drive-load soonest, split
        into convoys of what one departure carries."""
        convoys = []
        groups: dict[str, list[str]] = defaultdict(list)
        for d in self.form.drives:
            groups[d.start].append(d.name)
        for home, units in groups.items():
            options = self.homes.get(home, [])
            if not options:
                continue
            for index, unit in enumerate(units):
                cycle = options[index % len(options)]
                convoys.append(Convoy(cycle, (unit,)))
        return _merge(convoys)

    def neighbours(self, convoys: list[Convoy]) -> list[list[Convoy]]:
        """Move one drive to another cycle, or to another convoy; shift a convoy's first departure."""
        out = []
        units = [(ci, u) for ci, c in enumerate(convoys) for u in c.units]
        for ci, unit in units:
            home = self.form.by_name[unit].start
            rest = [_without(c, unit) if i == ci else c for i, c in enumerate(convoys)]
            rest = [c for c in rest if c.units]
            for cycle in self.homes.get(home, []):
                out.append(_merge([*rest, Convoy(cycle, (unit,))]))
            for other, c in enumerate(rest):
                if self.form.by_name[c.units[0]].start == home:
                    joined = [x if i != other else replace(x, units=(*x.units, unit)) for i, x in enumerate(rest)]
                    out.append(joined)
        for ci, c in enumerate(convoys):
            for delta in (1, -1):
                if c.offset + delta >= 0:
                    out.append([x if i != ci else replace(x, offset=x.offset + delta) for i, x in enumerate(convoys)])
        self.random.shuffle(out)
        return out


def best_itinerary(
    plan: Plan, grid: Grid, backend: str, clock: Clock, say: Callable[[str], None] | None = None
) -> frozenset[tuple[str, str, Fraction]] | None:
    """Route decisions (unit, route, departure time) of the convoys that deliver everything
    earliest, by first-improvement local search within `clock`; None if none delivers everything
    by the end of the grid."""
    form = Formulation(plan, grid, Mode(require_all=False))
    search = ConvoySearch(form, backend)
    total = form.total_tb * (1 - TOLERANCE)
    target = form.n
    best = search.score(search.start(), target)
    done: Scored | None = None
    improved = True
    while improved and not clock.out():
        if best.delivered >= total:
            done = best
            point = _done_point(form, best)
            if say is not None:
                say(f"convoys deliver everything by {float(grid.points[point]) / HOUR:.1f} h")
            if point <= 1:
                break
            target = point - 1
            best = search.score(best.convoys, target)
        improved = False
        for convoys in search.neighbours(best.convoys):
            if clock.out():
                break
            scored = search.score(convoys, target)
            if scored.score > best.score + 1e-6:
                best, improved = scored, True
                break
    if best.delivered >= total:
        done = best
    if done is None:
        return None
    return frozenset((u, form.route_deps[j].route, form.route_deps[j].time) for u, j in done.x)


def _done_point(form: Formulation, scored: Scored) -> int:
    cumulative = delivered_by(form, scored.solution.values)
    total = form.total_tb * (1 - TOLERANCE)
    return next((i for i, tb in enumerate(cumulative) if tb >= total), form.n)


def _without(convoy: Convoy, unit: str) -> Convoy:
    return replace(convoy, units=tuple(u for u in convoy.units if u != unit))


def _merge(convoys: list[Convoy]) -> list[Convoy]:
    """Single-drive convoys on the same cycle and offset travel together."""
    merged: dict[tuple[tuple[str, ...], int], list[str]] = defaultdict(list)
    order = []
    for c in convoys:
        key = (c.cycle, c.offset)
        if key not in merged:
            order.append(key)
        merged[key].extend(c.units)
    return [Convoy(cycle, tuple(merged[cycle, offset]), offset) for cycle, offset in order]


def delivered_by(form: Formulation, values: np.ndarray) -> list[float]:
    """Cumulative TB delivered at each grid point."""
    out, running = [0.0], 0.0
    for i in range(form.n):
        running += sum(float(values[col]) for k, c in form.flows.items() for col in form._inflows(k, c.to, i))
        out.append(running)
    return out
