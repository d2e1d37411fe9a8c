"""The independent verifier: replays a Result's schedule in continuous time against the plan format's rules.

`verify(plan, result)` shares nothing with the solver: it reads the plan, the schedule and unit words
only, rebuilds every drive's, courier's, site's and link's state from the reported events, and says
in plain words what breaks the rules of "What the plan means". It also recomputes the delivery times,
the makespan and the cost (rule 5) from the schedule and checks them against what the result claims.

Tolerances: times agree within 1e-4 h or 1e-6 relative; rates and money within 1e-6 relative; byte
balances within one byte per op plus 1e-9 of the bytes moved (the times are floats from an LP).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from . import _replay as rp
from ._replay import TIME_TOL, Departure, Flow, Op, Schedule, close, hours, size
from .result import CostBreakdown, DepartureResult, LinkTransfer, Result
from .schema import Plan
from .units import human_rate

__all__ = ["Replay", "verify"]


@dataclass(frozen=True)
class Replay:
    """What the replay measured.

    Attributes
    ----------
    violations:
        One plain sentence per broken rule; empty when the schedule is feasible and the claims hold.
    makespan_hours:
        When the last dataset was complete at its `to` site; None when one never is.
    delivered_hours:
        Per dataset, when all its bytes had arrived at its `to` site (None: never).
    cost:
        Recomputed by rule 5 from the schedule.
    """

    violations: list[str]
    makespan_hours: float | None
    delivered_hours: dict[str, float | None]
    cost: CostBreakdown

    @property
    def ok(self) -> bool:
        """True when nothing breaks the rules."""
        return not self.violations


def verify(plan: Plan, result: Result, claims: bool = True) -> Replay:
    """Replay `result`'s schedule against `plan` and list every violation.

    A result without a plan (infeasible, unknown) has nothing to replay: no violations, no makespan.
    Not `claims`: the result's own makespan and cost are not checked, only its schedule (the replay
    measures both for `plan`): a result of another plan, asked whether it runs under this one.
    """
    if not result.found:
        return Replay([], None, {name: None for name in plan.datasets}, CostBreakdown())
    state = Schedule(plan, result)  # replays movements: rule 1 and couriers
    violations = list(state.violations)
    violations += _check_ops(state) + _check_bays(state) + _check_storage(state)
    violations += _check_links(state) + _check_routes(state)
    arrivals = _arrivals(state)
    delivered = _delivered(plan, arrivals)
    violations += _check_delivery(state, arrivals, delivered)
    makespan = None if None in delivered.values() else max(t for t in delivered.values() if t is not None)
    cost = _cost(state)
    if claims:
        violations += _check_makespan(result.makespan_hours, makespan) + _check_cost(plan, result.cost, cost)
    violations += _check_budget(plan, cost)
    return Replay(violations, makespan, delivered, cost)


# Rule 2: writes and reads; drive contents.


def _check_ops(state: Schedule) -> list[str]:
    out = [problem for op in state.ops for problem in _check_op(state, op)]
    by_drive: dict[str, list[Op]] = defaultdict(list)
    for op in state.ops:
        by_drive[op.drive].append(op)
    for name, ops in by_drive.items():
        out += _overlapping(ops) + _contents(name, ops)
    return out


def _check_op(state: Schedule, op: Op) -> list[str]:
    e, plan = op.event, state.plan
    site = plan.sites.get(e.site)
    if site is None or site.bays == 0 or e.bay is None or not 1 <= e.bay <= site.bays:
        bays = "is not a site of the plan" if site is None else f"has {site.bays} bays"
        return [f"{op.describe()} on bay {e.bay}, but {e.site} {bays}"]
    out = []
    if e.until_hours is None or e.until_hours < e.hours:
        out.append(f"{op.drive}'s {e.what} at {e.site} at {hours(e.hours)} has no valid end ({e.until_hours})")
    unknown = sorted(set(e.datasets) - set(plan.datasets))
    if unknown or sum(e.datasets.values()) != e.bytes or min(e.datasets.values(), default=0) < 0:
        out.append(f"{op.describe()} {size(e.bytes)}, split as {e.datasets}, which does not add up to valid datasets")
    speed = op.type.write_rate if e.what == "write" else op.type.read_rate
    needed = e.bytes / float(speed) / 3600
    if op.end - e.hours + TIME_TOL < needed * (1 - rp.REL_TOL):
        out.append(
            f"{op.describe()}: {size(e.bytes)} needs {hours(needed)} at its {e.what}_rate {human_rate(float(speed))}"
        )
    whereabouts = state.travel[op.drive].where(e.site, e.hours, op.end)
    if whereabouts:
        out.append(f"{op.describe()}, but {whereabouts}")
    return out


def _overlapping(ops: list[Op]) -> list[str]:
    ops = sorted(ops, key=lambda op: op.event.hours)
    return [
        f"{b.drive} does two things at once: {a.describe()} (bay {a.event.bay}) and {b.event.what}s at "
        f"{b.event.site} (bay {b.event.bay}) from {hours(b.event.hours)}"
        for a, b in zip(ops, ops[1:], strict=False)
        if b.event.hours < a.end - TIME_TOL
    ]


def _drive_flows(ops: list[Op]) -> dict[str, list[Flow]]:
    flows: dict[str, list[Flow]] = defaultdict(list)
    for op in ops:
        sign = 1 if op.event.what == "write" else -1
        for dataset, n in op.event.datasets.items():
            flows[dataset].append(Flow(op.event.hours, op.end, sign * n))
    return flows


def _contents(name: str, ops: list[Op]) -> list[str]:
    out = []
    flows = _drive_flows(ops)
    for dataset, series in flows.items():
        low, when = rp.lowest(series)
        if low < -rp.byte_tolerance(series):
            out.append(
                f"{name} would hold {size(low)} of {dataset} at {hours(when)}: it reads bytes that are not on it"
            )
    every = [f for series in flows.values() for f in series]
    high, when = rp.highest(every)
    capacity = ops[0].type.capacity
    if high > capacity + rp.byte_tolerance(every):
        out.append(f"{name} holds {size(high)} at {hours(when)}, above its capacity {size(capacity)}")
    return out


# Rule 3: bays and io_rate.


def _check_bays(state: Schedule) -> list[str]:
    by_bay: dict[tuple[str, int], list[Op]] = defaultdict(list)
    for op in state.ops:
        if op.event.bay is not None:
            by_bay[op.event.site, op.event.bay].append(op)
    out = []
    for (site, bay), ops in sorted(by_bay.items()):
        ops.sort(key=lambda op: op.event.hours)
        for i, a in enumerate(ops):
            for b in ops[i + 1 :]:
                if b.event.hours >= a.end - TIME_TOL:
                    break
                if a.drive != b.drive:
                    until = hours(min(a.end, b.end))
                    out.append(
                        f"bay {bay} at {site} is used by {a.drive} and {b.drive} at once "
                        f"from {hours(b.event.hours)} to {until}"
                    )
    return out + _check_io(state)


def _check_io(state: Schedule) -> list[str]:
    out = []
    for name, site in state.plan.sites.items():
        loads = [
            Flow(op.event.hours, op.end, op.event.bytes / ((op.end - op.event.hours) * 3600))
            for op in state.ops
            if op.event.site == name and op.end > op.event.hours
        ]
        if site.io_rate is None or not loads:
            continue
        out += [
            f"drive I/O at {name} is {human_rate(total)} from {hours(a)} to {hours(b)}, "
            f"above its io_rate {human_rate(float(site.io_rate))}"
            for a, b, total in rp.overloads(loads, float(site.io_rate))
        ]
    return out


# Rule 4: site storage per dataset.


def _site_flows(state: Schedule) -> dict[tuple[str, str], list[Flow]]:
    """Bytes in and out of each (site, dataset): the dataset appearing, link transfers, drive ops."""
    flows: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for name, data in state.plan.datasets.items():
        ready = rp.seconds_to_hours(state.plan.ready_seconds(name))
        flows[data.at, name].append(Flow(ready, ready, data.size))
    for link in state.result.links:
        plan_link = state.plan.links.get(link.name)
        if plan_link is None:
            continue
        for t in link.transfers:
            flows[plan_link.from_, t.dataset].append(Flow(t.start_hours, t.end_hours, -t.bytes))
            flows[plan_link.to, t.dataset].append(Flow(t.start_hours, t.end_hours, t.bytes))
    for op in state.ops:
        sign = -1 if op.event.what == "write" else 1
        for dataset, n in op.event.datasets.items():
            flows[op.event.site, dataset].append(Flow(op.event.hours, op.end, sign * n))
    return flows


def _check_storage(state: Schedule) -> list[str]:
    out = []
    for (site, dataset), series in sorted(_site_flows(state).items()):
        low, when = rp.lowest(series)
        if low < -rp.byte_tolerance(series):
            known = state.plan.datasets.get(dataset)
            note = ""
            if known is not None and known.at == site:
                note = f" ({dataset} is ready there at {hours(rp.seconds_to_hours(state.plan.ready_seconds(dataset)))})"
            out.append(
                f"{site} would hold {size(low)} of {dataset} at {hours(when)}: more of it leaves than has arrived{note}"
            )
    return out


# Rule 5 (of this module's brief): links.


def _check_links(state: Schedule) -> list[str]:
    out = []
    for link in state.result.links:
        plan_link = state.plan.links.get(link.name)
        if plan_link is None:
            out.append(f"link {link.name} is not a link of the plan")
            continue
        if (link.from_site, link.to_site) != (plan_link.from_, plan_link.to):
            out.append(f"link {link.name} is listed from {link.from_site} to {link.to_site}, not as in the plan")
        if link.bytes != sum(t.bytes for t in link.transfers):
            out.append(f"link {link.name} reports {size(link.bytes)} but its transfers add up to another amount")
        out += _check_transfers(state, link.name, link.transfers)
    return out


def _check_transfers(state: Schedule, name: str, transfers: list[LinkTransfer]) -> list[str]:
    link = state.plan.links[name]
    windows = rp.merge(
        (rp.seconds_to_hours(a), rp.seconds_to_hours(b))
        for w in link.windows
        for a, b in w.intervals(state.plan.start, state.horizon)
    )
    out, loads = [], []
    for t in transfers:
        what = f"{name} sends {t.dataset} from {hours(t.start_hours)} to {hours(t.end_hours)}"
        if t.dataset not in state.plan.datasets or t.bytes < 0:
            out.append(f"{what}: {size(t.bytes)} of a dataset the plan does not have")
        if t.end_hours <= t.start_hours:
            if t.bytes > 0:
                out.append(f"{what}: {size(t.bytes)} in no time")
            continue
        if link.windows and not rp.inside(t.start_hours, t.end_hours, windows):
            out.append(f"{what}, outside its windows {', '.join(map(str, link.windows))}")
        loads.append(Flow(t.start_hours, t.end_hours, t.bytes / ((t.end_hours - t.start_hours) * 3600)))
    out += [
        f"{name} sends {human_rate(total)} from {hours(a)} to {hours(b)}, above its rate {human_rate(float(link.rate))}"
        for a, b, total in rp.overloads(loads, float(link.rate))
    ]
    return out


# Rule 6: routes, their departures and couriers.


def _check_routes(state: Schedule) -> list[str]:
    out: list[str] = []
    reported: set[tuple[str, float]] = set()
    for route_result in state.result.routes:
        route = state.plan.routes.get(route_result.name)
        if route is None:
            out.append(f"route {route_result.name} is not a route of the plan")
            continue
        if (route_result.from_site, route_result.to_site) != (route.from_, route.to):
            out.append(f"route {route_result.name} is listed from {route_result.from_site} to {route_result.to_site}")
        for dep in route_result.departures:
            key = state.key(route_result.name, dep.hours)
            reported.add(key)
            out += _check_reported(state, route_result.name, dep, state.departures.get(key, Departure(dep.hours)))
    for (name, t), taken in sorted(state.departures.items()):
        if (name, t) not in reported:
            who = ", ".join(taken.drives + taken.couriers)
            out.append(f"{name}'s departure at {hours(t)} is taken by {who} but is not listed in the result")
        out += _check_carried(state, name, taken)
    return out


def _check_reported(state: Schedule, name: str, dep: DepartureResult, actual: Departure) -> list[str]:
    route, at = state.plan.routes[name], f"{name}'s departure at {hours(dep.hours)}"
    out = []
    hint = rp.schedule_hint(name, dep.hours, state.scheduled)
    if hint:
        out.append(f"{name} has no departure scheduled at {hours(dep.hours)} ({hint})")
    if not close(dep.arrival_hours, dep.hours + rp.seconds_to_hours(route.transit)):
        out.append(f"{at} reports arrival at {hours(dep.arrival_hours)}, not after its transit {route.transit}")
    if dep.drives != len(dep.drive_names) or dep.couriers != len(dep.courier_names):
        out.append(
            f"{at} reports {dep.drives} drives and {dep.couriers} couriers "
            f"but names {len(dep.drive_names)} and {len(dep.courier_names)}"
        )
    for listed, moved, what in ((dep.drive_names, actual.drives, "drive"), (dep.courier_names, actual.couriers, "")):
        for missing in sorted(set(listed) - set(moved)):
            out.append(f"{at} lists {what or 'courier'} {missing}, whose schedule does not take it")
        for extra in sorted(set(moved) - set(listed)):
            out.append(f"{extra} takes {at} but is not listed on it")
    return out


def _check_carried(state: Schedule, name: str, dep: Departure) -> list[str]:
    route, at = state.plan.routes[name], f"{name}'s departure at {hours(dep.hours)}"
    k = len(dep.drives)
    out = []
    if route.max_drives is not None and k > route.max_drives:
        out.append(f"{at} carries {_count(k, 'drive')}, above its max_drives {route.max_drives}")
    if route.courier is not None and k:
        needed = math.ceil(k / state.plan.couriers[route.courier].carry)
        have = sum(1 for c in dep.couriers if state.couriers.get(c, ("",))[0] == route.courier)
        if have < needed:
            out.append(
                f"{at} carries {_count(k, 'drive')} but only {_count(have, 'courier')} of {route.courier} "
                f"travel with them (needs {needed})"
            )
    return out


# Rule 7: delivery, deadlines, makespan.


Arrivals = dict[str, tuple[list[Flow], list[Flow]]]
"""Per dataset, its bytes arriving in its `to` site: (link transfers into it, drive reads there)."""


def _arrivals(state: Schedule) -> Arrivals:
    plan = state.plan
    out: Arrivals = {name: ([], []) for name in plan.datasets}
    for link in state.result.links:
        plan_link = plan.links.get(link.name)
        for t in link.transfers:
            if plan_link and t.dataset in out and plan.datasets[t.dataset].to == plan_link.to:
                out[t.dataset][0].append(Flow(t.start_hours, t.end_hours, t.bytes))
    for op in state.ops:
        for name, n in op.event.datasets.items():
            if op.event.what == "read" and name in out and plan.datasets[name].to == op.event.site:
                out[name][1].append(Flow(op.event.hours, op.end, n))
    return out


def _delivered(plan: Plan, arrivals: Arrivals) -> dict[str, float | None]:
    """When each dataset's cumulative arrival reaches its size (within one byte per op)."""
    out = {}
    for name, (online, by_drive) in arrivals.items():
        flows = online + by_drive
        out[name] = rp.first_reach(flows, plan.datasets[name].size - len(flows))
    return out


