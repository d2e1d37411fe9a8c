"""The plan model from Python: no YAML, immutability, cross-references, overrides, JSON Schema."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import transferplan
from transferplan import Plan

EXAMPLES = Path(__file__).parent.parent / "examples"
QUICK = EXAMPLES / "quick-start.yaml"


def small(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sites": {"hq": {"bays": 2}, "gpu": {"bays": 2}},
        "datasets": {"video": {"at": "hq", "to": "gpu", "size": "10 TB"}},
        "links": {"wan": {"from": "hq", "to": "gpu", "bandwidth": "10 Gbps", "windows": ["22:00-06:00"]}},
    }
    data.update(changes)
    return data


def test_plan_from_python() -> None:
    plan = Plan(**small())
    assert plan.datasets["video"].size == 10 * 10**12
    assert plan.links["wan"].bandwidth == Fraction(1_250_000_000)
    assert plan.links["wan"].from_ == "hq"
    assert plan.objective == "makespan" and plan.currency == "USD"
    assert Plan.model_validate(small()) == plan


def test_immutability() -> None:
    plan = Plan(**small())
    with pytest.raises(ValidationError):
        plan.name = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        plan.sites["hq"].bays = 3  # type: ignore[misc]


def test_unknown_field_from_python() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Plan(**small(sitez={}))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"datasets": {"video": {"at": "hqq", "to": "gpu", "size": "1 TB"}}}, "datasets.video.at: unknown site 'hqq'"),
        ({"datasets": {"video": {"at": "hq", "to": "hq", "size": "1 TB"}}}, "'hq' is also its `at`"),
        (
            {
                "routes": {
                    "r": {"from": "hq", "to": "gpu", "transit": "1 h", "departures": {"at": ["1 h"]}, "courier": "x"}
                }
            },
            "routes.r.courier: unknown courier pool 'x'",
        ),
        (
            {"drives": {"d": {"capacity": "1 TB", "write_rate": "1 GB/s", "read_rate": "1 GB/s", "fleet": {"h": 1}}}},
            "drives.d.fleet.h: unknown site 'h'",
        ),
        ({"currency": "EUR", "budget": "$5"}, "budget: '$5' is in dollars, but the plan's currency is EUR"),
    ],
)
def test_cross_reference_errors_from_python(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Plan.model_validate(small(**changes))
    assert message in str(caught.value)


def test_empty_optional_sections_and_single_window() -> None:
    plan = Plan(**small(links=None, routes=None))
    assert plan.links == {} and plan.routes == {}
    data = small()
    data["links"]["wan"]["windows"] = "22:00-06:00"
    assert [str(w) for w in Plan(**data).links["wan"].windows] == ["22:00-06:00"]


def test_replace_is_a_validated_copy() -> None:
    plan = transferplan.load(EXAMPLES / "gpu-onboarding.yaml")
    faster = plan.replace(objective="makespan", budget=300000)
    assert faster.objective == "makespan" and faster.budget == Decimal(300000)
    assert plan.objective == "cost" and plan.budget is None
    # Everything else survives the round trip through the dump exactly.
    assert faster.model_dump(exclude={"objective", "budget"}) == plan.model_dump(exclude={"objective", "budget"})
    assert faster.routes["flight-out"].cost_per_courier == Decimal(1200)
    assert faster.start == plan.start
    with pytest.raises(ValidationError):
        plan.replace(sites={"elsewhere": {}})


def test_set_overrides() -> None:
    plan = transferplan.load(QUICK, ["links.wan.bandwidth=40 Gbps", "name=no", "budget=1200"])
    assert plan.links["wan"].bandwidth == Fraction(5 * 10**9)
    assert plan.name == "no"  # YAML 1.2: `no` stays a string
    assert plan.budget == Decimal(1200)
    assert transferplan.load(QUICK).links["wan"].bandwidth == Fraction(1_250_000_000)


def test_set_override_clock_time_is_text() -> None:
    plan = transferplan.load(QUICK, ["routes.van.departures.first=07:00"])
    assert str(plan.routes["van"].departures.first) == "07:00"
    assert plan.routes["van"].departures.times(plan.start, Fraction(86400)) == [Fraction(7 * 3600), Fraction(19 * 3600)]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "links.wam.bandwidth=40 Gbps",
            "--set links.wam.bandwidth=40 Gbps: 'links.wam' is not in the plan (did you mean 'links.wan'?)",
        ),
        ("linkz.wan.bandwidth=1 Gbps", "'linkz' is not in the plan (did you mean 'links'?)"),
        ("bandwidth", "expected PATH=VALUE"),
        ("=3", "the path before '=' is empty"),
        ("name.x=3", "'name' is not a section that holds fields"),
    ],
)
def test_bad_override(override: str, message: str) -> None:
    with pytest.raises(transferplan.PlanError) as caught:
        transferplan.load(QUICK, [override])
    assert message in str(caught.value)


def test_override_to_unknown_field_gets_did_you_mean() -> None:
    with pytest.raises(transferplan.PlanError) as caught:
        transferplan.load(QUICK, ["links.wan.bandwdth=3 Gbps"])
    assert str(caught.value).endswith(
        "links.wan.bandwdth: unknown key 'bandwdth' (did you mean 'bandwidth'?); "
        "expected one of: from, to, bandwidth, efficiency, cost_per_gb, windows (from --set)"
    )


def test_json_schema() -> None:
    schema = Plan.model_json_schema(by_alias=True)
    assert {"sites", "datasets"} <= set(schema["required"])
    link = schema["$defs"]["Link"]
    assert "from" in link["properties"] and "from_" not in link["properties"]
    assert link["additionalProperties"] is False
    assert link["properties"]["bandwidth"]["type"] == "string"


YAML_12 = """
start: 2026-12-01T07:30+08:00
name: no
sites: {hq: {}, gpu: {}}
datasets:
  video: {at: hq, to: gpu, size: 1 TB, ready: 08:00, deadline: "08:00"}
