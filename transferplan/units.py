"""Parse and format the unit words of plan files: sizes, rates, durations, clock times, windows, money.

This is the only module that knows unit words. Values are exact: sizes are integer bytes, rates are
`Fraction` bytes per second, durations are `Fraction` seconds, money is `Decimal`. Nothing is rounded
unless a function says so in its name (``human_*`` is for display only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "UnitError",
    "parse_size",
    "parse_rate",
    "parse_duration",
    "parse_money",
    "parse_window",
    "parse_time",
    "format_size",
    "format_rate",
    "format_duration",
    "human_size",
    "human_rate",
    "human_duration",
    "TimeSpec",
    "Window",
]


class UnitError(ValueError):
    """A value whose unit or form is wrong; the message says what was expected."""


_NUMBER = r"(?P<num>[0-9][0-9_,]*(?:\.[0-9]+)?|\.[0-9]+)"
# A sign is read so that "-10 TB" is reported as negative, not as an unreadable size.
_QUANTITY = re.compile(rf"^\s*(?P<sign>[-+]?)\s*{_NUMBER}\s*(?P<unit>[A-Za-z/]+)\s*$")

SIZE_UNITS: dict[str, int] = {
    "B": 1,
    "kB": 10**3,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "PB": 10**15,
    "EB": 10**18,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
    "PiB": 2**50,
}

# Bits per second. Names are case-sensitive: `Mb` is never a megabyte.
_BIT_RATE_UNITS: dict[str, int] = {}
for _prefix, _factor in {"": 1, "k": 10**3, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}.items():
    _BIT_RATE_UNITS[f"{_prefix}bps"] = _factor
    _BIT_RATE_UNITS[f"{_prefix}bit/s"] = _factor
    _BIT_RATE_UNITS[f"{_prefix}b/s"] = _factor
for _prefix, _factor in {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}.items():
    _BIT_RATE_UNITS[f"{_prefix}bit/s"] = _factor
    _BIT_RATE_UNITS[f"{_prefix}bps"] = _factor

# Bit amounts a size might be mistaken for, and the byte prefix the user probably meant.
_BIT_SIZES = {f"{p}{b}": p.replace("K", "k") for p in ("", "k", "K", "M", "G", "T", "P") for b in ("b", "bit", "bits")}

DURATION_UNITS: dict[str, int] = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "week": 604800,
    "weeks": 604800,
}

SIZE_EXAMPLE = "a size such as '80 TB', '1.5 PB' or '512 GiB'"
RATE_EXAMPLE = "a rate such as '10 Gbps' (bits) or '270 MB/s' (bytes)"
DURATION_EXAMPLE = "a duration such as '9 h', '1 day 6 h', '90 min' or 'PT36H'"


def _number(text: str) -> Fraction:
    cleaned = text.replace("_", "").replace(",", "")
    return Fraction(cleaned)


def _split(value: object, what: str, example: str) -> tuple[Fraction, str]:
    if isinstance(value, bool) or not isinstance(value, str):
        raise UnitError(f"expected {example}, got the bare value {value!r}")
    match = _QUANTITY.match(value)
    if not match:
        raise UnitError(f"expected {example}, got {value!r}")
    number = _number(match["num"])
    return (-number if match["sign"] == "-" else number), match["unit"]


def _rate_units() -> dict[str, Fraction]:
    units: dict[str, Fraction] = {f"{name}/s": Fraction(f) for name, f in SIZE_UNITS.items()}
    units.update({name: Fraction(f, 8) for name, f in _BIT_RATE_UNITS.items()})
    return units


RATE_UNITS = _rate_units()


def parse_size(value: object) -> int:
    """Parse a size into whole bytes: ``"80 TB"`` -> 80_000_000_000_000.

    Raises UnitError for a bare number, a rate, an unknown unit, or a fraction of a byte.
    """
    number, unit = _split(value, "size", SIZE_EXAMPLE)
    if unit not in SIZE_UNITS:
        if unit in RATE_UNITS:
            raise UnitError(f"{value!r} is a rate, but a size belongs here: expected {SIZE_EXAMPLE}")
        if unit in _BIT_SIZES:
            bytes_unit = f"{_BIT_SIZES[unit]}B"
            raise UnitError(
                f"'{unit}' is bits, but a size is in bytes: did you mean '{bytes_unit}'? Expected {SIZE_EXAMPLE}"
            )
        raise UnitError(f"unknown size unit {unit!r} in {value!r}: expected {SIZE_EXAMPLE}")
    exact = number * SIZE_UNITS[unit]
    if exact.denominator != 1:
        raise UnitError(f"{value!r} is not a whole number of bytes")
    return int(exact)


def parse_rate(value: object) -> Fraction:
    """Parse a rate into bytes per second: ``"10 Gbps"`` -> 1_250_000_000 (bits are divided by 8)."""
    number, unit = _split(value, "rate", RATE_EXAMPLE)
    if unit not in RATE_UNITS:
        if unit in SIZE_UNITS:
            raise UnitError(f"{value!r} is a size, but a rate belongs here: expected {RATE_EXAMPLE}")
        raise UnitError(f"unknown rate unit {unit!r} in {value!r}: expected {RATE_EXAMPLE}")
    return number * RATE_UNITS[unit]


_ISO_DURATION = re.compile(
    r"^P(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_DURATION_PART = re.compile(rf"\s*{_NUMBER}\s*(?P<unit>[A-Za-z]+)\s*")


def parse_duration(value: object) -> Fraction:
    """Parse a duration into seconds: ``"1 day 6 h"`` -> 108000, ``"PT36H"`` -> 129600."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise UnitError(f"expected {DURATION_EXAMPLE}, got the bare value {value!r}")
    text = value.strip()
    if text[:1] in ("-", "+") and text[1:].strip()[:1] not in ("", "-", "+"):
        rest = parse_duration(text[1:])
        return -rest if text[0] == "-" else rest
    iso = _ISO_DURATION.match(text)
    if iso and text not in ("P", "PT") and any(iso.groupdict().values()):
        factors = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
        return sum(
            (Fraction(v) * factors[k] for k, v in iso.groupdict().items() if v),
            Fraction(0),
        )
    total, pos = Fraction(0), 0
    while pos < len(text):
        part = _DURATION_PART.match(text, pos)
        if not part or part["unit"] not in DURATION_UNITS:
            raise UnitError(f"expected {DURATION_EXAMPLE}, got {value!r}")
        total += _number(part["num"]) * DURATION_UNITS[part["unit"]]
        pos = part.end()
    if pos == 0:
        raise UnitError(f"expected {DURATION_EXAMPLE}, got {value!r}")
    return total


