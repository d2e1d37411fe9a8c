"""Read plan files: YAML 1.2 with line marks, `--set` overrides, and located validation errors.

Every problem in a file is reported at once as ``file:line:col: field.path: message``.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML, CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import PlanError, Problem
from .schema import DEFER_REFERENCES, Departures, Plan, reference_problems

__all__ = ["load", "loads", "plan_from_data", "apply_overrides", "Positions"]

Loc = tuple[str | int, ...]
Positions = dict[Loc, tuple[int, int]]
"""Field path -> (line, column), 1-based; the value's position, and ``path + ("<key>",)`` the key's."""


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Plan:
    """Load and validate a plan file; `overrides` are ``"path=value"`` strings applied first.

    Raises PlanError listing every problem with file, line, column and field.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError([Problem("", f"cannot read the plan: {exc.strerror}", file=str(path))]) from None
    except UnicodeDecodeError as exc:
        message = (
            f"cannot read the plan: it is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
        )
        raise PlanError([Problem("", message, file=str(path))]) from None
    return loads(text, filename=str(path), overrides=overrides)


def loads(text: str, filename: str = "<plan>", overrides: list[str] | tuple[str, ...] = ()) -> Plan:
    """Load and validate a plan from YAML text (see `load`)."""
    data, positions = _parse_yaml(text, filename)
    data = apply_overrides(data, overrides)
    _mark_overrides(positions, overrides)
    return plan_from_data(data, positions, filename)


def _parse_yaml(text: str, filename: str) -> tuple[Any, Positions]:
    yaml = YAML(typ="rt")  # round-trip: YAML 1.2, line marks, duplicate keys are errors
    yaml.version = (1, 2)
    try:
        node = yaml.load(io.StringIO(text))
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        where = (mark.line + 1, mark.column + 1) if mark else (None, None)
        fallback = Problem("", "invalid YAML: a key is given twice", filename, *where)
        raise PlanError(_duplicate_keys(text, filename) or [fallback]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise PlanError([Problem("", f"invalid YAML: {message}", filename, line, col)]) from None
    if node is None:
        raise PlanError([Problem("", "the plan is empty: expected `sites` and `datasets`", filename, 1, 1)])
    if not isinstance(node, CommentedMap):
        raise PlanError([Problem("", "expected a mapping of sections such as `sites:`", filename, 1, 1)])
    positions: Positions = {(): (1, 1)}
    return _plain(node, (), positions), positions


def _duplicate_keys(text: str, filename: str) -> list[Problem]:
    """Every key given twice in its mapping, each at its second occurrence, with the first's line."""
    problems: list[Problem] = []
    seen_nodes: set[int] = set()

    def walk(node: Any, loc: Loc) -> None:
        if id(node) in seen_nodes:
            return
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
                if key in first:
                    line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    message = f"the key '{key}' is given twice (first on line {first[key]})"
                    problems.append(Problem(".".join(map(str, (*loc, key))), message, filename, line, col))
                else:
                    first[key] = key_node.start_mark.line + 1
                walk(value_node, (*loc, key))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*loc, i))

    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    walk(yaml.compose(io.StringIO(text)), ())
    return problems


def _plain(node: Any, loc: Loc, positions: Positions) -> Any:
    """Plain Python data from ruamel nodes, recording each value's and key's position."""
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            value_pos = node.lc.value(key) if key in node.lc.data else None
            key_pos = node.lc.key(key) if key in node.lc.data else None
            if key_pos:
                positions[(*loc, key, "<key>")] = (key_pos[0] + 1, key_pos[1] + 1)
            if value_pos:
                positions[(*loc, key)] = (value_pos[0] + 1, value_pos[1] + 1)
            out[str(key)] = _plain(node[key], (*loc, str(key)), positions)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            if i in node.lc.data:
                line, col = node.lc.item(i)
                positions[(*loc, i)] = (line + 1, col + 1)
            items.append(_plain(item, (*loc, i), positions))
        return items
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, datetime | date):
        # A YAML timestamp: keep the text form so a missing time zone is reported, not assumed.
        return node.isoformat() if isinstance(node, datetime) else str(node)
    if isinstance(node, str):
        return str(node)
    return node


def apply_overrides(data: Any, overrides: list[str] | tuple[str, ...]) -> Any:
    """Apply ``"links.wan.bandwidth=40 Gbps"`` overrides to raw plan data (a changed copy).

    The value is read as YAML, so ``budget=200000`` is a number and ``name=no`` stays a string.
    Raises PlanError naming the override when its path does not exist.
    """
    if not overrides:
        return data
    data = _copy(data)
    problems = []
    for text in overrides:
        try:
            path, value = _split_override(text)
            _set_path(data, path, value)
        except ValueError as exc:
            problems.append(Problem(f"--set {text}", str(exc)))
    if problems:
        raise PlanError(problems)
    return data


_FROM_SET = (0, 0)
"""Position of a value that came from `--set`, not from the file."""


def _mark_overrides(positions: Positions, overrides: list[str] | tuple[str, ...]) -> None:
    """Point errors in overridden values at `--set`, not at the file line they replaced."""
    for text in overrides:
        path = tuple(p for p in text.split("=", 1)[0].strip().split(".") if p)
        for loc in [loc for loc in positions if loc[: len(path)] == path]:
            del positions[loc]
        positions[path] = _FROM_SET


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


