"""The schedule as one CSV for spreadsheets: drive events, link transfers, departures and courier trips.

One row per item, told apart by the `kind` column (drive, link, departure, courier). Times are hours
after the plan's `start`; `start_at`/`end_at` give the calendar time when the plan has a `start`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, TextIO

from ..result import Result
from .fmt import start_of

COLUMNS = [
    "kind",
    "drive",
    "type",
    "what",
    "site",
    "bay",
    "route",
    "link",
    "courier",
    "start_hours",
    "end_hours",
    "start_at",
    "end_at",
    "bytes",
    "datasets",
    "drives",
    "couriers",
]


def _datasets(split: dict[str, int]) -> str:
    return ";".join(f"{name}={count}" for name, count in split.items())


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def drive_rows(result: Result) -> Iterator[dict[str, Any]]:
    """One row per drive event: write, depart, arrive, read."""
    for drive in result.drives:
        for e in drive.events:
            yield {
                "kind": "drive",
                "drive": drive.name,
                "type": drive.type,
                "what": e.what,
                "site": e.site,
                "bay": e.bay,
                "route": e.route,
                "start_hours": e.hours,
                "end_hours": e.until_hours,
                "bytes": e.bytes,
                "datasets": _datasets(e.datasets),
            }


def link_rows(result: Result) -> Iterator[dict[str, Any]]:
    """One row per link transfer (a dataset at a constant rate over an interval)."""
    for link in result.links:
        for t in link.transfers:
            yield {
                "kind": "link",
                "link": link.name,
                "what": "transfer",
                "site": f"{link.from_site}->{link.to_site}",
                "start_hours": t.start_hours,
                "end_hours": t.end_hours,
                "bytes": t.bytes,
                "datasets": t.dataset,
            }


def departure_rows(result: Result) -> Iterator[dict[str, Any]]:
    """One row per departure used, from departure to arrival."""
    for route in result.routes:
        for d in route.departures:
            yield {
                "kind": "departure",
                "route": route.name,
                "what": "departure",
                "site": f"{route.from_site}->{route.to_site}",
                "start_hours": d.hours,
                "end_hours": d.arrival_hours,
                "bytes": d.bytes,
                "drive": " ".join(d.drive_names),
                "courier": " ".join(d.courier_names),
                "drives": d.drives,
                "couriers": d.couriers,
            }


def courier_rows(result: Result) -> Iterator[dict[str, Any]]:
    """One row per courier trip."""
    for courier in result.couriers:
        for trip in courier.trips:
            yield {
                "kind": "courier",
                "courier": courier.name,
                "type": courier.pool,
                "what": "trip",
                "route": trip.route,
                "start_hours": trip.depart_hours,
                "end_hours": trip.arrive_hours,
            }


def rows(result: Result) -> Iterator[dict[str, str]]:
    """Every row of the CSV as text, in the order drive, link, departure, courier."""
    start = start_of(result)
    for source in (drive_rows, link_rows, departure_rows, courier_rows):
        for row in source(result):
            out = {c: "" if row.get(c) is None else str(row.get(c)) for c in COLUMNS}
            out["start_hours"] = _hours(row.get("start_hours"))
            out["end_hours"] = _hours(row.get("end_hours"))
            if start is not None:
                out["start_at"] = _at(start, row.get("start_hours"))
                out["end_at"] = _at(start, row.get("end_hours"))
            yield out


def _at(start: datetime, hours: float | None) -> str:
    return "" if hours is None else (start + timedelta(hours=hours)).isoformat(timespec="minutes")


def write_csv(result: Result, out: TextIO) -> None:
    """Write the schedule as CSV with a header row (also when there is no plan)."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(result))
