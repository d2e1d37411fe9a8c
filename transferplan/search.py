"""How the optimum is found: bisection over the horizon, an exact last step, and lexicographic cost.

Makespan. Feasibility is monotone in the horizon, and on a grid whose points are the events nothing
changes between two points except how long the last interval is. So: bisect over grid points with
"deliver as much as possible by t_j" checks (fast above the optimum), then, in the bracket
(t_j-1, t_j], minimise the length of the last interval directly: the optimum in continuous time, not
a grid step. Minimising data-not-yet-delivered summed over time is a different objective (12 % worse
on a small case in the prototype), so it is not used.

Lower bounds come from the same model when it is exact (event grid, no relays), else from the
relaxed model's LP (optimistic rounding, pipelining allowed), so a reported bound is never above
what a continuous-time plan could reach.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from .backend import LinearModel, Solution, Status, solve_model
from .formulation import HOUR, Formulation, Mode
from .schema import Plan
from .timegrid import Grid, build_grid

COLUMNS_PER_SECOND = 20_000
"""A solve gets at least a second per this many columns, or is not started (it could not finish)."""

FIXED_ROUTES_FASTER = 4
"""How much faster than that a model with the routes given solves (large benchmark: 43,529 columns
in 0.43 s on its 12 h grid, 124,749 in 2.1 s on its event grid)."""

TOLERANCE = 1e-6
"""Relative tolerance of "everything delivered" on the solver's floating-point answer."""

LAST_TOLERANCE = 1e-6
"""Hours: a bound on the last interval's length below this is zero (3.6 ms; the solvers'
feasibility tolerances are about as large)."""

BOUND_SLACK = Fraction(1, 1000)
"""Seconds: a bound on the last interval this close to its whole length is taken as the whole (the
solver's floats round the length of an interval proven empty)."""

CLIMB_STEP = Fraction(1, 100)
"""The least step of the pool bound's climb, of the bound so far. Below the pool's optimum a check
costs about the same wherever it is (medium benchmark, each alone: 14 s by 296 h, 18 s by 298 h,
20 s by 304 h; large: 44, 57 and 65 s by 576, 580 and 584 h), so a step of a fraction of a per
cent buys a check's worth of time for little."""


@dataclass(frozen=True)
class Progress:
    """A report during a long solve, for live display."""

    phase: str
    message: str
    best_makespan_hours: float | None
    lower_bound_hours: float | None
    elapsed_seconds: float


