"""The solver against optima derived by hand: small plans whose best schedule can be worked out on paper.

Every plan starts at 2026-12-01T00:00Z, so "06:00" is 6 h after start. Units used in the
derivations: 1 TB = 10^12 B, 1 GB/s = 3.6 TB/h, 8 Gbps = 1 GB/s. Each test's docstring shows the
arithmetic; the test then solves with `baselines=False` and checks the status, the replay by the
independent verifier, the makespan (continuous time, so exact up to 1e-3 h), the lower bound, and the
parts of the plan that make the optimum what it is.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from transferplan import bounds
from transferplan.result import Result, RouteResult
from transferplan.schema import Plan
from transferplan.solve import solve

TB = 10**12
HOUR = 3600
START = "2026-12-01T00:00Z"


def make_plan(name: str, **sections: Any) -> Plan:
    """A plan starting at START, built from plain dicts with unit strings."""
    return Plan.model_validate({"name": name, "start": START, **sections})


def describe(result: Result) -> str:
    """The schedule in a few lines, for assertion messages (what the solver actually did)."""
    lines = [
        f"status={result.status} makespan={result.makespan_hours} bound={result.lower_bound_hours} "
        f"verified={result.verified} violations={result.violations} cost={result.cost} "
        f"explanation={result.explanation}"
    ]
    for ds in result.datasets:
        lines.append(
            f"  dataset {ds.name}: delivered {ds.delivered_hours} h, online {ds.online_bytes / TB:.6f} TB, "
            f"drives {ds.drive_bytes / TB:.6f} TB"
        )
    for link in result.links:
        lines.append(f"  link {link.name}: {link.bytes / TB:.6f} TB")
        lines += [
            f"    {t.dataset} {t.start_hours:.4f}-{t.end_hours:.4f} h {t.bytes / TB:.6f} TB" for t in link.transfers
        ]
    for route in result.routes:
        for dep in route.departures:
            lines.append(
                f"  route {route.name} @ {dep.hours} h -> {dep.arrival_hours} h: {dep.drives} drives "
                f"{dep.drive_names}, {dep.couriers} couriers, {dep.bytes / TB:.6f} TB"
            )
    for drive in result.drives:
        for ev in drive.events:
            until = "" if ev.until_hours is None else f"-{ev.until_hours:.4f}"
            lines.append(
                f"  {drive.name}: {ev.what} {ev.site} {ev.hours:.4f}{until} h {ev.bytes / TB:.6f} TB "
                f"bay={ev.bay} route={ev.route}"
            )
    return "\n".join(lines)


def solve_and_check(plan: Plan, derived_hours: float) -> Result:
    """Solve, and assert what every hand-derived case must satisfy."""
    result = solve(plan, baselines=False, time_limit=60)
    info = describe(result)
    assert result.status == "optimal", info
    assert result.verified is True, info
    assert result.violations == [], info
    assert result.makespan_hours == pytest.approx(derived_hours, abs=1e-3), info
    assert result.lower_bound_hours is not None, info
    assert result.lower_bound_hours <= result.makespan_hours + 1e-6, info
    if plan.objective == "cost":  # proven the cheapest: its bound meets its cost
        assert result.cost_lower_bound == pytest.approx(result.cost.total, abs=0.01), info
    return result


def route(result: Result, name: str) -> RouteResult:
    return next(r for r in result.routes if r.name == name)


def used(result: Result, name: str) -> list[tuple[float, int]]:
    """(departure hour, drives) for every departure of a route that carries drives."""
    return [(round(d.hours, 6), d.drives) for d in route(result, name).departures if d.drives > 0]


def bytes_of(result: Result, dataset: str) -> tuple[float, float]:
    """(online TB, drive TB) of one dataset."""
    ds = next(d for d in result.datasets if d.name == dataset)
    return ds.online_bytes / TB, ds.drive_bytes / TB


# --------------------------------------------------------------------------- plans


@pytest.fixture
def network_only_plan() -> Plan:
    """36 TB over 10 Gbps x 0.8 = 1 GB/s, only 22:00-06:00 (wraps midnight), $0.01/GB."""
    return make_plan(
        "network-only",
        sites={"lab": {}, "dc": {}},
        datasets={"corpus": {"at": "lab", "to": "dc", "size": "36 TB"}},
        links={
            "wan": {
                "from": "lab",
                "to": "dc",
                "bandwidth": "10 Gbps",
                "efficiency": 0.8,
                "cost_per_gb": 0.01,
                "windows": ["22:00-06:00"],
            }
        },
        horizon="3 days",
    )


def shipping_only_plan(**extra: Any) -> Plan:
    """40 TB on 4 drives of 10 TB (write 2 GB/s, read 1 GB/s); one truck at 6 h, 4 h; 2 bays at dc."""
    return make_plan(
        "shipping-only",
        sites={"lab": {"bays": 4}, "dc": {"bays": 2}},
        datasets={"corpus": {"at": "lab", "to": "dc", "size": "40 TB"}},
        drives={
            "hdd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "1 GB/s", "fleet": {"lab": 4}},
        },
        routes={"truck": {"from": "lab", "to": "dc", "transit": "4 h", "departures": {"at": ["6 h"]}}},
        **extra,
    )


@pytest.fixture
def shipping_plan() -> Plan:
    return shipping_only_plan()


@pytest.fixture
def mixed_plan() -> Plan:
    """50 TB: a 2 Gbps link and 2 drives of 20 TB (write 2 GB/s, read 1 GB/s) on a van 04:00/16:00, 8 h."""
    return make_plan(
        "mixed",
        sites={"lab": {"bays": 2}, "dc": {"bays": 2}},
        datasets={"corpus": {"at": "lab", "to": "dc", "size": "50 TB"}},
        links={"wan": {"from": "lab", "to": "dc", "bandwidth": "2 Gbps"}},
        drives={
            "ssd": {"capacity": "20 TB", "write_rate": "2 GB/s", "read_rate": "1 GB/s", "fleet": {"lab": 2}},
        },
        routes={
            "van": {"from": "lab", "to": "dc", "transit": "8 h", "departures": {"first": "04:00", "every": "12 h"}}
        },
        horizon="3 days",
    )


def out_and_back_routes(**common: Any) -> dict[str, Any]:
    """Out at 02:00 and 14:00 (4 h), back at 08:00 and 20:00 (4 h)."""
    return {
        "out": {"from": "a", "to": "b", "transit": "4 h", "departures": {"first": "02:00", "every": "12 h"}, **common},
        "back": {"from": "b", "to": "a", "transit": "4 h", "departures": {"first": "08:00", "every": "12 h"}, **common},
    }


@pytest.fixture
def return_trip_plan() -> Plan:
    """20 TB, one drive of 10 TB (2 GB/s both ways), out and back routes."""
    return make_plan(
        "return-trip",
        sites={"a": {"bays": 1}, "b": {"bays": 1}},
        datasets={"d": {"at": "a", "to": "b", "size": "20 TB"}},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"a": 1}}},
        routes=out_and_back_routes(),
        horizon="2 days",
    )


@pytest.fixture
def courier_plan() -> Plan:
    """35 TB, four drives of 10 TB (2 GB/s both ways), one courier who carries 2 drives."""
    return make_plan(
        "one-courier",
        sites={"a": {"bays": 4}, "b": {"bays": 4}},
        datasets={"d": {"at": "a", "to": "b", "size": "35 TB"}},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"a": 4}}},
        couriers={"staff": {"fleet": {"a": 1}, "carry": 2}},
        routes=out_and_back_routes(courier="staff"),
        horizon="2 days",
    )


def cost_plan(**extra: Any) -> Plan:
    """20 TB: a 10 Gbps link at $0.05/GB, or one 20 TB drive (2 GB/s) on a $300 van at 06:00, 6 h."""
    fields: dict[str, Any] = {
        "objective": "cost",
        "sites": {"lab": {"bays": 1}, "dc": {"bays": 1}},
        "datasets": {"corpus": {"at": "lab", "to": "dc", "size": "20 TB"}},
        "links": {"wan": {"from": "lab", "to": "dc", "bandwidth": "10 Gbps", "cost_per_gb": 0.05}},
        "drives": {"ssd": {"capacity": "20 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"lab": 1}}},
        "routes": {
            "van": {
                "from": "lab",
                "to": "dc",
                "transit": "6 h",
                "departures": {"first": "06:00", "every": "12 h"},
                "cost_per_trip": 300,
            }
        },
    }
    fields.update(extra)
    return make_plan("cost-under-deadline", **fields)


@pytest.fixture
def ready_later_plan() -> Plan:
    """36 TB ready at 5 h; an 8 Gbps link, one 20 TB drive (2 GB/s) on a van at 08:00, 2 h."""
    return make_plan(
        "ready-later",
        sites={"a": {"bays": 1}, "b": {"bays": 1}},
        datasets={"d": {"at": "a", "to": "b", "size": "36 TB", "ready": "5 h"}},
        links={"wan": {"from": "a", "to": "b", "bandwidth": "8 Gbps"}},
        drives={"ssd": {"capacity": "20 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"a": 1}}},
        routes={"van": {"from": "a", "to": "b", "transit": "2 h", "departures": {"at": ["4 h", "8 h", "20 h"]}}},
        horizon="2 days",
    )


@pytest.fixture
def max_drives_plan() -> Plan:
    """30 TB on three 10 TB drives (2 GB/s); a shuttle every 6 h from 02:00, 3 h, one drive a trip."""
    return make_plan(
        "max-drives",
        sites={"a": {"bays": 3}, "b": {"bays": 3}},
        datasets={"d": {"at": "a", "to": "b", "size": "30 TB"}},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"a": 3}}},
        routes={
            "shuttle": {
                "from": "a",
                "to": "b",
                "transit": "3 h",
                "departures": {"first": "02:00", "every": "6 h"},
                "max_drives": 1,
            }
        },
        horizon="2 days",
    )


def priced_drives_plan(objective: str, **extra: Any) -> Plan:
    """10 TB; four 10 TB drives (2 GB/s) at $100 each; one truck at 6 h, 4 h, $50 a trip, $10 a drive."""
    return make_plan(
        f"priced-drives-{objective}",
        objective=objective,
        sites={"a": {"bays": 4}, "b": {"bays": 4}},
        datasets={"d": {"at": "a", "to": "b", "size": "10 TB"}},
        drives={
            "ssd": {
                "capacity": "10 TB",
                "write_rate": "2 GB/s",
                "read_rate": "2 GB/s",
                "fleet": {"a": 4},
                "cost_each": 100,
            }
        },
        routes={
            "truck": {
                "from": "a",
                "to": "b",
                "transit": "4 h",
                "departures": {"at": ["6 h"]},
                "cost_per_trip": 50,
                "cost_per_drive": 10,
            }
        },
        **extra,
    )


# --------------------------------------------------------------------------- (a) network only


def test_network_only_through_a_window_that_wraps_midnight(network_only_plan: Plan) -> None:
    """Network only, window 22:00-06:00, efficiency 0.8.

    Rate: 10 Gbps = 1.25 GB/s, x 0.8 = 1 GB/s = 3.6 TB/h. 36 TB needs 36 / 3.6 = 10 h of open window.
    Start is 00:00, inside the window: open 0-6 h gives 6 x 3.6 = 21.6 TB; the window reopens at
    22:00 (22 h) and the remaining 14.4 TB take 14.4 / 3.6 = 4 h, so T = 22 + 4 = 26 h.
    Cost: 36 TB = 36,000 GB x $0.01 = $360, all online.
    """
    result = solve_and_check(network_only_plan, 26.0)
    assert bytes_of(result, "corpus") == pytest.approx((36.0, 0.0), abs=1e-6)
    assert result.cost.total == pytest.approx(360.0, abs=0.01)
    link = result.links[0]
    assert link.bytes / TB == pytest.approx(36.0, rel=1e-9)
    # Nothing is sent while the window is shut (6 h to 22 h).
    for t in link.transfers:
        if t.bytes > 0:
            assert t.end_hours <= 6 + 1e-6 or t.start_hours >= 22 - 1e-6, describe(result)


# --------------------------------------------------------------------------- (b) shipping only


def test_shipping_only_reading_bays_bind(shipping_plan: Plan) -> None:
    """Shipping only: write at lab, one departure, read at dc with 2 bays.

    Writing: 4 bays at lab, each 10 TB drive at 2 GB/s = 7.2 TB/h fills in 10 / 7.2 = 1.39 h, all
    four done long before the only departure at 6 h, which takes all 4 drives (40 TB, no other way).
    Arrival 6 + 4 = 10 h. Reading: 2 bays x 1 GB/s = 2 x 3.6 = 7.2 TB/h for 40 TB takes
    40 / 7.2 = 5.5556 h (two drives, then the other two, 2.7778 h each).
    T = 10 + 40 / 7.2 = 140 / 9 = 15.5556 h.
    """
    result = solve_and_check(shipping_plan, 140 / 9)
    assert bytes_of(result, "corpus") == pytest.approx((0.0, 40.0), abs=1e-6)
    assert used(result, "truck") == [(6.0, 4)]
    # Never more than 2 drives read at dc at once: each read event names a bay 1 or 2.
    bays = {ev.bay for d in result.drives for ev in d.events if ev.what == "read" and ev.site == "dc"}
    assert bays <= {1, 2}, describe(result)


# --------------------------------------------------------------------------- (c) mix


def test_mix_splits_so_link_and_drives_finish_together(mixed_plan: Plan) -> None:
    """A link and drives, split so both finish at the same time.

    Link: 2 Gbps = 0.25 GB/s = 0.9 TB/h. Drives: 2 x 20 TB, written at 7.2 TB/h (20 TB in 2.78 h,
    before the 04:00 van), van arrives 04:00 + 8 h = 12 h, each read at 1 GB/s = 3.6 TB/h, the two in
    parallel (2 bays). The next van (16:00, arriving 28 h) is too late to matter.
    Put x TB on each drive: drives done at 12 + x / 3.6; link by T sends 0.9 T.
    Both finish together: T = 12 + x / 3.6 and 2x + 0.9 T = 50
      -> 2x + 10.8 + 0.25 x = 50 -> x = 39.2 / 2.25 = 17.4222 TB (<= 20, fits)
      -> T = 12 + 17.4222 / 3.6 = 12 + 392 / 81 = 1364 / 81 = 16.8395 h.
    Any other split leaves one side later. Online 0.9 x 1364 / 81 = 15.1556 TB, drives 2x = 34.8444 TB.
    """
    t = 1364 / 81
    result = solve_and_check(mixed_plan, t)
    online, on_drives = bytes_of(result, "corpus")
    assert online == pytest.approx(0.9 * t, rel=1e-5)
    assert on_drives == pytest.approx(50 - 0.9 * t, rel=1e-5)
    assert used(result, "van") == [(4.0, 2)]


# --------------------------------------------------------------------------- (d) return trip


def test_one_drive_goes_out_comes_back_empty_and_goes_out_again(return_trip_plan: Plan) -> None:
    """One drive, two loads: out, back empty, out again.

    20 TB on one 10 TB drive needs two trips. Write 10 TB at 7.2 TB/h: 0-1.3889 h; out at 02:00,
    arrives 06:00; read 6-7.3889 h; back at 08:00 (empty), arrives 12:00; write 12-13.3889 h; out at
    14:00, arrives 18:00; read 10 TB: T = 18 + 10 / 7.2 = 18 + 25 / 18 = 349 / 18 = 19.3889 h.
    No faster way: the second load cannot leave before the drive is back at a (12:00), and the next
    out departure is 14:00; both loads are full (2 x 10 = 20 TB), so the last read takes 1.3889 h.
    """
    result = solve_and_check(return_trip_plan, 349 / 18)
    assert bytes_of(result, "d") == pytest.approx((0.0, 20.0), abs=1e-6)
    assert used(result, "out") == [(2.0, 1), (14.0, 1)]
    back = [d for d in route(result, "back").departures if d.drives > 0]
    assert [(d.hours, d.drives, d.bytes) for d in back] == [(8.0, 1, 0)], describe(result)


# --------------------------------------------------------------------------- (e) courier pool


def test_one_courier_carrying_two_drives_must_come_back(courier_plan: Plan) -> None:
    """One courier, carry 2: 2 drives per departure, then the courier must return.

    All four drives can be written by 02:00 (4 bays, 10 TB in 1.3889 h each). The 02:00 departure can
    take only 2 drives (1 courier x carry 2): 20 TB, arriving 06:00. The courier returns on the 08:00
    back departure (arrives 12:00) and takes the other 2 drives at 14:00 (arrives 18:00) with the
    remaining 35 - 20 = 15 TB, split 7.5 TB per drive and read in parallel at 7.2 TB/h:
    T = 18 + 7.5 / 7.2 = 18 + 25 / 24 = 457 / 24 = 19.0417 h.
    The first trip must be full (2 x 10 TB) to leave the least for the last one.
    """
    result = solve_and_check(courier_plan, 457 / 24)
    assert bytes_of(result, "d") == pytest.approx((0.0, 35.0), abs=1e-6)
    out = [(d.hours, d.drives, d.couriers) for d in route(result, "out").departures if d.drives > 0]
    assert out == [(2.0, 2, 1), (14.0, 2, 1)], describe(result)
    back = [d for d in route(result, "back").departures if d.couriers > 0]
    assert [(d.hours, d.couriers) for d in back] == [(8.0, 1)], describe(result)
    first = next(d for d in route(result, "out").departures if d.hours == 2.0)
    assert first.bytes / TB == pytest.approx(20.0, rel=1e-6)


# --------------------------------------------------------------------------- (f) cost under a deadline


def test_cheapest_plan_that_meets_the_deadline() -> None:
    """objective: cost, deadline 14 h.

    Network only: 20 TB = 20,000 GB x $0.05 = $1,000 (10 Gbps = 4.5 TB/h, 4.44 h: meets 14 h).
    Drive: $300 for the van at 06:00, arriving 12:00; read at 2 GB/s = 7.2 TB/h, so by the deadline
    the drive delivers at most 7.2 x (14 - 12) = 14.4 TB (it holds 20 TB and could be written with
    6 x 7.2 = 43.2 TB before 06:00, so reading binds). The next van (18:00) is past the deadline.
    Cheapest: the van ($300) with 14.4 TB, and the other 5.6 TB = 5,600 GB x $0.05 = $280 online.
    Total $580 < $1,000. Among $580 plans the drive must carry exactly 14.4 TB, whose reading ends at
    exactly 14 h (the link's 5.6 TB take 1.24 h), so the earliest is T = 14 h.
    """
    plan = cost_plan(deadline="14 h")
    result = solve_and_check(plan, 14.0)
    assert result.cost.total == pytest.approx(580.0, abs=0.01)
    assert result.cost.routes == pytest.approx(300.0, rel=1e-6)
    assert result.cost.links == pytest.approx(280.0, abs=0.01)
    assert bytes_of(result, "corpus") == pytest.approx((5.6, 14.4), rel=1e-5)
    assert used(result, "van") == [(6.0, 1)]


def test_cheapest_plan_with_a_loose_deadline_ships_everything() -> None:
    """objective: cost, deadline 1 day: the drive alone meets it.

    Write 20 TB at 7.2 TB/h (2.78 h) before 06:00, arrive 12:00, read 20 / 7.2 = 2.7778 h:
    done at 12 + 25 / 9 = 133 / 9 = 14.7778 h <= 24 h. Cost $300 (no bytes online), the cheapest
    possible since any online byte costs and the only other option is $1,000 online.
    Among $300 plans the earliest is the one above: T = 133 / 9 h.
    """
    result = solve_and_check(cost_plan(deadline="1 day"), 133 / 9)
    assert result.cost.total == pytest.approx(300.0, abs=0.01)
    # Within the solver's tolerances: at most 100 MB (a cent's worth) online.
    assert bytes_of(result, "corpus") == pytest.approx((0.0, 20.0), abs=1e-4)


def test_cheapest_plan_with_no_horizon_waits_for_the_free_link() -> None:
    """objective: cost, no horizon and no deadline: the planner must look far enough for the
    cheapest plan, not stop at the first horizon that holds some plan.

    100 TB from a to b over a free 1 Gbps link (0.125 GB/s = 0.45 TB/h) and a paid 10 Gbps one
    at $0.01/GB. Every byte on the paid link costs, so the cheapest plan sends none there: $0, the
    free link alone, busy from the start: 100 / 0.45 = 2,000 / 9 = 222.22 h, the earliest $0 plan.
    (The first horizon tried, from the fastest plan's bound, was 96 h: there the cheapest plan
    sends 56.8 TB on the paid link for $568, which the planner called optimal.)
    """
    plan = make_plan(
        "slow-free",
        objective="cost",
        sites={"a": {}, "b": {}},
        datasets={"logs": {"at": "a", "to": "b", "size": "100 TB"}},
        links={
            "free": {"from": "a", "to": "b", "bandwidth": "1 Gbps"},
            "paid": {"from": "a", "to": "b", "bandwidth": "10 Gbps", "cost_per_gb": 0.01},
        },
    )
    result = solve_and_check(plan, 2000 / 9)
    assert result.cost.total == pytest.approx(0.0, abs=0.01)
    assert result.gap == 0.0


# --------------------------------------------------------------------------- (g) ready later than start


def test_data_ready_later_than_start(ready_later_plan: Plan) -> None:
    """Data ready at 5 h; the 4 h van is useless, the 8 h van carries part of it.

    Link 8 Gbps = 1 GB/s = 3.6 TB/h, from 5 h. Drive: written from 5 h at 7.2 TB/h (by 8 h up to
    21.6 TB, capacity 20), on the 8 h van, arriving 10 h, read at 7.2 TB/h. (The 4 h van leaves
    before any byte exists; the 20 h van arrives at 22 h, later than the answer.)
    x TB on the drive: T = 10 + x / 7.2 and x + 3.6 (T - 5) = 36
      -> x + 18 + 0.5 x = 36 -> x = 12 TB -> T = 10 + 12 / 7.2 = 35 / 3 = 11.6667 h.
    Online 3.6 x (35 / 3 - 5) = 24 TB.
    """
    result = solve_and_check(ready_later_plan, 35 / 3)
    assert bytes_of(result, "d") == pytest.approx((24.0, 12.0), rel=1e-5)
    assert used(result, "van") == [(8.0, 1)]
    link = result.links[0]
    assert min(t.start_hours for t in link.transfers if t.bytes > 0) >= 5 - 1e-6, describe(result)


def test_the_flow_bound_counts_link_windows(network_only_plan: Plan) -> None:
    """The network-only plan's link is open 22:00-06:00 only: its 36 TB at 3.6 TB/h pass in 6 h
    that night and 4 h the next, by 26 h, the optimum. Over the link's rate alone, 10 h."""
    assert bounds.flow_bound(network_only_plan) == 26 * HOUR


def test_the_flow_bound_counts_overlapping_windows_once() -> None:
    """One 8 Gbps link (3.6 TB/h) open 00:00-12:00 and 06:00-18:00: open from 0 h to 18 h, once.
    36 TB pass by 10 h, the optimum; counted twice from 6 h to 12 h, the bound would be 8 h."""
    plan = make_plan(
        "overlapping-windows",
        sites={"a": {}, "b": {}},
        datasets={"d": {"at": "a", "to": "b", "size": "36 TB"}},
        links={"wan": {"from": "a", "to": "b", "bandwidth": "8 Gbps", "windows": ["00:00-12:00", "06:00-18:00"]}},
        horizon="2 days",
    )
    assert bounds.flow_bound(plan) == 10 * HOUR
    solve_and_check(plan, 10.0)


def test_the_flow_bound_counts_what_a_source_can_send() -> None:
    """Two sources into one destination: 'near' sends 72 TB over 32 Gbps (4 GB/s = 14.4 TB/h,
    5 h), 'far' 36 TB over 8 Gbps (3.6 TB/h): 10 h, the optimum. The destination takes 108 TB in
    at 18 TB/h: 6 h, the bound when only what comes in counted."""
    plan = make_plan(
        "two-sources",
        sites={"near": {}, "far": {}, "dc": {}},
        datasets={
            "a": {"at": "near", "to": "dc", "size": "72 TB"},
            "b": {"at": "far", "to": "dc", "size": "36 TB"},
        },
        links={
            "fast": {"from": "near", "to": "dc", "bandwidth": "32 Gbps"},
            "slow": {"from": "far", "to": "dc", "bandwidth": "8 Gbps"},
        },
        horizon="2 days",
    )
    assert bounds.flow_bound(plan) == 10 * HOUR
    solve_and_check(plan, 10.0)


def test_the_flow_bound_counts_each_ready_time() -> None:
    """18 TB ready at start and 18 TB ready at 6 h, over one 8 Gbps link (3.6 TB/h): the first
    passes by 5 h, the link waits, and the second passes from 6 h to 11 h, the optimum. All 36 TB
    from the first ready time: 10 h; the bytes ready at 6 h, from 6 h: 6 + 18 / 3.6 = 11 h."""
    plan = make_plan(
        "two-ready-times",
        sites={"a": {}, "b": {}},
        datasets={
            "first": {"at": "a", "to": "b", "size": "18 TB"},
            "second": {"at": "a", "to": "b", "size": "18 TB", "ready": "6 h"},
        },
        links={"wan": {"from": "a", "to": "b", "bandwidth": "8 Gbps"}},
        horizon="2 days",
    )
    assert bounds.flow_bound(plan) == 11 * HOUR
    solve_and_check(plan, 11.0)


def test_second_dataset_ready_later_on_a_drive_that_goes_twice() -> None:
    """Two datasets at a: d1 5 TB from 0 h, d2 7 TB from 1 h; one 8 TB drive (write 1 GB/s = 3.6 TB/h,
    read 0.5 GB/s = 1.8 TB/h); out at 03:00, 09:00, 15:00 (1 h), back at 04:00, 10:00, 16:00 (1 h).

    12 TB > 8 TB: two trips. First: write 8 TB (d1's 5 TB in 0-1.39 h, then 3 TB of d2, ready since
    1 h) by 2.22 h, out at 3 h, arrive 4 h, read 8 / 1.8 = 4.44 h until 8.44 h, back at 10 h (the 4 h
    departure is before the read ends), at a at 11 h, write the last 4 TB by 12.11 h, out at 15 h,
    arrive 16 h, read 4 / 1.8 = 2.22 h: T = 16 + 20 / 9 = 164 / 9 = 18.2222 h. A fuller first trip is
    impossible (8 TB capacity), and a smaller one leaves more to read after 16 h, so this is optimal.
    """
    plan = make_plan(
        "two-ready-times",
        sites={"a": {"bays": 2}, "b": {"bays": 1}},
        datasets={
            "d1": {"at": "a", "to": "b", "size": "5 TB"},
            "d2": {"at": "a", "to": "b", "size": "7 TB", "ready": "1 h"},
        },
        drives={"hdd": {"capacity": "8 TB", "write_rate": "1 GB/s", "read_rate": "0.5 GB/s", "fleet": {"a": 1}}},
        routes={
            "out": {"from": "a", "to": "b", "transit": "1 h", "departures": {"first": "03:00", "every": "6 h"}},
            "back": {"from": "b", "to": "a", "transit": "1 h", "departures": {"first": "04:00", "every": "6 h"}},
        },
        horizon="3 days",
    )
    result = solve_and_check(plan, 164 / 9)
    assert used(result, "out") == [(3.0, 1), (15.0, 1)]
    first = next(d for d in route(result, "out").departures if d.hours == 3.0)
    assert first.bytes / TB == pytest.approx(8.0, rel=1e-6)


# --------------------------------------------------------------------------- (h) max_drives, cost_each, cost_per_trip


def test_max_drives_one_per_departure(max_drives_plan: Plan) -> None:
    """max_drives 1: three 10 TB drives need three departures (02:00, 08:00, 14:00).

    30 TB over drives of 10 TB: all three full, one per departure. The third drive leaves at 14:00
    at the earliest, arrives 17:00 and reads 10 TB at 7.2 TB/h: T = 17 + 25 / 18 = 331 / 18 = 18.3889 h.
    (Without the cap all three would leave at 02:00 and be done at 5 + 1.3889 h.)
    """
    result = solve_and_check(max_drives_plan, 331 / 18)
    assert used(result, "shuttle") == [(2.0, 1), (8.0, 1), (14.0, 1)]
    assert bytes_of(result, "d") == pytest.approx((0.0, 30.0), abs=1e-6)


def test_cost_each_makes_the_cheapest_plan_use_one_drive() -> None:
    """objective: cost, drives at $100 each, $50 a trip, $10 a drive carried.

    10 TB fits one drive: $100 + $50 + $10 = $160; each extra drive adds $110, so one drive.
    Earliest among $160 plans: write 10 TB by 6 h, arrive 10 h, read 10 / 7.2 = 1.3889 h:
    T = 10 + 25 / 18 = 205 / 18 = 11.3889 h.
    """
    result = solve_and_check(priced_drives_plan("cost"), 205 / 18)
    assert result.cost.total == pytest.approx(160.0, abs=0.01)
    assert result.cost.drives == pytest.approx(100.0, rel=1e-6)
    assert result.cost.routes == pytest.approx(60.0, rel=1e-6)
    assert used(result, "truck") == [(6.0, 1)]


def test_makespan_objective_spreads_over_all_drives_and_pays_for_them() -> None:
    """objective: makespan, same plan: speed first, so all four drives read in parallel.

    10 TB over 4 drives, 2.5 TB each, read at 4 x 7.2 = 28.8 TB/h after the 10 h arrival:
    T = 10 + 10 / 28.8 = 10 + 25 / 72 = 745 / 72 = 10.3472 h. Any drive left out makes the reads
    slower, so the cheapest plan at that makespan still uses 4: $400 + $50 + 4 x $10 = $490.
    """
    result = solve_and_check(priced_drives_plan("makespan"), 745 / 72)
    assert result.cost.total == pytest.approx(490.0, abs=0.01)
    assert used(result, "truck") == [(6.0, 4)]


def test_cost_per_trip_tie_break_under_makespan() -> None:
    """objective: makespan, two vans with the same times, $500 and $50 a trip: the cheaper one is used.

    Link 8 Gbps = 3.6 TB/h; 36 TB. One 10 TB drive (7.2 TB/h), either van leaves at 2 h and arrives at
    5 h. Put x TB on the drive (x <= 10, and x <= 2 h x 7.2 = 14.4 of writing): the drive is read by
    5 + x / 7.2, the link ends at (36 - x) / 3.6. Equal finish: 72 - 2x = 36 + x -> x = 12 > 10, so
    the capacity binds: x = 10, the link's 26 TB end at 26 / 3.6 = 65 / 9 = 7.2222 h, the drive is
    read by 5 + 1.3889 = 6.39 h. T = 65 / 9 h either way; the cheapest such plan takes van B: $50.
    """
    plan = make_plan(
        "trip-prices",
        sites={"a": {"bays": 1}, "b": {"bays": 1}},
        datasets={"d": {"at": "a", "to": "b", "size": "36 TB"}},
        links={"wan": {"from": "a", "to": "b", "bandwidth": "8 Gbps"}},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"a": 1}}},
        routes={
            "van-a": {"from": "a", "to": "b", "transit": "3 h", "departures": {"at": ["2 h"]}, "cost_per_trip": 500},
            "van-b": {"from": "a", "to": "b", "transit": "3 h", "departures": {"at": ["2 h"]}, "cost_per_trip": 50},
        },
        horizon="1 day",
    )
    result = solve_and_check(plan, 65 / 9)
    assert used(result, "van-a") == []
    assert used(result, "van-b") == [(2.0, 1)]
    assert result.cost.total == pytest.approx(50.0, abs=0.01)
    assert bytes_of(result, "d") == pytest.approx((26.0, 10.0), rel=1e-5)