routes:
  van: {from: hq, to: gpu, transit: 6 h, departures: {first: 17:30, every: 12 h}}
"""


def test_yaml_12_clock_times_and_strings() -> None:
    plan = transferplan.loads(YAML_12)
    assert plan.name == "no"
    video = plan.datasets["video"]
    assert str(video.ready) == str(video.deadline) == "08:00"
    assert plan.ready_seconds("video") == plan.deadline_seconds("video") == 30 * 60
    assert plan.routes["van"].departures.times(plan.start, Fraction(86400)) == [
        Fraction(10 * 3600),
        Fraction(22 * 3600),
    ]


def test_start_keeps_its_time_zone() -> None:
    plan = transferplan.loads(YAML_12)
    assert plan.start == datetime(2026, 12, 1, 7, 30, tzinfo=timezone(timedelta(hours=8)))


def test_absolute_times_and_departure_list() -> None:
    plan = transferplan.loads(
        YAML_12.replace("ready: 08:00", "ready: 2026-12-01T00:00Z").replace(
            "{first: 17:30, every: 12 h}", "{at: [1 h, '09:00', 2026-12-02T00:00+08:00]}"
        )
    )
    assert plan.ready_seconds("video") == 30 * 60  # 00:00Z is 08:00+08:00
    assert plan.routes["van"].departures.times(plan.start, Fraction(2 * 86400)) == [
        Fraction(3600),
        Fraction(5400),
        Fraction(16 * 3600 + 1800),
    ]


def test_departures_until_and_plan_helpers() -> None:
    plan = transferplan.loads(YAML_12.replace("every: 12 h}", "every: 12 h, until: 1 day}"))
    assert plan.routes["van"].departures.times(plan.start, Fraction(10 * 86400)) == [
        Fraction(10 * 3600),
        Fraction(22 * 3600),
    ]
    quick = transferplan.load(QUICK)
    assert [name for name, _, _ in quick.drive_names()] == ["ssd-30#1", "ssd-30#2", "ssd-30#3", "ssd-30#4"]
    assert quick.links["wan"].rate == Fraction(10**9)
