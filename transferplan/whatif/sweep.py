"""Sweeps (one solve per combination of override values) and side-by-side comparisons of plans."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..load import load
from ..schema import Plan
from .runner import RowProgress, Runner, ScenarioRow, Task
from .scenarios import Scenario, plan_data, plan_key, scenarios
from .second_look import rank

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SweepResult", "sweep", "compare", "sort_rows"]


def sort_rows(rows: Sequence[ScenarioRow], objective: str) -> list[ScenarioRow]:
    """Best first by `objective` (then the other figure); rows without a plan last, in their order."""

    def key(row: ScenarioRow) -> tuple[float, float, float]:
        missing = 0.0 if row.status in ("optimal", "feasible") else 1.0
        return (missing, *rank(objective, row.makespan_hours, row.cost))

    return sorted(rows, key=key)


class SweepResult(BaseModel):
    """Every scenario of a sweep, one row each, in the order the scenarios were built."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plan: str
    objective: Literal["makespan", "cost"]
    axes: dict[str, list[str]]
    paired: bool = False
    rows: list[ScenarioRow] = Field(default_factory=list)
    wall_seconds: float = 0.0
    distinct: int = 0
    """How many scenarios were actually solved (identical ones are solved once)."""

    def sorted_rows(self) -> list[ScenarioRow]:
        """The rows best first by the plan's objective."""
        return sort_rows(self.rows, self.objective)

    def to_records(self) -> list[dict[str, Any]]:
        """Flat dicts, best first: one column per axis (its field path), then the figures."""
        return [row.record() for row in self.sorted_rows()]

    def to_pandas(self) -> pd.DataFrame:
        """A DataFrame sorted by the objective (best first)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.to_records())

    def to_json(self, indent: int | None = 2) -> str:
        """The whole sweep: plan, objective, axes and rows (best first)."""
        data = self.model_dump(mode="json", exclude={"rows"})
        data["rows"] = [row.model_dump(mode="json") for row in self.sorted_rows()]
        return json.dumps(data, indent=indent)

    def to_csv(self) -> str:
        """One line per scenario, best first, with a header."""
        return records_csv(self.to_records())


def records_csv(records: Sequence[Mapping[str, Any]]) -> str:
    """CSV text of flat records (None as an empty cell)."""
    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in records)
    return buffer.getvalue()


def tasks_for(
    data: dict[str, Any], items: Sequence[Scenario], time_limit: float | None, backend: str, keep: bool = False
) -> list[Task]:
    """Tasks for already validated scenarios of one base plan."""
    return [
        Task(data, s.overrides, s.name, s.key, s.values, time_limit=time_limit, backend=backend, keep_result=keep)
        for s in items
    ]


def sweep(
    plan: Plan | Mapping[str, Any],
    axes: Mapping[str, Sequence[str]],
    *,
    paired: bool = False,
    executor: Executor | None = None,
    workers: int | None = None,
    time_limit: float | None = 60.0,
    backend: str = "auto",
    progress: RowProgress | None = None,
    warm: bool = False,
    second_look: bool = True,
) -> SweepResult:
    """Solve every scenario of `axes` (see `scenarios`) without baselines, in parallel.

    Parameters
    ----------
    plan: the base plan (or its raw data).
    axes: field path -> values; every combination is a scenario (zipped with `paired`).
    executor: any `concurrent.futures.Executor` (e.g. Dask's ``client.get_executor()``); by default a
        local spawn process pool of `workers` processes (default: all cores).
    time_limit: seconds per scenario.
    progress: called as ``progress(done, total, row)`` as scenarios finish.
    warm: solve the first scenario first and start every other from its plan (see `Runner.run`):
        with the axis's values in the order that keeps it runnable (budgets or fleets rising, say),
        no scenario is worse than it, whatever each search reaches in its time.
    second_look: then solve again each scenario whose answer another scenario's plan beats when
        replayed under it, from that plan (see second_look.py; its row's `started_from` names it):
        a looser deadline, say, never shows a dearer plan than a tighter one that meets it.

    Raises PlanError (before solving anything) naming each override that gives an invalid plan.
    """
    import time

    started = time.monotonic()
    data = plan_data(plan)
    items = scenarios(data, axes, paired)
    tasks = tasks_for(data, items, time_limit, backend)
    with Runner(executor, workers) as runner:
        solved = runner.run(tasks, progress, warm=warm, second_look=second_look)
    base = plan if isinstance(plan, Plan) else items[0].plan
    return SweepResult(
        plan=base.name,
        objective=base.objective,
        axes={k: [str(v) for v in vs] for k, vs in axes.items()},
        paired=paired,
        rows=[s.row for s in solved],
        wall_seconds=time.monotonic() - started,
        distinct=len({t.key for t in tasks}),
    )


def compare(
    plans: Sequence[Plan | str | Path],
    *,
    overrides: Sequence[str] = (),
    executor: Executor | None = None,
    workers: int | None = None,
    time_limit: float | None = 60.0,
    backend: str = "auto",
    progress: RowProgress | None = None,
    warm: bool = False,
    second_look: bool = True,
) -> list[ScenarioRow]:
    """Solve each plan (files are loaded with `overrides`) and return one row each, in the given order.

    Each row has the makespan, cost, share online, drives and trips used, and the binding limit
    (see `transferplan.whatif.binding`). Plans run in parallel as in `sweep`; identical plans once.
    `warm`: the first plan is solved first, and the others start from its plan (as in `sweep`);
    `second_look`: as in `sweep`.
    """
    loaded = [p if isinstance(p, Plan) else load(p, tuple(overrides)) for p in plans]
    names = _names(plans, loaded)
    tasks = [
        Task(plan_data(p), (), name, plan_key(p), time_limit=time_limit, backend=backend)
        for p, name in zip(loaded, names, strict=True)
    ]
    with Runner(executor, workers) as runner:
        return [s.row for s in runner.run(tasks, progress, warm=warm, second_look=second_look)]


def _names(plans: Sequence[Plan | str | Path], loaded: Sequence[Plan]) -> list[str]:
    """Each plan's file name, else its `name`; made unique with #2, #3 where they repeat."""
    names = [str(p) if not isinstance(p, Plan) else (p._filename or p.name) for p, _ in zip(plans, loaded, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out
