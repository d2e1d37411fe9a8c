"""Properties of the solver on random small plans (hypothesis).

Every plan has 2-3 sites, 1-2 datasets of 1-50 TB bound for site `b`, an optional link, 0-3 drives, a
route out (a -> b) and a route back (b -> a), and a horizon of 3 days so that each solve is small.
For each plan: a plan that is found has been replayed without violations, the solver's lower bound
is not above its makespan, and the makespan is not below a bound computed here by hand. And more of
something (bandwidth, drives, bays, departures) never makes the optimum later. With prices, a
budget is kept, and a budget the fastest plan meets costs no time.
"""

from __future__ import annotations

import copy
import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, event, example, given, note, settings
from hypothesis import strategies as st

from transferplan._replay import above
from transferplan.result import Result
from transferplan.schema import Plan
from transferplan.solve import solve

TB = 10**12
START = "2026-12-01T00:00Z"
# No shrinking: each example is two solves, shrinking one takes minutes, and the notes print the plan.
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
RATES = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]  # GB/s


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """A valid small plan as a dict (unit strings), every number chosen so the simple bound is exact."""
    three = draw(st.booleans())
    names = ["a", "b", "c"] if three else ["a", "b"]
    sites = {s: {"bays": draw(st.integers(1, 3))} for s in names}

    datasets: dict[str, Any] = {"d1": {"at": "a", "to": "b", "size": f"{draw(st.integers(1, 50))} TB"}}
    links: dict[str, Any] = {}
    if draw(st.booleans()):
        link: dict[str, Any] = {"from": "a", "to": "b", "bandwidth": f"{draw(st.integers(1, 10))} Gbps"}
        if draw(st.booleans()):
            opens = draw(st.integers(0, 23))
            length = draw(st.integers(2, 20))
            link["windows"] = [f"{opens:02d}:00-{(opens + length) % 24:02d}:00"]
        links["wan"] = link
    if draw(st.booleans()):
        # A second dataset: from `a` too, or from `c` over a link of its own.
        second: dict[str, Any] = {"to": "b", "size": f"{draw(st.integers(1, 50))} TB"}
        if draw(st.booleans()):
            second["ready"] = f"{draw(st.integers(1, 12))} h"
        if three and draw(st.booleans()):
            second["at"] = "c"
            links["wan-c"] = {"from": "c", "to": "b", "bandwidth": f"{draw(st.integers(1, 10))} Gbps"}
        else:
            second["at"] = "a"
        datasets["d2"] = second

    drives: dict[str, Any] = {}
    low = 0 if links else 1  # with no link, at least one drive, so that data can move
    for n in range(draw(st.integers(low, 3))):
        drives[f"t{n}"] = {
            "capacity": f"{draw(st.integers(8, 40))} TB",
            "write_rate": f"{draw(st.sampled_from(RATES))} GB/s",
            "read_rate": f"{draw(st.sampled_from(RATES))} GB/s",
            "fleet": {draw(st.sampled_from(["a", "a", "b"])): 1},
        }

    def departures() -> dict[str, str]:
        return {"first": f"{draw(st.integers(0, 23)):02d}:00", "every": f"{draw(st.integers(6, 24))} h"}

    routes = {
        "out": {"from": "a", "to": "b", "transit": f"{draw(st.integers(1, 12))} h", "departures": departures()},
        "back": {"from": "b", "to": "a", "transit": f"{draw(st.integers(1, 12))} h", "departures": departures()},
    }
    return {
        "name": "random",
        "start": START,
        "horizon": "3 days",
        "sites": sites,
        "datasets": datasets,
        "links": links,
        "drives": drives,
        "routes": routes,
    }


def number(text: str) -> Fraction:
    """The number in one of our own unit strings, such as '2.5 GB/s' or '12 h'."""
    return Fraction(text.split()[0])


def simple_bound_hours(data: dict[str, Any]) -> Fraction:
    """No plan beats: earliest ready + total size / (link rates into b + bays at b x fastest read rate).

    Every dataset goes to `b`, which takes in bytes only through its incoming links (at full bandwidth,
    ignoring windows) and through at most `bays` drives read at once, none faster than the fastest.
    """
    volume = sum(number(ds["size"]) * TB for ds in data["datasets"].values())  # bytes
    links = sum(number(lk["bandwidth"]) * 10**9 / 8 for lk in data["links"].values() if lk["to"] == "b")
    fastest = max((number(t["read_rate"]) * 10**9 for t in data["drives"].values()), default=Fraction(0))
    rate = links + data["sites"]["b"]["bays"] * fastest  # bytes per second
    ready = min(number(ds.get("ready", "0 h")) for ds in data["datasets"].values())  # hours
    return ready + volume / rate / 3600


