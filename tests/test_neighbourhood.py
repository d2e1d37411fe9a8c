"""The drive pool re-planned two lanes at a time (neighbourhood.py), and the stage of the solve
that takes its solutions drive by drive (`_Optimiser.two_lanes`)."""

from __future__ import annotations

import importlib
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from tests.benchmarks.generate import generate
from tests.test_solver_parts import lane_plan, make_plan
from transferplan import neighbourhood
from transferplan.assemble import verified_result
from transferplan.backend import Solution, Status
from transferplan.formulation import HOUR, Formulation, Mode
from transferplan.neighbourhood import decisions, improve, lanes
from transferplan.schema import Plan
from transferplan.search import Clock, Found, Outcome, Search, minimise_makespan
from transferplan.solve import _Optimiser
from transferplan.timegrid import build_grid

HOURLY = {"first": "00:00", "every": "1 h"}
OPTIMUM = 22 + 25 / 18
"""Each lane alone: out at 0 h, in at 10 h, written by 10 + 25/18 h, back at 12 h, in at 22 h and
read by 22 + 25/18 = 23.39 h. The lanes share nothing (three bays at the GPU site, a courier
each), and a courier carries one drive, so no lane can split its 10 TB over two drives: 23.39 h
is the optimum, the drive pool's too."""


def three_lanes() -> Plan:
    """Three sources 10 h from the GPU site, 10 TB each, a lane each with its own courier
    (carry 1) and departures every hour; three drives of 10 TB at 2 GB/s (25/18 h a drive)."""
    sources = ("s1", "s2", "s3")
    routes = {}
    for s in sources:
        routes[f"out-{s}"] = {"from": "gpu", "to": s, "transit": "10 h", "departures": HOURLY, "courier": f"c-{s}"}
        routes[f"back-{s}"] = {"from": s, "to": "gpu", "transit": "10 h", "departures": HOURLY, "courier": f"c-{s}"}
    return make_plan(
        "three-lanes",
        sites={**{s: {"bays": 1} for s in sources}, "gpu": {"bays": 3}},
        datasets={f"d-{s}": {"at": s, "to": "gpu", "size": "10 TB"} for s in sources},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"gpu": 3}}},
        couriers={f"c-{s}": {"fleet": {"gpu": 1}, "carry": 1} for s in sources},
        routes=routes,
        horizon="2 days",
    )


def late_plan(plan: Plan) -> tuple[Outcome, Search]:
    """Lanes s2 and s3 as in OPTIMUM; lane s1's drive out only at 5 h: in at 15 h, written by
    15 + 25/18 h, back at 17 h, in at 27 h, read by 27 + 25/18 = 28.39 h."""
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    a, b, c = (d.name for d in Formulation(plan, grid, Mode(require_all=False, routes=frozenset())).drives)
    hour = Fraction(HOUR)
    routes = frozenset(
        {
            (a, "out-s1", 5 * hour),
            (a, "back-s1", 17 * hour),
            (b, "out-s2", 0 * hour),
            (b, "back-s2", 12 * hour),
            (c, "out-s3", 0 * hour),
            (c, "back-s3", 12 * hour),
        }
    )
    search = Search(plan, grid, Mode(routes=routes), "highs", Clock(30))
    late = minimise_makespan(search, Fraction(0))
    assert late.found is not None and float(late.found.makespan) / HOUR == pytest.approx(27 + 25 / 18, abs=1e-3)
    return late, search


def improved_from_late(plan: Plan, seconds: float, each: Callable[[Found], None] | None = None) -> Found | None:
    """`improve` from the late plan's decisions and completion, within `seconds`."""
    late, _ = late_plan(plan)
    assert late.found is not None
    given = decisions(late.found.formulation, late.found.solution.values)
    return improve(plan, given, late.found.makespan, Mode(), "highs", Clock(seconds), each=each)


