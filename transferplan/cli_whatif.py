"""The what-if commands `compare`, `sweep` and `frontier`, registered on `transferplan.cli.main`.

Thin: they read options, call `transferplan.whatif`, and print. Exit statuses as for `solve`:
0 done, 1 internal error (including a plan that fails verification), 2 invalid plan, override or
option (also a missing Dask extra or an unreachable scheduler), 3/4 for `frontier` when even the
fastest solve is infeasible / runs out of time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .cli import internal_errors, main, plan_argument, read_plan, save_report, set_option

F = TypeVar("F", bound=Callable[..., Any])

ROW_FORMATS = click.Choice(["table", "json", "csv"])


def run_options(func: F) -> F:
    """Where and how long to solve: shared by every what-if command."""
    options = [
        click.option(
            "--executor",
            "address",
            metavar="ADDRESS",
            help="Solve on a Dask cluster, e.g. tcp://scheduler:8786 (needs: pip install 'transferplan[dask]').",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            metavar="N",
            help="Local worker processes (default: one per core; 1 solves in this process).",
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            metavar="SECONDS",
            help="Time limit of each solve.",
        ),
        click.option("--backend", type=click.Choice(["auto", "highs", "scip"]), default="auto", show_default=True),
        click.option(
            "--format",
            "output",
            type=ROW_FORMATS,
            default="table",
            show_default=True,
            help="table for people, json or csv for programs (stdout).",
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress on stderr."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def second_look_option(func: F) -> F:
    return click.option(
        "--second-look/--no-second-look",
        default=True,
        show_default=True,
        help="Then solve again, from that plan, each scenario whose answer another scenario's plan beats when "
        "the verifier replays it there (a looser deadline never shows a dearer plan than a tighter one that "
        "meets it). At most one round of solves more.",
    )(func)


def warm_option(func: F) -> F:
    return click.option(
        "--warm",
        is_flag=True,
        help="Solve the first scenario first and start every other from its plan (as solve --warm-start): none "
        "is worse than that plan run under it. Put first the value that keeps it runnable (the smallest budget "
        "or fleet). At most one round of solves more.",
    )(func)


def report_option(func: F) -> F:
    return click.option(
        "--report",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE.html",
        help="Also write a self-contained HTML chart (opens offline).",
    )(func)


@contextmanager
def executor_at(address: str | None) -> Iterator[Executor | None]:
    """Dask's executor for the scheduler at `address` (None: the local pool); exit 2 if unusable."""
    if address is None:
        yield None
        return
    try:
        from dask.distributed import Client
    except ImportError:
        click.echo("--executor needs Dask: pip install 'transferplan[dask]'", err=True)
        sys.exit(2)
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        click.echo(f"--executor {address}: cannot connect to the Dask scheduler: {exc}", err=True)
        sys.exit(2)
    try:
        yield client.get_executor()
    finally:
        client.close()


@contextmanager
def progress_bar(quiet: bool, what: str) -> Iterator[Callable[[int, int, Any], None] | None]:
    """A transient progress bar on stderr when it is a terminal; else nothing."""
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(what, total=None, last="")

        def update(done: int, total: int, row: Any) -> None:
            bar.update(task, completed=done, total=total, last=f"{row.name}: {row.status}")

        yield update


def _unverified(rows: Sequence[Any]) -> None:
    """A plan that fails the independent verifier is our bug: say so and exit 1."""
    bad = [r.name for r in rows if r.makespan_hours is not None and r.verified is False]
    if bad:
        click.echo(f"internal error: failed independent verification: {', '.join(bad)} -- please report it", err=True)
        sys.exit(1)


def _write(text: str, path: Path, quiet: bool) -> None:
    save_report(path, lambda target: target.write_text(text, encoding="utf-8"), quiet)


@click.command()
@plan_argument
@click.option(
    "--vary",
    "vary",
    multiple=True,
    required=True,
    metavar="PATH=V1,V2,...",
    help="A field and the values to try; repeat for more fields. Separate values by ',' or, when a value "
    "holds a comma, by ';' ('$1,200;$2,400'). Dollar amounts keep their thousands commas.",
)
@click.option(
    "--paired", is_flag=True, help="Take the i-th value of every --vary together instead of all combinations."
)
@set_option
@run_options
@warm_option
@second_look_option
@report_option
def sweep(
    plan_file: Path,
    vary: tuple[str, ...],
    paired: bool,
    overrides: tuple[str, ...],
    address: str | None,
    workers: int | None,
    time_limit: float,
    backend: str,
    output: str,
    quiet: bool,
    warm: bool,
    second_look: bool,
    report: Path | None,
) -> None:
    """Solve the plan once for every combination of the --vary values, in parallel, best first.

    Each scenario is the plan with its values set (like --set) and is validated like the file; identical
    scenarios are solved once. Solves run on all local cores, or on a Dask cluster with --executor
    (its workers need transferplan installed).

    \b
    Values of one --vary:
      10 Gbps,40 Gbps     split on commas
      $1,200,$2,400       a dollar amount keeps its thousands commas: two values
      $1,200;$2,400       with a ';' anywhere, split on ';' only (for any value holding a comma)
      100,200             two values (plain numbers are never grouped: write 100200)

    \b
    Example:
      transferplan sweep examples/quick-start.yaml \\
          --vary links.wan.bandwidth="10 Gbps,40 Gbps" --vary drives.ssd-30.fleet.lab=2,4,8
      transferplan sweep plan.yaml --vary budget='$1,200;$2,400' --vary deadline="10 days;14 days" --paired
      transferplan sweep plan.yaml --vary budget='$10,000;$15,000;$20,000' --warm
      transferplan sweep plan.yaml --vary routes.van.departures.every="12 h,24 h" --format csv > sweep.csv
      transferplan sweep plan.yaml --vary links.wan.bandwidth=10Gbps,40Gbps --executor tcp://scheduler:8786
    """
    from .whatif import parse_vary
    from .whatif import sweep as run_sweep

    with internal_errors():
        plan = read_plan(plan_file, overrides)
        axes = parse_vary(vary)
        with executor_at(address) as executor, progress_bar(quiet, "sweep") as progress:
            result = run_sweep(
                plan,
                axes,
                paired=paired,
                executor=executor,
                workers=workers,
                time_limit=time_limit,
                backend=backend,
                progress=progress,
                warm=warm,
                second_look=second_look,
            )
        if output == "json":
            click.echo(result.to_json())
        elif output == "csv":
            click.echo(result.to_csv(), nl=False)
        else:
            from .whatif.tables import console, sweep_table

            console().print(sweep_table(result))
        if report is not None:
            from .whatif.charts import sweep_html

            _write(sweep_html(result), report, quiet)
    _unverified(result.rows)


