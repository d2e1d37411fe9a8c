"""A plan solved before as the start of a solve (warm.py, `solve(..., warm_start=)`, and
`transferplan solve --warm-start`): its trips read back off the Result, timed for a variant, and
never beaten by the variant's answer."""

from __future__ import annotations

import importlib
from fractions import Fraction
from typing import Any

import pytest

from tests.benchmarks.generate import generate
from tests.test_solver_parts import lane_plan
from transferplan.assemble import verified_result
from transferplan.formulation import HOUR, Formulation, Mode
from transferplan.result import Result
from transferplan.schema import Plan
from transferplan.search import Clock, Progress, Search, minimise_makespan
from transferplan.solve import solve
from transferplan.timegrid import build_grid
from transferplan.warm import warm_routes

READ = 25 / 18
"""Hours to write or read one 10 TB drive of the lane plan at 2 GB/s."""


def routed_result(plan: Plan, trips: list[tuple[int, str, int]]) -> tuple[Result, frozenset[tuple[str, str, Fraction]]]:
    """The lane plan's earliest plan with its drives' trips fixed to `trips` (drive index, route,
    departure hour), as the Result a user would have saved, and those route decisions."""
    grid = build_grid(plan, plan.horizon)  # type: ignore[arg-type]
    names = [d.name for d in Formulation(plan, grid, Mode(require_all=False, routes=frozenset())).drives]
    routes = frozenset((names[i], route, hour * Fraction(HOUR)) for i, route, hour in trips)
    outcome = minimise_makespan(Search(plan, grid, Mode(routes=routes), "highs", Clock(30)), Fraction(0))
    assert outcome.found is not None
    result = verified_result(plan, outcome, outcome.found, None, Clock(None), 0)
    assert result.verified, result.violations[:3]
    return result, routes


def late() -> tuple[Result, frozenset[tuple[str, str, Fraction]]]:
    """Two drives out together at 0 h (carry 2), both back only at 14 h: in at 24 h and read one
    after the other at the GPU site's one bay, by 24 + 2 x 25/18 = 26.78 h."""
    result, routes = routed_result(
        lane_plan(carry=2, drives=2), [(0, "out", 0), (1, "out", 0), (0, "back", 14), (1, "back", 14)]
    )
    assert result.makespan_hours == pytest.approx(24 + 2 * READ, abs=1e-3)
    return result, routes


def warm_solve(plan: Plan, start: Result, seconds: float, **options: Any) -> tuple[Result, list[str]]:
    """`solve(plan, warm_start=start)` within `seconds`, without baselines, and what it said of its
    start (the progress messages of its "warm start" phase)."""
    said: list[str] = []

    def heard(progress: Progress) -> None:
        if progress.phase == "warm start":
            said.append(progress.message)

    answer = solve(plan, time_limit=seconds, baselines=False, warm_start=start, progress=heard, **options)
    return answer, said


def test_a_saved_results_trips_are_read_back_as_the_plans_departures() -> None:
    """The late plan's four trips, from the Result's floats of hours, are the exact departures
    they were made of; read by a plan that starts earlier, they are as many hours later in it."""
    result, routes = late()
    plan = lane_plan(carry=2, drives=2)
    assert warm_routes(plan, build_grid(plan, plan.horizon), result) == routes  # type: ignore[arg-type]
    # a variant starting 2 h earlier (22:00 the day before): the same trips, 2 h later in its hours
    earlier = plan.replace(start="2026-11-30T22:00Z")
    later = {(drive, route, t + 2 * HOUR) for drive, route, t in routes}
    assert warm_routes(earlier, build_grid(earlier, earlier.horizon), result) == later  # type: ignore[arg-type]


def test_a_drive_with_a_trip_the_variant_lacks_stays_at_home() -> None:
    """Both drives out at 0 h on the one courier. Drive 1 is written 10-11.39 h and goes back with
    the courier at 12 h; drive 2, written by 12.78 h, waits for the courier's next visit: back to
    the GPU site by 22 h, out at 22 h, at the source at 32 h, and back with drive 2 at 32 h, in at
    42 h and read by 42 + 25/18 = 43.39 h. In a variant whose route back leaves every 3 h (..., 12,
    15, ..., 30, 33 h) there is no 32 h departure: drive 2's itinerary is dropped whole, its trip
    out included; drive 1's is kept."""
    plan = lane_plan(carry=2, drives=2)
    result, routes = routed_result(plan, [(0, "out", 0), (1, "out", 0), (0, "back", 12), (1, "back", 32)])
    assert result.makespan_hours == pytest.approx(42 + READ, abs=1e-3)
    variant = lane_plan(carry=2, drives=2, back={"first": "00:00", "every": "3 h"})
    kept = warm_routes(variant, build_grid(variant, variant.horizon), result)  # type: ignore[arg-type]
    first = min(name for name, _route, _t in routes)
    assert kept == {trip for trip in routes if trip[0] == first}


