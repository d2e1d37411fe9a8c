"""The reports render what a Result holds: terminal tables, the CSV schedule, and the HTML report.

Most tests render Results built here by hand (the quick-start plan's answer, worked out in the
comments), so they run without a solver; the last ones render real solves of examples/quick-start.yaml.
The HTML report is opened in headless Chromium: no script errors, every chart drawn, no network.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from transferplan.report import render, write_csv, write_report
from transferplan.report.csv import COLUMNS
from transferplan.report.fmt import calendar, cost_compared, money, times_faster
from transferplan.report.html import arrivals, cumulative, figures, report_html
from transferplan.result import (
    Baseline,
    CostBreakdown,
    CourierSchedule,
    CourierTrip,
    DatasetResult,
    DepartureResult,
    DriveEvent,
    DriveSchedule,
    LinkResult,
    LinkTransfer,
    Result,
    RouteResult,
    SolverStats,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TB = 10**12


def quick_start_result(**changes: Any) -> Result:
    """The quick-start answer by hand: 4 SSDs of 17.075 TB each on the 06:00 van, the rest online.

    The link gives 1 GB/s (3.6 TB/h); the van arrives at 12:00 and its four drives read at 2 GB/s each,
    so both finish together a little after 14:20.
    """
    per_drive = 17_075_000_000_000
    hours = per_drive / 2e9 / 3600
    drives = [
        DriveSchedule(
            name=f"ssd-30#{i}",
            type="ssd-30",
            start_site="lab",
            events=[
                DriveEvent(hours=0.0, what="write", site="lab", until_hours=hours, bytes=per_drive,
                           datasets={"corpus": per_drive}, bay=i),
                DriveEvent(hours=6.0, what="depart", site="lab", route="van"),
                DriveEvent(hours=12.0, what="arrive", site="gpu-site", route="van"),
                DriveEvent(hours=12.0, what="read", site="gpu-site", until_hours=12 + hours, bytes=per_drive,
                           datasets={"corpus": per_drive}, bay=i),
            ],
        )
        for i in range(1, 5)
    ]  # fmt: skip
    makespan = 12 + hours
    online = 120 * TB - 4 * per_drive
    fields: dict[str, Any] = dict(
        plan="quick-start",
        status="optimal",
        start="2026-12-01T00:00:00+00:00",
        makespan_hours=makespan,
        lower_bound_hours=makespan - 0.05,
        gap=0.0035,
        cost=CostBreakdown(total=300.0, routes=300.0),
        datasets=[
            DatasetResult(name="corpus", at="lab", to="gpu-site", size_bytes=120 * TB, delivered_hours=makespan,
                          online_bytes=online, drive_bytes=4 * per_drive)
        ],
        links=[
            LinkResult(name="wan", from_site="lab", to_site="gpu-site", bytes=online, utilization=0.999,
                       transfers=[LinkTransfer(dataset="corpus", start_hours=0.0, end_hours=online / 3.6e12,
                                               bytes=online)])
        ],
        routes=[
            RouteResult(name="van", from_site="lab", to_site="gpu-site", departures=[
                DepartureResult(hours=6.0, arrival_hours=12.0, drives=4, couriers=0, bytes=4 * per_drive,
                                drive_names=[d.name for d in drives])
            ])
        ],
        drives=drives,
        baselines=[
            Baseline(mode="network_only", status="optimal", makespan_hours=33.33, cost=0.0),
            Baseline(mode="shipping_only", status="optimal", makespan_hours=16.17, cost=300.0),
        ],
        verified=True,
        solve_seconds=1.27,
        solver=SolverStats(backend="highs", solves=5, resolution_hours=0.5),
    )  # fmt: skip
    fields.update(changes)
    return Result(**fields)


def infeasible_result() -> Result:
    return Result(
        plan="quick-start",
        status="infeasible",
        start="2026-12-01T00:00:00+00:00",
        lower_bound_hours=14.3,
        explanation=["corpus cannot reach gpu-site before T+14.3 h, but the deadline is T+1 h"],
    )


def couriered_result() -> Result:
    """A plan without `start`, with a courier and a route that is not used."""
    base = quick_start_result(start=None, baselines=[])
    routes = [
        base.routes[0].model_copy(
            update={"departures": [base.routes[0].departures[0].model_copy(update={"couriers": 1,
                                                                                  "courier_names": ["staff#1"]})]}
        ),
        RouteResult(name="van-back", from_site="gpu-site", to_site="lab"),
    ]  # fmt: skip
    couriers = [
        CourierSchedule(name="staff#1", pool="staff", start_site="lab",
                        trips=[CourierTrip(route="van", depart_hours=6.0, arrive_hours=12.0)])
    ]  # fmt: skip
    return base.model_copy(update={"routes": routes, "couriers": couriers})


def text_of(result: Result, width: int = 100) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    render(result, console)
    return console.export_text()


# Formatting -----------------------------------------------------------------------------------------


def test_comparisons_read_as_words():
    assert times_faster(10.0, 24.0) == "2.4x faster"
    assert times_faster(10.0, 10.0) == "as fast"
    assert times_faster(20.0, 10.0) == "2.0x slower"
    assert cost_compared(300.0, 0.0) == "costs 300 more"
    assert cost_compared(300.0, 1500.0) == "saves 1,200"
    assert money(12345.6, "USD") == "12,346 USD"
    assert money(12.5, "EUR") == "12.50 EUR"


def test_calendar_times_follow_the_plans_start_and_its_zone():
    result = quick_start_result(start="2026-12-01T00:00:00+08:00")
    assert calendar(result, 33.5) == "Wed 02 Dec 2026 09:30 UTC+08:00"
    assert calendar(result, 33.5, short=True) == "Wed 02 Dec 09:30"
    assert calendar(quick_start_result(start=None), 33.5) == ""


# Terminal -------------------------------------------------------------------------------------------


def test_table_says_what_a_person_needs_at_a_glance():
    text = text_of(quick_start_result())
    for expected in [
        "optimal",
        "proven best: no plan finishes sooner",
        "14.4 h, all delivered Tue 01 Dec 2026 14:22 UTC",  # makespan as duration and calendar time
        "no plan finishes before 14.3 h; gap 0.4%",  # lower bound and gap
        "300 USD  (routes 300)",  # cost with its breakdown
        "2.3x faster than the network alone",  # the comparison with the baselines
        "1.1x faster than shipping alone",
        "51.7 TB (43%)",  # online share of the dataset
        "68.3 TB (57%)",  # on drives
        "99.9%",  # link utilisation
        "Tue 01 Dec 06:00",  # the van's departure, in calendar time
        "verified: replayed in continuous time, no violations",
    ]:
        assert expected in text, f"{expected!r} missing from:\n{text}"


def test_a_baseline_with_no_plan_in_its_time_is_not_called_impossible():
    """An "unknown" baseline is a search that ran out of time, an "infeasible" one a proof: only
    the proof reads "cannot do it", in the summary and in the HTML report."""
    result = quick_start_result(
        baselines=[
            Baseline(mode="network_only", status="infeasible"),
            Baseline(mode="shipping_only", status="unknown"),
        ]
    )
    text = " ".join(text_of(result).split())
    assert "the network alone cannot do it" in text
    assert "shipping alone: no plan found in its time" in text
    assert "shipping alone cannot do it" not in text
    html = report_html(result)
    assert "<th>Shipping alone</th><td>no plan found in its time</td>" in html
    assert "<th>The network alone</th><td>impossible</td>" in html


def test_table_fits_a_100_column_terminal():
    for result in (quick_start_result(), couriered_result(), infeasible_result()):
        lines = text_of(result, width=100).splitlines()
        assert max(len(line) for line in lines) <= 100


def test_infeasible_table_gives_the_reasons_and_no_schedule():
    text = text_of(infeasible_result())
    assert "no plan can meet the constraints" in text
    assert "Why:" in text
    assert "the deadline is T+1 h" in text
    assert "Shipments" not in text and "verified" not in text


def test_table_flags_a_plan_that_failed_verification():
    text = text_of(quick_start_result(verified=False, violations=["bay lab #1 holds two drives at T+1 h"]))
    assert "verification FAILED: 1 violation(s)" in text
    assert "bay lab #1 holds two drives at T+1 h" in text


def test_table_without_start_uses_offsets_and_lists_unused_routes():
    text = text_of(couriered_result())
    assert "T+6.0 h" in text and "Dec" not in text
    assert re.search(r"van-back .*not used", text)


# CSV ------------------------------------------------------------------------------------------------


def parse_csv(result: Result) -> list[dict[str, str]]:
    buffer = io.StringIO()
    write_csv(result, buffer)
    buffer.seek(0)
    reader = csv.DictReader(buffer)
    assert reader.fieldnames == COLUMNS
    return list(reader)


def test_csv_has_one_row_per_drive_event_transfer_departure_and_trip():
    rows = parse_csv(couriered_result())
    kinds = [row["kind"] for row in rows]
    assert kinds.count("drive") == 16  # 4 drives x write, depart, arrive, read
    assert kinds.count("link") == 1
    assert kinds.count("departure") == 1
    assert kinds.count("courier") == 1
    write = rows[0]
    assert (write["drive"], write["type"], write["what"], write["site"], write["bay"]) == (
        "ssd-30#1", "ssd-30", "write", "lab", "1"
    )  # fmt: skip
    assert float(write["start_hours"]) == 0.0 and float(write["end_hours"]) == pytest.approx(2.3715, abs=1e-3)
    assert write["datasets"] == "corpus=17075000000000" and write["bytes"] == "17075000000000"
    departure = next(row for row in rows if row["kind"] == "departure")
    assert (departure["route"], departure["drives"], departure["couriers"]) == ("van", "4", "1")


def test_csv_gives_calendar_times_when_the_plan_has_a_start():
    rows = parse_csv(quick_start_result())
    depart = next(row for row in rows if row["what"] == "depart")
    assert depart["start_at"] == "2026-12-01T06:00+00:00"
    assert all(row["start_at"] == "" for row in parse_csv(couriered_result()))


def test_csv_of_an_infeasible_result_is_just_the_header():
    assert parse_csv(infeasible_result()) == []


# HTML -----------------------------------------------------------------------------------------------


def test_cumulative_delivery_is_the_running_sum_of_arrivals():
    result = quick_start_result()
    curve = cumulative(arrivals(result, "corpus"))
    assert curve[0] == (0.0, 0.0)
    assert curve[-1][0] == pytest.approx(result.makespan_hours)
    assert curve[-1][1] == pytest.approx(120 * TB)
    assert all(b[1] >= a[1] for a, b in zip(curve, curve[1:], strict=False))


def test_html_is_self_contained_with_plotly_inlined_once():
    page = report_html(quick_start_result())
    assert page.count("<script") == 1 + len(figures(quick_start_result()))  # the library, then one per chart
    assert page.count("plotly.js v") <= 2  # the library's banner, once (minified builds repeat it once)
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)
    for text in ("optimal", "14.4 h", "Lower bound", "Gap", "300 USD", "33.3 h, 0 USD: this plan is 2.3x faster"):
        assert text in page


def test_html_escapes_names_from_the_plan():
    page = report_html(quick_start_result(plan="<b>lab</b> & co"))
    assert "&lt;b&gt;lab&lt;/b&gt; &amp; co" in page and "<b>lab</b>" not in page


def test_infeasible_report_has_reasons_and_no_charts(tmp_path):
    path = tmp_path / "report.html"
    write_report(infeasible_result(), path)
    page = path.read_text(encoding="utf-8")
    assert "the deadline is T+1 h" in page
    assert "<script" not in page


# The report in a real browser -----------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


ALL_CHARTS_DRAWN = "[...document.querySelectorAll('.js-plotly-plot')].every(d => d.querySelector('svg.main-svg'))"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by playwright; in CI a missing browser fails the test, never skips it."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: the HTML report test must run in CI (.ci/run installs it)")
        pytest.skip("chromium is not installed (under CI=true this fails instead)")
    from playwright.sync_api import sync_playwright  # a test dependency: missing it is an error, not a skip

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_report(browser: Any, path: Path, screenshot: Path | None = None) -> dict[str, Any]:
    """Load a report from file://, blocking and recording every other request; what the page showed."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    attempted: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)

    def only_files(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=15000)
    charts = page.locator(".js-plotly-plot")
    drawn = [charts.nth(i).locator("svg.main-svg").count() > 0 for i in range(charts.count())]
    bars = page.locator(".js-plotly-plot .barlayer .point").count()
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return {"errors": errors, "requests": attempted, "charts": len(drawn), "drawn": drawn, "bars": bars}


