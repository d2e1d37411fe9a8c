"""The `transferplan` command: thin click commands; the only place exit statuses are set."""

from __future__ import annotations

import io
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console

from .errors import PlanError, TransferplanError
from .load import load
from .result import Result
from .schema import Plan
from .units import format_duration, human_duration, human_rate, human_size

F = TypeVar("F", bound=Callable[..., Any])


def _fail(error: TransferplanError) -> None:
    """Print an error for a person (stderr) and exit with its status."""
    click.echo(str(error), err=True)
    if isinstance(error, PlanError):
        count = len(error.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was solved.", err=True)
    sys.exit(error.exit_code)


def plan_argument(func: F) -> F:
    """The PLAN file argument shared by every command that reads a plan."""
    return click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))(func)


def set_option(func: F) -> F:
    """`--set path=value`, shared by every command that reads a plan."""
    return click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="PATH=VALUE",
        help="Override one field for this run, e.g. --set links.wan.bandwidth='40 Gbps'.",
    )(func)


def plan_field_options(func: F) -> F:
    """`--objective/--deadline/--budget/--resolution`: the plan's top-level fields, applied like `--set`."""
    options = [
        click.option("--objective", type=click.Choice(["makespan", "cost"]), help="Override the plan's objective."),
        click.option("--deadline", metavar="D", help="Override the plan-wide deadline, e.g. '14 days' or '08:00'."),
        click.option("--budget", metavar="B", help="Override the budget, e.g. 200000 or '$200,000'."),
        click.option("--resolution", metavar="D", help="Override the planner's time step, e.g. '2 h'."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def field_overrides(overrides: tuple[str, ...], **fields: str | None) -> tuple[str, ...]:
    """`--set` overrides followed by the top-level field options given, which win."""
    return overrides + tuple(f"{name}={value}" for name, value in fields.items() if value is not None)


@contextmanager
def internal_errors() -> Iterator[None]:
    """Our errors exit with their status; anything else is a bug: one line and exit 1."""
    try:
        yield
    except TransferplanError as exc:
        if exc.exit_code != 1:
            _fail(exc)
        _internal(exc)  # a SolverError is our fault, not the plan's
    except click.ClickException:
        raise
    except Exception as exc:
        _internal(exc)


def _internal(exc: Exception) -> None:
    """Say that an internal error happened, in one line (the traceback only with TRANSFERPLAN_DEBUG=1), exit 1."""
    if os.environ.get("TRANSFERPLAN_DEBUG") == "1":
        traceback.print_exc()
    first = (str(exc).strip().splitlines() or [""])[0]
    click.echo(
        f"internal error: {type(exc).__name__}: {first} -- please report it (TRANSFERPLAN_DEBUG=1 shows the traceback)",
        err=True,
    )
    sys.exit(1)


def read_plan(plan_file: Path, overrides: tuple[str, ...] = ()) -> Plan:
    """Load a plan or exit 2 with every problem located."""
    try:
        return load(plan_file, overrides)
    except PlanError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="transferplan")
def main() -> None:
    """Plan the fastest or cheapest mix of network transfer and drive shipments.

    \b
    Example:
      transferplan solve examples/quick-start.yaml
    """


@main.command()
@plan_argument
@set_option
def validate(plan_file: Path, overrides: tuple[str, ...]) -> None:
    """Check a plan file and summarise what it contains (exit 2 with every problem if invalid).

    \b
    Example:
      transferplan validate examples/gpu-onboarding.yaml
    """
    plan = read_plan(plan_file, overrides)
    for line in summary_lines(plan):
        click.echo(line)


def summary_lines(plan: Plan) -> list[str]:
    """A short description of a valid plan, one line per section."""
    total = sum(d.size for d in plan.datasets.values())
    drives = sum(sum(t.fleet.values()) for t in plan.drives.values())
    couriers = sum(sum(p.fleet.values()) for p in plan.couriers.values())
    lines = [
        f"{plan_file_name(plan)}: valid plan '{plan.name}', objective {plan.objective}",
        f"  sites     {len(plan.sites)}: {', '.join(plan.sites)}",
        f"  datasets  {len(plan.datasets)}, {human_size(total)} in all",
    ]
    for name, link in plan.links.items():
        window = f", windows {', '.join(map(str, link.windows))}" if link.windows else ""
        lines.append(f"  link      {name}: {link.from_} -> {link.to}, {human_rate(float(link.rate))} effective{window}")
    if plan.drives:
        lines.append(f"  drives    {drives} in {len(plan.drives)} type(s): {', '.join(plan.drives)}")
    if plan.couriers:
        lines.append(f"  couriers  {couriers} in {len(plan.couriers)} pool(s): {', '.join(plan.couriers)}")
    for name, route in plan.routes.items():
        lines.append(f"  route     {name}: {route.from_} -> {route.to}, transit {format_duration(route.transit)}")
    if plan.deadline is not None:
        lines.append(f"  deadline  {plan.deadline}")
    if plan.budget is not None:
        lines.append(f"  budget    {plan.budget} {plan.currency}")
    return lines


def plan_file_name(plan: Plan) -> str:
    return plan._filename or "<plan>"


@main.command()
def schema() -> None:
    """Print the JSON Schema of the plan format, for editors to autocomplete plan files.

    \b
    Example:
      transferplan schema > plan.schema.json
    """
    click.echo(json.dumps(Plan.model_json_schema(by_alias=True), indent=2))


EXIT_STATUS = {"optimal": 0, "feasible": 0, "infeasible": 3, "unknown": 4}


@main.command()
@plan_argument
@set_option
@plan_field_options
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table: for people; json: the result of the plan format; csv: the schedule, one row per event.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.html",
    help="Also write a self-contained HTML report (timeline, delivery, shipments) that opens offline.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop after this long with the best plan so far (exit 4 if there is none yet). Default: the solver's, 60 s.",
)
@click.option(
    "--backend",
    type=click.Choice(["auto", "highs", "scip"]),
    default="auto",
    show_default=True,
    help="Solver: auto = HiGHS; scip = SCIP through OR-Tools.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes at once: 2 runs the lower bound beside the search for plans, 1 one after the other. "
    "Default: 2 on a machine with two cores or more.",
)
@click.option("--no-baselines", is_flag=True, help="Skip the network-only and shipping-only comparison solves.")
@click.option(
    "--warm-start",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="RESULT.json",
    help="Start from a plan solved before (--format json), of this plan or a variant of it: its drives' "
    "trips are timed for this plan first, so the answer is never worse than that plan run here.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress or notes on stderr (errors are still shown).")
