"""The independent verifier: a hand-made feasible schedule passes; each way of breaking it is named.

Every broken case starts from the same valid plan and result (the fixtures below), changes one
thing, and asserts the specific sentence the verifier must say about it.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import transferplan
from transferplan import _replay
from transferplan.result import Result
from transferplan.schema import Plan
from transferplan.verify import Replay, verify

TB = 10**12
GB = 10**9

BASE_PLAN: dict[str, Any] = {
    "name": "two-sites",
    "budget": 1000,
    "sites": {"hq": {"bays": 2}, "dc": {"bays": 2, "io_rate": "2 GB/s"}},
    "datasets": {
        "video": {"at": "hq", "to": "dc", "size": "3.6 TB"},
        "logs": {"at": "hq", "to": "dc", "size": "36 GB", "ready": "1 h", "deadline": "3 h"},
    },
    "links": {
        "wan": {"from": "hq", "to": "dc", "bandwidth": "80 Mbps", "cost_per_gb": 0.5, "windows": ["01:00-04:00"]},
    },
    "drives": {
        "hdd": {
            "capacity": "2 TB",
            "write_rate": "1 GB/s",
            "read_rate": "2 GB/s",
            "fleet": {"hq": 2},
            "cost_each": 100,
        },
    },
    "couriers": {"staff": {"fleet": {"hq": 2}, "carry": 1}},
    "routes": {
        "van": {
            "from": "hq",
            "to": "dc",
            "transit": "3 h",
            "departures": {"first": "2 h", "every": "4 h"},
            "courier": "staff",
            "max_drives": 2,
            "cost_per_trip": 50,
            "cost_per_drive": 10,
            "cost_per_courier": 200,
        },
    },
}
"""Two sites 3 hours apart by courier van (2 h, 6 h, 10 h, ...), an 80 Mbps link open 01:00-04:00,
two 2 TB drives at hq writing at 1 GB/s and reading at 2 GB/s; `video` (3.6 TB) goes by van and
`logs` (36 GB, ready at 1 h, due by 3 h) over the link."""


def _op(what: str, site: str, bay: int, start: float, end: float, **datasets: int) -> dict[str, Any]:
    total = sum(datasets.values())
    return {
        "hours": start,
        "what": what,
        "site": site,
        "until_hours": end,
        "bay": bay,
        "bytes": total,
        "datasets": datasets,
    }


def _move(what: str, site: str, at: float) -> dict[str, Any]:
    return {"hours": at, "what": what, "site": site, "route": "van"}


def _drive(name: str, bay: int, read_from: float) -> dict[str, Any]:
    events = [
        _op("write", "hq", bay, 0.0, 0.5, video=1_800 * GB),
        _move("depart", "hq", 2.0),
        _move("arrive", "dc", 5.0),
        _op("read", "dc", bay, read_from, read_from + 0.25, video=1_800 * GB),
    ]
    return {"name": name, "type": "hdd", "start_site": "hq", "events": events}


BASE_RESULT: dict[str, Any] = {
    "plan": "two-sites",
    "status": "optimal",
    "makespan_hours": 5.5,
    "cost": {"total": 688.0, "links": 18.0, "routes": 70.0, "couriers": 400.0, "drives": 200.0},
    "datasets": [
        {
            "name": "video",
            "at": "hq",
            "to": "dc",
            "size_bytes": 3_600 * GB,
            "delivered_hours": 5.5,
            "online_bytes": 0,
            "drive_bytes": 3_600 * GB,
        },
        {
            "name": "logs",
            "at": "hq",
            "to": "dc",
            "size_bytes": 36 * GB,
            "delivered_hours": 2.0,
            "online_bytes": 36 * GB,
            "drive_bytes": 0,
        },
    ],
    "links": [
        {
            "name": "wan",
            "from_site": "hq",
            "to_site": "dc",
            "bytes": 36 * GB,
            "utilization": 1.0,
            "transfers": [{"dataset": "logs", "start_hours": 1.0, "end_hours": 2.0, "bytes": 36 * GB}],
        }
    ],
    "routes": [
        {
            "name": "van",
            "from_site": "hq",
            "to_site": "dc",
            "departures": [
                {
                    "hours": 2.0,
                    "arrival_hours": 5.0,
                    "drives": 2,
                    "couriers": 2,
                    "bytes": 3_600 * GB,
                    "drive_names": ["hdd#1", "hdd#2"],
                    "courier_names": ["staff#1", "staff#2"],
                }
            ],
        }
    ],
    "drives": [_drive("hdd#1", 1, 5.0), _drive("hdd#2", 2, 5.25)],
    "couriers": [
        {
            "name": f"staff#{n}",
            "pool": "staff",
            "start_site": "hq",
            "trips": [{"route": "van", "depart_hours": 2.0, "arrive_hours": 5.0}],
        }
        for n in (1, 2)
    ],
}
"""The feasible schedule: hdd#1 and hdd#2 each write half of `video` on bays 1 and 2 at hq (0 to 0.5 h),
leave on the 2 h van with staff#1 and staff#2, arrive at 5 h and are read one after the other at dc
(so dc stays within its 2 GB/s io_rate); `logs` crosses the link from 1 h to 2 h at exactly its rate.
video lands at 5.5 h, logs at 2 h. Cost: link 36 GB x 0.5 = 18; route 50 + 2 x 10 = 70; couriers
2 x 200 = 400; drives 2 x 100 = 200; total 688."""


@pytest.fixture
def plan_data() -> dict[str, Any]:
    """A fresh, editable copy of the valid plan's data (BASE_PLAN)."""
    return copy.deepcopy(BASE_PLAN)