# --------------------------------------------------------------------------- infeasible


def hours_in(text: str) -> list[float]:
    return [float(m) for m in re.findall(r"(\d+(?:\.\d+)?) h\b", text)]


def test_deadline_below_the_reachable_says_the_lower_bound() -> None:
    """The shipping-only plan needs 140 / 9 = 15.5556 h (see above); a deadline of 12 h cannot be met.

    The explanation must give a lower bound in hours that proves it: above 12 h, at most 15.5556 h
    (printed with one decimal: 15.6 h when the bound is tight).
    """
    result = solve(shipping_only_plan(deadline="12 h"), baselines=False, time_limit=60)
    text = " ".join(result.explanation)
    assert result.status == "infeasible", describe(result)
    assert result.makespan_hours is None
    assert "lower bound" in text, text
    bound = re.search(r"at least (\d+(?:\.\d+)?) h", text)
    assert bound is not None, text
    assert 12.0 < float(bound.group(1)) <= round(140 / 9, 1) + 1e-9, text


@pytest.mark.parametrize("objective", ["cost", "makespan"])
def test_budget_below_the_cheapest_plan_says_the_cheapest_cost(objective: str) -> None:
    """Budget $100, but the cheapest plan costs $160 (one drive $100 + trip $50 + $10 per drive).

    Whatever the objective, no plan exists: status infeasible, and the words give the cheapest cost.
    """
    result = solve(priced_drives_plan(objective, budget=100), baselines=False, time_limit=60)
    text = " ".join(result.explanation)
    assert result.status == "infeasible", describe(result)
    assert "budget" in text, text
    assert "160" in text, text


