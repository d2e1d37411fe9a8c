"""A found plan as a Result: its schedule, its cost, its bound and gap, replayed by the verifier.

solve.py finds plans; this module turns one into the plain data that the CLI, the reports and the
Python API render, and has it checked by the independent replay (verify.py) on the way.
"""

from __future__ import annotations

from fractions import Fraction

from .formulation import HOUR
from .result import CostBreakdown, DatasetResult, Result, SolverStats
from .schedule import Schedule
from .schedule import build_schedule as schedule_of
from .schema import Plan
from .search import Clock, Found, Outcome

__all__ = ["build_schedule", "schedule_cost", "unsolved_result", "verified_result"]


def build_schedule(found: Found) -> Schedule:
    """The operational schedule of a found plan."""
    return schedule_of(found.formulation, found.solution.values, found.makespan)


def verified_result(
    plan: Plan, outcome: Outcome, found: Found, lower: Fraction | None, clock: Clock, solves: int
) -> Result:
    """The Result of a found plan, replayed by the verifier (`verified`, `violations`)."""
    return _verified(plan, _assemble(plan, build_schedule(found), outcome, found, lower, clock, solves), clock)


def unsolved_result(plan: Plan, status: str, words: list[str], clock: Clock, solves: int = 0) -> Result:
    return Result(
        plan=plan.name,
        status=status,
        objective=plan.objective,  # type: ignore[arg-type]
        start=plan.start.isoformat() if plan.start else None,
        currency=plan.currency,
        explanation=words,
        solve_seconds=clock.elapsed(),
        solver=SolverStats(solves=solves),
    )


def schedule_cost(plan: Plan, schedule: Schedule) -> CostBreakdown:
    """Rule 5 applied to a schedule (the reported cost; the verifier recomputes it on its own)."""
    links = sum(float(plan.links[lk.name].cost_per_gb) * lk.bytes / 1e9 for lk in schedule.links)
    routes = couriers = 0.0
    for r in schedule.routes:
        route = plan.routes[r.name]
        for dep in r.departures:
            routes += float(route.cost_per_trip) + dep.drives * float(route.cost_per_drive)
            couriers += dep.couriers * float(route.cost_per_courier)
    drives = sum(float(plan.drives[d.type].cost_each) for d in schedule.drives if d.events)
    return CostBreakdown(
        total=links + routes + couriers + drives, links=links, routes=routes, couriers=couriers, drives=drives
    )


def _assemble(
    plan: Plan, schedule: Schedule, outcome: Outcome, found: Found, lower: Fraction | None, clock: Clock, solves: int
) -> Result:
    datasets = []
    for k, ds in plan.datasets.items():
        when, online, by_drive = schedule.delivered[k]
        deadline = plan.deadline_seconds(k)
        datasets.append(
            DatasetResult(
                name=k,
                at=ds.at,
                to=ds.to,
                size_bytes=ds.size,
                delivered_hours=when,
                online_bytes=online,
                drive_bytes=by_drive,
                deadline_hours=None if deadline is None else float(deadline) / HOUR,
            )
        )
    times = [d.delivered_hours for d in datasets if d.delivered_hours is not None]
    makespan = max(times) if len(times) == len(datasets) else None
    cost = schedule_cost(plan, schedule)
    bound = None if lower is None else float(lower) / HOUR
    if makespan is not None and bound is not None:
        bound = min(bound, makespan)
    proven = outcome.proven and (
        plan.objective == "cost"
        or (bound is not None and makespan is not None and makespan - bound <= 1e-6 * max(1.0, makespan))
    )
    if plan.objective == "makespan":
        gap = None if (makespan is None or bound is None or makespan <= 0) else max(0.0, (makespan - bound) / makespan)
    else:
        lb = None if outcome.lower_bound is None else float(outcome.lower_bound)
        # proven the cheapest within a cent: no gap, whatever float dust the plan pays (a $0 plan
        # with 100 kB left on a paid link cost $0.000001, a gap of 100 % against a bound of $0)
        honest = None if lb is None or cost.total <= 0 else max(0.0, (cost.total - lb) / cost.total)
        gap = 0.0 if proven else honest
    size = found.formulation.model.size
    return Result(
        plan=plan.name,
        status="optimal" if proven else "feasible",
        objective=plan.objective,
        start=plan.start.isoformat() if plan.start else None,
        currency=plan.currency,
        makespan_hours=makespan,
        lower_bound_hours=bound,
        gap=gap,
        cost=cost,
        cost_lower_bound=None
        if plan.objective != "cost" or outcome.lower_bound is None
        else float(outcome.lower_bound),
        datasets=datasets,
        links=schedule.links,
        routes=schedule.routes,
        drives=schedule.drives,
        couriers=schedule.couriers,
        solve_seconds=clock.elapsed(),
        solver=SolverStats(
            backend="",
            grid_points=len(found.formulation.grid.points),
            variables=size[0],
            integer_variables=size[1],
            constraints=size[2],
            solves=solves,
            resolution_hours=None if found.formulation.grid.exact else _step(found),
        ),
    )


def _step(found: Found) -> float:
    points = found.formulation.grid.points
    return max(float(b - a) for a, b in zip(points, points[1:], strict=False)) / HOUR


def _verified(plan: Plan, result: Result, clock: Clock) -> Result:
    """Replay the plan with the independent verifier and record what it found."""
    from .verify import verify  # the verifier shares nothing with the solver; imported only here

    replay = verify(plan, result)
    return result.model_copy(
        update={"verified": replay.ok, "violations": list(replay.violations), "solve_seconds": clock.elapsed()}
    )
