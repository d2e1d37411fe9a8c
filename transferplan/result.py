"""What a solve returns: plain typed data, rendered by the CLI, the reports and the Python API alike.

All times are hours after the plan's `start` (floats, continuous time, not grid steps); bytes are
whole bytes. `Result.to_json()` gives the keys of the plan format's "The JSON result" and more.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CostBreakdown(_Data):
    """Cost by the plan format's rule 5, in the plan's currency."""

    total: float = 0.0
    links: float = 0.0
    routes: float = 0.0
    couriers: float = 0.0
    drives: float = 0.0


class DatasetResult(_Data):
    """When a dataset lands and how its bytes got there (by the last hop into `to`)."""

    name: str
    at: str
    to: str
    size_bytes: int
    delivered_hours: float | None
    online_bytes: int
    drive_bytes: int
    deadline_hours: float | None = None


class LinkTransfer(_Data):
    """One interval in which a link sends one dataset at a constant rate."""

    dataset: str
    start_hours: float
    end_hours: float
    bytes: int


class LinkResult(_Data):
    """A link's load: bytes in all, utilisation of its usable time up to the makespan, transfers."""

    name: str
    from_site: str
    to_site: str
    bytes: int
    utilization: float
    transfers: list[LinkTransfer] = Field(default_factory=list)


class DepartureResult(_Data):
    """One departure that carries anything."""

    hours: float
    arrival_hours: float
    drives: int
    couriers: int
    bytes: int
    drive_names: list[str] = Field(default_factory=list)
    courier_names: list[str] = Field(default_factory=list)


class RouteResult(_Data):
    """A route and the departures the plan uses on it."""

    name: str
    from_site: str
    to_site: str
    departures: list[DepartureResult] = Field(default_factory=list)


EventKind = Literal["write", "read", "depart", "arrive"]


class DriveEvent(_Data):
    """One step in a drive's life.

    write/read: connected to `bay` (1-based) at `site` from `hours` to `until_hours`, moving `bytes`
    (split per dataset in `datasets`). depart/arrive: on `route` at `hours`.
    """

    hours: float
    what: EventKind
    site: str
    until_hours: float | None = None
    bytes: int = 0
    datasets: dict[str, int] = Field(default_factory=dict)
    bay: int | None = None
    route: str | None = None


class DriveSchedule(_Data):
    """Every event of one physical drive, in time order."""

    name: str
    type: str
    start_site: str
    events: list[DriveEvent] = Field(default_factory=list)


class CourierTrip(_Data):
    """A courier travelling on one departure."""

    route: str
    depart_hours: float
    arrive_hours: float


class CourierSchedule(_Data):
    """One courier's trips, in time order."""

    name: str
    pool: str
    start_site: str
    trips: list[CourierTrip] = Field(default_factory=list)


class Baseline(_Data):
    """The best plan with one mode only, for comparison."""

    mode: Literal["network_only", "shipping_only"]
    status: Status
    makespan_hours: float | None = None
    cost: float | None = None
    note: str = ""


class SolverStats(_Data):
    """How the answer was found: the backend, the grid and the model sizes."""

    backend: str = ""
    grid_points: int = 0
    variables: int = 0
    constraints: int = 0
    integer_variables: int = 0
    solves: int = 0
    resolution_hours: float | None = None


class Result(_Data):
    """A solved (or unsolved) plan. An unsolved run is still a Result, with `status` and `explanation`."""

    plan: str = "plan"
    status: Status
    objective: Literal["makespan", "cost"] = "makespan"
    start: str | None = None
    currency: str = "USD"
    makespan_hours: float | None = None
    lower_bound_hours: float | None = None
    gap: float | None = None
    cost: CostBreakdown = Field(default_factory=CostBreakdown)
    cost_lower_bound: float | None = None
    datasets: list[DatasetResult] = Field(default_factory=list)
    links: list[LinkResult] = Field(default_factory=list)
    routes: list[RouteResult] = Field(default_factory=list)
    drives: list[DriveSchedule] = Field(default_factory=list)
    couriers: list[CourierSchedule] = Field(default_factory=list)
    baselines: list[Baseline] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)
    verified: bool | None = None
    violations: list[str] = Field(default_factory=list)
    solve_seconds: float = 0.0  # wall time of the whole solve, baselines included
    solver: SolverStats = Field(default_factory=SolverStats)

    @property
    def found(self) -> bool:
        """True when the result holds a plan (optimal or feasible)."""
        return self.status in ("optimal", "feasible")

    def to_dict(self) -> dict[str, Any]:
        """The JSON result as plain data."""
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON result of the plan format, with stable keys."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_json(cls, text: str) -> Result:
        """Read a saved JSON result back (for `transferplan verify`)."""
        return cls.model_validate_json(text)

    def baseline(self, mode: str) -> Baseline | None:
        """The network-only or shipping-only baseline, when computed."""
        return next((b for b in self.baselines if b.mode == mode), None)
