"""Money timed: plans made cheapest under a deadline, and plans made fastest under a budget.

    python tests/benchmarks/cost_plans.py [--time-limit 10,60] [--deadline "20 days"] [--no-budgets]
                                          [--workers 1] [--only large]

run.py times the makespan objective on the benchmark plans; this times `objective: cost` on the
medium benchmark with a plan-wide deadline (within its 30-day horizon), on the shipped
gpu-onboarding example (its own deadlines) and on the large benchmark with 40-day and 35-day
deadlines, with the cost, the cost bound (the drive pool's MIP, or its LP) and the gap, and when the plan
ends. Then `objective: makespan` under budgets that
bind: gpu-onboarding at $12,000 (its cheapest plan found costs $11,630) and $20,000, the medium
benchmark at $15,000 and the large at $150,000 and $100,000, with the makespan, its bound and gap, and the
cost. One solve at a time (a solve uses both cores). `--workers 1` times the solves as what-if
sweeps and frontiers run them (one scenario per core): the cost bound's work then takes turns
with the search.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import transferplan
from tests.benchmarks.generate import generate
from transferplan.result import Result
from transferplan.schema import Plan
from transferplan.solve import solve

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gpu-onboarding.yaml"
COLUMNS = ("plan", "limit s", "time s", "status", "cost", "cost bound", "gap", "makespan h", "verified")
BUDGET_COLUMNS = ("plan", "limit s", "time s", "status", "makespan h", "bound h", "gap", "cost", "verified")


def plans(deadline: str) -> dict[str, Plan]:
    """The medium benchmark as a cost plan with `deadline`, the onboarding example, and the large
    benchmark with 40 days (two thirds of its horizon; its fastest plan found takes 32 days) and
    35 days (where the convoys the estimate ranks cheapest on time are late in the LP)."""
    medium = Plan.model_validate({**generate("medium", 0), "objective": "cost", "deadline": deadline})

    def large(days: int) -> Plan:
        return Plan.model_validate({**generate("large", 0), "objective": "cost", "deadline": f"{days} days"})

    return {
        f"medium, {deadline}": medium,
        "gpu-onboarding": transferplan.load(EXAMPLE),
        "large, 40 days": large(40),
        "large, 35 days": large(35),
    }


def budgeted() -> dict[str, Plan]:
    """Fastest plans under budgets that bind (the fastest plans cost more)."""
    onboarding = transferplan.load(EXAMPLE).replace(objective="makespan")
    medium = Plan.model_validate({**generate("medium", 0), "budget": 15_000})
    return {
        "gpu-onboarding, $12,000": onboarding.replace(budget="12000"),
        "gpu-onboarding, $20,000": onboarding.replace(budget="20000"),
        "medium, $15,000": medium,
        # the fastest plan found without a budget costs $227,358 (773 h at 60 s)
        "large, $150,000": Plan.model_validate({**generate("large", 0), "budget": 150_000}),
        "large, $100,000": Plan.model_validate({**generate("large", 0), "budget": 100_000}),
    }


def _or_dash(value: float | None, form: str) -> str:
    return "-" if value is None else format(value, form)


def _verified(verified: bool | None) -> str:
    return "-" if verified is None else ("yes" if verified else "NO")


def _table(title: str, columns: tuple[str, ...], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column in ("plan", "status") else "right")
    for row in rows:
        table.add_row(*row)
    Console(width=None if sys.stdout.isatty() else 120).print(table)


def _cost_cells(result: Result) -> list[str]:
    cost = None if result.makespan_hours is None else result.cost.total
    return [
        _or_dash(cost, ",.0f"),
        _or_dash(result.cost_lower_bound, ",.0f"),
        _or_dash(result.gap, ".1%"),
        _or_dash(result.makespan_hours, ".1f"),
    ]


def _makespan_cells(result: Result) -> list[str]:
    cost = None if result.makespan_hours is None else result.cost.total
    return [
        _or_dash(result.makespan_hours, ".1f"),
        _or_dash(result.lower_bound_hours, ".1f"),
        _or_dash(result.gap, ".1%"),
        _or_dash(cost, ",.0f"),
    ]


def _rows(
    plans: dict[str, Plan], limits: list[float], cells: Callable[[Result], list[str]], workers: int | None = None
) -> list[list[str]]:
    """Each plan solved at each limit: name, limit, time, status, the table's `cells`, verified."""
    rows = []
    for name, plan in plans.items():
        for limit in limits:
            result = solve(plan, time_limit=limit, workers=workers)
            row = [name, f"{limit:g}", f"{result.solve_seconds:.2f}", result.status, *cells(result)]
            row.append(_verified(result.verified))
            print("  ".join(row), file=sys.stderr, flush=True)  # survives an interrupted run
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Parse the options, solve each plan at each limit, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", default="10,60", help="seconds per solve, or several: 10,60")
    parser.add_argument("--deadline", default="20 days", help="the medium plan's deadline")
    parser.add_argument("--no-budgets", action="store_true", help="only the cost objective")
    parser.add_argument("--workers", type=int, default=None, help="processes per solve (default: the solver's)")
    parser.add_argument("--only", default="", help="only the plans whose name holds this text: --only large")
    args = parser.parse_args(argv)
    limits = [float(part) for part in args.time_limit.split(",")]

    def chosen(named: dict[str, Plan]) -> dict[str, Plan]:
        return {name: plan for name, plan in named.items() if args.only in name}

    rows = _rows(chosen(plans(args.deadline)), limits, _cost_cells, args.workers)
    budget_rows = [] if args.no_budgets else _rows(chosen(budgeted()), limits, _makespan_cells, args.workers)
    _table("objective: cost", COLUMNS, rows)
    if budget_rows:
        _table("objective: makespan, under a budget", BUDGET_COLUMNS, budget_rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
