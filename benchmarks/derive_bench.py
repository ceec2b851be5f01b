"""Derivation time per gradient over the gradient table (issue 3 §6): median and worst, in ms.

Each gradient is derived, simplified, verified by the oracle and printed — the full cost a
``wrong-derivative`` finding pays for its ``expected``. Imports (numpy, the parser) are paid
once before timing starts. Targets: median under 50 ms, worst under 1 s.

Run alone: ``python benchmarks/derive_bench.py``; `benchmarks/run.py` calls `bench_derive`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cases():  # type: ignore[no-untyped-def]
    """The table lives with its test (tests/checker/test_gradient_table.py)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.checker.test_gradient_table import CASES, context, parse

    return CASES, context, parse


def bench_derive(repeat: int = 3) -> dict:
    """Time `derive_gradient` on every table row; returns the figures and prints one line each.

    :param repeat: runs per row; the best run of each row is its time (noise from the shared
        machine only ever adds time).
    """
    from mathlint.checker.derive import derive_gradient
    from mathlint.checker.options import Layout
    from mathlint.checker.oracle import Unsupported

    cases, context, parse = _cases()
    first = cases[0]
    derive_gradient(parse(first.f), parse(first.wrt), context(first), Layout.DENOMINATOR)  # warm imports
    times: dict[str, float] = {}
    failures: dict[str, str] = {}
    for case in cases:
        f, wrt, ctx = parse(case.f), parse(case.wrt), context(case)
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                derive_gradient(f, wrt, ctx, Layout.DENOMINATOR)
            except Unsupported as exc:
                failures[case.name] = f"{exc.reason.value}: {exc.detail}"
                break
            best = min(best, time.perf_counter() - start)
        if case.name not in failures:
            times[case.name] = best * 1000.0
    values = sorted(times.values())
    worst_name = max(times, key=times.__getitem__) if times else None
    result = {
        "gradients": len(cases),
        "derived": len(times),
        "failures": failures,
        "median_ms": statistics.median(values) if values else None,
        "worst_ms": values[-1] if values else None,
        "worst": worst_name,
        "target_median_ms": 50.0,
        "target_worst_ms": 1000.0,
    }
    print(f"derive: {result['derived']}/{result['gradients']} gradients, "
          f"median {result['median_ms']:.1f} ms, worst {result['worst_ms']:.1f} ms ({worst_name}) "
          f"[targets: median < 50 ms, worst < 1000 ms]" if values else "derive: nothing derived")
    for name, why in failures.items():
        print(f"  not derived: {name}: {why}")
    return result


if __name__ == "__main__":
    bench_derive()
