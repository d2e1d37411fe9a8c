"""The benchmark plans: valid, deterministic, shaped as solver-notes.md says; the CBC baseline runs."""

from __future__ import annotations

import pytest

from tests.benchmarks.generate import KINDS, generate, to_yaml
from tests.benchmarks.pulp_hourly import solve_hourly
from transferplan import loads
from transferplan.schema import Plan

TB = 10**12
SEEDS = (0, 1, 7)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_plans_validate_and_round_trip_through_yaml(kind: str, seed: int) -> None:
    data = generate(kind, seed)
    plan = Plan.model_validate(data)
    assert loads(to_yaml(data)).model_dump() == plan.model_dump()


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_plan(kind: str) -> None:
    assert generate(kind, 3) == generate(kind, 3)


def test_seeds_differ() -> None:
    assert generate("medium", 0) != generate("medium", 1)


@pytest.mark.parametrize(
    ("kind", "total_tb"), [("small", 200), ("medium", 2_000), ("large", 20_000), ("one-lane", 960)]
)
@pytest.mark.parametrize("seed", SEEDS)
def test_totals(kind: str, total_tb: int, seed: int) -> None:
    plan = Plan.model_validate(generate(kind, seed))
    assert sum(d.size for d in plan.datasets.values()) == total_tb * TB


@pytest.mark.parametrize(
    ("kind", "sources", "links", "lanes", "drives", "bays", "days"),
    [("medium", 5, 10, 5, 8, 2, 30), ("large", 20, 40, 20, 32, 6, 60)],
)
def test_random_plan_shape(kind: str, sources: int, links: int, lanes: int, drives: int, bays: int, days: int) -> None:
    plan = Plan.model_validate(generate(kind, 5))
    assert len(plan.datasets) == sources and len(plan.sites) == sources + 1
    assert len(plan.links) == links
    assert sum(link.to != "gpu-site" for link in plan.links.values()) == links - sources
    assert len(plan.routes) == 2 * lanes and len(plan.couriers) == lanes
    assert sum(sum(d.fleet.values()) for d in plan.drives.values()) == drives
    assert plan.sites["gpu-site"].bays == bays
    assert plan.horizon == days * 86400
    for route in plan.routes.values():
        assert 18 * 3600 <= route.transit <= 72 * 3600
        assert route.departures.first is not None and route.departures.every == 86400
        assert route.departures.first.seconds_after(None) / 3600 in (10, 16, 17, 18)
        assert 500 <= route.cost_per_courier <= 1500
    assert all(4 <= pool.carry <= 8 for pool in plan.couriers.values())
    for link in plan.links.values():
        rate_gbps = link.bandwidth * 8 / 10**9
        assert (0.5 <= rate_gbps <= 2) if link.to == "gpu-site" else (5 <= rate_gbps <= 40)


def test_small_is_exactly_the_notes_plan() -> None:
    plan = Plan.model_validate(generate("small", 42))
    assert list(plan.datasets) == ["data"] and plan.datasets["data"].size == 200 * TB
    (link,) = plan.links.values()
    assert link.rate == 2 * 10**9 / 8 and not link.windows
    (drive,) = plan.drives.values()
    assert (drive.capacity, drive.write_rate, drive.read_rate) == (80 * TB, 10**9, 1.5 * 10**9)
    assert sum(drive.fleet.values()) == 4
    assert all(site.bays == 2 for site in plan.sites.values())
    out, back = plan.routes.values()
    assert (out.from_, out.to) == (back.to, back.from_) == ("hq", "gpu-site")
    assert plan.horizon is not None
    for route in (out, back):
        assert route.transit == 24 * 3600
        assert route.departures.times(None, plan.horizon)[:2] == [17 * 3600, 41 * 3600]
    assert plan.horizon == 14 * 86400


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown benchmark kind"):
        generate("huge")


def test_cbc_baseline_solves_small() -> None:
    plan = Plan.model_validate(generate("small"))
    out = solve_hourly(plan, time_limit=60)
    assert out["status"] == "optimal"
    assert out["variables"] > 0 and out["constraints"] > 0
    # An aggregate pool may be optimistic, so only the simple bound holds: the link plus every
    # destination bay reading all the time cannot deliver 200 TB faster than this.
    link_tb_h = 2e9 / 8 * 3600 / TB
    read_tb_h = 2 * 1.5e9 * 3600 / TB
    assert 200 / (link_tb_h + read_tb_h) <= out["makespan_hours"] <= 14 * 24
