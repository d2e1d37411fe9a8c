"""One function run in a child process beside the caller: the second core's share of a solve.

A process, not a thread: the backend points stdout at a scratch file while HiGHS runs (backend.py),
and a thread's solve would swallow whatever the caller printed meanwhile; a process has its own
descriptors and no GIL to share. A fresh interpreter (`python -c`, calling `_child`), not
multiprocessing: its spawn re-runs the caller's script in the child when that script has no
`if __name__ == "__main__"` guard (seen: the bound lost, and the script's top level run twice), and
its fork is unsafe where the caller has threads (the CLI's progress spinner is one).

The job goes to the child as a length-prefixed pickle on its stdin, which then stays open: the
child ends when it closes (the caller stopped it, or died). Answers come back the same way on a
copy of the child's stdout; what the child itself prints goes to stderr, which is discarded.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO, Any

_SIZE = struct.Struct("!Q")


def _write(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message)
    stream.write(_SIZE.pack(len(data)) + data)
    stream.flush()


def _read(stream: IO[bytes]) -> Any:
    """The next message, or raise EOFError when the stream ended."""
    head = stream.read(_SIZE.size)
    if len(head) < _SIZE.size:
        raise EOFError
    (size,) = _SIZE.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class Beside:
    """`function(report, *args)` running in a child process; `result` collects it by a deadline.

    `report(value)` hands the caller a provisional answer (a bound proven so far), the return value
    is the final one; a child stopped at the deadline still leaves its last report. `function` must
    be importable by name and its arguments must pickle. Where no child can be started, it runs at
    once in the caller instead.
    """

    def __init__(self, function: Callable[..., Any], *args: Any):
        self._value: Any = None
        self._done = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", "from transferplan.beside import _child; _child()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert process.stdin is not None
            _write(process.stdin, (function, args))
        except OSError:  # no interpreter to start (an embedded Python): do it here
            self._value = function(lambda _value: None, *args)
            self._done.set()
            return
        self._process = process
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        try:
            while True:
                kind, value = _read(self._process.stdout)
                if value is not None:
                    self._value = value
                if kind == "done":
                    break
        except (EOFError, OSError, pickle.UnpicklingError):  # the child ended: what it reported stands
            pass
        finally:
            self._done.set()

    def latest(self) -> Any:
        """What the function has reported or returned so far (None: nothing yet); it runs on."""
        return self._value

    def result(self, timeout: float | None) -> Any:
        """The function's return value; if it is not done within `timeout` seconds (the child is
        then stopped) or failed, its last report, else None."""
        self._done.wait(timeout)
        process = self._process
        if process is not None:
            self._process = None
            assert process.stdin is not None
            with contextlib.suppress(OSError):
                process.stdin.close()  # the child's signal to end
            try:
                process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            self._done.wait(1.0)  # what the child sent before it ended
        return self._value


def _child() -> None:
    """The child's side: read the job, watch stdin for the end, report on a copy of stdout."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the job prints must not mix with the answers
    function, args = _read(sys.stdin.buffer)

    def watch() -> None:
        sys.stdin.buffer.read()  # returns when the caller closes stdin, or dies
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()

    def report(value: Any) -> None:
        _write(answers, ("report", value))

    try:
        _write(answers, ("done", function(report, *args)))
    except BaseException:  # the caller keeps what was reported
        _write(answers, ("done", None))
    answers.close()
    os._exit(0)  # at once: the watcher still holds stdin, which a normal exit would wait for
