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

import bisect
import heapq
import itertools
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, NamedTuple

from .backend import Solution, solve_model
from .formulation import HOUR, TB, Formulation, Mode
from .schema import Plan, Route
from .search import TOLERANCE, Clock, done_point
from .timegrid import Grid

MAX_LEGS = 4
"""Longest cycle of routes a convoy follows (home -> ... -> home)."""


@dataclass(frozen=True)
class Convoy:
    """Drives (units of the formulation) that travel a cycle together, from its `offset`-th departure,
    each written and read to `fill` of its capacity a trip: part full, a drive is out again sooner
    (an 18 h lane out at 16:00 and back at 10:00: 80 TB a drive every 96 h, 64 TB every 72 h)."""

    cycle: tuple[str, ...]
    units: tuple[str, ...]
    offset: int = 0
    fill: float = 1.0


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


class _Leg(NamedTuple):
    """A route as `Itineraries.simulate` takes it: its name, the route, the most drives a departure
    takes, what each courier carries (0: no couriers), the courier pool ("" for none), where from
    and to, its departures (time, index) in order, their grid points and their times."""

    name: str
    route: Route
    most: int | None
    carry: int
    courier: str
    origin: str
    to: str
    times: list[tuple[float, int]]
    departs: list[int]
    starts: list[float]


