"""What-ifs: scenarios as copies of a plan, sweeps, side-by-side comparisons and the cost/time frontier.

Plans are immutable: a scenario is the base plan's raw data plus ``"path=value"`` overrides,
validated like a plan file (`scenarios.build`). Solves run without baselines, on the local cores
(a spawn process pool) or on any `concurrent.futures.Executor`, e.g. Dask's ``client.get_executor()``.

What is reused, and why:

- Identical scenarios are solved once. Each validated plan has a canonical key (its JSON dump with
  units normalised), so ``10 Gbps`` and ``1.25 GB/s``, or a value equal to the base plan's, collapse
  to one solve; the other rows copy its figures (marked ``reused``).
- One process pool per sweep or frontier, sized to the distinct scenarios: every worker imports the
  solver stack once (about a second, longer than a small solve) and then takes task after task.
- Only small data crosses process boundaries: the base plan as JSON-safe data and a few override
  strings go out, a summary row comes back (a frontier also brings back each point's Result). The
  worker rebuilds the Plan itself.
- The frontier solves its deadlines in parallel rounds, and a solve at deadline D that lands at
  makespan m answers every deadline in [m, D], so those are never solved again (`frontier` module).
- A batch with a single distinct scenario runs in this process: starting a pool would cost more.
"""

from .binding import binding_limit, binding_limits
from .frontier import FrontierPoint, NoPlanError, frontier
from .runner import Runner, ScenarioRow
from .scenarios import Scenario, parse_vary, plan_data, scenarios, split_values
from .sweep import SweepResult, compare, sweep

__all__ = [
    "FrontierPoint",
    "NoPlanError",
    "Runner",
    "Scenario",
    "ScenarioRow",
    "SweepResult",
    "binding_limit",
    "binding_limits",
    "compare",
    "frontier",
    "parse_vary",
    "plan_data",
    "scenarios",
    "split_values",
    "sweep",
]
