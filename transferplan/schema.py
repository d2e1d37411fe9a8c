"""The plan: pydantic models for every section and field of the plan format.

Frozen, `extra="forbid"`, usable from Python without YAML::

    Plan(sites={"a": {"bays": 2}, "b": {}}, datasets={"d": {"at": "a", "to": "b", "size": "1 TB"}})

This module knows nothing of solvers. Cross-references (sites, pools, drive types) are checked when a
plan is built; `reference_problems()` lists them with their field paths for located messages.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, model_validator

from .errors import Problem
from .types import DailyWindows, Duration, Money, Rate, Share, Size, Start, TimePoint, Transit
from .units import TimeSpec, UnitError, parse_time

DEFER_REFERENCES = "defer_references"
"""Validation-context key: skip the cross-reference check so the loader can report it with lines."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Site(_Model):
    """A place that holds data, drives and couriers."""

    bays: int = Field(0, ge=0, description="Drive bays: drives connected at once, writing or reading.")
    io_rate: Rate | None = Field(None, description="Optional cap on the site's total drive I/O.")


class Dataset(_Model):
    """Bytes at one site that must reach another."""

    at: str = Field(description="The site where the data is.")
    to: str = Field(description="The site it must reach.")
    size: Size
    ready: TimePoint | None = Field(None, description="When the bytes exist at `at` (default: start).")
    deadline: TimePoint | None = Field(None, description="When all of it must be delivered.")


class Link(_Model):
    """A network link, shared by all datasets, used only inside its daily windows when given."""

    from_: str = Field(alias="from")
    to: str
    bandwidth: Rate
    efficiency: Share = Field(Fraction(1), description="Share of bandwidth actually achieved.")
    cost_per_gb: Money = Decimal(0)
    windows: DailyWindows = ()

    @property
    def rate(self) -> Fraction:
        """Bytes per second actually achieved: bandwidth x efficiency."""
        return self.bandwidth * self.efficiency


class DriveType(_Model):
    """A kind of drive and how many of it start where."""

    capacity: Size
    write_rate: Rate
    read_rate: Rate
    fleet: dict[str, int] = Field(default_factory=dict, description="Drives of this type at each site.")
    cost_each: Money = Field(Decimal(0), description="Charged once for every drive the plan uses.")

    @model_validator(mode="after")
    def _fleet_counts(self) -> DriveType:
        for site, count in self.fleet.items():
            if count < 0:
                raise ValueError(f"fleet.{site}: a count of drives must not be negative, got {count}")
        return self


class CourierPool(_Model):
    """People who carry drives on routes that need them."""

    fleet: dict[str, int] = Field(default_factory=dict)
    carry: int = Field(ge=1, description="Drives one courier can take on one trip.")

    @model_validator(mode="after")
    def _fleet_counts(self) -> CourierPool:
        for site, count in self.fleet.items():
            if count < 0:
                raise ValueError(f"fleet.{site}: a count of couriers must not be negative, got {count}")
        return self


class Departures(_Model):
    """Scheduled departures: `{first, every, until?}` or an explicit `{at: [...]}`."""

    first: TimePoint | None = None
    every: Duration | None = None
    until: TimePoint | None = None
    at: tuple[TimePoint, ...] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Departures:
        if self.at is not None:
            if self.first is not None or self.every is not None or self.until is not None:
                raise ValueError("give either `at: [...]` or `first`/`every`/`until`, not both")
        elif self.first is not None and self.every is None:
            raise ValueError("`first` needs `every`, e.g. {first: '08:00', every: 24 h}; or list them: {at: [T, ...]}")
        elif self.first is None or self.every is None:
            raise ValueError("expected `{first: T, every: D}` (optionally `until: T`) or `{at: [T, ...]}`")
        return self

    def times(self, start: datetime | None, horizon: Fraction) -> list[Fraction]:
        """Departure times in seconds after start, in [0, horizon], sorted."""
        if self.at is not None:
            found = {t.seconds_after(start) for t in self.at}
            return sorted(t for t in found if 0 <= t <= horizon)
        assert self.first is not None and self.every is not None
        t = self.first.seconds_after(start)
        last = horizon if self.until is None else min(horizon, self.until.seconds_after(start))
        out = []
        while t <= last:
            if t >= 0:
                out.append(t)
            t += self.every
        return out