def _check_delivery(state: Schedule, arrivals: Arrivals, delivered: dict[str, float | None]) -> list[str]:
    out = []
    for name, dataset in state.plan.datasets.items():
        flows = arrivals[name][0] + arrivals[name][1]
        total = sum(f.amount for f in flows)
        where = f"arrive at {dataset.to} for its {size(dataset.size)}"
        if total < dataset.size - len(flows):
            out.append(f"{name} is not delivered: only {size(total)} {where}")
        elif total > dataset.size + len(flows):
            out.append(f"{name} is delivered more than once: {size(total)} {where}")
        deadline = state.plan.deadline_seconds(name)
        t = delivered[name]
        if deadline is not None and t is not None and t > rp.seconds_to_hours(deadline) + TIME_TOL:
            out.append(f"{name} is delivered at {hours(t)}, after its deadline {hours(rp.seconds_to_hours(deadline))}")
    return out + _check_reported_datasets(state, arrivals, delivered)


def _check_reported_datasets(state: Schedule, arrivals: Arrivals, delivered: dict[str, float | None]) -> list[str]:
    out = []
    reported = {d.name: d for d in state.result.datasets}
    for name in sorted(state.plan.datasets.keys() - reported.keys()):
        out.append(f"the result has no entry for dataset {name}")
    for name, d in reported.items():
        if name not in state.plan.datasets:
            out.append(f"the result reports dataset {name}, which the plan does not have")
            continue
        if not _same_time(d.delivered_hours, delivered[name]):
            claim, replayed = _when(d.delivered_hours), _when(delivered[name])
            out.append(f"{name} is reported delivered {claim}, but the replay has it {replayed}")
        online, drive = (int(sum(f.amount for f in flows)) for flows in arrivals[name])
        if (d.online_bytes, d.drive_bytes) != (online, drive):
            out.append(
                f"{name} is reported to arrive with {size(d.online_bytes)} online and {size(d.drive_bytes)} by drive, "
                f"but the replay has {size(online)} and {size(drive)}"
            )
    return out