@pytest.mark.browser
def test_report_renders_every_chart_offline_without_errors(browser, tmp_path):
    path = tmp_path / "report.html"
    write_report(quick_start_result(), path)
    seen = open_report(browser, path)
    assert seen["errors"] == []
    assert seen["requests"] == []
    assert seen["charts"] == 3  # timeline, delivery, shipments
    assert all(seen["drawn"])
    assert seen["bars"] >= 4 * 3 + 8 + 1 + 1  # drive write/transit/read, bays, the link, the departure


@pytest.mark.browser
def test_report_without_start_or_charts_opens_cleanly(browser, tmp_path):
    for name, result, charts in (("offsets", couriered_result(), 3), ("infeasible", infeasible_result(), 0)):
        path = tmp_path / f"{name}.html"
        write_report(result, path)
        seen = open_report(browser, path)
        assert (seen["errors"], seen["requests"], seen["charts"]) == ([], [], charts), name
        assert all(seen["drawn"])


# Real solves ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def solved() -> Result:
    """examples/quick-start.yaml solved for real (needs the solver)."""
    solve = pytest.importorskip("transferplan.solve").solve
    from transferplan import load

    return solve(load(EXAMPLES / "quick-start.yaml"))


def test_real_solve_renders_as_tables_and_csv(solved):
    assert solved.status == "optimal"
    text = text_of(solved)
    assert "optimal" in text and "corpus" in text and "van" in text
    assert "verified: replayed in continuous time, no violations" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    rows = parse_csv(solved)
    assert {row["kind"] for row in rows} >= {"drive", "departure"}
    end, delivered = cumulative(arrivals(solved, "corpus"))[-1]  # the chart's curve ends where the result says
    assert end == pytest.approx(solved.makespan_hours, abs=1e-6)
    assert delivered == pytest.approx(120 * TB, rel=1e-9)


@pytest.mark.browser
def test_real_solve_report_in_the_browser(solved, browser, tmp_path):
    path = tmp_path / "quick-start.html"
    write_report(solved, path)
    seen = open_report(browser, path)
    assert seen["errors"] == [] and seen["requests"] == []
    assert seen["charts"] >= 2 and all(seen["drawn"])
