"""`transferplan solve` and `transferplan verify` end to end: formats, reports, and every exit status.

Solves run for real on examples/quick-start.yaml, through click's CliRunner and as a subprocess (the
installed `transferplan` command, with stdout and stderr piped as a script would have them).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.benchmarks.generate import generate, to_yaml
from transferplan.cli import main, progress_line
from transferplan.result import Result

ROOT = Path(__file__).resolve().parent.parent
QUICK = ROOT / "examples" / "quick-start.yaml"
ONBOARDING = ROOT / "examples" / "gpu-onboarding.yaml"

needs_solver = pytest.mark.skipif(
    not (ROOT / "transferplan" / "solve.py").exists(), reason="the solver (transferplan/solve.py) has not landed"
)

UNREACHABLE = """\
name: island
sites:
  lab: {bays: 2}
  gpu-site: {bays: 2}
  island: {bays: 2}
datasets:
  corpus: {at: lab, to: gpu-site, size: 10 TB}
  logs: {at: lab, to: island, size: 1 TB}
links:
  wan: {from: lab, to: gpu-site, bandwidth: 10 Gbps}
"""


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user's shell or script runs it (stdout and stderr are pipes)."""
    beside = Path(sys.executable).parent / "transferplan"  # the console script of this environment
    command = [str(beside) if beside.exists() else "transferplan", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)


def invoke(*args: str | Path, **kwargs: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


@pytest.fixture(scope="module")
def quick_json() -> subprocess.CompletedProcess[str]:
    """`transferplan solve examples/quick-start.yaml --format json`, run once for several tests."""
    if not (ROOT / "transferplan" / "solve.py").exists():
        pytest.skip("the solver (transferplan/solve.py) has not landed")
    return run("solve", QUICK, "--format", "json")


# Help and progress (no solver needed) ---------------------------------------------------------------


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(main.commands))])
def test_help_of_every_command_has_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_help_documents_the_exit_statuses():
    assert "4  the time limit ran out" in invoke("solve", "--help").stdout
    verify_help = invoke("verify", "--help").stdout
    assert "2  the plan is invalid, or RESULT.json is unreadable" in verify_help
    assert "3  the schedule violates the plan" in verify_help


def test_progress_line_reads_as_one_line():
    progress = types.SimpleNamespace(
        phase="search", message="checking 312 h: feasible", best_makespan_hours=312.0,
        lower_bound_hours=290.0, elapsed_seconds=4.2,
    )  # fmt: skip
    assert progress_line(progress) == "search: checking 312 h: feasible | best 13 d 0.0 h | bound 12 d 2.0 h | 4 s"


def test_unexpected_exception_is_one_line_and_exit_1(monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Result:
        raise RuntimeError("the solver fell over\nsecond line")

    monkeypatch.setitem(sys.modules, "transferplan.solve", types.SimpleNamespace(solve=broken))
    result = invoke("solve", QUICK)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "internal error: RuntimeError: the solver fell over -- please report it (TRANSFERPLAN_DEBUG=1 shows the "
        "traceback)"
    ]
    monkeypatch.setenv("TRANSFERPLAN_DEBUG", "1")
    debug = invoke("solve", QUICK)
    assert debug.exit_code == 1 and "Traceback" in debug.stderr


# Exit 2: invalid input, before any solving ----------------------------------------------------------


def test_missing_plan_file_exits_2():
    result = invoke("solve", "no-such-plan.yaml")
    assert result.exit_code == 2
    assert "no-such-plan.yaml: cannot read the plan" in result.stderr


def test_invalid_plan_file_exits_2_with_its_line(tmp_path):
    plan = tmp_path / "bad.yaml"
    plan.write_text(QUICK.read_text().replace("size: 120 TB", "size: 120"))
    result = run("solve", plan)
    assert result.returncode == 2
    assert "bad.yaml:17:" in result.stderr and "datasets.corpus.size" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_bad_set_exits_2():
    result = invoke("solve", QUICK, "--set", "links.wna.bandwidth=40 Gbps")
    assert result.exit_code == 2
    assert "did you mean 'links.wan'" in result.stderr


@pytest.mark.parametrize("option", [["--deadline", "soon"], ["--budget", "lots"], ["--resolution", "2 TB"]])
def test_bad_field_option_exits_2(option):
    result = invoke("solve", QUICK, *option)
    assert result.exit_code == 2
    assert option[0].removeprefix("--") in result.stderr


def test_solver_error_is_an_internal_error(monkeypatch):
    from transferplan.errors import SolverError

    def broken(*args: Any, **kwargs: Any) -> Result:
        raise SolverError("the backend 'highs' is not in this OR-Tools build")

    monkeypatch.setitem(sys.modules, "transferplan.solve", types.SimpleNamespace(solve=broken))
    result = invoke("solve", QUICK)
    assert result.exit_code == 1
    assert "please report it" in result.stderr and "not in this OR-Tools build" in result.stderr


