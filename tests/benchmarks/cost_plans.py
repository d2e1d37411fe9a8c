"""The cost objective timed: plans to be made cheapest under a deadline, with their cost bounds.

    python tests/benchmarks/cost_plans.py [--time-limit 10,60] [--deadline "20 days"]

run.py times the makespan objective on the benchmark plans; this times `objective: cost` on the
medium benchmark with a plan-wide deadline (within its 30-day horizon) and on the shipped
gpu-onboarding example (its own deadlines), one solve at a time (a solve uses both cores), and
prints a row each: the cost, the relaxed cost bound and the gap, and when the plan ends.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import transferplan
from tests.benchmarks.generate import generate
from transferplan.schema import Plan
from transferplan.solve import solve

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gpu-onboarding.yaml"
COLUMNS = ("plan", "limit s", "time s", "status", "cost", "cost bound", "gap", "makespan h", "verified")


def plans(deadline: str) -> dict[str, Plan]:
    """The medium benchmark as a cost plan with `deadline`, and the onboarding example."""
    medium = Plan.model_validate({**generate("medium", 0), "objective": "cost", "deadline": deadline})
    return {f"medium, {deadline}": medium, "gpu-onboarding": transferplan.load(EXAMPLE)}


def main(argv: list[str] | None = None) -> int:
    """Parse the options, solve each plan at each limit, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", default="10,60", help="seconds per solve, or several: 10,60")
    parser.add_argument("--deadline", default="20 days", help="the medium plan's deadline")
    args = parser.parse_args(argv)
    limits = [float(part) for part in args.time_limit.split(",")]
    rows = []
    for name, plan in plans(args.deadline).items():
        for limit in limits:
            result = solve(plan, time_limit=limit)
            cost = None if result.makespan_hours is None else result.cost.total
            row = [
                name,
                f"{limit:g}",
                f"{result.solve_seconds:.2f}",
                result.status,
                "-" if cost is None else f"{cost:,.0f}",
                "-" if result.cost_lower_bound is None else f"{result.cost_lower_bound:,.0f}",
                "-" if result.gap is None else f"{result.gap:.1%}",
                "-" if result.makespan_hours is None else f"{result.makespan_hours:.1f}",
                "-" if result.verified is None else ("yes" if result.verified else "NO"),
            ]
            print("  ".join(row), file=sys.stderr, flush=True)  # survives an interrupted run
            rows.append(row)
    from rich.console import Console
    from rich.table import Table

    table = Table(title="objective: cost")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in ("plan", "status") else "right")
    for row in rows:
        table.add_row(*row)
    Console(width=None if sys.stdout.isatty() else 120).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