def test_a_plans_decisions_are_its_drives_and_couriers_on_each_departure() -> None:
    """The late plan takes one drive and one courier on each of its six departures, and nothing
    else (a courier that travelled alone would show as couriers without drives)."""
    plan = three_lanes()
    late, _ = late_plan(plan)
    assert late.found is not None
    taken = decisions(late.found.formulation, late.found.solution.values)
    hour = Fraction(HOUR)
    legs = [("out-s1", 5), ("back-s1", 17), ("out-s2", 0), ("back-s2", 12), ("out-s3", 0), ("back-s3", 12)]
    expected = {(route, at * hour, what): 1 for route, at in legs for what in ("ssd@gpu", "couriers")}
    assert taken == expected
    assert lanes(plan) == {f"{leg}-{s}": f"c-{s}" for leg in ("out", "back") for s in ("s1", "s2", "s3")}


def test_two_lanes_at_a_time_find_the_pools_optimum_from_a_late_plan() -> None:
    """From the late plan's decisions (done by 28.39 h) the search frees lanes two at a time: any
    pair holding s1 moves its drive to the 0 h departure, and the pool is done by OPTIMUM, 23.39 h
    (the grid then ends at 24 h: a shorter grid once the pool is done before the last interval).
    Every descent (DESCENTS, the pairs in another order each time) reports its steps down."""
    seen: list[float] = []
    pool = improved_from_late(three_lanes(), 60, each=lambda found: seen.append(float(found.makespan) / HOUR))
    assert pool is not None and float(pool.makespan) / HOUR == pytest.approx(OPTIMUM, abs=1e-3)
    # each descent starts again from the late plan, steps down and ends at the optimum
    runs: list[list[float]] = []
    for hours in seen:
        if not runs or hours >= runs[-1][-1]:
            runs.append([])
        runs[-1].append(hours)
    assert len(runs) >= 2 and all(run[0] < 27 + 25 / 18 for run in runs)
    assert all(run[-1] == pytest.approx(OPTIMUM, abs=1e-3) for run in runs)
    assert pool.formulation.mode.relaxed