@pytest.fixture
def result_data() -> dict[str, Any]:
    """A fresh, editable copy of the valid result's data (BASE_RESULT)."""
    return copy.deepcopy(BASE_RESULT)


def replay(plan_data: dict[str, Any], result_data: dict[str, Any]) -> Replay:
    """Validate both and verify."""
    return verify(Plan.model_validate(plan_data), Result.model_validate(result_data))


def events(result_data: dict[str, Any], drive: str) -> list[dict[str, Any]]:
    """The editable event list of one drive in result data."""
    return next(d["events"] for d in result_data["drives"] if d["name"] == drive)


def assert_reports(found: Replay, expected: str) -> None:
    """The replay names `expected` (a whole sentence or a telling part of one)."""
    assert any(expected in v for v in found.violations), f"{expected!r} not in {found.violations}"


# The valid schedule.


def test_valid_schedule_has_no_violations(plan_data: dict[str, Any], result_data: dict[str, Any]) -> None:
    found = replay(plan_data, result_data)
    assert found.violations == []
    assert found.ok


def test_valid_schedule_replays_delivery_and_makespan(plan_data: dict[str, Any], result_data: dict[str, Any]) -> None:
    found = replay(plan_data, result_data)
    assert found.delivered_hours == pytest.approx({"video": 5.5, "logs": 2.0})
    assert found.makespan_hours == pytest.approx(5.5)


def test_valid_schedule_recomputes_cost(plan_data: dict[str, Any], result_data: dict[str, Any]) -> None:
    cost = replay(plan_data, result_data).cost
    assert (cost.links, cost.routes, cost.couriers, cost.drives) == pytest.approx((18.0, 70.0, 400.0, 200.0))
    assert cost.total == pytest.approx(688.0)


def test_saved_json_result_verifies_the_same(plan_data: dict[str, Any], result_data: dict[str, Any]) -> None:
    result = Result.from_json(Result.model_validate(result_data).to_json())
    assert verify(Plan.model_validate(plan_data), result).ok


def test_a_result_of_another_plan_is_replayed_without_its_claims(
    plan_data: dict[str, Any], result_data: dict[str, Any]
) -> None:
    """Under a variant whose drives cost 150 each, not 100, the schedule runs as it is: without
    its claims, nothing is wrong, and the replay prices it for the variant (688 + 2 x 50 = 788);
    with them, the claimed 688 is named. The budget (1,000) is a rule of the variant, checked
    either way: at 700 it is broken."""
    plan_data["drives"]["hdd"]["cost_each"] = 150
    plan, result = Plan.model_validate(plan_data), Result.model_validate(result_data)
    elsewhere = verify(plan, result, claims=False)
    assert elsewhere.ok and elsewhere.cost.total == pytest.approx(788.0)
    assert elsewhere.makespan_hours == pytest.approx(5.5)
    claimed = "the reported total cost 688.00 USD does not match the replay's 788.00 USD"
    assert claimed in verify(plan, result).violations
    plan_data["budget"] = 700
    tight = verify(Plan.model_validate(plan_data), result, claims=False)
    assert tight.violations == ["the cost 788.00 USD is above the budget 700.00 USD"]