def _split_override(text: str) -> tuple[list[str], Any]:
    if "=" not in text:
        raise ValueError("expected PATH=VALUE, e.g. links.wan.bandwidth='40 Gbps'")
    path, raw = text.split("=", 1)
    parts = [p for p in path.strip().split(".") if p]
    if not parts:
        raise ValueError("the path before '=' is empty")
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    try:
        value = yaml.load(raw) if raw.strip() else ""
    except Exception:  # a value that is not YAML is taken as the text the user typed
        value = raw
    if isinstance(value, datetime | date):
        value = raw.strip()
    return parts, value


def _set_path(data: Any, parts: list[str], value: Any) -> None:
    node = data
    for depth, part in enumerate(parts[:-1]):
        if not isinstance(node, dict) or part not in node:
            known = list(node) if isinstance(node, dict) else []
            close = difflib.get_close_matches(part, known, n=1)
            hint = f" (did you mean '{'.'.join([*parts[:depth], close[0]])}'?)" if close else ""
            where = ".".join(parts[: depth + 1])
            raise ValueError(f"'{where}' is not in the plan{hint}")
        node = node[part]
    if not isinstance(node, dict):
        raise ValueError(f"'{'.'.join(parts[:-1])}' is not a section that holds fields")
    node[parts[-1]] = value


def plan_from_data(data: Any, positions: Positions | None = None, filename: str | None = None) -> Plan:
    """Validate raw plan data into a Plan, reporting every problem with its position."""
    positions = positions or {}
    problems: list[Problem] = []
    plan = None
    try:
        plan = Plan.model_validate(data, context={DEFER_REFERENCES: True})
    except ValidationError as exc:
        problems.extend(_problem(err, data, positions, filename) for err in exc.errors())
    for loc, message in reference_problems(data):
        # A fleet names its site in a key: point at the key, not at the count.
        at_key = len(loc) == 4 and loc[2] == "fleet"
        problems.append(_located(loc, message, positions, filename, key=at_key))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise PlanError(_unique(problems))
    assert plan is not None
    plan._positions = positions
    plan._filename = filename
    return plan


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def _located(loc: Loc, message: str, positions: Positions, filename: str | None, key: bool = False) -> Problem:
    field = ".".join(str(p) for p in loc)
    probe = loc
    while probe not in positions and probe:
        probe = probe[:-1]
    if key and (*loc, "<key>") in positions:
        probe = (*loc, "<key>")
    if positions.get(probe) == _FROM_SET:
        return Problem(field, f"{message} (from --set)", filename)
    line, col = positions.get(probe, (None, None))
    return Problem(field, message, filename, line, col)


def _problem(err: Any, data: Any, positions: Positions, filename: str | None) -> Problem:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
    kind = err["type"]
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        known = _known_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"unknown key '{loc[-1]}'{hint}; expected one of: {', '.join(known)}"
        return _located(loc, message, positions, filename, key=True)
    if kind == "missing":
        parent = _located(loc[:-1], "", positions, filename)
        return Problem(".".join(map(str, loc)), "is required but missing", filename, parent.line, parent.column)
    if kind in ("dict_type", "model_type") and err.get("input") is None:
        message = "is empty: expected a mapping of fields"
    elif kind in _PLAIN_MESSAGES:
        message = _PLAIN_MESSAGES[kind](err.get("input"), err.get("ctx") or {})
    elif kind in ("dict_type", "model_type"):
        message = f"expected a mapping of fields, got {err.get('input')!r}"
    return _located(loc, message, positions, filename)


def _literal(value: Any, ctx: dict[str, Any]) -> str:
    choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    close = difflib.get_close_matches(str(value), choices, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"expected {ctx.get('expected')}, got {value!r}{hint}"


_PLAIN_MESSAGES: dict[str, Callable[[Any, dict[str, Any]], str]] = {
    "int_parsing": lambda v, ctx: f"expected a whole number, got {v!r}",
    "int_type": lambda v, ctx: f"expected a whole number, got {v!r}",
    "int_from_float": lambda v, ctx: f"expected a whole number, got {v!r}",
    "greater_than_equal": lambda v, ctx: f"must be at least {ctx.get('ge')}, got {v!r}",
    "string_type": lambda v, ctx: f"expected text, got {v!r}",
    "tuple_type": lambda v, ctx: f"expected a list such as [a, b], got {v!r}",
    "list_type": lambda v, ctx: f"expected a list such as [a, b], got {v!r}",
    "too_short": lambda v, ctx: f"needs at least {ctx.get('min_length')} entry, got none",
    "literal_error": _literal,
}
"""Pydantic's wording for common mistakes, rewritten to say what the plan format expects."""


_SECTION_MODELS: dict[str, type[BaseModel]] = {
    name: field.annotation.__args__[1]  # type: ignore[union-attr]
    for name, field in Plan.model_fields.items()
    if name in ("sites", "datasets", "links", "drives", "couriers", "routes")
}


def _known_keys(loc: Loc) -> list[str]:
    """The keys a mapping at `loc` may hold, for "did you mean"."""
    model: type[BaseModel] | None = None
    if loc == ():
        model = Plan
    elif len(loc) == 2 and loc[0] in _SECTION_MODELS:
        model = _SECTION_MODELS[str(loc[0])]
    elif len(loc) == 3 and loc[0] == "routes" and loc[2] == "departures":
        model = Departures
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]
