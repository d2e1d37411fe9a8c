"""Scenarios: copies of one plan with some fields overridden, each validated like the file itself.

A scenario never changes its base plan (plans are immutable): it is built from the base's raw data
(`Plan.model_dump`) plus ``"path=value"`` overrides, validated by `plan_from_data`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import PlanError, Problem
from ..load import apply_overrides, plan_from_data
from ..schema import Plan

__all__ = ["Scenario", "scenarios", "plan_data", "split_values", "parse_vary", "plan_key"]

Axes = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Scenario:
    """One what-if: a name, the overrides that make it, and the validated Plan they give."""

    name: str
    overrides: tuple[str, ...]
    plan: Plan
    values: tuple[tuple[str, str], ...] = ()
    """(field path, value) for each axis of a sweep, in axis order."""

    @property
    def key(self) -> str:
        """Identical plans have identical keys, however their overrides were spelt."""
        return plan_key(self.plan)


def plan_data(plan: Plan | Mapping[str, Any]) -> dict[str, Any]:
    """Raw, JSON-safe data of a plan: what crosses process boundaries and what overrides apply to."""
    if isinstance(plan, Plan):
        return plan.model_dump(mode="json", by_alias=True)
    return dict(plan)


def plan_key(plan: Plan) -> str:
    """A canonical text of a validated plan (units normalised), for spotting identical scenarios."""
    return json.dumps(plan.model_dump(mode="json", by_alias=True), sort_keys=True)


def build(data: Mapping[str, Any], overrides: Sequence[str], name: str | None = None) -> Scenario:
    """One scenario from raw plan data and overrides; PlanError names the override that broke it."""
    overrides = tuple(overrides)
    label = name or (", ".join(overrides) if overrides else "base")
    try:
        plan = plan_from_data(apply_overrides(dict(data), overrides))
    except PlanError as exc:
        raise PlanError([_blame(p, overrides, label) for p in exc.problems]) from None
    return Scenario(label, overrides, plan)


def _blame(problem: Problem, overrides: tuple[str, ...], label: str) -> Problem:
    """Name the override a problem comes from: the one whose path holds the field, or lies under it."""
    if problem.field.startswith("--set "):  # apply_overrides already names it
        return problem
    field = problem.field

    def related(path: str) -> bool:
        return field == path or field.startswith(path + ".") or path.startswith(field + ".")

    owners = [o for o in overrides if related(_path(o))]
    if not owners:
        return Problem(field, f"{problem.message} (scenario {label})", problem.file, problem.line, problem.column)
    owner = max(owners, key=lambda o: len(_path(o)))
    return Problem(f"override {owner}", f"{field}: {problem.message}")


def _path(override: str) -> str:
    return override.split("=", 1)[0].strip()


def scenarios(plan: Plan | Mapping[str, Any], axes: Axes, paired: bool = False) -> list[Scenario]:
    """Every combination of the axes' values (or, with `paired`, the i-th value of every axis together).

    Parameters
    ----------
    plan: the base plan, or its raw data (e.g. from `plan_data`).
    axes: field path -> values, e.g. ``{"links.wan.bandwidth": ["10 Gbps", "40 Gbps"]}``.
    paired: zip the axes instead of taking their product; they must then have equal lengths.

    Raises PlanError naming each override (path=value) that makes an invalid plan, and for
    paired axes of unequal lengths or an axis without values.
    """
    data = plan_data(plan)
    _check_axes(axes, paired)
    paths = list(axes)
    combos = zip(*axes.values(), strict=True) if paired else itertools.product(*axes.values())
    out: list[Scenario] = []
    problems: list[Problem] = []
    for combo in combos:
        values = tuple(zip(paths, (str(v) for v in combo), strict=True))
        overrides = tuple(f"{p}={v}" for p, v in values)
        try:
            scenario = build(data, overrides)
        except PlanError as exc:
            problems.extend(p for p in exc.problems if str(p) not in {str(q) for q in problems})
            continue
        out.append(Scenario(scenario.name, overrides, scenario.plan, values))
    if problems:
        raise PlanError(problems)
    return out


def _check_axes(axes: Axes, paired: bool) -> None:
    problems = [Problem(f"--vary {p}", "has no values") for p, values in axes.items() if not values]
    lengths = {p: len(v) for p, v in axes.items()}
    if paired and len(set(lengths.values())) > 1:
        counts = ", ".join(f"{p} has {n}" for p, n in lengths.items())
        problems.append(Problem("--paired", f"paired axes need the same number of values: {counts}"))
    if problems:
        raise PlanError(problems)


_DOLLARS = re.compile(r"\$\s*\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def split_values(text: str) -> list[str]:
    """Split one `--vary` value list into values.

    With a ``;`` anywhere, values are separated by ``;`` only (``$1,200;$2,400``). Otherwise by
    commas, except the thousands commas of a dollar amount (``$1,200,$2,400`` is two values). A plain
    ``100,200`` is two values: write ``100200`` or use ``;`` for a number with grouping commas.
    """
    if ";" in text:
        parts = text.split(";")
    else:
        parts, last = [], 0
        protected = [m.span() for m in _DOLLARS.finditer(text)]
        for i, char in enumerate(text):
            if char == "," and not any(a < i < b for a, b in protected):
                parts.append(text[last:i])
                last = i + 1
        parts.append(text[last:])
    return [p.strip() for p in parts]


def parse_vary(options: Sequence[str]) -> dict[str, list[str]]:
    """``["links.wan.bandwidth=10 Gbps,40 Gbps", ...]`` -> axes; PlanError for malformed options."""
    axes: dict[str, list[str]] = {}
    problems = []
    for option in options:
        path, sep, rest = option.partition("=")
        path = path.strip()
        values = split_values(rest) if sep else []
        if not sep or not path:
            problems.append(
                Problem(f"--vary {option}", "expected PATH=V1,V2,..., e.g. links.wan.bandwidth=10Gbps,40Gbps")
            )
        elif path in axes:
            problems.append(Problem(f"--vary {option}", f"'{path}' is varied twice: give all its values in one --vary"))
        elif any(v == "" for v in values):
            problems.append(Problem(f"--vary {option}", "has an empty value (a stray ',' or ';'?)"))
        else:
            axes[path] = values
    if problems:
        raise PlanError(problems)
    return axes
