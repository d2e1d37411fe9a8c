"""The solver's parts on their own: the HiGHS backend, the convoy heuristic, fixed routes, bounds.

Plans start at 2026-12-01T00:00Z. 1 TB/h is written "1 TB/h" through its byte rate: 1 TB/h =
10^12 / 3600 B/s, which the plan format spells as a bandwidth of 2.2222 Gbps; the plans below use
whole numbers instead (2 GB/s = 7.2 TB/h) and the docstrings do the arithmetic.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import transferplan.convoys as convoys_module
from tests.benchmarks.generate import generate, one_lane
from tests.beside_jobs import report_then_fail, report_then_sleep, square
from transferplan import load
from transferplan.assemble import verified_result
from transferplan.backend import IPM_ABOVE, LinearModel, Status, solve_model
from transferplan.beside import Beside
from transferplan.convoys import Convoy, ConvoySearch, Itineraries, best_itinerary, cycles
from transferplan.formulation import HOUR, Formulation, Mode
from transferplan.result import DepartureResult, Result, RouteResult
from transferplan.schedule import _last_needed
from transferplan.schema import Plan
from transferplan.search import (
    COLUMNS_PER_SECOND,
    Clock,
    Found,
    Outcome,
    Progress,
    Search,
    cheapest_at,
    cost_relaxation,
    delivered_tb,
    minimise_cost,
    minimise_makespan,
    pool_bracket,
    pool_check,
    pooled_bound,
    pooled_cost,
    pruned,
    relaxed_bound,
    relaxed_cost_bound,
    routes_of,
)
from transferplan.solve import (
    MIP_COLUMNS,
    PLANLESS_SHARE,
    STAGE_LOADS,
    STAGE_SHARE,
    _accepted,
    _cost_bound,
    _drive_loads,
    _fleet_plan,
    _Optimiser,
    _pooled_bound,
    _renamed,
    estimated_columns,
    solve,
    stage_seconds,
)
from transferplan.timegrid import build_grid
from transferplan.unpool import unpool

START = "2026-12-01T00:00Z"
ROOT = Path(__file__).resolve().parent.parent


def make_plan(name: str, **sections: Any) -> Plan:
    return Plan.model_validate({"name": name, "start": START, **sections})


def lane_plan(
    carry: int = 1,
    drives: int = 2,
    leg: int = 0,
    tb: int | None = None,
    bays: int = 1,
    out: dict[str, Any] | None = None,
    back: dict[str, Any] | None = None,
) -> Plan:
    """One source 10 h from the GPU site by a route each way, departures every hour on the hour
    (or `out` and `back`), one courier (at `leg` dollars a trip); drives of 10 TB written and read
    at 2 GB/s (7.2 TB/h, so 25/18 h a drive); `tb` at the source (10 TB a drive unless given), which
    has `bays` bays, the GPU site one."""
    every: dict[str, Any] = {"first": "00:00", "every": "1 h"}
    price = {"cost_per_courier": leg} if leg else {}
    return make_plan(
        "lane",
        sites={"src": {"bays": bays}, "gpu": {"bays": 1}},
        datasets={"d": {"at": "src", "to": "gpu", "size": f"{tb or 10 * drives} TB"}},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"gpu": drives}}},
        couriers={"staff": {"fleet": {"gpu": 1}, "carry": carry}},
        routes={
            "out": {
                "from": "gpu",
                "to": "src",
                "transit": "10 h",
                "departures": out or every,
                "courier": "staff",
                **price,
            },
            "back": {
                "from": "src",
                "to": "gpu",
                "transit": "10 h",
                "departures": back or every,
                "courier": "staff",
                **price,
            },
        },
        horizon="3 days",
    )


def test_highspy_and_ortools_solve_in_one_process() -> None:
    """HiGHS runs through highspy, SCIP through OR-Tools' model_builder: the pinned pair must load
    together (mismatched libhighs builds fail with an undefined symbol) and agree.

    max 5a + 4b + 3c subject to 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8, integers in
    [0, 10]: a = 2, b = 0, c = 1 gives 13, and no integer point gives more (the LP optimum is 13).
    """
    model = LinearModel()
    a, b, c = (model.var(0, 10, integer=True) for _ in range(3))
    model.row([(a, 2), (b, 3), (c, 1)], ub=5)
    model.row([(a, 4), (b, 1), (c, 2)], ub=11)
    model.row([(a, 3), (b, 4), (c, 2)], ub=8)
    model.set_objective([(a, 5), (b, 4), (c, 3)], maximize=True)
    for backend in ("highs", "scip"):
        sol = solve_model(model, backend, time_limit=10)
        assert sol.status is Status.OPTIMAL
        assert sol.objective == pytest.approx(13)
        assert sol.bound == pytest.approx(13)


def test_highs_takes_a_mip_start_and_keeps_an_incumbent() -> None:
    """A start that is feasible (a = 1, b = 1, c = 0: objective 9) is an incumbent from the outset,
    so even with almost no time HiGHS answers with a plan at least that good."""
    model = LinearModel()
    a, b, c = (model.var(0, 10, integer=True) for _ in range(3))
    model.row([(a, 2), (b, 3), (c, 1)], ub=5)
    model.set_objective([(a, 5), (b, 4), (c, 3)], maximize=True)
    sol = solve_model(model, "highs", time_limit=0.05, start={a: 1.0, b: 1.0, c: 0.0})
    assert sol.found and sol.objective is not None and sol.objective >= 9 - 1e-9


def test_a_minimisation_stops_at_a_solution_known_to_be_good_enough() -> None:
    """min -(5a + 4b + 3c) under the three rows of the first test: the optimum is -13 (a = 2,
    c = 1). Started from a = 1, b = 1 (-9) and told that -9 is enough, HiGHS stops at the start;
    told nothing, it goes on to -13."""
    model = LinearModel()
    a, b, c = (model.var(0, 10, integer=True) for _ in range(3))
    model.row([(a, 2), (b, 3), (c, 1)], ub=5)
    model.row([(a, 4), (b, 1), (c, 2)], ub=11)
    model.row([(a, 3), (b, 4), (c, 2)], ub=8)
    model.set_objective([(a, -5), (b, -4), (c, -3)])
    start = {a: 1.0, b: 1.0, c: 0.0}
    stopped = solve_model(model, "highs", time_limit=10, start=start, stop_at=-9)
    assert stopped.status is Status.FEASIBLE and stopped.objective == pytest.approx(-9)
    full = solve_model(model, "highs", time_limit=10, start=start)
    assert full.status is Status.OPTIMAL and full.objective == pytest.approx(-13)


def test_cycles_from_home_and_one_way_paths() -> None:
    plan = lane_plan()
    assert cycles(plan, "gpu") == [("out", "back")]
    assert cycles(plan, "src") == [("back", "out")]


def test_two_convoys_share_one_courier_in_turn() -> None:
    """One courier carrying one drive, two single-drive convoys on the lane.

    Convoy A leaves gpu at 0 h with the courier, reaches src at 10 h, is written in 25/18 h, so
    takes the 12:00 departure back (the first at or after 11.39 h), and is at gpu at 22 h. Convoy
    B needs the courier too: it is back at gpu only at 22 h, so B leaves at 22 h, is written by
    32 + 25/18 = 33.39 h, leaves at 34 h and is back at 44 h. A, read in 25/18 h, leaves again
    with the courier only after B is back: at 44 h (B arrives at 44 h and departs the same hour).
    """
    plan = lane_plan(carry=1, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    form = Formulation(plan, grid, Mode(require_all=False, routes=frozenset()))
    a, b = (d.name for d in form.drives)
    routes = Itineraries(form).build([Convoy(("out", "back"), (a,)), Convoy(("out", "back"), (b,))])
    trips = sorted((float(t) / HOUR, unit, route) for unit, route, t in routes)
    assert trips[:4] == [(0.0, a, "out"), (12.0, a, "back"), (22.0, b, "out"), (34.0, b, "back")]
    assert (44.0, a, "out") in trips or (44.0, b, "out") in trips


def test_queued_convoys_take_a_one_bay_source_in_turn() -> None:
    """One courier carrying two drives, two single-drive convoys, one bay at the source.

    Both leave gpu at 0 h on one courier (the second takes the room left on the first's) and
    reach src at 10 h. Unqueued, each convoy has the bay to itself: both are written by 11.39 h,
    leave together at 12 h and are read by 22 + 25/18 = 23.39 h. Queued, A is written 10-11.39 h
    and leaves with the courier at 12 h; B is written 11.39-12.78 h but the courier is gone and
    stays with A at gpu (a convoy there needs it next), so it comes back out with A at 24 h,
    reaches src at 34 h, and B leaves then: back at 44 h, read by 45.39 h. With no links, the
    estimate is when the last read ends."""
    plan = lane_plan(carry=2, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    form = Formulation(plan, grid, Mode(require_all=False, routes=frozenset()))
    a, b = (d.name for d in form.drives)
    convoys = [Convoy(("out", "back"), (a,)), Convoy(("out", "back"), (b,))]
    read = 25 / 18
    for queue, trips, last in (
        (False, [(0.0, a, "out"), (0.0, b, "out"), (12.0, a, "back"), (12.0, b, "back")], 22 + read),
        (True, [(0.0, a, "out"), (0.0, b, "out"), (12.0, a, "back"), (24.0, a, "out"), (34.0, b, "back")], 44 + read),
    ):
        routes, reads = Itineraries(form, queue=queue).simulate(convoys)
        assert sorted((float(t) / HOUR, unit, route) for unit, route, t in routes)[: len(trips)] == trips
        assert sorted(reads)[1] == ("gpu", pytest.approx(last * HOUR), 10.0)
        # the estimate's simulation skips the departures, not the reads
        assert Itineraries(form, queue=queue).simulate(convoys, routes=False) == (frozenset(), reads)
        search = ConvoySearch(plan, grid)
        search.itineraries = Itineraries(search.form, queue=queue)
        assert search.estimate(convoys) == pytest.approx(last)


def test_given_routes_are_kept_and_the_data_fills_them() -> None:
    """With the routes fixed to one round trip per drive (the two convoys above), the plan's
    makespan is the second drive's return plus its reading: 44 + 25/18 = 45.39 h; the solver
    chooses the data, not the routes, and the replay accepts it."""
    plan = lane_plan(carry=1, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    form = Formulation(plan, grid, Mode(require_all=False, routes=frozenset()))
    a, b = (d.name for d in form.drives)
    hour = Fraction(HOUR)
    routes = frozenset({(a, "out", 0 * hour), (a, "back", 12 * hour), (b, "out", 22 * hour), (b, "back", 34 * hour)})
    search = Search(plan, grid, Mode(routes=routes), "highs", Clock(30))
    outcome = minimise_makespan(search, Fraction(0))
    assert outcome.found is not None
    assert float(outcome.found.makespan) / HOUR == pytest.approx(44 + 25 / 18, abs=1e-3)
    taken = {
        (unit, grid_dep.route, grid_dep.time)
        for (unit, j), col in outcome.found.formulation.x.items()
        for grid_dep in [outcome.found.formulation.route_deps[j]]
    }
    assert taken <= routes


def test_a_plan_in_batched_units_starts_the_search_drive_by_drive() -> None:
    """Four drives on the lane, a courier carrying two, in two units of two: each unit's routes
    are those of both its drives, and the model drive by drive takes exactly those as its start
    (the ladder's stages start from the last one's plan so; before, a unit's name matched no
    drive and there was no start)."""
    plan = lane_plan(carry=2, drives=4)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    batched = minimise_makespan(Search(plan, grid, Mode(unit_limit=2), "highs", Clock(30)), Fraction(0))
    assert batched.found is not None
    units = {d.name: d.members for d in batched.found.formulation.drives}
    assert sorted(len(members) for members in units.values()) == [2, 2]
    hint = routes_of(batched.found)
    for members in units.values():
        assert len({frozenset((r, t) for d, r, t in hint if d == member) for member in members}) == 1
    search = Search(plan, grid, Mode(), "highs", Clock(30))
    search.hint = hint
    form = Formulation(plan, search.truncated(grid.ceil(batched.found.makespan)), Mode())
    start = search.start_for(form)
    assert start is not None
    deps = form.route_deps
    assert {(unit, deps[j].route, deps[j].time) for (unit, j), col in form.x.items() if start[col]} == hint
    assert solve_model(form.model, "highs", 10, start=start).found


def padded(
    plan: Plan,
    legs: set[tuple[str, str, Fraction]],
    alone: frozenset[tuple[str, Fraction]] = frozenset(),
    model: type[Formulation] = Formulation,
) -> Found:
    """The cheapest plan that takes the drive legs `legs` (drive, route, departure), each with a
    courier, and sends a courier alone on each departure of `alone` (route, departure): a plan
    with trips nothing needs, as a search cut short can leave it. `model`: the formulation."""
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    form = model(plan, grid, Mode())
    deps = form.route_deps
    for (unit, j), col in form.x.items():
        if (unit, deps[j].route, deps[j].time) in legs:
            form.model.lb[col] = form.model.lb[form.u[j]] = 1.0
    for j, dep in deps.items():
        if (dep.route, dep.time) in alone:
            form.model.lb[form.u[j]] = 1.0
    form.minimise_cost()
    sol = solve_model(form.model, "highs", 30)
    assert sol.status is Status.OPTIMAL
    return Found(form, sol, grid.horizon)


def test_trips_that_arrive_after_the_last_byte_are_dropped() -> None:
    """One 10 TB drive on the lane, each courier leg $100. The drive goes out at 0 h (at src at
    10 h), is written by 10 + 25/18 h, comes back at 12 h (22 h) and is read by 23 + 7/18 h at the
    earliest: two legs, $200. The same plan with the drive and the courier sent out again at 30 h (arriving at
    40 h, long after the last byte) costs $300, as a search cut short can leave it. `pruned`
    drops that leg, keeps the others, and the replay accepts the $200 plan, done no later."""
    plan = lane_plan(carry=1, drives=1, leg=100)
    hour = Fraction(HOUR)
    taken = {("ssd#1", "out", 0 * hour), ("ssd#1", "back", 12 * hour), ("ssd#1", "out", 30 * hour)}
    full = padded(plan, taken)
    assert full.cost == pytest.approx(300)
    lean = pruned(Search(plan, full.formulation.grid, Mode(), "highs", Clock(30)), full)
    assert lean.cost == pytest.approx(200)
    assert routes_of(lean) == taken - {("ssd#1", "out", 30 * hour)}
    before = verified_result(plan, Outcome(full, None, False), full, None, Clock(None), 0)
    after = verified_result(plan, Outcome(lean, None, False), lean, None, Clock(None), 0)
    assert before.verified and after.verified, after.violations[:3]
    assert before.cost is not None and before.cost.total == pytest.approx(300)
    assert after.cost is not None and after.cost.total == pytest.approx(200)
    assert before.makespan_hours is not None and after.makespan_hours is not None
    assert 23 + 7 / 18 - 1e-6 <= after.makespan_hours <= before.makespan_hours + 1e-6


class _Located(Formulation):
    """The plan model with the bound's rows that keep bytes with their drive: implied by whole
    trips, so the same plans, but the data's LP reaches other vertices."""

    def add_constraints(self) -> None:
        super().add_constraints()
        if not self.mode.relaxed:
            self._located_content()


def test_pruning_lets_nothing_arrive_after_the_last_byte() -> None:
    """The $300 plan above, pruned in a model with more rows (`_Located`): the data's LP may leave
    a hair of the data short by the last point (what it must deliver by then has a relative slack
    of 1e-9), and once put 10 KB of it on a read at 45 h, the plan ending there. Where the plan
    delivered nothing after that point, its pruned plan delivers nothing after it either."""
    plan = lane_plan(carry=1, drives=1, leg=100)
    hour = Fraction(HOUR)
    taken = {("ssd#1", "out", 0 * hour), ("ssd#1", "back", 12 * hour), ("ssd#1", "out", 30 * hour)}
    full = padded(plan, taken, model=_Located)
    lean = pruned(Search(plan, full.formulation.grid, Mode(), "highs", Clock(30)), full)
    assert lean.cost == pytest.approx(200)
    after = verified_result(plan, Outcome(lean, None, False), lean, None, Clock(None), 0)
    assert after.verified, after.violations[:3]
    assert after.makespan_hours is not None and after.makespan_hours <= 26 + 1e-6


def test_empty_drives_that_never_leave_again_and_couriers_alone_are_dropped() -> None:
    """The lane with two drives, two couriers carrying two each, $100 a courier and $50 a drive
    on every leg, and 10 TB: one drive's worth. Drive 1 goes out at 0 h, is written by
    10 + 25/18 h, comes back at 12 h and is read by 23 + 7/18 h: $100 + $50 each way, $300. A
    plan that also takes drive 2 out at 0 h (it never leaves src again, empty) and sends the
    second courier out alone at 5 h (at src at 15 h, after the last departure from there) costs
    $450, and every one of its legs arrives before the last byte. `pruned` drops both, and the
    replay accepts the $300 plan."""
    every: dict[str, Any] = {"first": "00:00", "every": "1 h"}
    leg = {"transit": "10 h", "departures": every, "courier": "staff", "cost_per_courier": 100, "cost_per_drive": 50}
    plan = make_plan(
        "lane",
        sites={"src": {"bays": 1}, "gpu": {"bays": 1}},
        datasets={"d": {"at": "src", "to": "gpu", "size": "10 TB"}},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"gpu": 2}}},
        couriers={"staff": {"fleet": {"gpu": 2}, "carry": 2}},
        routes={"out": {"from": "gpu", "to": "src", **leg}, "back": {"from": "src", "to": "gpu", **leg}},
        horizon="3 days",
    )
    hour = Fraction(HOUR)
    legs = {("ssd#1", "out", 0 * hour), ("ssd#1", "back", 12 * hour), ("ssd#2", "out", 0 * hour)}
    full = padded(plan, legs, alone=frozenset({("out", 5 * hour)}))
    assert full.cost == pytest.approx(450)
    lean = pruned(Search(plan, full.formulation.grid, Mode(), "highs", Clock(30)), full)
    assert lean.cost == pytest.approx(300)
    assert routes_of(lean) == legs - {("ssd#2", "out", 0 * hour)}
    form = lean.formulation
    alone = next(j for j, dep in form.route_deps.items() if (dep.route, dep.time) == ("out", 5 * hour))
    assert lean.solution.values[form.u[alone]] == pytest.approx(0)
    result = verified_result(plan, Outcome(lean, None, False), lean, None, Clock(None), 0)
    assert result.verified, result.violations[:3]
    assert result.cost is not None and result.cost.total == pytest.approx(300)