@click.command()
@click.argument(
    "plan_files", metavar="PLAN...", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@set_option
@run_options
@warm_option
@second_look_option
def compare(
    plan_files: tuple[Path, ...],
    overrides: tuple[str, ...],
    address: str | None,
    workers: int | None,
    time_limit: float,
    backend: str,
    output: str,
    quiet: bool,
    warm: bool,
    second_look: bool,
) -> None:
    """Solve several plans and show them side by side, in the order given.

    For each: makespan, cost, share sent online, drives and trips used, and the binding limit: the
    resources the schedule uses to the full (a saturated link, full bays, every drive or departure in
    use, a whole courier pool, a deadline or budget met with no slack), read off the result.

    \b
    Example:
      transferplan compare plans/one-courier.yaml plans/two-couriers.yaml
      transferplan compare a.yaml b.yaml --set objective=cost --format json
      transferplan compare plan.yaml plan-40g.yaml plan-more-drives.yaml --warm
    """
    from .whatif import compare as run_compare

    with internal_errors():
        plans = [read_plan(path, overrides) for path in plan_files]
        with executor_at(address) as executor, progress_bar(quiet, "compare") as progress:
            rows = run_compare(
                plans,
                executor=executor,
                workers=workers,
                time_limit=time_limit,
                backend=backend,
                progress=progress,
                warm=warm,
                second_look=second_look,
            )
        rows = [row.model_copy(update={"name": str(path)}) for row, path in zip(rows, plan_files, strict=True)]
        if output == "json":
            click.echo(json.dumps({"rows": [r.model_dump(mode="json") for r in rows]}, indent=2))
        elif output == "csv":
            from .whatif.sweep import records_csv

            click.echo(records_csv([r.record() for r in rows]), nl=False)
        else:
            from .whatif.tables import compare_table, console

            console().print(compare_table(rows))
    _unverified(rows)


@click.command()
@plan_argument
@set_option
@click.option(
    "--points",
    type=click.IntRange(min=0),
    default=6,
    show_default=True,
    help="Deadlines tried evenly between the fastest and the cheapest plan.",
)
@click.option(
    "--refine",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Rounds of solves half-way between neighbouring points, to find steps in the frontier.",
)
@run_options
@second_look_option
@report_option
def frontier(
    plan_file: Path,
    overrides: tuple[str, ...],
    points: int,
    refine: int,
    address: str | None,
    workers: int | None,
    time_limit: float,
    backend: str,
    output: str,
    quiet: bool,
    second_look: bool,
    report: Path | None,
) -> None:
    """The cost/time frontier: the cheapest plan for each delivery time, fastest first.

    Every point is a real, verified solve; nothing is both faster and cheaper. "per day saved" is what
    a point costs over the next slower one for each day it saves.

    \b
    Example:
      transferplan frontier examples/quick-start.yaml
      transferplan frontier examples/gpu-onboarding.yaml --points 10 --report frontier.html
    """
    from .whatif import frontier as run_frontier

    with internal_errors():
        plan = read_plan(plan_file, overrides)
        with executor_at(address) as executor, progress_bar(quiet, "frontier") as progress:
            found = run_frontier(
                plan,
                points=points,
                refine=refine,
                executor=executor,
                workers=workers,
                time_limit=time_limit,
                backend=backend,
                progress=progress,
                second_look=second_look,
            )
        _print_frontier(plan.name, found, output)
        if report is not None:
            from .whatif.charts import frontier_html

            _write(frontier_html(found, plan.name), report, quiet)
    bad = [p.label for p in found if p.verified is not True]
    if bad:
        click.echo(f"internal error: failed independent verification: {', '.join(bad)} -- please report it", err=True)
        sys.exit(1)


def _print_frontier(name: str, found: Sequence[Any], output: str) -> None:
    from .whatif.frontier import frontier_csv, frontier_records
    from .whatif.tables import console, frontier_table

    if output == "json":
        click.echo(json.dumps({"plan": name, "points": frontier_records(found)}, indent=2))
    elif output == "csv":
        click.echo(frontier_csv(found), nl=False)
    else:
        console().print(frontier_table(name, found))


for _command in (compare, sweep, frontier):
    main.add_command(_command)