def test_a_deadline_its_dataset_alone_cannot_meet_names_that_dataset() -> None:
    """One 8 Gbps link (3.6 TB/h) from a to b. 'late' holds 36 TB due by 5 h: alone it needs
    36 / 3.6 = 10 h. 'early' holds 3.6 TB due by 100 h. Everything together needs 11 h, below the
    latest deadline, so that bound shows nothing; the bound of 'late' alone does: 10 h > 5 h.
    """
    plan = make_plan(
        "one-late",
        sites={"a": {"bays": 0}, "b": {"bays": 0}},
        datasets={
            "late": {"at": "a", "to": "b", "size": "36 TB", "deadline": "5 h"},
            "early": {"at": "a", "to": "b", "size": "3.6 TB", "deadline": "100 h"},
        },
        links={"wan": {"from": "a", "to": "b", "bandwidth": "8 Gbps"}},
        horizon="5 days",
    )
    result = solve(plan, baselines=False, time_limit=60)
    text = " ".join(result.explanation)
    assert result.status == "infeasible", describe(result)
    assert result.explanation == [
        "dataset 'late' must arrive by 5.0 h (5 h), but delivering it alone takes at least 10.0 h (10 h) (lower bound)"
    ], text


def test_unreachable_destination_names_the_dataset() -> None:
    """Data at 'island' with no link or route leaving it can never reach 'dc'."""
    plan = make_plan(
        "unreachable",
        sites={"lab": {"bays": 1}, "dc": {"bays": 1}, "island": {"bays": 1}},
        datasets={
            "fine": {"at": "lab", "to": "dc", "size": "1 TB"},
            "stranded": {"at": "island", "to": "dc", "size": "1 TB"},
        },
        links={"wan": {"from": "lab", "to": "dc", "bandwidth": "10 Gbps"}},
        drives={"ssd": {"capacity": "10 TB", "write_rate": "2 GB/s", "read_rate": "2 GB/s", "fleet": {"lab": 1}}},
        routes={"van": {"from": "lab", "to": "dc", "transit": "2 h", "departures": {"at": ["1 h"]}}},
    )
    result = solve(plan, baselines=False, time_limit=60)
    text = " ".join(result.explanation)
    assert result.status == "infeasible", describe(result)
    assert "stranded" in text and "fine" not in text, text