def test_a_pair_the_clock_stopped_gets_twice_the_time_on_its_next_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real solves, but the first of lanes s2 and s3 together is reported as stopped by the
    clock with nothing better (what HiGHS returns when PAIR_SECONDS is too short for a pair). That
    pair is not done with: its next turn in the same descent gets twice the time. A pair proven
    to hold nothing better keeps PAIR_SECONDS, and the search still ends at OPTIMUM (a pair holding
    s1 moves its drive to 0 h)."""
    real = neighbourhood._Pool.solve
    turns: dict[tuple[str, ...], list[float | None]] = defaultdict(list)

    def spied(self, backend, given, free, seconds, branch=None):  # type: ignore[no-untyped-def]
        pair = tuple(s for s in ("s1", "s2", "s3") if free((f"out-{s}", 0, "couriers")))
        if branch is not None or len(pair) != 2:
            return real(self, backend, given, free, seconds, branch)  # not a pair
        turns[pair].append(seconds)
        if pair == ("s2", "s3") and len(turns[pair]) == 1:
            # as if stopped by the clock: the MIP start, unimproved
            unchanged = real(self, backend, given, lambda _key: False, seconds)
            return replace(unchanged, status=Status.FEASIBLE)
        return real(self, backend, given, free, seconds, branch)

    monkeypatch.setattr(neighbourhood._Pool, "solve", spied)
    pool = improved_from_late(three_lanes(), 60)
    assert pool is not None and float(pool.makespan) / HOUR == pytest.approx(OPTIMUM, abs=1e-3)
    first = neighbourhood.PAIR_SECONDS
    assert turns[("s2", "s3")][:2] == [first, 2 * first]
    assert all(seconds == first for pair, times in turns.items() if pair != ("s2", "s3") for seconds in times)
    assert set(turns) == {("s1", "s2"), ("s1", "s3"), ("s2", "s3")}


class _ScriptedPool:
    """Stands in for the drive pool in `_descend`, to test its bookkeeping alone. A solution is
    the hour it is done by: the fixed solve answers `first`, every other solve `then`, proven
    (the first pair solved steps down to its best; after it, nothing is better). The grid ends at
    `end` hours, its last interval starts half-way, and as in the real pool, a solution done
    before that interval reads as done at its start. Pair solves are logged to `pairs`."""

    improves = neighbourhood._Pool.improves
    shortest = neighbourhood._Pool.shortest
    ending = neighbourhood._Pool.ending

    def __init__(self, end: int, first: float, then: float, pairs: list[tuple[str, ...]]) -> None:
        points = [Fraction(0), end * HOUR / 2, end * HOUR]
        self.form = type("Form", (), {"grid": type("Grid", (), {"points": points})})
        self.first, self.then = max(first, end / 2), max(then, end / 2)
        self.pairs, self.branches = pairs, 0
        self.plan, self.base, self.resolution = three_lanes(), Mode(), None
        self.budget = neighbourhood._Budget()

    def done(self, values: np.ndarray) -> Fraction:
        return Fraction(int(values[0])) * HOUR

    def given(self, values: np.ndarray) -> dict[tuple[str, Fraction, str], int]:
        return {}

    def fixed(self, backend: str, given: object, clock: Clock) -> Solution:
        return Solution(Status.OPTIMAL, np.array([self.first]), self.first, self.first, 0.0)

    def solve(self, backend, given, free, seconds, branch=None):  # type: ignore[no-untyped-def]
        if branch is not None:
            self.branches += 1
        else:
            self.pairs.append(tuple(lane for lane in ("a", "b", "c") if free((f"r-{lane}", 0, "couriers"))))
        return Solution(Status.OPTIMAL, np.array([self.then]), self.then, self.then, 0.0)


def _scripted_descent(pool: _ScriptedPool, runs_only: bool = False) -> list[float]:
    """`_descend` over three lanes a, b and c from `pool`; the completions it steps down to (with
    `runs_only`, those it is handed, none of which the drives run)."""
    steps: list[float] = []

    def better(found: Found) -> None:
        steps.append(float(found.makespan) / HOUR)

    ended = neighbourhood._descend(
        pool,  # type: ignore[arg-type]
        {f"r-{lane}": lane for lane in ("a", "b", "c")},
        {},
        "highs",
        Clock(None),
        random.Random(0),
        better,
        runs_only=runs_only,
    )
    assert ended
    return steps


def test_a_pair_proven_at_its_best_is_not_solved_again_before_the_next_step_down() -> None:
    """Scripted solves: the first pair steps down from 18 h to 15 h, its proven best, in the last
    interval, (10 h, 20 h]. Solving it again from there would only prove that again, for the other
    lanes' trips are as they were: the descent solves the two other pairs, then tries local
    branching from FIRST_BRANCH to LAST_BRANCH trips, and ends, that pair solved once. (Before, a
    step down opened every pair, that one too: four pair solves.)"""
    pairs: list[tuple[str, ...]] = []
    pool = _ScriptedPool(20, 18.0, 15.0, pairs)
    assert _scripted_descent(pool) == [15.0]
    assert sorted(pairs) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert pool.branches == len(range(neighbourhood.FIRST_BRANCH, neighbourhood.LAST_BRANCH + 1, 2))


def test_a_descent_for_plans_does_not_step_to_a_solution_no_plan_runs() -> None:
    """Scripted solves, as above: every solve is done by 15 h, from 18 h, and is answered with no
    plan the drives run. The descent stays at 18 h each time, so each of the three pairs steps
    to 15 h once, is spent, and local branching then steps to it at FIRST_BRANCH, FIRST_BRANCH + 2
    and LAST_BRANCH trips (each answered as the pairs were) and ends: six solutions handed on,
    where stepping to the first, the descent hands on that one alone (the test above)."""
    pairs: list[tuple[str, ...]] = []
    pool = _ScriptedPool(20, 18.0, 15.0, pairs)
    branches = len(range(neighbourhood.FIRST_BRANCH, neighbourhood.LAST_BRANCH + 1, 2))
    assert _scripted_descent(pool, runs_only=True) == [15.0] * (3 + branches)
    assert sorted(pairs) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert pool.branches == branches


def test_after_a_step_to_a_shorter_grid_every_pair_is_solved_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scripted solves: the first pair steps down from 18 h to 8 h, before the last interval,
    (10 h, 20 h], so the descent goes on on the grid ending at 10 h, where finishing sooner than
    8 h is a step down the first grid could not see. That pair is open again there: four pair
    solves, the first pair's twice."""
    pairs: list[tuple[str, ...]] = []
    shorter = _ScriptedPool(10, 8.0, 8.0, pairs)
    monkeypatch.setattr(neighbourhood._Pool, "build", lambda *args: shorter)
    assert _scripted_descent(_ScriptedPool(20, 18.0, 8.0, pairs)) == [8.0]
    assert len(pairs) == 4 and pairs.count(pairs[0]) == 2 and len(set(pairs)) == 3