def _same_time(a: float | None, b: float | None) -> bool:
    return a is None and b is None or a is not None and b is not None and close(a, b)


def _when(t: float | None) -> str:
    return "never delivered" if t is None else f"at {hours(t)}"


def _check_makespan(reported: float | None, replayed: float | None) -> list[str]:
    if _same_time(reported, replayed):
        return []
    claim = "none" if reported is None else hours(reported)
    actual = "none (not everything is delivered)" if replayed is None else hours(replayed)
    return [f"the reported makespan {claim} does not match the replay's {actual}"]


# Rule 8: cost (the plan format's rule 5) and budget.


def _cost(state: Schedule) -> CostBreakdown:
    plan = state.plan
    links = sum(
        t.bytes * float(plan.links[link.name].cost_per_gb) / 1e9
        for link in state.result.links
        if link.name in plan.links
        for t in link.transfers
    )
    routes = couriers = 0.0
    for (name, _), dep in state.departures.items():
        route = plan.routes.get(name)
        if route is not None:
            routes += float(route.cost_per_trip) + len(dep.drives) * float(route.cost_per_drive)
            couriers += len(dep.couriers) * float(route.cost_per_courier)
    drives = sum(float(kind.cost_each) for kind in state.used_drives.values())
    total = links + routes + couriers + drives
    return CostBreakdown(total=total, links=links, routes=routes, couriers=couriers, drives=drives)


def _check_cost(plan: Plan, reported: CostBreakdown, replayed: CostBreakdown) -> list[str]:
    out = []
    for part in ("links", "routes", "couriers", "drives", "total"):
        claim, actual = getattr(reported, part), getattr(replayed, part)
        if not close(claim, actual, absolute=1e-6):
            out.append(
                f"the reported {part} cost {_money(plan, claim)} does not match the replay's {_money(plan, actual)}"
            )
    return out


def _check_budget(plan: Plan, replayed: CostBreakdown) -> list[str]:
    if plan.budget is not None and rp.above(replayed.total, float(plan.budget)):
        return [f"the cost {_money(plan, replayed.total)} is above the budget {_money(plan, float(plan.budget))}"]
    return []


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _money(plan: Plan, amount: float) -> str:
    return f"{amount:,.2f} {plan.currency}"