def test_bad_option_value_exits_2():
    assert invoke("solve", QUICK, "--format", "xml").exit_code == 2
    assert invoke("solve", QUICK, "--time-limit", "0").exit_code == 2
    assert invoke("solve", QUICK, "--backend", "cbc").exit_code == 2  # not a backend of this OR-Tools build


# Exit 0: a plan, in every format --------------------------------------------------------------------


@needs_solver
def test_table_for_a_person():
    result = invoke("solve", QUICK)
    assert result.exit_code == 0, result.output
    text = result.stdout
    for expected in ("optimal", "Makespan", "Cost", "corpus", "wan", "van", "verified: replayed in continuous time"):
        assert expected in text
    assert "Tue 01 Dec 2026" in text  # the plan has a start: calendar times


def test_json_is_exactly_the_result_and_nothing_else(quick_json):
    assert quick_json.returncode == 0, quick_json.stderr
    assert quick_json.stderr == ""  # piped: no progress
    data = json.loads(quick_json.stdout)
    assert quick_json.stdout == Result.from_json(quick_json.stdout).to_json() + "\n"
    spec_keys = {"status", "objective", "makespan_hours", "lower_bound_hours", "cost", "datasets", "links",
                 "routes", "drives", "solve_seconds"}  # fmt: skip
    assert spec_keys <= data.keys()
    assert data["status"] == "optimal" and data["objective"] == "makespan"
    assert set(data["cost"]) >= {"total", "links", "routes", "couriers", "drives"}
    assert {"name", "delivered_hours", "online_bytes", "drive_bytes"} <= data["datasets"][0].keys()
    assert {"name", "bytes", "utilization"} <= data["links"][0].keys()
    assert {"name", "departures"} <= data["routes"][0].keys()
    assert {"name", "events"} <= data["drives"][0].keys()
    corpus = data["datasets"][0]
    assert corpus["online_bytes"] + corpus["drive_bytes"] == 120 * 10**12


