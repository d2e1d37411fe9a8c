"""One exception hierarchy. Library code raises these; only the CLI turns them into exit statuses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan, located as precisely as the source allows."""

    field: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        place = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        prefix = f"{place}: " if place else ""
        field = f"{self.field}: " if self.field else ""
        return f"{prefix}{field}{self.message}"


class TransferplanError(Exception):
    """Base of every error transferplan raises on purpose."""

    exit_code = 1


class PlanError(TransferplanError):
    """The input is invalid: raised by loading, validation, overrides, or a grid too fine for the plan.

    Carries every problem found, not only the first.
    """

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SolverError(TransferplanError):
    """The solver backend failed in a way that is our fault, not the plan's (exit 1)."""

    exit_code = 1
