# deadline.py: max_seconds bounds a whole command (reading, rules, outputs), with a watchdog.
"""The command's time budget: ``[limits] max_seconds`` (limits.py) from its start to its end.

A command runs inside ``running(command, file, seconds)``; its work names the phase it is in
(``phase("checking rules")``), and each phase change and each ``check()`` (the reader's
``Budget.tick`` calls it as it goes) stops the command once the time is spent, with one line
that names the phase: "plan.xlsx: check stopped after 30 s while checking rules (limit
max_seconds)".

Work that never comes back to Python (a native library stuck on one call) cannot be
interrupted from inside. For that a watchdog thread waits until max_seconds + 0.5 s; if the
command is still running it removes the outputs' temporary files (atomic.py), prints the same
line and ends the process with exit code 2. Only the command line's own process (cli.main) arms
the watchdog (``watchdog=True``): a library call, a test's CliRunner or a server worker must not
be ended under its host's feet.
"""
from __future__ import annotations

import contextlib
import os
import threading
import time

from .errors import PromoWorkbookError

__all__ = ["DeadlineError", "check", "phase", "running"]

GRACE = 0.5  # seconds past max_seconds before the watchdog ends the process


# Public API.

class DeadlineError(PromoWorkbookError):
    """The command ran past max_seconds."""


@contextlib.contextmanager
def running(command: str, file, seconds: float, *, watchdog: bool = False):
    """Run the block under a ``seconds`` budget (the process's current deadline)."""
    previous = _local.current
    deadline = _Deadline(command, file, seconds)
    _local.current = deadline
    timer = None
    if watchdog:
        timer = threading.Timer(seconds + GRACE, _expire, args=(deadline,))
        timer.daemon = True
        timer.start()
    try:
        yield deadline
    finally:
        deadline.done = True
        if timer is not None:
            timer.cancel()
            timer.join(1.0)  # a cancelled timer's thread ends at once: gone before the command exits
        _local.current = previous


def phase(name: str) -> None:
    """The running command is now ``name`` ("checking rules"); stop if its time is spent."""
    current = _local.current
    if current is not None:
        current.phase = name
        current.check()


def check() -> None:
    """Stop the running command if its time is spent (a no-op outside ``running``)."""
    current = _local.current
    if current is not None:
        current.check()


# Private API.

class _Local(threading.local):
    # Each thread's own command: plans checked at once on a thread pool (check_many with any
    # executor, the web server) each keep their own budget, and one ending never leaves
    # another's deadline behind as the "current" one.
    current = None


_local = _Local()


class _Deadline:
    def __init__(self, command: str, file, seconds: float):
        self.command, self.file, self.seconds = command, file, seconds
        self.ends = time.monotonic() + seconds
        self.phase = "starting"
        self.done = False

    def message(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return (f"{where}{self.command} stopped after {self.seconds:g} s while {self.phase} "
                f"(limit max_seconds; raise it in the [limits] of a --config file)")

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise DeadlineError(self.message())


def _expire(deadline: _Deadline) -> None:
    """The watchdog: the command is stuck past its budget; end the process with one line."""
    from . import atomic
    from .terminal import safe

    if deadline.done:  # finished meanwhile
        return
    atomic.remove_temporaries()
    os.write(2, f"promo-workbook: error: {safe(deadline.message())}\n".encode("utf-8", "replace"))
    os._exit(2)
