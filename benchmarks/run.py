"""Print mathlint's performance figures (targets from the issues; nothing here asserts).

Run: ``python benchmarks/run.py`` (from the project root, with mathlint installed).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable

CLAIM_TEMPLATES = [
    (r"\frac{\partial \operatorname{tr}(\mathbf{A}_{k}\mathbf{X}\mathbf{B}_{k})}{\partial \mathbf{X}} = \mathbf{A}_{k}^T\mathbf{B}_{k}^T", True),
    (r"\frac{\partial \operatorname{tr}(\mathbf{A}_{k}\mathbf{X}^T\mathbf{B}_{k})}{\partial \mathbf{X}} = \mathbf{B}_{k}\mathbf{A}_{k}", True),
    (r"\frac{\partial\, \mathbf{a}_{k}^T\mathbf{X}\mathbf{b}_{k}}{\partial \mathbf{X}} = \mathbf{a}_{k}\mathbf{b}_{k}^T", True),
    (r"\frac{\partial \operatorname{tr}(\mathbf{X}^T\mathbf{C}_{k}\mathbf{X})}{\partial \mathbf{X}} = (\mathbf{C}_{k} + \mathbf{C}_{k}^T)\mathbf{X}", True),
    (r"(\mathbf{A}_{k}\mathbf{B}_{k})^T = \mathbf{B}_{k}^T\mathbf{A}_{k}^T", True),
]


def generated_document(claims: int) -> str:
    lines = ["# Generated notes", "", r"Let $\mathbf{X} \in \mathbb{R}^{m\times n}$.", ""]
    for i in range(claims):
        template, _ = CLAIM_TEMPLATES[i % len(CLAIM_TEMPLATES)]
        lines += [f"Claim {i}:", "", "$$", template.replace("{k}", f"{{{i}}}"), "$$", ""]
    return "\n".join(lines)


def run_cli(args: list[str], env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run([PY, "-m", "mathlint", *args], capture_output=True, text=True, env=env)
    return time.perf_counter() - start, proc


def best_of(n: int, fn) -> float:  # type: ignore[no-untyped-def]
    return min(fn() for _ in range(n))


def heavy_modules_loaded(args: list[str]) -> str:
    """Which of sympy/numpy/mkdocs/sphinx a `mathlint` run with ``args`` imported."""
    probe = subprocess.run(
        [PY, "-c", "import sys, runpy; sys.argv=['mathlint', *%r];\n"
         "try:\n    runpy.run_module('mathlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
         "print(sorted(m for m in ('sympy','numpy','mkdocs','sphinx') if m in sys.modules))" % (args,)],
        capture_output=True, text=True)
    return probe.stdout.strip().splitlines()[-1] if probe.stdout.strip() else "?"


def bench_no_math(tmp: Path) -> None:
    doc = tmp / "prose.md"
    doc.write_text("# Notes\n\nJust prose, a price of $5, and `code`.\n" * 50, encoding="utf-8")
    seconds = best_of(5, lambda: run_cli(["check", "--no-cache", str(doc)])[0])
    loaded = heavy_modules_loaded(["check", "--no-cache", str(doc)])
    print(f"cold start, no-math file:          {seconds * 1000:7.0f} ms   (target < 300 ms; heavy modules loaded: {loaded})")


def bench_500(tmp: Path) -> None:
    doc = tmp / "claims500.md"
    doc.write_text(generated_document(500), encoding="utf-8")
    seconds, proc = run_cli(["check", "--no-cache", "--format", "json", str(doc)])
    summary = json.loads(proc.stdout)["summary"] if proc.stdout.startswith("{") else {}
    verified = summary.get("verified", 0)
    print(f"500-claim document, cold:          {seconds * 1000:7.0f} ms   (target < 1500 ms; "
          f"{verified} verified, {summary.get('wrong')} wrong, {summary.get('unsupported')} unsupported; "
          f"loaded: {heavy_modules_loaded(['check', '--no-cache', str(doc)])})")
    print(f"claims verified per second:        {verified / seconds:7.0f}      (target >= 500, end to end incl. start-up)")


def bench_latex_extraction() -> None:
    from mathlint.parsers import parse_document

    body = []
    i = 0
    while sum(len(b) for b in body) < 100_000:
        body.append(
            f"\\section{{Part {i}}}\nSome prose about $\\mathbf{{A}}_{{{i}}}$ and the identity\n"
            f"\\begin{{align}}\n  \\frac{{\\partial \\operatorname{{tr}}(\\mathbf{{A}}\\mathbf{{X}})}}{{\\partial \\mathbf{{X}}}} &= \\mathbf{{A}}^T \\label{{eq:{i}}}\\\\\n"
            f"  (\\mathbf{{A}}\\mathbf{{B}})^T &= \\mathbf{{B}}^T\\mathbf{{A}}^T\n\\end{{align}}\n% a comment with $ signs $\n"
            f"More text, \\emph{{emphasis}}, a footnote\\footnote{{See $x_{i}$.}} and a list.\n\n")
        i += 1
    text = "\\documentclass{article}\n\\newcommand{\\tr}{\\operatorname{tr}}\n\\begin{document}\n" + "".join(body) + "\\end{document}\n"
    times = []
    for _ in range(3):
        start = time.perf_counter()
        doc = parse_document("paper.tex", text)
        times.append(time.perf_counter() - start)
    print(f"100 KB LaTeX paper extraction:     {min(times) * 1000:7.0f} ms   (target < 500 ms; {len(doc.math)} math spans, {len(text) // 1024} KB)")


def bench_cache(tmp: Path) -> None:
    project = tmp / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.mathlint]\n", encoding="utf-8")
    one = project / "note.md"
    one.write_text(generated_document(20), encoding="utf-8")
    run_cli(["check", str(one)])
    warm = best_of(3, lambda: run_cli(["check", str(one)])[0])
    print(f"pre-commit style, 1 unchanged file, warm cache: {warm * 1000:5.0f} ms")
    many = project / "many"
    many.mkdir()
    for k in range(200):
        (many / f"n{k:03}.md").write_text(generated_document(3).replace("Generated", f"Generated {k}"), encoding="utf-8")
    cache_dir = project / ".mathlint_cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    cold, _ = run_cli(["check", str(many)])
    warm2, _ = run_cli(["check", str(many)])
    print(f"200 files: cold cache {cold * 1000:7.0f} ms, warm cache {warm2 * 1000:7.0f} ms")


def bench_derivation() -> None:
    sys.path.insert(0, str(HERE))
    try:
        from derive_bench import bench_derive  # type: ignore[import-not-found]
    except ImportError:
        print("derivation benchmark: not available")
        return
    bench_derive()  # prints its own line: median / worst ms per gradient over the table


def main() -> None:
    random.seed(0)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        bench_no_math(tmp)
        bench_500(tmp)
        bench_latex_extraction()
        bench_cache(tmp)
    bench_derivation()


if __name__ == "__main__":
    main()
