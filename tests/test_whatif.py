"""What-ifs: scenarios, sweeps (local and on a real Dask cluster), comparisons, the frontier, the CLI.

Plans: `examples/quick-start.yaml` (about 0.3 s a solve) and tiny plans built here.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from transferplan.cli import main
from transferplan.cli_whatif import compare as compare_command  # noqa: F401  (registers the commands)
from transferplan.errors import PlanError
from transferplan.load import apply_overrides, load, plan_from_data
from transferplan.schema import Plan
from transferplan.solve import solve
from transferplan.whatif import (
    SweepResult,
    binding_limits,
    compare,
    frontier,
    parse_vary,
    plan_data,
    runner,
    scenarios,
    split_values,
    sweep,
)
from transferplan.whatif.second_look import beats, better_starts

QUICK_START = Path(__file__).parent.parent / "examples" / "quick-start.yaml"

AXES = {"links.wan.bandwidth": ["10 Gbps", "40 Gbps"], "drives.ssd-30.fleet.lab": ["3", "4"]}
"""Four scenarios of the quick start: a faster link, fewer drives."""


@pytest.fixture(scope="module")
def quick_start() -> Plan:
    """The quick-start example: 120 TB over a 10 Gbps link or a van of four 30 TB SSDs."""
    return load(QUICK_START)


@pytest.fixture(scope="module")
def local_sweep(quick_start: Plan) -> SweepResult:
    """`AXES` swept on the default local process pool (spawn, two workers)."""
    return sweep(quick_start, AXES, workers=2)


def _figures(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Records without the timing, which differs from run to run."""
    return [{k: v for k, v in r.items() if k != "solve_seconds"} for r in rows]


# Scenarios ----------------------------------------------------------------------------------------


def test_product_makes_every_combination(quick_start: Plan) -> None:
    axes = {"links.wan.bandwidth": ["10 Gbps", "20 Gbps", "40 Gbps"], "drives.ssd-30.fleet.lab": ["2", "4"]}
    built = scenarios(quick_start, axes)
    assert len(built) == 6
    assert {s.values for s in built} == {
        (("links.wan.bandwidth", b), ("drives.ssd-30.fleet.lab", n)) for b in axes["links.wan.bandwidth"] for n in "24"
    }
    assert built[0].plan.links["wan"].bandwidth * 8 == 10**10
    assert quick_start.links["wan"].bandwidth * 8 == 10**10  # the base plan is untouched


def test_paired_takes_values_together(quick_start: Plan) -> None:
    axes = {"links.wan.bandwidth": ["10 Gbps", "40 Gbps"], "drives.ssd-30.fleet.lab": ["2", "4"]}
    built = scenarios(quick_start, axes, paired=True)
    assert [dict(s.values) for s in built] == [
        {"links.wan.bandwidth": "10 Gbps", "drives.ssd-30.fleet.lab": "2"},
        {"links.wan.bandwidth": "40 Gbps", "drives.ssd-30.fleet.lab": "4"},
    ]
    with pytest.raises(PlanError, match="same number of values"):
        scenarios(quick_start, {"links.wan.bandwidth": ["10 Gbps"], "drives.ssd-30.fleet.lab": ["2", "4"]}, paired=True)


def test_a_bad_value_is_a_plan_error_naming_the_override(quick_start: Plan) -> None:
    axes = {"links.wan.bandwidth": ["10 Gbs", "40 Gbps"], "drives.ssd-30.fleet.lab": ["-1", "4"]}
    with pytest.raises(PlanError) as caught:
        scenarios(quick_start, axes)
    text = str(caught.value)
    assert "override links.wan.bandwidth=10 Gbs" in text and "unknown rate unit" in text
    assert "override drives.ssd-30.fleet.lab=-1" in text and "must not be negative" in text
    assert len(caught.value.problems) == 2  # each bad value once, not once per combination


def test_an_unknown_path_is_a_plan_error(quick_start: Plan) -> None:
    with pytest.raises(PlanError, match="links.wam.*did you mean 'links.wan'"):
        scenarios(quick_start, {"links.wam.bandwidth": ["10 Gbps"]})


