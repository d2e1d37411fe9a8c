"""Unit words: hand examples from the spec, and property tests for every parser and formatter."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transferplan import units
from transferplan.units import UnitError

# ---------------------------------------------------------------- hand examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80 TB", 80 * 10**12),
        ("1.5 PB", 15 * 10**14),
        ("512 GiB", 512 * 2**30),
        ("1 KiB", 1024),
        ("1 kB", 1000),
        ("1,000 B", 1000),
        ("2TB", 2 * 10**12),
        ("  3 MB ", 3 * 10**6),
        (".5 GB", 5 * 10**8),
        ("1 PiB", 2**50),
    ],
)
def test_parse_size(text: str, expected: int) -> None:
    assert units.parse_size(text) == expected


def test_decimal_and_binary_sizes_differ() -> None:
    assert units.parse_size("1 TiB") == 1_099_511_627_776
    assert units.parse_size("1 TB") == 1_000_000_000_000
    assert units.parse_size("1 MiB") != units.parse_size("1 MB")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (320, "expected a size such as '80 TB', '1.5 PB' or '512 GiB', got the bare value 320"),
        ("10 GB/s", "'10 GB/s' is a rate, but a size belongs here"),
        ("10 Gbps", "'10 Gbps' is a rate, but a size belongs here"),
        ("500 Mb", "'Mb' is bits, but a size is in bytes: did you mean 'MB'?"),
        ("10 Tb", "did you mean 'TB'?"),
        ("10 parsecs", "unknown size unit 'parsecs'"),
        ("0.5 B", "is not a whole number of bytes"),
        (True, "got the bare value True"),
        ("TB", "expected a size"),
    ],
)
def test_parse_size_errors(text: object, message: str) -> None:
    with pytest.raises(UnitError, match=None) as caught:
        units.parse_size(text)
    assert message in str(caught.value)


def test_negative_size_parses_as_negative_for_the_range_check() -> None:
    assert units.parse_size("-10 TB") == -10 * 10**12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 Gbps", Fraction(1_250_000_000)),
        ("10 Gbit/s", Fraction(1_250_000_000)),
        ("10 Gb/s", Fraction(1_250_000_000)),
        ("1.25 GB/s", Fraction(1_250_000_000)),
        ("270 MB/s", Fraction(270_000_000)),
        ("100 MiB/s", Fraction(100 * 2**20)),
        ("8 Mbps", Fraction(1_000_000)),
        ("1 bps", Fraction(1, 8)),
        ("1 Tbps", Fraction(125_000_000_000)),
    ],
)
def test_parse_rate(text: str, expected: Fraction) -> None:
    assert units.parse_rate(text) == expected


def test_bits_and_bytes() -> None:
    assert units.parse_rate("10 Gbps") == units.parse_rate("1.25 GB/s")
    assert units.parse_rate("8 Mb/s") == units.parse_rate("1 MB/s")
    assert units.parse_rate("1 Mbps") != units.parse_rate("1 MB/s")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10 GB", "'10 GB' is a size, but a rate belongs here"),
        (10, "got the bare value 10"),
        ("10 furlongs/s", "unknown rate unit"),
    ],
)
def test_parse_rate_errors(text: object, message: str) -> None:
    with pytest.raises(UnitError) as caught:
        units.parse_rate(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("9 h", 9 * 3600),
        ("1 day 6 h", 30 * 3600),
        ("1 day", 86400),
        ("3 days", 3 * 86400),
        ("2 weeks", 14 * 86400),
        ("90 min", 5400),
        ("45 s", 45),
        ("1.5 h", 5400),
        ("1 week 2 days 3 h 4 min 5 s", 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
        ("PT36H", 36 * 3600),
        ("P1DT12H", 36 * 3600),
        ("P2W", 14 * 86400),
        ("PT1.5H", 5400),
        ("PT90M", 5400),
        ("PT0.5S", Fraction(1, 2)),
        ("-9 h", -9 * 3600),
    ],
)
def test_parse_duration(text: str, seconds: int | Fraction) -> None:
    assert units.parse_duration(text) == seconds


@pytest.mark.parametrize("text", [9, 9.5, "9", "P", "PT", "P1M", "9 parsecs", "--9 h", "", "h 9", True])
def test_parse_duration_errors(text: object) -> None:
    with pytest.raises(UnitError) as caught:
        units.parse_duration(text)
    assert "expected a duration such as '9 h'" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (1200, "USD", Decimal(1200)),
        (0.02, "USD", Decimal("0.02")),
        ("$1,200", "USD", Decimal(1200)),
        ("$1,200.50", "USD", Decimal("1200.50")),
        ("1,200", "EUR", Decimal(1200)),
        ("-$5", "USD", Decimal(-5)),
        (Decimal("3.10"), "USD", Decimal("3.10")),
    ],
)
def test_parse_money(value: object, currency: str, expected: Decimal) -> None:
    assert units.parse_money(value, currency) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("$1,200", "'$1,200' is in dollars, but the plan's currency is EUR"),
        ("1200 EUR", "expected an amount of money"),
        (True, "expected an amount of money"),
        ([1], "expected an amount of money"),
    ],
)
def test_parse_money_errors(value: object, message: str) -> None:
    with pytest.raises(UnitError) as caught:
        units.parse_money(value, "EUR")
    assert message in str(caught.value)


def test_parse_clock_and_clock_text() -> None:
    assert units.parse_clock("08:00") == 480
    assert units.parse_clock("8:05") == 485
    assert units.parse_clock("23:59") == 1439
    assert units.clock_text(485) == "08:05"
    for bad in ("24:00", "08:60", "8", "08:00:00"):
        with pytest.raises(UnitError):
            units.parse_clock(bad)


def test_parse_window() -> None:
    window = units.parse_window(" 22:00 - 06:00 ")
    assert (window.begin, window.end, str(window)) == (1320, 360, "22:00 - 06:00")
    for bad in ("22:00", "22:00-6pm", "22:00-24:30", 2200, None):
        with pytest.raises(UnitError):
            units.parse_window(bad)


H = 3600
DAY = 86400
PLUS8 = timezone(timedelta(hours=8))


def test_window_wrapping_midnight() -> None:
    window = units.parse_window("22:00-06:00")
    start = datetime(2026, 12, 1, tzinfo=PLUS8)
    assert window.intervals(start, Fraction(2 * DAY)) == [
        (Fraction(0), Fraction(6 * H)),
        (Fraction(22 * H), Fraction(30 * H)),
        (Fraction(46 * H), Fraction(2 * DAY)),
    ]


def test_window_open_at_start_after_midnight() -> None:
    # Start at 01:00 inside last night's 22:00-06:00 window: the link is usable from t = 0.
    window = units.parse_window("22:00-06:00")
    start = datetime(2026, 12, 1, 1, 0, tzinfo=PLUS8)
    assert window.intervals(start, Fraction(DAY)) == [(Fraction(0), Fraction(5 * H)), (Fraction(21 * H), Fraction(DAY))]


def test_window_in_the_time_zone_of_start() -> None:
    window = units.parse_window("09:00-17:00")
    start = datetime(2026, 12, 1, 12, 0, tzinfo=PLUS8)  # noon local: the window is open
    assert window.intervals(start, Fraction(DAY)) == [(Fraction(0), Fraction(5 * H)), (Fraction(21 * H), Fraction(DAY))]


def test_window_without_start_is_utc_midnight() -> None:
    window = units.parse_window("22:00-06:00")
    assert window.intervals(None, Fraction(DAY)) == [(Fraction(0), Fraction(6 * H)), (Fraction(22 * H), Fraction(DAY))]


def test_window_equal_ends_is_the_whole_day() -> None:
    window = units.parse_window("00:00-00:00")
    assert window.intervals(None, Fraction(2 * DAY)) == [
        (Fraction(0), Fraction(DAY)),
        (Fraction(DAY), Fraction(2 * DAY)),
    ]


def test_parse_time_forms() -> None:
    start = datetime(2026, 12, 1, 7, 30, tzinfo=PLUS8)
    assert units.parse_time("36 h").seconds_after(start) == 36 * H
    assert units.parse_time("PT36H").seconds_after(start) == 36 * H
    # A clock time is its first occurrence at or after start, in start's time zone.
    assert units.parse_time("08:00").seconds_after(start) == 30 * 60
    assert units.parse_time("07:30").seconds_after(start) == 0
    assert units.parse_time("07:00").seconds_after(start) == DAY - 30 * 60
    assert units.parse_time("08:00").seconds_after(None) == 8 * H
    absolute = units.parse_time("2026-12-02T00:00Z")
    assert absolute.absolute is not None
    assert absolute.seconds_after(start) == (24 + 8 - 7.5) * H


def test_parse_time_errors() -> None:
    with pytest.raises(UnitError, match="needs a time zone"):
        units.parse_time("2026-12-02T00:00")
    with pytest.raises(UnitError, match="expected a time"):
        units.parse_time("soon")
    with pytest.raises(UnitError, match="expected a time"):
        units.parse_time(36)
    with pytest.raises(UnitError, match="needs the plan's `start`"):
        units.parse_time("2026-12-02T00:00Z").seconds_after(None)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (80 * 10**12, "80 TB"),
        (15 * 10**14, "1.5 PB"),
        (1, "1 B"),
        (0, "0 B"),
        (1024, "1.024 kB"),
    ],
)
def test_format_size(value: int, text: str) -> None:
    assert units.format_size(value) == text


def test_format_rate_and_duration() -> None:
    assert units.format_rate(Fraction(1_250_000_000)) == "10 Gbps"
    assert units.format_rate(Fraction(1, 8)) == "0.125 B/s"
    assert units.format_duration(Fraction(108000)) == "1 day 6 h"
    assert units.format_duration(Fraction(2 * DAY + 90)) == "2 days 1 min 30 s"
    assert units.format_duration(Fraction(0)) == "0 s"
    assert units.format_duration(Fraction(-3600)) == "-1 h"
    assert units.format_duration(Fraction(1, 1024)) == "0.0009765625 s"


def test_human_formats() -> None:
    assert units.human_size(1.05e15) == "1.05 PB"
    assert units.human_size(12) == "12 B"
    assert units.human_rate(1.25e9) == "10 Gbps"
    assert units.human_rate(1) == "8 bps"
    assert units.human_duration(56.2) == "2 d 8.2 h"
    assert units.human_duration(12.25) == "12.2 h"
    # rounded before it is split into days: 95.99 h is 4 d 0.0 h, not 3 d 24.0 h
    assert units.human_duration(95.99) == "4 d 0.0 h"
    assert units.human_duration(47.99) == "2 d 0.0 h"


# ---------------------------------------------------------------- properties

SIZE_NAMES = list(units.SIZE_UNITS)
RATE_NAMES = list(units.RATE_UNITS)
decimals = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False)


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_size_round_trip(value: int) -> None:
    assert units.parse_size(units.format_size(value)) == value


@given(decimals, st.sampled_from(RATE_NAMES))
def test_rate_round_trip(number: Decimal, unit: str) -> None:
    rate = units.parse_rate(f"{number} {unit}")
    assert rate == Fraction(number) * units.RATE_UNITS[unit]
    assert units.parse_rate(units.format_rate(rate)) == rate


@given(st.fractions(min_value=0, max_value=10**12, max_denominator=10**9))
def test_rate_round_trip_any_terminating_fraction(value: Fraction) -> None:
    # Keep only values a parser can produce: terminating decimals (denominator 2^a 5^b).
    exact = Fraction(round(value * 2**10 * 5**6), 2**10 * 5**6)
    assert units.parse_rate(units.format_rate(exact)) == exact


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "0.5", "0.25", "0.001"]))
def test_duration_round_trip(whole: int, frac: str) -> None:
    seconds = Fraction(whole) + (Fraction(frac) if frac else 0)
    text = units.format_duration(seconds)
    assert units.parse_duration(text) == seconds
    assert units.parse_duration(units.format_duration(-seconds)) == -seconds


@given(decimals, st.sampled_from(SIZE_NAMES))
def test_size_words(number: Decimal, unit: str) -> None:
    exact = Fraction(number) * units.SIZE_UNITS[unit]
    if exact.denominator == 1:
        assert units.parse_size(f"{number} {unit}") == exact
        assert units.parse_size(f"{number}{unit}") == exact
    else:
        with pytest.raises(UnitError, match="whole number of bytes"):
            units.parse_size(f"{number} {unit}")


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["k", "M", "G", "T"]))
def test_bits_are_an_eighth_of_bytes(number: int, prefix: str) -> None:
    bits = units.parse_rate(f"{number} {prefix}bps")
    assert bits == units.parse_rate(f"{number} {prefix}bit/s")
    assert bits * 8 == units.parse_rate(f"{number} {prefix if prefix != 'k' else 'k'}B/s")


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(["K", "M", "G", "T", "P"]))
def test_binary_exceeds_decimal(number: int, prefix: str) -> None:
    binary = units.parse_size(f"{number} {prefix}iB")
    decimal = units.parse_size(f"{number} {'k' if prefix == 'K' else prefix}B")
    assert binary > decimal


@given(
    st.integers(min_value=0, max_value=52),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=59),
)
def test_duration_words_and_iso_agree(weeks: int, days: int, hours: int, minutes: int, seconds: int) -> None:
    total = weeks * 604800 + days * DAY + hours * H + minutes * 60 + seconds
    words = f"{weeks} weeks {days} days {hours} h {minutes} min {seconds} s"
    iso = f"P{weeks}W{days}DT{hours}H{minutes}M{seconds}S"
    assert units.parse_duration(words) == units.parse_duration(iso) == total


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_money_dollar_strings(dollars: int, cents: int) -> None:
    text = f"${dollars:,}.{cents:02d}"
    assert units.parse_money(text) == Decimal(f"{dollars}.{cents:02d}")
    assert units.parse_money(f"{dollars:,}.{cents:02d}", "EUR") == Decimal(f"{dollars}.{cents:02d}")


@given(
    st.integers(min_value=0, max_value=1439),
    st.integers(min_value=0, max_value=1439),
    st.integers(min_value=-12, max_value=14),
)
def test_clock_is_first_occurrence_at_or_after_start(clock: int, start_minute: int, zone_hours: int) -> None:
    zone = timezone(timedelta(hours=zone_hours))
    start = datetime(2026, 12, 1, start_minute // 60, start_minute % 60, tzinfo=zone)
    seconds = units.parse_time(units.clock_text(clock)).seconds_after(start)
    assert 0 <= seconds < DAY
    moment = start + timedelta(seconds=float(seconds))
    assert (moment.hour, moment.minute) == (clock // 60, clock % 60)


@given(
    st.integers(min_value=0, max_value=1439),
    st.integers(min_value=0, max_value=1439),
    st.integers(min_value=0, max_value=1439),
    st.integers(min_value=1, max_value=5 * 1440),
)
def test_window_intervals_are_the_clock_span(begin: int, end: int, start_minute: int, horizon_minutes: int) -> None:
    window = units.parse_window(f"{units.clock_text(begin)}-{units.clock_text(end)}")
    start = datetime(2026, 12, 1, start_minute // 60, start_minute % 60, tzinfo=PLUS8)
    horizon = Fraction(horizon_minutes * 60)
    intervals = window.intervals(start, horizon)
    length = ((end - begin) % 1440 or 1440) * 60
    for a, b in intervals:
        assert 0 <= a < b <= horizon
        assert b - a <= length
    for (_, b1), (a2, _) in zip(intervals, intervals[1:], strict=False):
        assert b1 <= a2
    # Every whole minute is inside an interval exactly when its local clock time is inside the window.
    for minute in range(0, horizon_minutes, 37):
        local = (start_minute + minute) % 1440
        inside = (local - begin) % 1440 < length // 60
        covered = any(a <= minute * 60 < b for a, b in intervals)
        assert covered == inside, (minute, local)
