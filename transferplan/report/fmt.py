"""Display formatting shared by the reports: money, shares, calendar times, comparisons."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..result import Result
from ..units import human_duration


def money(amount: float | None, currency: str) -> str:
    """``12345.6`` -> ``"12,346 USD"``; cents only for small amounts."""
    if amount is None:
        return "-"
    return f"{amount:,.0f} {currency}" if abs(amount) >= 100 or amount == int(amount) else f"{amount:,.2f} {currency}"


def percent(share: float | None) -> str:
    """``0.734`` -> ``"73.4 %"``."""
    return "-" if share is None else f"{100 * share:.1f}%"


def start_of(result: Result) -> datetime | None:
    """The plan's `start` as a datetime, when the plan gave one."""
    if not result.start:
        return None
    try:
        return datetime.fromisoformat(result.start)
    except ValueError:
        return None


def calendar(result: Result, hours: float | None, short: bool = False) -> str:
    """Hours after start as a calendar time, "" without start.

    ``"Wed 02 Dec 2026 09:20 UTC"``, or with `short` (for table cells) ``"Wed 02 Dec 09:20"``.
    """
    start = start_of(result)
    if start is None or hours is None:
        return ""
    moment = start + timedelta(hours=hours)
    if short:
        return f"{moment:%a %d %b %H:%M}"
    return f"{moment:%a %d %b %Y %H:%M} {moment.tzname() or ''}".rstrip()


def offset(hours: float | None) -> str:
    """Hours after start for a person, e.g. ``"T+33.3 h"``, ``"T+2 d 8.2 h"``."""
    return "-" if hours is None else f"T+{human_duration(hours)}"


def when(result: Result, hours: float | None) -> str:
    """A moment as both an offset and (with `start`) a calendar time."""
    if hours is None:
        return "-"
    date = calendar(result, hours, short=True)
    return f"{date} ({offset(hours)})" if date else offset(hours)


def moment(result: Result, hours: float | None) -> str:
    """A moment for a table cell: the short calendar time with `start`, else the offset."""
    return calendar(result, hours, short=True) or offset(hours)


def times_faster(mix_hours: float | None, other_hours: float | None) -> str:
    """How the mix compares with another makespan, e.g. ``"2.4x faster"``, ``"4% faster"``."""
    if mix_hours is None or other_hours is None or mix_hours <= 0:
        return ""
    ratio = other_hours / mix_hours
    if abs(ratio - 1) < 0.005:
        return "as fast"
    faster, ratio = ("faster", ratio) if ratio > 1 else ("slower", 1 / ratio)
    return f"{ratio:.1f}x {faster}" if ratio >= 1.095 else f"{100 * (ratio - 1):.0f}% {faster}"


def sooner(mix_hours: float | None, other_hours: float | None) -> str:
    """The difference in makespan, e.g. ``"1.8 h sooner"``."""
    if mix_hours is None or other_hours is None or abs(other_hours - mix_hours) < 0.05:
        return ""
    diff = other_hours - mix_hours
    return f"{human_duration(abs(diff))} {'sooner' if diff > 0 else 'later'}"


def cost_compared(mix: float, other: float | None) -> str:
    """How the mix's cost compares with another, e.g. ``"saves 1,200"``, ``"costs 300 more"``."""
    if other is None:
        return ""
    diff = other - mix
    if abs(diff) < 0.005:
        return "same cost"
    return f"saves {diff:,.0f}" if diff > 0 else f"costs {-diff:,.0f} more"


MODE_WORDS = {"network_only": "the network alone", "shipping_only": "shipping alone"}
NOT_IN_TIME = "no plan found in its time"
"""A baseline with no plan and no proof that none exists (status "unknown"): not "impossible"."""
