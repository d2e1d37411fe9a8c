"""Better drive-pool solutions by large neighbourhood search: courier lanes re-planned two at a time.

The drive pool's MIP (see search.pool_bracket) is small (medium benchmark: 3,468 columns, 234 of
them integer) yet HiGHS needs 120-150 s to find its optimum: the LP lets couriers travel in
fractions, so the tree is wide. With the integers of every lane fixed but two, the same MIP
solves in 0.1-3 s, and re-planning pairs of lanes in turn, from the convoys' plan, walks down to
a solution no pair can improve (medium benchmark, four orders of the pairs: 309.07-313.24 h in
42 s, where the whole MIP had none by 318 h in 23 s). Local branching (at most k couriers' trips
changed, all lanes free) may then leave such a point; else a new descent starts from the
convoys' plan with the pairs in another order.

The pool over-promises, so its solutions do not all run drive by drive as early; a descent goes on
from the plan the caller made of its last solution (medium benchmark: from the convoys' 328 h,
318.5, 316.5 and 313.5 h, each run as early; going on from the pool's own solutions instead, its
313.7 h gave no plan before 325 h).

A lane is a courier pool's routes (its couriers serve only them); a route without couriers is a
lane of its own. What this returns is a pool solution, not yet a plan: `_Optimiser.two_lanes`
(solve.py) turns it into one, drive by drive.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from .backend import LinearModel, Solution, Status, solve_model
from .formulation import HOUR, Formulation, Mode
from .schema import Plan
from .search import Clock, Found
from .timegrid import build_grid

Decision = tuple[str, Fraction, str]
"""(route, departure time, what): what is "couriers", or a drive type and start as "type@site"."""

PAIR_SECONDS = 3.0
"""Time for one pair of lanes (medium benchmark: most solve in 0.1-3 s; of those stopped at 3 s,
many had improved)."""
LONGEST_PAIR = 12.0
"""A pair the clock stops with nothing better is not done with: its next turn gets twice the
time, up to this (medium benchmark at 60 s: lanes 3 and 5, stopped at 3 s, took 4.8 s on their
next turn to improve 313.47 h to 312.11 h; ten runs of eleven reached 312.11 h, the other shared
the machine with two more solves; when a stop counted as a pair that cannot improve, two runs of
three ended at 313.47 h)."""
ORDER_SEED = 0
"""The seed of the pairs' order in the first descent (each later descent adds one). Where a
descent ends depends on it: medium benchmark, the stage alone for 43 s (what it has at 60 s),
eight seeds: 309.07 h for three, this one among them, 316.5-321.8 h for five.
`tests/benchmarks/lane_orders.py` times whole solves over several seeds."""
BRANCH_SECONDS = 6.0
"""Time for one local-branching step (all lanes free, few trips changed)."""
FIRST_BRANCH = 6
"""Couriers' trips local branching may change at first; each step that finds nothing adds two."""
LAST_BRANCH = 10
"""Local branching stops here (medium benchmark: from a point no pair improves, steps of 6 to 14
trips found nothing in two descents of two; the time goes to a new descent instead)."""
DESCENTS = 4
"""Descents at most, each from the start with the pairs in another order (medium benchmark: four
orders ended at 309.07-313.24 h; where one ends depends on the order more than on the time)."""


def decisions(form: Formulation, values: np.ndarray) -> dict[Decision, int]:
    """The integer decisions of a solution of `form` (pooled or drive by drive): how many drives
    of each kind and how many couriers take each departure."""
    out: dict[Decision, int] = defaultdict(int)
    for (unit, j), col in form.x.items():
        drives = round(float(values[col]) * form.by_name[unit].count)
        if drives:
            dep, drive = form.route_deps[j], form.by_name[unit]
            out[dep.route, dep.time, f"{drive.type}@{drive.start}"] += drives
    for j, col in form.u.items():
        couriers = round(float(values[col]))
        if couriers:
            dep = form.route_deps[j]
            out[dep.route, dep.time, "couriers"] += couriers
    return dict(out)


@dataclass
class _Budget:
    """Whether the pools of one `improve` call carry the plan's budget yet.

    The budget joins the pool's rows only once a solution breaks it: a row that does not bind
    still changes the solver's path (medium benchmark at 60 s, budget $100,000: 313.7 h, where
    without a budget 312.1 h; with the row added lazily, the same 312.1 h plan, at $16,505)."""

    imposed: bool = False


