"""A second look at a batch of what-ifs: a scenario whose answer another scenario's plan beats.

Each solve has its time limit, and within it the search may stop short of a plan that a sibling
found: gpu-onboarding swept over deadlines at 20 s a scenario cost $15,600 by 10 days and
$28,200 by 14 days, though the 10-day plan meets 14 days as well. Side by side, such rows say
that a looser deadline costs more, which no plan does.

So after the batch, each scenario not proven optimal is offered the plans of the others: the
independent verifier replays each under the scenario's own plan (schedule and limits; the other
plan's figures are measured anew, since prices or rates may differ), and the best that runs and
beats the scenario's answer is where the scenario is solved again (`solve(..., warm_start=)`), so
that its answer is at least as good as that plan run under it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..result import Result
from ..schema import Plan
from ..verify import verify

__all__ = ["TRIES", "NOISE", "rank", "beats", "better_starts"]

TRIES = 3
"""Plans replayed at most per scenario, the best by their own figures first: a replay takes
milliseconds (gpu-onboarding: 13 ms), but a sweep of n scenarios has n x (n - 1) pairs."""

NOISE = 1e-9
"""Relative: figures closer than this are the same figure."""


def rank(objective: str, makespan_hours: float | None, cost: float | None) -> tuple[float, float]:
    """What `objective` minimises first, then the other figure; no plan ranks last."""
    makespan = math.inf if makespan_hours is None else makespan_hours
    money = math.inf if cost is None else cost
    return (makespan, money) if objective == "makespan" else (money, makespan)


def beats(new: tuple[float, float], old: tuple[float, float]) -> bool:
    """Whether `new` ranks before `old` (see `rank`) by more than float noise: the same plan
    measured twice can differ in the last digits, and no solve should be repeated for that."""
    return _less(new[0], old[0]) or (not _less(old[0], new[0]) and _less(new[1], old[1]))


def _less(a: float, b: float) -> bool:
    return a < b - NOISE * max(1.0, abs(b)) if math.isfinite(b) else math.isfinite(a)


def _own(result: Result, objective: str) -> tuple[float, float]:
    return rank(objective, result.makespan_hours, result.cost.total if result.found else None)


def better_starts(plans: Mapping[int, Plan], results: Mapping[int, Result], tries: int = TRIES) -> dict[int, int]:
    """For each scenario (by index) whose result another scenario's plan beats under it, that
    scenario's index: the best of the `tries` best others by their own figures whose schedules
    the verifier accepts under this scenario's plan.

    Left out: a scenario proven optimal or infeasible (nothing can beat it), and others whose plans
    start at another time (their hours would mean other moments here).
    """
    out: dict[int, int] = {}
    for i, plan in plans.items():
        mine = results[i]
        if mine.status in ("optimal", "infeasible"):
            continue
        target = _own(mine, plan.objective)
        others = [
            j
            for j, other in results.items()
            if j != i and other.found and plans[j].start == plan.start and beats(_own(other, plan.objective), target)
        ]
        best: tuple[tuple[float, float], int] | None = None
        for j in sorted(others, key=lambda j: _own(results[j], plan.objective))[:tries]:
            replay = verify(plan, results[j], claims=False)
            if not replay.ok:
                continue
            here = rank(plan.objective, replay.makespan_hours, replay.cost.total)
            if beats(here, target) and (best is None or beats(here, best[0])):
                best = (here, j)
        if best is not None:
            out[i] = best[1]
    return out
