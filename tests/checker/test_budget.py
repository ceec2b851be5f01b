"""The per-claim time bound: signals on the main thread, a cooperative deadline everywhere."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from mathlint.checker.budget import Timeout, check_deadline, remaining, run_with_budget


def _spin_pure_python() -> None:
    while True:  # never checks the deadline: only the signal can stop it
        sum(range(1000))


def _spin_cooperative() -> None:
    while True:
        check_deadline()


def test_result_is_returned() -> None:
    assert run_with_budget(lambda: 42, 1.0) == 42


def test_no_budget_means_no_bound() -> None:
    assert run_with_budget(lambda: "x", 0) == "x"
    assert run_with_budget(lambda: "y", float("inf")) == "y"


def test_exceptions_pass_through() -> None:
    def boom() -> None:
        raise KeyError("k")

    with pytest.raises(KeyError):
        run_with_budget(boom, 1.0)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX timers only")
def test_signal_interrupts_code_that_never_checks() -> None:
    start = time.monotonic()
    with pytest.raises(Timeout) as info:
        run_with_budget(_spin_pure_python, 0.2)
    assert time.monotonic() - start < 2.0
    assert info.value.seconds == 0.2


def test_cooperative_deadline_off_the_main_thread() -> None:
    outcome: list[object] = []

    def worker() -> None:
        try:
            run_with_budget(_spin_cooperative, 0.2)
        except Timeout as exc:
            outcome.append(exc)

    t = threading.Thread(target=worker)
    t.start()
    t.join(5)
    assert not t.is_alive()
    assert isinstance(outcome[0], Timeout)


def test_deadline_is_cleared_afterwards() -> None:
    run_with_budget(lambda: None, 0.05)
    time.sleep(0.1)
    check_deadline()  # no stale deadline
    assert remaining() is None


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX timers only")
def test_previous_handler_and_timer_are_restored() -> None:
    fired: list[int] = []

    def host_handler(signum: int, frame: object) -> None:
        fired.append(signum)

    old = signal.signal(signal.SIGALRM, host_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        run_with_budget(lambda: None, 0.1)
        assert signal.getsignal(signal.SIGALRM) is host_handler
        delay, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < delay <= 0.5
        time.sleep(0.7)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX timers only")
def test_host_timer_due_first_still_fires() -> None:
    fired: list[int] = []
    old = signal.signal(signal.SIGALRM, lambda s, f: fired.append(s))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        assert run_with_budget(lambda: (time.sleep(0.2), "done")[1], 2.0) == "done"
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_budgets_nest_and_never_extend_the_outer_deadline() -> None:
    def inner() -> float | None:
        return run_with_budget(remaining, 10.0)

    left = run_with_budget(inner, 0.5)
    assert left is not None and left <= 0.5


def test_evaluation_checks_the_deadline() -> None:
    import numpy as np

    from mathlint.checker.evaluate import evaluate
    from mathlint.parsers.expr import Symbol

    def many() -> None:
        while True:
            evaluate(Symbol("X"), {"X": np.ones((1, 1))})

    outcome: list[object] = []

    def worker() -> None:
        try:
            run_with_budget(many, 0.1)
        except Timeout as exc:
            outcome.append(exc)

    t = threading.Thread(target=worker)
    t.start()
    t.join(5)
    assert outcome and isinstance(outcome[0], Timeout)