class Route(_Model):
    """Scheduled transport of drives (and couriers) between two sites."""

    from_: str = Field(alias="from")
    to: str
    transit: Transit = Field(description="Door to door, handling and clearance included.")
    departures: Departures
    courier: str | None = Field(None, description="Courier pool whose members must travel with drives.")
    max_drives: int | None = Field(None, ge=0, description="Drives one departure can take.")
    cost_per_trip: Money = Decimal(0)
    cost_per_drive: Money = Decimal(0)
    cost_per_courier: Money = Decimal(0)


class Plan(_Model):
    """A whole transfer plan: where the data is, how it can move, and what to optimise."""

    name: str = "plan"
    start: Start | None = Field(None, description="t = 0; without it, times are offsets.")
    currency: str = "USD"
    objective: Literal["makespan", "cost"] = "makespan"
    deadline: TimePoint | None = Field(None, description="Every dataset delivered by then.")
    budget: Money | None = Field(None, description="Total cost at most this.")
    resolution: Duration | None = Field(None, description="The planner's time step (default: chosen).")
    horizon: Duration | None = Field(None, description="The latest time the planner looks at.")
    sites: dict[str, Site] = Field(min_length=1)
    datasets: dict[str, Dataset] = Field(min_length=1)
    links: dict[str, Link] = Field(default_factory=dict)
    drives: dict[str, DriveType] = Field(default_factory=dict)
    couriers: dict[str, CourierPool] = Field(default_factory=dict)
    routes: dict[str, Route] = Field(default_factory=dict)

    # Where each field stood in the source file, set by the loader, for located later errors.
    _positions: dict[tuple[str | int, ...], tuple[int, int]] = PrivateAttr(default_factory=dict)
    _filename: str | None = PrivateAttr(None)

    def locate(self, loc: tuple[str | int, ...], message: str) -> Problem:
        """A Problem at field path `loc`, with the file position when the plan came from a file."""
        probe = loc
        while probe and probe not in self._positions:
            probe = probe[:-1]
        line, col = self._positions.get(probe, (None, None))
        return Problem(".".join(map(str, loc)), message, self._filename, line, col)

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any, info: ValidationInfo) -> Any:
        # `links:` with nothing under it is YAML null: the format allows empty sections.
        if isinstance(data, dict):
            data = {k: ({} if v is None and k in _OPTIONAL_SECTIONS else v) for k, v in data.items()}
            # '$' amounts are reported with the other cross-field problems when the loader defers them.
            dollars = [] if info.context and info.context.get(DEFER_REFERENCES) else _dollar_problems(data)
            if dollars:
                raise ValueError("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in dollars))
        return data

    @model_validator(mode="after")
    def _check_references(self, info: ValidationInfo) -> Plan:
        if info.context and info.context.get(DEFER_REFERENCES):
            return self
        problems = self.reference_problems()
        if problems:
            raise ValueError("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
        return self

    def reference_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every broken cross-reference, as (field path, message)."""
        return reference_problems(self.model_dump(by_alias=True))

    # Resolved times, in seconds after start.
    def seconds(self, spec: TimeSpec) -> Fraction:
        """A user's time as seconds after `start`."""
        return spec.seconds_after(self.start)

    def ready_seconds(self, dataset: str) -> Fraction:
        """When a dataset's bytes exist, in seconds after start."""
        ready = self.datasets[dataset].ready
        return Fraction(0) if ready is None else self.seconds(ready)

    def deadline_seconds(self, dataset: str) -> Fraction | None:
        """The tighter of the dataset's and the plan's deadline, in seconds after start."""
        limits = [self.seconds(t) for t in (self.datasets[dataset].deadline, self.deadline) if t is not None]
        return min(limits) if limits else None

    def drive_names(self) -> list[tuple[str, str, str]]:
        """Every physical drive as (name, type, start site), named `type#n` from 1."""
        out = []
        for type_name, drive in self.drives.items():
            n = 0
            for site, count in drive.fleet.items():
                for _ in range(count):
                    n += 1
                    out.append((f"{type_name}#{n}", type_name, site))
        return out

    @property
    def latest_deadline(self) -> Fraction | None:
        """When every dataset has a deadline, the latest of them (seconds after start): nothing is
        delivered after it. None when some dataset has none."""
        due = [self.deadline_seconds(name) for name in self.datasets]
        return max(d for d in due if d is not None) if due and None not in due else None

    @property
    def priced(self) -> bool:
        """Whether anything in the plan costs money: else every plan of it costs nothing."""
        return (
            any(link.cost_per_gb for link in self.links.values())
            or any(drive.cost_each for drive in self.drives.values())
            or any(r.cost_per_trip or r.cost_per_drive or r.cost_per_courier for r in self.routes.values())
        )

    def replace(self, **changes: Any) -> Plan:
        """A validated copy with some top-level fields changed (what-ifs are copies)."""
        data = self.model_dump(by_alias=True, exclude_unset=False)
        data.update(changes)
        return Plan.model_validate(data)

    def without_deadlines(self) -> Plan:
        """A copy with no deadline, plan-wide or per dataset (the horizon stays)."""
        datasets = {k: ds.model_copy(update={"deadline": None}) for k, ds in self.datasets.items()}
        return self.replace(deadline=None, datasets=datasets)


_OPTIONAL_SECTIONS = {"links", "drives", "couriers", "routes"}


Loc = tuple[str | int, ...]


def reference_problems(data: Any) -> list[tuple[Loc, str]]:
    """Every broken cross-reference in plan data (a Plan dump or raw YAML), as (field path, message).

    Also '$' amounts in a plan whose currency is not USD. Works on raw data so the loader can report
    these together with shape errors. A section that is not a mapping is reported by validation, so
    names referring into it are not reported again here.
    """
    problems: list[tuple[Loc, str]] = []
    if not isinstance(data, dict):
        return problems
    problems.extend(_dollar_problems(data))
    problems.extend(_absolute_time_problems(data))

    def section(name: str) -> dict[str, Any]:
        value = data.get(name)
        return {k: v for k, v in value.items() if isinstance(v, dict)} if isinstance(value, dict) else {}

    sites, pools = section("sites"), section("couriers")

    checkable = {"site": _is_mapping(data.get("sites")), "courier pool": _is_mapping(data.get("couriers", {}))}

    def ref(loc: Loc, name: Any, known: dict[str, Any], what: str) -> None:
        if checkable[what] and isinstance(name, str) and name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append((loc, f"unknown {what} '{name}'{hint}; known: {', '.join(sorted(known)) or 'none'}"))

    def ends(kind: str, start_key: str) -> None:
        for name, item in section(kind).items():
            ref((kind, name, start_key), item.get(start_key), sites, "site")
            ref((kind, name, "to"), item.get("to"), sites, "site")
            if item.get(start_key) is not None and item.get(start_key) == item.get("to"):
                problems.append(((kind, name, "to"), f"'{item['to']}' is also its `{start_key}`: they must differ"))

    ends("datasets", "at")
    ends("links", "from")
    ends("routes", "from")
    for kind in ("drives", "couriers"):
        for name, item in section(kind).items():
            fleet = item.get("fleet")
            for site in fleet if isinstance(fleet, dict) else ():
                ref((kind, name, "fleet", site), site, sites, "site")
    for name, route in section("routes").items():
        ref(("routes", name, "courier"), route.get("courier"), pools, "courier pool")
    return problems


def _absolute_time_problems(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Absolute times such as '2026-12-02T08:00+08:00' in a plan without `start` (t = 0 unknown)."""
    if data.get("start") is not None:
        return []
    found: list[tuple[Loc, Any]] = [(("deadline",), data.get("deadline"))]

    def items(section: str) -> list[tuple[str, dict[str, Any]]]:
        value = data.get(section)
        return [(k, v) for k, v in value.items() if isinstance(v, dict)] if isinstance(value, dict) else []

    for name, dataset in items("datasets"):
        found += [(("datasets", name, key), dataset.get(key)) for key in ("ready", "deadline")]
    for name, route in items("routes"):
        dep = route.get("departures")
        if isinstance(dep, dict):
            found += [(("routes", name, "departures", key), dep.get(key)) for key in ("first", "until")]
            at = dep.get("at")
            found += [(("routes", name, "departures", "at", i), t) for i, t in enumerate(at or [])]
    return [(loc, f"the absolute time {t!r} needs the plan's `start`") for loc, t in found if _is_absolute(t)]


def _is_absolute(value: Any) -> bool:
    try:
        return parse_time(value).absolute is not None
    except (UnitError, TypeError):
        return False


def _is_mapping(section: Any) -> bool:
    return section is None or isinstance(section, dict)


def _dollar_problems(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    currency = data.get("currency", "USD")
    if currency == "USD":
        return []
    return [(loc, f"{text!r} is in dollars, but the plan's currency is {currency}") for loc, text in _dollars(data, ())]


def _dollars(data: Any, loc: Loc) -> list[tuple[Loc, str]]:
    if isinstance(data, str):
        return [(loc, data)] if data.lstrip("- ").startswith("$") else []
    if isinstance(data, dict):
        return [hit for k, v in data.items() for hit in _dollars(v, (*loc, k))]
    return []