def solve(
    plan_file: Path,
    overrides: tuple[str, ...],
    objective: str | None,
    deadline: str | None,
    budget: str | None,
    resolution: str | None,
    output: str,
    report: Path | None,
    time_limit: float | None,
    backend: str,
    workers: int | None,
    no_baselines: bool,
    warm_start: Path | None,
    quiet: bool,
) -> None:
    """Find the fastest (or cheapest) mix of network transfer and drive shipments for a plan.

    Progress is shown on stderr while solving when it is a terminal; stdout holds only the result.

    \b
    Exit status:
      0  a plan was found (optimal, or the best within --time-limit)
      1  internal error (please report it)
      2  the plan or an option is invalid
      3  no plan can meet the constraints (the table says why)
      4  the time limit ran out before any plan was found

    \b
    Example:
      transferplan solve examples/quick-start.yaml
      transferplan solve examples/gpu-onboarding.yaml --deadline "10 days" --report onboarding.html
      transferplan solve plan.yaml --set links.wan.bandwidth="40 Gbps" --format json > result.json
      transferplan solve plan.yaml --set links.wan.bandwidth="40 Gbps" --warm-start result.json
    """
    fields = {"objective": objective, "deadline": deadline, "budget": budget, "resolution": resolution}
    with internal_errors():
        plan = read_plan(plan_file, field_overrides(overrides, **fields))
        options: dict[str, Any] = {"backend": backend, "baselines": not no_baselines, "workers": workers}
        if warm_start is not None:
            options["warm_start"] = read_result(warm_start, "nothing to start from")
        result = _solve_with_progress(plan, time_limit, quiet, options)
        _print_result(result, output)
        if report is not None:
            _write_report(result, report, quiet)
    if result.found and result.verified is False:
        click.echo("internal error: the plan failed independent verification -- please report it", err=True)
        sys.exit(1)
    sys.exit(EXIT_STATUS[result.status])


def _solve_with_progress(plan: Plan, time_limit: float | None, quiet: bool, options: dict[str, Any]) -> Result:
    """Run the solver with `options`, with a transient status line on stderr when it is a terminal."""
    from .solve import solve as run_solve  # imported here: the solver stack is slow to import

    options = dict(options)
    if time_limit is not None:  # otherwise the solver's own default limit applies
        options["time_limit"] = time_limit
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        return run_solve(plan, **options)
    with console.status("solving...", spinner="dots") as status:

        def show(progress: Any) -> None:
            status.update(progress_line(progress))

        return run_solve(plan, progress=show, **options)


