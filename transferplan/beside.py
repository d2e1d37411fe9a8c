"""One function run in a child process beside the caller: the second core's share of a solve.

A process, not a thread: the backend points stdout at a scratch file while HiGHS runs (backend.py),
and a thread's solve would swallow whatever the caller printed meanwhile; a process has its own
descriptors and no GIL to share.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def _context() -> Any:
    # fork starts at once (spawn imports OR-Tools again: 0.7 s), but is only safe in a process
    # with no other threads, and not on macOS
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run(send: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    def report(value: Any) -> None:
        send.send(("report", value))

    try:
        send.send(("done", function(report, *args)))
    except BaseException:  # the caller keeps what was reported; it must never hang on a failure
        send.send(("done", None))
    finally:
        send.close()


class Beside:
    """`function(report, *args)` running in a child process; `result` collects it by a deadline.

    `report(value)` hands the caller a provisional answer (a bound proven so far), the return value
    is the final one; a child stopped at the deadline still leaves its last report. `function` and
    its arguments must pickle (a module-level function, plain data). Where no child can be started
    (a daemonic worker of a process pool), it runs at once in the caller instead.
    """

    def __init__(self, function: Callable[..., Any], *args: Any):
        self._value: Any = None
        self._process: Any = None
        context = _context()
        receive, send = context.Pipe(duplex=False)
        try:
            process = context.Process(target=_run, args=(send, function, args), daemon=True)
            process.start()
        except AssertionError:  # "daemonic processes are not allowed to have children"
            receive.close()
            send.close()
            self._value = function(lambda _value: None, *args)
            return
        send.close()
        self._receive, self._process = receive, process

    def result(self, timeout: float | None) -> Any:
        """The function's return value; if it is not done within `timeout` seconds (the child is
        then stopped) or failed, its last report, else None."""
        if self._process is None:
            return self._value
        value = None
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while self._receive.poll(None if deadline is None else max(0.0, deadline - time.monotonic())):
                kind, message = self._receive.recv()
                value = message if message is not None else value
                if kind == "done":
                    break
        except (EOFError, OSError):  # the child died: what it reported stands
            pass
        finally:
            self._receive.close()
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
        return value
