"""The only code that runs a solver: a solver-neutral linear model in, neutral numbers out.

`LinearModel` holds columns (bounds, integrality, objective) and rows (COO triples) built by the
formulation; `solve_model` loads it into an OR-Tools backend from sparse arrays in one call, maps the
backend's status to ours and returns plain arrays. Swapping backends touches nothing else.
"""

from __future__ import annotations

import contextlib
import enum
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder as mb

from .errors import SolverError

INF = math.inf

BACKENDS = {"auto": "", "highs": "highs", "scip": "scip", "glop": "glop", "pdlp": "pdlp"}
"""Our backend names -> solver names: HiGHS runs through highspy (`_solve_highs`), the others
through OR-Tools' model_builder (all bundled in the ortools wheel).

`auto` (the default) is HiGHS, by measurement: SCIP solved some medium-benchmark checks faster
(6.8 s where HiGHS had no answer in 30 s), but only with its presolve, which returned "optimal"
solutions that break the model's equality rows; without presolve it is no faster than HiGHS."""

# Solver options for model_builder backends: exact optima (no default 0.01 % gap), one thread per
# solve (sweeps run scenarios in parallel).
_SPECIFIC = {
    # SCIP's presolve returned "optimal" solutions breaking equality rows on a 98-column drive-flow
    # model (OR-Tools 9.15, SCIP 10); without presolve it is right.
    "scip": "limits/gap = 0\nparallel/maxnthreads = 1\npresolving/maxrounds = 0",
}


# The same for HiGHS, and no banner on stdout, which must stay clean for `--format json`.
_HIGHS_OPTIONS: dict[str, bool | int | float | str] = {
    "output_flag": False,
    "mip_rel_gap": 1e-9,
    "mip_abs_gap": 1e-9,
    "threads": 1,
    "mip_feasibility_tolerance": 1e-7,
    "mip_heuristic_effort": 0.5,  # measured: medium benchmark check 32 s -> 22 s
}


IPM_ABOVE = 20_000
"""Linear programs with more columns than this use HiGHS's interior point method: on the large
benchmark's bound LP (50k columns) it took 9 s where dual simplex took 86 s."""


