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
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from .backend import Solution, solve_model
from .formulation import HOUR, TB, Formulation, Mode
from .schema import Plan
from .search import TOLERANCE, Clock, done_point
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
    """Turns convoys into each unit's departures (unit, route, time), couriers permitting."""

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
            total = max(total, sum(d.capacity * d.count for d in drives) / (float(io) * HOUR / TB))
        return Fraction(total * HOUR).limit_denominator(1000), not loaded

    def build(self, convoys: list[Convoy]) -> frozenset[tuple[str, str, Fraction]]:
        """The departures (unit, route, time) the convoys take, couriers permitting."""
        plan, form = self.plan, self.form
        tokens: dict[str, list[list[Any]]] = {
            pool: [[site, 0] for site, n in p.fleet.items() for _ in range(n)]  # where, from which point
            for pool, p in plan.couriers.items()
        }
        chosen: set[tuple[str, int]] = set()
        # (when to look again, order, convoy, leg, departures to skip, grid point it is at, loaded, ready)
        heap: list[tuple[Fraction, int, int, int, int, int, bool, Fraction]] = []
        order = itertools.count()
        for index, convoy in enumerate(convoys):
            home = form.by_name[convoy.units[0]].start
            wait, loaded = self.dwell(home, convoy.units, False)
            heapq.heappush(heap, (wait, next(order), index, 0, convoy.offset, 0, loaded, wait))
        waiting = 0  # convoys in a row that found no courier: when all are waiting, none ever goes
        while heap:
            key, _, index, leg, skip, point, loaded, ready = heapq.heappop(heap)
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
            went = False
            while k < len(times):
                t, j = times[k]
                dep = form.route_deps[j]
                # grid points, not times: on a coarse grid departures round down and arrivals up
                pool = tokens.get(route.courier or "", [])
                free = [tok for tok in pool if tok[0] == route.from_ and tok[1] <= dep.depart_point]
                if dep.depart_point >= point and len(free) >= need:
                    for tok in free[:need]:
                        tok[0], tok[1] = route.to, dep.arrive_point
                    chosen.update((u, j) for u in convoy.units)
                    wait, after = self.dwell(route.to, convoy.units, loaded)
                    returns = plan.routes[convoy.cycle[-1]].to == form.by_name[convoy.units[0]].start
                    if returns or leg + 1 < len(convoy.cycle):  # a one-way path ends
                        back = dep.arrival + wait
                        heapq.heappush(heap, (back, next(order), index, leg + 1, 0, dep.arrive_point, after, back))
                    went, waiting = True, 0
                    break
                k += 1
            if not went and need > 0 and heap and waiting <= len(heap):
                # its couriers are all away: look again after the next convoy has moved
                waiting += 1
                again = (max(key, heap[0][0]), next(order), index, leg, skip, point, loaded, ready)
                heapq.heappush(heap, again)
        deps = self.form.route_deps
        return frozenset((unit, deps[j].route, deps[j].time) for unit, j in chosen)


@dataclass
class Scored:
    convoys: list[Convoy]
    delivered: float  # TB by the target point
    score: float  # delivered, weighted towards earlier delivery
    solution: Solution
    form: Formulation
    routes: frozenset[tuple[str, str, Fraction]]