@needs_solver
@pytest.mark.parametrize("backend", ["highs", "scip"])
def test_every_backend_finds_the_same_verified_plan(backend):
    result = run("solve", QUICK, "--backend", backend, "--no-baselines", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "optimal" and data["verified"] is True
    assert data["makespan_hours"] == pytest.approx(12 + 17.075e12 / 2e9 / 3600, abs=0.01)  # worked out in the YAML
    assert data["solver"]["backend"] == backend  # the solver that ran, named in the result


@needs_solver
def test_the_bound_beside_the_search_keeps_stdout_to_the_json(tmp_path):
    """With --workers 2 the drive-pool bound of the medium benchmark runs in a child process beside
    the search; what HiGHS prints there stays off stdout too, and its bound comes back. The pool
    proves 280 h short about a second after the LP bound (272 h on the plan's grid), so by 20 s the
    bound is at least that."""
    plan = tmp_path / "medium.yaml"
    plan.write_text(to_yaml(generate("medium", 0)))
    result = run("solve", plan, "--workers", "2", "--time-limit", "20", "--no-baselines", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["verified"] is True
    assert 280 <= data["lower_bound_hours"] <= data["makespan_hours"]
    assert data["solve_seconds"] <= 21


@needs_solver
def test_csv_parses_as_the_schedule():
    result = run("solve", QUICK, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    kinds = {row["kind"] for row in rows}
    assert {"drive", "link", "departure"} <= kinds
    events = [row for row in rows if row["kind"] == "drive"]
    assert {row["what"] for row in events} >= {"write", "depart", "arrive", "read"}
    assert all(row["drive"].startswith("ssd-30#") for row in events)
    assert all(float(row["start_hours"]) >= 0 for row in rows)


@needs_solver
def test_report_is_written_and_quiet_prints_nothing_on_stderr(tmp_path):
    report = tmp_path / "out.html"
    result = run("solve", QUICK, "--report", report, "--quiet")
    assert result.returncode == 0
    assert result.stderr == ""
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("Plotly.newPlot(") >= 2
    assert "quick-start" in page and "optimal" in page


@needs_solver
def test_report_says_where_it_went_unless_quiet(tmp_path):
    report = tmp_path / "out.html"
    result = invoke("solve", QUICK, "--report", report, "--no-baselines")
    assert result.exit_code == 0
    assert f"report written to {report}" in result.stderr


# Exit 3: no plan can meet the constraints -----------------------------------------------------------


@needs_solver
def test_deadline_too_tight_exits_3_and_says_why():
    result = invoke("solve", QUICK, "--deadline", "1 h")
    assert result.exit_code == 3, result.output
    assert "infeasible" in result.stdout and "Why:" in result.stdout
    as_json = run("solve", QUICK, "--deadline", "1 h", "--format", "json")
    assert as_json.returncode == 3
    data = json.loads(as_json.stdout)
    assert data["status"] == "infeasible" and data["explanation"]


@needs_solver
def test_budget_below_the_cost_bound_exits_3_with_the_bound():
    """gpu-onboarding costs at least $7,635.10 by the relaxed cost bound (its cheapest plan:
    $10,400); a $5,000 budget is below it, which shows at once that no plan fits, though the
    search could not find the cheapest plan in the time. (The bound was $6,075.03 before drives
    took away only what they wrote since they came, `Formulation._cohort_writes`.)"""
    result = run("solve", ONBOARDING, "--budget", "5000", "--time-limit", "30", "--no-baselines", "--format", "json")
    assert result.returncode == 3, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "infeasible"
    assert data["explanation"] == [
        "the budget 5,000 USD is below what every plan that meets the deadlines costs: at least 7,635.10 USD "
        "(lower bound)"
    ]


@needs_solver
def test_unreachable_destination_exits_3_naming_the_dataset(tmp_path):
    plan = tmp_path / "island.yaml"
    plan.write_text(UNREACHABLE)
    result = invoke("solve", plan)
    assert result.exit_code == 3, result.output
    assert "logs" in result.stdout


# Exit 4: the time limit ran out before any plan -----------------------------------------------------


@needs_solver
def test_tiny_time_limit_gives_exit_4_or_a_plan_never_a_lie():
    result = run("solve", ONBOARDING, "--time-limit", "0.001", "--no-baselines", "--format", "json")
    data = json.loads(result.stdout)
    # Exit 4 exactly when no plan was found; if the solver still returned a plan, it is a real one.
    assert result.returncode == {"optimal": 0, "feasible": 0, "infeasible": 3, "unknown": 4}[data["status"]]
    if data["status"] == "unknown":
        assert data["drives"] == [] or all(not d["events"] for d in data["drives"])
        assert "time limit" in " ".join(data["explanation"])


# verify -----------------------------------------------------------------------------------------------


def test_verify_accepts_the_saved_result(quick_json, tmp_path):
    saved = tmp_path / "result.json"
    saved.write_text(quick_json.stdout)
    result = run("verify", QUICK, saved)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: ") and "no violations" in result.stdout


def test_verify_exits_3_on_a_schedule_that_breaks_the_plan(quick_json, tmp_path):
    data = json.loads(quick_json.stdout)
    route = next(r for r in data["routes"] if r["departures"])
    route["departures"][0]["hours"] += 1.5  # a departure that is not on the timetable
    saved = tmp_path / "tampered.json"
    saved.write_text(json.dumps(data))
    result = invoke("verify", QUICK, saved)
    assert result.exit_code == 3, result.output
    assert "violation" in result.stdout


def test_verify_exits_2_when_the_result_is_unreadable(tmp_path):
    missing = invoke("verify", QUICK, tmp_path / "nothing.json")
    assert missing.exit_code == 2 and "cannot read it" in missing.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    bad = invoke("verify", QUICK, garbage)
    assert bad.exit_code == 2 and "not a transferplan JSON result" in bad.stderr
    empty = tmp_path / "infeasible.json"
    empty.write_text(Result(status="infeasible", explanation=["too tight"]).to_json())
    none = invoke("verify", QUICK, empty)
    assert none.exit_code == 2 and "holds no plan" in none.stderr


def test_warm_start_from_a_saved_result_of_the_plan_before(quick_json, tmp_path):
    """The quick start at 40 Gbps, started from its 10 Gbps answer (the van's trip at 06:00): the
    link alone gives 40 x 0.8 = 4 GB/s, 120 TB in 30,000 s = 8.33 h, before the van's first arrival
    at 12:00, so that is the optimum, and no later than the plan it started from."""
    saved = tmp_path / "result.json"
    saved.write_text(quick_json.stdout)
    before = json.loads(quick_json.stdout)["makespan_hours"]
    faster = invoke("solve", QUICK, "--set", "links.wan.bandwidth=40 Gbps", "--warm-start", saved, "--format", "json")
    assert faster.exit_code == 0, faster.output
    data = json.loads(faster.stdout)
    assert data["verified"] and data["status"] == "optimal"
    assert data["makespan_hours"] == pytest.approx(30_000 / 3600, abs=1e-3) and data["makespan_hours"] <= before


def test_warm_start_exits_2_when_the_result_is_unusable(tmp_path):
    missing = invoke("solve", QUICK, "--warm-start", tmp_path / "nothing.json")
    assert missing.exit_code == 2 and "nothing.json: cannot read it" in missing.stderr
    empty = tmp_path / "infeasible.json"
    empty.write_text(Result(status="infeasible", explanation=["too tight"]).to_json())
    none = invoke("solve", QUICK, "--warm-start", empty)
    assert none.exit_code == 2 and "holds no plan (status infeasible): nothing to start from" in none.stderr