def checked_solve(data: dict[str, Any]) -> Result:
    """Solve a plan and check what must hold of any answer."""
    result = solve(Plan.model_validate(data), baselines=False, time_limit=30)
    note(f"{data['name']}: {result.status} {result.makespan_hours} bound {result.lower_bound_hours}")
    event(f"{data['name']} {result.status}")
    assert result.status in ("optimal", "feasible", "infeasible"), result.explanation
    if result.found:
        assert result.verified is True, f"{data['name']}: {result.violations}"
        assert result.violations == []
        assert result.makespan_hours is not None and result.lower_bound_hours is not None
        assert result.lower_bound_hours <= result.makespan_hours + 1e-6
        assert result.makespan_hours >= float(simple_bound_hours(data)) - 1e-6
    else:
        assert result.explanation, "a plan that cannot be met says why"
    return result


@st.composite
def bigger_plans(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A plan, a copy with more of one thing, and what was added."""
    data = draw(plans())
    more = copy.deepcopy(data)
    more["name"] = "more"
    what = draw(st.sampled_from(["bandwidth", "drive", "bays", "departures"]))
    if what == "bandwidth":
        extra = draw(st.integers(1, 10))
        if "wan" in more["links"]:
            more["links"]["wan"]["bandwidth"] = f"{number(more['links']['wan']['bandwidth']) + extra} Gbps"
        else:
            more["links"]["wan"] = {"from": "a", "to": "b", "bandwidth": f"{extra} Gbps"}
    elif what == "drive":
        if more["drives"] and draw(st.booleans()):
            kind = draw(st.sampled_from(sorted(more["drives"])))
            fleet = more["drives"][kind]["fleet"]
            site = draw(st.sampled_from(["a", "b"]))
            fleet[site] = fleet.get(site, 0) + 1
        else:
            more["drives"]["extra"] = {
                "capacity": f"{draw(st.integers(8, 40))} TB",
                "write_rate": f"{draw(st.sampled_from(RATES))} GB/s",
                "read_rate": f"{draw(st.sampled_from(RATES))} GB/s",
                "fleet": {"a": 1},
            }
    elif what == "bays":
        site = draw(st.sampled_from(sorted(more["sites"])))
        more["sites"][site]["bays"] += draw(st.integers(1, 2))
    else:
        # Half the interval from the same first departure: every old departure is still there.
        name = draw(st.sampled_from(["out", "back"]))
        every = number(more["routes"][name]["departures"]["every"]) / 2
        more["routes"][name]["departures"]["every"] = f"{float(every):g} h"
    return data, more, what


# Found by this test: a second dataset ready at 1 h, written onto the same drive as the first.
READY_LATER = {
    "name": "random",
    "start": START,
    "horizon": "3 days",
    "sites": {"a": {"bays": 2}, "b": {"bays": 1}, "c": {"bays": 2}},
    "datasets": {
        "d1": {"at": "a", "to": "b", "size": "5 TB"},
        "d2": {"to": "b", "size": "7 TB", "ready": "1 h", "at": "a"},
    },
    "links": {},
    "drives": {"t0": {"capacity": "8 TB", "write_rate": "1.0 GB/s", "read_rate": "0.5 GB/s", "fleet": {"a": 1}}},
    "routes": {
        "out": {"from": "a", "to": "b", "transit": "1 h", "departures": {"first": "03:00", "every": "6 h"}},
        "back": {"from": "b", "to": "a", "transit": "1 h", "departures": {"first": "04:00", "every": "6 h"}},
    },
}


@SETTINGS
@given(plans())
@example(READY_LATER)
def test_a_found_plan_is_verified_and_within_its_bounds(data: dict[str, Any]) -> None:
    note(repr(data))
    checked_solve(data)


@SETTINGS
@given(bigger_plans())
def test_more_of_anything_never_makes_the_optimum_later(pair: tuple[dict[str, Any], dict[str, Any], str]) -> None:
    data, more, what = pair
    note(f"added {what}\nplan: {data!r}\nbigger: {more!r}")
    small, big = checked_solve(data), checked_solve(more)
    if small.found:
        # Everything the smaller plan can do, the bigger one can do too.
        assert big.found, big.explanation
    assume(small.status == "optimal" and big.status == "optimal")
    assert small.makespan_hours is not None and big.makespan_hours is not None
    assert big.makespan_hours <= small.makespan_hours + 1e-6


@st.composite
def priced_plans(draw: st.DrawFn) -> dict[str, Any]:
    """A plan of `plans()` with prices on its links, trips, drives carried and drives used."""
    data = draw(plans())
    for link in data["links"].values():
        link["cost_per_gb"] = draw(st.sampled_from([0, 0.01, 0.02]))
    for route in data["routes"].values():
        route["cost_per_trip"] = draw(st.integers(0, 500))
        route["cost_per_drive"] = draw(st.integers(0, 200))
    for kind in data["drives"].values():
        kind["cost_each"] = draw(st.integers(0, 2000))
    return data


def cents_up(amount: float) -> str:
    """An amount as a budget in whole cents, rounded up: a plan that costs `amount` keeps it."""
    return f"{math.ceil(round(amount * 100, 6)) / 100:.2f}"


@SETTINGS
@given(priced_plans(), st.sampled_from([0.0, 0.5, 0.9]))
def test_a_budget_is_kept_and_one_the_fastest_plan_meets_costs_no_time(data: dict[str, Any], share: float) -> None:
    """With its own cost as the budget, the fastest plan still qualifies, so the optimum is as
    early; with less, a plan found keeps the budget and is no earlier."""
    note(repr(data))
    fastest = checked_solve(data)
    assume(fastest.status == "optimal" and fastest.cost is not None)
    assert fastest.makespan_hours is not None
    afforded = checked_solve({**data, "name": "afforded", "budget": cents_up(fastest.cost.total)})
    assert afforded.found and afforded.cost is not None and afforded.makespan_hours is not None
    assert afforded.cost.total <= fastest.cost.total + 0.01 + 1e-6
    assert afforded.makespan_hours >= fastest.makespan_hours - 1e-6
    if afforded.status == "optimal":
        assert afforded.makespan_hours == pytest.approx(fastest.makespan_hours, abs=1e-6)
    budget = cents_up(fastest.cost.total * share)
    tight = checked_solve({**data, "name": "tight", "budget": budget})
    if tight.found:
        assert tight.cost is not None and tight.makespan_hours is not None
        # within the replay's tolerance on money (one part in a million): the solver's rows hold
        # to its own tolerance, and a link's bytes priced per GB landed $0.0000038 over $852.91
        assert not above(tight.cost.total, float(budget))
        assert tight.makespan_hours >= fastest.makespan_hours - 1e-6


@SETTINGS
@given(priced_plans(), st.integers(0, 12))
def test_a_deadline_the_fastest_plan_meets_changes_nothing_and_a_later_one_costs_no_more(
    data: dict[str, Any], slack: int
) -> None:
    """A deadline on every dataset ends the grid there, not at the 3-day horizon. One at or after
    the fastest plan's completion leaves that plan the fastest; as a cost plan, the cheapest by
    that deadline keeps it and costs no less than the cheapest by the horizon's end."""
    note(repr(data))
    fastest = checked_solve(data)
    assume(fastest.status == "optimal" and fastest.makespan_hours is not None)
    due = math.ceil(fastest.makespan_hours - 1e-9) + slack
    assume(due <= 72)
    timed = checked_solve({**data, "name": "due", "deadline": f"{due} h"})
    assert timed.found and timed.makespan_hours is not None
    assert fastest.makespan_hours - 1e-6 <= timed.makespan_hours <= due + 1e-6
    if timed.status == "optimal":
        assert timed.makespan_hours == pytest.approx(fastest.makespan_hours, abs=1e-6)
    cheap = checked_solve({**data, "name": "cheap", "deadline": f"{due} h", "objective": "cost"})
    loose = checked_solve({**data, "name": "loose", "deadline": "72 h", "objective": "cost"})
    assert cheap.found and loose.found and cheap.cost is not None and loose.cost is not None
    assert cheap.makespan_hours is not None and cheap.makespan_hours <= due + 1e-6
    if cheap.status == "optimal" and loose.status == "optimal":
        assert cheap.cost.total >= loose.cost.total - 1e-6
