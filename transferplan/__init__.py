"""transferplan: the provably optimal mix of online transfer and drive shipments.

import transferplan
plan = transferplan.load("plan.yaml")
result = transferplan.solve(plan)
print(result.makespan_hours, result.status)
"""

from .errors import PlanError, Problem, SolverError, TransferplanError
from .load import load, loads
from .result import Result
from .schema import Plan
from .solve import solve
from .verify import verify

__all__ = [
    "Plan",
    "Result",
    "load",
    "loads",
    "solve",
    "verify",
    "PlanError",
    "Problem",
    "SolverError",
    "TransferplanError",
]
__version__ = "0.1.0"
