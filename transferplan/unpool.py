"""Itineraries for the drives one by one from a solution of the drive-pool relaxation.

The pool MIP (the relaxed model with identical drives pooled, see `search.pooled_bound`) chooses
how many drives of each kind take each departure, and finds such choices within seconds where the
per-drive MIP finds none. Its counts are an integral flow of drives over time, so they split into
one path per drive; the pool's over-promise lies only in how bytes share drives, which the
per-drive model with those routes fixed then settles exactly (medium benchmark: a pool solution
at 312 h gave a verified per-drive plan of 320.1 h, where the convoy search stops at 326.1 h).

Drives are taken first in, first out: the drive that has been at a site longest has had the most
time to be written or read. The split is replayed on the target grid, conservatively rounded, with
couriers counted, so every itinerary it returns can be run; a departure the replay cannot fill
(the pool's grid was optimistic) leaves with fewer drives. Couriers follow the pool too, those it
sends on without drives included: such a trip fetches drives waiting elsewhere, and without it
they wait for good (medium benchmark at 60 s, eight orders of the two-lanes search: the plans'
median fell from 318.6 h to 310.5 h, the worst from 322.0 h to 314.8 h).

That split is one of many; `departure_counts` hands the counts themselves to the per-drive model
(`Mode.counts`), which chooses the drives (solve.py's `counted`; medium benchmark: the pool's
solution by 311.8 h gave 310.8 h so, and no plan by 340 h split first in, first out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from .formulation import Formulation
from .schema import Plan
from .timegrid import Departure, Grid, Rounding, departures


def pool_counts(form: Formulation, values: Sequence[float] | np.ndarray) -> list[tuple[Departure, str, int]]:
    """(departure, unit, drives) of a pooled solution, in order of departure."""
    out = []
    for (unit, j), col in form.x.items():
        drives = round(float(values[col]) * form.by_name[unit].count)
        if drives > 0:
            out.append((form.route_deps[j], unit, drives))
    out.sort(key=lambda item: (item[0].time, item[0].route, item[1]))
    return out


def departure_counts(form: Formulation, values: Sequence[float] | np.ndarray) -> frozenset[tuple[str, Fraction, int]]:
    """(route, departure time, drives) of a pooled solution: its drive counts, for `Mode.counts`."""
    counts: dict[tuple[str, Fraction], int] = defaultdict(int)
    for dep, _unit, drives in pool_counts(form, values):
        counts[dep.route, dep.time] += drives
    return frozenset((route, time, n) for (route, time), n in counts.items())


def unpool(
    plan: Plan, form: Formulation, values: Sequence[float] | np.ndarray, grid: Grid
) -> frozenset[tuple[str, str, Fraction]]:
    """Route decisions (drive, route, departure time) for the drives one by one, runnable on
    `grid`, following the pooled solution (`form`, `values`) as closely as couriers permit."""
    exact = {(d.route, d.time): d for d in departures(plan, grid, Rounding.CONSERVATIVE)}
    # (unit, site) -> drives there, each with the grid point from which it is free
    present: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for drive in form.drives:
        for name in drive.members or (drive.name,):
            present[drive.name, drive.start].append((0, name))
    # each courier: (site, grid point from which it is free there)
    couriers: dict[str, list[tuple[str, int]]] = {
        pool: [(site, 0) for site, n in p.fleet.items() for _ in range(n)] for pool, p in plan.couriers.items()
    }
    chosen: set[tuple[str, str, Fraction]] = set()
    sent: dict[tuple[str, Fraction], int] = defaultdict(int)  # couriers sent on each departure
    index = {(d.route, d.time): j for j, d in form.route_deps.items()}
    came_on: dict[str, int | None] = {}  # drive -> the pool's departure it last came on
    stays: dict[tuple[str, int], dict[int | None, int]] = defaultdict(dict)
    for (kind, k, j), col in form.stays.items():
        if (n := round(float(values[col]))) > 0:
            stays[kind, j][k] = n
    for dep, unit, wanted in _moves(form, values):
        real = exact.get((dep.route, dep.time))
        if real is None:
            continue  # arrives after the target grid ends
        route = plan.routes[dep.route]
        pool = couriers.get(route.courier or "", [])
        ready = [i for i, (site, point) in enumerate(pool) if site == route.from_ and point <= real.depart_point]
        if unit is None:
            # the pool's couriers on this departure beyond those its drives took: a courier sent
            # on empty to fetch drives waiting elsewhere (without it, no drive there leaves)
            for i in ready[: max(0, wanted - sent[dep.route, dep.time])]:
                pool[i] = (route.to, real.arrive_point)
            continue
        here = present[unit, route.from_]
        free = sorted(item for item in here if item[0] <= real.depart_point)  # first in, first out
        # where the pool says which arrival the drives came on, those first: with drives priced,
        # first in, first out sent gpu-onboarding's third flight with two drives that had never
        # left, not the two back from the first (four drives, $14,200, where the pool's $10,400)
        j = index[dep.route, dep.time]
        quota = dict(stays.get((unit, j), {}))
        following, rest = [], []
        for item in free:
            arrival = came_on.get(item[1])
            if quota.get(arrival, 0) > 0:
                quota[arrival] -= 1
                following.append(item)
            else:
                rest.append(item)
        free = following + rest
        drives = min(wanted, len(free), route.max_drives if route.max_drives is not None else wanted)
        if route.courier is not None:
            carry = plan.couriers[route.courier].carry
            drives = min(drives, len(ready) * carry)
            for i in ready[: -(-drives // carry)]:
                pool[i] = (route.to, real.arrive_point)
                sent[dep.route, dep.time] += 1
        if drives <= 0:
            continue
        for item in free[:drives]:
            here.remove(item)
            present[unit, route.to].append((real.arrive_point, item[1]))
            chosen.add((item[1], dep.route, dep.time))
            came_on[item[1]] = j
    return frozenset(chosen)


def _moves(form: Formulation, values: Sequence[float] | np.ndarray) -> list[tuple[Departure, str | None, int]]:
    """(departure, unit, drives) of a pooled solution, and (departure, None, couriers) for each
    departure couriers take, after its drives: in order of departure."""
    moves: list[tuple[Departure, str | None, int]] = list(pool_counts(form, values))
    for j, col in form.u.items():
        n = round(float(values[col]))
        if n > 0:
            moves.append((form.route_deps[j], None, n))
    moves.sort(key=lambda item: (item[0].time, item[0].route, item[1] is None, item[1] or ""))
    return moves