class Itineraries:
    """Turns convoys into each unit's departures (unit, route, time), couriers permitting."""

    def __init__(self, form: Formulation, queue: bool = False, priced: bool = False):
        self.form, self.plan, self.queue, self.priced = form, form.plan, queue, priced
        # the simulation runs in float seconds: Fraction comparisons were most of its time
        self.points = [float(t) for t in form.grid.points]
        by_route: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for j, dep in form.route_deps.items():
            by_route[dep.route].append((float(dep.time), j))
        self.arrivals = {j: float(dep.arrival) for j, dep in form.route_deps.items()}
        # what `simulate` (and `_reach`) looks up of a route at each departure it seeks, in one place
        self.legs: dict[str, _Leg] = {}
        for name, route in self.plan.routes.items():
            carry = self.plan.couriers[route.courier].carry if route.courier is not None else 0
            times = sorted(by_route.get(name, []))
            self.legs[name] = _Leg(
                name,
                route,
                route.max_drives,
                carry,
                route.courier or "",
                route.from_,
                route.to,
                times,
                [form.route_deps[j].depart_point for _, j in times],  # monotone, as the times are
                [t for t, _ in times],
            )
        # a courier may travel alone (spec rule 4) to where drives wait for one: the routes it can take
        self.deadheads: dict[tuple[str, str, str], list[str]] = defaultdict(list)  # (pool, from, to)
        for name, route in self.plan.routes.items():
            if route.courier is not None:
                self.deadheads[route.courier, route.from_, route.to].append(name)
        writes, reads = set(), set()
        for write_sites, read_sites in form.commodity_sites.values():
            writes |= write_sites
            reads |= read_sites
        self.write_sites, self.read_sites = writes - reads, reads
        # what the last simulation's departures cost, when `priced` (it is a quarter of the
        # estimate's time): (seconds, money), each when it was spent
        self.spent: list[tuple[float, float]] = []
        # `dwell`'s work by (site, units, reading, fill): the same at every visit (it was a
        # quarter of the estimate's time on the large benchmark)
        self._work: dict[tuple[str, tuple[str, ...], bool, float], tuple[list[float], float, float]] = {}

    def dwell(
        self,
        site: str,
        units: tuple[str, ...],
        loaded: bool,
        arrive: float,
        bays: dict[str, list[float]],
        fill: float = 1.0,
    ) -> tuple[float, bool, float]:
        """How long (seconds) a convoy arriving at `arrive` stays at a site to be read (loaded) or
        written (empty), its load after, and the TB it reads there, its drives `fill` full.

        Each drive takes the bay that frees first. With `queue`, convoys that meet at a site queue
        for its bays (`bays`: when each bay is free), so a source with one bay writes one drive
        after another, whichever convoy brought them; without, each convoy has the bays to itself.
        """
        count = self.form.bays.get(site, 0)
        reading = loaded and site in self.read_sites
        writing = not loaded and site in self.write_sites
        if count == 0 or not (reading or writing):
            return 0.0, loaded, 0.0
        work = self._work.get((site, units, reading, fill))
        if work is None:
            work = self._work[site, units, reading, fill] = self._drive_work(site, units, reading, fill)
        seconds, volume, least = work
        # the bays as a heap of when each is free: each drive takes the one that frees first
        free = bays.setdefault(site, [0.0] * count) if self.queue else [0.0] * count
        ready = arrive + least
        for each in seconds:
            done = max(free[0], arrive) + each
            heapq.heapreplace(free, done)
            if done > ready:
                ready = done
        return ready - arrive, not loaded, volume if reading else 0.0

    def _drive_work(
        self, site: str, units: tuple[str, ...], reading: bool, fill: float
    ) -> tuple[list[float], float, float]:
        """What `dwell` needs of a convoy at a site, the same at each visit: each drive's seconds
        in a bay, in order, and the least time the site's `io_rate` allows for them all."""
        seconds: list[float] = []
        volume = 0.0
        for unit in units:
            drive = self.form.by_name[unit]
            seconds += [fill * drive.capacity / (drive.read if reading else drive.write) * HOUR] * drive.count
            volume += fill * drive.capacity * drive.count
        io = self.plan.sites[site].io_rate
        least = 0.0 if io is None else volume / (float(io) * HOUR / TB) * HOUR
        return seconds, volume, least

    def build(self, convoys: list[Convoy]) -> frozenset[tuple[str, str, Fraction]]:
        """The departures (unit, route, time) the convoys take, couriers permitting."""
        return self.simulate(convoys)[0]

    def simulate(
        self, convoys: list[Convoy], routes: bool = True
    ) -> tuple[frozenset[tuple[str, str, Fraction]], list[tuple[str, float, float]]]:
        """The convoys' departures, as `build`, and the reads they make: (site, seconds when
        done, TB), drives taken as full. Without `routes`, no departures (an empty set): the
        estimate needs only the reads, and hashing the departures' times was 4 % of its time."""
        plan, form = self.plan, self.form
        counts = [sum(form.by_name[u].count for u in convoy.units) for convoy in convoys]
        convoy_legs = [[self.legs[name] for name in convoy.cycle] for convoy in convoys]
        # whether each convoy comes home (else a one-way path, which ends)
        returns = [plan.routes[c.cycle[-1]].to == form.by_name[c.units[0]].start for c in convoys]
        tokens: dict[str, list[list[Any]]] = {
            pool: [[site, 0] for site, n in p.fleet.items() for _ in range(n)]  # where, from which point
            for pool, p in plan.couriers.items()
        }
        bays: dict[str, list[float]] = {}
        spare: dict[int, int] = defaultdict(int)  # per departure: room left on its couriers
        aboard: dict[int, int] = defaultdict(int)  # per departure: drives on it
        shared: dict[str, list[int]] = defaultdict(list)  # per route: departures with room left, by index
        present: dict[str, int] = defaultdict(int)  # convoys at each site, to leave it later
        reads: list[tuple[str, float, float]] = []
        self.spent = spent = []
        started: set[int] = set()  # convoys whose drives have left home: each drive is paid once
        chosen: set[tuple[str, int]] = set()
        # (when to look again, order, convoy, leg, departures to skip, grid point it is at, loaded, ready)
        heap: list[tuple[float, int, int, int, int, int, bool, float]] = []
        order = itertools.count()
        for index, convoy in enumerate(convoys):
            home = form.by_name[convoy.units[0]].start
            wait, loaded, _ = self.dwell(home, convoy.units, False, 0.0, bays, convoy.fill)
            present[home] += 1
            heapq.heappush(heap, (wait, next(order), index, 0, convoy.offset, 0, loaded, wait))
        waiting = 0  # convoys in a row that found no courier: when all are waiting, none ever goes
        while heap:
            key, _, index, leg, skip, point, loaded, ready = heapq.heappop(heap)
            convoy, legs = convoys[index], convoy_legs[index]
            name, route, most, carry, courier, origin, to, times, departs, starts = legs[leg % len(legs)]
            count = counts[index]
            if most is not None and count > most:
                continue
            pool = tokens.get(courier, [])
            # the grid point from which each courier of the pool can be at this route's start (one
            # already there is `_reach`'s first case, taken here without the call: most are)
            there = [tok[1] if tok[0] == origin else self._reach(tok, courier, origin, present) for tok in pool]
            # the couriers by when they can be there, the earliest first: those free by a
            # departure are a prefix (sorting them for each departure was 20 % of the estimate)
            if len(there) == 1:  # most pools: nothing to sort
                ranked, ready_by = [(there[0], 0)], there
            else:
                ranked = sorted(zip(there, range(len(there)), strict=True))
                ready_by = [at for at, _ in ranked]
            # departures before the grid point it is at cannot take it
            k = max(bisect.bisect_left(starts, ready) + skip, bisect.bisect_left(departs, point))
            taken = self._departure(times, departs, most, k, count, carry, ready_by, spare, aboard, shared[name])
            if taken is None:
                if carry and heap and waiting <= len(heap):
                    # its couriers are all away: look again after the next convoy has moved
                    waiting += 1
                    again = (max(key, heap[0][0]), next(order), index, leg, skip, point, loaded, ready)
                    heapq.heappush(heap, again)
                continue
            k, need = taken
            j = times[k][1]
            dep = form.route_deps[j]
            free = ranked[: bisect.bisect_right(ready_by, dep.depart_point)]
            if self.priced:
                money = need * float(route.cost_per_courier) + count * float(route.cost_per_drive)
                money += 0.0 if aboard[j] else float(route.cost_per_trip)
                for _, i in free[:need]:
                    if pool[i][0] != origin:  # it came alone: a trip of its own
                        money += self._deadhead_cost(courier, pool[i][0], origin)
                if index not in started:
                    started.add(index)
                    units = [form.by_name[u] for u in convoy.units]
                    money += sum(float(plan.drives[d.type].cost_each) * d.count for d in units)
                spent.append((float(dep.time), money))
            for _, i in free[:need]:
                pool[i][0], pool[i][1] = to, dep.arrive_point
            if carry:
                spare[j] += need * carry - count
                if spare[j] > 0:
                    booked = shared[name]
                    at = bisect.bisect_left(booked, k)
                    if at == len(booked) or booked[at] != k:
                        booked.insert(at, k)
            aboard[j] += count
            present[origin] -= 1
            if routes:
                chosen.update((u, j) for u in convoy.units)
            arrives = self.arrivals[j]
            wait, after, read = self.dwell(to, convoy.units, loaded, arrives, bays, convoy.fill)
            if read:
                reads.append((to, arrives + wait, read))
            if returns[index] or leg + 1 < len(legs):  # a one-way path ends
                back = arrives + wait
                present[to] += 1
                heapq.heappush(heap, (back, next(order), index, leg + 1, 0, dep.arrive_point, after, back))
            waiting = 0
        if not routes:
            return frozenset(), reads
        deps = self.form.route_deps
        return frozenset((unit, deps[j].route, deps[j].time) for unit, j in chosen), reads

    def _departure(
        self,
        times: list[tuple[float, int]],
        departs: list[int],
        most: int | None,
        k: int,
        count: int,
        carry: int,
        ready_by: list[float],
        spare: dict[int, int],
        aboard: dict[int, int],
        shared: list[int],
    ) -> tuple[int, int] | None:
        """The first departure of a route from its k-th (`times`: (time, departure) in order;
        `departs`: their grid points) that can take `count` drives, by index, and the couriers it
        needs there beyond those already on it (`spare`: their room left); None if none can.
        `ready_by`: when each courier of the route's pool can be at its start (grid points, the
        earliest first).

        A departure nobody has booked needs its couriers free by it: those before the first
        such point are skipped at once, but for the departures in `shared`, whose couriers have
        room left (most drives wait for a courier away: five departures looked at for each one
        taken on the large benchmark)."""
        # grid points, not times: on a coarse grid departures round down and arrivals up. The
        # dwell runs in continuous time: a drive leaving before the coarse grid says it is full
        # gives routes that the plan's own grid times better (large benchmark at 300 s: 773 h,
        # against 833 h with dwells in grid time)
        candidates: Iterable[int] = range(k, len(times))
        if carry:
            alone = -(-count // carry)
            first = bisect.bisect_left(departs, ready_by[alone - 1] if alone <= len(ready_by) else math.inf, k)
            if shared and shared[-1] >= k:
                booked = shared[bisect.bisect_left(shared, k) : bisect.bisect_left(shared, first)]
                candidates = itertools.chain(booked, range(first, len(times)))
            else:
                candidates = range(first, len(times))
        for at in candidates:
            j = times[at][1]
            if most is not None and aboard[j] + count > most:
                continue
            need = -(-max(0, count - spare.get(j, 0)) // carry) if carry else 0
            if need and (need > len(ready_by) or ready_by[need - 1] > departs[at]):
                continue
            return at, need
        return None

    def _deadhead_cost(self, pool: str, where: str, site: str) -> float:
        """What a courier of `pool` costs travelling alone from `where` to `site` (the cheapest route)."""
        routes = self.deadheads.get((pool, where, site), ())
        return min((float(self.plan.routes[name].cost_per_courier) for name in routes), default=0.0)

    def _reach(self, token: list[Any], pool: str, site: str, present: dict[str, int]) -> float:
        """The grid point from which a courier (`token`: where, from which point) can be at `site`,
        travelling alone on one route if it is elsewhere and no convoy there will need it;
        infinity if it cannot."""
        where, free = token
        if where == site:
            return free
        best = math.inf
        if present[where] > 0:
            return best  # a convoy there would wait for it in turn: it stays
        for name in self.deadheads.get((pool, where, site), ()):
            leg = self.legs[name]
            k = bisect.bisect_left(leg.starts, self.points[free])
            for _, j in leg.times[k:]:
                dep = self.form.route_deps[j]
                if dep.depart_point >= free:
                    best = min(best, dep.arrive_point)
                    break
        return best


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
        # scored without deadlines or budget: each is a hard row even in "deliver what you can",
        # so every convoy set short of it scored as no plan at all (medium benchmark with a 20-day
        # deadline: no convoys in 20 s, where 328 h without). The plan made of the routes is
        # timed against them afterwards. Where the LP is too slow to score with, the estimate
        # heeds the budget instead (see `estimate`).
        self.budget = None if plan.budget is None else float(plan.budget)
        late = plan.latest_deadline
        # for `objective: cost` the estimate's money ranks convoys done by then (see `rank`)
        self.due = None if plan.objective != "cost" else float(late or grid.horizon) / HOUR
        plan = plan.without_deadlines().replace(budget=None)
        self.plan, self.grid, self.backend = plan, grid, backend
        self.mode = Mode(require_all=False, routes=frozenset(), use_links=use_links)
        self.form = Formulation(plan, grid, self.mode)
        # where the estimate ranks convoys, their timing must be what the bays allow; where the LP
        # scores each, a drive leaving once its own load could be written is filled with what fits
        # (medium benchmark at 5 s: 340.8 h unqueued, 352.1 h queued; large: 848 h queued, 896 h not)
        self.estimated = len(self.form.model.lb) > IMPROVE_ABOVE
        # money is counted only where it ranks convoys: under a budget, or for cost
        self.itineraries = Itineraries(
            self.form, queue=self.estimated, priced=self.budget is not None or self.due is not None
        )
        self.random = random.Random(seed)
        self.evaluations = 0
        self.last_seconds = 0.0  # how long the last `score` took, build and LP
        self.homes: dict[str, list[tuple[str, ...]]] = {}
        # each unit's kind, looked up for every neighbour (`signature`, and the moves themselves)
        self.kinds = {d.name: d.kind for d in self.form.drives}
        for d in self.form.drives:
            if d.start not in self.homes:
                self.homes[d.start] = [c for c in cycles(plan, d.start) if self._usable(c)]
        # for `estimate`: the TB each destination awaits, and what its links can bring by each point
        self.awaited: dict[str, float] = defaultdict(float)
        for c in self.form.flows.values():
            self.awaited[c.to] += c.size / TB
        self.online: dict[str, list[float]] = {}
        # and by the free links alone: a plan short of money leaves the paid ones idle
        self.online_free: dict[str, list[float]] = {}
        # and what a TB on the paid ones costs, on average over what each can send (see `_links`)
        self.paid_price: dict[str, float] = {}
        paid = [0.0] * self.form.n  # and what all of them cost in each interval, busy
        for site in self.awaited:
            running, free, cumulative, cumulative_free = 0.0, 0.0, [0.0], [0.0]
            sent: dict[str, float] = defaultdict(float)
            for i in range(self.form.n):
                for name, link in self.form.links.items():
                    if link.to == site:
                        tb = float(link.rate) * HOUR / TB * self.form.open[name][i]
                        running += tb
                        sent[name] += tb
                        free += tb if plan.links[name].cost_per_gb == 0 else 0.0
                        paid[i] += tb * float(plan.links[name].cost_per_gb) * TB / 1e9
                cumulative.append(running)
                cumulative_free.append(free)
            self.online[site] = cumulative
            self.online_free[site] = cumulative_free
            charged = {name: tb for name, tb in sent.items() if plan.links[name].cost_per_gb > 0 and tb > 0}
            if charged:
                dollars = sum(tb * float(plan.links[name].cost_per_gb) * TB / 1e9 for name, tb in charged.items())
                self.paid_price[site] = dollars / sum(charged.values())
        self.link_money = list(itertools.accumulate(paid, initial=0.0))
        # whether drives may stay at home (see `improve`): for cost, from the start where the
        # estimate ranks (where the LP does, it scores bytes, and a drive at home only loses some)
        self.parking = self.due is not None and self.estimated
        # whether convoys may be filled part way (FILL_STEP): where the LP scores, for the fastest
        # plan with no budget. The LP scores without money, so a drive part full and a paid link
        # beside it score well, and within a budget the same routes deliver less (one leg each way
        # under $200: no plan)
        self.refills = not self.estimated and self.budget is None and self.due is None
        # more than any estimate within the budget can be: the horizon plus every TB missing
        self.over_budget = float(grid.horizon) / HOUR + sum(self.awaited.values())

    def _usable(self, cycle: tuple[str, ...]) -> bool:
        its = self.itineraries
        return any(self.plan.routes[r].to in its.write_sites | its.read_sites for r in cycle)

    def score(self, convoys: list[Convoy], target: int) -> Scored:
        """Deliveries by grid point `target` (and a little credit for earlier ones) of these convoys."""
        began = time.monotonic()
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
        self.last_seconds = time.monotonic() - began
        if not sol.found:
            return Scored(convoys, -1.0, -1.0, sol, form, routes)
        by = sum(float(sol.values[col]) for k in form.flows for col, _ in form.delivered(k, min(target, form.n)))
        return Scored(convoys, by, float(sol.objective or 0.0), sol, form, routes)

    def estimate(self, convoys: list[Convoy]) -> float:
        """Hours until everything is delivered by these convoys, estimated without the LP: the
        destinations' links busy from the start and every drive read there full. Past the
        horizon, the horizon plus the TB still missing. Optimistic (bytes ready wherever a drive
        is written), so it only ranks convoys; the LP settles what they really deliver.

        Under a budget, convoys whose departures before that completion cost more than it rank
        after all others (`over_budget` plus the money as a share of the budget): the search
        then trades speed for money until they fit (the paid links priced as `_links` says)."""
        return self._estimate(convoys)[0]

    def rank(self, convoys: list[Convoy]) -> float:
        """What `improve` lowers: the `estimate`; for `objective: cost`, the money the estimate
        counts for convoys done by the latest deadline (`due`), and those late after them all."""
        hours, money = self._estimate(convoys)
        if self.due is None:
            return hours
        return money if hours <= self.due else LATE + hours

    def _estimate(self, convoys: list[Convoy]) -> tuple[float, float]:
        """`estimate`, and the money of the departures before that completion and of the links
        (0 where nothing prices it: no budget, not for cost).

        Where money counts, the convoys are also estimated with the paid links idle, and that
        estimate is taken where it fits the budget (or costs less by the due time) and the one
        with all links busy does not: later, but with no link to pay (the large benchmark's paid
        links busy from the start cost $64,800 over its 60 days, and under a budget of $100,000 no
        convoys were within it when the estimate paid them so)."""
        _, reads = self.itineraries.simulate(convoys, routes=False)
        arrived: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for site, when, tb in reads:
            if site in self.awaited:
                arrived[site].append((when, tb))
        busy = self._finished(self.online, arrived)
        if not self.itineraries.priced:
            return busy[0] / HOUR + busy[1], 0.0
        options = [(busy, True)]
        if self.paid_price:
            options.append((self._finished(self.online_free, arrived), False))
        priced = []
        for (done, missing), links in options:
            until = done if missing <= 0 else math.inf  # short of everything: to the horizon
            money = self._departures(until) + (self._links(until, arrived) if links else 0.0)
            priced.append((money, done / HOUR + missing))
        if self.budget is not None:
            within = [(m, h) for m, h in priced if m <= self.budget]
            if not within:
                least = min(m for m, _ in priced)
                return self.over_budget + least / max(self.budget, 1e-9), least
            priced = within
        due = self.due
        if due is None:
            money, hours = min(priced, key=lambda o: (o[1], o[0]))  # the fastest within the budget
        else:
            money, hours = min(priced, key=lambda o: (o[1] > due, o[0], o[1]))  # the cheapest on time
        return hours, money

    def _finished(
        self, online: dict[str, list[float]], arrived: dict[str, list[tuple[float, float]]]
    ) -> tuple[float, float]:
        """(seconds when every destination has what it awaits, TB still missing then) with links
        bringing `online` and drives the `arrived` reads."""
        latest, missing = 0.0, 0.0
        for site, awaited in self.awaited.items():
            done, short = self._completion(online[site], sorted(arrived[site]), awaited)
            latest, missing = max(latest, done), missing + short
        return latest, missing

    def _departures(self, until: float) -> float:
        """What the departures before `until` cost: couriers, trips and drives."""
        return sum(paid for when, paid in self.itineraries.spent if when < until)

    def _links(self, until: float, arrived: dict[str, list[tuple[float, float]]]) -> float:
        """What the paid links cost up to `until`, with the drives' `arrived` reads. Under a
        budget, as busy throughout: the LP may send less on them, never more. For cost, what they
        must send for the destinations to have everything by then, beyond the drives and the free
        links, at their average price: the LP sends no more than it needs on them. Paid for as
        busy, the large benchmark as a cost plan with a 40-day deadline ended at $133,520 at 60 s,
        its couriers $124,200 of it; so, $113,460. (Under $150,000 so, 963.6 h in two runs, where
        884.0-894.7 h as busy.)"""
        points = self.itineraries.points
        when = min(until, points[-1])
        if self.due is None:
            return _online_at(self.link_money, points, when)
        money = 0.0
        for site, awaited in self.awaited.items():
            by_drive = sum(tb for at, tb in arrived[site] if at <= when)
            free = _online_at(self.online_free[site], points, when)
            room = _online_at(self.online[site], points, when) - free
            short = min(room, max(0.0, awaited - by_drive - free))
            if short > 0:
                money += short * self.paid_price.get(site, 0.0)
        return money

    def paid_for(self, convoys: list[Convoy]) -> frozenset[tuple[str, str, Fraction]]:
        """The convoys' departures (`Itineraries.build`), under a budget only those before the
        first that the budget cannot pay for: convoys cycle to the horizon, and a plan with fixed
        routes takes every one of them (large benchmark under $100,000: $98,500 of departures by
        the estimated completion, over $150,000 to the horizon)."""
        routes, _ = self.itineraries.simulate(convoys)
        if self.budget is None:
            return routes
        total, cut = 0.0, math.inf
        for when, money in sorted(self.itineraries.spent):
            total += money
            if total > self.budget:
                cut = when
                break
        return frozenset(r for r in routes if float(r[2]) < cut)

    def affordable(self, convoys: list[Convoy]) -> bool:
        """Within the budget by `estimate` (always, without one)."""
        return self.budget is None or self.estimate(convoys) < self.over_budget

    def _completion(self, online: list[float], reads: list[tuple[float, float]], awaited: float) -> tuple[float, float]:
        """(seconds when `online` TB by grid point plus `reads` reach `awaited`, TB short at the end)."""
        seconds, by_drive = self.itineraries.points, 0.0
        for when, tb in [*reads, (math.inf, 0.0)]:
            # before this read: does the network alone close what is left?
            needed = awaited - by_drive
            point = bisect.bisect_left(online, needed)
            if point < len(online):
                at = seconds[point]
                if point > 0 and online[point] > online[point - 1]:
                    share = (online[point] - needed) / (online[point] - online[point - 1])
                    at -= share * (seconds[point] - seconds[point - 1])
                if at <= when:
                    return at, 0.0
            by_drive += tb
            if when <= seconds[-1] and by_drive + _online_at(online, seconds, when) >= awaited:
                return when, 0.0
        return seconds[-1], max(0.0, awaited - by_drive - online[-1])

    def improve(self, convoys: list[Convoy], clock: Clock) -> list[Convoy]:
        """Iterated local search on `rank` (the estimate, or its money for cost), within `clock`:
        about 230 candidates a second on the large benchmark, where its LP scores one in 4-9 s.
        Its speed shows in the plan there: at 106-139 a second its 60 s (of a 300 s solve) ended
        on a plateau (776.3 h for 3,500 ranks) or just past it (772.3 h at 7,000), and the LP
        timed those convoys at 780-798 h; with 10,000 ranks and more, at 774 h (see the README).

        Under a budget, a start over it is first `trimmed` to within it, and drives may then stay
        at home or go out again. Else drives may stay at home only once half the time has not
        brought the convoys within the budget: leaving one home saves the most money at once, so a
        search allowed it from the start takes it first. The large benchmark at 60 s: under
        $100,000 no plan before the trimming, 989.0-990.6 h with it; under $150,000 it costs a
        little, 884.0-894.7 h where 878.0-880.0 h the same day (and 866.9 h with every drive
        always on the move, 893.9-916.9 h with drives free to stay home from the start untrimmed,
        in an earlier session)."""
        if self.budget is not None and not self.parking and not self.affordable(convoys):
            trimmed = self.trimmed(convoys)
            if self.affordable(trimmed):
                # a start within the budget, whose parked drives go out again as the search finds
                # money for them: the search alone can take long to get within it (large
                # benchmark under $100,000: $104,700 after 12 s, within it after 24 s)
                convoys, self.parking = trimmed, True
        if self.budget is None or self.parking:
            return self._descend(convoys, clock)
        left = clock.remaining()
        best = self._descend(convoys, Clock(None if left is None else left / 2))
        self.parking = not self.affordable(best)
        return self._descend(best, Clock(clock.remaining()))

    def on_time(self, late: Scored, target: int, clock: Clock) -> Iterator[Scored]:
        """For cost, where the estimate ranks: convoys the LP has deliver everything by `target`,
        from `late`, the cheapest the estimate had done by `due` and the LP did not. Each set
        delivering more than the last is yielded, every one on time among them.

        The estimate is optimistic, and the cheapest convoys it has done by `due` are done just
        by then: the LP often has them late. So `due` is moved earlier by twice the share they
        fell short, and the estimate's descent goes on from them; once a set is on time, `due`
        is bisected between the latest that was late and the earliest on time (later is
        cheaper). The large benchmark with a 35-day deadline: its cheapest convoys by the
        estimate, done by 837.2 h, deliver 19,206.9-19,306.1 TB of 20,000 by 840 h in the LP,
        and the LP's own search (2.5 s a move) found no plan in 60 s, nor in 120 s in one run of
        two. Due by 773.4 h, the estimate's convoys are on time, and by 806.4 h too, cheaper:
        $135,118-147,794 at 60 s, $131,470-189,865 at 120 s, $193,081 at 30 s. With 37 days,
        $127,122-128,419 at 60 s, where there was a plan in one run of two; with 33 days,
        $181,506 twice, where none."""
        best, latest = late, late
        late_due, early_due = self.due, None
        assert late_due is not None
        while True:
            left = clock.remaining()
            if left is not None and left < 4 * self.last_seconds:
                return
            if early_due is None:
                self.due = late_due * max(0.5, 1 - 2 * (1 - latest.delivered / self.form.total_tb))
            else:
                self.due = (late_due + early_due) / 2
                if late_due - early_due < DUE_STEP * late_due:
                    return
            descent = Clock(None if left is None else left * ON_TIME_SHARE)
            latest = self.score(self.improve(best.convoys, descent), target)
            if latest.delivered >= self.form.total_tb * (1 - TOLERANCE):
                early_due, best = self.due, latest
                yield latest
            else:
                late_due = self.due
                if early_due is None and latest.delivered > best.delivered:
                    best = latest
                    yield latest
                elif early_due is None and self.rank(latest.convoys) >= LATE:
                    # late by the estimate too, and no closer: an earlier due changes nothing the
                    # descent ranks by (every set is late, ranked by its hours), and without a
                    # time limit nothing else would end this
                    return

    def trimmed(self, convoys: list[Convoy]) -> list[Convoy]:
        """The convoys with drives left at home one at a time, each time the one whose staying
        saves the most, until they are within the budget (or one drive is left)."""
        while not self.affordable(convoys) and sum(len(c.units) for c in convoys) > 1:
            options = [
                [c for c in (_without(x, x.units[-1]) if i == at else x for i, x in enumerate(convoys)) if c.units]
                for at in range(len(convoys))
            ]
            convoys = min(options, key=self.rank)
        return convoys

    def _descend(self, convoys: list[Convoy], clock: Clock) -> list[Convoy]:
        best, best_value = convoys, self.rank(convoys)
        current, value, stale = best, best_value, 0
        while not clock.out() and stale <= STALE:
            moved = False
            for option in self.neighbours(current):
                if clock.out():
                    break
                ranked = self.rank(option)
                if ranked < value - 1e-9:
                    current, value, moved = option, ranked, True
                    break
            if moved:
                if value < best_value - 1e-9:
                    best, best_value, stale = current, value, 0
                continue
            stale += 1
            current = best
            for _ in range(KICKS):
                options = self.neighbours(current)
                if options:
                    current = options[0]
            value = self.rank(current)
        return best

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
        into another convoy; shift a convoy's first departure; where `refills`, fill a convoy's
        drives a step more or less (FILL_STEP). Once `parking`, for cost or over the budget also
        leave a drive at home, and with one at home send it out again: every drive on the move
        costs trips, and a budget can be too small for them all (large benchmark under $120,000:
        no plan at 60 s without these moves). Distinct up to identical drives."""
        out: dict[tuple[Any, ...], list[Convoy]] = {}
        if self.parking:
            parked = sum(len(c.units) for c in convoys) < len(self.form.drives)
            if parked or self.due is not None or not self.affordable(convoys):
                self._parking(convoys, out)
        for ci, convoy in enumerate(convoys):
            kinds = set()
            for unit in convoy.units:
                kind = self.kinds[unit]
                if kind in kinds:
                    continue  # moving an identical drive of the same convoy gives the same plan
                kinds.add(kind)
                rest = [_without(c, unit) if i == ci else c for i, c in enumerate(convoys)]
                for moved in self._placed(rest, unit, {0, convoy.offset + 1}, left=ci):
                    out.setdefault(self.signature(moved), moved)
            for step in (FILL_STEP, -FILL_STEP) if self.refills else ():
                fill = round(convoy.fill + step, 6)
                if FILL_LEAST <= fill <= 1.0:
                    refilled = [x if i != ci else replace(x, fill=fill) for i, x in enumerate(convoys)]
                    out.setdefault(self.signature(refilled), refilled)
            for delta in (1, -1):
                if convoy.offset + delta >= 0:
                    shifted = [x if i != ci else replace(x, offset=x.offset + delta) for i, x in enumerate(convoys)]
                    out.setdefault(self.signature(shifted), shifted)
        options = list(out.values())
        self.random.shuffle(options)
        return options

    def _parking(self, convoys: list[Convoy], out: dict[tuple[Any, ...], list[Convoy]]) -> None:
        """The moves that leave one drive at home, or send one from there, into `out`."""
        moving = {unit for convoy in convoys for unit in convoy.units}
        kinds: set[tuple[str, str, int]] = set()
        for ci, convoy in enumerate(convoys):
            for unit in convoy.units:
                if self.kinds[unit] not in kinds:
                    kinds.add(self.kinds[unit])
                    parked = [
                        c for c in (_without(x, unit) if i == ci else x for i, x in enumerate(convoys)) if c.units
                    ]
                    out.setdefault(self.signature(parked), parked)
        kinds.clear()
        for drive in self.form.drives:
            if drive.name in moving or drive.kind in kinds:
                continue
            kinds.add(drive.kind)
            for sent in self._placed(convoys, drive.name, (0,)):
                out.setdefault(self.signature(sent), sent)

    def _placed(
        self, rest: list[Convoy], unit: str, offsets: Iterable[int], left: int | None = None
    ) -> Iterator[list[Convoy]]:
        """`rest` with `unit` added: alone on each cycle from its home (from each of `offsets`),
        then into each convoy from its home but the one it `left`. Convoys left empty go."""
        home = self.form.by_name[unit].start
        for cycle in self.homes.get(home, []):
            for offset in offsets:
                yield [c for c in rest if c.units] + [Convoy(cycle, (unit,), offset)]
        for other, c in enumerate(rest):
            if other != left and c.units and self.form.by_name[c.units[0]].start == home:
                joined = [x if i != other else replace(x, units=(*x.units, unit)) for i, x in enumerate(rest)]
                yield [x for x in joined if x.units]

    def signature(self, convoys: list[Convoy]) -> tuple[Any, ...]:
        """The same for convoys that differ only in which identical drives they hold."""
        kinds = self.kinds
        return tuple(
            sorted((c.cycle, c.offset, c.fill, tuple(sorted(map(kinds.__getitem__, c.units)))) for c in convoys)
        )


def _apportion(weights: list[float], count: int) -> list[int]:
    """`count` split in proportion to `weights` (largest remainders)."""
    total = sum(weights)
    exact = [w / total * count for w in weights]
    shares = [int(e) for e in exact]
    for i in sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)[: count - sum(shares)]:
        shares[i] += 1
    return shares


IMPROVE_ABOVE = 20_000
"""Convoy LPs with more columns than this are too slow to search with (large benchmark: 95,401
columns, 4-9 s each, 5 scored in 30 s); the search then starts from `ConvoySearch.improve`. Below
it the LP scores candidates itself (medium benchmark: 7,426 columns, 16-20 scored in 6 s)."""
IMPROVE_SHARE = 0.4
"""Share of the convoy search's time for `ConvoySearch.improve` before the LP scores anything."""
LP_COLUMNS_PER_SECOND = 15_000
"""About how fast a convoy LP solves (large benchmark: 95,401 columns in 4-9 s)."""
ESTIMATE_SLACK = 0.05
"""Where the estimate ranks convoys, the first LP asks for everything this share after the
estimated completion (see `best_itinerary`)."""
LP_SLOW_END = 1.5
"""A convoy LP can take this many times what LP_COLUMNS_PER_SECOND predicts (large benchmark:
7.2-8.3 s on 2026-12-06, where 6.4 s predicted): a first LP that could outlast the time left so is
not started, as it would answer late, if at all (at 10 s, after 12.2 s with no plan)."""
FILL_STEP = 0.2
"""How much a move changes a convoy's `fill`. The one-lane benchmark (three drives, 960 TB): with
every drive full, 565.3 h at 60 s; with steps of 0.1, 543.1 h, its convoys stuck at 568-580 h for
five seeds of the search in eight, since 0.8 took two steps and the first did not pay; with steps
of 0.2 (and of 0.1 and 0.2 both), 520 h for each of sixteen seeds in 0.4-1.5 s, and the solve
518.9 h. Medium: its convoys at 5.5 s reach 328 h for eleven seeds of sixteen, as with no fill
moves, where with both steps for eight (more moves, more to score). Not where the estimate ranks:
the large benchmark at 60 s gave 786.0 and 790.0 h with them, 772.1 h twice without."""
FILL_LEAST = 0.2
"""The least `fill` a move makes."""
KICKS = 2
"""Random moves that perturb a local optimum before the search goes on (iterated local search)."""
STALE = 8
"""Perturbations in a row without a better plan after which the search stops."""
LATE = 1e12
"""Where `ConvoySearch.rank` puts convoys done after the deadline, for cost: past any money."""
DUE_STEP = 0.01
"""`ConvoySearch.on_time` bisects the estimate's due time down to this share of it."""
ON_TIME_SHARE = 0.25
"""Share of the time left for each of `ConvoySearch.on_time`'s descents, which start from a set
near the due time (the large benchmark at 60 s, 33-day deadline: a plan in two runs of two, where
with IMPROVE_SHARE, 0.4, in one of two; 35 and 37 days within the same spread)."""


def best_itinerary(
    plan: Plan,
    grid: Grid,
    backend: str,
    clock: Clock,
    say: Callable[[str], None] | None = None,
    use_links: bool = True,
    patience: Clock | None = None,
    each: Callable[[frozenset[tuple[str, str, Fraction]], Fraction], None] | None = None,
) -> tuple[frozenset[tuple[str, str, Fraction]], Fraction] | None:
    """Route decisions (unit, route, departure time) of the convoys that deliver everything
    earliest, and that completion on the grid; None if no convoys deliver everything by its end.

    Iterated local search within `clock`: first-improvement moves scored by "TB delivered by one
    point before the best completion so far", and random kicks out of local optima. Until a first
    plan is found the search may go on within `patience` (a longer clock): without one, every
    later stage starts from nothing. `each` is handed every set of routes that delivers
    everything, with its completion, as the search finds them (each earlier than the last).
    """
    search = ConvoySearch(plan, grid, backend, use_links=use_links)
    total = search.form.total_tb * (1 - TOLERANCE)
    target = search.form.n
    convoys = search.start()
    if search.estimated:
        # the estimate ranks tens of convoys a second where this LP scores one in seconds
        left = clock.remaining()
        convoys = search.improve(convoys, Clock(None if left is None else left * IMPROVE_SHARE))
        if search.budget is not None and not search.affordable(convoys):
            # the LP's moves keep to the budget, so from convoys over it they have nowhere to go:
            # the estimate goes on until they fit, within the patience (large benchmark under
            # $100,000: $104,700 after 12 s, within it after 24 s)
            lp = len(search.form.model.lb) / LP_COLUMNS_PER_SECOND
            rest = (patience or clock).remaining()
            convoys = search.improve(convoys, Clock(None if rest is None else max(0.0, rest - 2 * lp)))
    longest = LP_SLOW_END * len(search.form.model.lb) / LP_COLUMNS_PER_SECOND
    left = (patience or clock).remaining()
    if left is not None and left < longest:
        return None  # the first LP could not end in time: no plan either way, only a late answer
    if search.estimated:
        # an LP asked for everything by the horizon barely cares when (large benchmark: done by
        # 1320 h, then 876, 864 and 848 h as the target closes in); ask for it by the estimate,
        # and a little after: the estimate is optimistic, and by itself the LP had 98.8-99.6 % of
        # the data there, so that a second LP, by the horizon, made the first plan (9-13 s each;
        # large at 20 s and 30 s: no plan, now 816.0 h and 813.1 h). Not for cost, whose search
        # moves the time it asks for by what the LP falls short (`on_time`)
        late = search.estimate(convoys) * (1 + (ESTIMATE_SLACK if search.due is None else 0))
        target = min(search.form.n, grid.ceil(Fraction(late * HOUR)) + 1)
    current = search.score(convoys, target)
    if current.delivered < total and target < search.form.n:
        if _short(search, clock, patience):
            return None  # as above: the large benchmark at 10 s answered at 22 s, with no plan
        target = search.form.n
        current = search.score(convoys, target)
    if search.estimated and search.due is not None and current.delivered < total:
        # the last is handed on below, as the search's first plan
        *earlier, current = [current, *search.on_time(current, target, patience or clock)]
        for scored in earlier:
            if each is not None and scored.delivered >= total:
                each(search.paid_for(scored.convoys), grid.points[done_point(scored.form, scored.solution)])
    incumbent: Scored | None = None
    stale = 0
    heeded = search.estimated and search.budget is not None  # the LP ignores the budget: moves keep to it

    def out() -> bool:
        # an LP has no time limit of its own: one that cannot end in time is not started (large
        # benchmark at 60 s: the last one ended 3.5 s past the search's share)
        return _short(search, clock, None if incumbent is not None else patience)

    while True:
        # a plan the last LP made is taken, even once the time is out (large benchmark at 30 s:
        # the LP that delivered everything ended past the search's patience and was dropped)
        if current.delivered >= total and (not heeded or search.affordable(current.convoys)):
            incumbent, stale = current, 0
            point = done_point(current.form, current.solution)
            if say is not None:
                say(f"convoys deliver everything by {float(grid.points[point]) / HOUR:.1f} h")
            if each is not None:
                each(search.paid_for(current.convoys), grid.points[point])
            if point <= 1 or out():
                break
            target = point - 1
            current = search.score(current.convoys, target)
            continue
        if out():
            break
        better = None
        for convoys in search.neighbours(current.convoys):
            if out():
                break
            if heeded and not search.affordable(convoys):
                continue
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
            options = [o for o in search.neighbours(kicked) if not heeded or search.affordable(o)]
            if options:
                kicked = options[0]
        if out():
            break
        current = search.score(kicked, target)
    if incumbent is None:
        return None
    return search.paid_for(incumbent.convoys), grid.points[done_point(incumbent.form, incumbent.solution)]


def _short(search: ConvoySearch, clock: Clock, patience: Clock | None) -> bool:
    """Whether another LP, as long as the last, would end after `clock` and `patience` (the
    longer of the two, which the search has while it has no plan)."""
    lefts = [c.remaining() for c in (clock, patience) if c is not None]
    known = [left for left in lefts if left is not None]
    return len(known) == len(lefts) and max(known) <= max(0.05, search.last_seconds)


def _online_at(online: list[float], seconds: list[float], when: float) -> float:
    """TB the links have brought by `when` (seconds), linear inside a grid interval."""
    point = bisect.bisect_right(seconds, when)
    if point >= len(seconds):
        return online[-1]
    before = seconds[point - 1]
    share = (when - before) / (seconds[point] - before)
    return online[point - 1] + share * (online[point] - online[point - 1])


def _without(convoy: Convoy, unit: str) -> Convoy:
    return replace(convoy, units=tuple(u for u in convoy.units if u != unit))