class Status(enum.Enum):
    """What a backend run established, in our words (mapped in exactly one place: `_STATUS`)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a solution, not proven best within the time limit
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"  # time ran out with no solution and no proof


_STATUS = {
    mb.SolveStatus.OPTIMAL: Status.OPTIMAL,
    mb.SolveStatus.FEASIBLE: Status.FEASIBLE,
    mb.SolveStatus.INFEASIBLE: Status.INFEASIBLE,
}


@dataclass
class LinearModel:
    """A mixed-integer linear program under construction, independent of any solver."""

    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    obj: list[float] = field(default_factory=list)
    row_lb: list[float] = field(default_factory=list)
    row_ub: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    maximize: bool = False

    def var(self, lb: float = 0.0, ub: float = INF, integer: bool = False) -> int:
        """Add a column; returns its index."""
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(integer)
        self.obj.append(0.0)
        return len(self.lb) - 1

    def row(self, terms: Iterable[tuple[int, float]], lb: float = -INF, ub: float = INF) -> int:
        """Add lb <= sum(coef * x[col]) <= ub; returns its index."""
        index = len(self.row_lb)
        for col, coef in terms:
            if coef:
                self.rows.append(index)
                self.cols.append(col)
                self.vals.append(coef)
        self.row_lb.append(lb)
        self.row_ub.append(ub)
        return index

    def set_objective(self, terms: Iterable[tuple[int, float]], maximize: bool = False) -> None:
        """Replace the objective."""
        self.obj = [0.0] * len(self.lb)
        for col, coef in terms:
            self.obj[col] += coef
        self.maximize = maximize

    def copy(self) -> LinearModel:
        """An independent copy, to add rows or change bounds without touching this model."""
        return LinearModel(
            lb=self.lb[:],
            ub=self.ub[:],
            integer=self.integer[:],
            obj=self.obj[:],
            row_lb=self.row_lb[:],
            row_ub=self.row_ub[:],
            rows=self.rows[:],
            cols=self.cols[:],
            vals=self.vals[:],
            maximize=self.maximize,
        )

    def matrix(self) -> sp.csr_matrix:
        """The constraint matrix (rows x columns)."""
        return sp.csr_matrix(
            (np.asarray(self.vals, dtype=float), (np.asarray(self.rows), np.asarray(self.cols))),
            shape=(len(self.row_lb), len(self.lb)),
        )

    @property
    def size(self) -> tuple[int, int, int]:
        """(variables, integer variables, constraints)."""
        return len(self.lb), sum(self.integer), len(self.row_lb)


@dataclass(frozen=True)
class Solution:
    """What a backend returned: our status, the column values, the objective and its proven bound."""

    status: Status
    values: np.ndarray
    objective: float | None
    bound: float | None
    seconds: float

    @property
    def found(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)


def solver_name(backend: str) -> str:
    """The solver a backend name stands for ("auto" is HiGHS), as results report it."""
    name = BACKENDS.get(backend)
    if name is None:
        raise SolverError(f"unknown backend '{backend}'; choose one of {', '.join(BACKENDS)}")
    return name or "highs"


def solve_model(
    model: LinearModel,
    backend: str = "highs",
    time_limit: float | None = None,
    relax: bool = False,
    start: dict[int, float] | None = None,
    stop_below: float | None = None,
    proof: bool = False,
    stop_at: float | None = None,
) -> Solution:
    """Solve `model` (its LP relaxation when `relax`) with one of BACKENDS.

    `start` (HiGHS only) is a MIP start: values for some columns that the solver completes.
    `stop_below` (HiGHS only, a maximisation MIP): stop as soon as the bound proves the optimum
    is below this; the Solution's `bound` then says so.
    `proof` (HiGHS only): the caller expects the model to be infeasible (a bound's check), or
    nothing much better than `start`, so no effort goes to primal heuristics.
    `stop_at` (HiGHS only, a minimisation MIP): stop as soon as a solution this good is found; the
    caller knows that none can be better.
    """
    name = solver_name(backend)
    if name == "highs":
        return _solve_highs(model, time_limit, relax, start, stop_below, proof, stop_at)
    matrix = model.matrix()
    built = _load(model, matrix, relax)
    solver = mb.Solver(name)
    if not solver.solver_is_supported():
        raise SolverError(f"the backend '{backend}' is not in this OR-Tools build")
    if time_limit is not None:
        solver.set_time_limit_in_seconds(max(0.05, time_limit))
    if name in _SPECIFIC:
        solver.set_solver_specific_parameters(_SPECIFIC[name])
    raw = solver.solve(built)
    status = _STATUS.get(raw, Status.UNKNOWN)
    if raw == mb.SolveStatus.UNBOUNDED:
        raise SolverError("the model is unbounded: this is a bug in the formulation")
    values = np.asarray(solver.values(built.get_variables())) if status in (Status.OPTIMAL, Status.FEASIBLE) else None
    if values is not None and not _satisfies(model, matrix, values, relax):
        status, values = Status.UNKNOWN, None  # a backend's answer that breaks the model is no answer
    bound = _bound(solver, status, relax or not any(model.integer))
    return Solution(
        status=status,
        values=values if values is not None else np.zeros(0),
        objective=solver.objective_value if values is not None else None,
        bound=bound,
        seconds=solver.wall_time,
    )


def _solve_highs(
    model: LinearModel,
    time_limit: float | None,
    relax: bool,
    start: dict[int, float] | None,
    stop_below: float | None = None,
    proof: bool = False,
    stop_at: float | None = None,
) -> Solution:
    """HiGHS through highspy, not model_builder: model_builder reports a MIP stopped by its time limit
    as "unknown" and drops the incumbent HiGHS found (measured on the medium benchmark: HiGHS held a
    plan, model_builder returned none), and it takes no MIP start."""
    import highspy  # pinned to the HiGHS inside the ortools wheel (setup.cfg): mismatched builds clash

    h = highspy.Highs()
    for option, value in _HIGHS_OPTIONS.items():
        h.setOptionValue(option, value)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(max(0.05, time_limit)))
    if proof:
        # measured on the medium benchmark's drive pool: proven infeasible by 298 h in 7.3 s, not
        # 10.4 s; by 304 h in 37 s, not 56 s; by 308 h in 77 s, where it was unsettled in 100 s
        h.setOptionValue("mip_heuristic_effort", 0.0)
    n, m = len(model.lb), len(model.row_lb)
    matrix = model.matrix()
    columns = matrix.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.asarray(model.obj, dtype=float)
    lp.col_lower_ = np.asarray(model.lb, dtype=float)
    lp.col_upper_ = np.asarray(model.ub, dtype=float)
    lp.row_lower_ = np.asarray(model.row_lb, dtype=float)
    lp.row_upper_ = np.asarray(model.row_ub, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_ = columns.indptr.astype(np.int32)
    lp.a_matrix_.index_ = columns.indices.astype(np.int32)
    lp.a_matrix_.value_ = columns.data
    lp.sense_ = highspy.ObjSense.kMaximize if model.maximize else highspy.ObjSense.kMinimize
    integer = not relax and any(model.integer)
    if integer:
        kinds = highspy.HighsVarType
        lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in model.integer]
    h.passModel(lp)
    if not integer and n > IPM_ABOVE:
        h.setOptionValue("solver", "ipm")
        # crossover to a vertex ignores the time limit (24 s past a 2 s limit on the large
        # benchmark) and adds nothing to an objective value or a bound
        h.setOptionValue("run_crossover", "off")
    start = start if integer else None
    if integer and stop_below is not None and model.maximize:
        # a feasibility check asks "can the objective reach stop_below?": once the bound says no,
        # closing the gap further proves nothing more (medium benchmark: the drive-pool check by
        # 284 h was proven in a few seconds, then ran on to its 15 s limit)
        def proven_short(event: Any) -> None:
            if event.data_out.mip_dual_bound < stop_below:
                event.interrupt()

        h.cbMipInterrupt += proven_short
    if integer and stop_at is not None and not model.maximize:

        def good_enough(event: Any) -> None:
            if event.data_out.mip_primal_bound <= stop_at:
                event.interrupt()

        h.cbMipInterrupt += good_enough
    if start:
        index = np.fromiter(start, dtype=np.int32, count=len(start))
        given = np.fromiter(start.values(), dtype=float, count=len(start))
        h.setSolution(len(start), index, given)
    began = time.monotonic()
    if time_limit is not None and not integer and n > IPM_ABOVE:
        # HiGHS hands interior point only what presolve left of the limit, and none left means no
        # limit at all (medium cost plan's LP: 8 s past a 0.05 s limit): keep the clock ourselves
        limit = time_limit

        def overdue(event: Any) -> None:
            if time.monotonic() - began > limit:
                event.interrupt()

        h.cbIpmInterrupt += overdue
    with _stdout_to_stderr() as printed:
        h.run()
    raw = h.getModelStatus()
    statuses = highspy.HighsModelStatus
    # HiGHS 1.12 prints this when a solution found on the presolved model fails to map back; it
    # then drops the solution and can end "infeasible" or "optimal" wrongly (a two-drive plan
    # with a known 25.8 h solution was called infeasible). Without presolve it is right.
    mangled = integer and "transformNewIntegerFeasibleSolution" in printed.text
    again = None
    if integer and (mangled or raw == statuses.kUnboundedOrInfeasible):
        if start:
            h.setSolution(len(start), index, given)
        again = _run_again(h, "presolve", "off", time_limit, began)
    # An interior point run that ended imprecise ("unknown") has no bound to give, so a check
    # short of `stop_below` would prove nothing (large benchmark: LP bound checks by 520-548 h
    # ended so, and the bound stayed at 416 h): crossover after all, about a second there.
    short = stop_below is None or h.getInfo().objective_function_value < stop_below
    if not integer and n > IPM_ABOVE and raw == statuses.kUnknown and short:
        again = _run_again(h, "run_crossover", "on", time_limit, began)
    raw = raw if again is None else again
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if raw == statuses.kOptimal:
        status = Status.OPTIMAL
    elif raw == statuses.kInfeasible:
        status = Status.INFEASIBLE
    elif raw == statuses.kUnbounded:
        raise SolverError("the model is unbounded: this is a bug in the formulation")
    else:
        status = Status.FEASIBLE if has_solution else Status.UNKNOWN
    values = np.asarray(h.getSolution().col_value) if status in (Status.OPTIMAL, Status.FEASIBLE) else None
    if values is not None and not _satisfies(model, matrix, values, relax):
        status, values = Status.UNKNOWN, None
    objective = float(info.objective_function_value) if values is not None else None
    if status is Status.OPTIMAL:
        bound: float | None = objective
    elif integer and math.isfinite(info.mip_dual_bound):
        bound = float(info.mip_dual_bound)
    else:
        bound = None
    return Solution(
        status=status,
        values=values if values is not None else np.zeros(0),
        objective=objective,
        bound=bound,
        seconds=time.monotonic() - began,
    )


def _run_again(h: Any, option: str, value: str, time_limit: float | None, began: float) -> Any:
    """Run HiGHS once more with `option` set to `value`, within what is left of `time_limit` since
    `began` (the whole solve keeps to the limit: a retry given it afresh took 2x). The new model
    status, or None when no time is left for it."""
    left = None if time_limit is None else time_limit - (time.monotonic() - began)
    if left is not None and left <= 0.05:
        return None
    h.setOptionValue(option, value)
    if left is not None:
        h.setOptionValue("time_limit", float(left))
    with _stdout_to_stderr():
        h.run()
    return h.getModelStatus()


class _Printed:
    text = ""


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[_Printed]:
    """Keep what the C library prints (HiGHS debug lines, even with output off) off stdout, which
    `--format json` owns; the text goes to the caller, which reads it for HiGHS's trouble."""
    printed = _Printed()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real stdout (captured, or a notebook)
        fd = 1
    sys.stdout.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), fd)
        try:
            yield printed
        finally:
            os.dup2(saved, fd)
            os.close(saved)
            sink.seek(0)
            printed.text = sink.read().decode(errors="replace")


