"""Time a 100-scenario sweep of the quick-start plan: in parallel on the local cores, and one by one.

Varies the link's bandwidth (5 values) x the SSDs at the lab (5) x how often the van leaves (4).
The parallel sweep includes starting its process pool (every worker imports the solver stack once);
the loop solves the same 100 plans with `solve(plan, baselines=False)` in this process, after one
warm-up solve, so it pays no import or start-up cost at all.

    python tests/benchmarks/sweep_bench.py [--workers N] [--time-limit S]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from transferplan.load import load
from transferplan.solve import solve
from transferplan.whatif import scenarios, sweep

PLAN = Path(__file__).parents[2] / "examples" / "quick-start.yaml"
AXES = {
    "links.wan.bandwidth": ["5 Gbps", "10 Gbps", "15 Gbps", "20 Gbps", "40 Gbps"],
    "drives.ssd-30.fleet.lab": ["1", "2", "3", "4", "6"],
    "routes.van.departures.every": ["6 h", "8 h", "12 h", "24 h"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    plan = load(PLAN)
    before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    solve(plan, baselines=False)  # warm up the loop's process: imports and first-solve caches

    started = time.perf_counter()
    swept = sweep(plan, AXES, workers=args.workers, time_limit=args.time_limit)
    parallel = time.perf_counter() - started

    started = time.perf_counter()
    items = scenarios(plan, AXES)  # the sweep builds and validates them too
    loop = [solve(s.plan, time_limit=args.time_limit, baselines=False) for s in items]
    serial = time.perf_counter() - started

    same = sum(
        row.status == r.status and abs((row.makespan_hours or 0) - (r.makespan_hours or 0)) <= 1e-6
        for row, r in zip(swept.rows, loop, strict=True)
    )
    table = Table(title=f"{len(items)} scenarios of {PLAN.name} ({swept.distinct} distinct), {os.cpu_count()} cores")
    for column in ("run", "wall time", "per scenario", "speed-up", "solver time (sum)"):
        table.add_column(column, justify="right" if column != "run" else "left")
    loop_solving = sum(r.solve_seconds for r in loop)
    swept_solving = sum(r.solve_seconds for r in swept.rows)
    table.add_row(
        "one by one (loop)", f"{serial:.1f} s", f"{serial / len(items):.2f} s", "1.00x", f"{loop_solving:.1f} s"
    )
    table.add_row(
        f"sweep ({args.workers} workers)",
        f"{parallel:.1f} s",
        f"{parallel / len(items):.2f} s",
        f"{serial / parallel:.2f}x",
        f"{swept_solving:.1f} s",
    )
    console = Console()
    console.print(table)
    verified = sum(row.verified is True for row in swept.rows)
    console.print(
        f"rows equal to the loop's (status, makespan): {same}/{len(items)}; verified: {verified}/{len(items)}"
    )
    after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    console.print(f"load average before / after: {before} / {after} (other work on the machine slows the pool most)")


if __name__ == "__main__":
    main()