def test_identical_plans_share_a_key(quick_start: Plan) -> None:
    built = scenarios(quick_start, {"links.wan.bandwidth": ["10 Gbps", "1.25 GB/s", "40 Gbps"]})
    assert built[0].key == built[1].key != built[2].key


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("10 Gbps,40 Gbps", ["10 Gbps", "40 Gbps"]),
        ("24, 48", ["24", "48"]),
        ("$1,200;$2,400", ["$1,200", "$2,400"]),
        ("$1,200,$2,400", ["$1,200", "$2,400"]),
        ("$1,200", ["$1,200"]),
        ("10 days;2 weeks", ["10 days", "2 weeks"]),
    ],
)
def test_split_values(text: str, values: list[str]) -> None:
    assert split_values(text) == values


def test_parse_vary_rejects_malformed_options() -> None:
    assert parse_vary(["budget=$1,200;$2,400"]) == {"budget": ["$1,200", "$2,400"]}
    for bad in (["budget"], ["=1,2"], ["budget=1,,2"], ["budget=1", "budget=2"]):
        with pytest.raises(PlanError):
            parse_vary(bad)


# Sweeps -------------------------------------------------------------------------------------------


def test_sweep_rows_equal_separate_solves(quick_start: Plan, local_sweep: SweepResult) -> None:
    assert len(local_sweep.rows) == 4 and local_sweep.distinct == 4
    data = plan_data(quick_start)
    for row in local_sweep.rows:
        overrides = [f"{path}={value}" for path, value in row.values.items()]
        alone = solve(plan_from_data(apply_overrides(data, overrides)), baselines=False)
        assert row.status == alone.status
        assert row.makespan_hours == pytest.approx(alone.makespan_hours, abs=1e-6)
        assert row.cost == pytest.approx(alone.cost.total, abs=1e-6)
        assert row.verified is True


def test_sweep_table_is_sorted_by_the_objective(local_sweep: SweepResult) -> None:
    frame = local_sweep.to_pandas()
    assert list(frame["makespan_hours"]) == sorted(frame["makespan_hours"])
    assert {"links.wan.bandwidth", "drives.ssd-30.fleet.lab", "status", "binding", "share_online"} <= set(frame)
    assert frame.iloc[0]["links.wan.bandwidth"] == "40 Gbps"
    assert len(list(csv.DictReader(io.StringIO(local_sweep.to_csv())))) == 4
    assert [r["name"] for r in json.loads(local_sweep.to_json())["rows"]] == [
        r["name"] for r in local_sweep.to_records()
    ]


def test_paired_sweep_has_one_row_per_pair(quick_start: Plan, local_sweep: SweepResult) -> None:
    paired = sweep(quick_start, AXES, paired=True, workers=1)
    assert len(paired.rows) == 2 and len(local_sweep.rows) == 4
    by_name = {r.name: r for r in local_sweep.rows}
    for row in paired.rows:
        assert row.makespan_hours == pytest.approx(by_name[row.name].makespan_hours, abs=1e-6)


def test_identical_scenarios_are_solved_once(quick_start: Plan) -> None:
    result = sweep(quick_start, {"links.wan.bandwidth": ["10 Gbps", "1.25 GB/s"]})
    assert result.distinct == 1
    first, second = result.rows
    assert not first.reused and second.reused
    assert first.makespan_hours == second.makespan_hours and second.values == {"links.wan.bandwidth": "1.25 GB/s"}


def test_dask_cluster_gives_the_same_table(quick_start: Plan, local_sweep: SweepResult) -> None:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        remote = sweep(quick_start, AXES, executor=client.get_executor())
    assert _figures(remote.to_records()) == _figures(local_sweep.to_records())


