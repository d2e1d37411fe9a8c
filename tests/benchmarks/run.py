"""Time the product's solver against the hand-written hourly PuLP/CBC model on the benchmark plans.

    python tests/benchmarks/run.py [--kinds small,medium,large,one-lane] [--time-limit S[,S...]] [--seed N] [--no-pulp]

Runs one plan at a time (the machine has two cores) and prints one table: a row per plan and time
limit (`--time-limit 5,60` shows the first plan and the one-minute plan), CBC once per plan at the
largest limit.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `tests.benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.generate import KINDS, generate
from transferplan.schema import Plan

COLUMNS = (
    "plan",
    "limit s",
    "vars / ints / rows / grid",
    "time s",
    "status",
    "makespan h",
    "bound h",
    "gap",
    "verified",
    "CBC makespan h",
    "CBC time s",
    "CBC status",
    "time ratio",
)


def product_row(plan: Plan, time_limit: float) -> dict[str, Any]:
    """The product's solve of `plan`, or the reason it could not run."""
    try:
        from transferplan.solve import solve
    except ImportError as err:
        return {"status": f"no solver ({err.name})"}
    result = solve(plan, time_limit=time_limit)
    s = result.solver
    return {
        "size": f"{s.variables} / {s.integer_variables} / {s.constraints} / {s.grid_points}",
        "seconds": result.solve_seconds,
        "status": result.status,
        "makespan": result.makespan_hours,
        "bound": result.lower_bound_hours,
        "gap": result.gap,
        "verified": result.verified,
    }


def cbc_row(kind: str, seed: int, time_limit: float) -> dict[str, Any]:
    """The hourly PuLP/CBC baseline in a child process, stopped if CBC overruns its own time limit.

    CBC can spend far longer than `timeLimit` in its root LP on large models, so the whole process
    group gets twice the limit plus a minute for building, then is ended and reported as "timeout".
    """
    began = time.perf_counter()
    command = [sys.executable, "-m", "tests.benchmarks.pulp_hourly", kind, str(seed), str(time_limit)]
    root = Path(__file__).resolve().parents[2]
    with subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True, start_new_session=True) as child:
        try:
            out, _ = child.communicate(timeout=2 * time_limit + 60)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return {"status": "timeout", "seconds": time.perf_counter() - began}
    if child.returncode != 0 or not out.strip():
        return {"status": f"failed ({child.returncode})", "seconds": time.perf_counter() - began}
    return dict(json.loads(out.strip().splitlines()[-1]))


def _num(value: Any, places: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return f"{value:,.{places}f}"
    return str(value)


def row(kind: str, limit: float, ours: dict[str, Any], cbc: dict[str, Any] | None) -> list[str]:
    """One table row: the product's figures, then CBC's and how many times slower CBC was."""
    cbc = cbc or {}
    ratio = None
    if cbc.get("seconds") and ours.get("seconds"):
        ratio = f"{cbc['seconds'] / ours['seconds']:.1f}x"
    return [
        kind,
        f"{limit:g}",
        ours.get("size", "-"),
        _num(ours.get("seconds"), 2),
        str(ours.get("status", "-")),
        _num(ours.get("makespan")),
        _num(ours.get("bound")),
        "-" if ours.get("gap") is None else f"{ours['gap']:.1%}",
        _num(ours.get("verified")),
        _num(cbc.get("makespan_hours")),
        _num(cbc.get("seconds"), 2),
        str(cbc.get("status", "-")),
        ratio or "-",
    ]


def render(rows: list[list[str]]) -> None:
    """Print the table with rich when it is installed, else as aligned plain text."""
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
        for line in [list(COLUMNS), *rows]:
            print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))
        return
    table = Table(title="transferplan benchmarks")
    for i, name in enumerate(COLUMNS):
        table.add_column(name, justify="left" if i in (0, 4, 11) else "right")
    for r in rows:
        table.add_row(*r)
    Console(width=None if sys.stdout.isatty() else 200).print(table)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run each plan in turn, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated: small,medium,large,one-lane")
    parser.add_argument("--time-limit", default="60", help="seconds per solve, or several: 5,60")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-pulp", action="store_true", help="skip the PuLP/CBC baseline")
    args = parser.parse_args(argv)
    rows = []
    limits = sorted(float(s) for s in args.time_limit.split(","))
    for kind in [k.strip() for k in args.kinds.split(",") if k.strip()]:
        plan = Plan.model_validate(generate(kind, args.seed))
        for limit in limits:
            print(f"{kind}: product solver, {limit:g} s ...", file=sys.stderr, flush=True)
            ours = product_row(plan, limit)
            cbc = None
            if not args.no_pulp and limit == limits[-1]:
                print(f"{kind}: PuLP/CBC hourly ...", file=sys.stderr, flush=True)
                cbc = cbc_row(kind, args.seed, limit)
            rows.append(row(kind, limit, ours, cbc))
            print("  ".join(rows[-1]), file=sys.stderr, flush=True)  # survives an interrupted run
    render(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
