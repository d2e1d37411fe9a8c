"""Sweeps of the benchmark plans cold and warm (`sweep(..., warm=True)`, `--warm`), row by row.

    python tests/benchmarks/warm_sweeps.py [--time-limit 20] [--workers 2] [--sweeps budget,couriers]

A short solve of a big plan ends where its search got to in the time, so a sweep's rows can say
that more money, or another courier, buys nothing, or even costs time. Warm, the first scenario
is solved first and every other starts from its plan. Sweeps (medium benchmark, seed 0):

- budget: $10,000, $15,000, $20,000 (its fastest plans found cost more);
- couriers: lane 1's courier pool at 1, 2 and 3 couriers;
- deadline: as a cost plan, by 20, 25 and 30 days (the tightest first: its plan meets the others).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rich.console import Console
from rich.table import Table

from tests.benchmarks.generate import generate
from transferplan.schema import Plan
from transferplan.whatif import sweep

SWEEPS: dict[str, tuple[dict[str, str], dict[str, list[str]]]] = {
    "budget": ({}, {"budget": ["$10,000", "$15,000", "$20,000"]}),
    "couriers": ({}, {"couriers.couriers-src-01.fleet.gpu-site": ["1", "2", "3"]}),
    "deadline": ({"objective": "cost"}, {"deadline": ["20 days", "25 days", "30 days"]}),
}
"""name -> (fields of the medium benchmark changed for the sweep, its axes)"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sweeps", default=",".join(SWEEPS))
    args = parser.parse_args()
    console = Console()
    for name in args.sweeps.split(","):
        fields, axes = SWEEPS[name]
        plan = Plan.model_validate({**generate("medium", 0), **fields})
        runs = {}
        for warm in (False, True):
            started = time.perf_counter()
            runs[warm] = (sweep(plan, axes, workers=args.workers, time_limit=args.time_limit, warm=warm), started)
            runs[warm] = (runs[warm][0], time.perf_counter() - started)
        table = Table(title=f"medium, {name} sweep, {args.time_limit:g} s a scenario, {args.workers} workers")
        for column in ("scenario", "cold h", "cold cost", "warm h", "warm cost", "verified"):
            table.add_column(column, justify="left" if column == "scenario" else "right")
        cold, warm = runs[False][0].rows, runs[True][0].rows
        for a, b in zip(cold, warm, strict=True):
            table.add_row(
                ", ".join(a.values.values()),
                _hours(a.makespan_hours),
                _money(a.cost),
                _hours(b.makespan_hours),
                _money(b.cost),
                f"{a.verified} / {b.verified}",
            )
        table.caption = f"wall time: cold {runs[False][1]:.1f} s, warm {runs[True][1]:.1f} s"
        console.print(table)


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


if __name__ == "__main__":
    main()
