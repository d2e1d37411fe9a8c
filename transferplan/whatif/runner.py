"""Solve many scenarios: in this process, on a local process pool, or on any `concurrent.futures.Executor`.

What crosses a process boundary is a `Task` (the base plan's JSON-safe data, a few override strings and
solver options: a few kB) and back a `Solved` (one summary row, plus the full Result only when asked).
The worker rebuilds and revalidates the Plan itself, so nothing solver-side is pickled.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..load import apply_overrides, plan_from_data
from ..result import Result, Status
from ..schema import Plan
from .binding import binding_limit
from .second_look import beats, better_starts, rank

__all__ = ["ScenarioRow", "Task", "Solved", "Runner", "row_from", "solve_task", "RowProgress"]


class ScenarioRow(BaseModel):
    """One solved scenario, summarised: the axis values and the figures people compare."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    values: dict[str, str] = Field(default_factory=dict)
    status: Status
    objective: Literal["makespan", "cost"] = "makespan"
    makespan_hours: float | None = None
    lower_bound_hours: float | None = None
    gap: float | None = None
    cost: float | None = None
    currency: str = "USD"
    share_online: float | None = None
    drives_used: int = 0
    trips: int = 0
    binding: str = ""
    verified: bool | None = None
    solve_seconds: float = 0.0
    note: str = ""
    reused: bool = False
    """True when an identical scenario earlier in the list was solved and this row copies it."""
    started_from: str = ""
    """The scenario whose plan, replayed under this one, beat this one's first answer, and from which
    this one was solved again (see second_look.py); empty when it was solved once."""

    def record(self) -> dict[str, Any]:
        """A flat dict: one column per axis (by field path), then the figures."""
        data = self.model_dump(exclude={"values"})
        return {"name": data.pop("name"), **self.values, **data}


RowProgress = Callable[[int, int, ScenarioRow], None]
"""Called as ``progress(done, total, row)`` each time a scenario finishes."""


def row_from(plan: Plan, result: Result, name: str, values: dict[str, str] | None = None) -> ScenarioRow:
    """Summarise a Result of `plan` as a row (binding limit included)."""
    size = sum(d.size_bytes for d in result.datasets)
    online = sum(d.online_bytes for d in result.datasets)
    return ScenarioRow(
        name=name,
        values=values or {},
        status=result.status,
        objective=result.objective,
        makespan_hours=result.makespan_hours,
        lower_bound_hours=result.lower_bound_hours,
        gap=result.gap,
        cost=result.cost.total if result.found else None,
        currency=result.currency,
        share_online=online / size if result.found and size else None,
        drives_used=sum(1 for d in result.drives if d.events),
        trips=sum(len(r.departures) for r in result.routes),
        binding=binding_limit(plan, result),
        verified=result.verified,
        solve_seconds=result.solve_seconds,
        note="" if result.found else " ".join(result.explanation),
    )


@dataclass(frozen=True)
class Task:
    """One solve to run somewhere: small and picklable."""

    data: dict[str, Any]
    overrides: tuple[str, ...]
    name: str
    key: str
    values: tuple[tuple[str, str], ...] = ()
    time_limit: float | None = 60.0
    backend: str = "auto"
    keep_result: bool = False
    warm_start: Result | None = field(default=None, compare=False)
    """A plan solved before, the solve's start (`solve(..., warm_start=)`)."""

    def plan(self) -> Plan:
        """The scenario's plan: the data with the overrides applied, validated."""
        return plan_from_data(apply_overrides(self.data, self.overrides))


@dataclass(frozen=True)
class Solved:
    """What comes back from a worker."""

    row: ScenarioRow
    result: Result | None = field(default=None, compare=False)


def solve_task(task: Task) -> Solved:
    """Rebuild the plan from data + overrides, solve it (no baselines), summarise. Runs in a worker."""
    from ..solve import solve  # the solver stack is imported in the worker, once per process

    plan = task.plan()
    # one process per scenario: the scenarios already fill the cores
    result = solve(
        plan, time_limit=task.time_limit, backend=task.backend, baselines=False, workers=1, warm_start=task.warm_start
    )
    row = row_from(plan, result, task.name, dict(task.values))
    return Solved(row, result if task.keep_result else None)