def test_a_warm_sweep_starts_every_scenario_from_the_first(
    quick_start: Plan, local_sweep: SweepResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In this process (one worker), each solve is watched: the first scenario is solved first and
    from nothing, every other from the first's plan. Each quick-start solve is optimal anyway, so
    the figures are the cold sweep's."""
    started: list[tuple[str, float | None]] = []
    real = runner.solve_task

    def watched(task: runner.Task) -> runner.Solved:
        start = task.warm_start
        started.append((task.name, None if start is None else start.makespan_hours))
        return real(task)

    monkeypatch.setattr(runner, "solve_task", watched)
    warm = sweep(quick_start, AXES, workers=1, warm=True)
    first = warm.rows[0]
    assert started[0] == (first.name, None)
    assert sorted(started[1:]) == sorted((row.name, first.makespan_hours) for row in warm.rows[1:])
    assert _figures(warm.to_records()) == _figures(local_sweep.to_records())


def test_a_warm_sweep_on_the_process_pool_gives_the_same_table(quick_start: Plan, local_sweep: SweepResult) -> None:
    """The first scenario's Result crosses to the other workers inside their tasks."""
    warm = sweep(quick_start, AXES, workers=2, warm=True)
    assert _figures(warm.to_records()) == _figures(local_sweep.to_records())


# The second look -----------------------------------------------------------------------------------

COSTLY_LINK = ["objective=cost", "links.wan.cost_per_gb=0.01", "deadline=30 h"]
"""The quick start as a cost plan: the link costs $10 a TB, a van trip $300; everything due in 30 h."""


def _costly(*more: str) -> Plan:
    return load(QUICK_START, (*COSTLY_LINK, *more))


def _short_of_time(
    monkeypatch: pytest.MonkeyPatch, stops: Callable[[runner.Task], bool]
) -> Callable[[runner.Task], runner.Solved]:
    """Makes the first solve of each task that `stops` picks end at the one-drive van's $1,200
    plan, marked feasible, as a search short of time would (a costly-link quick-start plan); every
    other solve, and a solve from a warm start, is the real one. Returns that solve_task."""
    real = runner.solve_task

    def short_of_time(task: runner.Task) -> runner.Solved:
        if not stops(task) or task.warm_start is not None:
            return real(task)
        out = real(replace(task, overrides=(*task.overrides, "routes.van.max_drives=1")))
        assert out.row.cost == pytest.approx(1200.0)
        short = {"status": "feasible"}
        kept = None if out.result is None else out.result.model_copy(update=short)  # kept for the second look
        return runner.Solved(out.row.model_copy(update=short), kept)

    monkeypatch.setattr(runner, "solve_task", short_of_time)
    return short_of_time


def test_a_plan_that_runs_and_is_cheaper_is_offered() -> None:
    """By hand, for 120 TB due in 30 h (the link 1 GB/s at $10 a TB; one van trip, $300, takes four
    30 TB drives):
    - the answer to beat, from a van that takes one drive: 30 TB by van ($300), 90 TB online
      ($900), $1,200, as if the search had stopped there;
    - the 24 h scenario's answer: all on one trip, about $300, which meets 30 h as well;
    - a free link's by 40 h: all online, $0 by its own figures, tried first; here it lands at
      33.3 h, after the deadline (and would cost $1,200), so it is not offered.
    The 24 h and free-link scenarios are proven optimal: nothing is offered to them."""
    plans = {0: _costly(), 1: _costly("deadline=24 h"), 2: _costly("links.wan.cost_per_gb=0", "deadline=40 h")}
    results = {i: solve(plan, baselines=False) for i, plan in plans.items()}
    one_drive = solve(_costly("routes.van.max_drives=1"), baselines=False)
    assert one_drive.cost.total == pytest.approx(1200.0) and results[2].cost.total == 0.0
    assert results[1].cost.total == pytest.approx(300.0, abs=0.01)
    results[0] = one_drive.model_copy(update={"status": "feasible"})
    assert better_starts(plans, results) == {0: 1}
    assert better_starts(plans, results, tries=1) == {}  # the free link's, the only one tried, is late


@pytest.mark.parametrize(
    ("new", "old", "better"),
    [
        ((300.0, 16.0), (1200.0, 25.0), True),  # cheaper
        ((300.0, 14.0), (300.0, 16.0), True),  # as cheap, earlier
        ((300.0, 16.0), (300.0, 14.0), False),
        ((300.0 * (1 - 1e-12), 16.0), (300.0, 16.0), False),  # the same plan, measured twice
        ((300.0 * (1 + 1e-12), 14.0), (300.0, 16.0), True),  # as cheap, earlier
        ((300.0, 16.0), (math.inf, math.inf), True),  # a plan, where there was none
        ((math.inf, math.inf), (math.inf, math.inf), False),
    ],
)
def test_only_a_better_figure_beats_another(new: tuple[float, float], old: tuple[float, float], better: bool) -> None:
    assert beats(new, old) is better


def test_a_sweep_solves_again_from_a_plan_that_beats_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two deadlines of the costly-link quick start, in this process. The 30 h scenario's first
    solve is made to stop at the one-drive van's $1,200 plan (as a search short of time would);
    the 24 h scenario's $300 plan runs by 30 h, so the second look solves 30 h again from it, and
    its row says so. Without the second look the $1,200 row stands."""
    calls: list[tuple[str, float | None]] = []
    real = _short_of_time(monkeypatch, lambda task: dict(task.values)["deadline"] == "30 h")

    def watched(task: runner.Task) -> runner.Solved:
        start = task.warm_start
        calls.append((dict(task.values)["deadline"], None if start is None else start.cost.total))
        return real(task)

    monkeypatch.setattr(runner, "solve_task", watched)
    axes = {"deadline": ["24 h", "30 h"]}
    bar: list[tuple[int, int]] = []
    swept = sweep(_costly(), axes, workers=1, progress=lambda done, total, _row: bar.append((done, total)))
    looked = {row.values["deadline"]: row for row in swept.rows}
    assert bar == [(1, 2), (2, 2), (3, 3)]  # the second look's solve grows the bar
    assert looked["30 h"].cost == pytest.approx(300.0, abs=0.01) and looked["30 h"].verified
    assert looked["30 h"].started_from == looked["24 h"].name and looked["24 h"].started_from == ""
    assert [deadline for deadline, _ in calls] == ["24 h", "30 h", "30 h"]
    assert calls[2][1] == pytest.approx(300.0, abs=0.01)  # from the 24 h plan
    once = {row.values["deadline"]: row for row in sweep(_costly(), axes, workers=1, second_look=False).rows}
    assert once["30 h"].cost == pytest.approx(1200.0) and once["30 h"].started_from == ""


# Compare and the binding limit ----------------------------------------------------------------------


def test_compare_puts_plans_side_by_side(quick_start: Plan) -> None:
    faster = plan_from_data(apply_overrides(plan_data(quick_start), ["links.wan.bandwidth=40 Gbps"]))
    rows = compare([QUICK_START, faster], workers=1)
    assert [r.name for r in rows] == [str(QUICK_START), "quick-start"]
    slow, fast = rows
    assert fast.makespan_hours is not None and slow.makespan_hours is not None
    assert fast.makespan_hours < slow.makespan_hours
    assert fast.share_online == pytest.approx(1.0) and fast.trips == 0 and fast.binding == "link wan saturated"
    assert slow.drives_used == 4 and slow.trips == 1 and slow.binding.startswith("link wan saturated; van full")


def test_binding_limits_of_the_quick_start(quick_start: Plan) -> None:
    result = solve(quick_start, baselines=False)
    assert binding_limits(quick_start, result) == [
        "link wan saturated",
        "van full (4 drives a departure)",
        "departures of van",
        "all 4 ssd-30 drives used",
    ]


def test_a_tight_deadline_is_binding(quick_start: Plan) -> None:
    tight = plan_from_data(apply_overrides(plan_data(quick_start), ["objective=cost", "deadline=20 h"]))
    result = solve(tight, baselines=False)
    assert binding_limits(tight, result)[0] == "deadline" or result.makespan_hours < 20  # cost 0 is impossible by 20 h
    assert result.cost.total == pytest.approx(300.0)


# Frontier -------------------------------------------------------------------------------------------


def test_frontier_is_monotone_and_verified(quick_start: Plan) -> None:
    """A paid link makes time cost money: every minute saved sends more bytes online."""
    paid = plan_from_data(apply_overrides(plan_data(quick_start), ["links.wan.cost_per_gb=0.01"]))
    points = frontier(paid, points=3, refine=1, workers=2)
    assert len(points) >= 4
    assert points[0].label == "fastest" and points[-1].label == "cheapest"
    for faster, slower in zip(points, points[1:], strict=False):
        assert faster.makespan_hours < slower.makespan_hours
        assert faster.cost > slower.cost
        assert faster.cost_per_day_saved is not None and faster.cost_per_day_saved > 0
    for point in points:
        assert point.result.verified is True
        assert point.deadline_hours is None or point.makespan_hours <= point.deadline_hours + 1e-6
    fastest = solve(paid, baselines=False)
    assert points[0].makespan_hours == pytest.approx(fastest.makespan_hours, abs=1e-6)
    # the van alone; "as cheap" is within the solver's tolerance, a cent at most (the earliest
    # among the cheapest may buy milliseconds with $0.0003-0.0006 of the paid link)
    assert points[-1].cost == pytest.approx(300.0, abs=0.01)


def test_the_frontier_takes_a_second_look(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick start with the link at $10 a TB, in this process. Its cheapest plan is all on one
    van trip: $300, done at 16.17 h. Its "cheapest" solve is made to stop at the one-drive van's
    $1,200 plan (done at 25 h), so the deadlines tried run up to 25 h; a later one's plan ($300)
    runs with no deadline, so the second look solves "cheapest" again from it: $300, named.
    Without it, the $1,200 answer is dominated and the frontier ends at that deadline's point."""
    _short_of_time(monkeypatch, lambda task: task.name == "cheapest")
    plan = load(QUICK_START, ["links.wan.cost_per_gb=0.01"])
    looked = frontier(plan, workers=1)
    last = looked[-1]
    assert (last.label, last.cost, last.verified) == ("cheapest", pytest.approx(300.0, abs=0.01), True)
    assert last.started_from.startswith("by T+") and last.makespan_hours == pytest.approx(16.17, abs=0.01)
    once = frontier(plan, workers=1, second_look=False)
    assert once[-1].label.startswith("by T+") and once[-1].started_from == ""
    assert [p.cost for p in once] == pytest.approx([p.cost for p in looked])


def test_frontier_of_a_free_link_has_two_points(quick_start: Plan) -> None:
    points = frontier(quick_start, points=2, refine=1, workers=1)
    assert [(p.label, p.cost) for p in points] == [("fastest", 300.0), ("cheapest", 0.0)]
    assert points[1].makespan_hours == pytest.approx(120e12 / 1e9 / 3600)


# CLI -----------------------------------------------------------------------------------------------


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_sweep_json_and_csv() -> None:
    vary = ["--vary", "links.wan.bandwidth=10 Gbps,40 Gbps", "--vary", "drives.ssd-30.fleet.lab=3,4", "--workers", "1"]
    code, out, _ = _run("sweep", str(QUICK_START), *vary, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data["rows"]) == 4 and data["axes"] == {k: list(v) for k, v in AXES.items()}
    assert [row["started_from"] for row in data["rows"]] == [""] * 4  # each proven optimal: no second look
    code, out, _ = _run("sweep", str(QUICK_START), *vary, "--paired", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["links.wan.bandwidth"] for r in rows] == ["40 Gbps", "10 Gbps"]


def test_cli_sweep_table_and_report(tmp_path: Path) -> None:
    report = tmp_path / "sweep.html"
    code, out, err = _run(
        "sweep", str(QUICK_START), "--vary", "links.wan.bandwidth=10 Gbps,40 Gbps", "--report", str(report), "-q"
    )
    assert code == 0, err
    assert "bandwidth" in out and "link wan saturated" in out and "40 Gbps" in out
    html = report.read_text()
    assert "Plotly" in html and "<script src=" not in html and len(html) > 1_000_000  # plotly.js inlined


@pytest.mark.parametrize(
    "vary",
    [
        "links.wan.bandwidth=10 Gbs,40 Gbps",  # a bad unit
        "links.wan.bandwidth",  # no values
        "links.nope.bandwidth=10 Gbps",  # no such link
        "links.wan.bandwidth=10 Gbps,,40 Gbps",  # an empty value
    ],
)
def test_cli_sweep_rejects_bad_input_with_exit_2(vary: str) -> None:
    code, out, err = _run("sweep", str(QUICK_START), "--vary", vary)
    assert code == 2 and out == "" and "nothing was solved" in err


def test_cli_budget_with_thousands_commas() -> None:
    code, out, _ = _run(
        "sweep", str(QUICK_START), "--vary", "budget=$1,200;$2,400", "--workers", "1", "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)["rows"]
    assert sorted(r["values"]["budget"] for r in rows) == ["$1,200", "$2,400"]
    code, out, _ = _run(
        "sweep", str(QUICK_START), "--vary", "budget=$1,200;$2,400", "--workers", "1", "--warm", "--format", "json"
    )
    assert code == 0 and [r["status"] for r in json.loads(out)["rows"]] == ["optimal", "optimal"]


def test_cli_compare(tmp_path: Path) -> None:
    code, out, _ = _run("compare", str(QUICK_START), str(QUICK_START), "--set", "objective=cost", "--format", "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert [r["objective"] for r in rows] == ["cost", "cost"] and rows[1]["reused"] is True
    code, out, _ = _run(
        "compare", str(QUICK_START), "--set", "links.wan.bandwidth=40 Gbps", "--warm", "--format", "json"
    )
    assert code == 0 and json.loads(out)["rows"][0]["share_online"] == pytest.approx(1.0)
    code, out, _ = _run("compare", str(QUICK_START), "--format", "csv")
    assert code == 0 and next(csv.DictReader(io.StringIO(out)))["binding"].startswith("link wan saturated")
    code, _, err = _run("compare", str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read the plan" in err


def test_cli_frontier(tmp_path: Path) -> None:
    report = tmp_path / "frontier.html"
    code, out, err = _run("frontier", str(QUICK_START), "--points", "1", "--refine", "0", "--report", str(report), "-q")
    assert code == 0, err
    assert "fastest" in out and "cheapest" in out and "per day saved" in out
    assert "Plotly" in report.read_text()
    code, out, _ = _run(
        "frontier", str(QUICK_START), "--points", "1", "--refine", "0", "--workers", "1", "--format", "csv"
    )
    assert code == 0
    assert [r["label"] for r in csv.DictReader(io.StringIO(out))] == ["fastest", "cheapest"]
    code, out, _ = _run("frontier", str(QUICK_START), "--points", "1", "--workers", "1", "--format", "json")
    assert code == 0 and [p["verified"] for p in json.loads(out)["points"]] == [True, True]  # refined: still two


def test_cli_frontier_of_an_impossible_plan_exits_3(tmp_path: Path) -> None:
    island = tmp_path / "island.yaml"
    island.write_text("sites: {a: {bays: 1}, b: {}}\ndatasets: {d: {at: a, to: b, size: 1 TB}}\n")
    code, out, err = _run("frontier", str(island), "--workers", "1")
    assert code == 3 and out == "" and "no plan (infeasible)" in err


def test_cli_executor_without_dask_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if the [dask] extra were missing
    code, out, err = _run("sweep", str(QUICK_START), "--vary", "budget=1,2", "--executor", "tcp://127.0.0.1:8786")
    assert code == 2 and out == "" and "pip install 'transferplan[dask]'" in err


@pytest.mark.parametrize("command", ["sweep", "compare", "frontier"])
def test_cli_help_has_an_example(command: str) -> None:
    code, out, _ = _run(command, "--help")
    assert code == 0 and "Example:" in out and f"transferplan {command} " in out


@pytest.mark.parametrize("command", ["sweep", "compare", "frontier"])
def test_cli_second_look_can_be_turned_off(command: str) -> None:
    code, out, _ = _run(command, "--help")
    assert code == 0 and "--second-look / --no-second-look" in out


@pytest.mark.parametrize("look", ["--second-look", "--no-second-look"])
def test_cli_sweep_as_a_subprocess_takes_the_option(look: str) -> None:
    """The installed command in its own process: each quick-start scenario is proven optimal, so
    either way no row was solved again."""
    beside = Path(sys.executable).parent / "transferplan"  # the console script of this environment
    command = [str(beside) if beside.exists() else "transferplan", "sweep", str(QUICK_START)]
    vary = ["--vary", "links.wan.bandwidth=10 Gbps,40 Gbps", "--workers", "1", "--format", "json", look]
    done = subprocess.run([*command, *vary], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert [row["started_from"] for row in json.loads(done.stdout)["rows"]] == ["", ""]