HDD = {"capacity": "10 TB", "write_rate": "1 GB/s", "read_rate": "1 GB/s"}


def relay_plan(**changes: Any) -> Plan:
    """10 TB at 'a' for 'c', no link; one 10 TB drive at 'a'; the van takes it to 'hub' (no bays)
    at 3 h, arriving 4 h, the truck on to 'c' at 5 h, arriving 6 h."""
    sections: dict[str, Any] = {
        "sites": {"a": {"bays": 1}, "hub": {}, "c": {"bays": 1}},
        "datasets": {"d": {"at": "a", "to": "c", "size": "10 TB"}},
        "drives": {"hdd": {**HDD, "fleet": {"a": 1}}},
        "routes": {
            "van": {"from": "a", "to": "hub", "transit": "1 h", "departures": {"at": ["3 h"]}},
            "truck": {"from": "hub", "to": "c", "transit": "1 h", "departures": {"at": ["5 h"]}},
        },
    }
    sections.update(changes)
    return make_plan("relay", **sections)


def test_drives_pass_through_a_site_without_bays() -> None:
    """Rule 3: drives pass through a site without bays. Written at 1 GB/s, the 10 TB take
    10,000 s = 25/9 h, done before the van at 3 h; at 'hub' by 4 h, on the 5 h truck, at 'c' by
    6 h, read in 25/9 h: delivered at 6 + 25/9 = 8.778 h, the only plan there is."""
    plan = relay_plan()
    assert bounds.stranded(plan) == []
    result = solve(plan, baselines=False, time_limit=30)
    assert result.status == "optimal" and result.verified, describe(result)
    assert result.makespan_hours == pytest.approx(6 + 25 / 9, abs=1e-3)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        # the data's site cannot write a drive, and no link leaves it
        ({"sites": {"a": {}, "hub": {}, "c": {"bays": 1}}}, "(no link leaves 'a', and it has no bays to write drives)"),
        # nor can the destination read one, and no link reaches it
        ({"sites": {"a": {"bays": 1}, "hub": {}, "c": {}}}, "(no link reaches 'c', and it has no bays to read drives)"),
        # the drive starts at 'c' and no route leads back to 'a': nothing teleports (rule 4)
        (
            {"drives": {"hdd": {**HDD, "fleet": {"c": 1}}}},
            "(no link leaves 'a', and no drive starts there or can travel there)",
        ),
    ],
)
def test_a_plan_whose_drives_cannot_carry_the_data_is_infeasible_at_once(changes: dict[str, Any], why: str) -> None:
    """The relay above with one part missing: no plan exists, and the reason is given in the
    plan's terms before any search (these used to be searched, 0.1-0.2 s here, and then called
    only "no plan delivers every dataset within the horizon")."""
    result = solve(relay_plan(**changes), baselines=False, time_limit=30)
    assert result.status == "infeasible", describe(result)
    assert result.explanation == [
        f"dataset 'd' cannot reach 'c' from 'a': no chain of links and drive routes leads there {why}"
    ]
    assert result.solve_seconds < 1


