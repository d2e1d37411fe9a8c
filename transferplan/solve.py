"""The public entry point: `solve(plan) -> Result`. Orchestrates, never prints.

Horizon: the plan's `horizon`, else its deadline, else a guess from the flow bound that doubles
(up to a year) until a plan fits. Every plan returned has been replayed by the independent verifier;
`Result.verified` and `Result.violations` say how that went.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from . import bounds
from .assemble import unsolved_result, verified_result
from .backend import Status, solver_name
from .beside import Beside
from .convoys import best_itinerary
from .formulation import HOUR, TB, Mode, drive_groups
from .neighbourhood import Decision, decisions, improve, searchable
from .result import Baseline, Result
from .schema import Plan
from .search import (
    COLUMNS_PER_SECOND,
    Clock,
    Found,
    Outcome,
    Progress,
    Search,
    cheapest_at,
    cost_relaxation,
    earliest_at_cost,
    minimise_cost,
    minimise_makespan,
    model_is_exact,
    pool_bracket,
    pool_check,
    pooled_bound,
    pooled_cost,
    pruned,
    relaxed_bound,
    relaxed_cost_bound,
    routes_of,
)
from .timegrid import Grid, build_grid
from .unpool import departure_counts, unpool
from .warm import warm_routes

__all__ = ["solve", "Progress"]

DAY = Fraction(86400)
MAX_HORIZON = 366 * DAY


def solve(
    plan: Plan,
    *,
    time_limit: float | None = 60.0,
    backend: str = "auto",
    baselines: bool = True,
    progress: Callable[[Progress], None] | None = None,
    workers: int | None = None,
    warm_start: Result | None = None,
) -> Result:
    """Compute the optimal plan (makespan or cost objective, per `plan.objective`).

    Parameters
    ----------
    time_limit: seconds for the whole solve (None: no limit); the best plan so far is returned.
    backend: "auto" (default, HiGHS through highspy), "highs" or "scip" (through OR-Tools).
    baselines: also compute the best network-only and shipping-only plans, for comparison.
    progress: called with a Progress at each step of the search.
    workers: processes at once: with 2, the drive-pool bound runs in a child process beside the
        search for plans, each with the whole time; with 1, one after the other. Default: 2 where
        the machine has two cores or more.
    warm_start: a Result found before, of this plan or of a variant of it (see warm.py): its
        drives' trips, timed for this plan, are where the search starts when they run here, so
        the answer is never later (or, for cost, dearer) than that plan run under this one.

    Returns a Result whose status is optimal, feasible (time ran out before the proof), infeasible
    (with `explanation`) or unknown (time ran out before any plan). Raises ValueError for
    `workers` below 1, as the command line refuses `--workers 0`.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if plan.objective == "cost" and not plan.priced:
        # every plan costs nothing, so the earliest of the cheapest is the fastest, which the
        # makespan search finds far better (two drives on one lane, 640 TB: 449.63 h, where the
        # cost search's convoys, never filled part way, gave 474.8 h; one-lane without its 40
        # days: 518.9 h, where the cost search's own horizon gave 570.8 h)
        fastest = solve(
            plan.replace(objective="makespan"),
            time_limit=time_limit,
            backend=backend,
            baselines=baselines,
            progress=progress,
            workers=workers,
            warm_start=warm_start,
        )
        return _free(fastest)
    clock = Clock(time_limit)
    blocked = bounds.unreachable(plan)
    if blocked:
        return unsolved_result(plan, "infeasible", blocked, clock)
    if workers is None:
        workers = 2 if (os.cpu_count() or 1) >= 2 else 1
    optimise = _Optimiser(plan, backend, clock, progress, workers=workers, warm=warm_start)
    if _late_alone(plan):
        # no search need prove it (gpu-onboarding with 3 days: 12 s of search, now 2.3 s for the
        # words, each dataset's bound alone)
        due = {k: d for k in plan.datasets if (d := plan.deadline_seconds(k)) is not None}
        return unsolved_result(plan, "infeasible", optimise.alone(plan.without_deadlines(), due), clock)
    # the baselines first, within their share: what they leave unused (medium benchmark: network-
    # only is proven impossible in 0.2 s) goes to the main search, which can always use more
    share = Clock(None if time_limit is None else time_limit * BASELINE_SHARE)
    compared = optimise.baselines(share) if baselines else []
    left = clock.remaining()
    if left is not None and clock.limit is not None:
        # the cheapest plan as fast, the schedule and its replay come after the search (large
        # benchmark: 1.7 s after a plan on the event grid)
        left = max(0.0, left - min(FINISH_SHARE * clock.limit, FINISH_SECONDS))
    optimise.clock = Clock(left)
    outcome, search = optimise.refine()
    if outcome.found is None:
        status = "infeasible" if outcome.proven else "unknown"
        words = optimise.explain() if status == "infeasible" else [_timeout_words(clock)]
        unsolved = unsolved_result(plan, status, words, clock, solves=outcome.solves)
        return _named(unsolved, backend).model_copy(update={"baselines": compared})
    found = outcome.found
    if plan.objective == "makespan" and not clock.out() and any(c for _, c in found.formulation.cost):
        found = cheapest_at(search, found)
    if plan.objective == "cost":
        outcome.lower_bound, outcome.proven = optimise.cost_bound(outcome, search.grid, clock)
        if not clock.out():
            found = earliest_at_cost(search, found, optimise.inflow)
        if (search.base.routes is not None or search.base.counts is not None) and not clock.out():
            # a plan made with its routes given (the drive pool's, priced) is the earliest for
            # those routes only; among all plans as cheap, one can be far earlier (the small
            # benchmark as a cost plan, every plan free: 222.2 h, where 77.1 h costs $0 too, found
            # in 0.1 s). On the medium cost plan the search over all routes finds nothing earlier
            # than its 478.8 h in 28 s, so it gets a few seconds only.
            paced = _paced(optimise.clock, EARLIEST_FREE_SECONDS)
            free = Search(plan, search.grid, optimise.base, backend, paced, progress)
            free.solves = search.solves
            found = earliest_at_cost(free, found, optimise.inflow)
            search.solves = free.solves
    if not clock.out():
        # on the solve's own clock, which keeps time for the finish: the search's may be spent
        finisher = Search(plan, search.grid, search.base, backend, clock, progress, phase="prune")
        found = pruned(finisher, found)
        search.solves += finisher.solves
    lower = optimise.lower_bound(outcome, found)
    if plan.objective == "makespan" and lower is not None and _meets(lower, found.makespan):
        outcome.proven = True  # a bound (the drive pool's) meets the plan: nothing finishes earlier
    result = verified_result(plan, outcome, found, lower, clock, search.solves)
    if not result.verified:
        result = _accepted(plan, outcome, found, result, lower, clock, optimise.candidates)
    # solve_seconds is the whole call, baselines included: what a user waited
    return _named(result, backend).model_copy(update={"baselines": compared, "solve_seconds": clock.elapsed()})


def _free(fastest: Result) -> Result:
    """The fastest plan of a plan in which nothing costs, as the answer to `objective: cost`: the
    cheapest (nothing costs less than nothing), and the earliest as far as the search proved."""
    if fastest.makespan_hours is None:
        return fastest.model_copy(update={"objective": "cost"})
    cheapest = {"objective": "cost", "status": "optimal", "cost_lower_bound": 0.0, "gap": 0.0}
    return fastest.model_copy(update=cheapest)


def _accepted(
    plan: Plan,
    outcome: Outcome,
    found: Found,
    rejected: Result,
    lower: Fraction | None,
    clock: Clock,
    candidates: list[tuple[Outcome, Search]],
) -> Result:
    """Never hand out a plan the replay rejects (`found`, of `outcome`) when another stage found one
    it accepts: the best of those, feasible unless the bound meets it; else `rejected` as it is."""
    for other, other_search in sorted(candidates, key=lambda c: _rank(plan, c[0])):
        if other.found is None or other.found is found:
            continue
        # a bound that meets this plan proves it, whichever stage found it
        met = plan.objective == "makespan" and lower is not None and _meets(lower, other.found.makespan)
        # for cost, the bound is the one found for the whole plan: a stage's own holds for its
        # routes only (the large cost plan reported its fallback's $138,978 as the bound, 0 %)
        cheapest = outcome.lower_bound if plan.objective == "cost" else other.lower_bound
        taken = replace(other, proven=met, lower_bound=cheapest)
        retry = verified_result(plan, taken, other.found, lower, clock, other_search.solves)
        if retry.verified:
            return retry if met else retry.model_copy(update={"status": "feasible"})
    return rejected


def _named(result: Result, backend: str) -> Result:
    """`result`, naming the solver that ran ("auto" is HiGHS)."""
    return result.model_copy(update={"solver": result.solver.model_copy(update={"backend": solver_name(backend)})})


def _rank(plan: Plan, outcome: Outcome) -> tuple[float, float]:
    assert outcome.found is not None
    time_first = (float(outcome.found.makespan), outcome.found.cost)
    return time_first if plan.objective == "makespan" else (time_first[1], time_first[0])