@dataclass
class _Pool:
    """The drive-pool MIP on the grid up to `top`, minimising its last interval, and its integers
    keyed by decision."""

    form: Formulation
    keys: dict[int, Decision]
    plan: Plan
    base: Mode
    resolution: Fraction | None
    budget: _Budget

    @classmethod
    def build(
        cls, plan: Plan, top: Fraction, base: Mode, resolution: Fraction | None, budget: _Budget | None = None
    ) -> _Pool:
        budget = budget or _Budget()
        modelled = plan if budget.imposed or plan.budget is None else plan.replace(budget=None)
        grid = build_grid(plan, top, resolution or plan.resolution)
        form = Formulation(modelled, grid, replace(base, relaxed=True, unit_limit=1, free_last=True))
        form.minimise_last()
        keys: dict[int, Decision] = {}
        for (unit, j), col in form.drive_count.items():
            dep, drive = form.route_deps[j], form.by_name[unit]
            keys[col] = (dep.route, dep.time, f"{drive.type}@{drive.start}")
        for j, col in form.u.items():
            dep = form.route_deps[j]
            keys[col] = (dep.route, dep.time, "couriers")
        return cls(form, keys, plan, base, resolution, budget)

    def breaks_budget(self, values: np.ndarray) -> bool:
        """Whether a solution of a pool without the budget's row costs more than the budget."""
        if self.budget.imposed or self.plan.budget is None:
            return False
        return self.form.cost_of(values) > float(self.plan.budget) * (1 + 1e-9)

    def done(self, values: np.ndarray) -> Fraction:
        """When a solution has delivered everything (seconds)."""
        assert self.form.last is not None
        last = Fraction(float(values[self.form.last]) * HOUR).limit_denominator(10**6)
        return self.form.grid.points[-2] + last

    def given(self, values: np.ndarray) -> dict[Decision, int]:
        """A solution's decisions, as `solve` takes them."""
        return {key: round(float(values[col])) for col, key in self.keys.items()}

    def improves(self, sol: Solution, done: Fraction) -> bool:
        """Whether `sol` is a solution done sooner than `done`."""
        return sol.found and self.done(sol.values) < done - _EPSILON

    def ending(self, top: Fraction) -> _Pool:
        """The same pool on the grid ending at `top`."""
        return _Pool.build(self.plan, top, self.base, self.resolution, self.budget)

    def shortest(
        self, backend: str, given: dict[Decision, int], sol: Solution, clock: Clock
    ) -> tuple[_Pool, dict[Decision, int], Solution]:
        """`sol` (with decisions `given`) on the shortest grid it completes in: a solution done by
        the start of the last interval can finish no sooner there (its last interval is already
        empty), so the grid ends one point earlier, then again while that holds."""
        pool = self
        while pool.done(sol.values) <= pool.form.grid.points[-2] and len(pool.form.grid.points) > 2:
            shorter = pool.ending(pool.form.grid.points[-2])
            again = shorter.fixed(backend, given, clock)
            if not again.found:
                # a trip that no longer arrives in time (medium, seed 1: three drives sent out
                # empty at 258 h, in at 282 h) leaves the drive counts unbalanced: they are
                # re-planned, the couriers' trips kept
                again = shorter.solve(backend, given, _drive_counts, _slice(clock, PAIR_SECONDS))
                if not again.found:
                    break
                given = shorter.given(again.values)
            pool, sol = shorter, again
        return pool, given, sol

    def fixed(self, backend: str, given: dict[Decision, int], clock: Clock) -> Solution:
        """The MIP with every decision fixed to `given`: what is left is the data's LP."""
        return self.solve(backend, given, lambda _key: False, _slice(clock, PAIR_SECONDS))

    def solve(
        self,
        backend: str,
        given: dict[Decision, int],
        free: Callable[[Decision], bool],
        seconds: float | None,
        branch: int | None = None,
    ) -> Solution:
        """The MIP with every decision not `free` fixed to `given` (absent: none), from `given`;
        with `branch`, at most that many departures' couriers changed from `given`."""
        model = self.form.model
        lb, ub = list(model.lb), list(model.ub)
        start: dict[int, float] = {}
        for col, key in self.keys.items():
            start[col] = float(given.get(key, 0))
            if not free(key):
                lb[col] = ub[col] = start[col]
        fixed = replace(model, lb=lb, ub=ub)
        if branch is not None:
            couriers = {col: start[col] for col, key in self.keys.items() if key[2] == "couriers"}
            fixed = _branched(fixed, couriers, branch)
        # `given` is most often the best this neighbourhood holds, so what costs is the proof, and
        # primal heuristics slow it (medium benchmark, from a 313.75 h solution: its three slowest
        # pairs settled in 8.6, 11.8 and 14.9 s, where in 14.7 s and two not in 20 s; two of them
        # held better solutions, found no later without them)
        sol = solve_model(fixed, backend, seconds, start=start, proof=True)
        if sol.found and self.breaks_budget(sol.values):
            # from now on every pool of this search carries the budget; this one is rebuilt with
            # it (the same columns, one row more) and the same neighbourhood solved again in what
            # is left of its time
            self.budget.imposed = True
            again = self.ending(self.form.grid.points[-1])
            self.form, self.keys = again.form, again.keys
            left = None if seconds is None else max(0.05, seconds - sol.seconds)
            return self.solve(backend, given, free, left, branch)
        return sol