def test_routes_no_drive_can_take_carry_nothing() -> None:
    """A route whose departures take no drives (`max_drives: 0`), or whose courier pool has no
    couriers (a departure with a drive needs one), brings nothing: the relay is cut."""
    van = {"from": "a", "to": "hub", "transit": "1 h", "departures": {"at": ["3 h"]}}
    truck = {"from": "hub", "to": "c", "transit": "1 h", "departures": {"at": ["5 h"]}}
    capped = {"van": van, "truck": {**truck, "max_drives": 0}}
    assert bounds.stranded(relay_plan(routes=capped)) == ["d"]
    staffed = {"van": van, "truck": {**truck, "courier": "crew"}}
    crew = {"carry": 2, "fleet": {"hub": 1}}
    assert bounds.stranded(relay_plan(routes=staffed, couriers={"crew": crew})) == []
    assert bounds.stranded(relay_plan(routes=staffed, couriers={"crew": {**crew, "fleet": {}}})) == ["d"]


def test_a_drive_back_at_its_source_keeps_no_stray_bytes() -> None:
    """Found by hypothesis: the solver left 90 kB (its tolerance) written on a drive after its last
    read, and the replay found the dataset short by them. The schedule now gives such bytes back
    to the site, and the link carries them.

    44 TB at a; a 2 Gbps link (0.9 TB/h); drive t0 (14 TB) at a, route `out` at 05:00 arriving
    11:00, read at 1 GB/s = 3.6 TB/h. Its next trip would be `back` at 23:00 (at a 27 h) and
    `out` at 28 h, arriving at 34 h; drive t1 at b can reach a only at 27 h likewise. So the drives
    carry one load of 14 TB and the link the other 30 TB: 30 / 0.9 = 33.333 h.
    """
    plan = make_plan(
        "stray-bytes",
        horizon="3 days",
        sites={"a": {"bays": 2}, "b": {"bays": 1}},
        datasets={"d1": {"at": "a", "to": "b", "size": "44 TB"}},
        links={"wan": {"from": "a", "to": "b", "bandwidth": "2 Gbps"}},
        drives={
            "t0": {"capacity": "14 TB", "write_rate": "2.0 GB/s", "read_rate": "1.0 GB/s", "fleet": {"a": 1}},
            "t1": {"capacity": "26 TB", "write_rate": "1.5 GB/s", "read_rate": "3.0 GB/s", "fleet": {"b": 1}},
        },
        routes={
            "out": {"from": "a", "to": "b", "transit": "6 h", "departures": {"first": "05:00", "every": "23 h"}},
            "back": {"from": "b", "to": "a", "transit": "4 h", "departures": {"first": "23:00", "every": "10 h"}},
        },
    )
    result = solve_and_check(plan, 100 / 3)
    (data,) = result.datasets
    assert data.drive_bytes == 14 * TB and data.online_bytes == 30 * TB, describe(result)
