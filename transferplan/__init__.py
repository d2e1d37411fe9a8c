"""transferplan: the provably optimal mix of online transfer and drive shipments.

import transferplan
plan = transferplan.load("plan.yaml")
result = transferplan.solve(plan)
print(result.makespan_hours, result.status)
"""

from .errors import PlanError, Problem, SolverError, TransferplanError
from .load import load, loads
from .schema import Plan

__all__ = ["Plan", "load", "loads", "PlanError", "Problem", "SolverError", "TransferplanError"]
__version__ = "0.1.0"