def test_the_search_ends_at_the_latest_deadline_when_every_dataset_has_one() -> None:
    """The lane's 10 TB within its 3-day horizon, with a deadline of 30 h: nothing is delivered
    after 30 h and nothing has to come back, so the grid stops there, not at 72 h. With a second
    dataset that has no deadline, it does not. The cheapest plan is as before: the drive goes out
    at 0 h and back at 12 h, two legs of $100, read by 23 + 7/18 h, within the deadline."""
    plan = lane_plan(carry=1, drives=1, leg=100).replace(deadline="30 h", objective="cost")
    optimiser = _Optimiser(plan, "highs", Clock(30), None)
    assert optimiser.start_horizon == 30 * HOUR and not optimiser.grows
    more = dict(plan.datasets, other={"at": "src", "to": "gpu", "size": "1 TB"})
    open_ended = plan.replace(deadline=None, datasets=more)
    assert _Optimiser(open_ended, "highs", Clock(30), None).start_horizon == 72 * HOUR
    result = solve(plan, baselines=False, time_limit=30, workers=1)
    assert result.status == "optimal" and result.verified, result.violations[:3]
    assert result.cost is not None and result.cost.total == pytest.approx(200)
    assert result.makespan_hours is not None and result.makespan_hours <= 30


def test_given_drive_counts_are_taken_by_drives_the_model_chooses() -> None:
    """Two drives, a courier carrying two (the lane of the convoy test below, whose optimum is
    25.78 h: out together at 0 h, back at 13 h). With the counts fixed to two drives out at 0 h
    and two back at 14 h, an hour late, they are read from 24 h one after the other: 24 + 2 x
    25/18 = 26.78 h. Which drive is which is the model's choice; no other departure is taken, and
    the replay accepts the plan. With one drive back instead of two, 10 TB of the 20 never leave
    the source: no plan.

    The counts are given, so the search proves nothing about plans that choose other counts: the
    lane's optimum is 23 + 2 x 25/18 = 25.78 h (back at 13 h), below this plan's 26.78 h, and the
    search claims neither optimality nor a bound."""
    plan = lane_plan(carry=2, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    hour = Fraction(HOUR)
    counts = frozenset({("out", 0 * hour, 2), ("back", 14 * hour, 2)})
    outcome = minimise_makespan(Search(plan, grid, Mode(counts=counts), "highs", Clock(30)), Fraction(0))
    assert outcome.found is not None
    assert float(outcome.found.makespan) / HOUR == pytest.approx(24 + 2 * 25 / 18, abs=1e-3)
    assert not outcome.proven and outcome.lower_bound is None
    form, values = outcome.found.formulation, outcome.found.solution.values
    taken: dict[tuple[str, Fraction], int] = {}
    for (_unit, j), col in form.x.items():
        if values[col] > 0.5:
            key = (form.route_deps[j].route, form.route_deps[j].time)
            taken[key] = taken.get(key, 0) + 1
    assert taken == {("out", 0 * hour): 2, ("back", 14 * hour): 2}
    result = verified_result(plan, outcome, outcome.found, None, Clock(None), outcome.solves)
    assert result.verified, result.violations[:3]
    short = frozenset({("out", 0 * hour, 2), ("back", 14 * hour, 1)})
    assert minimise_makespan(Search(plan, grid, Mode(counts=short), "highs", Clock(30)), Fraction(0)).found is None


@pytest.mark.parametrize("top_hours", [46, 60])
def test_fixed_routes_are_timed_below_a_coarse_completion(top_hours: int) -> None:
    """The routes of the test above finish at 45.39 h. Timed again on the plan's grid after a
    coarser grid finished them at `top_hours`, the search starts 8 % below that: from 46 h the
    optimum lies above the start (42.3 h) and is found at once; from 60 h it lies below the start
    (55.2 h), the search lands on its floor and goes on down to it. Both are replayed."""
    plan = lane_plan(carry=1, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    a, b = (d.name for d in Formulation(plan, grid, Mode(require_all=False, routes=frozenset())).drives)
    hour = Fraction(HOUR)
    routes = frozenset({(a, "out", 0 * hour), (a, "back", 12 * hour), (b, "out", 22 * hour), (b, "back", 34 * hour)})
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    outcome, _search = optimiser.finer(Mode(routes=routes), Clock(60), top_hours * hour)
    assert outcome.found is not None and not outcome.proven
    assert float(outcome.found.makespan) / HOUR == pytest.approx(44 + 25 / 18, abs=1e-3)
    result = verified_result(plan, outcome, outcome.found, None, Clock(None), outcome.solves)
    assert result.verified, result.violations[:3]


def test_convoy_search_finds_the_optimum_of_the_lane() -> None:
    """Two drives, a courier carrying two: both go together at 0 h, arrive at 10 h, are written
    one after the other on the single bay (2 x 25/18 h, done at 12.78 h), leave at 13 h, arrive at
    23 h and are read one after the other: 23 + 2 x 25/18 = 25.78 h. Going separately is later
    (one courier: the second drive leaves only at 22 h). The convoy search finds 25.78 h, the
    exact search proves it, and the replay accepts it."""
    plan = lane_plan(carry=2, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    found = best_itinerary(plan, grid, "highs", Clock(20))
    assert found is not None
    _routes, done = found
    assert float(done) / HOUR == pytest.approx(26.0)  # the first grid point by which all is in
    result = solve(plan, baselines=False, time_limit=60)
    assert result.status == "optimal" and result.verified
    assert result.makespan_hours == pytest.approx(23 + 2 * 25 / 18, abs=1e-3)


def test_a_ladder_stage_gets_time_to_load_its_model_and_run() -> None:
    """A stage that is not the last gets STAGE_SHARE of the time left, but never so little that
    its model cannot load and then run as long again: with 7.7 s left a 31,029-column model (1.55 s
    to load) had 2.7 s, less than its run needs, and was skipped. Now it gets 3 x 1.55 = 4.65 s.
    While no stage has found a plan, a stage gets PLANLESS_SHARE: the finer ones are slower to a
    first plan. The last stage gets all that is left, and no stage more than that."""
    load = 31_029 / COLUMNS_PER_SECOND
    assert stage_seconds(7.7, 31_029, last=False) == pytest.approx(STAGE_LOADS * load)
    assert stage_seconds(100.0, 31_029, last=False) == pytest.approx(STAGE_SHARE * 100.0)
    assert stage_seconds(3.0, 31_029, last=False) == 3.0
    assert stage_seconds(100.0, 31_029, last=False, planless=True) == pytest.approx(PLANLESS_SHARE * 100.0)
    assert stage_seconds(7.7, 31_029, last=True) == 7.7
    assert stage_seconds(None, 31_029, last=False) is None


def test_convoy_search_ignores_deadlines() -> None:
    """The medium benchmark with a deadline of 20 days (480 h), inside its 30-day horizon and far
    above its optimum (309.07 h): the convoys deliver everything by 344 h within a second, as
    without it. Scored with the deadline as a hard row, every convoy set short of it was no plan
    at all: the search found none in 20 s, and the solve no plan at 30 s."""
    plan = Plan.model_validate({**generate("medium", 0), "deadline": "20 days"})
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    found = best_itinerary(plan, grid, "highs", Clock(3))
    assert found is not None
    assert float(found[1]) / HOUR <= 344


def test_an_imprecise_interior_point_lp_is_crossed_over_when_its_answer_is_needed() -> None:
    """The large benchmark's relaxed LP on 6 h steps by its point at 516 h delivers short of
    20,000 TB (the LP's own bound is 546 h). HiGHS's interior point method, with crossover off,
    ends it "unknown" (imprecise: no bound), so the check proved nothing and the LP bound stopped
    at 416 h; crossed over after all, the check is proven short. By 548 h the LP delivers
    everything and that answer needs no crossover."""
    plan = Plan.model_validate(generate("large", 0))
    grid = build_grid(plan, Fraction(800 * HOUR), Fraction(6 * HOUR))
    search = Search(plan, grid, Mode(relaxed=True, unit_limit=1), "highs", Clock(60), phase="bound")
    short = grid.floor(Fraction(520 * HOUR))
    assert grid.points[short] == 516 * HOUR
    assert search.check(short, share=1.0, relax=True)[0] is Status.INFEASIBLE
    assert search.check(grid.floor(Fraction(548 * HOUR)), share=1.0, relax=True)[0] is Status.FEASIBLE


def test_an_interior_point_lp_keeps_a_limit_that_presolve_used_up() -> None:
    """The medium benchmark's relaxed cost LP with a 20-day deadline (24k columns, interior
    point) takes about 8 s to solve. HiGHS gives interior point only what presolve left of the
    time limit, and with nothing left it ran with no limit at all: a 0.05 s limit returned the
    optimum after 8 s, and a cost plan solved with a 3 s limit returned after 11 s. Stopped by our
    own clock, it ends "unknown" within a fraction of a second; 2 s is the slack for a slow
    machine, a quarter of the run it replaces, so the test fails on the old code."""
    plan = Plan.model_validate({**generate("medium", 0), "deadline": "20 days", "objective": "cost"})
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    form = Formulation(plan, grid, Mode(relaxed=True, unit_limit=1))
    form.minimise_cost()
    assert len(form.model.lb) > IPM_ABOVE
    began = time.monotonic()
    sol = solve_model(form.model, "highs", 0.05, relax=True)
    assert time.monotonic() - began < 2.0
    assert sol.status is Status.UNKNOWN and sol.bound is None


def test_relaxed_bound_makes_bytes_travel_with_the_drive() -> None:
    """One drive; 10 TB at src, 10 h away. The drive must go (10 h), be written (25/18 h), come
    back on the next whole hour (12 h, arriving 22 h) and be read: 22 + 25/18 = 23.39 h, optimal.

    Without bytes tied to where the drive is, half a drive at src and half at gpu made a pipe with
    no transit: a bound near 10 + 2 x 25/18 = 12.8 h. With them the LP cannot beat the trip; its
    bound is at least 22 h (the bytes reach gpu no earlier), and never above the optimum."""
    plan = lane_plan(carry=1, drives=1)
    bound = relaxed_bound(plan, Fraction(48 * HOUR), Mode(), "highs", Clock(30))
    assert bound is not None
    assert 22 <= float(bound) / HOUR <= 22 + 25 / 18 + 1e-6
    result = solve(plan, baselines=False, time_limit=60)
    assert result.status == "optimal" and result.verified
    assert result.makespan_hours == pytest.approx(22 + 25 / 18, abs=1e-3)


def test_pooled_bound_on_the_medium_benchmark_is_above_the_lp_and_below_a_plan() -> None:
    """The drive-pool MIP is a relaxation: it may prove more than the LP, never more than a plan."""
    plan = Plan.model_validate(generate("medium", 0))
    lp = relaxed_bound(plan, Fraction(720 * HOUR), Mode(), "highs", Clock(30))
    assert lp is not None
    result = solve(plan, baselines=False, time_limit=20)
    assert result.verified and result.makespan_hours is not None
    upper = Fraction(result.makespan_hours * HOUR).limit_denominator(1000)
    pooled = pooled_bound(plan, lp, upper, Mode(), "highs", Clock(15))
    assert pooled is None or lp <= pooled <= upper
    assert result.lower_bound_hours is not None and result.lower_bound_hours <= result.makespan_hours


def test_the_pool_bound_falls_between_grid_points_and_proves_with_a_plain_feasibility_model() -> None:
    """The medium benchmark's event grid has no point between 284 h and 296 h. The drive pool
    cannot deliver everything by 284 h (proven in about a second), so its shortest last
    interval after 284 h, or HiGHS's bound on it, is a bound strictly between the two. A plain
    feasibility model (everything delivered, no objective) proves the pool short by 296 h in
    about 12 s, where "deliver as much as you can" was still unsettled at 20 s."""
    plan = Plan.model_validate(generate("medium", 0))
    hour = Fraction(HOUR)
    grid = build_grid(plan, 330 * hour)
    assert [float(p) / HOUR for p in grid.points if 280 * hour <= p <= 300 * hour] == [280, 282, 284, 296, 298]
    pooled = pooled_bound(plan, 282 * hour, 296 * hour, Mode(), "highs", Clock(30))
    assert pooled is not None and 284 * hour < pooled <= 296 * hour
    search = Search(plan, grid, Mode(relaxed=True, unit_limit=1), "highs", Clock(60))
    status, found = search.check(grid.ceil(296 * hour), share=1.0, prove=True)
    assert status is Status.INFEASIBLE and found is None


def test_the_pool_bound_climbs_from_below_and_does_not_spend_its_time_above_the_optimum() -> None:
    """On the medium benchmark the pool cannot deliver by 296 h (about 12 s to prove), and by 304 h
    HiGHS takes about 40 s. Between the LP bound (260.9 h) and a plan (320.14 h) the event
    grid's points are 260, 272, 274, 280, 282, 284, 296, 298, 304, ... h: bisection checks 284 h,
    then 304 h, and spends half its time there for nothing (288.5 h in 14 s). Climbing from the LP
    bound checks only points that settle until the first that does not: 296 h within 30 s."""
    plan = Plan.model_validate(generate("medium", 0))
    hour = Fraction(HOUR)
    lp = relaxed_bound(plan, Fraction(720 * HOUR), Mode(), "highs", Clock(30))
    assert lp is not None and 260 * hour < lp < 261 * hour
    pooled = pooled_bound(plan, lp, Fraction(32014, 100) * hour, Mode(), "highs", Clock(30))
    assert pooled is not None and 296 * hour <= pooled <= Fraction(32014, 100) * hour


def test_a_slow_climb_steps_at_least_a_per_cent_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below the pool's optimum a check costs about as much wherever it is (medium benchmark,
    each alone: 14 s by 296 h, 18 s by 298 h, 20 s by 304 h), so once checks are slow the climb
    skips points less than CLIMB_STEP (1 %) above its bound. Here every check is slow (0.25 s of
    a 2 s clock) and the pool short by any point up to 304 h: from the LP's 282 h the climb
    checks 296 h (an eighth of the way to the 340.8 h plan), then 304 h, not 298 h, then 308 h
    (the first point 1 % above 304 h), which settles nothing. Checking 298 h on the way cost the
    medium benchmark's 60 s solve its 304 h bound (298 h at 57 s where 304 h came at 43 s)."""
    plan = Plan.model_validate(generate("medium", 0))
    hour = Fraction(HOUR)
    checked: list[float] = []

    def check(search: Search, j: int, **_: Any) -> tuple[None, float | None]:
        time.sleep(0.25)
        t = search.grid.points[j]
        checked.append(float(t) / HOUR)
        if t <= 304 * hour:
            return None, float(t - search.grid.points[j - 1]) / HOUR  # proven short by t
        return None, 0.0  # the clock ran out: nothing settled

    monkeypatch.setattr(Search, "exact_last", check)
    bound = pooled_bound(plan, 282 * hour, Fraction(3408, 10) * hour, Mode(), "highs", Clock(2.0))
    assert checked[:3] == [296, 304, 308]
    assert bound == 304 * hour


def test_baselines_run_first_and_come_with_a_plan_that_has_none() -> None:
    """The shipping-only plan (see test_solve_optimal) needs 15.56 h; with a deadline of 12 h neither
    it nor its baselines has a plan (no link: network-only has none). The result is infeasible
    and still lists both baselines, which ran before the main search within their share."""
    plan = make_plan(
        "late",
        sites={"lab": {"bays": 4}, "dc": {"bays": 2}},
        datasets={"corpus": {"at": "lab", "to": "dc", "size": "40 TB"}},
        drives={"hdd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "1 GB/s", "fleet": {"lab": 4}}},
        routes={"truck": {"from": "lab", "to": "dc", "transit": "4 h", "departures": {"at": ["6 h"]}}},
        deadline="12 h",
    )
    result = solve(plan, time_limit=30)
    assert result.status == "infeasible" and result.explanation
    assert [(b.mode, b.status) for b in result.baselines] == [
        ("network_only", "infeasible"),
        ("shipping_only", "infeasible"),
    ]
    assert result.solve_seconds < 30


def test_a_baseline_whose_mode_cannot_reach_a_destination_is_impossible_at_once() -> None:
    """gpu-onboarding: 'web' (colo) and 'images' (berlin) leave their sites by links only, so
    shipping alone can deliver neither. That is known without a search, where its share of a short
    limit ran out with "unknown"; the network alone is searched as before."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml")
    result = solve(plan, time_limit=3)
    shipping = next(b for b in result.baselines if b.mode == "shipping_only")
    assert shipping.status == "infeasible" and shipping.makespan_hours is None
    assert shipping.note == "no way for 'web' (colo -> gpu-site), 'images' (berlin -> gpu-site)"
    network = next(b for b in result.baselines if b.mode == "network_only")
    assert "no way" not in network.note


@pytest.mark.parametrize("horizon", [True, False])
def test_the_pool_bound_starts_beside_the_convoys_at_their_first_estimate(
    monkeypatch: pytest.MonkeyPatch, horizon: bool
) -> None:
    """With two workers the pool bound's child starts as soon as the convoys' search estimates a
    first completion (the medium benchmark: 344 h at about 3 s), not after their routes are timed
    and the relaxed LP has run (about 9.6 s of a 60 s solve): the child's climb has that much
    longer. Its top is the estimate, the one the timing then starts from; from the flow bound
    (148 h) the climb passes 282 h in under 2 s, so the bound at 15 s is at least that. Without
    its horizon the plan's first convoys set one (`fitted`), and the child starts there too."""
    solve_module = importlib.import_module("transferplan.solve")
    events: list[tuple[str, str | None, tuple[Any, ...]]] = []  # (what, which child, its arguments)
    real_beside, real_timed = solve_module.Beside, _Optimiser.timed

    def beside(function: Any, *args: Any) -> Any:
        events.append(("child", function.__name__, args))
        return real_beside(function, *args)

    def timed(self: _Optimiser, *args: Any, **kwargs: Any) -> Any:
        events.append(("timed", None, args))
        return real_timed(self, *args, **kwargs)

    monkeypatch.setattr(solve_module, "Beside", beside)
    monkeypatch.setattr(_Optimiser, "timed", timed)
    data = generate("medium", 0)
    plan = Plan.model_validate(data if horizon else {key: data[key] for key in data if key != "horizon"})
    result = solve(plan, time_limit=15, workers=2, baselines=False)
    assert result.verified and result.lower_bound_hours is not None
    assert 282 <= result.lower_bound_hours <= result.makespan_hours
    kinds = [(kind, name) for kind, name, _ in events]
    assert kinds.count(("child", "_pooled_bound")) == 1  # started once, early, and not again
    assert kinds.index(("child", "_pooled_bound")) < kinds.index(("timed", None))
    top = next(args[2] for kind, name, args in events if name == "_pooled_bound")
    timed_upper = next(args[1] for kind, _name, args in events if kind == "timed")
    assert top == timed_upper  # the convoys' estimate, which their timing then takes as its top


def test_the_pool_bound_never_passes_a_proven_optimum() -> None:
    """The lane of the convoy test above has its optimum at 23 + 2 x 25/18 = 25.78 h (drives
    written and read one after the other). One bay at each end leaves the pool nothing to share,
    so its bound is that optimum exactly: between the grid points 25 h and 26 h, reached only by
    bounding the last interval after the latest point proven short."""
    plan = lane_plan(carry=2, drives=2)
    pooled = pooled_bound(plan, Fraction(0), Fraction(72 * HOUR), Mode(), "highs", Clock(30))
    assert pooled is not None
    assert float(pooled) / HOUR == pytest.approx(23 + 2 * 25 / 18, abs=1e-3)


def test_the_pool_bound_stage_hands_back_the_pools_optimum_drive_by_drive() -> None:
    """The lane above: the pool's optimum is the plan's, 23 + 2 x 25/18 = 25.78 h (both drives
    out at 0 h, back at 13 h, written and read one after the other). The pool bound's stage
    climbs to it, then has the per-drive model take that solution's drive counts: a plan of
    25.78 h that the replay accepts, which meets the bound. The in-process solve (one worker)
    takes that plan and its bound and calls it optimal."""
    plan = lane_plan(carry=2, drives=2)
    optimum = 23 + 2 * 25 / 18
    report = _pooled_bound(None, plan, Fraction(0), Fraction(72 * HOUR), Mode(), "highs", 30.0, None)
    assert report.bound is not None and float(report.bound) / HOUR == pytest.approx(optimum, abs=1e-3)
    made = report.plan
    assert made is not None and made.formulation.mode.counts is not None
    assert float(made.makespan) / HOUR == pytest.approx(optimum, abs=1e-3)
    outcome = Outcome(made, None, False)
    result = verified_result(plan, outcome, made, report.bound, Clock(None), 0)
    assert result.verified, result.violations[:3]
    assert result.gap == pytest.approx(0, abs=1e-6)
    solved = solve(plan, baselines=False, time_limit=30, workers=1)
    assert solved.status == "optimal" and solved.verified
    assert solved.makespan_hours == pytest.approx(optimum, abs=1e-3)


def test_a_plan_from_the_pool_bound_replaces_a_later_one_and_only_a_later_one() -> None:
    """The search for plans ended with the lane's two drives going separately, the second only
    at 22 h with the one courier (45.39 h, as in the fixed-routes test above), or with nothing.
    The pool bound's stage brought back the 25.78 h plan above: it replaces both, with a search on
    its own grid for the steps that follow (cheapest among the fastest). Against the optimum
    found by the search itself it changes nothing."""
    plan = lane_plan(carry=2, drives=2)
    report = _pooled_bound(None, plan, Fraction(0), Fraction(72 * HOUR), Mode(), "highs", 30.0, None)
    assert report.plan is not None
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    optimiser._take(report)
    assert optimiser.inflow == report.bound
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    a, b = (d.name for d in Formulation(plan, grid, Mode(require_all=False, routes=frozenset())).drives)
    hour = Fraction(HOUR)
    routes = frozenset({(a, "out", 0 * hour), (a, "back", 12 * hour), (b, "out", 22 * hour), (b, "back", 34 * hour)})
    later = minimise_makespan(Search(plan, grid, Mode(routes=routes), "highs", Clock(30)), Fraction(0))
    assert later.found is not None and float(later.found.makespan) / HOUR == pytest.approx(44 + 25 / 18, abs=1e-3)
    for outcome in (later, Outcome(None, None, False)):
        taken, search = optimiser.adopt(outcome, Search(plan, grid, Mode(), "highs", Clock(30)))
        assert taken.found is report.plan and not taken.proven
        assert search.grid.points == report.plan.formulation.grid.points
        result = verified_result(plan, taken, cheapest_at(search, report.plan), report.bound, Clock(None), 0)
        assert result.verified and result.makespan_hours == pytest.approx(23 + 2 * 25 / 18, abs=1e-3)
    best = minimise_makespan(Search(plan, grid, Mode(), "highs", Clock(30)), Fraction(0))
    assert best.proven and optimiser.adopt(best, Search(plan, grid, Mode(), "highs", Clock(30)))[0] is best


def test_the_pools_search_in_one_interval_bounds_every_completion() -> None:
    """The lane above: the pool's optimum is 23 + 2 x 25/18 = 25.78 h. A plan ending at 26 h puts
    the search in (25 h, 26 h], which holds that optimum: it finds it there and proves it a bound
    on every completion, the earlier ones too (the interval's length may shrink to nothing). A
    plan ending at 26.5 h puts it in (26 h, 26.5 h]: the pool is done by 26 h, the interval's
    minimum is zero, and that proves nothing."""
    plan = lane_plan(carry=2, drives=2)
    optimum = 23 + 2 * 25 / 18
    said: list[str] = []
    found, bound = pool_bracket(
        plan, Fraction(26 * HOUR), Mode(), "highs", Clock(30), None, lambda p: said.append(p.message)
    )
    assert found is not None and float(found.makespan) / HOUR == pytest.approx(optimum, abs=1e-3)
    assert bound is not None and float(bound) / HOUR == pytest.approx(optimum, abs=1e-3)
    assert said == [
        "the drive pool's earliest completion in (25.0 h, 26.0 h]",
        "the drive pool in (25.0 h, 26.0 h]: done by 25.78 h; nothing is done before 25.78 h",
    ]
    found, bound = pool_bracket(plan, Fraction(53 * HOUR, 2), Mode(), "highs", Clock(30))
    assert found is not None and found.makespan == 26 * HOUR and bound is None


def _late_lane_plan() -> tuple[Plan, tuple[Outcome, Search]]:
    """The lane's two drives out together at 0 h but back only at 14 h: in at 24 h, read one after
    the other by 24 + 2 x 25/18 = 26.78 h (the pool's optimum, and the plan's, is 25.78 h)."""
    plan = lane_plan(carry=2, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    a, b = (d.name for d in Formulation(plan, grid, Mode(require_all=False, routes=frozenset())).drives)
    hour = Fraction(HOUR)
    routes = frozenset({(a, "out", 0 * hour), (b, "out", 0 * hour), (a, "back", 14 * hour), (b, "back", 14 * hour)})
    search = Search(plan, grid, Mode(routes=routes), "highs", Clock(30))
    later = minimise_makespan(search, Fraction(0))
    assert later.found is not None and float(later.found.makespan) / HOUR == pytest.approx(24 + 50 / 18, abs=1e-3)
    return plan, (later, search)


def _bracketed_lane(clock: Clock) -> tuple[_Optimiser, Outcome, Search]:
    """The bracket stage from the 26.78 h lane plan within `clock`; it must end at the proven
    optimum, 23 + 2 x 25/18 = 25.78 h, with a plan the replay accepts."""
    plan, later = _late_lane_plan()
    optimiser = _Optimiser(plan, "highs", clock, None)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    outcome, made = optimiser.bracketed(later, grid, None)
    optimum = 23 + 2 * 25 / 18
    assert outcome.found is not None and float(outcome.found.makespan) / HOUR == pytest.approx(optimum, abs=1e-3)
    assert float(optimiser.inflow) / HOUR == pytest.approx(optimum, abs=1e-3) and optimiser.meets(outcome)
    result = verified_result(plan, outcome, outcome.found, optimiser.inflow, Clock(None), 0)
    assert result.verified, result.violations[:3]
    return optimiser, outcome, made


def test_the_bracket_stage_searches_below_a_later_plan_and_proves_the_optimum() -> None:
    """From the 26.78 h plan, with time to spare, the first search is in the interval that holds
    5 % less, 25.44 h: (25 h, 26 h]. The pool's optimum, 23 + 2 x 25/18 = 25.78 h, lies there: the
    search finds it and proves it, and its counts taken drive by drive are a plan that meets it
    (both drives out at 0 h, back at 13 h). The replay accepts that plan, and the stage hands it
    back with a search on its own grid."""
    _, outcome, made = _bracketed_lane(Clock(None))
    assert outcome.found is not None and made.grid.points == outcome.found.formulation.grid.points


def test_the_bracket_stage_with_little_time_starts_from_the_pools_first_plan() -> None:
    """The same 26.78 h plan with 60 s (less than BRACKET_FIRST_SECONDS): the first plan comes
    from a pool solution 2 % earlier, by 26.24 h, taken drive by drive: 25.78 h, the optimum.
    The search in that plan's interval, (25 h, 25.78 h], then proves it, and the stage ends with a
    plan that meets its bound; the replay accepts it."""
    _bracketed_lane(Clock(60))


def test_the_bracket_stage_falls_back_on_the_pools_first_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """As above with time to spare, but the first search's solution cannot be run drive by drive
    (as the medium benchmark's pool, seed 1, done by 298 h with counts no per-drive plan follows):
    the first plan then comes from a pool solution 2 % before the 26.78 h plan, by 26.24 h, taken
    drive by drive: 25.78 h. The next search, in (25 h, 25.78 h], proves it optimal."""
    # the package's `solve` is the function; its module is imported by name
    solve_module = importlib.import_module("transferplan.solve")
    real = solve_module._drive_by_drive
    calls: list[int] = []

    def first_fails(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(solve_module, "_drive_by_drive", first_fails)
    _bracketed_lane(Clock(None))
    assert len(calls) == 1  # the proven pool solution is no earlier than the plan: not taken again


def one_lane_plan(drives: int, tb: int) -> Plan:
    """The one-lane benchmark's lane with `drives` drives and `tb` TB: one source 18 h from the
    GPU site (out daily at 16:00, back daily at 10:00), one courier carrying 4, drives of 80 TB
    (written at 1 GB/s, 22 2/9 h each, on the source's one bay; read at 1.5 GB/s, 14 22/27 h, on
    the GPU site's six), 40 days."""
    return Plan.model_validate({**one_lane(drives, tb), "start": START})


def test_a_convoy_filled_part_way_is_out_again_sooner() -> None:
    """One drive on the lane of `one_lane_plan`, out at 16 h, at the source at 34 h. Full, it is
    written by 56 2/9 h, back at 58 h (at 76 h), read by 90 22/27 h, past 16:00 (88 h): out again
    at 112 h, every 96 h. Filled to 0.8 (64 TB), written by 51 7/9 h, back at 58 h, read by
    87 23/27 h: out again at 88 h, every 72 h."""
    plan = one_lane_plan(drives=1, tb=320)
    search = ConvoySearch(plan, build_grid(plan, plan.horizon))  # type: ignore[arg-type]
    outs = {}
    for fill in (1.0, 0.8):
        routes = search.itineraries.build([Convoy(("out", "back"), ("hdd-80#1",), 0, fill)])
        outs[fill] = sorted(float(t) / HOUR for _u, r, t in routes if r == "out")[:3]
    assert outs == {1.0: [16, 112, 208], 0.8: [16, 88, 160]}
    full = Convoy(("out", "back"), ("hdd-80#1",))
    assert [replace(full, fill=0.8)] in search.neighbours([full])
    assert not any(c.fill > 1 for option in search.neighbours([full]) for c in option)


def test_the_convoy_search_finds_part_full_drives_taking_turns_with_the_courier() -> None:
    """Three drives on the lane of `one_lane_plan`, 960 TB, one courier. By hand: all three out at
    16 h, at the source at 34 h, each filled to 0.8 (64 TB, 17 7/9 h on the one bay). Drive 1,
    written first (by 51 7/9 h), is back at 58 h; drives 2 and 3 (by 87 1/3 h) at 106 h, while the
    courier, out again at 88 h with drive 1, is there. From then on the courier goes every 48 h,
    in turn with drive 1 and with drives 2 and 3: 192 TB every 96 h, and the fifth load of drives
    2 and 3 (back at 490 h, at the GPU site at 508 h) is read by 519 23/27 h, so everything is in
    by the grid point of 520 h. With every drive full the convoys are at 568-580 h; so was the
    search (seeded as it is) when 0.8 took two steps of 0.1, the first of which did not pay."""
    plan = one_lane_plan(drives=3, tb=960)
    found = best_itinerary(plan, build_grid(plan, plan.horizon), "highs", Clock(10))  # type: ignore[arg-type]
    assert found is not None
    assert float(found[1]) / HOUR <= 520


def test_a_small_model_on_a_long_grid_gets_its_first_plan_from_the_convoys() -> None:
    """One source 18 h from the GPU site (out daily at 16:00, back daily at 10:00), one courier
    carrying 4, two 80 TB drives (written at 1 GB/s, 22 2/9 h each, on the source's one bay; read
    at 1.5 GB/s, 14 22/27 h, on two of the GPU site's), 640 TB, 40 days: 1,680 columns, but 120
    intervals. By hand, the two drives as one convoy: out at 16 h, at the source at 34 h, both
    written by 78 4/9 h, back at 82 h (at 100 h), read by 114 22/27 h; the next 16:00 is 136 h, so
    every 120 h 160 TB: the fourth load is read by 474 22/27 h. The exact stages alone, which
    start on 32 h steps for such a grid, had no plan at 10 s (930.8 h at 30 s)."""
    plan = one_lane_plan(drives=2, tb=640)
    result = solve(plan, baselines=False, time_limit=10, workers=1)
    assert result.verified, result.violations[:3]
    assert result.makespan_hours is not None and result.lower_bound_hours is not None
    assert result.lower_bound_hours <= result.makespan_hours <= 474 + 22 / 27 + 1e-6


def test_with_no_horizon_a_lane_with_no_link_gets_its_first_plan_from_the_convoys() -> None:
    """The plan of the test above with no horizon. Its bound was 72 h when only what the
    destination reads counted (no link), so the guessed horizon was 144 h: 18 intervals, too few
    for the convoys to be asked, and the exact stages, growing it, found no plan at 10 s. The
    convoys then look four times as far (576 h) and find at least the by-hand schedule above, done
    by 474 22/27 h. (The flow bound now counts what the source's one bay writes, 177 7/9 h.)"""
    data = {key: value for key, value in one_lane(2, 640).items() if key != "horizon"}
    plan = Plan.model_validate({**data, "start": START})
    result = solve(plan, baselines=False, time_limit=10)
    assert result.verified, result.violations[:3]
    assert result.makespan_hours is not None and result.lower_bound_hours is not None
    assert result.lower_bound_hours <= result.makespan_hours <= 474 + 22 / 27 + 1e-6


def test_a_late_first_plan_from_the_exact_stages_sets_a_horizon_the_convoys_are_asked_on() -> None:
    """One drive, 400 TB, no horizon, no link. A guess of 168 h is too short for the convoys; the
    exact stages, growing it, find a first plan late (672 h or 1,344 h on their grids, 1,264 h at
    best; the plan's horizon was the end of that grid). On the horizon that plan sets the grid is
    long enough for the convoys: they are asked, and their plan sets the horizon. By hand, the
    drive alone in its convoy, always full: out at 16 h, at the source at 34 h, written by
    56 2/9 h, back at 58 h (in at 76 h), read by 90 22/27 h; out again at 112 h, every 96 h. The
    fifth load is read by 90 22/27 + 4 x 96 = 474 22/27 h: a horizon of 480 h.

    The guess is set here: the flow bound now counts what the source's one bay writes (400 TB at
    3.6 TB/h, 111 1/9 h), and on its guess, 222 h, the exact stages' first plan is the 480 h one
    itself (and the solve at 20 s is optimal, 450.07 h, either way)."""
    data = {key: value for key, value in one_lane(1, 400).items() if key != "horizon"}
    plan = Plan.model_validate({**data, "start": START})
    optimiser = _Optimiser(plan, "highs", Clock(20), None)
    assert optimiser.grows
    optimiser.start_horizon = 168 * HOUR  # the guess from what the destination reads alone
    fit, by_convoys = optimiser.fitted()
    assert fit is not None and fit[0].found is not None and by_convoys
    assert optimiser.start_horizon == 480 * HOUR and not optimiser.grows
    assert float(fit[0].found.makespan) / HOUR <= 474 + 22 / 27 + 1e-6
    result = verified_result(plan, fit[0], fit[0].found, None, Clock(None), 0)
    assert result.verified, result.violations[:3]


def test_the_medium_benchmark_without_its_horizon_has_a_plan() -> None:
    """The medium benchmark without its 30 days. The guessed horizon, 288 h (twice the bound of
    what the destination reads, 141 h; 296 h now, from the flow bound, 148 h), is long enough in
    intervals for the convoys, but shorter than any convoys need (344 h with the horizon): with a
    first plan's patience they looked for 45 s of 60 and found nothing, and the solve had no plan
    at 20 s or at 60 s. On the guess they now look as long as with a horizon, then four times as
    far: 327.8 h at 20 s, 314.2 h at 60 s."""
    data = {key: value for key, value in generate("medium", 0).items() if key != "horizon"}
    result = solve(Plan.model_validate(data), baselines=False, time_limit=20)
    assert result.status == "feasible" and result.verified, result.violations[:3]
    assert result.makespan_hours is not None and result.lower_bound_hours is not None
    assert result.lower_bound_hours <= result.makespan_hours <= 360


def test_a_cost_plan_in_which_nothing_costs_gets_the_fastest_plan() -> None:
    """The plan of the test above as `objective: cost`. Nothing in it is priced, so every plan
    costs $0 (proven: nothing costs less) and the answer is the earliest of them, the fastest
    plan. The cost search priced the convoys with every drive full, the by-hand schedule above:
    474 22/27 h. The makespan search fills them part way and is done hours earlier (449 17/27 h,
    proven optimal given 13 s); the cost plan now gets its plan."""
    plan = one_lane_plan(drives=2, tb=640).replace(objective="cost")
    result = solve(plan, baselines=False, time_limit=10)
    assert result.verified, result.violations[:3]
    assert (result.objective, result.status) == ("cost", "optimal")
    assert (result.cost.total, result.cost_lower_bound, result.gap) == (0.0, 0.0, 0.0)
    assert result.makespan_hours is not None and result.lower_bound_hours is not None
    assert result.lower_bound_hours <= result.makespan_hours < 474 + 22 / 27 - 1


def test_a_cost_plan_in_which_nothing_costs_and_no_horizon_gets_the_fastest_plan() -> None:
    """The one-lane benchmark (three drives, 960 TB, see `one_lane`) as a cost plan with no
    horizon: nothing is priced, so the answer is the fastest plan, as with a horizon. The cost
    search on its own derived horizon priced full convoys only: the by-hand schedule of
    `one_lane`, the fourth load read by 570 22/27 h. The fastest plan's convoys go part full and
    are out again sooner (518 8/9 h measured)."""
    data = {key: value for key, value in one_lane().items() if key != "horizon"}
    plan = Plan.model_validate({**data, "start": START, "objective": "cost"})
    result = solve(plan, baselines=False, time_limit=20)
    assert result.verified, result.violations[:3]
    assert (result.objective, result.status, result.gap) == ("cost", "optimal", 0.0)
    assert result.cost is not None and result.cost.total == 0.0
    assert result.makespan_hours is not None and result.makespan_hours < 570 + 22 / 27 - 1


def _convoy_clocks(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The time limit of each convoy search the solver starts from here on (the search itself is
    replaced by a spy that finds nothing)."""
    solve_module = importlib.import_module("transferplan.solve")
    given: list[float | None] = []

    def record(plan: Plan, grid: Any, backend: str, clock: Clock, *args: Any, **kwargs: Any) -> None:
        given.append(clock.limit)

    monkeypatch.setattr(solve_module, "best_itinerary", record)
    return given


def test_the_convoy_search_keeps_to_its_cap_when_the_exact_stages_can_take_the_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The convoys' local search gets `share` of the limit, but never more than `cap` seconds:
    at 300 s, 10 s of its 30 (medium benchmark: 328 h at 15 s, then nothing better in the 25 s
    left, time the interval search after it needed); at 60 s its share, 6 s, is below the cap;
    with no limit, the cap. Without a cap (big plans), the share as before."""
    given = _convoy_clocks(monkeypatch)
    plan = lane_plan(carry=2, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    for limit in (300.0, 60.0, None):
        assert _Optimiser(plan, "highs", Clock(limit), None).convoys(grid, 0.1, cap=10.0) is None
    assert _Optimiser(plan, "highs", Clock(300.0), None).convoys(grid, 0.1) is None
    assert given == [pytest.approx(10.0), pytest.approx(6.0), pytest.approx(10.0), pytest.approx(30.0)]


def test_the_convoy_search_gets_a_least_time_for_the_fastest_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 5 s a tenth of the limit is 0.5 s, too little for one-lane's convoys to fill part way
    (570.8 h, where with 1.5 s 518.9 h): for the fastest plan with no budget the search gets
    CONVOY_LEAST, 1.5 s, but never more than a third of the limit (2 s: 0.67 s), where the model
    is small (searched by convoys for its long grid, as one-lane). A cost plan keeps its share
    (gpu-onboarding as its cost plan at 10 s: $58,590 with the least time, $28,200 without), and
    so does the medium benchmark, a big model (at 10 s: 340.8 h with it, 338.9 h without)."""
    given = _convoy_clocks(monkeypatch)
    plan = lane_plan(carry=2, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    for limit in (5.0, 2.0):
        assert _Optimiser(plan, "highs", Clock(limit), None).convoys(grid, 0.1, cap=10.0) is None
    costed = plan.replace(objective="cost")
    assert _Optimiser(costed, "highs", Clock(5.0), None).convoys(grid, 0.1, cap=10.0) is None
    medium = Plan.model_validate(generate("medium"))
    _Optimiser(medium, "highs", Clock(5.0), None).convoys(build_grid(medium, medium.horizon), 0.1, cap=10.0)  # type: ignore[arg-type]
    assert given == [pytest.approx(1.5), pytest.approx(2 / 3), pytest.approx(0.5), pytest.approx(0.5)]


def test_the_bracket_search_may_use_all_the_time_left_but_its_reserve(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interval search gets everything the stage has left but BRACKET_RESERVE (8 s), which the
    plan from its solution needs (medium benchmark: 3-4 s). With 95 % of what was left and 20 s
    kept back, it was cut off at 147 s of 180 with the pool's optimum found but not proven. At 300 s
    it gets 292 s; with no limit, no limit."""
    solve_module = importlib.import_module("transferplan.solve")
    given: list[float | None] = []

    def record(plan: Plan, top: Fraction, base: Mode, backend: str, clock: Clock, *args: Any) -> tuple[None, None]:
        given.append(clock.limit)
        return None, None

    monkeypatch.setattr(solve_module, "pool_bracket", record)
    plan, later = _late_lane_plan()
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    for limit in (300.0, None):
        _Optimiser(plan, "highs", Clock(limit), None).bracketed(later, grid, None)
    assert given[0] == pytest.approx(300.0 - solve_module.BRACKET_RESERVE, abs=0.5)
    assert given[-1] is None and solve_module.BRACKET_RESERVE == 8.0


def test_float_dust_above_zero_is_no_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """In (26 h, 26.5 h] the lane's pool is done by 26 h: the interval's minimum is zero. HiGHS
    has proven such a minimum as 3e-14 h (medium benchmark, seed 1, by 298 h), and 26 h plus that
    is no bound: the pool is done by 25.78 h. The search must prove nothing from it."""
    import transferplan.search as search_module

    real = search_module.solve_model

    def dusty(*args: Any, **kwargs: Any) -> Any:
        sol = real(*args, **kwargs)
        if sol.objective is not None and sol.objective == 0.0:
            return replace(sol, objective=3e-14, bound=3e-14)
        return sol

    monkeypatch.setattr(search_module, "solve_model", dusty)
    plan = lane_plan(carry=2, drives=2)
    found, bound = pool_bracket(plan, Fraction(53 * HOUR, 2), Mode(), "highs", Clock(30))
    assert found is not None and bound is None


def test_convoy_neighbours_are_distinct_up_to_identical_drives() -> None:
    plan = lane_plan(carry=2, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    search = ConvoySearch(plan, grid)
    start = search.start()
    options = search.neighbours(start)
    signatures = [search.signature(o) for o in options]
    assert len(signatures) == len(set(signatures))
    assert search.signature(start) not in signatures or len(start) > 1


def test_pooled_drives_read_a_late_drive_in_one_bay_at_a_time() -> None:
    """10 TB at src, two 10 TB drives at gpu, which has two bays. One drive must fetch the data:
    out at 0 h, in at 10 h, written by 10 + 25/18 = 11.39 h, back at 12 h, in at 22 h, read by
    22 + 25/18 = 23.39 h, the optimum.

    The drive pool lets any drives present share work, so the idle second drive could take the
    other bay and read the late drive at twice its rate (done 22 + 25/36 = 22.69 h, before the
    point at 23 h). A byte on a drive is read from that drive after it arrives, so by 23 h at most
    7.2 TB of the 10 could be in: the pooled bound proves 23 h impossible. After 23 h the pool
    still reads the other 2.8 TB in both bays (14.4 TB/h, 0.1944 h): its bound is 23.194 h, below
    the optimum as a bound must be."""
    plan = lane_plan(carry=1, drives=2).replace(
        datasets={"d": {"at": "src", "to": "gpu", "size": "10 TB"}},
        sites={"src": {"bays": 1}, "gpu": {"bays": 2}},
    )
    bound = pooled_bound(plan, Fraction(0), Fraction(24 * HOUR), Mode(), "highs", Clock(30))
    assert bound is not None and float(bound) / HOUR == pytest.approx(23 + 2.8 / 14.4, abs=1e-3)
    result = solve(plan, baselines=False, time_limit=60)
    assert result.verified and result.status == "optimal"
    assert result.makespan_hours == pytest.approx(22 + 25 / 18, abs=1e-3)


def test_pooled_drives_carry_only_what_they_wrote_since_they_came() -> None:
    """72 TB at src (2 bays); three 36 TB drives there, $1,000 each, written at 1 GB/s (3.6 TB/h,
    10 h a drive) and read at 10 GB/s; out to gpu at 10:00 daily (2 h), back at 14:00 (16 h); all
    read by 40 h. Two drives on the 10:00 departure carry 36 TB each: $2,000. One drive alone
    carries 36 TB at 10 h, is back at src at 30 h and out again at 34 h with what it wrote in
    those 4 h, 14.4 TB: 50.4 TB < 72. So $2,000 is the optimum.

    Pooled, the drives at src share their bytes, and the pool counted the drives away at once:
    one drive out twice, taking at 34 h what another wrote while staying home, cost $1,000. A
    drive takes away only what it brought and wrote there since it came, and each drive that
    leaves its start is used: the pool's bound is $2,000, which proves the plan."""
    plan = make_plan(
        "cohort",
        objective="cost",
        deadline="40 h",
        sites={"src": {"bays": 2}, "gpu": {"bays": 2}},
        datasets={"d": {"at": "src", "to": "gpu", "size": "72 TB"}},
        drives={
            "hdd": {
                "capacity": "36 TB",
                "write_rate": "1 GB/s",
                "read_rate": "10 GB/s",
                "fleet": {"src": 3},
                "cost_each": 1000,
            }
        },
        routes={
            "out": {"from": "src", "to": "gpu", "transit": "2 h", "departures": {"first": "10:00", "every": "24 h"}},
            "back": {"from": "gpu", "to": "src", "transit": "16 h", "departures": {"first": "14:00", "every": "24 h"}},
        },
    )
    grid = build_grid(plan, Fraction(40 * HOUR))
    bound, _pooled = pooled_cost(cost_relaxation(plan, grid), "highs", Clock(30))
    assert bound == pytest.approx(2000.0, abs=1e-6)
    result = solve(plan, baselines=False, time_limit=30)
    assert result.verified and result.status == "optimal", result.violations[:3]
    assert result.cost.total == pytest.approx(2000.0, abs=1e-6)


def test_the_pool_reads_a_departure_on_its_own_drives_before_the_end_too() -> None:
    """The late drive above, with 10 TB due by a deadline inside the grid, where the end-of-grid
    rule does not reach. One courier carrying one drive: drive A goes out at 0 h (in at 10 h),
    is written by 11.39 h, leaves at 12 h, is in at 22 h and read by 22 + 25/18 = 23.39 h. Drive
    B cannot travel without the courier, so nothing is faster: a deadline of 23 h cannot be met,
    one of 24 h is met at 23.39 h.

    The pool would read A in both bays with B idle beside it (done 22.69 h, in time for 23 h).
    Bytes that came on one departure are read on its drives only: by 23 h at most 7.2 TB of A's
    10 TB, so the pool proves 23 h impossible too."""

    def due(hours: int) -> Plan:
        return lane_plan(carry=1, drives=2).replace(
            datasets={"d": {"at": "src", "to": "gpu", "size": "10 TB", "deadline": f"{hours} h"}},
            sites={"src": {"bays": 1}, "gpu": {"bays": 2}},
        )

    for hours, expected in ((23, Status.INFEASIBLE), (24, Status.FEASIBLE)):
        plan = due(hours)
        grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
        search = Search(plan, grid, Mode(relaxed=True, unit_limit=1), "highs", Clock(30))
        status, _ = search.check(grid.ceil(Fraction(30 * HOUR)), share=1.0, prove=True)
        assert status is expected, hours
    assert solve(due(23), baselines=False, time_limit=30).status == "infeasible"
    result = solve(due(24), baselines=False, time_limit=30)
    assert result.verified and result.status == "optimal"
    assert result.makespan_hours == pytest.approx(22 + 25 / 18, abs=1e-3)


def pooled_values(form: Formulation, counts: dict[tuple[str, float], int]) -> list[float]:
    """A pooled solution taking `counts[route, hour]` drives on those departures, nothing else."""
    values = [0.0] * form.model.size[0]
    for (unit, j), col in form.x.items():
        dep = form.route_deps[j]
        values[col] = counts.get((dep.route, float(dep.time) / HOUR), 0) / form.by_name[unit].count
    return values


def test_unpool_gives_each_drive_its_trips_first_in_first_out() -> None:
    """Two couriers (carrying one drive each) and two drives: the pool sends one drive out at 0 h
    and one at 5 h (in at 10 h and 15 h), and one back at 16 h and one at 20 h. The drive in
    first, the one that went at 0 h, has had the longest to be written: it takes the 16 h
    departure, the other the 20 h one. Each drive gets a path through time, and the replay of the
    plan with those routes fixed accepts it: 30 + 25/18 = 31.39 h, the second drive's return plus
    its reading."""
    plan = lane_plan(carry=1, drives=2).replace(couriers={"staff": {"fleet": {"gpu": 2}, "carry": 1}})
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    pooled = Formulation(plan, grid, Mode(relaxed=True, unit_limit=1, require_all=False))
    values = pooled_values(pooled, {("out", 0): 1, ("out", 5): 1, ("back", 16): 1, ("back", 20): 1})
    routes = unpool(plan, pooled, values, grid)
    by_drive: dict[str, list[tuple[float, str]]] = {}
    for drive, route, leaves in routes:
        by_drive.setdefault(drive, []).append((float(leaves) / HOUR, route))
    assert sorted(sorted(trips) for trips in by_drive.values()) == [
        [(0.0, "out"), (16.0, "back")],
        [(5.0, "out"), (20.0, "back")],
    ]
    outcome = minimise_makespan(Search(plan, grid, Mode(routes=routes), "highs", Clock(30)), Fraction(0))
    assert outcome.found is not None
    assert float(outcome.found.makespan) / HOUR == pytest.approx(30 + 25 / 18, abs=1e-3)


def test_unpool_sends_no_drive_without_a_courier() -> None:
    """One courier: the pool's second drive out at 5 h would need it while it is away (out at
    0 h, at src from 10 h), so that departure is dropped and the drive stays at gpu."""
    plan = lane_plan(carry=1, drives=2)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    pooled = Formulation(plan, grid, Mode(relaxed=True, unit_limit=1, require_all=False))
    values = pooled_values(pooled, {("out", 0): 1, ("out", 5): 1, ("back", 16): 1})
    routes = unpool(plan, pooled, values, grid)
    assert sorted((float(t) / HOUR, r) for _d, r, t in routes) == [(0.0, "out"), (16.0, "back")]


def test_unpool_sends_a_courier_on_empty_where_the_pool_does() -> None:
    """The small benchmark: four drives at hq, the one courier at the GPU site, departures daily
    at 17 h, 24 h in transit. The pool sends the courier back to hq empty at 17 h (there at 41 h)
    and the four drives out with it at 41 h. Split drive by drive, the courier's empty trip must
    be made too, or no courier is at hq at 41 h and no drive leaves (as it was: no routes at
    all). With the link left out, the drives carry all 200 TB, written by then (two bays at 1 GB/s:
    27.8 h), in at 65 h and read in the GPU site's two bays at 1.5 GB/s each: 200 TB / 3 GB/s =
    18.52 h, done at 83.52 h; the replay of the plan with those routes fixed accepts it."""
    plan = Plan.model_validate(generate("small"))
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    pooled = Formulation(plan, grid, Mode(relaxed=True, unit_limit=1, require_all=False))
    values = pooled_values(pooled, {("out", 41): 4})
    for j, col in pooled.u.items():
        dep = pooled.route_deps[j]
        values[col] = float((dep.route, float(dep.time) / HOUR) in {("back", 17), ("out", 41)})
    routes = unpool(plan, pooled, values, grid)
    assert sorted((route, float(t) / HOUR) for _d, route, t in routes) == [("out", 41.0)] * 4
    plan = plan.replace(links={})
    outcome = minimise_makespan(Search(plan, grid, Mode(routes=routes), "highs", Clock(30)), Fraction(0))
    assert outcome.found is not None
    assert float(outcome.found.makespan) / HOUR == pytest.approx(65 + 200e12 / 3e9 / HOUR, abs=1e-3)
    result = verified_result(plan, outcome, outcome.found, None, Clock(None), outcome.solves)
    assert result.verified, result.violations[:3]


def test_the_pools_routes_drive_by_drive_beat_the_convoys_on_the_medium_benchmark() -> None:
    """The medium benchmark's convoy search stops at 326.1 h. A drive-pool solution delivering by
    its grid point at 320 h (the grid's points there are 308, 320 and 322 h), split drive by
    drive, is a plan of 320.1 h once its routes are timed exactly, and the replay accepts it."""
    plan = Plan.model_validate(generate("medium", 0))
    hour = Fraction(HOUR)
    _, pooled = pool_check(plan, 320 * hour, Fraction(32607, 100) * hour, Mode(), "highs", Clock(120))
    assert pooled is not None
    grid = build_grid(plan, 720 * hour)
    routes = unpool(plan, pooled.formulation, pooled.solution.values, grid)
    outcome = minimise_makespan(Search(plan, grid, Mode(routes=routes), "highs", Clock(60)), 280 * hour)
    assert outcome.found is not None
    result = verified_result(plan, outcome, outcome.found, 280 * hour, Clock(None), outcome.solves)
    assert result.verified, result.violations[:3]
    assert result.makespan_hours is not None and result.makespan_hours <= 321


@pytest.mark.parametrize("workers", [1, 2])
def test_a_short_time_limit_still_returns_the_first_plan(workers: int) -> None:
    """At 3 s the medium benchmark's later stages have no time to solve anything; the convoys'
    first plan (344 h on the grid, found in about 0.2 s) must then get the time it needs to be
    timed exactly, not its usual share (at limits of 1.5 to 3.5 s the solve used to end in under
    1.3 s with no plan). With the bound beside the search or after it alike."""
    plan = Plan.model_validate(generate("medium", 0))
    result = solve(plan, baselines=False, time_limit=3, workers=workers)
    assert result.status == "feasible" and result.verified
    assert result.makespan_hours is not None and result.makespan_hours <= 344


def test_no_workers_is_refused_not_taken_for_one() -> None:
    with pytest.raises(ValueError, match="workers must be at least 1, not 0"):
        solve(lane_plan(), baselines=False, time_limit=5, workers=0)


def test_a_rounding_crumb_is_not_the_last_delivery() -> None:
    """Bytes are whole per arrival, so a dataset counts as delivered within a byte per arrival, as
    the verifier's replay counts it. 10 bytes due: 10 by 5 h and a 1-byte crumb at 8 h is
    delivered at 5 h (11 arrive, 8 are needed); 9 by 5 h and 1 at 8 h also at 5 h (2 arrivals:
    8 needed); 5 and 5 at 8 h (8 needed, only 5 by 5 h). A 60 s large-benchmark plan reported
    its last dataset 17.5 h late this way and failed its own replay."""
    assert _last_needed([(8.0, 1), (5.0, 10)], 10) == 5.0
    assert _last_needed([(5.0, 9), (8.0, 1)], 10) == 5.0
    assert _last_needed([(5.0, 5), (8.0, 5)], 10) == 8.0
    assert _last_needed([], 10) is None


def test_improve_never_returns_convoys_worse_than_its_start() -> None:
    """`ConvoySearch.improve` keeps the best estimate it saw, kicks included: on the medium
    benchmark, queued, 1 s of it ends at or below the start's estimate (359.6 h; it reached 333.6 h) and its
    convoys still hold every drive once."""
    plan = Plan.model_validate(generate("medium", 0))
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    search = ConvoySearch(plan, grid)
    search.itineraries = Itineraries(search.form, queue=True)
    start = search.start()
    better = search.improve(start, Clock(1.0))
    assert search.estimate(better) <= search.estimate(start) < float(grid.horizon) / HOUR
    assert sorted(u for c in better for u in c.units) == sorted(d.name for d in search.form.drives)


def one_leg_each_way(budget: str | None) -> Plan:
    """lane_plan with 10 TB to move, two drives, a courier who carries one, $100 a leg. One drive
    out at 0 h ($100), in at 10 h, written by 10 + 25/18 h, back on the 12 h departure ($100), in
    at 22 h and read by 22 + 25/18 = 23.39 h: $200, and no plan costs less (a leg out and one
    back) or ends sooner. The second drive can only go with a second leg each way, on the
    courier's next trips."""
    plan = lane_plan(carry=1, drives=2, leg=100, tb=10)
    return plan if budget is None else plan.replace(budget=budget)


ONE_LEG_EACH_WAY = 22 + 25 / 18


def with_paid_link(plan: Plan, bandwidth: str) -> Plan:
    """A lane plan with a link beside the lane, from the source to the GPU site, at $0.10 a GB."""
    link = {"from": "src", "to": "gpu", "bandwidth": bandwidth, "cost_per_gb": "0.10"}
    return plan.replace(links={"paid": link})


def test_the_convoy_estimate_heeds_the_budget() -> None:
    """one_leg_each_way: one drive on the lane is $200 by its completion, 23.39 h. Both drives
    on it are $300 by then: the courier takes one out and back, and the other leaves on the
    courier's next trip out, at 22 h, before the first is read. Under $200 the first ranks
    first; under $199.99 nothing fits, and the cheaper of two sets ranks first."""
    grid = build_grid(one_leg_each_way(None), 72 * Fraction(HOUR))
    search = ConvoySearch(one_leg_each_way("200"), grid)
    a, b = (d.name for d in search.form.drives)
    one = [Convoy(("out", "back"), (a,))]
    both = [Convoy(("out", "back"), (a,)), Convoy(("out", "back"), (b,))]
    assert search.over_budget == 72 + 10  # the horizon plus every TB
    assert search.estimate(one) == pytest.approx(ONE_LEG_EACH_WAY)
    assert search.affordable(one) and not search.affordable(both)
    assert search.estimate(both) > search.over_budget
    unpriced = ConvoySearch(one_leg_each_way(None), grid)
    assert unpriced.estimate(both) < unpriced.over_budget
    tight = ConvoySearch(one_leg_each_way("199.99"), grid)
    assert tight.estimate(one) == pytest.approx(tight.over_budget + 200 / 199.99)
    assert tight.over_budget < tight.estimate(one) < tight.estimate(both)


def test_the_convoy_estimate_leaves_paid_links_idle_where_money_counts() -> None:
    """one_leg_each_way with a 200 Mbps link beside the lane at $0.10 a GB: 25 MB/s is 90 GB an
    hour, $9 an hour busy. One drive on the lane brings the 10 TB at 23.39 h for $200 of legs,
    and the link can only add bytes that are not needed by then (10 TB alone take it 111 h).
    Busy from the start, as the estimate has the links, it costs 9 x 23.39 = $210.50 more:
    $410.50, over a budget of $300. Idle, the same 23.39 h costs $200: within the budget, and
    for cost the drive ranks at $200."""
    plan = with_paid_link(one_leg_each_way("300"), "200 Mbps")
    grid = build_grid(plan, 72 * Fraction(HOUR))
    search = ConvoySearch(plan, grid)
    a = search.form.drives[0].name
    one = [Convoy(("out", "back"), (a,))]
    assert search.affordable(one)
    assert search.estimate(one) == pytest.approx(ONE_LEG_EACH_WAY)
    costed = ConvoySearch(plan.replace(objective="cost", budget=None), grid)
    assert costed.rank(one) == pytest.approx(200)


def test_convoys_scored_without_the_budget_are_timed_within_it_past_their_completion() -> None:
    """one_leg_each_way under $200 with a 0.5 Gbps link beside the lane at $0.10 a GB: 0.225 TB
    an hour, the 10 TB in 44.4 h for $1,000. The convoys are scored without the budget, the link
    at will beside the drive: done on the 23 h point. Within $200 the drive's two legs take all
    the money: the link stays idle and the drive's 10 TB are read at 23.39 h, past that point.
    The routes handed on are those two legs (the later laps are past the budget), and they are
    timed up to the horizon, not to the convoys' 23 h (by which nothing is within the budget):
    a plan, 23.39 h at $200, that the replay accepts."""
    plan = with_paid_link(one_leg_each_way("200"), "0.5 Gbps")
    grid = build_grid(plan, 72 * Fraction(HOUR))
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    taken = optimiser.convoys(grid, 0.5)
    assert taken is not None and taken[0].found is not None
    found = taken[0].found
    assert float(found.makespan) / HOUR == pytest.approx(ONE_LEG_EACH_WAY, abs=1e-3)
    assert found.cost <= 200 + 1e-6
    result = verified_result(plan, taken[0], found, None, Clock(None), taken[0].solves)
    assert result.verified, result.violations[:3]


def test_for_cost_the_convoy_estimate_buys_the_link_time_it_needs() -> None:
    """one_leg_each_way with 12 TB at the source, as a cost plan due in 30 h, and a 0.5 Gbps link
    beside the lane at $0.10 a GB: 225 GB an hour, $100 a TB. One drive on the lane brings 10 TB
    at 23.39 h for $200 of legs. With the link idle 2 TB are missing: late. With the link busy
    from the start the 12 TB are there at 23.39 h (it can send 5.26 TB by then), and it need send
    only the 2 TB short: $200 + 2 x $100 = $400, and the drive ranks at that. Paid as busy
    throughout it was 200 + 22.5 x 23.39 = $726.25."""
    plan = with_paid_link(lane_plan(carry=1, drives=2, leg=100, tb=12), "0.5 Gbps")
    plan = plan.replace(objective="cost", deadline="30 h")
    grid = build_grid(plan, 72 * Fraction(HOUR))
    search = ConvoySearch(plan, grid)
    assert search.due == 30
    one = [Convoy(("out", "back"), (search.form.drives[0].name,))]
    assert search.rank(one) == pytest.approx(400)


def test_for_cost_the_convoys_are_ranked_by_money_on_time_and_may_stay_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """one_leg_each_way as a cost plan: one drive on the lane is $200 by 23.39 h; both, as fast,
    $300 (the second leaves at 22 h with the courier that brought the first back). By money on
    time, one drive ranks first, and the search finds it from both (a drive stays at home: for
    cost, from the start). With a 20 h deadline neither is on time: both rank after any money,
    by their hours. (Searched as a big plan is, on the estimate.)"""
    monkeypatch.setattr(convoys_module, "IMPROVE_ABOVE", 0)
    grid = build_grid(one_leg_each_way(None), 72 * Fraction(HOUR))
    plan = one_leg_each_way(None).replace(objective="cost")
    search = ConvoySearch(plan, grid)
    a, b = (d.name for d in search.form.drives)
    one = [Convoy(("out", "back"), (a,))]
    both = [Convoy(("out", "back"), (a,)), Convoy(("out", "back"), (b,))]
    assert search.due == 72 and search.parking
    assert search.rank(one) == pytest.approx(200)
    assert search.rank(both) == pytest.approx(300)
    found = search.improve(both, Clock(2.0))
    assert sum(len(c.units) for c in found) == 1 and search.rank(found) == pytest.approx(200)
    tight = ConvoySearch(plan.replace(deadline="20 h"), grid)
    assert tight.due == 20
    assert tight.rank(one) == tight.rank(both) == pytest.approx(convoys_module.LATE + ONE_LEG_EACH_WAY)


def test_over_the_budget_the_convoys_leave_a_drive_at_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """one_leg_each_way under $200, searched as a big plan is (on the estimate): the search starts
    with both drives on the lane, $300, over the budget, and leaves one at home at once
    (`trimmed`). The routes it returns are the $200 plan, its two legs and no more (the drive's
    later laps are past what the budget pays): timed exactly, 23.39 h within the budget, and the
    replay accepts it. Moves that leave a drive at home are offered only over the budget, or
    once a drive is at home."""
    monkeypatch.setattr(convoys_module, "IMPROVE_ABOVE", 0)
    plan = one_leg_each_way("200")
    grid = build_grid(plan, 72 * Fraction(HOUR))
    search = ConvoySearch(plan, grid)
    a, b = (d.name for d in search.form.drives)
    both = [Convoy(("out", "back"), (a,)), Convoy(("out", "back"), (b,))]
    assert all(sum(len(c.units) for c in option) == 2 for option in search.neighbours(both))
    assert sum(len(c.units) for c in search.trimmed(both)) == 1
    monkeypatch.setattr(ConvoySearch, "start", lambda self: both)
    found = best_itinerary(plan, grid, "highs", Clock(4.0))
    assert found is not None
    routes, done = found
    assert {unit for unit, _, _ in routes} in ({a}, {b})
    assert sorted((route, time / HOUR) for _, route, time in routes) == [("back", 12), ("out", 0)]
    timed = Search(plan, build_grid(plan, done), Mode(routes=routes), "highs", Clock(30))
    outcome = minimise_makespan(timed, Fraction(0))
    assert outcome.found is not None
    assert float(outcome.found.makespan) / HOUR == pytest.approx(ONE_LEG_EACH_WAY, abs=1e-3)
    assert outcome.found.cost <= 200 + 1e-6
    result = verified_result(plan, outcome, outcome.found, None, Clock(None), outcome.solves)
    assert result.verified, result.violations[:3]


def _scored(convoys: list[str], delivered: float) -> convoys_module.Scored:
    """A scripted LP's score for `ConvoySearch.on_time`: `delivered` TB, nothing else."""
    return convoys_module.Scored(convoys, delivered, delivered, None, None, frozenset())  # type: ignore[arg-type]


def test_for_cost_a_late_convoy_set_moves_the_due_time_earlier_then_bisects_it() -> None:
    """`ConvoySearch.on_time`, with a scripted estimate and LP: a set the estimate's descent finds
    under a due time of at most 800 h is on time in the LP (20,000 TB), a later one delivers
    19,500 TB. The first set, under 840 h, delivered 19,200 TB: 4 % short, so the due moves 8 %
    earlier, to 772.8 h (on time). Then bisection between the latest late due and the earliest on
    time: 806.4 h (late), 789.6 h (on time), 798.0 h (on time: 806.4 - 798.0 = 8.4 h is still
    over 1 % of 806.4 h), 802.2 h (late); 802.2 - 798.0 = 4.2 h is under 1 % of 802.2 h, so it
    stops there. Each descent starts from the latest set on time, the first from the late one,
    and every set on time is handed back, the last the latest due (the cheapest)."""
    total = 20_000.0
    calls: list[tuple[float, str]] = []

    def improve(convoys: list[str], clock: Clock) -> list[str]:
        calls.append((round(fake.due, 6), convoys[0]))
        return [f"set@{fake.due:.1f}"]

    def score(convoys: list[str], target: int) -> convoys_module.Scored:
        due = float(convoys[0].split("@")[1])
        return _scored(convoys, total if due <= 800 else 19_500.0)

    fake = SimpleNamespace(
        due=840.0, last_seconds=0.0, form=SimpleNamespace(total_tb=total), improve=improve, score=score
    )
    found = list(ConvoySearch.on_time(fake, _scored(["first"], 19_200.0), 0, Clock(None)))  # type: ignore[arg-type]
    assert [s.convoys[0] for s in found] == ["set@772.8", "set@789.6", "set@798.0"]
    assert all(s.delivered == total for s in found)
    assert calls == [
        (772.8, "first"),
        (806.4, "set@772.8"),
        (789.6, "set@772.8"),
        (798.0, "set@789.6"),
        (802.2, "set@798.0"),
    ]


def test_for_cost_a_set_closer_to_on_time_is_handed_back_and_the_due_halves_at_most() -> None:
    """The same, with every set late but each delivering more: 10,000 TB of 20,000 (half short, so
    the due halves at most: 420 h, not 840 x (1 - 2 x 0.5) = 0), then 15,000 TB (25 % short:
    210 h) and 17,500 TB. Each is handed back (the search goes on from the one delivering most),
    until the time left is under four LPs."""
    total = 20_000.0
    dues: list[float] = []

    def improve(convoys: list[str], clock: Clock) -> list[str]:
        dues.append(fake.due)
        return [f"set{len(dues)}"]

    def score(convoys: list[str], target: int) -> convoys_module.Scored:
        delivered = {"set1": 15_000.0, "set2": 17_500.0, "set3": 12_000.0}[convoys[0]]
        if convoys[0] == "set3":
            fake.last_seconds = 1e6  # as if the LP took the rest of the time
        return _scored(convoys, delivered)

    fake = SimpleNamespace(
        due=840.0,
        last_seconds=0.0,
        form=SimpleNamespace(total_tb=total),
        improve=improve,
        score=score,
        rank=lambda convoys: 0.0,  # on time by the estimate: only the clock ends the search
    )
    late = _scored(["first"], 10_000.0)
    found = list(ConvoySearch.on_time(fake, late, 0, Clock(60.0)))  # type: ignore[arg-type]
    assert [s.convoys[0] for s in found] == ["set1", "set2"]
    assert dues == pytest.approx([420.0, 210.0, 157.5])


def test_for_cost_no_time_limit_ends_where_no_set_comes_closer_even_by_the_estimate() -> None:
    """`ConvoySearch.on_time` with no time limit: the descent's set is late by the estimate too
    (ranked past LATE) and delivers no more in the LP (19,000 TB, as the first). Ranked by its
    hours alone, an earlier due would change nothing, so it ends after one step (due 840 x 0.9 =
    756 h) with nothing handed back, where only a clock ended it before."""
    dues: list[float] = []

    def improve(convoys: list[str], clock: Clock) -> list[str]:
        dues.append(fake.due)
        return ["fastest"]

    def score(convoys: list[str], target: int) -> convoys_module.Scored:
        return _scored(convoys, 19_000.0)

    fake = SimpleNamespace(
        due=840.0,
        last_seconds=0.0,
        form=SimpleNamespace(total_tb=20_000.0),
        improve=improve,
        score=score,
        rank=lambda convoys: convoys_module.LATE + 900.0,
    )
    late = _scored(["first"], 19_000.0)
    assert list(ConvoySearch.on_time(fake, late, 0, Clock(None))) == []  # type: ignore[arg-type]
    assert dues == pytest.approx([756.0])


def test_a_cost_search_on_fixed_routes_says_it_priced_those_routes() -> None:
    """one_leg_each_way as a cost plan: $200, a leg out and one back, with its routes free or fixed
    to those two legs. Each convoy set is priced so in turn, and a dearer set after a cheaper one
    is no "cheapest plan so far" (the large benchmark with a 35-day deadline said $138,870, then
    $140,416 and $194,837, each "so far")."""
    plan = one_leg_each_way(None).replace(objective="cost")
    grid = build_grid(plan, 72 * Fraction(HOUR))
    free = Search(plan, grid, Mode(), "highs", Clock(30))
    found = minimise_cost(free, Fraction(0)).found
    assert found is not None and found.cost == pytest.approx(200)
    for mode, words in (
        (Mode(), "cheapest plan so far"),
        (Mode(routes=routes_of(found)), "cheapest plan on these routes"),
    ):
        said: list[Progress] = []
        search = Search(plan, grid, mode, "highs", Clock(30), said.append)
        assert minimise_cost(search, Fraction(0)).found is not None
        assert [p.message for p in said] == [f"{words}: 200.00"]


def test_no_first_convoy_lp_that_cannot_end_in_time() -> None:
    """The medium benchmark's convoy LP has 7,426 columns: predicted at 15,000 a second, half a
    second. With 0.2 s of patience it is not started and the search answers None at
    once, where it would run on past its time to find a plan; with 30 s it finds one."""
    plan = Plan.model_validate(generate("medium", 0))
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    assert best_itinerary(plan, grid, "highs", Clock(0.1), patience=Clock(0.2)) is None
    assert best_itinerary(plan, grid, "highs", Clock(0.1), patience=Clock(30)) is not None


def test_a_courier_route_with_no_departure_in_the_grid_sends_no_courier_alone() -> None:
    """The lane plan, but the only way back leaves after the 3-day horizon (first at 100 h). Drive
    A goes one way: it takes the courier out at 0 h and stays at src. B, waiting at gpu, could only
    have the courier back by that route, which has no departure inside the grid: B never leaves,
    and the simulation says so instead of failing on the route's missing departures."""
    every = {"first": "00:00", "every": "1 h"}
    plan = make_plan(
        "late-back",
        sites={"src": {"bays": 1}, "gpu": {"bays": 1}},
        datasets={"d": {"at": "src", "to": "gpu", "size": "20 TB"}},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"gpu": 2}}},
        couriers={"staff": {"fleet": {"gpu": 1}, "carry": 1}},
        routes={
            "out": {"from": "gpu", "to": "src", "transit": "10 h", "departures": every, "courier": "staff"},
            "back": {
                "from": "src",
                "to": "gpu",
                "transit": "10 h",
                "departures": {"first": "100 h", "every": "24 h"},
                "courier": "staff",
            },
        },
        horizon="3 days",
    )
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    form = Formulation(plan, grid, Mode(require_all=False, routes=frozenset()))
    a, b = (d.name for d in form.drives)
    routes, reads = Itineraries(form, queue=True).simulate([Convoy(("out",), (a,)), Convoy(("out", "back"), (b,))])
    assert routes == frozenset({(a, "out", Fraction(0))}) and reads == []


def test_beside_returns_what_its_child_process_computed() -> None:
    assert Beside(square, 12).result(10) == 144


def test_beside_stops_a_late_child_and_keeps_its_last_report(tmp_path: Path) -> None:
    """A child not done by the deadline is stopped, not left running (the file it would write a
        second later never appears), and what it reported last is the answer; a child that fails
        leaves its last report too. (The child is a fresh interpreter: about 0.5 s to start; the job
    reports at once, then sleeps 3 s.)"""
    late = tmp_path / "late.txt"
    started = time.monotonic()
    assert Beside(report_then_sleep, late).result(2.0) == 2
    assert time.monotonic() - started < 3.0
    time.sleep(2.5)
    assert not late.exists()
    assert Beside(report_then_sleep, late).result(10) == 3
    assert late.exists()
    assert Beside(report_then_fail).result(10) == 5


def test_beside_shows_its_latest_report_while_the_child_runs(tmp_path: Path) -> None:
    """report_then_sleep reports 1, then 2, then sleeps 3 s: meanwhile `latest` reads 2 and
    leaves the child running (it writes its file and returns 3)."""
    late = tmp_path / "late.txt"
    beside = Beside(report_then_sleep, late)
    started = time.monotonic()
    while beside.latest() != 2 and time.monotonic() - started < 10:
        time.sleep(0.05)
    assert beside.latest() == 2 and not late.exists()
    assert beside.result(10) == 3 and late.exists()


def test_beside_runs_in_the_caller_where_no_child_can_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert Beside(square, 7).result(10) == 49


def test_beside_never_runs_the_callers_script_again(tmp_path: Path) -> None:
    """A script with no `if __name__ == "__main__"` guard, from a process with a second thread: the
    child must not run the script's top level (multiprocessing's spawn did, and the bound was lost),
    and the answer comes back."""
    log = tmp_path / "runs.txt"
    script = tmp_path / "script.py"
    script.write_text(
        "import threading\n"
        "from transferplan.beside import Beside\n"
        "from tests.beside_jobs import square\n"
        "threading.Thread(target=lambda: None).start()\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write('run\\n')\n"
        "print(Beside(square, 9).result(30))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "81\n"
    assert log.read_text() == "run\n"


def priced_ssd(fleet: dict[str, int]) -> dict[str, Any]:
    """The drives section: 10 TB drives written and read at 2 GB/s (7.2 TB/h), $100 each."""
    return {
        "ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": fleet, "cost_each": 100}
    }


def relay_plan() -> Plan:
    """5 TB at berlin for b, by link to hq (8 Gbps = 3.6 TB/h), then by drive on the 06:00 van
    (4 h) from hq to b; two 10 TB drives at hq at $100 each. A deadline inside the horizon keeps
    the dataset its own commodity, so hq, not its origin, may both write and read it."""
    return make_plan(
        "relay",
        sites={"berlin": {"bays": 0}, "hq": {"bays": 2}, "b": {"bays": 1}},
        datasets={"d": {"at": "berlin", "to": "b", "size": "5 TB", "deadline": "3 days"}},
        links={"berlin-hq": {"from": "berlin", "to": "hq", "bandwidth": "8 Gbps"}},
        drives=priced_ssd({"hq": 2}),
        routes={"van": {"from": "hq", "to": "b", "transit": "4 h", "departures": {"first": "06:00", "every": "1 day"}}},
        horizon="4 days",
    )


def test_a_drive_that_never_leaves_has_no_work_and_costs_nothing() -> None:
    """A solution where the second drive stays at hq and writes 1 TB of d there, then reads it
    back there (the model lets it: hq is a relay for d), while the first drive carries d to b.

    Work a drive reads back where it wrote it moves nothing, yet rule 5 charges a drive with work
    as used: $100 for the first drive alone is the cost the model counted, and the schedule must
    agree (it charged $200, and listed the second drive's writes and reads, before that work was
    dropped). Without it the plan replays as well: the bytes wait at hq instead of on the drive.
    """
    plan = relay_plan()
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    form = Formulation(plan, grid, Mode())
    idle = next(d.name for d in form.drives if d.name.endswith("#2"))
    model = form.model
    writes = [(col, 1.0) for (d, _q, s, _i), col in form.w.items() if d == idle and s == "hq"]
    reads = [(col, 1.0) for (d, _q, s, _i), col in form.r.items() if d == idle and s == "hq"]
    model.row(writes, lb=1.0)
    model.row(reads, lb=1.0)
    for col in form.trips_of[idle]:
        model.row([(col, 1.0)], ub=0.0)
    form.maximise_delivered()
    sol = solve_model(model, "highs", 30)
    assert sol.found
    found = Found(form, sol, grid.horizon)
    assert found.cost == pytest.approx(100.0, abs=1e-6)  # what the model counts: the travelling drive
    result = verified_result(plan, Outcome(found, None, False), found, None, Clock(None), 1)
    assert result.verified, result.violations[:3]
    assert [d.name for d in result.drives] == ["ssd#1"]
    assert result.cost.drives == pytest.approx(100.0)


def test_relaxed_cost_bound_counts_every_drive_away_at_once() -> None:
    """40 TB at a for b, only by drive: four 10 TB drives at a at $100 each, a daily van a -> b
    (1 h) and no way back. Each drive carries at most 10 TB once, so every plan uses all four:
    $400, and no plan costs less.

    The relaxed LP may spread the pooled drives over the six vans of the horizon; charged by the
    most drives on one departure, that came to $66.67. Counted by the drives away from a at once
    (all four, after the last van), it is the $400 of every plan."""
    plan = make_plan(
        "one-way",
        sites={"a": {"bays": 4}, "b": {"bays": 4}},
        datasets={"d": {"at": "a", "to": "b", "size": "40 TB"}},
        drives=priced_ssd({"a": 4}),
        routes={"van": {"from": "a", "to": "b", "transit": "1 h", "departures": {"first": "06:00", "every": "1 day"}}},
        horizon="6 days",
        objective="cost",
    )
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    bound = relaxed_cost_bound(plan, grid, "highs", Clock(30))
    assert bound == pytest.approx(400.0, abs=1e-6)
    result = solve(plan, baselines=False, time_limit=60)
    assert result.status == "optimal" and result.verified, result.violations[:3]
    assert result.cost.total == pytest.approx(400.0, abs=1e-6)
    assert result.cost_lower_bound is not None and result.cost_lower_bound == pytest.approx(400.0, abs=0.01)


def one_trip() -> Plan:
    """lane_plan as a cost plan: 20 TB at the source on two 10 TB drives, and a courier who
    carries four, at $100 a leg. Every plan sends a courier out and back with drives, so costs
    $200 at least, and one trip with both drives does it all: the cheapest plan costs $200."""
    return lane_plan(carry=4, drives=2, leg=100).replace(objective="cost")


def stages_run(monkeypatch: pytest.MonkeyPatch) -> list[Mode]:
    """The mode of every `_Optimiser.run` from here on: a stage with `routes` set only prices
    given routes; one without is an exact stage."""
    stages: list[Mode] = []
    real_run = _Optimiser.run

    def run(self: _Optimiser, base: Mode, *args: Any, **kwargs: Any) -> Any:
        stages.append(base)
        return real_run(self, base, *args, **kwargs)

    monkeypatch.setattr(_Optimiser, "run", run)
    return stages


def pooled_cost_asked(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For every call of the pool's cost MIP in transferplan.solve from here on, whether it was
    asked to stop at its first solution."""
    solve_module = importlib.import_module("transferplan.solve")  # the package's `solve` is the function
    firsts: list[bool] = []
    real_pooled = solve_module.pooled_cost

    def pooled(*args: Any, first: bool = False, **kwargs: Any) -> Any:
        firsts.append(first)
        return real_pooled(*args, first=first, **kwargs)

    monkeypatch.setattr(solve_module, "pooled_cost", pooled)
    return firsts


def test_the_pools_cheapest_plan_bounds_the_cost_and_runs_drive_by_drive() -> None:
    """one_trip: the relaxed LP pays for couriers in fractions, half a courier each way for two
    drives of four places, $100. The pool's MIP pays whole couriers: $200, the optimum, and its
    solution split drive by drive is a $200 plan the replay accepts (what the cost search's child
    process hands back beside the bound)."""
    plan = one_trip()
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    assert relaxed_cost_bound(plan, grid, "highs", Clock(30)) == pytest.approx(100.0, abs=1e-6)
    bound, pooled = pooled_cost(cost_relaxation(plan, grid), "highs", Clock(30))
    assert bound == pytest.approx(200.0, abs=1e-6) and pooled is not None
    report = _cost_bound(None, plan, plan.horizon, "highs", 30.0)  # type: ignore[arg-type]
    assert report.bound == pytest.approx(200.0, abs=1e-6)
    assert report.plan is not None and report.plan.cost == pytest.approx(200.0, abs=1e-6)
    result = verified_result(plan, Outcome(report.plan, report.bound, True), report.plan, None, Clock(None), 0)
    assert result.verified, result.violations[:3]
    assert result.cost.total == pytest.approx(200.0, abs=1e-6)


def test_a_cost_search_whose_stages_find_nothing_takes_the_pools_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """one_trip with no exact stage (the ladder emptied): the plan is the one the child process
    made of the pool's cheapest solution, $200, and the pool's bound proves it optimal. Before,
    the child gave the LP's $100 and no plan, and the solve had none."""
    solve_module = importlib.import_module("transferplan.solve")  # the package's `solve` is the function
    monkeypatch.setattr(solve_module, "unit_ladder", lambda plan, fleet=None: [])
    result = solve(one_trip(), baselines=False, time_limit=30, workers=2)
    assert result.status == "optimal" and result.verified, result.violations[:3]
    assert result.cost.total == pytest.approx(200.0, abs=1e-6)
    assert result.cost_lower_bound == pytest.approx(200.0, abs=1e-6)


def test_a_cost_search_stops_once_the_pools_plan_is_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """one_trip, its child's work done at once (in this process): the pool's $200 plan with a
    $200 bound. No exact stage can beat a plan proven cheapest, so none runs, and the solve
    hands back the child's plan as optimal."""
    solve_module = importlib.import_module("transferplan.solve")  # the package's `solve` is the function

    class Done:
        def __init__(self, function: Any, *args: Any) -> None:
            self.value = function(None, *args)

        def latest(self) -> Any:
            return self.value

        def result(self, timeout: float | None) -> Any:
            return self.value

    monkeypatch.setattr(solve_module, "Beside", Done)
    stages = stages_run(monkeypatch)
    result = solve(one_trip(), baselines=False, time_limit=30, workers=2)
    assert result.status == "optimal" and result.verified, result.violations[:3]
    assert result.cost.total == pytest.approx(200.0, abs=1e-6)
    assert result.cost_lower_bound == pytest.approx(200.0, abs=1e-6)
    assert all(mode.routes is not None for mode in stages)  # the child's pricing, no exact stage


def test_with_one_worker_the_pools_plan_is_taken_in_turn_and_ends_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """one_trip with one worker (what-if sweeps and frontiers solve so): no child process, so the
    pool's MIP runs in turn, before the stages. It stops at its first solution, whose split is
    the $200 plan; with the pool's bound of $200 that plan is proven cheapest, and no exact stage
    runs. Before, one worker had the LP's $100 bound only, and the exact stages found the plan."""
    firsts = pooled_cost_asked(monkeypatch)
    stages = stages_run(monkeypatch)
    result = solve(one_trip(), baselines=False, time_limit=30, workers=1)
    assert result.status == "optimal" and result.verified, result.violations[:3]
    assert result.cost.total == pytest.approx(200.0, abs=1e-6)
    assert result.cost_lower_bound == pytest.approx(200.0, abs=1e-6)
    assert firsts and firsts[0]
    assert all(mode.routes is not None for mode in stages)  # the split's pricing, no exact stage


def test_a_plan_from_the_pools_routes_is_then_made_the_earliest_among_all_as_cheap() -> None:
    """The small benchmark as a cost plan, with one worker: it charges nothing, so every plan is
    the cheapest and the answer is the earliest of all, the fastest plan (what the makespan
    objective finds and proves). The pool's $0 plan, taken in turn, was timed with its routes
    given and ended at 222.2 h; the earliest at $0 is looked for among all plans as well."""
    data = generate("small", 0)
    fastest = solve(Plan.model_validate(data), baselines=False, time_limit=30)
    assert fastest.status == "optimal" and fastest.makespan_hours is not None
    cheapest = solve(Plan.model_validate({**data, "objective": "cost"}), baselines=False, time_limit=30, workers=1)
    assert cheapest.status == "optimal" and cheapest.verified, cheapest.violations[:3]
    assert cheapest.cost.total == pytest.approx(0.0, abs=1e-6)
    assert cheapest.makespan_hours == pytest.approx(fastest.makespan_hours, abs=1e-3)


def test_in_turn_the_pool_gives_up_once_its_first_solution_runs_late(monkeypatch: pytest.MonkeyPatch) -> None:
    """gpu-onboarding as a cost plan on a 2 h grid: the pool's solutions over-promise there (its
    optimum, $10,400, two drives flown three times, lands at 17:00 and 05:00, which the grid rounds
    up to the next hour, and split drive by drive it delivers after the deadline). In turn with
    the search, the MIP stops at its first solution; that split gives no plan either, so the MIP
    is not resumed and the time goes back to the search. The bound it reached is kept: no lower
    than the LP's."""
    firsts = pooled_cost_asked(monkeypatch)
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml", ["resolution=2 h"])
    horizon = _Optimiser(plan, "highs", Clock(None), None).start_horizon
    grid = build_grid(plan, horizon, plan.resolution)
    lp = relaxed_cost_bound(plan, grid, "highs", Clock(30))
    began = time.monotonic()
    report = _cost_bound(None, plan, horizon, "highs", 60.0, probe=True)
    assert firsts == [True]
    assert report.plan is None
    assert lp is not None and report.bound is not None and report.bound >= lp
    assert time.monotonic() - began < 20  # not the MIP's 50 s


def test_a_first_plan_within_the_budget_comes_from_the_pool() -> None:
    """one_trip for the fastest plan under $200: one courier trip with both drives, out at 0 h, in
    at 10 h, both written one after the other (the source has one bay) by 10 + 25/9 h, back on
    the 13 h departure, in at 23 h, read one after the other by 23 + 25/9 = 25.78 h. A second
    trip would cost $400. The pool's solutions within the budget, split drive by drive and timed,
    give that plan; the replay accepts it."""
    plan = one_trip().replace(objective="makespan", budget="200")
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    grid = build_grid(plan, optimiser.start_horizon)
    taken = optimiser.within_budget(grid, None)
    assert taken is not None and taken[0].found is not None
    found = taken[0].found
    assert float(found.makespan) / HOUR == pytest.approx(23 + 25 / 9, abs=1e-3)
    assert found.cost <= 200 + 1e-6
    result = verified_result(plan, taken[0], found, None, Clock(None), 0)
    assert result.verified, result.violations[:3]


def test_a_pool_out_of_time_in_budget_is_asked_again_with_twice_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """one_trip under $200 as above (optimum 23 + 25/9 = 25.78 h), with the pool's first probe
    run out of time, as every probe of the medium benchmark under $15,000 did on a slow afternoon
    (4.0-5.1 s each against 4 s, which sent the target up each time, to a 720 h plan at 30 s).
    Out of time is not "nothing by then": the same target is asked again with twice the time,
    and the plan is the optimum."""
    solve_module = importlib.import_module("transferplan.solve")  # the package's `solve` is the function
    real = solve_module.pool_check
    asked: list[tuple[Fraction, float | None]] = []

    def slow_first(plan: Plan, by: Fraction, top: Fraction, *args: Any) -> tuple[Status, Found | None]:
        asked.append((by, args[2].limit))
        return (Status.UNKNOWN, None) if len(asked) == 1 else real(plan, by, top, *args)

    monkeypatch.setattr(solve_module, "pool_check", slow_first)
    plan = one_trip().replace(objective="makespan", budget="200")
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    grid = build_grid(plan, optimiser.start_horizon)
    taken = optimiser.within_budget(grid, None)
    assert asked[1][0] == asked[0][0]
    assert asked[1][1] == pytest.approx(2 * solve_module.BUDGET_PROBE_SECONDS)
    assert taken is not None and taken[0].found is not None
    assert float(taken[0].found.makespan) / HOUR == pytest.approx(23 + 25 / 9, abs=1e-3)
    result = verified_result(plan, taken[0], taken[0].found, None, Clock(None), 0)
    assert result.verified, result.violations[:3]


def test_a_pool_solution_found_as_the_budget_stage_ends_is_still_timed(monkeypatch: pytest.MonkeyPatch) -> None:
    """one_trip under $200 as above (optimum 25.78 h), in a 5 s solve whose pool, here made slow,
    answers just as the first-plan stage's 2 s run out (the medium benchmark under $15,000 at
    10 s: the pool by 430.5 h in 2.96 s, 0.08 s left to time its routes, and no plan at all). The
    first plan is timed on the solve's clock: the first target's, whose routes bring the drives
    back on the 24 h departure, in at 34 h and read by 34 + 25/9 = 36.78 h; no time is left to
    look lower."""
    solve_module = importlib.import_module("transferplan.solve")  # the package's `solve` is the function
    real = solve_module.pool_check

    def late(plan: Plan, by: Fraction, top: Fraction, *args: Any) -> tuple[Status, Found | None]:
        answer = real(plan, by, top, *args)
        time.sleep(args[2].remaining() or 0.0)
        return answer

    monkeypatch.setattr(solve_module, "pool_check", late)
    plan = one_trip().replace(objective="makespan", budget="200")
    optimiser = _Optimiser(plan, "highs", Clock(5), None)
    grid = build_grid(plan, optimiser.start_horizon)
    taken = optimiser.within_budget(grid, None)
    assert taken is not None and taken[0].found is not None
    assert float(taken[0].found.makespan) / HOUR == pytest.approx(34 + 25 / 9, abs=1e-3)
    assert taken[0].found.cost <= 200 + 1e-6
    result = verified_result(plan, taken[0], taken[0].found, None, Clock(None), 0)
    assert result.verified, result.violations[:3]


def test_with_two_lanes_no_first_plan_is_sought_from_the_pool_in_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """gpu-onboarding has two courier pools, so two lanes at a time cannot start from such a
    plan, and the exact stages do better from nothing: under $20,000 at 60 s, 164.0 h, where
    after a start from the pool within the budget the solve gave 310.9 h. Its convoys break
    the budget, yet the search goes straight to the stages. 10 s: the first plan comes at 3.0-3.4 s
    here, and a fresh CI machine had none by 5 s (2026-12-06)."""
    asked: list[int] = []
    monkeypatch.setattr(_Optimiser, "within_budget", lambda self, grid, step: asked.append(1))
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml").replace(objective="makespan", budget="20000")
    result = solve(plan, baselines=False, time_limit=10, workers=1)
    assert result.verified and result.cost.total <= 20000
    assert not asked


def test_the_large_benchmark_has_a_plan_at_30_s_and_keeps_a_10_s_limit() -> None:
    """The large benchmark's first plan comes from its convoys, scored by an LP of 95,000 columns
    that takes 7-13 s and has no time limit of its own. Its first LP asked for everything by the
    estimated completion, where it had 98.8-99.6 % of the data, and a second LP, by the horizon,
    made the plan: at 30 s that one ended past the search's patience and was dropped (no plan, at
    24-26 s), and at 10 s the two ran on to 12-22 s, with no plan. Now the first LP asks a little
    later and makes the plan (813.1 h at 30 s), a plan an LP made is taken even past the time,
    and an LP that could not end in time is not started: at 10 s the answer is "unknown", within
    the limit."""
    plan = Plan.model_validate(generate("large", 0))
    short = solve(plan, baselines=False, time_limit=10)
    assert short.status == "unknown" and short.solve_seconds <= 11
    result = solve(plan, baselines=False, time_limit=30)
    assert result.status == "feasible" and result.verified, result.violations[:3]
    assert result.makespan_hours is not None and result.lower_bound_hours is not None
    assert result.lower_bound_hours <= result.makespan_hours <= 1440


def test_a_large_cost_plan_starts_from_the_convoys_with_its_bound_beside() -> None:
    """The medium benchmark as a cost plan with a 20-day deadline, at 10 s: the exact search alone
    found no plan at all in 30 s. The convoys' routes, priced by their LP, give one at once, and
    the relaxed cost LP runs beside the search for the whole time, so the plan comes with its
    bound. (That LP took 8 s on the plan's 30-day grid, and at 10 s the bound came in time only
    because HiGHS overran its limit, so the test failed one run in two once it kept it; the grid
    now ends at the deadline, 20 days, and the LP takes 0.3 s.)"""
    plan = Plan.model_validate({**generate("medium", 0), "deadline": "20 days", "objective": "cost"})
    result = solve(plan, baselines=False, time_limit=10, workers=2)
    assert result.status == "feasible" and result.verified, result.violations[:3]
    assert result.makespan_hours is not None and result.makespan_hours <= 480
    assert result.cost_lower_bound is not None and 0 < result.cost_lower_bound <= result.cost.total


def test_a_big_cost_plan_takes_the_cheapest_convoys_the_search_met(monkeypatch: pytest.MonkeyPatch) -> None:
    """The convoy search makes convoys faster, each set it meets earlier than the last, and the
    fastest is not the cheapest: on the medium benchmark as a cost plan (20-day deadline) the
    search meets several in its 6 s, and the cheapest cost $54,150 where the fastest $62,050.
    Where the convoys make the plan (a big one, which no exact stage can take) every set is priced
    and the cheapest taken. Where the exact stages follow, they find far cheaper plans (medium:
    $3,400), and each set priced took their time (gpu-onboarding with 36 drives: three sets at 4 s
    each, then $13,700 at 60 s, where with the fastest only priced, $11,630): only the fastest is.
    Medium is taken here as big, then as it is."""
    solve_module = importlib.import_module("transferplan.solve")  # the package's `solve` is the function
    plan = Plan.model_validate({**generate("medium", 0), "deadline": "20 days", "objective": "cost"})
    met: list[tuple[frozenset[tuple[str, str, Fraction]], Fraction]] = []
    search_convoys = solve_module.best_itinerary

    def recorded(*args: Any, **kwargs: Any) -> Any:
        each = kwargs["each"]
        kwargs["each"] = lambda routes, done: (met.append((routes, done)), each(routes, done))
        return search_convoys(*args, **kwargs)

    monkeypatch.setattr(solve_module, "best_itinerary", recorded)
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    grid = build_grid(plan, optimiser.start_horizon)
    assert not optimiser._big(grid)
    with monkeypatch.context() as big:
        big.setattr(_Optimiser, "_big", lambda _self, _grid: True)
        taken = optimiser.convoys(grid, 0.1, cap=10.0)
    assert taken is not None and taken[0].found is not None and len(met) > 1
    fastest = optimiser.timed(*met[-1], Fraction(0), None)
    assert fastest is not None and fastest[0].found is not None
    assert taken[0].found.cost < fastest[0].found.cost
    result = verified_result(plan, taken[0], taken[0].found, None, Clock(None), 0)
    assert result.verified, result.violations[:3]

    met.clear()
    timed: list[frozenset[tuple[str, str, Fraction]]] = []
    real_timed = _Optimiser.timed

    def counted(self: Any, routes: Any, *args: Any, **kwargs: Any) -> Any:
        timed.append(routes)
        return real_timed(self, routes, *args, **kwargs)

    monkeypatch.setattr(_Optimiser, "timed", counted)
    taken = _Optimiser(plan, "highs", Clock(60), None).convoys(grid, 0.1, cap=10.0)
    assert taken is not None and taken[0].found is not None and len(met) > 1
    assert timed == [met[-1][0]]  # the fastest, alone


def test_a_plan_taken_after_the_replay_rejects_another_is_optimal_when_the_bound_meets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lane of the pool-bound tests, at $100 a courier trip: its optimum is 23 + 2 x 25/18 =
    25.78 h, and the bound meets it. Here the replay is made to reject the first plan it is
    handed (the cheapest as fast, a plan of its own); the solve then takes the best other plan a
    stage found that the replay accepts: the stage's own, which ends at 25.78 h too, so the bound
    proves it optimal. It was always called feasible (gpu-onboarding's fastest plan was, at a gap
    of 0, while a few bytes left on the way made its replay fail)."""
    solve_module = importlib.import_module("transferplan.solve")  # the package's `solve` is the function
    real = solve_module.verified_result
    handed: list[bool] = []

    def first_rejected(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        handed.append(result.verified)
        return result.model_copy(update={"verified": False}) if len(handed) == 1 else result

    monkeypatch.setattr(solve_module, "verified_result", first_rejected)
    result = solve_module.solve(lane_plan(carry=2, drives=2, leg=100), baselines=False, time_limit=30, workers=1)
    assert len(handed) >= 2 and result.verified, result.violations[:3]
    assert result.makespan_hours == pytest.approx(23 + 2 * 25 / 18, abs=1e-3)
    assert result.status == "optimal" and result.gap == pytest.approx(0, abs=1e-6)


def test_a_cost_plan_taken_after_the_replay_rejects_another_keeps_the_plans_bound() -> None:
    """one_trip: the exact stage's plan costs $200, the cheapest (one trip out and back with both
    drives), and that stage proves it for its own model. Say the plan the solve meant to hand out
    was rejected by the replay and the bound found for the whole plan is $150: the plan taken
    instead is reported against $150, a gap of 50 / 200 = 25 %, feasible. Before, it carried its
    stage's own bound, its own cost: a gap of 0 under "feasible" (the large cost plan at 60 s:
    $138,978 against $138,978)."""
    plan = one_trip()
    optimiser = _Optimiser(plan, "highs", Clock(30), None)
    staged, search = optimiser.run(Mode())
    assert staged.found is not None and staged.found.cost == pytest.approx(200, abs=1e-6)
    assert staged.lower_bound == pytest.approx(200, abs=1e-6)
    meant = replace(staged.found)  # another plan, the one the replay rejected
    whole = Outcome(meant, Fraction(150), False)
    rejected = verified_result(plan, whole, meant, None, Clock(None), 0).model_copy(update={"verified": False})
    result = _accepted(plan, whole, meant, rejected, None, Clock(None), [(staged, search)])
    assert result.verified, result.violations[:3]
    assert result.status == "feasible"
    assert result.cost_lower_bound == pytest.approx(150)
    assert result.gap == pytest.approx(0.25)


def test_a_plan_made_by_a_check_is_made_cheaper_only_by_plans_that_deliver_everything() -> None:
    """A check ("deliver as much as you can by t") is a model that may deliver less; a plan it
    made and a stage took (`taken`) came with a search of that model, so the cheapest plan as
    fast delivered what was cheapest: on gpu-onboarding's fastest plan at 20 s, 725.7 TB of
    1,050 TB, which the replay rejected. The lane at $100 a courier trip: its check by 26 h
    delivers both drives (20 TB) by 25.78 h; the cheapest plan as fast must still deliver 20 TB
    (nothing at all would cost $0)."""
    plan = lane_plan(carry=2, drives=2, leg=100)
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    status, made = Search(plan, grid, Mode(), "highs", Clock(30)).check(grid.ceil(Fraction(26 * HOUR)), share=1.0)
    assert status is Status.FEASIBLE and made is not None and not made.formulation.mode.require_all
    taken = _Optimiser(plan, "highs", Clock(60), None).taken(made, None)
    assert taken is not None
    _, search = taken
    assert search.base.require_all
    cheapest = cheapest_at(search, made)
    assert delivered_tb(cheapest.formulation, cheapest.solution) == pytest.approx(20, rel=1e-6)
    result = verified_result(plan, taken[0], cheapest, None, Clock(None), 0)
    assert result.verified, result.violations[:3]


def test_a_plan_with_no_horizon_is_searched_within_its_first_plans_days(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lane plan (carry 2, two drives) without its horizon: the first plan, found as the
    horizon grows, is the optimum: both drives out at 0 h, written one after the other by 12.78 h,
    back at 13 h, in at 23 h and read by 23 + 2 x 25/18 = 25.78 h. Its completion rounded up to a
    day, 48 h, is then the horizon, and the stages that need one run (the relaxed bound among
    them), where with the horizon growing they were skipped."""
    solver = importlib.import_module("transferplan.solve")
    bounded: list[float] = []
    real = solver.relaxed_bound

    def watched(plan: Plan, top: Fraction, *args: Any) -> Fraction | None:
        bounded.append(float(top) / HOUR)
        return real(plan, top, *args)

    monkeypatch.setattr(solver, "relaxed_bound", watched)
    plan = lane_plan(carry=2, drives=2).replace(horizon=None)
    said: list[str] = []
    result = solve(plan, time_limit=30, baselines=False, progress=lambda p: said.append(p.message))
    assert "a horizon of 48 h holds the plan: the search is within it" in said
    assert bounded and max(bounded) <= 48
    assert result.status == "optimal" and result.verified
    assert result.makespan_hours == pytest.approx(23 + 2 * 25 / 18, abs=1e-3)


def test_a_fleet_models_only_the_drives_it_names() -> None:
    """`Mode.fleet` keeps the named drives and leaves the rest out of the model: they stay where
    they start, so its plans are plans of the whole fleet."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml")
    grid = build_grid(plan, Fraction(14 * 24 * HOUR), plan.resolution)
    kept = frozenset({"hdd-80#3", "hdd-80#7"})
    form = Formulation(plan, grid, Mode(fleet=kept))
    assert {d.name for d in form.drives} == kept
    whole = Formulation(plan, grid, Mode())
    assert len(whole.drives) == 24 and len(form.model.lb) < len(whole.model.lb)


def test_fixed_trips_model_only_the_drives_that_take_them() -> None:
    """`Mode.following` fixes the trips and leaves out the drives with none (they move nothing);
    within a fleet, only the fleet's."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml")
    grid = build_grid(plan, Fraction(14 * 24 * HOUR), plan.resolution)
    leg = ("flight-out", Fraction(20 * HOUR))
    trips = frozenset({("hdd-80#3", *leg), ("hdd-80#7", *leg)})
    assert {d.name for d in Formulation(plan, grid, Mode().following(trips)).drives} == {"hdd-80#3", "hdd-80#7"}
    within = Mode(fleet=frozenset({"hdd-80#3", "hdd-80#9"})).following(trips)
    assert within.routes == trips and within.fleet == {"hdd-80#3"}
    assert Mode().following(frozenset()).fleet == frozenset()  # nothing moves: no drive is modelled


def six_on_a_flight(optimiser: _Optimiser) -> tuple[Outcome, Search]:
    """gpu-onboarding's six drives on the 08:00 flight of day 4, priced with their routes given:
    $15,600 (a start for `drive_count`)."""
    six = frozenset((f"hdd-80#{i}", "flight-out", Fraction(104 * HOUR)) for i in range(1, 7))
    start = optimiser.run(replace(optimiser.base, routes=six, fleet=frozenset(d for d, _, _ in six)), clock=Clock(10))
    assert start[0].found is not None and start[0].found.cost == pytest.approx(15_600)
    return start


def test_a_cost_plan_with_priced_drives_gets_fewer_drives_then_a_cheaper_route() -> None:
    """gpu-onboarding (objective cost, 14 days). By hand:
    - 'web' leaves the colo only by wan-colo at 0.01 USD/GB: $3,000 for 300 TB.
    - HQ's 600 TB and Berlin's 150 TB (over the free berlin-hq link; no drive reaches Berlin)
      leave HQ by wan-hq, 10 Gbps x 0.9 = 4.05 TB/h in 22:00-06:00 (start at 00:00 local): 6 h,
      then 13 nights of 8 h, then 2 h before the deadline, 112 h or 453.6 TB. So 296.4 TB go on
      drives: four loads of 80 TB at least.
    - Four drives, one trip each: $7,600, carried most cheaply by one freight trip ($150 + 4 x
      $220 = $1,030; a flight ticket is $1,200): written by 89 h (17:00 on day 3; 74.1 TB each
      take 76.2 h), in at 161 h, read by 237.2 h. $3,000 + $7,600 + $1,030 = $11,630.
    So $11,630 is the cheapest plan with one trip a drive. (Two drives flown out, back and out
    again, each carrying back what it could not read by then, cost $10,400, the optimum: see
    test_examples.py.) From six drives on the 08:00 flight of day 4 ($15,600, priced with their
    routes given), one drive fewer at a time is bisected: three find nothing, four find $11,800
    (one flight); moving that flight's drives to the freight arriving within three days finds
    $11,630. The drive-by-drive model of the whole fleet found neither in 24 s."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml")
    optimiser = _Optimiser(plan, "highs", Clock(60), None, workers=1)
    start = six_on_a_flight(optimiser)
    fewer = optimiser.drive_count(start)
    assert fewer[0].found is not None
    assert len({drive for drive, _, _ in routes_of(fewer[0].found)}) == 4
    assert fewer[0].found.cost <= 11_800 + 1e-6
    cheapest = optimiser.other_routes(fewer)
    found = cheapest[0].found
    assert found is not None and found.cost == pytest.approx(11_630)
    assert not cheapest[0].proven  # cheapest for its routes only
    result = verified_result(plan, cheapest[0], found, None, Clock(None), 0)
    assert result.verified, result.violations[:3]
    assert result.cost is not None and result.cost.total == pytest.approx(11_630)


def test_fewer_drives_are_tried_first_at_the_count_that_carries_the_load_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """gpu-onboarding on its former 2 h grid, from six drives on the 08:00 flight of day 4 ($15,600,
    above): they read 296.4 TB, 3.705 loads of 80 TB, so the first try keeps four drives (the
    bisection's middle of 1..5 was three, which finds nothing, then four), and that try gives
    $11,800 or less with four drives; its routes are moved at once ($11,630 by freight)."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml", ["resolution=2 h"])
    optimiser = _Optimiser(plan, "highs", Clock(90), None, workers=1)
    start = six_on_a_flight(optimiser)
    loads = _drive_loads(plan, start[0].found)
    assert loads == pytest.approx(296.4 / 80, abs=1e-6)
    tried: list[int] = []
    real_tried = _Optimiser._tried

    def counted(self: _Optimiser, mode: Mode, *args: Any, **kwargs: Any) -> Any:
        if mode.routes is None and mode.fleet is not None:
            tried.append(len(mode.fleet))
        return real_tried(self, mode, *args, **kwargs)

    monkeypatch.setattr(_Optimiser, "_tried", counted)
    fewer = optimiser.drive_count(start, guess=4)
    assert tried[0] == 4
    found = fewer[0].found
    assert found is not None and found.cost == pytest.approx(11_630)
    assert len({drive for drive, _, _ in routes_of(found)}) == 4


def test_a_cost_plan_too_big_for_its_fleet_is_searched_with_as_many_drives_as_fit() -> None:
    """gpu-onboarding with 48 drives at HQ: drive by drive, its model has about twice the columns
    of the 24-drive one, past MIP_COLUMNS, so no exact stage ran and the plan came from convoys
    ($28,200 and $103,230-104,110 at 60 s, where with 24 drives $11,630). Drives are priced, so
    the search keeps as many as fit, the first by name; the convoys search the same drives."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml", ["drives.hdd-80.fleet.hq=48"])
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    fleet = optimiser.working_fleet()
    assert fleet is not None and fleet == {f"hdd-80#{i}" for i in range(1, len(fleet) + 1)}
    grid = build_grid(plan, optimiser.start_horizon)
    assert estimated_columns(plan, grid.intervals, None) > MIP_COLUMNS
    assert estimated_columns(plan, grid.intervals, None, fleet) <= MIP_COLUMNS
    assert len(fleet) >= 20
    # the fastest plan needs every drive: only a cost plan is cut down
    assert _Optimiser(plan.replace(objective="makespan"), "highs", Clock(60), None).working_fleet() is None


def test_a_warm_starts_drives_are_in_the_fleet_searched() -> None:
    """The same 48 drives, warm-started from a plan whose one trip takes the last drive by name: a
    fleet cut to the first by name leaves it, and its trip, at home, so that the start is not
    timed as it ran. It is kept, and the fleet is no larger for it."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml", ["drives.hdd-80.fleet.hq=48"])
    trip = DepartureResult(hours=8.0, arrival_hours=17.0, drives=1, couriers=1, bytes=0, drive_names=["hdd-80#48"])
    start = Result(
        status="feasible",
        objective="cost",
        routes=[RouteResult(name="flight-out", from_site="hq", to_site="gpu-site", departures=[trip])],
    )
    cold = _Optimiser(plan, "highs", Clock(60), None).working_fleet()
    warm = _Optimiser(plan, "highs", Clock(60), None, warm=start).working_fleet()
    assert cold is not None and warm is not None and len(warm) == len(cold) < 48
    assert "hdd-80#48" in warm and "hdd-80#48" not in cold
    assert len(warm - cold) == len(cold - warm) == 1  # one of the others makes room


def test_a_smaller_fleet_plan_names_its_drives_as_the_whole_plan_does() -> None:
    """Drives are named by their order over sites (`type#n`), so a fleet of some of them, made a
    plan of its own for the convoys, names them anew; their routes are renamed back."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml", ["drives.hdd-80.fleet.gpu-site=3"])
    assert [name for name, _t, site in plan.drive_names() if site == "gpu-site"] == [
        "hdd-80#25",
        "hdd-80#26",
        "hdd-80#27",
    ]
    smaller, names = _fleet_plan(plan, frozenset({"hdd-80#1", "hdd-80#2", "hdd-80#26"}))
    assert smaller.drives["hdd-80"].fleet == {"hq": 2, "gpu-site": 1}
    assert names == {"hdd-80#1": "hdd-80#1", "hdd-80#2": "hdd-80#2", "hdd-80#3": "hdd-80#26"}
    leg = ("flight-back", Fraction(20 * HOUR))
    assert _renamed(frozenset({("hdd-80#3", *leg)}), names) == {("hdd-80#26", *leg)}


def test_a_fleet_cut_to_fit_is_cut_until_it_fits() -> None:
    """The columns grow a little faster than the drives: with 96 drives at HQ the share that fits
    (150,000 of 299,624 columns) kept 48, 151,016 columns, over MIP_COLUMNS, and the whole fleet
    was searched instead. Cut a drive at a time, it fits."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml", ["drives.hdd-80.fleet.hq=96"])
    optimiser = _Optimiser(plan, "highs", Clock(60), None)
    fleet = optimiser.working_fleet()
    grid = build_grid(plan, optimiser.start_horizon)
    assert fleet is not None
    assert estimated_columns(plan, grid.intervals, None, fleet) <= MIP_COLUMNS
    one_more = fleet | {f"hdd-80#{len(fleet) + 1}"}
    assert estimated_columns(plan, grid.intervals, None, one_more) > MIP_COLUMNS  # as many as fit


def test_a_warm_start_with_more_drives_than_fit_keeps_them_all() -> None:
    """200 drives at HQ, of which 47 fit the exact stages, warm-started from a plan that sends 60
    of them by freight, 30 a day (a fastest plan can use that many, and a cost question may start
    from it). Cut to what fits, 13 of the start's drives stayed home with their part of its trips,
    and the start was not timed as it ran. Every one is kept, and nothing more: the start runs."""
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml", ["drives.hdd-80.fleet.hq=200"])
    names = [f"hdd-80#{i}" for i in range(141, 201)]
    trips = [
        DepartureResult(hours=h, arrival_hours=h + 72, drives=30, couriers=0, bytes=0, drive_names=names[k::2])
        for k, h in enumerate((17.0, 41.0))
    ]
    start = Result(
        status="feasible",
        objective="cost",
        routes=[RouteResult(name="freight", from_site="hq", to_site="gpu-site", departures=trips)],
    )
    cold = _Optimiser(plan, "highs", Clock(60), None).working_fleet()
    optimiser = _Optimiser(plan, "highs", Clock(60), None, warm=start)
    fleet = optimiser.working_fleet()
    assert cold is not None and len(cold) < len(names)
    assert fleet == set(names)
    optimiser.base = replace(optimiser.base, fleet=fleet)
    warmed = optimiser.warmed(build_grid(plan, optimiser.start_horizon))
    assert warmed is not None and warmed[0].found is not None
    leaves = [Fraction(17 + 24 * (k % 2)) * HOUR for k in range(len(names))]
    assert routes_of(warmed[0].found) == {(name, "freight", t) for name, t in zip(names, leaves, strict=True)}


@pytest.mark.parametrize(
    ("limit", "bound", "has_plan", "turn"),
    [
        (60, 8_581, True, True),  # gpu-onboarding's probe: a plan its bound does not prove
        (30, 8_581, True, False),  # 45 % of 30 s is under COST_PROOF_LEAST: too short for the proof
        (60, 10_400, True, False),  # the probe proved its plan: nothing to prove
        (60, 8_581, False, False),  # no plan from the probe: the search needs the time (large)
    ],
)
def test_one_worker_keeps_the_end_for_the_cost_proof_only_where_it_can_help(
    monkeypatch: pytest.MonkeyPatch, limit: int, bound: int, has_plan: bool, turn: bool
) -> None:
    """With one worker the in-turn probe (`costed_in_turn`) hands the stages a shorter clock, and
    keeps COST_PROOF_SHARE of the limit for the pool's cost MIP (`cost_proof`), only where its
    plan is not proven by its bound and that share is at least COST_PROOF_LEAST."""
    solve_module = importlib.import_module("transferplan.solve")
    made = SimpleNamespace(cost=10_400.0) if has_plan else None
    report = solve_module.PoolReport(Fraction(bound), made)  # type: ignore[arg-type]
    monkeypatch.setattr(solve_module, "_cost_bound", lambda *_args, **_kwargs: report)
    monkeypatch.setattr(solve_module._Optimiser, "taken", lambda *_args: None)
    plan = load(ROOT / "examples" / "gpu-onboarding.yaml")
    optimiser = _Optimiser(plan, "highs", Clock(limit), None, workers=1)
    whole = optimiser.clock
    optimiser.costed_in_turn(None)
    assert (optimiser.proof_turn is whole) is turn
    if turn:
        kept = solve_module.COST_PROOF_SHARE * limit
        assert optimiser.clock.limit == pytest.approx(limit - kept, abs=1.0)
    else:
        assert optimiser.clock is whole