_MONEY = re.compile(r"^\s*(?P<sign>-)?\s*(?P<cur>\$)?\s*(?P<num>[0-9][0-9,_]*(?:\.[0-9]+)?)\s*$")


def parse_money(value: object, currency: str = "USD") -> Decimal:
    """Parse money in the plan's currency: ``1200``, ``1200.5`` or (USD only) ``"$1,200"``."""
    if isinstance(value, bool):
        raise UnitError(f"expected an amount of money such as 1200, got {value!r}")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise UnitError(f"expected an amount of money such as 1200, got {value!r}")
    match = _MONEY.match(value)
    if not match:
        raise UnitError(f"expected an amount of money such as 1200 or '$1,200', got {value!r}")
    if match["cur"] and currency != "USD":
        raise UnitError(f"{value!r} is in dollars, but the plan's currency is {currency}")
    try:
        amount = Decimal(match["num"].replace(",", "").replace("_", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise UnitError(f"cannot read {value!r} as money") from exc
    return -amount if match["sign"] else amount


_CLOCK = re.compile(r"^\s*(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\s*$")


def parse_clock(value: str) -> int:
    """Parse ``"HH:MM"`` into minutes after midnight."""
    match = _CLOCK.match(value)
    if not match:
        raise UnitError(f"expected a clock time 'HH:MM' such as '08:00', got {value!r}")
    return int(match["h"]) * 60 + int(match["m"])


@dataclass(frozen=True)
class TimeSpec:
    """A point in time as the user wrote it, resolved against the plan's `start` later.

    Exactly one of `offset` (seconds after start), `clock` (minutes after midnight in the time zone
    of start, first occurrence at or after start) or `absolute` (an aware datetime) is set.
    """

    text: str
    offset: Fraction | None = None
    clock: int | None = None
    absolute: datetime | None = None

    def seconds_after(self, start: datetime | None) -> Fraction:
        """Seconds after `start` (t = 0); a clock time counts from midnight UTC without start."""
        if self.offset is not None:
            return self.offset
        if self.clock is not None:
            if start is None:
                return Fraction(self.clock * 60)
            day_seconds = start.hour * 3600 + start.minute * 60 + start.second
            day_seconds_f = Fraction(day_seconds) + Fraction(start.microsecond, 10**6)
            delta = Fraction(self.clock * 60) - day_seconds_f
            return delta if delta >= 0 else delta + 86400
        assert self.absolute is not None
        if start is None:
            raise UnitError(f"the absolute time {self.text!r} needs the plan's `start`")
        seconds = (self.absolute - start).total_seconds()
        return Fraction(seconds).limit_denominator(10**6)

    def __str__(self) -> str:
        return self.text


def parse_time(value: object) -> TimeSpec:
    """Parse a time: a duration after start, a clock time ``"HH:MM"`` or an ISO datetime."""
    if isinstance(value, TimeSpec):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise UnitError(f"the time {value.isoformat()!r} needs a time zone, e.g. +08:00 or Z")
        return TimeSpec(text=value.isoformat(), absolute=value)
    if not isinstance(value, str):
        raise UnitError(
            f"expected a time: a duration after start ('36 h'), a clock time ('08:00') "
            f"or an ISO datetime, got {value!r}"
        )
    if _CLOCK.match(value):
        return TimeSpec(text=value, clock=parse_clock(value))
    try:
        return TimeSpec(text=value, offset=parse_duration(value))
    except UnitError:
        pass
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UnitError(
            f"expected a time: a duration after start ('36 h'), a clock time ('08:00') "
            f"or an ISO datetime, got {value!r}"
        ) from None
    return parse_time(moment)


@dataclass(frozen=True)
class Window:
    """A daily window ``"22:00-06:00"`` in minutes after midnight; it may wrap midnight."""

    text: str
    begin: int
    end: int

    def intervals(self, start: datetime | None, horizon: Fraction) -> list[tuple[Fraction, Fraction]]:
        """The window's occurrences as (from, to) seconds after start, clipped to [0, horizon]."""
        offset = TimeSpec(text="", clock=0).seconds_after(start)  # next local midnight
        length = (self.end - self.begin) % 1440 or 1440
        out: list[tuple[Fraction, Fraction]] = []
        # Start from the day before the local midnight at or before start: its window may wrap into t = 0.
        day = offset - 2 * 86400
        while day < horizon:
            a = day + self.begin * 60
            b = a + length * 60
            if b > 0 and a < horizon:
                out.append((max(a, Fraction(0)), min(b, horizon)))
            day += 86400
        return out

    def __str__(self) -> str:
        return self.text


_WINDOW = re.compile(r"^\s*(?P<a>\d{1,2}:\d{2})\s*-\s*(?P<b>\d{1,2}:\d{2})\s*$")


def parse_window(value: object) -> Window:
    """Parse a daily window ``"22:00-06:00"``; equal ends mean the whole day."""
    if isinstance(value, Window):
        return value
    match = _WINDOW.match(value) if isinstance(value, str) else None
    if not isinstance(value, str) or not match:
        raise UnitError(f"expected a daily window such as '22:00-06:00', got {value!r}")
    return Window(text=value.strip(), begin=parse_clock(match["a"]), end=parse_clock(match["b"]))


def _exact_decimal(value: Fraction, max_places: int | None = 9) -> str | None:
    """The exact decimal text of `value`, or None when it needs more than `max_places` places.

    With `max_places` None, any terminating decimal is written out in full.
    """
    if max_places is None:
        denominator = value.denominator
        twos = fives = 0
        while denominator % 2 == 0:
            denominator, twos = denominator // 2, twos + 1
        while denominator % 5 == 0:
            denominator, fives = denominator // 5, fives + 1
        if denominator != 1:
            return None
        max_places = max(twos, fives)
    for places in range(max_places + 1):
        scaled = value * 10**places
        if scaled.denominator == 1:
            text = str(abs(scaled.numerator)).rjust(places + 1, "0")
            whole, frac = (text[:-places], text[-places:]) if places else (text, "")
            sign = "-" if value < 0 else ""
            return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"
    return None


def _fallback(value: Fraction, unit: str) -> str:
    # Every value the parsers produce is a terminating decimal, so this text parses back exactly.
    text = _exact_decimal(value, None)
    return f"{text} {unit}" if text is not None else f"{value.numerator}/{value.denominator} {unit}"


def _format_exact(value: Fraction, units: list[tuple[str, Fraction]], fallback: str) -> str:
    # Largest unit in which the value is an exact short decimal: round-trips through the parser.
    for name, factor in units:
        if abs(value) >= factor:
            text = _exact_decimal(value / factor, 6)
            if text is not None:
                return f"{text} {name}"
    return _fallback(value, fallback)


_SIZE_LADDER = [(n, Fraction(SIZE_UNITS[n])) for n in ("PB", "TB", "GB", "MB", "kB")]
_RATE_LADDER = [
    ("Tbps", Fraction(10**12, 8)),
    ("Gbps", Fraction(10**9, 8)),
    ("TB/s", Fraction(10**12)),
    ("GB/s", Fraction(10**9)),
    ("Mbps", Fraction(10**6, 8)),
    ("MB/s", Fraction(10**6)),
    ("kbps", Fraction(10**3, 8)),
    ("kB/s", Fraction(10**3)),
]


def format_size(value: int) -> str:
    """Exact words for a size, e.g. 80_000_000_000_000 -> ``"80 TB"``; parse_size round-trips it."""
    return _format_exact(Fraction(value), _SIZE_LADDER, "B")


def format_rate(value: Fraction) -> str:
    """Exact words for a rate in bytes/s, e.g. 1_250_000_000 -> ``"10 Gbps"``."""
    return _format_exact(Fraction(value), _RATE_LADDER, "B/s")


def format_duration(value: Fraction) -> str:
    """Exact words for a duration in seconds, e.g. 108000 -> ``"1 day 6 h"``."""
    value = Fraction(value)
    if value == 0:
        return "0 s"
    sign, value = ("-", -value) if value < 0 else ("", value)
    parts = []
    for name, factor in (("days", 86400), ("h", 3600), ("min", 60)):
        count = int(value // factor)
        if count:
            parts.append(f"{count} {'day' if name == 'days' and count == 1 else name}")
            value -= count * factor
    if value:
        parts.append(_fallback(value, "s"))
    return sign + " ".join(parts)


def human_size(value: float) -> str:
    """A size rounded for display, e.g. ``"1.23 PB"``."""
    for name, factor in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(value) >= factor:
            return f"{value / factor:.3g} {name}"
    return f"{value:.0f} B"


def human_rate(value: float) -> str:
    """A rate in bytes/s rounded for display in bits, e.g. ``"10 Gbps"``."""
    bits = value * 8
    for name, factor in (("Tbps", 1e12), ("Gbps", 1e9), ("Mbps", 1e6), ("kbps", 1e3)):
        if abs(bits) >= factor:
            return f"{bits / factor:.3g} {name}"
    return f"{bits:.0f} bps"


def human_duration(hours: float) -> str:
    """Hours rounded for display, e.g. 56.2 -> ``"2 d 8.2 h"``."""
    hours = round(hours, 1)  # before the split: 95.99 h is "4 d 0.0 h", not "3 d 24.0 h"
    if hours < 48:
        return f"{hours:.1f} h"
    days = int(hours // 24)
    return f"{days} d {hours - 24 * days:.1f} h"


def clock_text(minutes: int) -> str:
    """Minutes after midnight as ``"HH:MM"``."""
    return time(minutes // 60, minutes % 60).strftime("%H:%M")
