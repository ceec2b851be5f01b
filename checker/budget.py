"""The per-claim time bound: `run_with_budget` → the result, or `Timeout` (→ unsupported: timeout).

Two mechanisms, used together:

- a *cooperative deadline* (a context variable) that long loops check with `check_deadline`
  (every `evaluate` call does); it works on any thread and in any host (Sphinx, MkDocs, worker
  processes), but cannot stop code that never checks it;
- on the main thread of a POSIX process, additionally ``signal.setitimer`` with a ``SIGALRM``
  handler that raises `Timeout`, which also interrupts pure-Python code that never checks
  (sympy simplification, say). A timer already armed by the host (pytest-timeout...) is
  restored afterwards with its remaining time; the host's handler is put back.

Budgets nest: an inner budget never extends an outer deadline.

Example::

    >>> run_with_budget(lambda: 42, 1.0)
    42
"""

from __future__ import annotations

import signal
import threading
import time
from contextvars import ContextVar
from typing import Any, Callable, TypeVar

T = TypeVar("T")

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("mathlint_deadline", default=None)
"""(monotonic deadline, the budget in seconds it came from) of the innermost budget."""


class Timeout(Exception):
    """The claim ran out of its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"time budget of {seconds:g} s exceeded")
        self.seconds = seconds


def check_deadline() -> None:
    """Raise `Timeout` if the innermost active budget has run out (cheap: call it in loops)."""
    active = _deadline.get()
    if active is not None and time.monotonic() > active[0]:
        raise Timeout(active[1])


def remaining() -> float | None:
    """Seconds left in the active budget, or None when no budget is active."""
    active = _deadline.get()
    return None if active is None else max(0.0, active[0] - time.monotonic())


def _signals_usable() -> bool:
    return (
        hasattr(signal, "setitimer")
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )


def run_with_budget(fn: Callable[[], T], seconds: float) -> T:
    """Run ``fn()`` and return its result, or raise `Timeout` after ``seconds``.

    :param seconds: the budget; ``<= 0`` or ``inf`` means no bound.
    """
    if not (0 < seconds < float("inf")):
        return fn()
    start = time.monotonic()
    outer = _deadline.get()
    deadline = start + seconds if outer is None else min(outer[0], start + seconds)
    token = _deadline.set((deadline, seconds))
    try:
        if not _signals_usable():
            return fn()
        return _run_with_alarm(fn, seconds, deadline)
    finally:
        _deadline.reset(token)


def _run_with_alarm(fn: Callable[[], T], seconds: float, deadline: float) -> T:
    previous_handler: Any = None
    host_fired = False

    def on_alarm(signum: int, frame: object) -> None:
        left = deadline - time.monotonic()
        if left > 1e-3:
            # The host's own timer fired first: hand it over, then re-arm ours.
            nonlocal host_fired
            host_fired = True
            if callable(previous_handler):
                previous_handler(signum, frame)
            signal.setitimer(signal.ITIMER_REAL, left)
            return
        raise Timeout(seconds)

    try:
        previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    except (ValueError, OSError):  # not allowed here after all (embedded interpreter...)
        return fn()
    start = time.monotonic()
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, max(deadline - start, 1e-6))
    if previous_delay and previous_delay < deadline - start:
        signal.setitimer(signal.ITIMER_REAL, previous_delay)  # the host's timer is due first
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay and not host_fired:
            left = previous_delay - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), previous_interval)
        elif previous_interval:
            signal.setitimer(signal.ITIMER_REAL, previous_interval, previous_interval)


__all__ = ["Timeout", "check_deadline", "remaining", "run_with_budget"]