def test_a_variant_starts_from_the_old_plan_and_ends_at_its_own_optimum() -> None:
    """The variant has a second bay at the source. The late trips still run there: both drives
    are written side by side by 11.39 h, but wait for the 14 h departure, so 26.78 h as before,
    which the solve says it starts from. The variant's optimum takes the 12 h departure back: in
    at 22 h, read by 22 + 2 x 25/18 = 24.78 h (the GPU site still has one bay)."""
    result, _ = late()
    variant = lane_plan(carry=2, drives=2, bays=2)
    answer, said = warm_solve(variant, result, 30)
    assert said == ["the plan given as a start delivers by 26.8 h here"]
    assert answer.status == "optimal" and answer.verified
    assert answer.makespan_hours == pytest.approx(22 + 2 * READ, abs=1e-3)


def test_a_start_that_does_not_run_is_said_and_the_solve_goes_on() -> None:
    """In a variant whose route out leaves only from 20 h, no trip of the late plan exists: no
    drive moves, and with no link nothing is delivered. The solve says so and finds the variant's
    own optimum: out at 20 h, in at 30 h, written by 30 + 2 x 25/18 = 32.78 h, back at 33 h, in at
    43 h and read by 43 + 2 x 25/18 = 45.78 h."""
    result, _ = late()
    variant = lane_plan(carry=2, drives=2, out={"first": "20:00", "every": "24 h"})
    answer, said = warm_solve(variant, result, 30)
    assert said == ["the plan given as a start does not run here"]
    assert answer.status == "optimal" and answer.verified
    assert answer.makespan_hours == pytest.approx(43 + 2 * READ, abs=1e-3)


def test_without_the_exact_stages_only_a_start_gives_a_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the exact stages taken away, the coarse one too (the lane plan is too small for
    convoys), a cold solve of the two-bay variant has no plan. Started from the late plan (26.78 h
    there, as derived above) it has one from the first step, and the stages that improve on a plan
    (the drive pool, drive by drive) go on from it to the variant's optimum, 24.78 h, which the
    pool's bound proves."""
    solver = importlib.import_module("transferplan.solve")
    monkeypatch.setattr(solver, "unit_ladder", lambda plan, fleet=None: [])
    monkeypatch.setattr(solver._Optimiser, "coarse_resolution", lambda self, grid: None)
    result, _ = late()
    variant = lane_plan(carry=2, drives=2, bays=2)
    cold = solve(variant, time_limit=10, baselines=False, workers=2)
    assert cold.status == "unknown" and not cold.found
    warm, said = warm_solve(variant, result, 10, workers=2)
    assert said == ["the plan given as a start delivers by 26.8 h here"]
    assert warm.status == "optimal" and warm.verified
    assert warm.makespan_hours == pytest.approx(22 + 2 * READ, abs=1e-3)


def test_a_start_whose_drives_all_stay_home_leaves_the_convoys_their_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The medium benchmark with every link to the GPU site at 40 Gbps, so that the links alone
    deliver within the horizon; the start is a result of another plan (the lane plan's drives
    and routes are not this plan's). Its network-only plan runs here, but it is no start for the
    drives: the convoys are still searched (here only counted, and made to find nothing)."""
    solver = importlib.import_module("transferplan.solve")
    calls: list[float] = []
    monkeypatch.setattr(solver._Optimiser, "convoys", lambda self, grid, share, **kw: calls.append(share))
    data = generate("medium", 0)
    for link in data["links"].values():
        if link["to"] == "gpu-site":
            link["bandwidth"] = "40 Gbps"
    plan = Plan.model_validate(data)
    result, _ = late()
    answer, said = warm_solve(plan, result, 20)
    assert len(said) == 1 and said[0].startswith("the plan given as a start delivers by")
    assert calls and answer.found and answer.verified