def _branched(model: LinearModel, couriers: dict[int, float], branch: int) -> LinearModel:
    """`model` with a local-branching row: the couriers' departures that change from `couriers`
    (those of at most one courier) number at most `branch`."""
    copy = replace(
        model,
        row_lb=list(model.row_lb),
        row_ub=list(model.row_ub),
        rows=list(model.rows),
        cols=list(model.cols),
        vals=list(model.vals),
    )
    terms, taken = [], 0.0
    for col, value in couriers.items():
        if model.ub[col] > 1:
            continue  # a pool of several couriers: not a yes-or-no decision
        if value >= 0.5:
            terms.append((col, -1.0))
            taken += 1
        else:
            terms.append((col, 1.0))
    copy.row(terms, ub=branch - taken)
    return copy


def lanes(plan: Plan) -> dict[str, str]:
    """Each route's lane: its courier pool, or itself when it has no couriers."""
    return {name: route.courier or name for name, route in plan.routes.items()}


def searchable(plan: Plan) -> bool:
    """Whether the plan has lanes enough for this search: with two, two lanes free is the whole
    MIP."""
    return len(set(lanes(plan).values())) >= 3


def improve(
    plan: Plan,
    given: dict[Decision, int],
    done: Fraction,
    base: Mode,
    backend: str,
    clock: Clock,
    resolution: Fraction | None = None,
    say: Callable[[str], None] | None = None,
    each: Callable[[Found], tuple[dict[Decision, int], Fraction] | None] | None = None,
    runs_only: bool = False,
) -> Found | None:
    """A drive-pool solution completing before `done`, found by re-planning lanes two at a time
    from `given` (the decisions of a plan completing at `done`), or None: none found, or the plan
    has fewer than three lanes (two lanes free is then the whole MIP). `each` is handed every
    solution better than the last of its descent; it may answer with the decisions of a plan the
    drives can run, near it, and its completion: the descent goes on from there, and with
    `runs_only`, from nowhere else (see `_descend`).

    One descent ends when no pair of lanes and no local-branching step up to LAST_BRANCH improves
    its solution; the next starts again from `given` with the pairs in another order, up to
    DESCENTS, while the clock allows. Deterministic for an ORDER_SEED, but for what the solver
    reaches within its time."""
    of = lanes(plan)
    if not searchable(plan) or clock.out():
        return None
    best: Found | None = None
    budget = _Budget()

    def better(found: Found) -> tuple[dict[Decision, int], Fraction] | None:
        nonlocal best
        if found.makespan < (done if best is None else best.makespan) - _EPSILON:
            best = found
            if say is not None:
                say(f"the drive pool, two lanes at a time: done by {float(found.makespan) / HOUR:.2f} h")
        return None if each is None else each(found)

    for descent in range(DESCENTS):
        if clock.out():
            break
        pool = _Pool.build(plan, done, base, resolution, budget)  # a grid ends at its horizon itself
        order = random.Random(ORDER_SEED + descent)
        if not _descend(pool, of, given, backend, clock, order, better, runs_only):
            break  # the plan's decisions are not the pool's (a departure it rounds away)
    return best