def test_result_without_a_plan_has_nothing_to_replay(plan_data: dict[str, Any]) -> None:
    found = verify(Plan.model_validate(plan_data), Result(status="infeasible"))
    assert found.ok
    assert found.makespan_hours is None
    assert found.delivered_hours == {"video": None, "logs": None}


def test_delivery_is_when_the_last_byte_arrives(plan_data: dict[str, Any], result_data: dict[str, Any]) -> None:
    # logs now crosses in two transfers with a gap: half by 1.5 h, the rest from 2 h to 3 h.
    result_data["links"][0]["transfers"] = [
        {"dataset": "logs", "start_hours": 1.0, "end_hours": 1.5, "bytes": 18 * GB},
        {"dataset": "logs", "start_hours": 2.0, "end_hours": 3.0, "bytes": 18 * GB},
    ]
    found = replay(plan_data, result_data)
    assert found.delivered_hours["logs"] == pytest.approx(3.0)
    assert_reports(found, "logs is reported delivered at 2.0 h, but the replay has it at 3.0 h")


# Breaking the valid schedule, one rule at a time. Each change is a function of (plan data, result data).

Change = Callable[[dict[str, Any], dict[str, Any]], None]


def overbook_bay(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """hdd#2 writes on bay 1 at hq while hdd#1 is on it."""
    events(result, "hdd#2")[0]["bay"] = 1


def write_after_departure(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """hdd#1 is written at hq from 2.5 h, after it left on the 2 h van."""
    ev = events(result, "hdd#1")
    write = ev.pop(0)
    write.update(hours=2.5, until_hours=3.0)
    ev.insert(1, write)


def depart_while_writing(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """hdd#1 is still being written when the 2 h van leaves."""
    events(result, "hdd#1")[0].update(hours=1.5, until_hours=2.5)


def courier_missing(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """Only staff#1 travels with the two drives (carry is 1)."""
    result["couriers"].pop()
    departure = result["routes"][0]["departures"][0]
    departure.update(couriers=1, courier_names=["staff#1"])


def capacity_exceeded(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The drives hold 1 TB, but each is written with 1.8 TB."""
    plan["drives"]["hdd"]["capacity"] = "1 TB"


def link_over_bandwidth(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """logs crosses in half an hour: twice the link's 80 Mbps."""
    result["links"][0]["transfers"][0]["end_hours"] = 1.5


def transfer_outside_window(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """logs crosses from 4 h to 5 h; the link is open 01:00-04:00 only."""
    result["links"][0]["transfers"][0].update(start_hours=4.0, end_hours=5.0)


def delivered_twice(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """After reading its half of video at dc, hdd#1 is written with it again and read again."""
    events(result, "hdd#1").extend(
        [_op("write", "dc", 1, 5.25, 5.75, video=1_800 * GB), _op("read", "dc", 1, 5.75, 6.0, video=1_800 * GB)]
    )


def never_delivered(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """logs never crosses the link."""
    result["links"][0].update(transfers=[], bytes=0)


def unscheduled_departure(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """Everything leaves on a van at 3 h; vans leave at 2 h, 6 h, 10 h, ..."""
    for name in ("hdd#1", "hdd#2"):
        for event in events(result, name)[1:]:
            event["hours"] += 1.0
            if event.get("until_hours") is not None:
                event["until_hours"] += 1.0
    for courier in result["couriers"]:
        courier["trips"][0].update(depart_hours=3.0, arrive_hours=6.0)
    result["routes"][0]["departures"][0].update(hours=3.0, arrival_hours=6.0)


def drive_teleported(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """hdd#1, at dc since 5 h, boards the 6 h van that leaves from hq."""
    events(result, "hdd#1").extend([_move("depart", "hq", 6.0), _move("arrive", "dc", 9.0)])


def courier_teleported(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """staff#1, at dc since 5 h, boards the 6 h van that leaves from hq."""
    result["couriers"][0]["trips"].append({"route": "van", "depart_hours": 6.0, "arrive_hours": 9.0})


def read_what_is_not_on_drive(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """hdd#1 reads logs at dc, but was written with video."""
    events(result, "hdd#1")[3]["datasets"] = {"logs": 1_800 * GB}


def write_before_ready(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """video is ready at 1 h, but the drives are written with it from 0 h."""
    plan["datasets"]["video"]["ready"] = "1 h"


def dataset_deadline_missed(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """logs is due by 1.5 h and lands at 2 h."""
    plan["datasets"]["logs"]["deadline"] = "1.5 h"


def plan_deadline_missed(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """Everything is due by 5 h; video lands at 5.5 h."""
    plan["deadline"] = "5 h"


def budget_exceeded(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The budget is 500; the schedule costs 688."""
    plan["budget"] = 500


def makespan_misreported(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The result claims 5 h; the last dataset lands at 5.5 h."""
    result["makespan_hours"] = 5.0


def io_rate_exceeded(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """Both drives are read at dc at once: 4 GB/s on a 2 GB/s site."""
    events(result, "hdd#2")[3].update(hours=5.0, until_hours=5.25)


def too_many_drives(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The van takes one drive; two board it."""
    plan["routes"]["van"]["max_drives"] = 1


def arrives_early(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """hdd#1 arrives at 4 h from a 3 h trip leaving at 2 h."""
    events(result, "hdd#1")[2]["hours"] = 4.0


def unknown_drive(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """A third drive appears; the fleet has two."""
    extra = copy.deepcopy(result["drives"][1])
    extra.update(name="hdd#3", events=[])
    result["drives"].append(extra)


def write_too_fast(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """hdd#1 takes 1.8 TB in 15 min at 1 GB/s."""
    events(result, "hdd#1")[0]["until_hours"] = 0.25


def bay_out_of_range(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """hdd#2 is written on bay 3 at hq, which has 2 bays."""
    events(result, "hdd#2")[0]["bay"] = 3


def cost_misreported(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The result forgets one drive's per-drive route cost."""
    result["cost"]["routes"] = 60.0


def departure_count_misreported(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The van's departure claims three couriers but names two."""
    result["routes"][0]["departures"][0]["couriers"] = 3


def drive_missing_from_departure(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The van's departure forgets hdd#2, which its schedule puts on it."""
    result["routes"][0]["departures"][0].update(drives=1, drive_names=["hdd#1"])


def bytes_by_link_misreported(plan: dict[str, Any], result: dict[str, Any]) -> None:
    """The result says logs came by drive; it came over the link."""
    result["datasets"][1].update(online_bytes=0, drive_bytes=36 * GB)


BROKEN: list[tuple[Change, str]] = [
    (overbook_bay, "bay 1 at hq is used by hdd#1 and hdd#2 at once from 0.0 h to 0.5 h"),
    (write_after_departure, "hdd#1 writes at hq from 2.5 h to 3.0 h, but it is in transit on van from 2.0 h to 5.0 h"),
    (depart_while_writing, "hdd#1 writes at hq from 1.5 h to 2.5 h, but it departs on van at 2.0 h, before that ends"),
    (
        courier_missing,
        "van's departure at 2.0 h carries 2 drives but only 1 courier of staff travel with them (needs 2)",
    ),
    (capacity_exceeded, "hdd#1 holds 1.8 TB at 0.5 h, above its capacity 1 TB"),
    (link_over_bandwidth, "wan sends 160 Mbps from 1.0 h to 1.5 h, above its rate 80 Mbps"),
    (transfer_outside_window, "wan sends logs from 4.0 h to 5.0 h, outside its windows 01:00-04:00"),
    (delivered_twice, "video is delivered more than once: 5.4 TB arrive at dc for its 3.6 TB"),
    (never_delivered, "logs is not delivered: only 0 B arrive at dc for its 36 GB"),
    (unscheduled_departure, "hdd#1 departs on van at 3.0 h, which is not a scheduled departure of van"),
    (unscheduled_departure, "van has no departure scheduled at 3.0 h (nearest: 2.0 h and 6.0 h)"),
    (drive_teleported, "hdd#1 departs on van from hq at 6.0 h but is at dc then"),
    (courier_teleported, "courier staff#1 departs on van from hq at 6.0 h but is at dc then"),
    (read_what_is_not_on_drive, "hdd#1 would hold -1.8 TB of logs at 5.25 h: it reads bytes that are not on it"),
    (write_before_ready, "hq would hold -3.6 TB of video at 0.5 h: more of it leaves than has arrived"),
    (write_before_ready, "(video is ready there at 1.0 h)"),
    (dataset_deadline_missed, "logs is delivered at 2.0 h, after its deadline 1.5 h"),
    (plan_deadline_missed, "video is delivered at 5.5 h, after its deadline 5.0 h"),
    (budget_exceeded, "the cost 688.00 USD is above the budget 500.00 USD"),
    (makespan_misreported, "the reported makespan 5.0 h does not match the replay's 5.5 h"),
    (io_rate_exceeded, "drive I/O at dc is 32 Gbps from 5.0 h to 5.25 h, above its io_rate 16 Gbps"),
    (too_many_drives, "van's departure at 2.0 h carries 2 drives, above its max_drives 1"),
    (arrives_early, "hdd#1 arrives at dc on van at 4.0 h, but departing at 2.0 h it arrives at 5.0 h"),
    (unknown_drive, "hdd#3 is not a drive of the plan"),
    (write_too_fast, "hdd#1 writes at hq from 0.0 h to 0.25 h: 1.8 TB needs 0.5 h at its write_rate 8 Gbps"),
    (bay_out_of_range, "hdd#2 writes at hq from 0.0 h to 0.5 h on bay 3, but hq has 2 bays"),
    (cost_misreported, "the reported routes cost 60.00 USD does not match the replay's 70.00 USD"),
    (departure_count_misreported, "van's departure at 2.0 h reports 2 drives and 3 couriers but names 2 and 2"),
    (drive_missing_from_departure, "hdd#2 takes van's departure at 2.0 h but is not listed on it"),
    (drive_teleported, "van's departure at 6.0 h is taken by hdd#1 but is not listed in the result"),
    (never_delivered, "logs is reported delivered at 2.0 h, but the replay has it never delivered"),
    (never_delivered, "the reported makespan 5.5 h does not match the replay's none (not everything is delivered)"),
    (
        bytes_by_link_misreported,
        "logs is reported to arrive with 0 B online and 36 GB by drive, but the replay has 36 GB and 0 B",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BROKEN, ids=[change.__name__ for change, _ in BROKEN])
def test_broken_schedule_is_named(
    plan_data: dict[str, Any], result_data: dict[str, Any], change: Change, expected: str
) -> None:
    change(plan_data, result_data)
    found = replay(plan_data, result_data)
    assert not found.ok
    assert_reports(found, expected)


def test_unscheduled_departure_is_the_only_problem(plan_data: dict[str, Any], result_data: dict[str, Any]) -> None:
    # Shifted by an hour the schedule is otherwise consistent: only the departure times are wrong.
    unscheduled_departure(plan_data, result_data)
    result_data["datasets"][0]["delivered_hours"] = result_data["makespan_hours"] = 6.5
    found = replay(plan_data, result_data)
    assert all("not a scheduled departure" in v or "no departure scheduled" in v for v in found.violations)
    assert len(found.violations) == 5  # hdd#1, hdd#2, staff#1, staff#2 and the route's own record


# The replay's arithmetic.


@pytest.mark.parametrize(
    ("flows", "target", "expected"),
    [
        ([_replay.Flow(0.0, 2.0, 10.0)], 5.0, 1.0),
        ([_replay.Flow(0.0, 1.0, 4.0), _replay.Flow(3.0, 4.0, 4.0)], 6.0, 3.5),
        ([_replay.Flow(2.0, 2.0, 10.0)], 10.0, 2.0),
        ([_replay.Flow(0.0, 1.0, 4.0)], 6.0, None),
    ],
    ids=["within-one-op", "across-a-gap", "all-at-once", "never"],
)
def test_first_reach(flows: list[_replay.Flow], target: float, expected: float | None) -> None:
    assert _replay.first_reach(flows, target) == (None if expected is None else pytest.approx(expected))


def test_lowest_is_found_between_overlapping_flows() -> None:
    # +10 over [0, 2] and -10 over [0, 1]: the balance dips to -5 at 1 h, then recovers.
    assert _replay.lowest([_replay.Flow(0.0, 2.0, 10.0), _replay.Flow(0.0, 1.0, -10.0)]) == (-5.0, 1.0)


def test_verifier_imports_nothing_of_the_solver() -> None:
    allowed = {"schema", "units", "result", "_replay"}
    package = Path(transferplan.__file__).parent
    for module in ("verify.py", "_replay.py"):
        tree = ast.parse((package / module).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                names = [node.module] if node.module else [alias.name for alias in node.names]
                assert set(names) <= allowed, f"{module} imports {names}"
            elif isinstance(node, ast.ImportFrom | ast.Import):
                top = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(str(name).startswith("transferplan") for name in top), f"{module} imports {top}"