class ConvoySearch:
    """Local search over convoys: each candidate's route decisions fixed, its data routed by an LP."""

    def __init__(self, plan: Plan, grid: Grid, backend: str = "highs", seed: int = 0, use_links: bool = True):
        self.plan, self.grid, self.backend = plan, grid, backend
        self.mode = Mode(require_all=False, routes=frozenset(), use_links=use_links)
        self.form = Formulation(plan, grid, self.mode)
        self.itineraries = Itineraries(self.form)
        self.random = random.Random(seed)
        self.evaluations = 0
        self.homes: dict[str, list[tuple[str, ...]]] = {}
        for d in self.form.drives:
            if d.start not in self.homes:
                self.homes[d.start] = [c for c in cycles(plan, d.start) if self._usable(c)]

    def _usable(self, cycle: tuple[str, ...]) -> bool:
        its = self.itineraries
        return any(self.plan.routes[r].to in its.write_sites | its.read_sites for r in cycle)

    def score(self, convoys: list[Convoy], target: int) -> Scored:
        """Deliveries by grid point `target` (and a little credit for earlier ones) of these convoys."""
        routes = self.itineraries.build(convoys)
        form = Formulation(self.plan, self.grid, replace(self.mode, routes=routes))
        weights = []
        for k, c in form.flows.items():
            for i in range(form.n):
                weight = (1.0 if i < target else 0.0) + 1e-3 * (form.n - i) / form.n
                weights += [(col, weight) for col in form._inflows(k, c.to, i)]
        form.model.set_objective(weights, maximize=True)
        sol = solve_model(form.model, self.backend, None, relax=True)
        self.evaluations += 1
        if not sol.found:
            return Scored(convoys, -1.0, -1.0, sol, form, routes)
        by = sum(float(sol.values[col]) for k in form.flows for col, _ in form.delivered(k, min(target, form.n)))
        return Scored(convoys, by, float(sol.objective or 0.0), sol, form, routes)

    def start(self) -> list[Convoy]:
        """Each group of drives shared out over its cycles by how many drive-trips each cycle's far
        sites need beyond what their own links can send, weighted by how long a trip takes."""
        plan, form = self.plan, self.form
        horizon = float(self.grid.horizon) / HOUR
        held: dict[str, float] = defaultdict(float)
        for ds in plan.datasets.values():
            held[ds.at] += ds.size / TB
        sends: dict[str, float] = defaultdict(float)
        for link in plan.links.values():
            sends[link.from_] += float(link.rate) * HOUR / TB * horizon / 2  # TB in half the horizon
        convoys = []
        groups: dict[str, list[str]] = defaultdict(list)
        for d in form.drives:
            groups[d.start].append(d.name)
        for home, units in groups.items():
            options = self.homes.get(home, [])
            if not options:
                continue
            drive = form.by_name[units[0]]
            need = []
            for cycle in options:
                sites = {plan.routes[r].to for r in cycle} - {home}
                excess = sum(max(0.0, held[s] - sends[s]) for s in sites) or 1e-3
                hours = sum(float(plan.routes[r].transit) / HOUR for r in cycle)
                hours += drive.capacity / drive.write + drive.capacity / drive.read
                need.append(excess / (drive.capacity * drive.count) * hours)
            shares = _apportion(need, len(units))
            at = 0
            for cycle, share in zip(options, shares, strict=True):
                if share:
                    convoys.append(Convoy(cycle, tuple(units[at : at + share])))
                    at += share
        return convoys

    def neighbours(self, convoys: list[Convoy]) -> list[list[Convoy]]:
        """Move one drive to another cycle (alone, or a departure later than the convoy it left) or
        into another convoy; shift a convoy's first departure. Distinct up to identical drives."""
        out: dict[tuple[Any, ...], list[Convoy]] = {}
        for ci, convoy in enumerate(convoys):
            kinds = set()
            for unit in convoy.units:
                kind = self.form.by_name[unit].kind
                if kind in kinds:
                    continue  # moving an identical drive of the same convoy gives the same plan
                kinds.add(kind)
                home = self.form.by_name[unit].start
                rest = [_without(c, unit) if i == ci else c for i, c in enumerate(convoys)]
                for cycle in self.homes.get(home, []):
                    for offset in {0, convoy.offset + 1}:
                        moved = [c for c in rest if c.units] + [Convoy(cycle, (unit,), offset)]
                        out.setdefault(self.signature(moved), moved)
                for other, c in enumerate(rest):
                    if other != ci and c.units and self.form.by_name[c.units[0]].start == home:
                        joined = [x if i != other else replace(x, units=(*x.units, unit)) for i, x in enumerate(rest)]
                        joined = [x for x in joined if x.units]
                        out.setdefault(self.signature(joined), joined)
            for delta in (1, -1):
                if convoy.offset + delta >= 0:
                    shifted = [x if i != ci else replace(x, offset=x.offset + delta) for i, x in enumerate(convoys)]
                    out.setdefault(self.signature(shifted), shifted)
        options = list(out.values())
        self.random.shuffle(options)
        return options

    def signature(self, convoys: list[Convoy]) -> tuple[Any, ...]:
        """The same for convoys that differ only in which identical drives they hold."""
        kinds = self.form.by_name
        return tuple(sorted((c.cycle, c.offset, tuple(sorted(kinds[u].kind for u in c.units))) for c in convoys))


def _apportion(weights: list[float], count: int) -> list[int]:
    """`count` split in proportion to `weights` (largest remainders)."""
    total = sum(weights)
    exact = [w / total * count for w in weights]
    shares = [int(e) for e in exact]
    for i in sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)[: count - sum(shares)]:
        shares[i] += 1
    return shares


KICKS = 2
"""Random moves that perturb a local optimum before the search goes on (iterated local search)."""
STALE = 8
"""Perturbations in a row without a better plan after which the search stops."""


def best_itinerary(
    plan: Plan,
    grid: Grid,
    backend: str,
    clock: Clock,
    say: Callable[[str], None] | None = None,
    use_links: bool = True,
    patience: Clock | None = None,
) -> tuple[frozenset[tuple[str, str, Fraction]], Fraction] | None:
    """Route decisions (unit, route, departure time) of the convoys that deliver everything
    earliest, and that completion on the grid; None if no convoys deliver everything by its end.

    Iterated local search within `clock`: first-improvement moves scored by "TB delivered by one
    point before the best completion so far", and random kicks out of local optima. Until a first
    plan is found the search may go on within `patience` (a longer clock): without one, every
    later stage starts from nothing.
    """
    search = ConvoySearch(plan, grid, backend, use_links=use_links)
    total = search.form.total_tb * (1 - TOLERANCE)
    target = search.form.n
    current = search.score(search.start(), target)
    incumbent: Scored | None = None
    stale = 0

    def out() -> bool:
        return clock.out() and (incumbent is not None or patience is None or patience.out())

    while not out():
        if current.delivered >= total:
            incumbent, stale = current, 0
            point = done_point(current.form, current.solution)
            if say is not None:
                say(f"convoys deliver everything by {float(grid.points[point]) / HOUR:.1f} h")
            if point <= 1:
                break
            target = point - 1
            current = search.score(current.convoys, target)
            continue
        better = None
        for convoys in search.neighbours(current.convoys):
            if out():
                break
            scored = search.score(convoys, target)
            if scored.score > current.score + 1e-6:
                better = scored
                break
        if better is not None:
            current = better
            continue
        stale += 1
        if stale > STALE:
            break
        kicked = (incumbent or current).convoys
        for _ in range(KICKS):
            options = search.neighbours(kicked)
            if options:
                kicked = options[0]
        current = search.score(kicked, target)
    if incumbent is None:
        return None
    return incumbent.routes, grid.points[done_point(incumbent.form, incumbent.solution)]


def _without(convoy: Convoy, unit: str) -> Convoy:
    return replace(convoy, units=tuple(u for u in convoy.units if u != unit))
