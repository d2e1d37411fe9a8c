"""Sweeps of the benchmark plans solved once, with the second look, and warm, row by row.

    python tests/benchmarks/warm_sweeps.py [--time-limit 20] [--workers 2] [--sweeps budget,couriers,deadline]

A short solve of a big plan ends where its search got to in the time, so a sweep's rows can say
that more money, or another courier, buys nothing, or even costs time. Three ways to run a sweep:

- once: each scenario solved once, from nothing (`second_look=False`);
- second look (the default): then each scenario whose answer another's plan beats, replayed under
  it, is solved again from that plan (`transferplan/whatif/second_look.py`);
- warm (`warm=True`, `--warm`, without the second look): the first scenario is solved first and
  every other starts from its plan.

Sweeps (medium benchmark, seed 0):

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
        modes = {"once": {"second_look": False}, "second look": {}, "warm": {"warm": True, "second_look": False}}
        runs = {}
        for mode, options in modes.items():
            started = time.perf_counter()
            done = sweep(plan, axes, workers=args.workers, time_limit=args.time_limit, **options)
            runs[mode] = (done, time.perf_counter() - started)
        table = Table(title=f"medium, {name} sweep, {args.time_limit:g} s a scenario, {args.workers} workers")
        table.add_column("scenario")
        for mode in modes:
            table.add_column(f"{mode} h", justify="right")
            table.add_column(f"{mode} cost", justify="right")
        table.add_column("verified", justify="right")
        rows = [runs[mode][0].rows for mode in modes]
        for same in zip(*rows, strict=True):
            figures = [cell for row in same for cell in (_hours(row.makespan_hours), _money(row.cost))]
            table.add_row(", ".join(same[0].values.values()), *figures, " / ".join(str(row.verified) for row in same))
        table.caption = "wall time: " + ", ".join(f"{mode} {runs[mode][1]:.1f} s" for mode in modes)
        console.print(table)


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


if __name__ == "__main__":
    main()
