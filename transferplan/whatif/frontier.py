"""The cost/time Pareto frontier: for each makespan, the cheapest plan that reaches it.

Algorithm (every point is a real, verified solve; rounds run in parallel on one executor):

1. Round 1, two solves: the fastest plan (objective makespan, which among the fastest plans is the
   cheapest) and the cheapest plan (objective cost, which among the cheapest is the earliest), under
   the plan's own deadline, or its `horizon` as deadline, else the solver's growing horizon.
2. Round 2: ``points`` deadlines evenly spaced strictly between the two makespans, each solved with
   objective cost and ``deadline=D``.
3. Refinement rounds (``refine``): between every two neighbouring points found so far whose
   makespans differ by more than ``delta`` (0.1 % of the span, at least a minute), the deadline
   half-way is solved; all of a round's deadlines together. Each such solve finds a point left of
   the midpoint (the cheapest plan by then), so a step of the frontier between two points is found
   to within span / (points + 1) / 2^refine.
4. A second look (`second_look`): each solve whose answer another solve's plan beats, replayed
   under it, is solved again from that plan (see second_look.py; the point's `started_from` names
   the other).

A solve at deadline D returning makespan m answers every deadline in [m, D] (the plan is feasible for
all of them and nothing cheaper was feasible for D), so such deadlines are never solved again.

Finally dominated points are dropped: sorted by makespan, each kept point is strictly cheaper than
every faster one (later never costs more).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..errors import TransferplanError
from ..result import Result
from ..schema import Plan
from ..units import format_duration
from .runner import RowProgress, Runner, ScenarioRow, Solved, Task
from .scenarios import build, plan_data
from .sweep import records_csv, tasks_for

__all__ = ["FrontierPoint", "frontier", "NoPlanError", "frontier_records", "frontier_csv"]

_TOL = 1e-6


class NoPlanError(TransferplanError):
    """The plan has no frontier: even the fastest solve found no plan (exit 3 infeasible, 4 time-out)."""

    def __init__(self, status: str, words: Sequence[str]):
        self.exit_code = 3 if status == "infeasible" else 4
        super().__init__(f"no plan ({status}): " + " ".join(words))


class FrontierPoint(BaseModel):
    """One Pareto-optimal plan: nothing both faster and cheaper exists."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    deadline_hours: float | None
    makespan_hours: float
    cost: float
    currency: str = "USD"
    share_online: float | None = None
    drives_used: int = 0
    trips: int = 0
    binding: str = ""
    status: str = "optimal"
    verified: bool | None = None
    started_from: str = ""
    """The solve whose plan this point was solved again from (the second look); empty if none."""
    cost_per_day_saved: float | None = None
    """Extra cost of this point over the next slower one, per day it saves (None for the slowest)."""
    result: Result

    def record(self) -> dict[str, Any]:
        """A flat dict of the figures (the full Result left out)."""
        return self.model_dump(exclude={"result"})


def frontier_records(points: Sequence[FrontierPoint]) -> list[dict[str, Any]]:
    return [p.record() for p in points]


def frontier_csv(points: Sequence[FrontierPoint]) -> str:
    return records_csv(frontier_records(points))


class _Search:
    """The solves of one frontier: the base data, the runner, and every answer so far."""

    def __init__(self, plan: Plan, runner: Runner, time_limit: float | None, backend: str, progress: Any):
        self.plan, self.data = plan, plan_data(plan)
        self.runner, self.time_limit, self.backend, self.progress = runner, time_limit, backend, progress
        self.answers: list[tuple[float | None, str, Solved]] = []  # (deadline solved, label, outcome)
        self.tasks: list[Task] = []  # the task of each answer

    def run(self, jobs: Sequence[tuple[str, float | None, list[str]]]) -> list[Solved]:
        """Solve (label, deadline, overrides) jobs together; remember each answer."""
        items = [build(self.data, overrides, name=label) for label, _, overrides in jobs]
        tasks = tasks_for(self.data, items, self.time_limit, self.backend, True)
        solved = self.runner.run(tasks, self.progress)
        for (label, deadline, _), out in zip(jobs, solved, strict=True):
            self.answers.append((deadline, label, out))
        self.tasks += tasks
        return solved

    def second_look(self) -> None:
        """Each answer another answer's plan beats, solved again from it (`Runner.second_look`):
        a short solve of the cheapest plan can stop far from it, and the frontier then ends short
        (gpu-onboarding at 20 s a solve: its cheapest is $11,630 by 14 days, but that solve came
        out no cheaper than the $13,700 point, and the frontier ended there)."""
        tasks = dict(enumerate(self.tasks))
        answers = {i: answer for i, (_, _, answer) in enumerate(self.answers)}
        looked = self.runner.second_look(tasks, answers, self.progress)
        self.answers = [(deadline, label, looked[i]) for i, (deadline, label, _) in enumerate(self.answers)]

    def covered(self, deadline: float) -> bool:
        """True when an earlier answer already is the cheapest plan for `deadline`."""
        for solved_at, label, out in self.answers:
            m = out.row.makespan_hours
            if m is None or out.row.status != "optimal":
                continue
            upto = solved_at if solved_at is not None else (math.inf if label == "cheapest" else m)
            if m - _TOL <= deadline <= upto + _TOL:
                return True
        return False

    def by_deadline(self, deadlines: Sequence[float]) -> None:
        jobs = [(f"by {_hours_text(d)}", d, ["objective=cost", f"deadline={_deadline_value(d)}"]) for d in deadlines]
        if jobs:
            self.run(jobs)