class Runner:
    """Runs batches of Tasks on one executor, kept for every batch (a frontier runs several).

    With no executor given, a local spawn-context `ProcessPoolExecutor` with `workers` processes
    (default: all cores) is started on the first batch that has more than one distinct task, and shut
    down on exit; a batch of one distinct task, or ``workers=1``, runs in this process.
    """

    def __init__(self, executor: Executor | None = None, workers: int | None = None):
        self.executor = executor
        self.workers = workers or os.cpu_count() or 1
        self._own: ProcessPoolExecutor | None = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._own is not None:
            self._own.shutdown(wait=True, cancel_futures=True)
            self._own = None

    def _pool(self, distinct: int) -> Executor | None:
        if self.executor is not None:
            return self.executor
        if distinct <= 1 or self.workers <= 1:
            return None
        if self._own is None:
            context = multiprocessing.get_context("spawn")
            self._own = ProcessPoolExecutor(max_workers=min(self.workers, distinct), mp_context=context)
        return self._own

    def run(
        self,
        tasks: Sequence[Task],
        progress: RowProgress | None = None,
        warm: bool = False,
        second_look: bool = False,
    ) -> list[Solved]:
        """Solve every task; identical ones (same key) once. Results come back in task order.

        `warm`: the first task is solved first, and every other starts from its plan (when it has
        one): none is then worse than that plan run under it, at the cost of at most one round.
        `second_look`: then each task whose answer another task's plan beats under it is solved
        again from that plan (see second_look.py), at the cost of at most one round more; its row
        names that task in `started_from`."""
        first: dict[str, int] = {}
        for i, task in enumerate(tasks):
            first.setdefault(task.key, i)
        asked = {i: tasks[i] for i in first.values()}
        # the second look replays each task's plan under the others: every result is kept till then
        unique = {i: replace(t, keep_result=True) if second_look else t for i, t in asked.items()}
        distinct = dict(unique)
        solved: dict[int, Solved] = {}
        total, done = len(tasks), 0
        pool = self._pool(len(unique))

        def finished(i: int, out: Solved) -> None:
            nonlocal done
            solved[i] = out
            done += sum(1 for t in tasks if t.key == tasks[i].key)
            if progress is not None:
                progress(done, total, out.row)

        if warm and len(unique) > 1:
            lead = min(unique)
            kept = replace(unique.pop(lead), keep_result=True)
            out = solve_task(kept) if pool is None else pool.submit(solve_task, kept).result()
            finished(lead, out if distinct[lead].keep_result else Solved(out.row))
            if out.result is not None and out.result.found:
                unique = {i: replace(task, warm_start=out.result) for i, task in unique.items()}
        for i, out in _solve_all(unique, pool):
            finished(i, out)
        if second_look:
            solved = self.second_look(distinct, solved, progress, done, total)
        answers = {i: out if asked[i].keep_result else Solved(out.row) for i, out in solved.items()}
        return [_copy_for(task, answers[first[task.key]], i == first[task.key]) for i, task in enumerate(tasks)]

    def second_look(
        self,
        tasks: Mapping[int, Task],
        solved: Mapping[int, Solved],
        progress: RowProgress | None = None,
        done: int | None = None,
        total: int | None = None,
    ) -> dict[int, Solved]:
        """`solved` (the answers of `tasks`, by the same keys, results kept), where each task another
        task's plan beats (`better_starts`) was solved again from that plan and did better: its row
        then names that task in `started_from`. `progress` is told of each such solve, the bar
        grown by their number from `done` of `total` (4/4, then 4/5 and 5/5)."""
        out = dict(solved)
        if len(tasks) < 2:
            return out
        plans = {i: task.plan() for i, task in tasks.items()}
        results = {i: answer.result for i, answer in solved.items() if answer.result is not None}
        starts = better_starts({i: plans[i] for i in results}, results)
        again = {i: replace(tasks[i], warm_start=results[j]) for i, j in starts.items()}
        done = len(solved) if done is None else done
        total = len(solved) if total is None else total
        for n, (i, answer) in enumerate(_solve_all(again, self._pool(len(again))), 1):
            if progress is not None:
                progress(done + n, total + len(again), answer.row)
            first_row = solved[i].row
            figures = [rank(first_row.objective, row.makespan_hours, row.cost) for row in (answer.row, first_row)]
            if beats(*figures):
                out[i] = Solved(answer.row.model_copy(update={"started_from": tasks[starts[i]].name}), answer.result)
        return out


def _solve_all(tasks: Mapping[int, Task], pool: Executor | None) -> Iterator[tuple[int, Solved]]:
    """Each task solved, in this process or on `pool`, as they finish."""
    if pool is None:
        for i, task in tasks.items():
            yield i, solve_task(task)
        return
    futures: dict[Future[Solved], int] = {pool.submit(solve_task, t): i for i, t in tasks.items()}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        raise


def _copy_for(task: Task, solved: Solved, original: bool) -> Solved:
    if original:
        return solved
    row = solved.row.model_copy(update={"name": task.name, "values": dict(task.values), "reused": True})
    return Solved(row, solved.result)