def _satisfies(
    model: LinearModel, matrix: sp.csr_matrix, values: np.ndarray, relax: bool, tolerance: float = 1e-5
) -> bool:
    """Does a solution keep every row and bound (and integrality) of the model, within tolerance?"""
    activity = matrix @ values
    scale = 1.0 + np.abs(activity)
    if np.any(activity < np.asarray(model.row_lb) - tolerance * scale):
        return False
    if np.any(activity > np.asarray(model.row_ub) + tolerance * scale):
        return False
    if np.any(values < np.asarray(model.lb) - tolerance) or np.any(values > np.asarray(model.ub) + tolerance):
        return False
    integer = np.asarray(model.integer, dtype=bool)
    return relax or not integer.any() or bool(np.all(np.abs(values[integer] - np.round(values[integer])) < 1e-4))


def _bound(solver: mb.Solver, status: Status, is_lp: bool) -> float | None:
    # Solved to optimality (gap 0): the objective is the bound. SCIP can report a stale dual bound.
    if status is Status.OPTIMAL:
        return float(solver.objective_value)
    try:
        bound = float(solver.best_objective_bound)
    except Exception:  # some backends have no bound to report
        return None
    return bound if math.isfinite(bound) else None


def _load(model: LinearModel, matrix: sp.csr_matrix, relax: bool) -> mb.Model:
    built = mb.Model()
    helper: Any = built.helper  # the wheel's stubs mistype numpy arrays
    helper.fill_model_from_sparse_data(
        np.asarray(model.lb, dtype=float),
        np.asarray(model.ub, dtype=float),
        np.asarray(model.obj, dtype=float),
        np.asarray(model.row_lb, dtype=float),
        np.asarray(model.row_ub, dtype=float),
        matrix,
    )
    if not relax:
        for col in np.flatnonzero(np.asarray(model.integer)):
            built.helper.set_var_integrality(int(col), True)
    built.helper.set_maximize(model.maximize)
    return built
