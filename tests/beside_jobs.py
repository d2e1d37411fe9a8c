"""Jobs for the tests of transferplan.beside: a child process imports them by name, so they live in
a module both sides reach as `tests.beside_jobs` (pytest imports test modules under other names)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def square(report: Any, x: int) -> int:
    return x * x


def report_then_sleep(report: Any, path: Path) -> int:
    report(1)
    report(2)
    time.sleep(3.0)
    path.write_text("still running")
    return 3


def report_then_fail(report: Any) -> None:
    report(5)
    raise RuntimeError("the child fails")