def test_a_start_done_before_the_last_interval_is_searched_on_a_shorter_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scripted solves: the plan's own decisions are done by 8 h in the pool, before the last
    interval of its grid, (10 h, 20 h]: there they read as done at 10 h, and nothing can read as
    sooner, so no pair could ever step down (large benchmark: the convoys' 790.3 h plan is done by
    768 h in the pool). The descent starts on the grid ending at 10 h, where the pairs step down
    to 6 h."""
    pairs: list[tuple[str, ...]] = []
    monkeypatch.setattr(neighbourhood._Pool, "build", lambda *args: _ScriptedPool(10, 8.0, 6.0, pairs))
    assert _scripted_descent(_ScriptedPool(20, 8.0, 6.0, pairs)) == [6.0]


def test_the_first_descent_draws_its_order_from_order_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/benchmarks/lane_orders.py sets ORDER_SEED to run a solve with the pairs in another
    order: the first descent's order comes from it, the next from the seed after it."""
    drawn: list[float] = []

    def descend(*args: object) -> bool:
        order = args[5]
        assert isinstance(order, random.Random)
        drawn.append(order.random())
        return len(drawn) < 2  # two descents, then "not the pool's decisions": the search ends

    monkeypatch.setattr(neighbourhood, "_descend", descend)
    monkeypatch.setattr(neighbourhood, "ORDER_SEED", 5)
    assert improved_from_late(three_lanes(), 60) is None
    assert drawn == [random.Random(5).random(), random.Random(6).random()]