class _Optimiser:
    """One plan's search: picks the horizon and grid, runs the objective, explains failures."""

    def __init__(
        self,
        plan: Plan,
        backend: str,
        clock: Clock,
        progress: Callable[[Progress], None] | None,
        base: Mode = Mode(),
        workers: int = 1,
        warm: Result | None = None,
    ):
        self.plan, self.backend, self.clock, self.progress, self.base = plan, backend, clock, progress, base
        self.workers, self.warm = workers, warm
        self.beside: Beside | None = None  # the pool bound's child process, when one runs
        self.pool_plan: Found | None = None  # a plan the pool bound's stage made (`_pooled_bound`)
        self.inflow = bounds.flow_bound(plan)
        self.relaxed: Fraction | None = None
        self.cheapest: Fraction | None = None  # the cost bound (LP, or the pool MIP beside the search or in turn)
        self.costing: Beside | None = None  # the child process taking it, when one runs
        self.proof_turn: Clock | None = None  # with one worker: the whole clock, when a cost bound's turn ends it
        self.start_horizon, self.grows = self._first_horizon()
        self.candidates: list[tuple[Outcome, Search]] = []  # every stage's plan, for fallback
        self.moved: set[frozenset[tuple[str, str, Fraction]]] = set()  # plans no route move makes cheaper
        self.hint: frozenset[tuple[str, str, Fraction]] | None = None  # the convoys' routes: a MIP start

    def _first_horizon(self) -> tuple[Fraction, bool]:
        """The first horizon to try, and whether it may grow.

        With a deadline on every dataset, nothing is delivered after the latest, and nothing has
        to come back (rule 4): no plan needs the time after it. Within a longer `horizon` it only
        grew the model and left room for trips that serve nothing (the medium benchmark as a cost
        plan with a 20-day deadline in its 30 days: 45 courier legs after the last byte among the
        convoys' routes)."""
        plan = self.plan
        latest = plan.latest_deadline
        if latest is not None:
            return (latest if plan.horizon is None else min(plan.horizon, latest)), False
        if plan.horizon is not None:
            return plan.horizon, False
        guess = max(2 * self.inflow, self.inflow + 3 * DAY, 2 * DAY)
        guess = min(MAX_HORIZON, -(-guess // DAY) * DAY)
        if plan.objective == "cost":
            cheapest = self._cheapest_horizon(guess)
            if cheapest is not None:
                return cheapest, False
        return guess, True

    def _cheapest_horizon(self, guess: Fraction) -> Fraction | None:
        """For the cheapest plan with no horizon and no deadline: a horizon that holds it, or None.

        The fastest plan's horizon is no answer: cheaper plans are often slower (a free link
        alone, where a paid one is faster), and the first horizon holding any plan held a dear
        one (100 TB over a free 1 Gbps link beside a paid 10 Gbps one: $568 within 96 h, where the
        free link alone costs nothing by 222.2 h). From `guess` the horizon doubles while the
        relaxed cost LP (`relaxed_cost_bound`) keeps falling: it never rises with more time, and
        once twice the time buys nothing cheaper (or nothing is left to save), the horizon where
        it last fell is the one. The planner looks no further than that (the format's derived
        horizon); with HORIZON_SHARE of the time spent, the cheapest horizon reached so far."""
        clock = self.share(HORIZON_SHARE)
        horizon, least, chosen = guess, None, None
        while not clock.out():
            began = clock.elapsed()
            grid = build_grid(self.plan, horizon, self.bound_resolution(horizon))
            bound = relaxed_cost_bound(self.plan, grid, self.backend, clock, share=1.0)
            if bound is not None:  # None: no plan by then (or no time left, which ends the loop)
                if least is not None and bound >= least - COST_TOLERANCE:
                    break  # twice the time, nothing cheaper
                least, chosen = bound, horizon
                if bound <= COST_TOLERANCE:
                    break  # nothing left to save
            left = clock.remaining()
            # twice the horizon takes about twice as long (the large benchmark: 912 h in 4.6 s,
            # then 1824 h cut off at 9 s)
            if horizon >= MAX_HORIZON or (left is not None and left < 2 * (clock.elapsed() - began)):
                break
            horizon = min(MAX_HORIZON, 2 * horizon)
        return chosen

    def refine(self) -> tuple[Outcome, Search]:
        """The best plan (see `_refine`), and the bound that ran beside its search."""
        outcome, search = self._refine()
        if self.costing is not None:
            # a cheapest plan proven on an exact model needs no other bound (`cost_bound`)
            exact = outcome.proven and outcome.found is not None and model_is_exact(outcome.found.formulation)
            left = 0.0 if exact else self.clock.remaining()
            costed: PoolReport | None = self.costing.result(None if left is None else max(0.0, left))
            self.costing = None
            if costed is not None:
                self.cheapest = costed.bound
                self.pool_plan = costed.plan
        if self.beside is not None:
            # a proven plan needs no bound; otherwise the bound may use the time to the end, and
            # no more (medium at 5 s: with a second's grace the call took 5.3 s); a bound cut off
            # there still leaves the last point it proved
            left = 0.0 if outcome.proven or self.meets(outcome) else self.clock.remaining()
            self._take(self.beside.result(None if left is None else max(0.0, left)))
            self.beside = None
        if self.proof_turn is not None:
            self.clock, self.proof_turn = self.proof_turn, None
            self.cost_proof(outcome)
            # the stage's clock ended where the turn began: what the proof leaves goes to the
            # earliest plan as cheap (`solve`; gpu-onboarding: 336.0 h without, 335.5 h with it)
            search.clock = self.clock
        return self.adopt(outcome, search)

    def cost_proof(self, outcome: Outcome) -> None:
        """With one worker, the drive pool's cost MIP in the time the stages left it
        (`costed_in_turn`), for the bound alone, when the stages' plan is not proven by it yet."""
        found = outcome.found
        if found is None or outcome.proven or self.clock.out():
            return
        if _cost_proven(self.cheapest, found.cost):
            return
        grid = build_grid(self.plan, self.start_horizon, self.plan.resolution)
        # no effort on better solutions: the bound is what is wanted (the medium cost plan, 20 days,
        # at 60 s: $3,400 proven in 22.0 s of the turn's 26.4 s, where with heuristics $2,624 in all
        # of it). Not from the probe's solution: a start proved medium's in 16.9 s alone, but
        # gpu-onboarding's not at all in 23.7 s, where from nothing in 20.9 s.
        bound, _ = pooled_cost(cost_relaxation(self.plan, grid), self.backend, self.clock, proof=True)
        if bound is not None and self.cheapest is not None and bound > self.cheapest:
            self.cheapest = bound  # (with none before, the LP is taken later: a MIP cut short has 0)

    def costed_in_turn(self, best: tuple[Outcome, Search] | None) -> tuple[Outcome, Search] | None:
        """With one worker, what the cost child does beside the search (`_cost_bound`), in turn,
        in COST_TURN_SHARE of the time: before the search, which may use all the time
        (gpu-onboarding at 60 s), so that every plan comes with a bound; its plan, when it has one
        cheaper than `best`, is where the stages start. Where that plan is not proven cheapest,
        the stages leave COST_PROOF_SHARE of the time to the same MIP for its bound (`cost_proof`)."""
        clock = self.share(COST_TURN_SHARE)
        job = (self.plan, self.start_horizon, self.backend, clock.remaining(), self.base)
        costed = _cost_bound(None, *job, probe=True)
        self.cheapest, self.pool_plan = costed.bound, costed.plan
        if costed.plan is None:
            # no plan from the pool's MIP in its turn: the search needs the time more (the large
            # benchmark as a cost plan, 40 days, at 60 s: with the proof's turn below taken there,
            # the solve ended at 63 s with a bound of 0 and a dearer plan)
            return best
        left = self.clock.remaining()
        reserve = None if self.clock.limit is None else COST_PROOF_SHARE * self.clock.limit
        unproven = not _cost_proven(costed.bound, costed.plan.cost)
        if unproven and left is not None and reserve is not None and reserve >= COST_PROOF_LEAST:
            # the probe stops at the MIP's first solution that is a plan, where its bound is low
            # (gpu-onboarding at 60 s: $8,581, where the MIP proves $10,400 in 18-21 s alone):
            # the end of the time goes to that proof, where it is long enough to hold one
            self.proof_turn, self.clock = self.clock, Clock(max(0.0, left - reserve))
        return self.taken(costed.plan, best) or best

    def _costed_optimal(self) -> bool:
        """Whether the cost search's child has handed back a plan its bound proves the cheapest
        (the medium benchmark as a cost plan at 60 s: $3,400 proven at 15 s, where the stages
        ran on to 45 s)."""
        report = PoolReport(self.cheapest, self.pool_plan) if self.costing is None else self.costing.latest()
        made = report.plan if isinstance(report, PoolReport) else None
        return made is not None and _cost_proven(report.bound, made.cost)

    def adopt(self, outcome: Outcome, search: Search) -> tuple[Outcome, Search]:
        """The plan the pool bound's stage made, with a search on its own grid, when it is better
        than `outcome`; else `outcome` and `search` as they are."""
        made = self.pool_plan
        taken = None if made is None else self.taken(made, (outcome, search))
        return (outcome, search) if taken is None else taken

    def taken(self, made: Found, best: tuple[Outcome, Search] | None) -> tuple[Outcome, Search] | None:
        """A per-drive plan made from a pool solution, with a search on its own grid, when it is
        better than `best` (or there is none; its routes are then the next MIP start); else None."""
        form = made.formulation
        # a plan made by a check ("deliver as much as you can") has a model that may deliver less:
        # the phases after the search (cheapest as fast, pruning) must deliver everything
        mode = replace(form.mode, require_all=True)
        search = Search(self.plan, form.grid, mode, self.backend, self.clock, self.progress)
        search.solves = 0 if best is None else best[0].solves
        offered = Outcome(made, None, False, search.solves)
        if best is not None and not _better(self.plan, offered, best[0]):
            return None
        self.candidates.append((offered, search))
        self.hint = routes_of(made)
        search.say(f"the drive pool's solution, drive by drive, delivers by {float(made.makespan) / HOUR:.1f} h")
        return offered, search

    def routed(
        self,
        timed: tuple[Outcome, Search] | None,
        best: tuple[Outcome, Search],
        routes: frozenset[tuple[str, str, Fraction]] | None = None,
    ) -> tuple[Outcome, Search] | None:
        """A pool solution's routes timed exactly (`timed`), when that plan is better than `best`
        (its `routes`, else those read off it, are then the next MIP start); else None."""
        if timed is None or timed[0].found is None or not _better(self.plan, timed[0], best[0]):
            return None
        found = timed[0].found
        self.hint = routes_of(found) if routes is None else routes
        timed[1].say(f"the drive pool's routes deliver everything by {float(found.makespan) / HOUR:.1f} h")
        return timed

    def meets(self, outcome: Outcome) -> bool:
        """Whether the bound proven so far meets the plan of `outcome`: nothing can beat it."""
        found = outcome.found
        return self.plan.objective == "makespan" and found is not None and _meets(self.inflow, found.makespan)

    def raise_bound(self, bound: Fraction) -> None:
        """Take a makespan bound a stage proved: where later searches start, and what is reported."""
        self.relaxed = self.inflow = max(bound, self.inflow)

    def _refine(self) -> tuple[Outcome, Search]:
        """Convoys first (a plan fast), then the bounds, then the exact model with identical drives
        batched into few units, then finer, down to one drive each.

        Each stage is a valid plan for the drives one by one (a unit's drives share its work); finer
        stages can only do better and start from the best completion so far. The last stage that
        finishes decides optimality; earlier stages are proven only against their units or routes.
        """
        best: tuple[Outcome, Search] | None = None
        whole = self.base
        if self.base.fleet is None:
            self.base = replace(self.base, fleet=self.working_fleet())
        convoyed_first = False  # the convoys searched already (for a horizon: `fitted`)
        if self.grows and self.plan.objective == "makespan":
            best, convoyed_first = self.fitted()
        if self.plan.objective == "cost" and not self.grows and self.workers > 1:
            # beside the whole search: its LP can take longer than a share of the time (the
            # medium benchmark as a cost plan on its 30-day grid: 8 s, whatever the LP method)
            job = (self.plan, self.start_horizon, self.backend, self.clock.remaining(), whole)
            self.costing = Beside(_cost_bound, *job)
        grid = build_grid(self.plan, self.start_horizon)
        coarse = self.coarse_resolution(grid)
        big = self._big(grid)
        by_convoys = self.convoyed(grid)
        makespan = self.plan.objective == "makespan"
        if self.warm is not None:
            warmed = self.warmed(grid)
            if best is None or (warmed is not None and _better(self.plan, warmed[0], best[0])):
                best = warmed
        # after a warm start, the search below goes on from it (medium benchmark, budgets swept
        # at 20 s: $20,000 gave 385.7 h so, 400.0 h after the convoys' 6 s); a big plan has no
        # search below but the convoys'. A start none of whose drives travel here (a result of
        # another plan, say) is no start for the drives: the convoys still run.
        started = best is not None and best[0].found is not None and not big and bool(self.hint)
        if by_convoys and not started and not convoyed_first:
            convoyed = self.first_convoys(grid, big, estimated=self.early(big))
            if best is None or (convoyed is not None and _better(self.plan, convoyed[0], best[0])):
                best = convoyed
            elif best[0].found is not None:
                self.hint = routes_of(best[0].found)  # the start's routes, not the convoys'
        if makespan and not self.grows:
            # the relaxed LP bound first: an honest bound, and where the search starts; no later
            # than a plan already found (a shorter grid, the same bound), on the fine grid if small
            bound_clock = self.share(BOUND_SHARE)
            top = self.start_horizon if best is None or best[0].found is None else best[0].found.makespan
            bound_step = self.bound_resolution(top)
            self.relaxed = relaxed_bound(self.plan, top, self.base, self.backend, bound_clock, bound_step)
            if self.relaxed is not None:
                self.inflow = max(self.inflow, self.relaxed)
            planless = best is None or best[0].found is None
            # its plan is a start for two lanes at a time; where that search cannot run, the
            # exact stages do better from nothing (gpu-onboarding, two lanes, under $20,000:
            # 164.0 h from them at 60 s, 310.9 h after a start from the pool)
            descends = by_convoys and not big and searchable(self.plan)
            if planless and self.plan.budget is not None and descends:
                best = self.within_budget(grid, bound_step) or best
                if best is not None and best[0].found is not None:
                    top = best[0].found.makespan
            if self.workers > 1:
                # beside the search, from now to the end: its checks are slowest near the pool's
                # optimum and can use all the time they get
                self.pool_bound(best, top, Clock(self.clock.remaining()), bound_step)
            elif big:
                # a big plan skips the exact stages: the bound may have what is left
                self.pool_bound(best, top, self.share(1.0, POOL_OF_LEFT_BIG), bound_step)
            if best is not None and best[0].found is not None and by_convoys:
                if big and self.hint is not None:
                    mode = self.base.following(self.hint)
                    fine = self.finer(mode, self.share(1.0, of_left=0.9), best[0].found.makespan)
                    if _better(self.plan, fine[0], best[0]):
                        best = fine
                # beside the bound's climb, the pool's optimum is looked for one interval at a
                # time (`bracketed`)
                if not big and self.workers == 1 and searchable(self.plan):
                    # in turn with the bound's climb, which follows in what this leaves
                    best = self.two_lanes(best, grid, bound_step, of=self.share(1.0, of_left=LANES_OF_LEFT))
                elif big or self.beside is None:
                    best = self.unpooled(best, grid, bound_step, UNPOOL_SHARE if big else UNPOOL_SHARE_FIRST)
                else:
                    best = self.bracketed(best, grid, bound_step)
                    if self.meets(best[0]):
                        return best
            if not big and self.workers == 1 and best is not None and best[0].found is not None:
                # after the better plans: the bound's checks are slowest near the optimum and can
                # use all the time they get (medium: 16 s to prove nothing by 296 h)
                self.pool_bound(best, best[0].found.makespan, self.share(1.0, POOL_OF_LEFT), bound_step)
        if self.plan.objective == "cost" and not self.grows and self.workers == 1:
            best = self.costed_in_turn(best)
        limits = unit_ladder(self.plan, self.base.fleet) if self.base.use_drives else [None]
        ladder: list[tuple[int | None, Fraction | None]] = [(limit, None) for limit in limits]
        if coarse is not None and (best is None or best[0].found is None):
            # a first plan fast, on a coarse grid; after the convoys' plan it only takes time from
            # the finer stages (medium cost plan at 10 s: 1.8 s for nothing, then $41,400 where
            # the 2-unit stage on the plan's own grid finds $23,144)
            ladder.insert(0, (ladder[0][0] if len(ladder) > 1 else None, coarse))
        # a model HiGHS cannot even load in the time is not worth building (the large benchmark's is
        # 1.4 M columns: 11 s to build, no first solution in minutes)
        sized = [
            (limit, res, self._columns(grid.intervals if res is None else self._steps(res), limit))
            for limit, res in ladder
        ]
        stages = [stage for stage in sized if stage[2] <= MIP_COLUMNS]
        counted = False
        for step, (limit, resolution, columns) in enumerate(stages):
            left = self.clock.remaining()
            # the last stage that can still load its model in the time left gets all of it
            # (gpu-onboarding as a cost plan at 10 s: the 8-drive units had 1 s and the drives one
            # by one 2.9 s, neither enough to load its model, and the search ended at 5.8 s)
            last = step == len(stages) - 1 or (
                left is not None
                and all(size > LOADABLE_SHARE * left * COLUMNS_PER_SECOND for _l, _r, size in stages[step + 1 :])
            )
            if best is not None and left is not None and self.clock.limit and left < 0.15 * self.clock.limit:
                break  # building a large model alone can take longer than what is left
            if self._costed_optimal():
                break  # the child's plan is proven cheapest (`refine` takes it): no stage can beat it
            planless = best is None or best[0].found is None
            if not counted and not planless and self.plan.objective == "cost" and _drives_priced(self.plan):
                assert best is not None and best[0].found is not None
                # before the whole fleet drive by drive: its model is the largest, and the
                # batched stages' plan is a start for fewer drives; before the finer batches
                # too where its drives are full enough for its trips to be a start for full ones
                # (gpu-onboarding on a 2 h grid at 20 s: $11,630, where after them $28,200)
                loads = _drive_loads(self.plan, best[0].found)
                if limit is None or (step > 0 and loads >= EARLY_FILL * len(_drives_used(best[0].found))):
                    counted = True
                    best = self.other_routes(self.drive_count(best, math.ceil(loads - 1e-6)))
                    left = self.clock.remaining()
            stage_clock = Clock(stage_seconds(left, columns, last, planless))
            upper, cap = None, None
            if best is not None and best[0].found is not None:
                upper = best[0].found.makespan if self.plan.objective == "makespan" else None
                cap = best[0].found.cost - 1e-6 if self.plan.objective == "cost" else None
            outcome, search = self.run(
                replace(self.base, unit_limit=limit, cost_cap=cap),
                clock=stage_clock,
                upper=upper,
                resolution=resolution,
            )
            outcome.proven = outcome.proven and limit is None and resolution is None
            # a batched stage finding nothing proves nothing; the single-drive stage's proof does
            settled = outcome.found is None and outcome.proven
            if outcome.found is not None:
                self.candidates.append((outcome, search))
            if best is None or _better(self.plan, outcome, best[0]) or (best[0].found is None and settled):
                best = (outcome, search)
                if outcome.found is not None:
                    # the next, finer stage starts from this plan (gpu-onboarding with a $12,000
                    # budget: drive by drive found nothing in 13 s without it)
                    self.hint = routes_of(outcome.found)
            if last or self.clock.out() or (best[0].found is None and best[0].proven):
                break
        if best is None:  # every exact stage too big, and no convoys: time ran out with no plan
            return Outcome(None, None, False), Search(self.plan, grid, self.base, self.backend, self.clock)
        return best

    def drive_count(self, best: tuple[Outcome, Search], guess: int | None = None) -> tuple[Outcome, Search]:
        """`best` (a cost plan) or a cheaper plan with another number of drives: fewer of the plan's
        own drives, bisected (the busiest kept), then one more than the plan then has; each try a
        small model drive by drive whose plan is a plan of the whole fleet (the others stay home).

        Where drives are priced, the drives a plan leaves at home are the saving, and the model of
        the whole fleet hides it: gpu-onboarding's 24 drives in units of 6 cost $15,600 with six,
        and the stages after it (units of 3, then drive by drive) found nothing cheaper in 30 s,
        nor did its six drives one by one in 12 s. Five of them give $13,700 and four $11,800,
        each in 3 s. One drive fewer at a time from the 2-unit stage's twelve took a try each
        down to six (22 s). With 12 drives at HQ, units of 3 gave $13,500 with three, fewer found
        nothing, and four (those three and one more) give $11,800.

        `guess`, the count tried first, in place of the middle: as many drives as carry the plan's
        load full once. gpu-onboarding's 2-unit plan on a 2 h grid, twelve drives, reads 296.4 TB:
        four drives, the cheapest one-trip plan's own, where bisection tried six, then three in
        vain, then four. (The figures above are of that grid too.)"""
        fewest = 1
        while (found := best[0].found) is not None and not self.clock.out():
            routes = routes_of(found)
            trips: dict[str, int] = {}
            for drive, _route, _leaves in routes:
                trips[drive] = trips.get(drive, 0) + 1
            most = len(trips) - 1
            if most < fewest:
                break
            first = guess is not None
            tried = (fewest + most) // 2 if guess is None else min(max(guess, fewest), most)
            guess = None
            keep = frozenset(sorted(sorted(trips), key=trips.__getitem__, reverse=True)[:tried])
            hint = frozenset(trip for trip in routes if trip[0] in keep)
            clock = self._drives_clock(GUESSED_DRIVES_SHARE if first else FEWER_DRIVES_SHARE)
            fewer = self._tried(replace(self.base, fleet=keep, unit_limit=None), clock, best, hint)
            if fewer is not None:
                # its routes moved first: a fraction of a second each, where a try with fewer
                # drives than full ones carry can take all of its time in vain
                best = self.other_routes(fewer) if first else fewer
            else:
                fewest = tried + 1  # none with so few in the time: more of them
        found = best[0].found
        if found is not None and not self.clock.out():
            routes = routes_of(found)
            used = _drives_used(found)
            # a drive like those the plan has (of a group it uses), where one is left
            groups = sorted(drive_groups(self.plan, self.base.fleet).values(), key=used.isdisjoint)
            extra = next((name for names in groups for name in names if name not in used), None)
            if extra is not None:
                mode = replace(self.base, fleet=frozenset(used | {extra}), unit_limit=None)
                best = self._tried(mode, self._drives_clock(), best, routes) or best
        return best

    def _drives_clock(self, share: float | None = None) -> Clock:
        """`share` (by default FEWER_DRIVES_SHARE) of the time left: one of `drive_count`'s tries."""
        share = FEWER_DRIVES_SHARE if share is None else share
        left = self.clock.remaining()
        return Clock(None if left is None else share * left)

    def _tried(
        self,
        mode: Mode,
        clock: Clock,
        best: tuple[Outcome, Search],
        hint: frozenset[tuple[str, str, Fraction]] | None = None,
    ) -> tuple[Outcome, Search] | None:
        """The plan of `mode` (some drives, or some routes: optimal for those only), from `hint`,
        when it is better than `best`; it is then a candidate and the next MIP start. Else None."""
        outcome, search = self.run(mode, clock=clock, hint=hint)
        outcome.proven = False  # cheapest for these drives or routes only
        if outcome.found is None or not _better(self.plan, outcome, best[0]):
            return None
        self.candidates.append((outcome, search))
        self.hint = routes_of(outcome.found)
        return outcome, search

    def other_routes(self, best: tuple[Outcome, Search]) -> tuple[Outcome, Search]:
        """`best` (a cost plan) or a cheaper one: the drives of one departure sent by another route
        between the same sites (`_route_moves`), each move priced with its routes fixed (a fraction
        of a second); again from each cheaper plan, until no move is cheaper or the time is out.

        gpu-onboarding's four drives on one flight cost $11,800; by the freight leaving the day
        after, $11,630. The models drive by drive did not find the move in 24 s."""
        while (found := best[0].found) is not None and routes_of(found) not in self.moved:
            for moved in _route_moves(self.plan, found):
                left = self.clock.remaining()
                if left is not None and left <= 0:
                    return best
                clock = Clock(None if left is None else min(OTHER_ROUTE_SECONDS, left))
                cheaper = self._tried(self.base.following(moved), clock, best)
                if cheaper is not None:
                    best = cheaper
                    break
            else:
                self.moved.add(routes_of(found))  # no move of it is cheaper
        return best

    def pool_bound(
        self, best: tuple[Outcome, Search] | None, top: Fraction, clock: Clock, resolution: Fraction | None
    ) -> None:
        """Raise the lower bound with the drive-pool MIP (search.pooled_bound) below `top`."""
        if best is None or best[0].found is None:
            return
        self._pool_bound(best[0].found.makespan, top, clock, resolution)

    def early(self, big: bool) -> Callable[[Fraction], None] | None:
        """`early_bound`, where the bound's child may start at the convoys' first estimate: with a
        second worker, for the makespan, without a budget (the convoys' estimate ignores it), and
        not on a `big` plan, whose convoys' own estimate searches on for minutes and is slower
        beside the child (large at 300 s: its convoys at 780 and 786 h, the plans 757.7 and
        765.1 h, where alone 774 h and 751.3 h; the bound 576 h, where 564 h)."""
        applies = self.plan.objective == "makespan" and self.workers > 1 and self.plan.budget is None and not big
        return self.early_bound if applies else None

    def early_bound(self, done: Fraction) -> None:
        """The pool bound's child, started as soon as the convoys' search has a first estimate
        (`done`: their routes deliver everything by then), not once they are timed: the child's
        checks can use all the time they get, and the climb needs no plan, only a top."""
        self._pool_bound(done, done, Clock(self.clock.remaining()), self.bound_resolution(done))

    def _pool_bound(self, made: Fraction, top: Fraction, clock: Clock, resolution: Fraction | None) -> None:
        """`pool_bound` for a plan (or estimate) completing at `made`; not again while a child
        runs (one started at the convoys' first estimate, `early_bound`, is that one)."""
        if self.beside is not None or self.inflow >= made * 0.99:
            return
        # in a child the plan from the pool's drive counts may take all the time left; in turn
        # with the search, no more than `counted` gets there
        cap = None if self.workers > 1 or self.clock.limit is None else self.clock.limit * COUNTED_SHARE
        job = (self.plan, self.inflow, top, self.base, self.backend, clock.remaining(), resolution, cap)
        if self.workers > 1:
            self.beside = Beside(_pooled_bound, *job)
        else:
            self._take(_pooled_bound(None, *job))

    def _take(self, report: PoolReport | None) -> None:
        """What the pool bound's stage established: a bound, and perhaps a plan."""
        if report is None:
            return
        if report.bound is not None:
            self.raise_bound(report.bound)
        if report.plan is not None:
            self.pool_plan = report.plan

    def convoys(
        self,
        grid: Grid,
        share: float,
        finer: bool = True,
        cap: float | None = None,
        patient: bool = True,
        estimated: Callable[[Fraction], None] | None = None,
    ) -> tuple[Outcome, Search] | None:
        """A plan fast from drives travelling in convoys (see convoys.py), or None.

        Its route decisions are then fixed and the usual search finds the earliest completion the
        data can make with them, exactly; finer stages start from it. Large grids are searched on a
        coarse one (departures rounded the safe way), then the best itinerary is timed on the fine
        (unless not `finer`: the caller does that later). `cap`: seconds at most, once a first plan
        is found. Not `patient`: no longer than that without one either. `estimated` is handed
        each completion the search estimates, as it finds them.
        """
        limit = self.clock.limit
        budget = None if limit is None else limit * share
        small = self._columns(grid.intervals) <= CONVOY_ABOVE
        if limit is not None and small and self.plan.objective == "makespan" and self.plan.budget is None:
            # a small model on a long grid: the convoys' plan is the one that counts, and filling
            # them part way takes more moves than a tenth of a short limit holds (CONVOY_LEAST)
            budget = max(budget or 0.0, min(CONVOY_LEAST, limit / 3))
        if cap is not None:
            budget = cap if budget is None else min(budget, cap)
        big = self._big(grid)  # on the plan's own grid, as the caller decides
        resolution = self.timing_resolution(grid)
        if resolution is not None:
            grid = build_grid(self.plan, self.start_horizon, resolution)
        reporter = Search(self.plan, grid, self.base, self.backend, self.clock, self.progress, "convoys")
        # without a first plan nothing later has a start: the search may then take most of the time
        patience = self.share(1.0, of_left=0.8) if patient else None
        seen: list[tuple[frozenset[tuple[str, str, Fraction]], Fraction]] = []
        fleet_plan, names = _fleet_plan(self.plan, self.base.fleet)

        def met(routes: frozenset[tuple[str, str, Fraction]], done: Fraction) -> None:
            seen.append((_renamed(routes, names), done))
            if estimated is not None:
                estimated(done)

        found = best_itinerary(
            fleet_plan,
            grid,
            self.backend,
            Clock(budget),
            reporter.say,
            self.base.use_links,
            patience=patience,
            each=met,
        )
        if found is None:
            return None
        found = _renamed(found[0], names), found[1]
        # the search makes convoys faster, not cheaper, and the sets it met differ in price (medium
        # benchmark as a cost plan at 60 s: the cheapest $54,150, the fastest $62,050): a big cost
        # plan, whose plan they make, prices each, the fastest first. Where the exact stages follow
        # they find far cheaper plans (medium: $3,400), and each set priced took their time:
        # gpu-onboarding with 36 drives, three sets at 4 s each, $80,970-83,150, then $13,700 at
        # 60 s and $40,800 at 30 s, where with the fastest only priced, $11,630 and $13,700
        priced = seen[::-1] if self.plan.objective == "cost" and big else [found]
        self.hint = found[0]
        best = None
        for routes, done in priced:
            if best is not None and self.clock.out():
                break
            # the convoy LP relaxes only courier counts, which these routes leave feasible: the exact
            # completion for them is at most `done`, and rarely much earlier
            lower = done - (grid.points[-1] - grid.points[-2]) * 2
            # the convoys were scored without the budget, with the paid links at will: within it
            # the same routes may need longer (large benchmark under $100,000: none by 954 h)
            upper = done if self.plan.budget is None else self.start_horizon
            timing = self.timed(routes, upper, max(lower, self.inflow), resolution, finer=finer)
            if timing is None or timing[0].found is None:
                continue
            if best is None or _better(self.plan, timing[0], best[0]):
                best, self.hint = timing, routes
        return best

    def convoyed(self, grid: Grid) -> bool:
        """Whether the plan's first plan comes from convoys: drives travel, and the exact model is
        big (CONVOY_ABOVE) or its grid so long that the exact stages would start on a coarse one.
        One courier lane with two drives over 40 days is 1,680 columns on 120 intervals: at 30 s
        the exact stages gave 930.8 h (the coarse stage's 32 h steps lose most of each trip), the
        convoys 467.6 h, bound 442 h."""
        columns = self._columns(grid.intervals)
        return self.ships and (columns > CONVOY_ABOVE or self.coarse_resolution(grid) is not None)

    @property
    def ships(self) -> bool:
        """Whether drives can travel in this solve: the plan has routes and drives, and the mode
        uses them."""
        return bool(self.plan.routes and self.plan.drives and self.base.use_drives)

    def first_convoys(
        self, grid: Grid, big: bool, patient: bool = True, estimated: Callable[[Fraction], None] | None = None
    ) -> tuple[Outcome, Search] | None:
        """The convoys' plan, the first of a plan big enough for them (`convoys`)."""
        # a big plan's convoys are timed on the plan's own grid only after the bounds: that is
        # slow (large benchmark: an LP of 2.5-5 s per check) and the bounds need the time. For
        # cost, the convoys' routes are priced by the same LP (`run` minimises cost): a first plan
        # where the exact search alone finds none in minutes
        if big:
            return self.convoys(grid, CONVOY_SHARE_BIG, finer=False, patient=patient, estimated=estimated)
        return self.convoys(grid, CONVOY_SHARE, cap=CONVOY_SECONDS, patient=patient, estimated=estimated)

    def _longer(self) -> Grid:
        """The grid of a horizon FIT_LONGER times the present one, which becomes the horizon."""
        self.start_horizon = min(MAX_HORIZON, FIT_LONGER * self.start_horizon)
        return build_grid(self.plan, self.start_horizon)

    def _big(self, grid: Grid) -> bool:
        """Whether the exact model on `grid` is too big for any exact stage (MIP_COLUMNS)."""
        return self._columns(grid.intervals) > MIP_COLUMNS

    def _columns(self, intervals: int, unit_limit: int | None = None) -> int:
        """`estimated_columns` of this search's model: its fleet, on `intervals`."""
        return estimated_columns(self.plan, intervals, unit_limit, self.base.fleet)

    def working_fleet(self) -> frozenset[str] | None:
        """For a cost plan whose drives are priced and whose model drive by drive is too big for
        the exact stages (MIP_COLUMNS) only because of its fleet: as many of its drives as keep it
        within that, the same share of each group of identical drives (the first by name); None
        otherwise. A plan of some drives is a plan of the fleet, and the cheapest
        leaves most at home: gpu-onboarding with 48 drives at HQ, where 24 fit, cost $28,200 and
        $103,230-104,110 at 60 s (the convoys alone, then priced at 3.6 s a set), where with 24
        drives $11,630.

        A warm start's drives come first, and all of them are kept, even past what fits: its trips
        are timed as they ran only where every drive that takes them is modelled (one left out
        stays at home, and its trips with it)."""
        if self.plan.objective != "cost" or not _drives_priced(self.plan) or not self.base.use_drives:
            return None
        grid = build_grid(self.plan, self.start_horizon)
        columns = estimated_columns(self.plan, grid.intervals, None)
        if columns <= MIP_COLUMNS:
            return None
        # the drives whose trips the warm start times here (`warmed`, on the same grid)
        warm = set() if self.warm is None else {drive for drive, _r, _t in warm_routes(self.plan, grid, self.warm)}
        # stable: the warm start's drives, then the others, each in order of name
        groups = [sorted(names, key=lambda name: name not in warm) for names in drive_groups(self.plan).values()]

        def cut(share: float) -> frozenset[str]:
            """That share of each group, and at least one drive and every drive of the start."""
            return frozenset(
                name
                for names in groups
                for name in names[: max(1, sum(drive in warm for drive in names), int(len(names) * share))]
            )

        share, step = MIP_COLUMNS / columns, 1 / max(len(names) for names in groups)
        kept = cut(share)
        # the columns grow a little faster than the drives (gpu-onboarding: 48 of 96 drives are
        # 151,016 columns, and the whole fleet was searched); where the start's drives alone are
        # over, the plan is big for them, yet no bigger than the whole fleet
        while estimated_columns(self.plan, grid.intervals, None, kept) > MIP_COLUMNS and share > 0:
            share -= step
            kept = cut(share)
        return kept

    def fitted(self) -> tuple[tuple[Outcome, Search] | None, bool]:
        """A plan with neither horizon nor deadline: the first plan on the guessed horizon from the
        convoys where the plan is big enough for them, else as the horizon doubles from the guess
        (the ladder's first stage, coarse where the grid is big). Its completion, rounded up to a
        day, is then the horizon: it holds the optimum (no plan needs the time after its last
        byte), and the stages that need a fixed horizon can run. The medium benchmark without its
        horizon at 60 s: 314.2 h, bound 304 h, where with the horizon growing through the exact
        stages only, 468.0 h, bound 261 h. Also whether the convoys were searched; no plan (None)
        leaves the horizon growing.

        An exact stage's first plan can set a horizon long enough for the convoys where the guess
        was not: they are then asked on it, and the better plan sets the horizon (one-lane without
        its 40 days at 60 s: the exact stages' 1,144 h, from which they reached 783.0 h alone)."""
        grid = build_grid(self.plan, self.start_horizon)
        by_convoys = self.convoyed(grid)
        fit: tuple[Outcome, Search] | None = None  # the first plan
        widened = False  # the horizon is FIT_LONGER times the guess
        if not by_convoys:
            limit = unit_ladder(self.plan, self.base.fleet)[0] if self.base.use_drives else None
            resolution = self.coarse_resolution(grid)
            mode = replace(self.base, unit_limit=limit)
            outcome, search = self.run(mode, clock=self.share(FIT_SHARE, of_left=0.5), resolution=resolution)
            if outcome.found is not None:
                outcome.proven = outcome.proven and limit is None and resolution is None
                self.candidates.append((outcome, search))
                self.hint = routes_of(outcome.found)
                fit = (outcome, search)
                self.start_horizon = _fitting(outcome.found)
                grid = build_grid(self.plan, self.start_horizon)
                by_convoys = self.convoyed(grid)
            elif not self.ships:
                return None, False
            else:
                # the guess was too short for the convoys to be asked (one lane with no link, when
                # its bound was what the destination reads, 72 h: 144 h on 18 intervals, and the
                # exact stages found nothing by 576 h in 4.6 s); on FIT_LONGER times it, they find
                # 518.9 h
                grid, by_convoys, widened = self._longer(), True, True
        if by_convoys:
            hint = self.hint
            # on the guess they may find nothing however long they look (the medium benchmark's
            # guess, 288 h, where its convoys need 344 h: no plan at 60 s, the convoys spending
            # 45 s of it), so a plan small enough for the exact stages has them look no longer
            # than with a horizon, then FIT_LONGER times as far. A big plan has nothing else.
            big = self._big(grid)
            first = self.first_convoys(grid, big, patient=widened or big, estimated=self.early(big))
            if fit is None and not widened and not big and (first is None or first[0].found is None):
                grid = self._longer()
                longer_big = self._big(grid)
                first = self.first_convoys(grid, longer_big, estimated=self.early(longer_big))
            if first is not None and (fit is None or _better(self.plan, first[0], fit[0])):
                fit = first
            else:
                self.hint = hint  # the exact stage's routes: the better plan's
            if fit is None or fit[0].found is None:
                return None, True
        assert fit is not None and fit[0].found is not None
        self.start_horizon = _fitting(fit[0].found)
        search = fit[1]
        self.grows = False
        search.say(f"a horizon of {float(self.start_horizon) / HOUR:.0f} h holds the plan: the search is within it")
        return fit, by_convoys

    def timing_resolution(self, grid: Grid) -> Fraction | None:
        """The coarse grid's step on which fixed routes are timed first, where the plan's own grid
        is big (large benchmark: an LP of 2.5-5 s per check on it); None: on the plan's own."""
        if grid.intervals > CONVOY_INTERVALS and self.plan.resolution is None:
            return Fraction(-(-int(self.start_horizon / HOUR) // CONVOY_STEPS) * 3600)
        return None

    def warmed(self, grid: Grid) -> tuple[Outcome, Search] | None:
        """The plan given as a warm start, its drives' trips timed for this plan exactly, or None
        when they do not run here."""
        assert self.warm is not None
        routes = warm_routes(self.plan, grid, self.warm)
        clock = self.share(WARM_SHARE, of_left=0.8)
        timing = self.timed(routes, self.start_horizon, self.inflow, self.timing_resolution(grid), of=clock)
        reporter = Search(self.plan, grid, self.base, self.backend, self.clock, self.progress, "warm start")
        if timing is None or timing[0].found is None:
            reporter.say("the plan given as a start does not run here")
            return None
        self.hint = routes
        reporter.say(f"the plan given as a start delivers by {float(timing[0].found.makespan) / HOUR:.1f} h here")
        return timing

    def timed(
        self,
        routes: frozenset[tuple[str, str, Fraction]],
        upper: Fraction,
        lower: Fraction,
        coarse: Fraction | None,
        finer: bool = True,
        of: Clock | None = None,
    ) -> tuple[Outcome, Search] | None:
        """The earliest completion of the drives' itinerary `routes`, exactly (the data's routing is
        an LP once the routes are fixed): on the `coarse` grid first when given, then on the fine
        one when time allows (and `finer`: see `finer`). Never proven: it is optimal for these
        routes only. `lower` is where the search starts on the coarse grid (or the only one). `of`:
        the clock its shares are taken of (see `share`)."""
        whole = of or self.clock
        best = None
        stages = (coarse, None) if coarse is not None and finer else (coarse,)
        for stage in stages:
            left = whole.remaining()
            if best is not None and left is not None and whole.limit and left < 0.4 * whole.limit:
                break  # timing on the fine grid is a refinement; bounds and the exact search come first
            top = upper if best is None or best[0].found is None else best[0].found.makespan
            mode = self.base.following(routes)
            # the first plan of the solve is worth most of the time: every later stage starts from it
            first = best is None and not self.candidates
            stage_clock = self.share(1.0, of_left=0.8, of=whole) if first else self.share(0.15, of=whole)
            if stage == coarse:
                timing = self._kept(self.run(mode, clock=stage_clock, upper=top, resolution=stage, lower=lower))
            else:
                timing = self.finer(mode, stage_clock, top)
            if timing[0].found is not None and (best is None or _better(self.plan, timing[0], best[0])):
                best = timing
        return best

    def finer(self, mode: Mode, clock: Clock, top: Fraction) -> tuple[Outcome, Search]:
        """Fixed routes timed on the plan's own grid after a coarser one (completion `top`): the
        same routes can finish far earlier there (large benchmark: 848 h on 6 h steps, 826 h on
        the event grid), so the search starts FINER_GAIN below, and lower when it lands there."""
        floor = max(self.inflow, top * (1 - FINER_GAIN))
        best = self._kept(self.run(mode, clock=clock, upper=top, lower=floor))
        found = best[0].found
        if found is not None and found.makespan <= floor and floor > self.inflow and not clock.out():
            lower = self._kept(self.run(mode, clock=clock, upper=found.makespan, lower=self.inflow))
            if lower[0].found is not None and lower[0].found.makespan < found.makespan:
                best = lower
        return best

    def _kept(self, timing: tuple[Outcome, Search]) -> tuple[Outcome, Search]:
        """A timing of fixed routes: never proven (optimal for these routes only), and kept as a
        fallback should the best plan fail its replay."""
        timing[0].proven = False
        if timing[0].found is not None:
            self.candidates.append(timing)
        return timing

    def unpooled(
        self,
        best: tuple[Outcome, Search],
        grid: Grid,
        resolution: Fraction | None,
        share: float,
        once: bool = False,
        of: Clock | None = None,
    ) -> tuple[Outcome, Search]:
        """Better plans from the drive pool (see unpool.py): a pool solution delivering everything
        somewhat before the best plan so far, split into per-drive routes and timed exactly, and
        (where the per-drive model is small enough) its drive counts taken by the per-drive model
        (`counted`); repeated while time allows, each time lower: below the new best plan when it
        helped, below the last target when it did not. Ends when the pool finds nothing.

        Medium benchmark at 300 s, before `bracketed`: convoys 328 h; the pool by 321.4 h gave
        318.2 h at 80 s, the pool by 311.8 h (50 s to find) gave 310.8 h through its counts at
        151 s, where first in, first out gave no plan by 340 h. `once`: stop after the first plan
        better than `best`; `of`: the clock its shares are taken of (see `share`)."""
        clock = self.share(share, of_left=0.8, of=of)
        target = None
        while not clock.out() and best[0].found is not None:
            top = best[0].found.makespan
            target = min(top, target or top) * (1 - UNPOOL_STEP)
            if target <= self.inflow:
                break
            _, pooled = pool_check(self.plan, target, top, self.base, self.backend, clock, resolution)
            if pooled is None:
                break
            routes = unpool(self.plan, pooled.formulation, pooled.solution.values, grid)
            timed = self.timed(routes, top, self.inflow, None, of=of)
            if not self._big(grid):
                counts = departure_counts(pooled.formulation, pooled.solution.values)
                # its own share, even past the stage's clock: the pool solution took most of the
                # time (medium, by 311.8 h: 50-56 s), and cut short its counts are wasted
                counted = self.counted(counts, routes, top, self.share(COUNTED_SHARE, of=of))
                if timed is None or _better(self.plan, counted[0], timed[0]):
                    timed = counted
            routed = self.routed(timed, best)
            if routed is None:
                continue
            best = routed
            if once:
                break
        return best

    def within_budget(self, grid: Grid, resolution: Fraction | None) -> tuple[Outcome, Search] | None:
        """A first plan under the budget when the convoys' plans break it (they are scored without
        it): drive-pool solutions within the budget, each delivering everything by a target,
        split drive by drive and timed exactly, the target bisected between the bound and the
        horizon (down to the plan found, up when the pool proves there is none, finds none in
        BUDGET_PROBE_SECONDS and then in twice that, or its split does not run). Its plan is where
        two lanes at a time starts, which needs three lanes (`neighbourhood.searchable`).

        The medium benchmark under $15,000: the pool by 360 h (3.4 s) gave a 352.2 h plan at
        $10,685, where the exact stages' best in 60 s was 424 h."""
        clock = self.share(BUDGET_START_SHARE, of_left=BUDGET_START_SHARE)
        lo, hi = self.inflow, self.start_horizon
        best: tuple[Outcome, Search] | None = None
        seconds, retried = BUDGET_PROBE_SECONDS, None
        while not clock.out() and hi - lo > hi * UNPOOL_STEP:
            target = (lo + hi) / 2
            probe = _within(Clock(seconds), clock)  # capped even with no time limit
            verdict, pooled = pool_check(self.plan, target, hi, self.base, self.backend, probe, resolution)
            if verdict is Status.UNKNOWN and retried != target:
                # out of time is not "none by then": the same target once more with twice the time
                # (medium benchmark under $15,000 on a slow afternoon: each pool solution took
                # 4.0-5.1 s, so every probe of 4 s went up, to a 720 h plan at 30 s)
                seconds, retried = 2 * seconds, target
                continue
            timed = None
            if pooled is not None:
                routes = unpool(self.plan, pooled.formulation, pooled.solution.values, grid)
                # the first is timed on the solve's clock: a pool solution found as the stage's
                # time ends is otherwise wasted (medium benchmark under $15,000 at 10 s: the pool
                # by 430.5 h in 2.96 s, 0.08 s left to time it, and no plan at all)
                timed = self.timed(routes, hi, self.inflow, None, of=clock if best is not None else None)
            if timed is None or timed[0].found is None or timed[0].found.makespan >= hi:
                lo = target
                continue
            best, hi = timed, timed[0].found.makespan
            self.hint = routes
            self.candidates.append(timed)
            timed[1].say(f"the drive pool within the budget: a plan delivering by {float(hi) / HOUR:.1f} h")
        return best

    def bracketed(
        self, best: tuple[Outcome, Search], grid: Grid, resolution: Fraction | None
    ) -> tuple[Outcome, Search]:
        """Better plans, and a bound, from the pool's earliest completion in one interval of the
        grid (search.pool_bracket), taken drive by drive (`_drive_by_drive`).

        The first interval holds BRACKET_STEP below the best plan: one search covers the whole
        interval, and where the pool's optimum lies in it, finds it and proves it (medium
        benchmark: the convoys' 328 h puts it in (308 h, 320 h], which holds 309.07 h). When the
        pool is done before that interval, but its solution cannot be run drive by drive, the
        first plan comes from the pool as in `unpooled`. Then the search goes on in the interval
        where the best plan ends, while that helps and time is left."""
        top: Fraction | None = None
        left = self.clock.remaining()
        if left is not None and left < BRACKET_FIRST_SECONDS:
            best = self.two_lanes(best, grid, resolution)
        elif best[0].found is not None:
            j = grid.ceil(best[0].found.makespan * (1 - BRACKET_STEP))
            top = grid.points[j] if 0 < j < grid.intervals else None
        clock = self.share(1.0, of_left=BRACKET_OF_LEFT)
        while not clock.out() and best[0].found is not None:
            if top is None or top >= best[0].found.makespan:
                top = best[0].found.makespan
            trial = top < best[0].found.makespan  # the first search, below the best plan
            limit = clock.remaining()
            # the per-drive plan from the pool's solution needs its own time after the search
            reserve = 0.0 if self.clock.limit is None else min(COUNTED_SHARE * self.clock.limit, BRACKET_RESERVE)
            search_clock = Clock(None if limit is None else max(0.0, limit - reserve))
            pool, proven = pool_bracket(
                self.plan, top, self.base, self.backend, search_clock, resolution, self.progress
            )
            if proven is not None:
                self.raise_bound(proven)
            made = None
            if pool is not None and pool.makespan < best[0].found.makespan:
                within = _within(self.share(COUNTED_SHARE), clock)
                made = _drive_by_drive(
                    self.plan, pool, best[0].found.makespan, self.base, self.backend, within, self.inflow
                )
            top = None  # from here on, the interval where the best plan ends
            taken = None if made is None else self.taken(made, best)
            if taken is not None:
                best = taken
                if (proven is not None and not trial) or search_clock.out() or self.meets(best[0]):
                    break  # the pool's optimum was found (it can give no more), or the time is out
                continue
            if not trial:
                break
            if pool is not None or search_clock.out():
                # the pool is done early and its counts not, or the search found nothing in its
                # time: the first plan from the pool, as `unpooled` finds it
                best = self.first_from_pool(best, grid, resolution)
                clock = self.share(1.0, of_left=BRACKET_OF_LEFT)
                if search_clock.out():
                    break
        return best

    def two_lanes(
        self, best: tuple[Outcome, Search], grid: Grid, resolution: Fraction | None, of: Clock | None = None
    ) -> tuple[Outcome, Search]:
        """Better plans from the drive pool re-planned two lanes at a time (neighbourhood.py),
        starting from the best plan; when that gives nothing better, the first plan from the pool
        (`first_from_pool`).

        The pool over-promises, so each better pool solution is split into routes drive by drive
        (unpool.py) and timed exactly, which takes 0.4 s (medium benchmark: the pool's 318.5,
        317.7, 315.8, 312.7 and 310.4 h gave plans of 318.5, 317.7, 315.8, 314.2 and 310.6 h),
        and the search goes on from that plan. Taking the drive counts as given (`counted`) was
        exact where it worked, but took 17-20 s each and found none in 20 s for four of seven:
        it is tried once, at the end, on the pool's best solution (medium at 120 s: the pool's
        optimum, 309.07 h, at 93 s, split gave nothing before 313.5 h, and its counts 309.07 h).
        `of`: the clock of this phase, when it must leave time after it (one worker)."""
        phase = of or self.clock
        found = best[0].found
        assert found is not None
        reporter = Search(self.plan, grid, self.base, self.backend, self.clock, self.progress, "lanes")
        start = best

        def each(pool: Found) -> tuple[dict[Decision, int], Fraction] | None:
            nonlocal best
            top = best[0].found.makespan if best[0].found is not None else found.makespan
            if pool.makespan >= top:
                return None
            routes = unpool(self.plan, pool.formulation, pool.solution.values, grid)
            routed = self.routed(self.timed(routes, top, self.inflow, None), best, routes)
            if routed is None:
                return None  # the descent stays where it was, or goes on from `pool` (RUNS_ONLY_BELOW)
            best = routed
            made = routed[0].found
            assert made is not None
            return decisions(made.formulation, made.solution.values), made.makespan

        left = phase.remaining()
        pool = improve(
            self.plan,
            decisions(found.formulation, found.solution.values),
            found.makespan,
            self.base,
            self.backend,
            Clock(None if left is None else max(0.0, left - LANES_RESERVE)),
            resolution,
            reporter.say,
            each=each,
            # with little time, only plans that run are stepped to; with more, the walk through the
            # pool may reach its optimum, whose drive counts then run (below)
            runs_only=left is not None and left < RUNS_ONLY_BELOW,
        )
        if pool is not None and best[0].found is not None and pool.makespan < best[0].found.makespan:
            # split, the pool's best did not run so early; its drive counts, taken as given, may
            # (medium benchmark: its optimum, 309.07 h, runs so in 3-4 s; split, it gave no plan
            # before 313.5 h)
            limit = phase.remaining()
            made = _drive_by_drive(
                self.plan,
                pool,
                best[0].found.makespan,
                self.base,
                self.backend,
                Clock(limit),
                self.inflow,
                exact_only=True,
            )
            taken = None if made is None else self.taken(made, best)
            best = best if taken is None else taken
        if best is not start:
            return best
        return self.first_from_pool(best, grid, resolution, of)

    def first_from_pool(
        self, best: tuple[Outcome, Search], grid: Grid, resolution: Fraction | None, of: Clock | None = None
    ) -> tuple[Outcome, Search]:
        """The first plan from the pool better than `best` (`unpooled`), timed as in a short solve
        whatever the limit: `bracketed` can use all the time it leaves (medium benchmark: 318.2 h
        came 50 s after the convoys at 300 s, 17 s after them at 60 s)."""
        paced = _paced(of or self.clock, FIRST_PLAN_SECONDS)
        return self.unpooled(best, grid, resolution, UNPOOL_SHARE_FIRST, once=True, of=paced)

    def counted(
        self,
        counts: frozenset[tuple[str, Fraction, int]],
        routes: frozenset[tuple[str, str, Fraction]],
        top: Fraction,
        clock: Clock,
    ) -> tuple[Outcome, Search]:
        """The earliest per-drive plan taking a pool solution's drive counts on each departure, the
        per-drive model choosing which drives (`routes`, one such choice, is its MIP start).

        First in, first out is one choice of many, and not always a good one: on the medium
        benchmark the pool's optimum (309.07 h, proven in 328 s) taken this way gives a per-drive
        plan of 309.07 h too (the exact model found it within 10 s). Never proven: the counts are
        given."""
        mode = replace(self.base, counts=counts)
        return self._kept(self.run(mode, clock=clock, upper=top, hint=routes))

    def share(self, share: float, of_left: float = 0.5, of: Clock | None = None) -> Clock:
        """A clock for one phase: `share` of the time limit, never more than `of_left` of what is left
        (of the solve's clock, or of the clock `of` a phase paced on its own)."""
        whole = of or self.clock
        if whole.limit is None:
            return Clock(None)
        return Clock(min(whole.limit * share, of_left * (whole.remaining() or 0.0)))

    def _steps(self, resolution: Fraction) -> int:
        return build_grid(self.plan, self.start_horizon, resolution).intervals

    def bound_resolution(self, top: Fraction) -> Fraction | None:
        """The plan's own grid up to `top` for the bound's models when their LP is small enough
        (BOUND_COLUMNS), else whole-hour steps that make it so."""
        if (
            self.plan.resolution is not None
            or estimated_columns(self.plan, build_grid(self.plan, top).intervals, 1) <= BOUND_COLUMNS
        ):
            return None
        steps = max(1, BOUND_COLUMNS // max(1, estimated_columns(self.plan, 1, 1)))
        return Fraction(max(1, -(-int(top / HOUR) // steps)) * 3600)

    def coarse_resolution(self, grid: Grid) -> Fraction | None:
        """A step for a quick first plan when the planner's own `grid` is large, else None."""
        if self.plan.resolution is not None or grid.intervals <= COARSE_ABOVE:
            return None
        hours = max(12, -(-int(self.start_horizon / HOUR) // COARSE_STEPS))
        return Fraction(hours * 3600)

    def run(
        self,
        base: Mode,
        clock: Clock | None = None,
        upper: Fraction | None = None,
        resolution: Fraction | None = None,
        lower: Fraction | None = None,
        hint: frozenset[tuple[str, str, Fraction]] | None = None,
    ) -> tuple[Outcome, Search]:
        plan = self.plan
        clock = clock or self.clock
        horizon, grows = self.start_horizon, self.grows
        while True:
            grid = build_grid(plan, horizon, resolution or plan.resolution)
            search = Search(plan, grid, base, self.backend, clock, self.progress)
            if base.routes is None:
                search.hint = hint or self.hint
            units = (
                f", {len(plan.drive_names())} drives in {base.unit_limit} units per group" if base.unit_limit else ""
            )
            search.say(f"horizon {float(horizon) / HOUR:.0f} h on {grid.intervals} intervals{units}")
            if plan.objective == "makespan":
                outcome = minimise_makespan(search, self.inflow if lower is None else lower, upper)
            else:
                outcome = minimise_cost(search, self.inflow)
            if outcome.found is not None or not grows or horizon >= MAX_HORIZON or clock.out():
                return outcome, search
            horizon = min(MAX_HORIZON, 2 * horizon)

    def cost_bound(self, outcome: Outcome, grid: Grid, clock: Clock) -> tuple[Fraction | None, bool]:
        """A cost no plan finishing by the end of `grid` can beat, and whether it proves the plan
        of `outcome` the cheapest.

        The search's own proof holds in continuous time only where its model is exact (see
        `model_is_exact`): on a uniform grid, departures rounded down and arrivals up leave out
        plans that may cost less. Elsewhere the relaxed LP decides."""
        found = outcome.found
        assert found is not None
        if outcome.proven and outcome.lower_bound is not None and model_is_exact(found.formulation):
            return outcome.lower_bound, True
        bound = self.cheapest
        if bound is None or grid.horizon != self.start_horizon:
            bound = None if clock.out() else relaxed_cost_bound(self.plan, grid, self.backend, clock)
        return bound, _cost_proven(bound, found.cost)

    def lower_bound(self, outcome: Outcome, found: Found) -> Fraction | None:
        """A makespan no continuous-time plan can beat (seconds)."""
        candidates = [self.inflow]
        if outcome.lower_bound is not None and self.plan.objective == "makespan":
            candidates.append(outcome.lower_bound)
        exact = model_is_exact(found.formulation) and outcome.proven
        if not exact and self.relaxed is None and not self.clock.out():
            relaxed = relaxed_bound(
                self.plan,
                found.formulation.grid.horizon if self.grows else self.start_horizon,
                Mode(),
                self.backend,
                self.clock,
            )
            if relaxed is not None:
                candidates.append(relaxed)
        return min(max(candidates), found.makespan) if candidates else None

    def explain(self) -> list[str]:
        """Why no plan exists, in the user's terms, with the bound that shows it."""
        plan = self.plan
        if plan.budget is not None:
            words = self._over_budget(plan.budget)
            if words:
                return words
        deadlines = {k: plan.deadline_seconds(k) for k in plan.datasets}
        if any(d is not None for d in deadlines.values()):
            open_plan = plan.without_deadlines()
            latest = {k: d for k, d in deadlines.items() if d is not None}
            alone = self.alone(open_plan, latest)
            if alone:
                return alone
            bound = relaxed_bound(open_plan, MAX_HORIZON / 4, Mode(), self.backend, self.clock) or self.inflow
            words = [f"dataset '{k}' must arrive by {bounds.describe_hours(d)}" for k, d in latest.items()]
            if len(latest) == len(deadlines) and bound > max(latest.values()):
                words.append(
                    f"no plan meets these deadlines: delivering everything takes at least "
                    f"{bounds.describe_hours(bound)} (lower bound)"
                )
                return words
            # the bound alone does not show it (a budget, or deadlines that bind together)
            together = "these deadlines and the budget" if plan.budget is not None else "these deadlines"
            words.append(
                f"the search found no plan that meets {together} together (with no deadline, delivering "
                f"everything takes at least {bounds.describe_hours(bound)}, lower bound)"
            )
            return words
        return [f"no plan delivers every dataset within the horizon of {bounds.describe_hours(self.start_horizon)}"]

    def alone(self, open_plan: Plan, deadlines: dict[str, Fraction]) -> list[str]:
        """The datasets whose deadline falls before the bound on delivering them alone (the
        relaxed LP of `open_plan`, the plan without deadlines, with that dataset only, or its flow
        bound, whichever is higher)."""
        words = []
        for k, due in deadlines.items():
            single = open_plan.replace(datasets={k: open_plan.datasets[k]})
            relaxed = relaxed_bound(single, MAX_HORIZON / 4, Mode(), self.backend, self.clock)
            bound = max(relaxed or Fraction(0), _flow_alone(open_plan, k))
            if bound > due:
                words.append(_late_words(k, due, bound))
        return words

    def _over_budget(self, budget: Decimal) -> list[str]:
        """Why the budget cannot be met: it is below the cheapest plan meeting the rest (when the
        search proves it), below what every such plan costs (the relaxed cost bound), or below the
        cheapest plan the search finds; else nothing."""
        plan = self.plan
        free = _Optimiser(plan.replace(budget=None, objective="cost"), self.backend, self.clock, None)
        money = f"{budget:,} {plan.currency}"
        due = any(plan.deadline_seconds(k) is not None for k in plan.datasets)
        meeting = " that meets the deadlines" if due else ""
        least = None
        if not free.grows:
            grid = build_grid(free.plan, free.start_horizon, free.plan.resolution)
            least = relaxed_cost_bound(free.plan, grid, self.backend, self.clock)
        # the cheapest plan itself says more than a bound below it, when the search proves it; once
        # the bound has made the case, only briefly (a plan too big to prove in seconds keeps the
        # bound, and the user does not wait the whole limit for it)
        proven_short = least is not None and least > Fraction(budget)
        outcome, _ = free.run(Mode(), clock=_paced(self.clock, EXPLAIN_SECONDS) if proven_short else None)
        found = outcome.found
        dearer = found is not None and found.cost > float(budget)
        if found is not None and dearer and outcome.proven and model_is_exact(found.formulation):
            cheapest = f"{found.cost:,.2f} {plan.currency}"
            return [f"the budget {money} is below the cheapest plan{meeting}, which costs {cheapest}"]
        if least is not None and least > Fraction(budget):
            return [
                f"the budget {money} is below what every plan{meeting} costs: "
                f"at least {float(least):,.2f} {plan.currency} (lower bound)"
            ]
        if found is None or not dearer:
            return []
        cheapest = f"{found.cost:,.2f} {plan.currency}"
        return [f"the budget {money} is below the cheapest plan{meeting} the search found: {cheapest}"]

    def baselines(self, clock: Clock) -> list[Baseline]:
        """The best network-only and shipping-only plans, within `clock` (a half each)."""
        out = []
        kinds = (("network_only", Mode(use_drives=False)), ("shipping_only", Mode(use_links=False)))
        for index, (mode, base) in enumerate(kinds):
            left = clock.remaining()
            share = Clock(None if left is None else left / (len(kinds) - index))
            needed = self.plan.links if mode == "network_only" else self.plan.routes
            if not needed:
                out.append(Baseline(mode=mode, status="infeasible", note="the plan has none"))  # type: ignore[arg-type]
                continue
            stranded = bounds.stranded(self.plan, base.use_links, base.use_drives)
            if stranded:
                # proven at once, where the search may not prove it in its share (gpu-onboarding
                # at 20 s: shipping alone "unknown", though two datasets have no route at all)
                note = _stranded_note(self.plan, stranded)
                out.append(Baseline(mode=mode, status="infeasible", note=note))  # type: ignore[arg-type]
                continue
            if clock.out():
                out.append(Baseline(mode=mode, status="unknown", note="no time was left"))  # type: ignore[arg-type]
                continue
            sub = _Optimiser(self.plan.replace(objective="makespan"), self.backend, share, None, base)
            outcome, _ = sub.refine()
            if outcome.found is None:
                status = "infeasible" if outcome.proven else "unknown"
                out.append(Baseline(mode=mode, status=status))  # type: ignore[arg-type]
            else:
                out.append(
                    Baseline(
                        mode=mode,
                        status="optimal" if outcome.proven else "feasible",  # type: ignore[arg-type]
                        makespan_hours=float(outcome.found.makespan) / HOUR,
                        cost=outcome.found.cost,
                    )
                )
        return out


def _late_alone(plan: Plan) -> bool:
    """Whether some dataset's deadline falls before the flow bound on delivering it alone."""
    open_plan = plan.without_deadlines()
    return any(
        due is not None and _flow_alone(open_plan, k) > due
        for k, due in ((k, plan.deadline_seconds(k)) for k in plan.datasets)
    )


def _flow_alone(open_plan: Plan, dataset: str) -> Fraction:
    """The flow bound on delivering `dataset` alone (`open_plan`: the plan without deadlines)."""
    return bounds.flow_bound(open_plan.replace(datasets={dataset: open_plan.datasets[dataset]}))


def _late_words(dataset: str, due: Fraction, bound: Fraction) -> str:
    return (
        f"dataset '{dataset}' must arrive by {bounds.describe_hours(due)}, but delivering it alone takes "
        f"at least {bounds.describe_hours(bound)} (lower bound)"
    )


def _stranded_note(plan: Plan, stranded: list[str]) -> str:
    """Which datasets a mode alone cannot bring to their destination, e.g. "no way for 'web'
    (colo -> gpu-site)"."""
    ways = [f"'{name}' ({plan.datasets[name].at} -> {plan.datasets[name].to})" for name in stranded]
    return "no way for " + ", ".join(ways)


@dataclass(frozen=True)
class PoolReport:
    """What the pool bound's stage hands back: its bound, and the per-drive plan it made, if any."""

    bound: Fraction | None
    plan: Found | None = None


def _pooled_bound(
    report: Callable[[PoolReport], None] | None,
    plan: Plan,
    lower: Fraction,
    top: Fraction,
    base: Mode,
    backend: str,
    seconds: float | None,
    resolution: Fraction | None,
    plan_seconds: float | None = None,
) -> PoolReport:
    """search.pooled_bound with a clock of `seconds` from now, each bound proven so far reported;
    then, with the time left (at most `plan_seconds`), the per-drive plan that takes the drive
    counts of the earliest pool solution the climb met: what a child process runs.

    The climb ends at the pool's optimum when it has the time, and that optimum taken drive by
    drive can be the plan's (medium benchmark: 309.07 h both, the climb's solution at 219 s)."""
    clock = Clock(seconds)
    state = PoolReport(None)
    earliest: Found | None = None  # only the latest is kept: each holds its whole model

    def proven(bound: Fraction) -> None:
        nonlocal state
        state = replace(state, bound=bound)
        if report is not None:
            report(state)

    def met(found: Found) -> None:
        nonlocal earliest
        earliest = found

    pooled_bound(plan, lower, top, base, backend, clock, resolution, proven, met)
    if earliest is not None and earliest.makespan < top and not clock.out():
        within = clock if plan_seconds is None else _within(Clock(plan_seconds), clock)
        made = _drive_by_drive(plan, earliest, top, base, backend, within, state.bound, REPORT_SECONDS)
        if made is not None:
            state = replace(state, plan=made)
    return state


def _cost_bound(
    report: Callable[[PoolReport], None] | None,
    plan: Plan,
    horizon: Fraction,
    backend: str,
    seconds: float | None,
    base: Mode = Mode(),
    probe: bool = False,
) -> PoolReport:
    """What a child process runs beside a cost search, with all of `seconds`: the relaxed LP's
    cost bound on the plan's grid up to `horizon` (search.relaxed_cost_bound), reported; then the
    drive pool's cheapest plan as a MIP (search.pooled_cost), whose bound is as high or higher,
    and its solution split drive by drive and priced exactly (routes fixed): a plan, when the
    drives can run it by the end of the grid.

    The medium benchmark as a cost plan with a 20-day deadline: the pool's MIP finds $3,400 at
    3 s and proves it at 14 s, and its split costs $3,400 too (0.1 s), where the search's stages
    found $7,144-15,644 in 60 s.

    `probe` (in turn with the search, `_Optimiser.costed_in_turn`): the MIP stops at its first
    solution, and goes on from it only when that solution's split is a plan. Where the split runs
    late (gpu-onboarding) the pool gives no plan, and the search needs the time more."""
    clock = Clock(seconds)
    grid = build_grid(plan, horizon, plan.resolution)
    relaxation = cost_relaxation(plan, grid)  # one model: its LP, then the same as a MIP
    state = PoolReport(relaxed_cost_bound(plan, grid, backend, clock, share=1.0, form=relaxation))
    if report is not None:
        report(state)
    if clock.out():
        return state
    # the MIP leaves time to price its solution (medium: 0.1 s; gpu-onboarding: 0.8 s)
    mip = Clock(clock.slice(COST_POOL_SHARE))
    plain = build_grid(plan, horizon)  # the per-drive model's grid, where the split is priced
    pooled: Found | None = None
    for attempt in range(2 if probe else 1):
        bound, better = pooled_cost(relaxation, backend, mip, first=probe and attempt == 0, start=pooled)
        if bound is not None and (state.bound is None or bound > state.bound):
            state = replace(state, bound=bound)
            if report is not None:
                report(state)
        if better is None or (pooled is not None and better.cost >= pooled.cost) or clock.out():
            break
        pooled = better
        routes = unpool(plan, pooled.formulation, pooled.solution.values, plain)
        priced, _ = _Optimiser(plan, backend, clock, None, base).run(base.following(routes))
        if priced.found is None:
            break  # the pool's solutions over-promise here: no plan is likely from a better one
        if state.plan is None or priced.found.cost < state.plan.cost:
            state = replace(state, plan=priced.found)
        if mip.out() or _cost_proven(state.bound, pooled.cost):
            break
    return state


def _drive_by_drive(
    plan: Plan,
    pool: Found,
    top: Fraction,
    base: Mode,
    backend: str,
    clock: Clock,
    bound: Fraction | None,
    margin: float = 0.0,
    exact_only: bool = False,
) -> Found | None:
    """The earliest per-drive plan, before `top`, taking the drive counts of a pool solution
    (`_Optimiser.counted`), within `clock` less `margin` (a child's time to hand it back); None
    when the per-drive model is too big for it or it finds none. `exact_only`: only a plan that
    completes when the pool's solution does, found with all of `clock`, or None."""
    left = clock.remaining()
    if left is not None:
        left -= margin
        if left <= 0:
            return None
    optimiser = _Optimiser(plan, backend, Clock(left), None, base)
    grid = build_grid(plan, optimiser.start_horizon)
    if estimated_columns(plan, grid.intervals, None) > MIP_COLUMNS:
        return None
    if bound is not None:
        optimiser.inflow = max(optimiser.inflow, bound)  # where the search for a completion starts
    counts = departure_counts(pool.formulation, pool.solution.values)
    # the pool is a relaxation: no plan beats its completion, so a plan that reaches it in its
    # interval is optimal, and the search for it may stop there (medium benchmark: 309.07 h)
    j = grid.ceil(pool.makespan)
    if 0 < j <= grid.intervals:
        search = Search(plan, grid, replace(base, counts=counts), backend, optimiser.clock)
        enough = float(pool.makespan - grid.points[j - 1]) / HOUR * (1 + PROVEN_TOLERANCE)
        found, _ = search.exact_last(j, share=1.0 if exact_only else EXACT_SHARE, enough=enough)
        if found is not None and found.makespan <= pool.makespan * (1 + PROVEN_TOLERANCE):
            return found
    if exact_only:
        return None
    routes = unpool(plan, pool.formulation, pool.solution.values, grid)  # the fallback's MIP start
    outcome, _ = optimiser.counted(counts, routes, top, optimiser.clock)
    return outcome.found


def _drive_loads(plan: Plan, found: Found) -> float:
    """What `found`'s drives read, in full loads of the largest drive."""
    form, values = found.formulation, found.solution.values
    read = sum(float(values[col]) for col in form.r.values())
    return read / max((float(drive.capacity) / TB for drive in plan.drives.values()), default=1.0)


def _drives_used(found: Found) -> set[str]:
    """The drives that travel in `found`."""
    return {drive for drive, _route, _leaves in routes_of(found)}


def _fitting(found: Found) -> Fraction:
    """The horizon a first plan sets: the grid point by which it delivered everything (a check's
    plan can be done long before the grid it was found on ends), rounded up to a day."""
    done = found.makespan if found.point is None else min(found.makespan, found.formulation.grid.points[found.point])
    return min(MAX_HORIZON, -(-done // DAY) * DAY)


def _meets(bound: Fraction, makespan: Fraction) -> bool:
    """Whether a lower bound proves a plan of this makespan optimal (PROVEN_TOLERANCE)."""
    return bound >= makespan * (1 - PROVEN_TOLERANCE)


def _cost_proven(bound: Fraction | None, cost: float) -> bool:
    """Whether a cost bound proves a plan of this cost the cheapest (COST_TOLERANCE)."""
    return bound is not None and bound >= Fraction(cost) - COST_TOLERANCE


def _paced(clock: Clock, seconds: float) -> Clock:
    """`clock`, ending no more than `seconds` from now."""
    left = clock.remaining()
    if left is None or left <= seconds:
        return clock
    return Clock(seconds)


def _within(clock: Clock, outer: Clock) -> Clock:
    """`clock`, ending no later than `outer`."""
    left = outer.remaining()
    if clock.limit is None or left is None:
        return clock
    return Clock(min(clock.limit, left))


EARLY_FILL = 0.25
"""How full a batched cost plan's drives are, on average, for `drive_count` to follow it before the
finer batches. gpu-onboarding on a 2 h grid: its 2-unit plan, twelve drives a third full, gave four drives at
$11,800 in 3.6 s (20 s solves: $11,630 by 12 s, where after the batches $28,200); with 48 drives
its 2-unit plan, 24 drives a sixth full, gave four none in 13 s, and the finer batches' six drives
do (60 s solves: $15,600 and $13,700, where after the batches $11,630)."""
GUESSED_DRIVES_SHARE = 0.5
"""Of the time left, what `drive_count`'s first try gets, with as many drives as carry the plan's
load full once (`_drive_loads`): the likeliest count, and a model as large as the later tries'."""
FEWER_DRIVES_SHARE = 0.25
"""Of the time left, what each of `drive_count`'s tries gets (gpu-onboarding at 60 s: about 6 s;
five and four of its drives gave their plans in 3 s each). At 0.15 a solve of 30 s gave each try
1.3-1.5 s, too few for four drives: $28,200 twice, $15,600 three times and $11,630 once (six
runs, 2026-12-06 evening); at 0.25, $11,630 in three runs of four and $15,600 in one, the same
hour. At 60 s $11,630 either way, with one worker too; 12 drives at HQ $11,910 either way."""
OTHER_ROUTE_WINDOW = 3 * DAY
"""How far from a departure's arrival another route's arrival may be, to be tried instead."""
OTHER_ROUTE_SECONDS = 2.0
"""At most this for pricing one such move (gpu-onboarding: 0.4 s)."""
EXACT_SHARE = 0.7
"""Share of `_drive_by_drive`'s time for the plan that ends where the pool's solution does; the
rest goes to the fallback that takes only its counts (medium benchmark: 2.5 s for 309.23 h, and
with 2 s it found none)."""
COST_TOLERANCE = Fraction(1, 100)
"""Currency: a cost bound this close below a plan's cost proves it the cheapest (a cent)."""
EXPLAIN_SECONDS = 3.0
"""For a budget the relaxed bound already shows too low: time to find and prove the cheapest plan,
whose cost says more (a drive at $160 under $100: proven in 0.1 s, where the bound says $122.50)."""
HORIZON_SHARE = 0.15
"""Of the time limit, what finding the horizon of a cost plan with none may take (the medium
benchmark as a cost plan without its horizon: 3.3 s for 288, 576 and 1152 h)."""
PROVEN_TOLERANCE = 1e-9
"""Relative: a lower bound this close below a plan's completion proves that plan optimal (the
solvers' own tolerances are larger)."""
REPORT_SECONDS = 2.0
"""What the pool bound's stage keeps of its time to hand its plan back (a medium plan pickles to
0.7 MB)."""


BASELINE_SHARE = 0.05
"""Share of the time limit for the network-only and shipping-only baselines, run first; what they
leave goes to the main search (medium benchmark: network-only is proven impossible in 0.2 s, and
shipping-only finds no plan in 7 s or in 60 s)."""
FINISH_SHARE = 0.05
"""Share of the time limit kept for what follows the search: the cheapest plan among the fastest,
the schedule and its replay (large benchmark at 60 s: 1.7 s; with 2 % kept the call ended at 60.2 s)"""
FINISH_SECONDS = 5.0
"""but never more than this."""
FIT_LONGER = 4
"""How much longer than the guessed horizon the convoys look when the exact stages, or the convoys
themselves, found no plan within it (`fitted`)."""
FIT_SHARE = 0.3
"""Of the time limit, what the first plan of a plan with no horizon may take (`fitted`)."""
WARM_SHARE = 0.3
"""Of the time limit, what timing a warm start's trips may take at most (an LP per check)."""
CONVOY_ABOVE = 10_000
"""Below about this many columns the exact model is solved outright, faster than convoys are
searched (quick-start: 0.08 s exact, 0.8 s with the convoy search)."""
CONVOY_SHARE = 0.1
"""Share of the time limit for the convoy heuristic's local search."""
CONVOY_LEAST = 1.5
"""Seconds the convoys' search gets at least, within a third of the limit, for the fastest plan
with no budget where the model is small (CONVOY_ABOVE) and searched by convoys for its long grid:
the one-lane benchmark at 5 s had 0.5 s and its plan was 544.9-570.8 h, where with 1.5 s, 518.9 h.
Not for cost (gpu-onboarding as its cost plan at 10 s: $58,590 with it, $28,200 without), nor for
medium (at 10 s: 340.8 h with it, 338.9 h without)."""
CONVOY_SECONDS = 10.0
"""but never more than this when the exact stages can take the plan (not big): the pool's search
does better with the time (medium benchmark at 300 s: 328 h at 15 s, then nothing better in the
25 s left of the share, and the interval search after it took 123 s to the optimum)."""
CONVOY_SHARE_BIG = 0.5
"""The same when the model is too big for the exact search to help (MIP_COLUMNS). Large benchmark
at 300 s, convoys on 6 h steps (CONVOY_STEPS): at 0.5 they reach 774 h there and 751.3 h on the
plan's own grid (three runs), the bound 580 h; at 0.35, 786-792 h and 757.7-765.1 h, the bound
584 h. At 60 s both give 772.1 h. (On 12 h steps 0.55 had gained 4 h in its last 80 s.)"""
CONVOY_INTERVALS = 160
"""Grids with more intervals than this are coarsened for the convoy search, to about"""
CONVOY_STEPS = 240
"""this many steps. The large benchmark's 60 days on 240 steps are 6 h steps: the convoys' LP-scored
search ranks itineraries closer to how they time on the plan's own grid than on 12 h steps
(measured with CONVOY_SHARE_BIG at 0.35; 120: 836-840 h there, 769.4-791.0 h on the plan's grid
at 300 s; 240: 786-792 h there, 757.7-765.1 h; at 60 s, 776.6 h with 120 or 360 steps, 772.1 h
with 240)."""
BOUND_SHARE = 0.1
"""Share of the time limit for the relaxed LP bound."""
POOL_OF_LEFT = 0.9
"""Share of what is left after the better plans for raising the bound with the drive-pool MIP
(search.pooled_bound); the exact stages start only with more than 15 % of the limit left."""
POOL_OF_LEFT_BIG = 0.65
"""The same for a big plan (no exact stages): this much of what is left; the rest times the
convoys' routes on the plan's own grid (large benchmark at 300 s: with 0.8 that timing got 4-19 s
of the 25-45 s it needs, and the plan stayed at 848 h in one run of two)."""
UNPOOL_SHARE = 0.5
"""Share of the time limit for per-drive plans from drive-pool solutions (unpool.py). On the medium
benchmark at 60 s the second pool solution (12 s, the one that gives 320.1 h) needs more than 0.4:
at 0.4 the plan was 320.1 h in one run and 330.4 h in the next."""
UNPOOL_SHARE_FIRST = 0.4
"""The same when the drive-pool bound comes after (plans the exact stages can take): below the
pool's optimum a pool solution is not found in any time (medium: unsettled in 120 s by 304 h),
and the bound needs the time (16 s to prove nothing by 296 h)."""
FINER_GAIN = Fraction(8, 100)
"""How far below its completion on a coarse grid fixed routes are first looked for on the plan's
own grid (large benchmark: 2.6 % below)."""
BRACKET_STEP = Fraction(5, 100)
"""How far below the best plan the interval of `bracketed`'s first search lies (medium benchmark:
the convoys' 328 h puts it in (308 h, 320 h], which holds the pool's optimum, 309.07 h)."""
BRACKET_FIRST_SECONDS = 240.0
"""With less time left than this `bracketed` starts with two lanes at a time, not with its own
search: that search took 98-146 s alone to the pool's optimum on the medium benchmark, and the
plan it gives comes only at its end. Cut short at 38 s it ended on a pool solution at 311.04 h
whose drive counts, taken drive by drive, gave no plan before 320 h; at 120 s left (a limit of
150 s, on the slow machine of 2026-12-06) it found the optimum at 137 s, with 4 s left to take
it drive by drive, too few, and the solve returned 319.6 h and 325.2 h (two runs), at 180 s
325.2 h, where two lanes at a time first gave 309.07 h at 150 s and at 180 s, and 310.4 h
(bound 308 h) at 240 s. At 300 s the search still proved 309.07 h (at 290 s)."""
LANES_OF_LEFT = 0.6
"""With one worker, the share of the time left after the convoys and the LP bound that two lanes
at a time may use; the bound's climb has the rest."""
RUNS_ONLY_BELOW = 60.0
"""Seconds for two lanes at a time below which its descent steps only to pool solutions that
gave a better plan (`neighbourhood.improve`'s `runs_only`). Medium benchmark, in one hour: at 60 s
(about 47 s for the descent) the median over eight orders of the pairs was 313.44-313.47 h so,
315.61 h stepping to every solution; at 120 s (about 93 s), 313.3 and 313.7 h so, 309.1, 310.4,
310.4 and 315.9 h stepping to every solution, which can reach the pool's optimum and take its
counts."""
LANES_RESERVE = 5.0
"""Seconds that `two_lanes` keeps after its search: for the pool's best solution with its drive
counts as given, when split drive by drive it did not run as early (medium benchmark: 1-4 s for
the pool's optimum, 309.07 h; 8 s kept, most of it went unused while the descent needed it)."""
FIRST_PLAN_SECONDS = 50.0
"""The first plan from the pool (`first_from_pool`) is timed as in a 60 s solve (what is left of
it after the baselines, the convoys and the finish)."""
BRACKET_OF_LEFT = 1.0
"""Share of what is left for `bracketed`: all of it. Medium benchmark: its first search took
121-146 s to the pool's optimum, proven, from 18-24 s; at 180 s, with 95 % of what was left and
BRACKET_RESERVE at 20 s, it was cut off at 147 s, the optimum found but not proven."""
BRACKET_RESERVE = 8.0
"""Seconds at most that `bracketed` keeps after its search for the plan from the pool's solution
(medium: 3.1-4.3 s when that solution is the pool's optimum)."""
EARLIEST_FREE_SECONDS = 5.0
"""Seconds at most for the earliest plan as cheap as one made with its routes given, among all
plans (see `solve`)."""
COST_TURN_SHARE = 0.25
"""With one worker, the share of the time limit for the cost child's work in turn (`costed_in_turn`)."""
COST_PROOF_SHARE = 0.45
"""With one worker, the share of the time limit kept at the end for the drive pool's cost MIP, when
its probe's plan is not proven by its bound (`costed_in_turn`, `cost_proof`)."""
COST_PROOF_LEAST = 15.0
"""Seconds at least for that turn, else it is not taken (gpu-onboarding: the proof takes 19-21 s)."""
COST_POOL_SHARE = 0.85
"""Of a cost search's child's time left after its LP, what the drive pool's cost MIP may take; the
rest prices its solution drive by drive (medium benchmark as a cost plan: 0.1 s)."""
BUDGET_START_SHARE = 0.4
"""Of the time left, what the search for a first plan within the budget may take
(`within_budget`)."""
BUDGET_PROBE_SECONDS = 4.0
"""The drive pool's first time for one target there, doubled when it runs out (medium benchmark
under $15,000: by 360 h and by 400 h in 3.1-3.4 s one day, 4.0-5.1 s on a slower one; by 320 h
nothing in 20 s)."""
COUNTED_SHARE = 0.15
"""Share of the time limit for the per-drive plan that takes a pool solution's drive counts."""
UNPOOL_STEP = Fraction(2, 100)
"""How far below the best plan (or the last target that gave nothing better) each drive-pool
solution is asked to deliver. The pool's optimum on the medium benchmark is 309.07 h, and a pool
solution is slow to find near it (by 311.8 h: 50-60 s; by 321.4 h: a few seconds); at 2 % the
second target (311.8 h) gives 310.8 h."""
BOUND_COLUMNS = 30_000
"""The bound's LP is solved on the plan's own grid when about this small (pooled drives), else on
the coarse grid (medium benchmark: 0.1 s per LP on its event grid; large: 9 s at 293 intervals)."""
MIP_COLUMNS = 150_000
"""Exact-search stages whose model would have more columns than this are skipped."""
STAGE_SHARE = 0.35
"""Share of the time left for a stage of the exact ladder that is not the last,"""
PLANLESS_SHARE = 0.8
"""The same while there is no plan yet: finer stages are slower to a first plan (medium benchmark
with a $15,000 budget: the coarse 2-unit stage found its first plan in 4.9 s; at 10 s, with 0.35,
each of the four stages had 1.3-2.4 s and none found a plan)."""
STAGE_LOADS = 3.0
"""but never less than this many times the time its model takes to load (`COLUMNS_PER_SECOND`)."""
LOADABLE_SHARE = 0.5
"""About the share of its stage's time a model's first solve gets (0.4 to 0.8): a stage whose
model cannot load in that share of the time left (`COLUMNS_PER_SECOND`) would find nothing."""


def stage_seconds(left: float | None, columns: int, last: bool, planless: bool = False) -> float | None:
    """Seconds for a stage of the exact ladder whose model has about `columns` columns, with `left`
    seconds left (None: no limit): all of them for the last stage, else STAGE_SHARE of them
    (PLANLESS_SHARE while no stage has a plan) but at least STAGE_LOADS times the model's load
    time. A run gets at most what is left of its stage after loading, so with less the stage is
    skipped: the medium cost plan's 2-unit stage at 10 s had 2.7 s for 1.55 s of loading, and the
    plan cost $41,400, where that stage finds $23,144."""
    if left is None or last:
        return left
    share = PLANLESS_SHARE if planless else STAGE_SHARE
    return min(left, max(share * left, STAGE_LOADS * columns / COLUMNS_PER_SECOND))


def estimated_columns(plan: Plan, intervals: int, unit_limit: int | None, fleet: frozenset[str] | None = None) -> int:
    """About how many columns the full model has (drive locations, reads and writes, link flows),
    with only the drives of `fleet` when given."""
    sizes = [len(names) for names in drive_groups(plan, fleet).values()]
    units = sum(n if unit_limit is None else min(n, unit_limit) for n in sizes)
    commodities = len(plan.datasets) if any(plan.deadline_seconds(k) for k in plan.datasets) else 1
    per_interval = units * len(plan.sites) * (1 + 2 * commodities) + (len(plan.links) + len(plan.sites)) * commodities
    return intervals * per_interval


COARSE_ABOVE = 60
"""Plans whose grid has more intervals than this get a first stage on a coarse grid."""
COARSE_STEPS = 30
"""About this many steps over the horizon in that first stage (12 h at least)."""

UNIT_LADDER = (2, 4, 8)
"""Units per group of identical drives tried before one unit per drive."""


def unit_ladder(plan: Plan, fleet: frozenset[str] | None = None) -> list[int | None]:
    """The batching stages worth trying for this plan's largest group of identical drives (of
    `fleet`, when given)."""
    largest = max((len(names) for names in drive_groups(plan, fleet).values()), default=0)
    return [limit for limit in UNIT_LADDER if limit < largest] + [None]


def _route_moves(plan: Plan, found: Found) -> list[frozenset[tuple[str, str, Fraction]]]:
    """`found`'s routes with the drives of one departure moved to another route between the same
    sites, on a departure arriving within OTHER_ROUTE_WINDOW of theirs: every such move."""
    trips = routes_of(found)
    together: dict[tuple[str, Fraction], set[str]] = defaultdict(set)
    for drive, route, leaves in trips:
        together[route, leaves].add(drive)
    deps = found.formulation.route_deps.values()
    arrival = {(dep.route, dep.time): dep.arrival for dep in deps}
    ends = {name: (route.from_, route.to) for name, route in plan.routes.items()}
    moves = []
    for (route, leaves), drives in sorted(together.items()):
        for dep in deps:
            near = abs(dep.arrival - arrival[route, leaves]) <= OTHER_ROUTE_WINDOW
            if near and dep.route != route and ends[dep.route] == ends[route]:
                gone = {(drive, route, leaves) for drive in drives}
                moves.append(trips - gone | {(drive, dep.route, dep.time) for drive in drives})
    return moves


def _fleet_plan(plan: Plan, fleet: frozenset[str] | None) -> tuple[Plan, dict[str, str]]:
    """`plan` with only the drives of `fleet` (all, when None), and each of its drives' name in
    `plan` (drives are named by their order, which a smaller fleet changes)."""
    if fleet is None:
        return plan, {}
    kept = [(name, type_name, start) for name, type_name, start in plan.drive_names() if name in fleet]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _name, type_name, start in kept:
        counts[type_name][start] += 1
    drives = {
        type_name: {**drive.model_dump(by_alias=True), "fleet": dict(counts[type_name])}
        for type_name, drive in plan.drives.items()
    }
    smaller = plan.replace(drives=drives)
    return smaller, {new: name for (new, _t, _s), (name, _t2, _s2) in zip(smaller.drive_names(), kept, strict=True)}


def _renamed(
    routes: frozenset[tuple[str, str, Fraction]], names: dict[str, str]
) -> frozenset[tuple[str, str, Fraction]]:
    """Route decisions with their drives named as in `names` (unchanged where it has none)."""
    return frozenset((names.get(drive, drive), route, leaves) for drive, route, leaves in routes)


def _drives_priced(plan: Plan) -> bool:
    """Whether a plan with fewer drives can cost less: drives or their trips are charged."""
    return any(drive.cost_each for drive in plan.drives.values()) or any(
        route.cost_per_drive for route in plan.routes.values()
    )


def _better(plan: Plan, new: Outcome, old: Outcome) -> bool:
    if new.found is None:
        return False
    if old.found is None:
        return True
    if plan.objective == "makespan":
        return (new.found.makespan, new.found.cost) < (old.found.makespan, old.found.cost - 1e-6) or (
            new.found.makespan <= old.found.makespan and new.proven
        )
    return new.found.cost < old.found.cost - 1e-6 or (new.found.cost <= old.found.cost + 1e-6 and new.proven)


def _timeout_words(clock: Clock) -> str:
    return (
        f"the time limit of {clock.limit:g} s ran out before any plan was found; "
        "allow more time or a coarser resolution"
    )
