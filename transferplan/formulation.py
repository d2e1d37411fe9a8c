"""The time-expanded model: variables, constraints and objectives, one method per rule of the spec.

Drives are modelled one by one (each has its own route flow and content per dataset), because an
aggregate drive pool promises plans nobody can run: one drive filled at the rate of two, or empty
drives joining a loaded shipment to speed up its reading. Couriers carry no data and are fungible,
so they are counted per pool. Units inside the model: terabytes and hours (well-scaled numbers).

Within an interval of the grid, a plan-mode model is conservative so every solution replays in
continuous time: a drive reads before it writes, data is sent on only from what a site held at the
start of the interval, and a site's `io_rate` is met by connecting at most io_rate / drive rate
drives at once. The relaxed mode (for lower bounds) drops these restrictions and rounds the grid the
optimistic way, so its optimum is never later than any continuous-time plan's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from .backend import INF, LinearModel
from .bounds import reachable
from .schema import Plan
from .timegrid import Departure, Grid, Rounding, departures, open_spans

TB = 10**12
"""Bytes per model data unit."""
HOUR = 3600
"""Seconds per model time unit."""


COHORT_PAIRS = 2_000
"""At most this many (arrival, departure) pairs at a site for `_cohort_writes`, whose columns grow
with their product: gpu-onboarding's 14 days have 350 at HQ (171 columns); the 91 days of the LP
that explains a missed deadline (`_Optimiser.alone`) had 16,468, and the command took 26.6 s,
3.4 s without them."""


@dataclass(frozen=True)
class Mode:
    """Which variant of the model to build."""

    relaxed: bool = False  # lower-bound model (see module docstring)
    free_last: bool = False  # the last interval's length is the variable `last` (exact makespan)
    require_all: bool = True  # every dataset fully delivered by the end of the grid
    use_links: bool = True  # False: the shipping-only baseline
    use_drives: bool = True  # False: the network-only baseline
    cost_cap: float | None = None  # cost at most this (lexicographic second phase)
    unit_limit: int | None = None  # at most this many units per group of identical drives (None: one each)
    routes: frozenset[tuple[str, str, Fraction]] | None = None  # fixed itinerary: (unit, route, departure)
    # drives on each departure (route, departure, drives), none on the others; which drives is free
    counts: frozenset[tuple[str, Fraction, int]] | None = None
    fleet: frozenset[str] | None = None  # only these drives (by name); the others stay where they start

    def following(self, routes: frozenset[tuple[str, str, Fraction]]) -> Mode:
        """This mode with the drives' trips fixed to `routes` (drive, route, departure), and only
        the drives that take them modelled: a drive with no trip moves nothing (schedule.py drops
        its work), yet each adds its columns (gpu-onboarding with 48 drives, a start of 12 timed
        in 4.4 s with all 48, 1.0 s with its own)."""
        moved = frozenset(drive for drive, _route, _leaves in routes)
        return replace(self, routes=routes, fleet=moved if self.fleet is None else moved & self.fleet)


@dataclass(frozen=True)
class DriveInfo:
    """A unit of identical drives that always move and work together (one drive unless batched).

    Rates and capacity are per physical drive; the unit moves `count` times as much.
    """

    name: str
    type: str
    start: str
    capacity: float  # TB
    write: float  # TB/h
    read: float  # TB/h
    members: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def kind(self) -> tuple[str, str, int]:
        """Units of the same kind are interchangeable: same type, same start, same size."""
        return self.type, self.start, self.count


@dataclass(frozen=True)
class Commodity:
    """What the model tracks as one kind of bytes: a dataset, or all datasets bound for one site.

    `origins` lists (site, ready seconds, bytes) supplies; `deadline` is the tightest deadline.
    """

    name: str
    to: str
    datasets: tuple[str, ...]
    origins: tuple[tuple[str, Fraction, int], ...]
    deadline: Fraction | None

    @property
    def size(self) -> int:
        return sum(b for _, _, b in self.origins)


def _hours(seconds: Fraction) -> float:
    return float(seconds) / HOUR


class Formulation:
    """Builds a LinearModel for one plan, grid and mode, and keeps the maps needed to read a solution."""

    def __init__(self, plan: Plan, grid: Grid, mode: Mode = Mode()):
        self.plan, self.grid, self.mode = plan, grid, mode
        self.model = LinearModel()
        self.n = grid.intervals
        self.length = [_hours(grid.length(i)) for i in range(self.n)]
        # (unit, arrival or None, departure) -> drives that came on it (or started there) and
        # leave on the departure next, where the relaxation splits them (`_cohort_writes`): what
        # unpool.py follows
        self.stays: dict[tuple[str, int | None, int], int] = {}
        self._index()
        self._variables()
        self.add_constraints()

    # ------------------------------------------------------------------ index sets
    def _index(self) -> None:
        plan, mode = self.plan, self.mode
        rounding = Rounding.OPTIMISTIC if mode.relaxed else Rounding.CONSERVATIVE
        self.deps: list[Departure] = (
            [d for d in departures(plan, self.grid, rounding) if d.depart_point < self.n] if mode.use_drives else []
        )
        self.drives = self._units() if mode.use_drives else []
        self.by_name = {d.name: d for d in self.drives}
        self.links = {n: link for n, link in plan.links.items()} if mode.use_links else {}
        self._commodities()
        self.reach = {q: self._commodity_sites(c) for q, c in self.flows.items()}
        self.bays = {s: site.bays for s, site in plan.sites.items()}
        self._drive_sites_for()
        self.drive_sites = {d.name: self._reachable_by_route(d.start) for d in self.drives}
        if mode.routes is not None:  # a given itinerary: a drive is only ever where it takes it
            for d in self.drives:
                self.drive_sites[d.name] = {d.start}
            for unit, route, _time in mode.routes:
                if unit in self.drive_sites:
                    self.drive_sites[unit] |= {plan.routes[route].from_, plan.routes[route].to}
        self.route_deps: dict[int, Departure] = dict(enumerate(self.deps))
        self.counts = {(route, time): n for route, time, n in self.mode.counts or ()}
        self.open = {
            name: [float(s) / HOUR for s in self.grid.open_seconds(self._windows(name))]
            if link.windows
            else list(self.length)
            for name, link in self.links.items()
        }

    def _units(self) -> list[DriveInfo]:
        """Physical drives, or (with `unit_limit`) identical drives batched into at most that many
        units per type and start site. A batched plan is a plan for the drives one by one: each
        drive of a unit does an equal share, side by side on its own bay."""
        groups = drive_groups(self.plan, self.mode.fleet)
        units = []
        # a relaxation may pool identical drives freely: its LP is the per-drive LP summed
        largest = len(self.plan.drive_names()) if self.mode.relaxed else max_unit_size(self.plan)
        for (type_name, start), names in groups.items():
            t = self.plan.drives[type_name]
            # at most `unit_limit` units, but none larger than every route can carry at once
            parts = min(len(names), max(self.mode.unit_limit or len(names), -(-len(names) // largest)))
            size, extra = divmod(len(names), parts)
            at = 0
            for p in range(parts):
                members = tuple(names[at : at + size + (1 if p < extra else 0)])
                at += len(members)
                label = members[0] if len(members) == 1 else f"{members[0]}..{members[-1].split('#')[-1]}"
                rates = (float(t.write_rate) * HOUR / TB, float(t.read_rate) * HOUR / TB)
                units.append(DriveInfo(label, type_name, start, t.capacity / TB, *rates, members=members))
        return units

    def _windows(self, link: str) -> list[tuple[Fraction, Fraction]]:
        return open_spans(self.plan, link, self.grid.horizon)

    def _edges(self) -> dict[str, set[str]]:
        edges: dict[str, set[str]] = defaultdict(set)
        for link in self.links.values():
            edges[link.from_].add(link.to)
        if self.drives:
            for route in self.plan.routes.values():
                edges[route.from_].add(route.to)
        return edges

    def _commodity_sites(self, c: Commodity) -> set[str]:
        """Sites where a commodity can usefully be: reachable from an origin and able to reach `to`."""
        edges = self._edges()
        back: dict[str, set[str]] = defaultdict(set)
        for a, bs in edges.items():
            for b in bs:
                back[b].add(a)
        forward = set().union(*(reachable(site, edges) for site, _, _ in c.origins))
        return forward & reachable(c.to, back)

    def _reachable_by_route(self, start: str) -> set[str]:
        edges: dict[str, set[str]] = defaultdict(set)
        for route in self.plan.routes.values():
            edges[route.from_].add(route.to)
        return reachable(start, edges)

    # ------------------------------------------------------------------ variables
    def _variables(self) -> None:
        m, plan = self.model, self.plan
        given = self.mode.routes  # the route decisions, when given: only data is left to choose
        self.x = {
            (d.name, j): m.var(1 if given else 0, 1, True)
            for d in self.drives
            for j, dep in self.route_deps.items()
            if plan.routes[dep.route].from_ in self.drive_sites[d.name]
            and (given is None or (d.name, dep.route, dep.time) in given)
        }
        # relaxed mode: the integer column holding how many of a unit's drives take a departure
        self.drive_count: dict[tuple[str, int], int] = {}
        if self.mode.relaxed:
            # a pooled unit sends any whole number of its drives, not all or none: as a MIP the
            # relaxed model is then the aggregate drive pool, an over-promise (so a valid bound)
            for (unit, j), col in self.x.items():
                count = self.by_name[unit].count
                self.drive_count[unit, j] = col
                if count > 1:
                    m.integer[col] = False
                    self.drive_count[unit, j] = m.var(0, count, True)
                    m.row([(col, float(count)), (self.drive_count[unit, j], -1.0)], 0.0, 0.0)
        self.y = {
            (d.name, s, i): m.var(0, 1)
            for d in self.drives
            for s in sorted(self.drive_sites[d.name])
            for i in range(self.n)
        }
        self.u = {}
        for j, dep in self.route_deps.items():
            pool = plan.routes[dep.route].courier
            if pool is not None:
                self.u[j] = m.var(0, sum(plan.couriers[pool].fleet.values()), True)
        self._drive_variables()
        carried = {(d, q) for d, q, _, _ in self.w} | {(d, q) for d, q, _, _ in self.r}
        self.c = {
            (d, k, g): m.var(0, self._drive(d).capacity * self._drive(d).count)
            for d, k in sorted(carried)
            for g in range(1, self.n + 1)
        }
        self.f = {}
        for name, link in self.links.items():
            for k, c in self.flows.items():
                if link.from_ in self.reach[k] and link.to in self.reach[k] and link.from_ != c.to:
                    for i in range(self.n):
                        if self.open[name][i] > 0:
                            self.f[name, k, i] = m.var(0, INF)
        self.inv = {
            (k, s, g): m.var(0, INF)
            for k, c in self.flows.items()
            for s in sorted(self.reach[k] - {c.to})
            for g in range(1, self.n)
        }
        self.last = m.var(0, self.length[-1]) if self.mode.free_last else None
        self._lookups()

    def _drive_variables(self) -> None:
        """Writes, reads (keyed by commodity) and, in aggregate mode, site-level writes per dataset."""
        m = self.model
        self.w: dict[tuple[str, str, str, int], int] = {}
        self.r: dict[tuple[str, str, str, int], int] = {}
        for q, (write_sites, read_sites) in self.commodity_sites.items():
            for d in self.drives:
                for s in sorted(self.drive_sites[d.name] & write_sites):
                    for i in range(self.n):
                        self.w[d.name, q, s, i] = m.var(0, d.count * d.write * self.length[i])
                for s in sorted(self.drive_sites[d.name] & read_sites):
                    for i in range(1, self.n):
                        self.r[d.name, q, s, i] = m.var(0, d.count * d.read * self.length[i])

    def _commodities(self) -> None:
        """What is tracked as one kind of bytes: each dataset, or (aggregate mode) each destination.

        Aggregate mode is exact when no deadline falls inside the grid: datasets bound for the same
        site are then interchangeable on every link, drive and shelf, since all that matters is that
        every byte arrives by the end. The schedule gives bytes their dataset names afterwards by
        replaying the flows (a flow in a time-expanded network always decomposes by source).
        """
        plan = self.plan
        inside = [plan.deadline_seconds(k) for k in plan.datasets]
        self.aggregate = all(d is None or d >= self.grid.horizon for d in inside)
        groups: dict[str, list[str]] = defaultdict(list)
        for k, ds in plan.datasets.items():
            groups[f"->{ds.to}" if self.aggregate else k].append(k)
        self.flows: dict[str, Commodity] = {}
        for q, names in groups.items():
            deadlines = [d for d in (plan.deadline_seconds(k) for k in names) if d is not None]
            self.flows[q] = Commodity(
                name=q,
                to=plan.datasets[names[0]].to,
                datasets=tuple(names),
                origins=tuple((plan.datasets[k].at, plan.ready_seconds(k), plan.datasets[k].size) for k in names),
                deadline=min(deadlines) if deadlines else None,
            )

    def _drive_sites_for(self) -> None:
        """Per commodity, the sites with bays where drives may write it and where they may read it."""
        bays = {s for s, b in self.bays.items() if b > 0}
        self.commodity_sites: dict[str, tuple[set[str], set[str]]] = {}
        for q, c in self.flows.items():
            origins = {site for site, _, _ in c.origins}
            reads = {c.to} if self.aggregate else self.reach[q] - origins
            self.commodity_sites[q] = ((self.reach[q] - {c.to}) & bays, reads & bays)

    def _lookups(self) -> None:
        """Indexes from (dataset, site, interval) and friends to columns, so building stays linear."""
        self.ops_at: dict[tuple[str, str, int], list[tuple[str, int, bool]]] = defaultdict(list)  # (d,s,i)
        self.site_in: dict[tuple[str, str, int], list[int]] = defaultdict(list)  # (k,s,i)
        self.site_out: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        self.drive_w: dict[tuple[str, str, int], list[int]] = defaultdict(list)  # (d,k,i)
        self.drive_r: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for (d, q, s, i), col in self.w.items():
            self.ops_at[d, s, i].append((q, col, True))
            self.drive_w[d, q, i].append(col)
            self.site_out[q, s, i].append(col)
        for (d, q, s, i), col in self.r.items():
            self.ops_at[d, s, i].append((q, col, False))
            self.drive_r[d, q, i].append(col)
            self.site_in[q, s, i].append(col)
        self.link_at: dict[tuple[str, int], list[int]] = defaultdict(list)
        for (ln, k, i), col in self.f.items():
            self.link_at[ln, i].append(col)
            self.site_out[k, self.links[ln].from_, i].append(col)
            self.site_in[k, self.links[ln].to, i].append(col)
        self.leaving: dict[tuple[str, int], list[int]] = defaultdict(list)  # (site, point) -> departures
        self.coming: dict[tuple[str, int], list[int]] = defaultdict(list)
        for j, dep in self.route_deps.items():
            route = self.plan.routes[dep.route]
            self.leaving[route.from_, dep.depart_point].append(j)
            self.coming[route.to, dep.arrive_point].append(j)
        self.trips_of: dict[str, list[int]] = defaultdict(list)  # drive -> its x columns
        self.departures_of: dict[str, list[int]] = defaultdict(list)  # drive -> its departures
        for (d, j), col in self.x.items():
            self.trips_of[d].append(col)
            self.departures_of[d].append(j)

    def _drive(self, name: str) -> DriveInfo:
        return self.by_name[name]

    # ------------------------------------------------------------------ constraints
    def add_constraints(self) -> None:
        """Every rule of the plan format, in order. Drive flows come first: the rest refers to them."""
        self._drive_routes()  # rule 3/4: drives start where fleet puts them and move only on routes
        self._courier_routes()  # rule 4: couriers likewise
        self._departures()  # rule 4: max_drives, couriers per `carry`
        self._drive_io()  # rule 3: a drive reads or writes only at a site with bays, at its rates
        self._site_io()  # rule 3: bays and io_rate
        self._drive_content()  # rule 3: capacity; bytes stay on a drive until read
        self._site_storage()  # rule 1: data exists from `ready`; nothing is sent that is not there
        self._link_capacity()  # rule 2: bandwidth x efficiency inside windows
        self._delivery()  # rule 1 and 6: every byte delivered, deadlines
        self._cost_limits()  # rule 6: budget, and the cost cap of a lexicographic phase
        self._symmetry()  # identical drives are interchangeable: order them
        if self.mode.relaxed:
            self._located_content()  # bytes travel with the drive (what makes the bound tight)

    def _drive_routes(self) -> None:
        m = self.model
        for d in self.drives:
            mine = {j: self.x[d.name, j] for j in self.departures_of[d.name]}
            for s in sorted(self.drive_sites[d.name]):
                for g in range(self.n):
                    terms = [(self.y[d.name, s, g], 1.0)]
                    if g > 0:
                        terms.append((self.y[d.name, s, g - 1], -1.0))
                    terms += self._moves(s, g, mine)
                    m.row(terms, *([1.0 if (g == 0 and s == d.start) else 0.0] * 2))

    def _moves(self, site: str, point: int, cols: dict[int, int]) -> list[tuple[int, float]]:
        """Flow terms at (site, point) for departure columns `cols`: leaving (+1), arriving (-1)."""
        terms = [(cols[j], 1.0) for j in self.leaving[site, point] if j in cols]
        return terms + [(cols[j], -1.0) for j in self.coming[site, point] if j in cols]

    def _courier_routes(self) -> None:
        for pool_name, pool in self.plan.couriers.items():
            mine = {
                j: col for j, col in self.u.items() if self.plan.routes[self.route_deps[j].route].courier == pool_name
            }
            # a pool's couriers are only ever where they start or where its routes go
            sites = set(pool.fleet) | {
                site for r in self.plan.routes.values() if r.courier == pool_name for site in (r.from_, r.to)
            }
            q = {(s, i): self.model.var(0, INF) for s in sorted(sites) for i in range(self.n)}
            for s in sorted(sites):
                for g in range(self.n):
                    terms = [(q[s, g], 1.0)] + ([(q[s, g - 1], -1.0)] if g > 0 else [])
                    start = float(pool.fleet.get(s, 0)) if g == 0 else 0.0
                    self.model.row(terms + self._moves(s, g, mine), start, start)

    def _departures(self) -> None:
        m, plan = self.model, self.plan
        self.trip = {}
        for j, dep in self.route_deps.items():
            route = plan.routes[dep.route]
            drives = [(self.x[d.name, j], float(d.count)) for d in self.drives if (d.name, j) in self.x]
            if route.max_drives is not None:
                m.row(drives, ub=route.max_drives)
            if self.mode.counts is not None:
                wanted = float(self.counts.get((dep.route, dep.time), 0))
                m.row(drives, wanted, wanted)
            if j in self.u:
                m.row(drives + [(self.u[j], -float(plan.couriers[route.courier].carry))], ub=0.0)  # type: ignore[index]
            if route.cost_per_trip > 0:
                self.trip[j] = m.var(0, 1, True)
                big = sum(c for _, c in drives) + (m.ub[self.u[j]] if j in self.u else 0)
                m.row(drives + ([(self.u[j], 1.0)] if j in self.u else []) + [(self.trip[j], -big)], ub=0.0)

    def _rate_cap(self, site: str) -> tuple[float | None, int]:
        """(io_rate in TB/h, bays usable at once) for a site, made conservative in plan mode."""
        io = self.plan.sites[site].io_rate
        bays = self.bays[site]
        if io is None:
            return None, bays
        io_tbh = float(io) * HOUR / TB
        if self.mode.relaxed:
            return io_tbh, bays
        fastest = max((max(d.read, d.write) for d in self.drives), default=io_tbh)
        return io_tbh, max(1, min(bays, int(io_tbh // fastest)))

    def _op_terms(self, drive: str, site: str, i: int) -> list[tuple[int, float]]:
        d = self._drive(drive)
        io, _ = self._rate_cap(site)
        # Where io_rate is below a drive's own rate, the drive runs at io_rate (plan mode).
        slow = (lambda rate: min(rate, io)) if (io is not None and not self.mode.relaxed) else (lambda rate: rate)
        # hours each drive of the unit is connected: the unit's bytes over its drives' joint rate
        return [
            (col, 1.0 / (d.count * slow(d.write if is_write else d.read)))
            for _k, col, is_write in self.ops_at[drive, site, i]
        ]

    def _drive_io(self) -> None:
        for d in self.drives:
            for s in sorted(self.drive_sites[d.name]):
                if self.bays[s] == 0:
                    continue
                for i in range(self.n):
                    terms = self._op_terms(d.name, s, i)
                    if terms:
                        self.model.row(terms + [(self.y[d.name, s, i], -self.length[i])], ub=0.0)
                        if self.last is not None and i == self.n - 1:
                            self.model.row(terms + [(self.last, -1.0)], ub=0.0)

    def _site_io(self) -> None:
        for s, bays in self.bays.items():
            if bays == 0:
                continue
            io, usable = self._rate_cap(s)
            for i in range(self.n):
                # each drive of a unit holds a bay for the unit's connected time
                terms = [
                    (col, coef * d.count)
                    for d in self.drives
                    if s in self.drive_sites[d.name]
                    for col, coef in self._op_terms(d.name, s, i)
                ]
                if not terms:
                    continue
                self._scaled_row(terms, usable, i)
                if io is not None and self.mode.relaxed:
                    volume = [(col, 1.0) for d in self.drives for _k, col, _w in self.ops_at[d.name, s, i]]
                    self._scaled_row(volume, io, i)

    def _scaled_row(self, terms: list[tuple[int, float]], per_hour: float, i: int) -> None:
        """sum(terms) <= per_hour x (length of interval i), the last interval's length possibly free."""
        if self.last is not None and i == self.n - 1:
            self.model.row(terms + [(self.last, -per_hour)], ub=0.0)
        else:
            self.model.row(terms, ub=per_hour * self.length[i])

    def _drive_content(self) -> None:
        m = self.model
        by_drive: dict[str, set[str]] = defaultdict(set)
        for d, k, _g in self.c:
            by_drive[d].add(k)
        for d, ks in by_drive.items():
            for k in sorted(ks):
                for i in range(self.n):
                    writes = [(col, 1.0) for col in self.drive_w[d, k, i]]
                    reads = [(col, 1.0) for col in self.drive_r[d, k, i]]
                    before = [(self.c[d, k, i], 1.0)] if i > 0 else []
                    # content after = before + writes - reads
                    m.row(
                        [(self.c[d, k, i + 1], 1.0)]
                        + [(c, -1.0) for c, _ in before]
                        + [(c, -1.0) for c, _ in writes]
                        + reads,
                        0.0,
                        0.0,
                    )
                    # a drive reads only what it held at the start of the interval (plan mode)
                    slack = writes if self.mode.relaxed else []
                    if reads:
                        m.row(reads + [(c, -1.0) for c, _ in before + slack], ub=0.0)
            for g in range(1, self.n + 1):
                m.row([(self.c[d, k, g], 1.0) for k in sorted(ks)], ub=self._drive(d).capacity * self._drive(d).count)

    def _site_storage(self) -> None:
        m = self.model
        for k, c in self.flows.items():
            supply: dict[tuple[str, int], float] = defaultdict(float)
            for site, ready, size in c.origins:
                point = self.grid.floor(ready) if self.mode.relaxed else self.grid.ceil(ready)
                supply[site, point] += size / TB
            for s in sorted(self.reach[k] - {c.to}):
                for g in range(self.n):
                    out = [(col, 1.0) for col in self._outflows(k, s, g)]
                    inflow = [(col, 1.0) for col in self._inflows(k, s, g)]
                    held = [(self.inv[k, s, g], 1.0)] if g > 0 else []
                    start = supply[s, g] if g == 0 else 0.0
                    slack = inflow if self.mode.relaxed else []
                    if out:  # send on only what the site held at the start (plan mode)
                        m.row(out + [(col, -1.0) for col, _ in held + slack], ub=start)
                    if g + 1 < self.n:
                        arriving = start + supply[s, g + 1]
                        m.row(
                            [(self.inv[k, s, g + 1], 1.0)] + [(col, -1.0) for col, _ in held + inflow] + out,
                            arriving,
                            arriving,
                        )

    def _outflows(self, k: str, s: str, i: int) -> list[int]:
        return self.site_out.get((k, s, i), [])

    def _inflows(self, k: str, s: str, i: int) -> list[int]:
        return self.site_in.get((k, s, i), [])

    def _link_capacity(self) -> None:
        for name, link in self.links.items():
            rate = float(link.rate) * HOUR / TB
            for i in range(self.n):
                terms = [(col, 1.0) for col in self.link_at.get((name, i), [])]
                if not terms:
                    continue
                share = self.open[name][i] / self.length[i] if self.length[i] else 0.0
                self._scaled_row(terms, rate * share, i)

    def delivered(self, k: str, upto: int | None = None, since: int = 0) -> list[tuple[int, float]]:
        """Columns whose sum is the bytes (TB) of k arriving at its `to` in intervals from `since`
        up to before `upto`."""
        to = self.flows[k].to
        upto = self.n if upto is None else upto
        return [(col, 1.0) for i in range(since, upto) for col in self._inflows(k, to, i)]

    def _delivery(self) -> None:
        for k, c in self.flows.items():
            size = c.size / TB
            self.model.row(self.delivered(k), size if self.mode.require_all else -INF, size)
            if c.deadline is not None and c.deadline < self.grid.horizon:
                self.model.row(self.delivered(k, self.grid.floor(c.deadline)), lb=size)

    def cost_terms(self) -> list[tuple[int, float]]:
        """The plan's cost (rule 5) as linear terms, in the plan's currency."""
        plan, terms = self.plan, []
        for (ln, _k, _i), col in self.f.items():
            terms.append((col, float(plan.links[ln].cost_per_gb) * TB / 1e9))
        for (unit, j), col in self.x.items():
            per_drive = float(plan.routes[self.route_deps[j].route].cost_per_drive)
            terms.append((col, self.by_name[unit].count * per_drive))
        for j, col in self.u.items():
            terms.append((col, float(plan.routes[self.route_deps[j].route].cost_per_courier)))
        for j, col in self.trip.items():
            terms.append((col, float(plan.routes[self.route_deps[j].route].cost_per_trip)))
        self.used = {}
        for d in self.drives:
            each = float(plan.drives[d.type].cost_each)
            if each <= 0:
                continue
            if self.mode.relaxed:
                self.used[d.name] = self._pooled_used(d)
                terms.append((self.used[d.name], each))
                continue
            self.used[d.name] = used = self.model.var(0, 1, True)
            terms.append((used, each * d.count))
            for col in self.trips_of[d.name]:
                self.model.row([(col, 1.0), (used, -1.0)], ub=0.0)
        return terms

    def cost_of(self, values: np.ndarray) -> float:
        """What a solution of this model costs (rule 5), in the plan's currency."""
        return float(sum(coef * values[col] for col, coef in self.cost))

    def _pooled_used(self, d: DriveInfo) -> int:
        """How many of a pooled unit's drives a plan uses: at least as many as take one departure,
        and as many as are away from where they start at once (a drive away has travelled).

        A count, not all or none: a whole unit charged for one of its drives over-charges (a budget
        would then cut off plans that meet it). Away from the start, the LP cannot spread its
        drives thinly over many departures for little (gpu-onboarding's cost bound: $6,075, not
        $4,040)."""
        m = self.model
        used = m.var(0, d.count, True)
        for col in self.trips_of[d.name]:
            m.row([(col, float(d.count)), (used, -1.0)], ub=0.0)
        for i in range(self.n):
            if (d.name, d.start, i) in self.y:
                m.row([(used, 1.0), (self.y[d.name, d.start, i], float(d.count))], lb=float(d.count))
        return used

    def _cost_limits(self) -> None:
        self.cost = self.cost_terms()
        caps = [float(self.plan.budget)] if self.plan.budget is not None else []
        if self.mode.cost_cap is not None:
            caps.append(self.mode.cost_cap)
        if caps and self.cost:
            self.model.row(self.cost, ub=min(caps))

    def _located_content(self) -> None:
        """Where a drive's bytes are: at a site (at most capacity x presence there) or on a departure
        (at most capacity x the drive on it, and no more than it can read between its arrival and
        the end: pooled drives would otherwise read one late drive in several bays at once).

        Implied by integral routes, so only the relaxation needs it, where it matters: without it a
        drive half at a source and half at the destination is a pipe with no transit time, written
        at one end and read at the other (the medium benchmark's LP bound was 180 h without it).
        """
        m = self.model
        end = _hours(self.grid.horizon)
        first = _hours(min(ready for c in self.flows.values() for _site, ready, _size in c.origins))
        for d in self.drives:
            cap = d.capacity * d.count
            carried = {j: m.var(0, INF) for j in self.departures_of[d.name]}
            for j, col in carried.items():
                # every carried byte is read from this drive after it arrives, by the end, and was
                # written on it before it left, after the first bytes were ready
                dep = self.route_deps[j]
                left = end - _hours(self.grid.points[min(dep.arrive_point, self.n)])
                written = _hours(max(dep.time, self.grid.points[dep.depart_point])) - first
                per_drive = min(d.capacity, d.read * max(0.0, left), d.write * max(0.0, written))
                m.row([(col, 1.0), (self.x[d.name, j], -per_drive * d.count)], ub=0.0)
            held: dict[tuple[str, int], int] = {}
            for s in sorted(self.drive_sites[d.name]):
                for i in range(self.n):
                    held[s, i] = m.var(0, INF)
            if self.grid.exact:
                # on a coarse grid the rows cost more than they give (large benchmark at 300 s,
                # 4-7 h steps: a pool bound of 560 h with them, 584 h without)
                self._cohort_reads(d, carried)
            self._cohort_writes(d, carried, first)
            mine = {j: j for j in carried}
            for s in sorted(self.drive_sites[d.name]):
                for i in range(self.n):
                    writes = [(col, 1.0) for _k, col, is_write in self.ops_at[d.name, s, i] if is_write]
                    reads = [(col, 1.0) for _k, col, is_write in self.ops_at[d.name, s, i] if not is_write]
                    # leaving (+1) and arriving (-1) departures at this point, as carried bytes
                    moves = [(carried[j], sign) for j, sign in self._moves(s, i, mine)]
                    # held(i) = held(i-1) + writes(i-1) - reads(i-1) - leaving(i) + arriving(i)
                    before = []
                    if i > 0:
                        before = [(held[s, i - 1], 1.0)]
                        before += [(col, 1.0) for _k, col, w in self.ops_at[d.name, s, i - 1] if w]
                        before += [(col, -1.0) for _k, col, w in self.ops_at[d.name, s, i - 1] if not w]
                    m.row([(held[s, i], 1.0)] + [(c, -v) for c, v in before] + moves, 0.0, 0.0)
                    # reads come from what is there (pipelining within the interval allowed)
                    if reads:
                        m.row(reads + [(held[s, i], -1.0)] + [(c, -1.0) for c, _ in writes], ub=0.0)
                    m.row(
                        [(held[s, i], 1.0)] + writes + [(c, -1.0) for c, _ in reads] + [(self.y[d.name, s, i], -cap)],
                        ub=0.0,
                    )

    def _cohort_reads(self, d: DriveInfo, carried: dict[int, int]) -> None:
        """What a unit reads at a site by each point came there on its drives or was written there,
        and bytes that arrived on one departure are read by that departure's drives only.

        So by t_g no more than min(carried_j, read rate x its drives x (t_g - arrival_j)) of a
        departure j is read: without it the pool reads a drive that has just arrived in several
        bays at once, with the empty drives present (the per-drive model needs no such row).
        Only points with a departure arrived less than a full read earlier get a row; elsewhere
        the content balance says the same.
        """
        m = self.model
        full = d.capacity / d.read  # hours to read a full drive
        hours = [_hours(p) for p in self.grid.points]
        for s in sorted(self.drive_sites[d.name]):
            arrivals = [
                (j, self.route_deps[j].arrive_point)
                for j in carried
                if self.plan.routes[self.route_deps[j].route].to == s and self.route_deps[j].arrive_point < self.n
            ]
            reads = [[col for _k, col, w in self.ops_at[d.name, s, i] if not w] for i in range(self.n)]
            if not arrivals or not any(reads):
                continue
            writes = [[col for _k, col, w in self.ops_at[d.name, s, i] if w] for i in range(self.n)]
            for g in range(1, self.n + 1):
                recent = [(j, hours[g] - hours[a]) for j, a in arrivals if a < g and hours[g] - hours[a] < full]
                if not recent:
                    continue
                terms = [(col, 1.0) for i in range(g) for col in reads[i]]
                if not terms:
                    continue
                terms += [(col, -1.0) for i in range(g) for col in writes[i]]
                terms += [(carried[j], -1.0) for j, a in arrivals if a < g and hours[g] - hours[a] >= full]
                for j, since in recent:
                    share = m.var(0, INF)  # of departure j, what can have been read by t_g
                    m.row([(share, 1.0), (carried[j], -1.0)], ub=0.0)
                    m.row([(share, 1.0), (self.x[d.name, j], -d.read * since * d.count)], ub=0.0)
                    terms.append((share, -1.0))
                m.row(terms, ub=0.0)

    def _cohort_writes(self, d: DriveInfo, carried: dict[int, int], first: float) -> None:
        """What a unit's drives take away from a site where they write: at most what each brought
        there, and what it could write there itself since it came (or since `first`, the first
        bytes ready, where it starts); and a drive used is one that leaves its start.

        Pooled, the bytes at a site are shared by all drives there, so drives that stay behind
        write for those that leave, and drives that leave by turns count as few: gpu-onboarding's
        cheapest pool plan was two drives sent twice, each time full, at $9,790, where one drive
        writes 80 TB in 82 h. `stay[k, j]` counts the drives that came on arrival k (None: that
        start there) and leave on departure j next. Each drive's stay at a site ends in one
        departure, so every real plan splits so.
        """
        m = self.model
        hours = [_hours(p) for p in self.grid.points]
        # with one bay, drives at a site write one at a time whichever they are: the pool is exact
        writable = {s for (unit, _q, s, _i) in self.w if unit == d.name and self.bays[s] > 1}
        for s in sorted(writable & self.drive_sites[d.name]):
            leaving = [j for j in carried if self.plan.routes[self.route_deps[j].route].from_ == s]
            # (departure k arriving here, or None for the drives starting here; when, in hours)
            came: list[tuple[int | None, float]] = [(None, first)] if s == d.start else []
            for j in carried:
                dep = self.route_deps[j]
                if self.plan.routes[dep.route].to == s and dep.arrive_point < self.n:
                    came.append((j, min(_hours(dep.arrival), hours[dep.arrive_point])))
            if not leaving or not came or len(leaving) * len(came) > COHORT_PAIRS:
                continue
            stays: dict[int | None, list[int]] = defaultdict(list)  # arrival -> its stay columns
            brought: dict[int, list[int]] = defaultdict(list)  # arrival -> bytes it brought, left on
            for j in leaving:
                dep = self.route_deps[j]
                leaves = max(_hours(dep.time), hours[dep.depart_point])
                drives, load = [(self.x[d.name, j], -float(d.count))], [(carried[j], 1.0)]
                for k, at in came:
                    if k == j or (k is not None and self.route_deps[k].arrive_point > dep.depart_point):
                        continue
                    stay = m.var(0, INF)
                    stays[k].append(stay)
                    self.stays[d.name, k, j] = stay
                    drives.append((stay, 1.0))
                    load.append((stay, -min(d.capacity, d.write * max(0.0, leaves - at))))
                    if k is not None:
                        unread = m.var(0, INF)
                        m.row([(unread, 1.0), (stay, -d.capacity)], ub=0.0)
                        brought[k].append(unread)
                        load.append((unread, -1.0))
                m.row(drives, 0.0, 0.0)
                m.row(load, ub=0.0)
            for arrival, columns in stays.items():
                terms = [(col, 1.0) for col in columns]
                if arrival is None:
                    m.row(terms, ub=float(d.count))
                    if d.name in self.used:  # each drive used leaves its start once first
                        m.row(terms + [(self.used[d.name], -1.0)], ub=0.0)
                else:
                    m.row(terms + [(self.x[d.name, arrival], -float(d.count))], ub=0.0)
            for came_on, kept in brought.items():
                m.row([(col, 1.0) for col in kept] + [(carried[came_on], -1.0)], ub=0.0)

    def interchangeable(self) -> list[list[str]]:
        """Units by kind, in model order; the symmetry rows give the earlier ones more trips."""
        groups: dict[tuple[str, str, int], list[str]] = defaultdict(list)
        for d in self.drives:
            groups[d.kind].append(d.name)
        return list(groups.values())

    def _symmetry(self) -> None:
        if self.mode.routes is not None:
            return  # fixed routes leave nothing to break, and a truncated grid drops trips unevenly
        for names in self.interchangeable():
            for a, b in zip(names, names[1:], strict=False):
                trips_a = [(col, 1.0) for col in self.trips_of[a]]
                trips_b = [(col, -1.0) for col in self.trips_of[b]]
                if trips_a:
                    self.model.row(trips_a + trips_b, lb=0.0)

    # ------------------------------------------------------------------ objectives
    def maximise_delivered(self) -> None:
        """Objective of a feasibility check: as many bytes delivered as possible (TB)."""
        self.model.set_objective([t for k in self.flows for t in self.delivered(k)], maximize=True)

    def minimise_last(self) -> None:
        """Objective of the exact-makespan step: the shortest last interval (hours)."""
        assert self.last is not None
        self.model.set_objective([(self.last, 1.0)])

    def minimise_cost(self) -> None:
        """Objective of the cost phase (currency)."""
        self.model.set_objective(self.cost)

    @property
    def total_tb(self) -> float:
        return sum(ds.size for ds in self.plan.datasets.values()) / TB


def drive_groups(plan: Plan, fleet: frozenset[str] | None = None) -> dict[tuple[str, str], list[str]]:
    """The plan's drives (only those of `fleet`, when given) by group of identical drives, (type,
    start site), each group's names in order."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, type_name, start in plan.drive_names():
        if fleet is None or name in fleet:
            groups[type_name, start].append(name)
    return dict(groups)


def max_unit_size(plan: Plan) -> int:
    """The most drives one unit may hold: what every route can carry on one departure (its
    `max_drives`, or `carry` x the couriers of its pool), so a batched plan can use any route."""
    limits = []
    for route in plan.routes.values():
        if route.max_drives is not None and route.max_drives > 0:
            limits.append(route.max_drives)
        if route.courier is not None:
            pool = plan.couriers[route.courier]
            limits.append(max(1, pool.carry * sum(pool.fleet.values())))
    return max(1, min(limits, default=10**6))
