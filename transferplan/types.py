"""Pydantic field types for unit values: parsed on the way in, written back as exact words.

Each type accepts what the plan format allows and rejects the rest with the unit parser's message.
The JSON Schema of each says what an editor should offer.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from . import units


def _positive(parse: Any) -> Any:
    def check(value: Any) -> Any:
        parsed = parse(value)
        if parsed <= 0:
            raise ValueError(f"must be more than zero, got {value!r}")
        return parsed

    return check


def _non_negative_money(value: Any) -> Decimal:
    amount = units.parse_money(value)
    if amount < 0:
        raise ValueError(f"must not be negative, got {value!r}")
    return amount


def _fraction(value: Any) -> Fraction:
    """Plain numbers such as 0.8 become the exact decimal the user wrote, not the nearest float."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal | Fraction):
        raise ValueError(f"expected a number such as 0.8, got {value!r}")
    try:
        share = Fraction(repr(value) if isinstance(value, float) else str(value))
    except ValueError:
        raise ValueError(f"expected a number such as 0.8, got {value!r}") from None
    if not 0 < share <= 1:
        raise ValueError(f"expected a share more than 0 and at most 1, got {value!r}")
    return share


def _start(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"expected an ISO date and time with its zone such as '2026-12-01T00:00+08:00', got {value!r}"
            ) from None
    if not isinstance(value, datetime):
        raise ValueError(f"expected an ISO date and time such as '2026-12-01T00:00+08:00', got {value!r}")
    if value.tzinfo is None:
        raise ValueError(f"'{value.isoformat()}' has no time zone: add one, e.g. '+08:00' or 'Z'")
    return value


def _string_schema(pattern_hint: str, examples: list[str]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "description": pattern_hint, "examples": examples})


Size = Annotated[
    int,
    BeforeValidator(_positive(units.parse_size)),
    PlainSerializer(units.format_size, return_type=str),
    _string_schema("A size: B, kB, MB, GB, TB, PB (decimal) or KiB, MiB, GiB, TiB, PiB.", ["80 TB"]),
]
"""Whole bytes, more than zero."""

Rate = Annotated[
    Fraction,
    BeforeValidator(_positive(units.parse_rate)),
    PlainSerializer(units.format_rate, return_type=str),
    _string_schema("A rate: bits (bps, Mbps, Gbps, Gbit/s) or bytes (MB/s, GB/s, MiB/s).", ["10 Gbps", "270 MB/s"]),
]
"""Bytes per second, more than zero."""

Duration = Annotated[
    Fraction,
    BeforeValidator(_positive(units.parse_duration)),
    PlainSerializer(units.format_duration, return_type=str),
    _string_schema("A duration: s, min, h, day(s), week(s), combined ('1 day 6 h'), or ISO 8601 ('PT36H').", ["9 h"]),
]
"""Seconds, more than zero."""


def _non_negative_duration(value: Any) -> Fraction:
    parsed = units.parse_duration(value)
    if parsed < 0:
        raise ValueError(f"must not be negative, got {value!r}")
    return parsed


Transit = Annotated[
    Fraction,
    BeforeValidator(_non_negative_duration),
    PlainSerializer(units.format_duration, return_type=str),
    _string_schema("A duration, zero or more: '9 h', '3 days', 'PT36H'.", ["9 h"]),
]
"""Seconds, zero or more (a transit may be instant)."""

TimePoint = Annotated[
    units.TimeSpec,
    BeforeValidator(units.parse_time),
    PlainSerializer(str, return_type=str),
    _string_schema(
        "A time: a duration after start ('36 h'), a clock time in start's zone ('08:00'), or an ISO datetime.",
        ["2 days", "08:00"],
    ),
]

DailyWindow = Annotated[
    units.Window,
    BeforeValidator(units.parse_window),
    PlainSerializer(str, return_type=str),
    _string_schema("A daily window 'HH:MM-HH:MM' in start's zone; it may wrap midnight.", ["22:00-06:00"]),
]


def _one_or_many(value: Any) -> Any:
    # `windows: "22:00-06:00"` means the one window, as a user writing it would expect.
    return [value] if isinstance(value, str) else value


DailyWindows = Annotated[tuple[DailyWindow, ...], BeforeValidator(_one_or_many)]
"""Daily windows: a list, or a single window string."""

Money = Annotated[
    Decimal,
    BeforeValidator(_non_negative_money),
    PlainSerializer(float, return_type=float),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}], "description": "Money in `currency`."}
    ),
]

Share = Annotated[
    Fraction,
    BeforeValidator(_fraction),
    PlainSerializer(float, return_type=float),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 1}),
]
"""A share in (0, 1], kept as the exact decimal the user wrote."""

Start = Annotated[
    datetime,
    BeforeValidator(_start),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    _string_schema("An ISO date and time with its zone: t = 0 of the plan.", ["2026-12-01T00:00+08:00"]),
]
