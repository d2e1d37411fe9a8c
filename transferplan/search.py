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

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction

from .backend import LinearModel, Solution, Status, solve_model
from .formulation import HOUR, Formulation, Mode
from .schema import Plan
from .timegrid import Grid, build_grid

TOLERANCE = 1e-6
"""Relative tolerance of "everything delivered" on the solver's floating-point answer."""


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

    @property
    def cost(self) -> float:
        return sum(coef * self.solution.values[col] for col, coef in self.formulation.cost)


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

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(Progress(self.phase, message, _hours(self.best), _hours(self.bound), self.clock.elapsed()))

    def _run(self, model: LinearModel, share: float, relax: bool = False) -> Solution:
        self.solves += 1
        self.last_size = model.size
        return solve_model(model, self.backend, self.clock.slice(share), relax=relax)

    def truncated(self, j: int) -> Grid:
        return Grid(self.grid.points[: j + 1], self.grid.exact)

    # -------------------------------------------------------------- feasibility by t_j
    def check(
        self, j: int, share: float = 0.25, relax: bool = False, mode: Mode | None = None
    ) -> tuple[Status, Found | None]:
        """Can everything be delivered by grid point j? (feasible plan, proven no, or unknown)."""
        form = Formulation(self.plan, self.truncated(j), replace(mode or self.base, require_all=False))
        form.maximise_delivered()
        sol = self._run(form.model, share, relax)
        total = form.total_tb
        if sol.found and sol.objective is not None and sol.objective >= total * (1 - TOLERANCE):
            return Status.FEASIBLE, Found(form, sol, self.grid.points[j])
        if sol.status is Status.INFEASIBLE or (sol.bound is not None and sol.bound < total * (1 - TOLERANCE)):
            return Status.INFEASIBLE, None
        if sol.status is Status.OPTIMAL:
            return Status.INFEASIBLE, None
        return Status.UNKNOWN, None

    def exact_last(self, j: int, relax: bool = False, mode: Mode | None = None) -> tuple[Found | None, float | None]:
        """Minimise the last interval's length on the grid up to point j: the continuous-time optimum."""
        form = Formulation(self.plan, self.truncated(j), replace(mode or self.base, free_last=True))
        form.minimise_last()
        sol = self._run(form.model, 0.5, relax)
        start = self.grid.points[j - 1]
        bound = None if sol.bound is None else sol.bound
        if not sol.found or sol.objective is None:
            return None, bound
        return Found(form, sol, start + Fraction(sol.objective * HOUR).limit_denominator(10**6)), bound

    def first_feasible(self, lo: int, hi: int, relax: bool = False) -> tuple[int, int, Found | None, bool]:
        """Bisect for the first feasible point in (lo, hi]; hi must be feasible.

        Returns (lo, hi, plan at hi, lo proven infeasible).
        """
        found: Found | None = None
        proven_lo = True
        while hi - lo > 1 and not self.clock.out():
            mid = (lo + hi) // 2
            status, plan = self.check(mid, relax=relax)
            hours = float(self.grid.points[mid]) / HOUR
            if status is Status.FEASIBLE:
                hi, found = mid, plan
                self.say(f"by {hours:.1f} h: feasible")
            else:
                lo = mid
                proven_lo = status is Status.INFEASIBLE
                self.say(f"by {hours:.1f} h: {'impossible' if proven_lo else 'not proven within the time slice'}")
        return lo, hi, found, proven_lo and hi - lo == 1


def _hours(seconds: Fraction | None) -> float | None:
    return None if seconds is None else float(seconds) / HOUR


def model_is_exact(form: Formulation) -> bool:
    """True when plan-mode and relaxed models coincide: an event grid, no relays, no io_rate caps.

    Then an infeasibility proof of the plan model is a proof for continuous time too.
    """
    plain = all(sites <= {ds.at, ds.to} for sites, ds in ((form.reach[k], form.plan.datasets[k]) for k in form.reach))
    no_io = all(site.io_rate is None for site in form.plan.sites.values())
    return form.grid.exact and plain and no_io