def test_a_plan_with_fewer_than_three_lanes_is_left_to_the_whole_mip() -> None:
    """One lane (the lane plan of test_solver_parts): two lanes free would be the whole MIP."""
    plan = lane_plan(carry=2, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    search = Search(plan, grid, Mode(), "highs", Clock(30))
    best = minimise_makespan(search, Fraction(0))
    assert best.found is not None
    given = decisions(best.found.formulation, best.found.solution.values)
    assert improve(plan, given, best.found.makespan, Mode(), "highs", Clock(30)) is None


def test_the_two_lanes_stage_hands_back_a_plan_the_replay_accepts() -> None:
    """The stage of the solve, from the late plan: the pool's better solutions are split into
    routes drive by drive and timed exactly; the best, OPTIMUM, is what it hands back, with a
    search on its own grid, and the replay accepts it."""
    plan = three_lanes()
    late = late_plan(plan)
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    outcome, search = optimiser.two_lanes(late, grid, None)
    assert outcome.found is not None and float(outcome.found.makespan) / HOUR == pytest.approx(OPTIMUM, abs=1e-3)
    assert not outcome.proven and optimiser.hint is not None
    result = verified_result(plan, outcome, outcome.found, None, Clock(None), search.solves)
    assert result.verified, result.violations[:3]
    assert result.makespan_hours == pytest.approx(OPTIMUM, abs=1e-3)


def linked_three_lanes(budget: str | None) -> Plan:
    """three_lanes with $100 a courier on every leg, and a 0.2 Gbps link (0.09 TB/h) at $0.01 a
    GB from each source to the GPU site, under `budget`."""
    plan = three_lanes()
    legs = plan.model_dump(by_alias=True)["routes"]
    routes = {name: {**route, "cost_per_courier": 100} for name, route in legs.items()}
    links = {
        f"{s}-gpu": {"from": s, "to": "gpu", "bandwidth": "0.2 Gbps", "cost_per_gb": 0.01} for s in ("s1", "s2", "s3")
    }
    return plan.replace(routes=routes, links=links, budget=budget)


def improved_with_links(budget: str | None, each: Callable[[Found], None]) -> Found | None:
    """`improve` on linked_three_lanes from the late plan's decisions (its routes are the same)."""
    late, _ = late_plan(three_lanes())
    assert late.found is not None
    given = decisions(late.found.formulation, late.found.solution.values)
    plan = linked_three_lanes(budget)
    return improve(plan, given, late.found.makespan, Mode(), "highs", Clock(60), each=each)


LINKED = (22 + 25 / 18) / 1.0125
"""Each lane as in OPTIMUM, with its link busy to the end T: the drive carries 10 - 0.09 T TB,
read by 22 + (10 - 0.09 T) / 7.2 = T, so T = 23.3889 / 1.0125 = 23.10 h."""


def test_a_budget_joins_the_pools_rows_once_a_solution_breaks_it() -> None:
    """With the links the pool is done by LINKED, before OPTIMUM. Every plan sends six couriers
    ($600), so under a budget of $600 the links carry nothing and the best is OPTIMUM. The pool is
    searched without the budget's row until a solution breaks it (the late plan's decisions do,
    once the LP sends bytes online), then with it: what `improve` hands on meets the budget."""
    free = improved_with_links(None, lambda _found: None)
    assert free is not None and float(free.makespan) / HOUR == pytest.approx(LINKED, abs=1e-3)
    steps: list[Found] = []
    tight = improved_with_links("600", steps.append)
    assert tight is not None and float(tight.makespan) / HOUR == pytest.approx(OPTIMUM, abs=1e-3)
    assert steps and all(found.cost <= 600 + 1e-6 for found in steps)


def test_a_budget_no_pool_solution_breaks_leaves_the_pools_model_as_without_it() -> None:
    """A row that does not bind still changes the solver's path (medium benchmark at 60 s, budget
    $100,000: 313.7 h with the row, 312.1 h without a budget, and 312.1 h again with the row
    added lazily). Under $10,000 every model the search solves is the one without a budget."""
    steps: list[Found] = []
    found = improved_with_links("10000", steps.append)
    assert found is not None and float(found.makespan) / HOUR == pytest.approx(LINKED, abs=1e-3)
    assert steps
    for step in steps:
        top = step.formulation.grid.points[-1]
        free = neighbourhood._Pool.build(linked_three_lanes(None), top, Mode(), None).form.model
        assert step.formulation.model.row_ub == free.row_ub


def test_with_no_time_left_the_search_builds_nothing() -> None:
    """A 5 s solve reaches this stage with its time spent (medium benchmark: 340.8 h at 4.8 s
    either way): no model is built, and the first plan from the pool comes next."""
    assert improved_from_late(three_lanes(), 0.0) is None


def spied_two_lanes(monkeypatch: pytest.MonkeyPatch, seconds: float) -> tuple[Outcome, list[tuple[Any, ...]]]:
    """`_Optimiser.two_lanes` on three_lanes from the late plan, with a phase clock of `seconds`
    (`of`), and what `improve` was asked each time: (its clock's limit, its `runs_only`)."""
    solve_module = importlib.import_module("transferplan.solve")
    asked: list[tuple[Any, ...]] = []
    real_improve = solve_module.improve

    def spied(*args: Any, **kwargs: Any) -> Any:
        asked.append((args[5].limit, kwargs["runs_only"]))  # improve(plan, given, done, base, backend, clock, ...)
        return real_improve(*args, **kwargs)

    monkeypatch.setattr(solve_module, "improve", spied)
    plan = three_lanes()
    optimiser = _Optimiser(plan, "highs", Clock(600), None)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    outcome, _ = optimiser.two_lanes(late_plan(plan), grid, None, of=Clock(seconds))
    return outcome, asked


def test_two_lanes_keeps_to_the_clock_of_its_phase(monkeypatch: pytest.MonkeyPatch) -> None:
    """With one worker the bound's climb comes after two lanes at a time, so the stage runs on a
    clock of its own (`of`), not the solve's: its search gets that clock less LANES_RESERVE, and
    still hands back OPTIMUM from the late plan."""
    outcome, asked = spied_two_lanes(monkeypatch, 20)
    limits = [limit for limit, _ in asked]
    reserve = importlib.import_module("transferplan.solve").LANES_RESERVE
    assert outcome.found is not None and float(outcome.found.makespan) / HOUR == pytest.approx(OPTIMUM, abs=1e-3)
    assert len(limits) == 1 and limits[0] is not None and limits[0] <= 20 - reserve + 1e-6


@pytest.mark.parametrize(("seconds", "runs_only"), [(20.0, True), (200.0, False)])
def test_two_lanes_steps_only_to_plans_that_run_when_time_is_short(
    monkeypatch: pytest.MonkeyPatch, seconds: float, runs_only: bool
) -> None:
    """With less than RUNS_ONLY_BELOW seconds for its phase, the stage's descent steps only to
    pool solutions that gave a plan; with more, to each, as the pool's optimum may be reached so.
    Either way it hands back OPTIMUM from the late plan (a pair holding s1 runs as the pool has
    it)."""
    outcome, asked = spied_two_lanes(monkeypatch, seconds)
    assert outcome.found is not None and float(outcome.found.makespan) / HOUR == pytest.approx(OPTIMUM, abs=1e-3)
    assert [flag for _, flag in asked] == [runs_only]
    assert (seconds < importlib.import_module("transferplan.solve").RUNS_ONLY_BELOW) == runs_only


def test_with_one_worker_the_medium_benchmark_goes_two_lanes_at_a_time_then_climbs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The medium benchmark (five lanes) with one worker, as what-if sweeps solve it: after the
    convoys and the LP bound, two lanes at a time take at most LANES_OF_LEFT of what is left,
    and the bound's climb the rest. Before, this path took the first plan from the pool, and at
    60 s ended at 318.2 h, where two lanes at a time reach 313.5 h."""
    solve_module = importlib.import_module("transferplan.solve")
    phases: list[tuple[str, float | None]] = []
    real_lanes, real_bound = _Optimiser.two_lanes, _Optimiser.pool_bound

    def lanes_spy(self: _Optimiser, best: Any, grid: Any, resolution: Any, of: Clock | None = None) -> Any:
        phases.append(("lanes", None if of is None else of.limit))
        return real_lanes(self, best, grid, resolution, of)

    def bound_spy(self: _Optimiser, *args: Any) -> Any:
        phases.append(("bound", None))
        return real_bound(self, *args)

    monkeypatch.setattr(_Optimiser, "two_lanes", lanes_spy)
    monkeypatch.setattr(_Optimiser, "pool_bound", bound_spy)
    plan = Plan.model_validate(generate("medium", 0))
    result = solve_module.solve(plan, baselines=False, time_limit=10, workers=1)
    assert result.verified, result.violations[:3]
    assert [name for name, _ in phases][-2:] == ["lanes", "bound"]
    limit = dict(phases)["lanes"]
    assert limit is not None and limit <= 10 * solve_module.LANES_OF_LEFT
