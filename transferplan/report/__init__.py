"""Reports of a solved plan: terminal tables, one self-contained HTML file, and a CSV schedule.

Reports read a `Result` and compute nothing it does not hold; formatting and cumulative sums of its
schedule are all they add.
"""

from .csv import write_csv
from .html import write_report
from .terminal import render

__all__ = ["render", "write_csv", "write_report"]
