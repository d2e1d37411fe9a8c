"""The `transferplan` command: thin click commands; the only place exit statuses are set."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import PlanError, TransferplanError
from .load import load
from .schema import Plan
from .units import format_duration, human_rate, human_size

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