@dataclass
class Clock:
    """The time budget of one solve."""

    limit: float | None
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float | None:
        return None if self.limit is None else max(0.0, self.limit - self.elapsed())

    def slice(self, share: float) -> float | None:
        """A share of the remaining time, for one backend call."""
        left = self.remaining()
        return None if left is None else max(0.05, left * share)

    def out(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0.05


@dataclass
class Found:
    """A plan found on a grid: its formulation, its solution and its makespan on that grid."""

    formulation: Formulation
    solution: Solution
    makespan: Fraction  # seconds: the end of the grid, or t_n-1 + last when the last step is free
    point: int | None = None  # the grid point by which this plan has delivered everything

    @property
    def cost(self) -> float:
        return self.formulation.cost_of(self.solution.values)


@dataclass
class Outcome:
    """What a search established."""

    found: Found | None
    lower_bound: Fraction | None  # seconds (makespan) or currency (cost objective)
    proven: bool  # the found plan is optimal
    solves: int = 0
    explanation: list[str] = field(default_factory=list)


class Search:
    """Runs checks on one plan with one backend within one clock; reports progress."""

    def __init__(
        self,
        plan: Plan,
        grid: Grid,
        base: Mode,
        backend: str,
        clock: Clock,
        progress: Callable[[Progress], None] | None = None,
        phase: str = "search",
    ):
        self.plan, self.grid, self.base, self.backend, self.clock = plan, grid, base, backend, clock
        self.progress, self.phase = progress, phase
        self.solves = 0
        self.best: Fraction | None = None
        self.bound: Fraction | None = None
        self.last_size: tuple[int, int, int] = (0, 0, 0)
        self.hint: frozenset[tuple[str, str, Fraction]] | None = None  # routes of a known plan

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(Progress(self.phase, message, _hours(self.best), _hours(self.bound), self.clock.elapsed()))

    def start_for(self, form: Formulation) -> dict[int, float] | None:
        """A MIP start from `hint` (a known plan's routes, by drive): its route decisions; HiGHS
        completes the rest and searches around it. A batched unit takes the routes of its first
        drive: those of the whole unit when the hint came from coarser units (`routes_of`)."""
        if self.hint is None or not form.x:
            return None
        trips: dict[str, set[tuple[str, Fraction]]] = defaultdict(set)
        for unit, route, leaves in self.hint:
            trips[unit].add((route, leaves))
        drives = {d.name: d.name if d.name in trips or not d.members else d.members[0] for d in form.drives}
        if not set(trips) <= set(drives) | {m for d in form.drives for m in d.members}:
            return None  # another model's units: the plan's drives are not this model's
        # the model orders identical drives by trips (its symmetry rows): busiest first
        given: dict[str, set[tuple[str, Fraction]]] = {}
        for names in form.interchangeable():
            ranked = sorted((trips.get(drives[n], set()) for n in names), key=len, reverse=True)
            given.update(zip(names, ranked, strict=True))
        deps = form.route_deps
        return {col: float((deps[j].route, deps[j].time) in given[unit]) for (unit, j), col in form.x.items()}

    def _run(
        self,
        model: LinearModel,
        share: float,
        relax: bool = False,
        start: dict[int, float] | None = None,
        stop_below: float | None = None,
        proof: bool = False,
        stop_at: float | None = None,
    ) -> Solution:
        self.last_size = model.size
        limit = self.clock.slice(share)
        # with the routes given, only the data's LP and the couriers' counts are left: far faster
        rate = COLUMNS_PER_SECOND * (FIXED_ROUTES_FASTER if self.base.routes is not None else 1)
        load = model.size[0] / rate
        left = self.clock.remaining()
        if limit is not None and left is not None:
            # HiGHS ends past its limit by about the time it takes to load the model (gpu-onboarding
            # with a $12,000 budget at 10 s: 6.5 s on a 4.5 s limit, drive by drive), so a run
            # near the end of its clock keeps that much in hand
            limit = min(limit, left - load)
        if limit is not None and limit < load:
            # HiGHS checks its clock between iterations, and one iteration on a large model can
            # outlast a short limit many times over (18 s on a 0.3 s limit, large benchmark)
            return Solution(Status.UNKNOWN, np.zeros(0), None, None, 0.0)
        self.solves += 1
        return solve_model(
            model, self.backend, limit, relax=relax, start=start, stop_below=stop_below, proof=proof, stop_at=stop_at
        )

    def truncated(self, j: int) -> Grid:
        return Grid(self.grid.points[: j + 1], self.grid.exact)

    # -------------------------------------------------------------- feasibility by t_j
    def check(
        self, j: int, share: float = 0.25, relax: bool = False, mode: Mode | None = None, prove: bool = False
    ) -> tuple[Status, Found | None]:
        """Can everything be delivered by grid point j? (feasible plan, proven no, or unknown).

        `prove`: a model that must deliver everything, with no objective, in place of "deliver as
        much as you can". HiGHS proves it infeasible far sooner (the medium benchmark's drive pool
        by 296 h: 12 s, where the other was unsettled at 20 s), but it has no partial plans to
        start from; bounds use it, the search for plans does not.

        Under a budget the check is "everything, as cheaply as you can", stopped at its first plan
        (every plan it finds is within the budget): "as much as you can" spends its time on partial
        plans that trade bytes for money (the gpu-onboarding example with a $12,000 budget, drive
        by drive: a $11,780 plan in 20 s, where the other had delivered 971 TB of 1,050).
        """
        if prove or (self.plan.budget is not None and not relax):
            form = Formulation(self.plan, self.truncated(j), mode or self.base)
            priced = not prove and bool(form.cost)
            if priced:
                form.minimise_cost()
            start = None if relax else self.start_for(form)
            enough = float(self.plan.budget or 0) if priced else None
            sol = self._run(form.model, share, relax, start, proof=prove, stop_at=enough)
            if sol.found:
                return Status.FEASIBLE, Found(form, sol, self.grid.points[j], done_point(form, sol))
            return (Status.INFEASIBLE if sol.status is Status.INFEASIBLE else Status.UNKNOWN), None
        form = Formulation(self.plan, self.truncated(j), replace(mode or self.base, require_all=False))
        form.maximise_delivered()
        needed = form.total_tb * (1 - TOLERANCE)
        sol = self._run(form.model, share, relax, None if relax else self.start_for(form), needed)
        if sol.found and delivered_tb(form, sol) >= needed:
            return Status.FEASIBLE, Found(form, sol, self.grid.points[j], done_point(form, sol))
        if sol.status is Status.INFEASIBLE or (sol.bound is not None and sol.bound < needed):
            return Status.INFEASIBLE, None
        if sol.status is Status.OPTIMAL:
            return Status.INFEASIBLE, None
        return Status.UNKNOWN, None

    def exact_last(
        self,
        j: int,
        relax: bool = False,
        mode: Mode | None = None,
        share: float = 0.5,
        prove: bool = False,
        enough: float | None = None,
    ) -> tuple[Found | None, float | None]:
        """Minimise the last interval's length on the grid up to point j: the continuous-time optimum.

        Returns the plan (or None) and a bound on that length in hours (or None): when nothing fits
        in the interval, its whole length. `prove`: the caller wants the bound, not the plan (see
        `backend.solve_model`); `enough`: a length (hours) the caller knows nothing can beat, at
        which the search stops.
        """
        form = Formulation(self.plan, self.truncated(j), replace(mode or self.base, free_last=True))
        form.minimise_last()
        sol = self._run(form.model, share, relax, proof=prove, stop_at=enough)
        start = self.grid.points[j - 1]
        bound = sol.bound
        if bound is not None and bound < LAST_TOLERANCE:
            # float dust, not a length: HiGHS proved 3e-14 h where the drive pool is done by the
            # interval's start (medium benchmark, seed 1, by 298 h), and that is no bound at all
            bound = 0.0
        if sol.status is Status.INFEASIBLE:
            bound = float(self.grid.points[j] - start) / HOUR
        if not sol.found or sol.objective is None:
            return None, bound
        return Found(form, sol, start + Fraction(sol.objective * HOUR).limit_denominator(10**6)), bound

    def first_feasible(self, lo: int, hi: int, proven: int, relax: bool = False) -> tuple[int, int, Found | None, int]:
        """Bisect for the first feasible point in (lo, hi]; hi is feasible, `proven` <= lo infeasible.

        Returns (lo, hi, the plan found at hi, the highest point proven infeasible). A check that
        runs out of time moves the search up, like an infeasible one, but proves nothing.
        """
        found: Found | None = None
        while hi - lo > 1 and not self.clock.out():
            mid = (lo + hi) // 2
            status, plan = self.check(mid, share=0.35, relax=relax)
            hours = float(self.grid.points[mid]) / HOUR
            if plan is not None:
                hi, found = min(mid, plan.point or mid), plan
                self.say(f"by {hours:.1f} h: feasible")
                continue
            lo = mid
            if status is Status.INFEASIBLE:
                proven = mid
                self.say(f"by {hours:.1f} h: impossible")
            else:
                self.say(f"by {hours:.1f} h: not settled within its time slice")
        return lo, hi, found, proven


def routes_of(found: Found) -> frozenset[tuple[str, str, Fraction]]:
    """A found plan's route decisions (drive, route, departure time): a MIP start for later stages.

    A batched unit's drives travel together, so each of them takes the unit's routes: a start for
    the stage drive by drive."""
    form, values = found.formulation, found.solution.values
    deps = form.route_deps
    return frozenset(
        (drive, deps[j].route, deps[j].time)
        for (unit, j), col in form.x.items()
        if values[col] > 0.5
        for drive in form.by_name[unit].members or (unit,)
    )


def delivered_tb(form: Formulation, sol: Solution) -> float:
    """Terabytes a solution delivers in all."""
    return float(sum(sol.values[col] for k in form.flows for col, _ in form.delivered(k)))


def done_point(form: Formulation, sol: Solution) -> int:
    """The first grid point by which a solution has delivered (almost) everything."""
    per_interval = [0.0] * form.n
    for k in form.flows:
        for i in range(form.n):
            per_interval[i] += sum(sol.values[col] for col in form._inflows(k, form.flows[k].to, i))
    total, running = form.total_tb, 0.0
    for i, amount in enumerate(per_interval):
        running += amount
        if running >= total * (1 - TOLERANCE):
            return i + 1
    return form.n


def _hours(seconds: Fraction | None) -> float | None:
    return None if seconds is None else float(seconds) / HOUR


def model_is_exact(form: Formulation) -> bool:
    """True when plan-mode and relaxed models coincide: an event grid, no relays, no io_rate caps.

    Then an infeasibility proof of the plan model is a proof for continuous time too.
    """
    plain = all(form.reach[q] <= {site for site, _, _ in c.origins} | {c.to} for q, c in form.flows.items())
    no_io = all(site.io_rate is None for site in form.plan.sites.values())
    # batched drives, given routes or given drive counts: a proof holds for that restricted model only
    free = (
        form.mode.routes is None
        and form.mode.counts is None
        and (form.mode.unit_limit is None or all(d.count == 1 for d in form.drives))
    )
    return form.grid.exact and plain and no_io and free


GALLOP = (1.05, 1.15)
"""Multiples of the lower bound checked first: a plan near the bound is found by a small model."""


def minimise_makespan(search: Search, lower: Fraction, upper: Fraction | None = None) -> Outcome:
    """The earliest completion on the search's grid, exact in continuous time within the bracket.

    First a plan at the top (the horizon, or `upper`: a completion a coarser model reached), whose
    actual completion narrows the bracket; then checks just above the lower bound (small models,
    and the optimum is often near); then bisection; then the exact last step.
    """
    grid = search.grid
    n = grid.intervals if upper is None else min(grid.intervals, max(1, grid.ceil(upper)))
    lo = min(max(0, grid.ceil(lower) - 1), n - 1)
    # with no plan yet, nothing below can run without this one: it may take most of the time
    # (gpu-onboarding with a $12,000 budget at 20 s: no plan in 0.4 of the last stage's 12.8 s)
    status, found = search.check(n, share=0.4 if upper is not None else 0.8)
    if found is None:
        return Outcome(None, None, status is Status.INFEASIBLE and upper is None, search.solves)
    hi, proven = found.point or n, lo
    search.best = grid.points[hi]
    search.say(f"a plan delivering by {float(grid.points[hi]) / HOUR:.1f} h")
    for factor in GALLOP:
        j = grid.ceil(lower * Fraction(factor).limit_denominator(100))
        if j <= lo or j >= hi or search.clock.out():
            continue
        status, plan = search.check(j, share=0.2)
        search.say(f"by {float(grid.points[j]) / HOUR:.1f} h: {_word(status)}")
        if plan is not None:
            hi, found = plan.point or j, plan
            break
        lo = j
        proven = j if status is Status.INFEASIBLE else proven
    lo, hi, better, proven = search.first_feasible(lo, hi, proven)
    found = better or found
    exact, last_bound = search.exact_last(hi) if not search.clock.out() else (None, None)
    if exact is not None and exact.makespan <= found.makespan:
        found = exact
    search.best = found.makespan
    bound = None
    optimal = False
    if model_is_exact(found.formulation):
        # Points at or below `proven` are proven infeasible (below `lower` by the bound itself).
        if proven == hi - 1 and hi >= 1:
            bound = grid.points[hi - 1] + Fraction(max(0.0, last_bound or 0.0) * HOUR).limit_denominator(10**6)
            optimal = exact is not None and exact.solution.status is Status.OPTIMAL
        elif proven > 0:
            bound = grid.points[proven]
    search.bound = bound
    return Outcome(found, bound, optimal, search.solves)


def _word(status: Status) -> str:
    return {Status.FEASIBLE: "feasible", Status.INFEASIBLE: "impossible"}.get(status, "not settled in its time slice")


def relaxed_bound(
    plan: Plan, horizon: Fraction, base: Mode, backend: str, clock: Clock, resolution: Fraction | None = None
) -> Fraction | None:
    """A lower bound on the makespan valid in continuous time: the relaxed model's LP, bisected.

    On a coarse `resolution` it stays valid: the relaxed model rounds departures up and arrivals
    down, so it can only be more optimistic than continuous time.
    """
    if clock.out():
        return None  # building the model alone can take seconds (large benchmark: 2.3 s)
    grid = build_grid(plan, horizon, resolution or plan.resolution)
    # one unit per group of identical drives: the same LP optimum as drive by drive, far smaller
    search = Search(plan, grid, replace(base, relaxed=True, unit_limit=1), backend, clock, phase="bound")
    status, _ = search.check(grid.intervals, share=0.2, relax=True)
    if status is not Status.FEASIBLE:
        return None
    lo, hi, _, proven = search.first_feasible(0, grid.intervals, 0, relax=True)
    if proven != hi - 1:
        return grid.points[proven] if proven > 0 else None
    _, last = search.exact_last(hi, relax=True)
    return grid.points[hi - 1] + Fraction(max(0.0, last or 0.0) * HOUR).limit_denominator(10**6)


def pooled_bound(
    plan: Plan,
    lower: Fraction,
    upper: Fraction,
    base: Mode,
    backend: str,
    clock: Clock,
    resolution: Fraction | None = None,
    proven_so_far: Callable[[Fraction], None] | None = None,
    pool_plans: Callable[[Found], None] | None = None,
) -> Fraction | None:
    """A makespan bound above `lower`, from the drive-pool relaxation solved as a MIP.

    The pool over-promises (any drives present may share any work), so "not everything by t" in
    it holds for every real plan; its MIP is far smaller than the per-drive model (one integer
    count per departure, not one binary per drive) and tighter than the LP (the medium
    benchmark: 261 h from the LP, 298 h proven in 21 s). Searches between `lower` and `upper`
    (a real plan's completion) on the plan's grid for the latest point proven infeasible.

    Each check at a point minimises the last interval before it (`Search.exact_last`), without
    primal heuristics: when it is infeasible the point is proven, and when the pool fits in the
    interval the solver's bound on its length is a bound between the two points. HiGHS proves
    the pool short by 304 h so in 13-18 s, where the plain feasibility model (`check(prove=True)`)
    takes 27-55 s (medium, three random seeds of HiGHS each); at 300 s the climb ends at the pool's optimum,
    309.07 h, in 219 s, where it stopped at 308 h.

    Upwards from `lower`, then by bisection: a check far below the pool's optimum is fast, one
    above it can be slower than any below, and plain bisection starts in the middle. The climb
    moves an eighth of what is left to `upper` at a time, and once a check was slow, to the first
    point CLIMB_STEP above the last (medium at 60 s: 304 h at 43 s, where 296, 298 and 304 h in
    turn ended at 298 h). Returns the highest bound proven, or None; `pool_plans` is handed each
    pool solution that completes earlier than those before it (at the end of the climb, the pool's
    optimum).
    """
    grid = build_grid(plan, upper, resolution or plan.resolution)
    search = Search(plan, grid, replace(base, relaxed=True, unit_limit=1), backend, clock, phase="bound")
    lo, hi = max(0, grid.floor(lower)), grid.intervals
    climbing, slow, checked = True, False, False
    best: Fraction | None = None
    earliest: Fraction | None = None

    def settle(j: int, share: float) -> bool:
        """Bound the pool's earliest completion in (t_j-1, t_j]; True when it is t_j or later."""
        nonlocal best, earliest
        found, last = search.exact_last(j, share=share, prove=True)
        if found is not None and pool_plans is not None and (earliest is None or found.makespan < earliest):
            earliest = found.makespan
            pool_plans(found)
        if last is None or last <= 0:
            return False
        length = grid.points[j] - grid.points[j - 1]
        early = min(length, Fraction(last * HOUR))  # the float, exactly: never above what was proven
        if best is None or grid.points[j - 1] + early > best:
            best = grid.points[j - 1] + early
            if proven_so_far is not None:  # a caller that may stop the search keeps it
                proven_so_far(best)
        return found is None and early >= length - BOUND_SLACK

    while hi - lo > 1 and not clock.out():
        if climbing:
            least = grid.ceil(grid.points[lo] * (1 + CLIMB_STEP))
            eighth = grid.ceil(grid.points[lo] + (upper - grid.points[lo]) / 8)
            mid = min(max(lo + 1, least, lo if slow else eighth), hi - 1)
        else:
            mid = (lo + hi) // 2
        started = clock.elapsed()
        # a climbing check that runs out of time ends the climb: it gets what is left
        if settle(mid, 1.0 if climbing else 0.5):
            lo = mid
            slow = slow or (clock.limit is not None and clock.elapsed() - started > 0.1 * clock.limit)
        else:
            hi, climbing, checked = mid, False, True  # pool-feasible, or not settled: nothing above
    if hi - lo == 1 and not checked and not clock.out():
        settle(hi, 1.0)  # the bracket below `upper`, which no check reached
    return best


def pool_check(
    plan: Plan,
    by: Fraction,
    top: Fraction,
    base: Mode,
    backend: str,
    clock: Clock,
    resolution: Fraction | None = None,
) -> tuple[Status, Found | None]:
    """A solution of the drive-pool MIP delivering everything by `by`, before `top` (on the plan's
    grid up to `by`, which ends there, or steps of `resolution`), with its verdict: feasible,
    none (proven, or `by` not before `top`), or unknown within `clock`. Its drive counts are the
    raw material of unpool.py.

    `by` itself ends the grid: the next event can be far later (medium benchmark: a target of
    311.8 h was 320 h on the event grid, whose pool solution gave the 318.2 h plan again; by
    311.8 h itself, 314.8 h)."""
    if by >= top:
        return Status.INFEASIBLE, None
    grid = build_grid(plan, by, resolution or plan.resolution)
    search = Search(plan, grid, replace(base, relaxed=True, unit_limit=1), backend, clock, phase="pool")
    return search.check(grid.intervals, share=1.0)


def pool_bracket(
    plan: Plan,
    top: Fraction,
    base: Mode,
    backend: str,
    clock: Clock,
    resolution: Fraction | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> tuple[Found | None, Fraction | None]:
    """The drive pool's earliest completion, looked for in the last interval of the plan's grid up
    to `top` (a real plan's completion, which ends that grid): the best pool solution found there
    in the time, and the makespan bound the search proved (None: none).

    The last interval's length is free down to zero, so its minimum bounds every completion, not
    only those inside the interval (`pooled_bound` relies on the same). When the pool's optimum
    lies in that interval, one search finds it and proves it, where the climb must first prove
    each interval below empty (medium benchmark: the interval (308, 320] solved to the pool's
    optimum, 309.07 h, in 98 s alone; the climb took 220 s, 92 s of them on (306, 308]).
    """
    grid = build_grid(plan, top, resolution or plan.resolution)
    search = Search(plan, grid, replace(base, relaxed=True, unit_limit=1), backend, clock, progress, phase="pool")
    # the search can take minutes (medium benchmark: 100 s): say what it is doing
    within = f"({float(grid.points[-2]) / HOUR:.1f} h, {float(top) / HOUR:.1f} h]"
    search.say(f"the drive pool's earliest completion in {within}")
    # no primal heuristics: measured, this search also finds its good solutions sooner without
    # them (medium, interval (308, 320]: 311.04 h at 34 s, where with them 311.04 h took 86 s)
    found, last = search.exact_last(grid.intervals, share=1.0, prove=True)
    bound = None
    if last is not None and last > 0:
        start = grid.points[-2]
        bound = start + min(grid.points[-1] - start, Fraction(last * HOUR))
    search.bound = bound
    done = "no solution found" if found is None else f"done by {float(found.makespan) / HOUR:.2f} h"
    proven = "" if bound is None else f"; nothing is done before {float(bound) / HOUR:.2f} h"
    search.say(f"the drive pool in {within}: {done}{proven}")
    return found, bound


def minimise_cost(search: Search, lower: Fraction) -> Outcome:
    """The cheapest plan delivering by the end of the grid (earliest among them: `earliest_at_cost`)."""
    form = Formulation(search.plan, search.grid, search.base)
    form.minimise_cost()
    search.phase = "cost"
    sol = search._run(form.model, 0.6, start=search.start_for(form))
    if not sol.found or sol.objective is None:
        return Outcome(None, None, sol.status is Status.INFEASIBLE, search.solves)
    # routes fixed, as each convoy set is priced in turn: its own cheapest, not the solve's
    what = "so far" if search.base.routes is None else "on these routes"
    search.say(f"cheapest plan {what}: {sol.objective:,.2f}")
    bound = None if sol.bound is None else Fraction(sol.bound).limit_denominator(10**6)
    return Outcome(Found(form, sol, search.grid.horizon), bound, sol.status is Status.OPTIMAL, search.solves)


def earliest_at_cost(search: Search, found: Found, lower: Fraction) -> Found:
    """Among plans as cheap as `found`, the earliest (second phase of the cost objective)."""
    cap = found.cost + max(1e-6 * abs(found.cost), 1e-6)
    inner = Search(
        search.plan,
        search.grid,
        replace(search.base, cost_cap=cap),
        search.backend,
        search.clock,
        search.progress,
        phase="earliest",
    )
    inner.hint = routes_of(found)  # the plan itself is one such plan: a start for the first check
    earliest = minimise_makespan(inner, lower)
    search.solves += inner.solves
    if earliest.found is not None and earliest.found.makespan <= found.makespan:
        return earliest.found
    return found


def cost_relaxation(plan: Plan, grid: Grid) -> Formulation:
    """The relaxed model to the end of `grid`, identical drives pooled in one unit, minimising cost:
    the model of `relaxed_cost_bound` (its LP) and `pooled_cost` (as a MIP)."""
    form = Formulation(plan, grid, Mode(relaxed=True, unit_limit=1))
    form.minimise_cost()
    return form


def relaxed_cost_bound(
    plan: Plan, grid: Grid, backend: str, clock: Clock, share: float = 0.5, form: Formulation | None = None
) -> Fraction | None:
    """A cost no plan finishing by the end of `grid` can beat: the LP of `cost_relaxation` (`form`,
    when already built), a relaxation of the LP drive by drive and far smaller (gpu-onboarding:
    $4,040.26 either way, in 0.2 s, not 16 s)."""
    form = form or cost_relaxation(plan, grid)
    sol = solve_model(form.model, backend, clock.slice(share), relax=True)
    return None if sol.bound is None else Fraction(sol.bound).limit_denominator(10**6)


def pooled_cost(
    form: Formulation, backend: str, clock: Clock, first: bool = False, start: Found | None = None, proof: bool = False
) -> tuple[Fraction | None, Found | None]:
    """The drive pool's cheapest plan, `cost_relaxation` (`form`) as a MIP: a cost no plan
    finishing by the end of its grid can beat (its solver's bound), and its best solution (None
    where it has none in the time).

    The relaxation of `relaxed_cost_bound` with its counts whole: any number of drives on a
    departure, couriers in whole numbers. A real plan is one of its solutions, so its bound holds,
    and the fixed charges the LP pays in fractions are paid in full (the medium benchmark as a
    cost plan with a 20-day deadline: $3,400 proven in 14 s, where the LP gives $2,444;
    gpu-onboarding: $9,790 in 14 s, against $6,075). Its solution, split drive by drive, can be a
    plan (the same $3,400 there; on gpu-onboarding the split runs late).

    `first`: stop at the first solution (gpu-onboarding: 1 s, where the optimum takes 3 s and its
    proof 14 s). `start`: an earlier solution of this model, the MIP start. `proof`: the bound is
    what is wanted, so no effort goes to primal heuristics."""
    given = None if start is None else dict(enumerate(start.solution.values.tolist()))
    stop = sys.float_info.max if first else None  # any solution at all is good enough
    sol = solve_model(form.model, backend, clock.slice(1.0), start=given, stop_at=stop, proof=proof)
    bound = None if sol.bound is None else Fraction(sol.bound).limit_denominator(10**6)
    return bound, (Found(form, sol, form.grid.horizon) if sol.found else None)


def cheapest_at(search: Search, found: Found) -> Found:
    """Among plans as fast as `found`, the cheapest (second phase of the makespan objective)."""
    grid = found.formulation.grid
    j = len(grid.points) - 1
    mode = replace(search.base, free_last=found.formulation.last is not None, require_all=True)
    form = Formulation(search.plan, search.truncated(j), mode)
    if form.last is not None:
        last = float(found.makespan - search.grid.points[j - 1]) / HOUR
        form.model.row([(form.last, 1.0)], ub=last * (1 + 1e-9) + 1e-9)
    form.minimise_cost()
    search.phase = "cost"
    # the plan itself, where the model is the one it came from: an incumbent from the outset
    values = found.solution.values
    same = len(values) == len(form.model.lb) and found.formulation.mode == form.mode
    sol = search._run(form.model, 0.5, start=dict(enumerate(values.tolist())) if same else None)
    if sol.found and sol.objective is not None and sol.objective <= found.cost + 1e-6:
        return Found(form, sol, found.makespan)
    return found


def pruned(search: Search, found: Found, share: float = 0.5) -> Found:
    """`found` without the trips nothing needs (`needless`), at least cost.

    A search stopped by its time limit can hand back such trips: the medium cost plan (20-day
    deadline) at 60 s cost $23,144 with five courier legs that arrive after its last byte, empty.
    They are dropped and every other route and courier decision is kept as it was, so what is
    left is the data's LP (its flows may get cheaper too), with every dataset's bytes delivered as
    early as in `found`. The plan itself, less those trips, is one solution of it: anything it
    returns is as early, as feasible and no dearer."""
    form, values = found.formulation, found.solution.values
    if not form.cost:
        return found
    done = found.point if found.point is not None else done_point(form, found.solution)
    kept = needless(form, values, done)
    dropped = sum(round(values[col]) - n for col, n in kept.items())
    if not dropped:
        return found
    model = form.model.copy()
    for col, n in kept.items():
        model.lb[col] = model.ub[col] = float(n)
    for k in form.flows:
        terms = form.delivered(k, done)
        model.row(terms, lb=sum(values[col] for col, _ in terms) * (1 - 1e-9))
        late = form.delivered(k, since=done)
        if not any(values[col] > 0 for col, _ in late):
            # the slack above would let a trickle arrive late, and the plan end then
            for col, _ in late:
                model.ub[col] = 0.0
    if form.last is not None:
        model.row([(form.last, 1.0)], ub=float(values[form.last]) * (1 + 1e-9) + 1e-9)
    model.set_objective(form.cost)
    phase, search.phase = search.phase, "prune"
    sol = search._run(model, share, relax=True)
    search.phase = phase
    if not sol.found or sol.objective is None or sol.objective >= found.cost - 1e-6:
        return found
    search.say(f"without {dropped} trips or couriers nothing needs: {sol.objective:,.2f}")
    return Found(form, sol, found.makespan, found.point)


def needless(form: Formulation, values: np.ndarray, done: int) -> dict[int, int]:
    """A solution's route and courier decisions (column: value) less what nothing needs:

    - every leg that arrives after grid point `done`, by which everything is delivered;
    - a unit's last legs while they carry nothing: a drive that arrives empty and never leaves
      again can do nothing there (the medium cost plan at 10 s: 4 empty drives sent to src-03 at
      346 h, never to come back, with a $1,500 courier);
    - couriers beyond a leg's drives' need (ceil(drives / carry)) when their pool never leaves
      the leg's end again: they travel alone to stay."""
    deps, plan = form.route_deps, form.plan
    decided = [*((j, col) for (_unit, j), col in form.x.items()), *form.u.items()]
    kept = {col: 0 if deps[j].arrive_point > done else round(values[col]) for j, col in decided}
    held: dict[tuple[str, int], float] = defaultdict(float)  # a unit's bytes at a grid point
    for (unit, _k, g), col in form.c.items():
        held[unit, g] += values[col]
    legs: dict[str, list[int]] = defaultdict(list)
    for (unit, j), col in form.x.items():
        if kept[col]:
            legs[unit].append(j)
    for unit, js in legs.items():
        for j in sorted(js, key=lambda j: deps[j].time, reverse=True):
            if held[unit, deps[j].depart_point] > 1e-6:
                break
            kept[form.x[unit, j]] = 0
    carried: dict[int, int] = defaultdict(int)  # drives on each departure
    for (unit, j), col in form.x.items():
        carried[j] += kept[col] * form.by_name[unit].count
    # latest first, so a leg is settled before the earlier legs whose couriers it could take on
    latest: dict[tuple[str | None, str], int] = {}  # a pool's last departure point from a site
    for j, col in sorted(form.u.items(), key=lambda item: deps[item[0]].time, reverse=True):
        route = plan.routes[deps[j].route]
        if kept[col] and latest.get((route.courier, route.to), -1) < deps[j].arrive_point:
            kept[col] = min(kept[col], -(-carried[j] // plan.couriers[route.courier].carry))  # type: ignore[index]
        if kept[col]:
            latest.setdefault((route.courier, route.from_), deps[j].depart_point)
    return kept
