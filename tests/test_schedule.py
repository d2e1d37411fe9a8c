"""The schedule built from a solution: bytes the solver's tolerance leaves behind still arrive."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from transferplan.assemble import verified_result
from transferplan.backend import Solution, Status
from transferplan.formulation import HOUR, TB, Formulation, Mode
from transferplan.result import DriveEvent
from transferplan.schedule import Op, _emit
from transferplan.schema import Plan
from transferplan.search import Clock, Found, Outcome
from transferplan.solve import solve
from transferplan.timegrid import build_grid


def test_bytes_left_on_the_way_through_a_relay_are_delivered() -> None:
    """Berlin reaches the GPU site only through HQ (links of 4.5 TB/h, an hourly grid). The
    solution sends Berlin's 10 TB to HQ in hours 0-2 and on from HQ in hours 1-3, but 30,000 bytes
    short: the solver's tolerance. It also sends 21,339 bytes to HQ in hour 4, after HQ's last
    send, so they would stay there for good (gpu-onboarding's plan for the fastest delivery had
    exactly this, and the replay rejected it: "only 150 TB arrive for its 150 TB").

    Those 21,339 bytes go back to Berlin; Berlin's 30,000 go with its send to HQ in hour 2 (the
    first with room left on the link), and on with HQ's send in hour 3. The plan then delivers
    every byte, no later than before, and the replay accepts it."""
    plan = Plan.model_validate(
        {
            "name": "relay",
            "start": "2026-12-01T00:00Z",
            "horizon": "8 h",
            "resolution": "1 h",
            "sites": {"berlin": {}, "hq": {}, "gpu": {}},
            "datasets": {"images": {"at": "berlin", "to": "gpu", "size": "10 TB"}},
            "links": {
                "berlin-hq": {"from": "berlin", "to": "hq", "bandwidth": "10 Gbps"},
                "wan": {"from": "hq", "to": "gpu", "bandwidth": "10 Gbps"},
            },
        }
    )
    form = Formulation(plan, build_grid(plan, plan.horizon, plan.resolution), Mode(use_drives=False))  # type: ignore[arg-type]
    (flow,) = form.flows
    short, stranded = 30_000 / TB, 21_339 / TB
    sends = {
        ("berlin-hq", 0): 4.5,
        ("berlin-hq", 1): 4.5,
        ("berlin-hq", 2): 1 - short,
        ("berlin-hq", 4): stranded,
        ("wan", 1): 4.5,
        ("wan", 2): 4.5,
        ("wan", 3): 1 - short,
    }
    values = np.zeros(len(form.model.lb))
    for (link, interval), tb in sends.items():
        values[form.f[link, flow, interval]] = tb
    found = Found(form, Solution(Status.FEASIBLE, values, None, None, 0.0), Fraction(4 * HOUR))
    result = verified_result(plan, Outcome(found, None, False), found, None, Clock(None), 0)
    assert result.verified, result.violations
    (images,) = result.datasets
    assert images.online_bytes == 10 * TB
    assert images.delivered_hours is not None and 3 < images.delivered_hours < 3.5


def test_a_drive_full_to_the_byte_gets_none_of_the_bytes_left_behind() -> None:
    """A plan hypothesis drew (test_properties): 27 TB from a to b, one 8 TB drive, a 1 Gbps link.
    The solver's tolerance left a few bytes at a; the top-up once put them on a write of the drive,
    already full to the byte (the replay: "t0#1 holds 8 TB at 24.4815 h, above its capacity
    8 TB"). They go on the link, and the plan replays: optimal, the bound meeting it."""
    plan = Plan.model_validate(
        {
            "name": "more",
            "start": "2026-12-01T00:00Z",
            "horizon": "3 days",
            "sites": {"a": {"bays": 3}, "b": {"bays": 2}},
            "datasets": {"d1": {"at": "a", "to": "b", "size": "27 TB"}},
            "links": {"wan": {"from": "a", "to": "b", "bandwidth": "1 Gbps"}},
            "drives": {
                "t0": {"capacity": "8 TB", "write_rate": "1.5 GB/s", "read_rate": "0.5 GB/s", "fleet": {"b": 1}}
            },
            "routes": {
                "out": {"from": "a", "to": "b", "transit": "2 h", "departures": {"first": "02:00", "every": "13 h"}},
                "back": {"from": "b", "to": "a", "transit": "5 h", "departures": {"first": "05:00", "every": "6 h"}},
            },
        }
    )
    result = solve(plan, baselines=False, time_limit=30)
    assert result.verified, result.violations[:3]
    assert result.status == "optimal"


def test_work_that_starts_where_a_wrapped_piece_ends_goes_on_the_next_piece() -> None:
    """McNaughton's wrap gives a drive two pieces: bay 2 for the first hour of the interval, bay
    1 from 1.5 h to 2 h. Its first op (1,000 bytes, one hour) fills the first piece to the second;
    its second (500 bytes, half an hour) must start on bay 1 at 1.5 h. Before, it first left a
    0-byte event on bay 2 at 1 h, the moment the next drive in McNaughton's order takes that
    bay, and the replay rejected the plan for two drives on one bay (the large benchmark as a
    cost plan: 0 bytes at 505.19 h)."""
    first = Op("read", "ssd#1", "gpu", "a", 0, 1000)
    second = Op("read", "ssd#1", "gpu", "b", 0, 500)
    events: list[DriveEvent] = []
    _emit("gpu", [(first, 3600.0), (second, 1800.0)], [(2, 0.0, 3600.0), (1, 5400.0, 7200.0)], events)
    assert [(e.bay, e.hours, e.until_hours, e.bytes, e.datasets) for e in events] == [
        (2, 0.0, 1.0, 1000, {"a": 1000}),
        (1, 1.5, 2.0, 500, {"b": 500}),
    ]