def _descend(
    pool: _Pool,
    of: dict[str, str],
    given: dict[Decision, int],
    backend: str,
    clock: Clock,
    rng: random.Random,
    better: Callable[[Found], tuple[dict[Decision, int], Fraction] | None],
    runs_only: bool = False,
) -> bool:
    """One descent of `improve` from `given`, handing `better` each solution that improves on the
    last; False when `given` is no solution of the pool. It ends when every pair is spent (proven
    to hold nothing better, or stopped at LONGEST_PAIR) and local branching finds nothing. A pair
    that steps down with a proof is spent from there: solving it again took 1.4-4.8 s a time
    (medium benchmark at 60 s: 309.07 h, where 312.11 h before; over eight orders of the pairs,
    as early or earlier in each).

    `runs_only`: a solution `better` answers with no plan the drives run is not stepped to; the
    descent stays where it was, that pair spent. Split drive by drive, three of five steps of one
    descent ran later than the plan before them (medium at 60 s: the pool's 321.1, 314.3 and
    311.5 h at 339.4, 326.4 and 344.1 h), and the steps after them drew further from any plan.
    Eight orders of the pairs: median 313.47 h, where 315.61 h stepping to every solution (best
    309.07 h where 310.81 h, worst 316.97 h where 319.82 h; earlier in seven orders). Stepping
    where the split ran within 1 % of the best plan gave 315.61 h again. It costs the medium
    benchmark under $15,000 a step: 333.2 h, where 329.2 h (a split 0.5 % late led on); with more
    time it costs more (solve.RUNS_ONLY_BELOW)."""
    first = pool.fixed(backend, given, clock)
    if not first.found:
        return False
    # the pool over-promises: a plan's own decisions may be done before its grid's last interval
    # (large benchmark: the convoys' 790.3 h plan, done by 768 h in the pool)
    pool, given, first = pool.shortest(backend, given, first, clock)
    best_done = pool.done(first.values)
    pairs = list(itertools.combinations(sorted(set(of.values())), 2))
    seconds = dict.fromkeys(pairs, PAIR_SECONDS)
    queue: list[tuple[str, str]] = []
    spent: set[tuple[str, str]] = set()  # pairs that cannot improve on the last solution
    branch = FIRST_BRANCH
    pair: tuple[str, str] | None = None
    while not clock.out():
        if len(spent) < len(pairs):
            if not queue:
                open_pairs = [pair for pair in pairs if pair not in spent]
                queue = rng.sample(open_pairs, len(open_pairs))
            pair = queue.pop()
            if pair in spent:
                continue
            sol = pool.solve(backend, given, _pair(of, set(pair)), _slice(clock, seconds[pair]))
            if not pool.improves(sol, best_done):
                # proven, or stopped by the clock at the longest: spent; else a longer next turn
                if sol.status in (Status.FEASIBLE, Status.UNKNOWN) and seconds[pair] < LONGEST_PAIR:
                    seconds[pair] = min(2 * seconds[pair], LONGEST_PAIR)
                else:
                    spent.add(pair)
                continue
        elif branch <= LAST_BRANCH:
            pair = None
            sol = pool.solve(backend, given, lambda _key: True, _slice(clock, BRANCH_SECONDS), branch)
            branch += 2
            if not pool.improves(sol, best_done):
                continue
        else:
            break
        before = (pool, given, best_done, branch, spent)
        best, best_done, branch = sol, pool.done(sol.values), FIRST_BRANCH
        spent = set()
        # a pair proven to hold nothing better than this solution would only prove it again from
        # here, the other lanes' trips being as they were (nearly so from the plan made of it,
        # which can leave out trips the pool took). Not on a shorter grid, where finishing
        # sooner counts anew.
        settled = pair if sol.status == Status.OPTIMAL else None
        shortest, given, best = pool.shortest(backend, pool.given(sol.values), sol, clock)
        if shortest is not pool:
            pool, best_done, settled = shortest, shortest.done(best.values), None
        runs = better(Found(pool.form, best, best_done))
        if runs is not None:
            # go on from the plan the drives can run: the pool's solutions near it are likelier
            # to run too
            anchored = pool.ending(runs[1])
            again = anchored.fixed(backend, runs[0], clock)
            if again.found:
                pool, given, again = anchored.shortest(backend, runs[0], again, clock)
                best_done = pool.done(again.values)
        elif runs_only:
            pool, given, best_done, branch, spent = before
            if pair is not None:
                spent.add(pair)
            continue
        if settled is not None:
            spent.add(settled)
    return True


def _drive_counts(key: Decision) -> bool:
    """The decisions every neighbourhood leaves free: drive counts, not couriers' trips."""
    return key[2] != "couriers"


def _pair(of: dict[str, str], chosen: set[str]) -> Callable[[Decision], bool]:
    """Which decisions a pair of lanes leaves free: its couriers and drives, and the drive counts
    of the other lanes, whose couriers' trips hold them in shape (medium benchmark, six orders of
    the pairs: 310.4-312.2 h in 45 s, where with those counts fixed 310.4-315.5 h)."""
    return lambda key: of[key[0]] in chosen or _drive_counts(key)


_EPSILON = Fraction(1, 1000)  # seconds: a completion no sooner than this is no improvement


def _slice(clock: Clock, seconds: float) -> float | None:
    left = clock.remaining()
    return seconds if left is None else max(0.05, min(seconds, left))