def frontier(
    plan: Plan,
    *,
    points: int | None = None,
    refine: int = 2,
    executor: Executor | None = None,
    workers: int | None = None,
    time_limit: float | None = 60.0,
    backend: str = "auto",
    progress: RowProgress | None = None,
    second_look: bool = True,
) -> list[FrontierPoint]:
    """The cost/time Pareto frontier of `plan`, fastest first (see the module docstring).

    Parameters
    ----------
    points: evenly spaced deadlines solved between the fastest and the cheapest plan (default 6).
    refine: rounds of solves half-way between neighbouring points (0: none).
    executor, workers, time_limit, backend, progress: as for `sweep` (time_limit is per solve).
    second_look: at the end, solve again each point another point's plan beats, from that plan
        (as in `sweep`; step 4 of the module docstring).

    Raises NoPlanError when even the fastest solve finds no plan.
    """
    count = 6 if points is None else points
    with Runner(executor, workers) as runner:
        search = _Search(plan, runner, time_limit, backend, progress)
        fastest, cheapest = search.run(
            [("fastest", None, ["objective=makespan"]), ("cheapest", _plan_deadline(plan), _cheapest(plan))]
        )
        if fastest.result is None or not fastest.result.found or fastest.row.makespan_hours is None:
            result = fastest.result
            raise NoPlanError(fastest.row.status, result.explanation if result else [])
        low = fastest.row.makespan_hours
        high = cheapest.row.makespan_hours if cheapest.row.makespan_hours is not None else low
        if high - low > _TOL:
            spaced = [low + (high - low) * k / (count + 1) for k in range(1, count + 1)]
            search.by_deadline([d for d in spaced if not search.covered(d)])
        delta = max(1e-3 * (high - low), 1 / 60)
        for _ in range(refine):
            current = [p.makespan_hours for p in _pareto(search.answers)]
            halves = {round((a + b) / 2, 6) for a, b in zip(current, current[1:], strict=False) if b - a > delta}
            todo = sorted(d for d in halves if not search.covered(d))
            if not todo:
                break
            search.by_deadline(todo)
        if second_look:
            search.second_look()
        return _pareto(search.answers)


def _cheapest(plan: Plan) -> list[str]:
    overrides = ["objective=cost"]
    if plan.deadline is None and plan.horizon is not None:
        overrides.append(f"deadline={format_duration(plan.horizon)}")
    return overrides


def _plan_deadline(plan: Plan) -> float | None:
    if plan.deadline is not None:
        return float(plan.seconds(plan.deadline)) / 3600
    return None if plan.horizon is None else float(plan.horizon) / 3600


def _deadline_value(hours: float) -> str:
    """A deadline override a little under `hours` (never over), in seconds after start."""
    return f"{int(hours * 3600 * 1000) / 1000:.3f} s"


def _hours_text(hours: float) -> str:
    return f"T+{hours:.2f} h"


def _pareto(answers: Sequence[tuple[float | None, str, Solved]]) -> list[FrontierPoint]:
    """Non-dominated answers, fastest first, each strictly cheaper than every faster one."""
    found = [(d, label, s) for d, label, s in answers if s.result is not None and s.result.found]
    # Makespans equal to 1e-6 h count as equal: then the cheaper, then the "fastest" solve comes first.
    found.sort(key=lambda a: (round(a[2].row.makespan_hours or 0.0, 6), a[2].row.cost or 0.0, a[1] != "fastest"))
    kept: list[tuple[float | None, str, Solved]] = []
    for answer in found:
        cost = answer[2].row.cost or 0.0
        if not kept or cost < (kept[-1][2].row.cost or 0.0) - _TOL * max(1.0, abs(cost)):
            kept.append(answer)
    points = [_point(d, label, s.row, s.result) for d, label, s in kept if s.result is not None]
    return [
        p.model_copy(update={"cost_per_day_saved": _per_day(p, nxt)})
        for p, nxt in zip(points, [*points[1:], None], strict=True)
    ]


def _per_day(point: FrontierPoint, slower: FrontierPoint | None) -> float | None:
    if slower is None or slower.makespan_hours <= point.makespan_hours:
        return None
    return (point.cost - slower.cost) / ((slower.makespan_hours - point.makespan_hours) / 24)


def _point(deadline: float | None, label: str, row: ScenarioRow, result: Result) -> FrontierPoint:
    return FrontierPoint(
        label=label,
        deadline_hours=deadline,
        makespan_hours=row.makespan_hours or 0.0,
        cost=row.cost or 0.0,
        currency=row.currency,
        share_online=row.share_online,
        drives_used=row.drives_used,
        trips=row.trips,
        binding=row.binding,
        status=row.status,
        verified=row.verified,
        started_from=row.started_from,
        result=result,
    )