def progress_line(progress: Any) -> str:
    """One line of live progress, e.g. ``"search: checking 312 h: feasible | best 13 d | bound 12 d | 4 s"``."""
    parts = [f"{progress.phase}: {progress.message}"]
    if progress.best_makespan_hours is not None:
        parts.append(f"best {human_duration(progress.best_makespan_hours)}")
    if progress.lower_bound_hours is not None:
        parts.append(f"bound {human_duration(progress.lower_bound_hours)}")
    parts.append(f"{progress.elapsed_seconds:.0f} s")
    return " | ".join(parts)


def _print_result(result: Result, output: str) -> None:
    """The result on stdout in the chosen format: JSON and CSV are plain text, never through rich."""
    from .report import render, write_csv

    if output == "json":
        click.echo(result.to_json())
    elif output == "csv":
        buffer = io.StringIO()
        write_csv(result, buffer)
        click.echo(buffer.getvalue(), nl=False)
        if not result.found:
            click.echo(f"no plan ({result.status}): " + " ".join(result.explanation), err=True)
    else:
        render(result, Console(highlight=False))


def _write_report(result: Result, path: Path, quiet: bool) -> None:
    from .report import write_report

    save_report(path, lambda target: write_report(result, target), quiet)


def save_report(path: Path, write: Callable[[Path], object], quiet: bool) -> None:
    """Write a report with `write(path)`; a path that cannot be written exits 2 with the reason."""
    try:
        write(path)
    except OSError as exc:
        click.echo(f"{path}: cannot write the report: {exc.strerror}", err=True)
        sys.exit(2)
    if not quiet:
        click.echo(f"report written to {path}", err=True)


@main.command()
@plan_argument
@click.argument("result_file", metavar="RESULT.json", type=click.Path(dir_okay=False, path_type=Path))
@set_option
@plan_field_options
def verify(
    plan_file: Path,
    result_file: Path,
    overrides: tuple[str, ...],
    objective: str | None,
    deadline: str | None,
    budget: str | None,
    resolution: str | None,
) -> None:
    """Replay a saved result against its plan in continuous time, independently of the solver.

    Give the same overrides as the solve that made the result.

    \b
    Exit status:
      0  the schedule keeps every rule of the plan ("OK: ...")
      1  internal error (please report it)
      2  the plan is invalid, or RESULT.json is unreadable or holds no plan
      3  the schedule violates the plan (each violation is printed)

    \b
    Example:
      transferplan solve examples/quick-start.yaml --format json > result.json
      transferplan verify examples/quick-start.yaml result.json
    """
    fields = {"objective": objective, "deadline": deadline, "budget": budget, "resolution": resolution}
    with internal_errors():
        plan = read_plan(plan_file, field_overrides(overrides, **fields))
        result = read_result(result_file)
        from .verify import verify as replay

        outcome = replay(plan, result)
    if not outcome.ok:
        count = len(outcome.violations)
        click.echo(f"{result_file}: {count} violation{'s' if count != 1 else ''} of {plan_file_name(plan)}:")
        for violation in outcome.violations:
            click.echo(f"  - {violation}")
        sys.exit(3)
    events = sum(len(d.events) for d in result.drives)
    departures = sum(len(r.departures) for r in result.routes)
    transfers = sum(len(link.transfers) for link in result.links)
    landed = "" if outcome.makespan_hours is None else f"; all delivered by {human_duration(outcome.makespan_hours)}"
    counted = (
        f"{_count(events, 'drive event')}, {_count(departures, 'departure')} and {_count(transfers, 'link transfer')}"
    )
    click.echo(f"OK: {counted} replayed in continuous time{landed}; no violations")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def read_result(result_file: Path, purpose: str = "nothing to verify") -> Result:
    """Read a saved JSON result or exit 2 saying why it cannot be used (`purpose`: for what, when it
    holds no plan)."""
    try:
        result = Result.from_json(result_file.read_text(encoding="utf-8"))
    except OSError as exc:
        _unusable(result_file, f"cannot read it: {exc.strerror}")
    except ValueError as exc:  # pydantic's ValidationError, also for text that is not JSON
        first = str(exc).splitlines()
        _unusable(result_file, f"not a transferplan JSON result ({first[1].strip() if len(first) > 1 else exc})")
    if not result.found:
        _unusable(result_file, f"holds no plan (status {result.status}): {purpose}")
    return result


def _unusable(result_file: Path, why: str) -> NoReturn:
    click.echo(f"{result_file}: {why}", err=True)
    sys.exit(2)


from . import cli_whatif  # noqa: E402, F401  (registers compare, sweep and frontier on `main`)