def minimise_makespan(search: Search, lower: Fraction) -> Outcome:
    """The earliest completion on the search's grid, exact in continuous time within the bracket."""
    grid = search.grid
    n = grid.intervals
    status, top = search.check(n, share=0.3)
    if status is not Status.FEASIBLE or top is None:
        return Outcome(None, None, status is Status.INFEASIBLE, search.solves)
    search.best = top.makespan
    lo = max(0, grid.ceil(lower) - 1)
    lo, hi, found, proven_lo = search.first_feasible(lo, n)
    found = found or top
    exact, last_bound = search.exact_last(hi) if not search.clock.out() else (None, None)
    if exact is not None and exact.makespan <= found.makespan:
        found = exact
    search.best = found.makespan
    bound, proven = None, False
    if model_is_exact(found.formulation):
        if proven_lo and hi >= 1:
            bound = grid.points[hi - 1] + Fraction(max(0.0, last_bound or 0.0) * HOUR).limit_denominator(10**6)
            proven = exact is not None and exact.solution.status is Status.OPTIMAL
        else:
            bound = grid.points[lo] if lo > 0 else None
    search.bound = bound
    return Outcome(found, bound, proven, search.solves)


def relaxed_bound(plan: Plan, horizon: Fraction, base: Mode, backend: str, clock: Clock) -> Fraction | None:
    """A lower bound on the makespan valid in continuous time: the relaxed model's LP, bisected."""
    grid = build_grid(plan, horizon, plan.resolution)
    search = Search(plan, grid, replace(base, relaxed=True), backend, clock, phase="bound")
    status, _ = search.check(grid.intervals, share=0.2, relax=True)
    if status is not Status.FEASIBLE:
        return None
    lo, hi, _, proven = search.first_feasible(0, grid.intervals, relax=True)
    if not proven:
        return grid.points[lo] if lo > 0 else None
    _, last = search.exact_last(hi, relax=True)
    return grid.points[hi - 1] + Fraction(max(0.0, last or 0.0) * HOUR).limit_denominator(10**6)


def minimise_cost(search: Search, lower: Fraction) -> Outcome:
    """The cheapest plan delivering by the end of the grid, then the earliest among the cheapest."""
    form = Formulation(search.plan, search.grid, search.base)
    form.minimise_cost()
    search.phase = "cost"
    sol = search._run(form.model, 0.5)
    if not sol.found or sol.objective is None:
        return Outcome(None, None, False, search.solves)
    cheapest = sol.objective
    search.say(f"cheapest plan so far: {cheapest:,.2f}")
    found = Found(form, sol, search.grid.horizon)
    cap = cheapest + max(1e-6 * abs(cheapest), 1e-6)
    inner = Search(
        search.plan,
        search.grid,
        replace(search.base, cost_cap=cap),
        search.backend,
        search.clock,
        search.progress,
        phase="earliest",
    )
    earliest = minimise_makespan(inner, lower)
    if earliest.found is not None:
        found = earliest.found
    bound = sol.bound if sol.bound is not None else None
    return Outcome(
        found,
        None if bound is None else Fraction(bound).limit_denominator(10**6),
        sol.status is Status.OPTIMAL,
        search.solves + inner.solves,
    )


def cheapest_at(search: Search, found: Found) -> Found:
    """Among plans as fast as `found`, the cheapest (second phase of the makespan objective)."""
    grid = found.formulation.grid
    j = len(grid.points) - 1
    form = Formulation(
        search.plan, search.truncated(j), replace(search.base, free_last=found.formulation.last is not None)
    )
    if form.last is not None:
        last = float(found.makespan - search.grid.points[j - 1]) / HOUR
        form.model.row([(form.last, 1.0)], ub=last * (1 + 1e-9) + 1e-9)
    form.minimise_cost()
    search.phase = "cost"
    sol = search._run(form.model, 0.5)
    if sol.found and sol.objective is not None and sol.objective <= found.cost + 1e-6:
        return Found(form, sol, found.makespan)
    return found
