"""Whole solves of one benchmark plan with the drive pool's pairs of lanes in several orders.

    python tests/benchmarks/lane_orders.py [--kind medium] [--seed N] [--orders 0-7] [--time-limit 60]

Two lanes at a time (neighbourhood.py) draws the order of its pairs from a seed, and where its
descent ends depends on that order more than on anything else measured: one seed's figure can be
luck. This runs the same solve once per order seed (`neighbourhood.ORDER_SEED`), one at a time
(the solve uses both cores), and prints a row each and the spread, so that a change to the
search can be judged over several orders.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.generate import generate
from transferplan import neighbourhood
from transferplan.schema import Plan
from transferplan.solve import solve

COLUMNS = ("order seed", "time s", "status", "makespan h", "bound h", "gap")


def orders(text: str) -> list[int]:
    """`0-7` or `0,3,5`: the order seeds to run."""
    if "-" in text:
        first, last = (int(part) for part in text.split("-", 1))
        return list(range(first, last + 1))
    return [int(part) for part in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    """Parse the options, solve once per order seed, print the table and the spread."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="medium", choices=("medium", "large"))
    parser.add_argument("--seed", type=int, default=0, help="the plan's seed (generate.py)")
    parser.add_argument("--orders", type=orders, default=orders("0-7"), help="order seeds: 0-7 or 0,3,5")
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    plan = Plan.model_validate(generate(args.kind, args.seed))
    rows, makespans = [], []
    for order in args.orders:
        neighbourhood.ORDER_SEED = order
        result = solve(plan, time_limit=args.time_limit)
        row = [
            str(order),
            f"{result.solve_seconds:.2f}",
            result.status,
            "-" if result.makespan_hours is None else f"{result.makespan_hours:.2f}",
            "-" if result.lower_bound_hours is None else f"{result.lower_bound_hours:.1f}",
            "-" if result.gap is None else f"{result.gap:.1%}",
        ]
        print("  ".join(row), file=sys.stderr, flush=True)  # survives an interrupted run
        rows.append(row)
        if result.makespan_hours is not None:
            makespans.append(result.makespan_hours)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{args.kind} (seed {args.seed}) at {args.time_limit:g} s, by order of the pairs")
    for name in COLUMNS:
        table.add_column(name, justify="left" if name == "status" else "right")
    for row in rows:
        table.add_row(*row)
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(table)
    if makespans:
        console.print(
            f"makespan: best {min(makespans):.2f} h, median {statistics.median(makespans):.2f} h, "
            f"worst {max(makespans):.2f} h over {len(makespans)} orders"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
