"""Index notation: free indices, scopes, numeric equality of index and matrix forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from mathlint.checker.claims import Context
from mathlint.checker.index_notation import (
    IndexCheck, check_index_equality, free_indices, index_findings, is_index_claim,
    is_index_definition,
)
from mathlint.checker.instances import Unsupported
from mathlint.checker.options import Layout
from mathlint.checker.rules import Severity
from mathlint.parsers.expr import Expr, MatrixLiteral
from mathlint.parsers.mathtex import parse_math
from mathlint.parsers.span import LineIndex

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real"

G = r"\sum_p\sum_q\sum_r C_{pq} Y_{qr} D_{rp}"
H = r"\sum_p\sum_r U_{pr} \log \sum_s\sum_t C_{ps}Y_{st}D_{tr}"


def expr(latex: str) -> Expr:
    parsed = parse_math(latex)
    assert not parsed.problems, parsed.problems
    [statement] = parsed.statements
    [side] = statement.sides
    assert side is not None
    return side


def sides(latex: str) -> tuple[Expr, Expr]:
    [statement] = parse_math(latex).statements
    lhs, rhs = statement.sides
    assert lhs is not None and rhs is not None
    return lhs, rhs


def context(shapes: dict | None = None, **definitions: str) -> Context:
    return Context(shapes=shapes or {}, definitions={k: expr(v) for k, v in definitions.items()})


def check(latex: str, ctx: Context | None = None, layout: Layout = Layout.DENOMINATOR) -> IndexCheck:
    lhs, rhs = sides(latex)
    return check_index_equality(lhs, rhs, ctx or Context(), seed=20261121, layout=layout)


TRUE = [
    (r"\frac{\partial g}{\partial Y_{qr}} = \sum_p C_{pq} D_{rp}", {"g": G}),
    (r"\sum_p C_{pq} D_{rp} = [\mathbf{DC}]_{rq}", {}),
    (r"\operatorname{tr}(\mathbf{D}^T\mathbf{C}\mathbf{Y}\mathbf{E}) = "
     r"\sum_s \left[\mathbf{D}^T\mathbf{C}\mathbf{Y}\mathbf{E}\right]_{ss}", {}),
    (r"\sum_p C_{pq} D_{qp} = \left[(\mathbf{C}^T\odot\mathbf{D})\mathbf{1}\right]_q", {}),
    (r"\frac{\partial h}{\partial Y_{st}} = \sum_p \sum_r \left(\frac{U_{pr}}"
     r"{\sum_s\sum_t C_{ps}Y_{st}D_{tr}}\right) C_{ps} D_{tr}", {"h": H}),
    (r"\operatorname{tr}(\mathbf{C}\mathbf{D}) = \sum_{p=1}^n \sum_{q=1}^m c_{pq} d_{qp}", {}),
    (r"\operatorname{tr}(AB) = \sum_i\sum_j a_{ij} b_{ji}", {}),
    (r"\sum_i\sum_j a_{ij} b_{ji} = \operatorname{tr}(BA)", {}),
    (r"\operatorname{Tr}(\mathbf{A}) = \sum_{i} A_{i i}", {}),
    (r"[\mathbf{AB}]_{ij} = \sum_k a_{ik} b_{kj}", {}),
    (r"\mathbf{x}^T\mathbf{A}\mathbf{x} = \sum_i \sum_j x_i A_{ij} x_j", {}),
    (r"\|\mathbf{x}\|_{1} = \sum_{i}\left|x_{i}\right|", {}),
    (r"\frac{\partial}{\partial X_{ij}} \sum_{k l m n} X_{k l} X_{m n} = 2 \sum_{k l} X_{k l}", {}),
    (r"\sum_{k} \frac{\partial \det(\mathbf{X})}{\partial X_{i k}} X_{j k} = "
     r"\delta_{i j} \det(\mathbf{X})", {}),
    (r"\frac{\partial}{\partial \mathbf{X}} \sum_{i}\sum_j X_{ij}^2 = 2\mathbf{X}", {}),
    (r"(A^T)_{kl} = A^T", {}),
    (r"\det(\mathbf{A}) = A_{11} A_{22} - A_{12} A_{21}", {}),
    (r"\frac{d}{dv_{ab}} \|\mathbf{X} - \mathbf{U}\mathbf{V}\|_2^{2} = "
     r"-2[\mathbf{U}^\top(\mathbf{X}-\mathbf{U}\mathbf{V})]_{ab}", {}),
    (r"\frac{\partial X_{ij}}{\partial X_{kl}} = \delta_{ik} \delta_{jl}", {}),
]


@pytest.mark.parametrize("latex, definitions", TRUE, ids=[t[0][:40] for t in TRUE])
def test_true_index_claims_are_verified(latex: str, definitions: dict) -> None:
    result = check(latex, context(**definitions))
    assert result.ok, result


FALSE = [
    (r"\frac{\partial g}{\partial Y_{qr}} = [\mathbf{CD}]_{rq}", {"g": G}),
    (r"\operatorname{tr}(AB) = \sum_i\sum_j a_{ij} b_{ij}", {}),
    (r"\frac{\partial h}{\partial Y_{st}} = \sum_p \sum_r \left(\frac{U_{pr}}"
     r"{\sum_s\sum_t C_{ps}Y_{st}D_{tr}}\right) C_{ps} D_{rt}", {"h": H}),
    (r"\sum_p C_{pq} D_{rp} = [\mathbf{CD}]_{qr}", {}),
    (r"(B^T)_{pj}X_{ji}(C^T)_{iq} = (B^TXC)_{pq}", {}),
    (r"\operatorname{tr}(\mathbf{C}\mathbf{D}) = 2\sum_{p=1}^n \sum_{q=1}^m c_{pq} d_{qp}", {}),
]


@pytest.mark.parametrize("latex, definitions", FALSE, ids=[t[0][:40] for t in FALSE])
def test_false_index_claims_are_wrong(latex: str, definitions: dict) -> None:
    result = check(latex, context(**definitions))
    assert not result.ok and result.detail


def test_scalar_sides_compare_directly() -> None:
    assert check(r"\operatorname{tr}(AB) = \sum_i\sum_j a_{ij} b_{ji}").reading is None


def test_einstein_convention_is_a_reading() -> None:
    result = check(r"\delta_{jp} \delta_{kq} A_{ij}B_{ki} = A_{ip} B_{qi}")
    assert result.ok and result.reading is not None and "Einstein" in result.reading
    assert check(r"\frac{\partial (X_{ij} A_{ji})}{\partial X_{kl}} = A_{lk}").ok


def test_index_sizes_follow_the_declared_shapes_and_sum_limits() -> None:
    ctx = context({"C": ("n", "m"), "D": ("m", "n")})
    assert check(r"\operatorname{tr}(\mathbf{C}\mathbf{D}) = \sum_{p=1}^n \sum_{q=1}^m c_{pq} d_{qp}",
                 ctx).ok
    with pytest.raises(Unsupported):  # the limits contradict the declared shapes
        check(r"\operatorname{tr}(\mathbf{C}\mathbf{D}) = \sum_{p=1}^m \sum_{q=1}^n c_{pq} d_{qp}",
              ctx)


@pytest.mark.parametrize("latex", [
    r"\operatorname{Tr}(\mathbf{A}) = \sum_{i} \lambda_{i}",
    r"\sum_{j}(\mathbf{P})_{i j} = 1",
    r"c_{ij} = \sum_k a_{ik} b_{kj}",
    r"\sum_{i=2}^{n} x_i = \mathbf{1}^T\mathbf{x}",
    r"\sum_i \mathbf{x}_i = \mathbf{X}\mathbf{1}",
    r"|A| = \sum_{j}A_{ij}A'_{ij}",
    r"\frac{\partial g(\mathbf{U})}{\partial x_{ij}} = \sum_{k} \frac{\partial g(\mathbf{U})}"
    r"{\partial u_{kl}}",
])
def test_what_cannot_be_read_is_unsupported_never_wrong(latex: str) -> None:
    with pytest.raises(Unsupported):
        check(latex)


def test_free_indices() -> None:
    assert free_indices(expr(r"\sum_p C_{pq} D_{rp}")) == {"q", "r"}
    assert free_indices(expr(r"\frac{\partial g}{\partial Y_{qr}}")) == {"q", "r"}
    assert free_indices(expr(r"\sum_i\sum_j a_{ij} b_{ji}")) == set()
    assert free_indices(expr(r"x_j")) == {"j"}
    assert free_indices(expr(r"\left[(\mathbf{C}^T\odot\mathbf{D})\mathbf{1}\right]_q")) == {"q"}
    inner = expr(r"\sum_p \sum_r \left(\frac{U_{pr}}{\sum_s\sum_t C_{ps}Y_{st}D_{tr}}\right) "
                 r"C_{ps} D_{tr}")
    assert free_indices(inner) == {"s", "t"}


def test_lowercase_entries_belong_to_the_capital_matrix() -> None:
    assert check(r"\operatorname{tr}(\mathbf{A}^T\mathbf{B}) = \sum_i\sum_j a_{ij} b_{ij}").ok


def test_is_index_claim_and_definitions() -> None:
    ctx = Context()
    assert is_index_claim(*sides(r"\operatorname{tr}(AB) = \sum_i\sum_j a_{ij} b_{ji}"), ctx)
    assert not is_index_claim(*sides(r"\operatorname{tr}(AB) = \operatorname{tr}(BA)"), ctx)
    definition = sides(r"\left[\frac{\partial f}{\partial \mathbf{X}}\right]_{ij} = "
                       r"\frac{\partial f}{\partial X_{ij}}")
    assert is_index_definition(*definition, ctx)
    assert not is_index_claim(*definition, ctx)
    assert is_index_definition(*sides(r"c_{ij} = \sum_k a_{ik} b_{kj}"), ctx)
    assert not is_index_definition(*sides(r"[\mathbf{AB}]_{ij} = \sum_k a_{ik} b_{kj}"), ctx)


def _findings(latex: str, ctx: Context, result: IndexCheck | None):  # type: ignore[no-untyped-def]
    wrong = result is not None and not result.ok
    index = LineIndex(latex, "notes.md")
    [statement] = parse_math(latex).statements
    (l0, l1), (r0, r1) = statement.side_locs
    lhs, rhs = statement.sides
    assert lhs is not None and rhs is not None
    return index_findings(lhs, rhs, ctx, wrong, index.span(l0, l1), index.span(r0, r1))


def test_index_mismatch_is_the_finding_of_a_wrong_claim() -> None:
    latex = r"\frac{\partial g}{\partial Y_{qr}} = \sum_p C_{pq} D_{rs}"
    ctx = context(g=G)
    result = check(latex, ctx)
    assert not result.ok
    [finding] = _findings(latex, ctx, result)
    assert finding.code == "index-mismatch" and finding.level is Severity.ERROR
    assert "s only on the right-hand side" in finding.message
    assert latex[finding.span.start:finding.span.end] == r"\sum_p C_{pq} D_{rs}"


def test_no_mismatch_when_one_side_is_constant_in_an_index() -> None:
    latex = r"\frac{\partial}{\partial X_{ij}} \sum_{k l m n} X_{k l} X_{m n} = 2 \sum_{k l} X_{k l}"
    result = check(latex)
    assert result.ok
    assert _findings(latex, Context(), result) == []


def test_no_mismatch_under_einstein_reading() -> None:
    latex = r"\delta_{ik} \delta_{il} = \delta_{kl}"
    result = check(latex)
    assert result.ok
    assert [f.code for f in _findings(latex, Context(), IndexCheck(False))] == []


def test_rebound_inner_index_is_legal_with_at_most_a_hint() -> None:
    latex = (r"\frac{\partial h}{\partial Y_{st}} = \sum_p \sum_r \left(\frac{U_{pr}}"
             r"{\sum_s\sum_t C_{ps}Y_{st}D_{tr}}\right) C_{ps} D_{tr}")
    ctx = context(h=H)
    result = check(latex, ctx)
    assert result.ok
    [finding] = _findings(latex, ctx, result)
    assert finding.code == "index-scope" and finding.level is Severity.INFO
    assert "re-binds s, t" in finding.message
    assert latex[finding.span.start:finding.span.end].startswith(r"\sum_p \sum_r")


def test_shadowing_sum_is_a_hint_too() -> None:
    latex = (r"\left(\sum_i x_i\right) \left(\sum_i y_i\right) = "
             r"\mathbf{1}^T\mathbf{x} \, \mathbf{1}^T\mathbf{y}")
    assert check(latex).ok
    assert [f.code for f in _findings(latex, Context(), None)] == []
    nested = r"\sum_i \left(x_i \sum_i y_i\right) = \mathbf{1}^T\mathbf{x} \, \mathbf{1}^T\mathbf{y}"
    assert check(nested).ok
    assert [f.code for f in _findings(nested, Context(), None)] == ["index-scope"]


def _corpus_links():  # type: ignore[no-untyped-def]
    from mathlint.parsers import parse_document

    for path in sorted(CORPUS.glob("*/*")):
        if path.name == "SOURCES.md" or path.suffix not in (".md", ".tex", ".rst"):
            continue
        doc = parse_document(str(path), path.read_text(encoding="utf-8"))
        for math in doc.math:
            for statement in parse_math(math.latex, doc.macros).statements:
                for i, relation in enumerate(statement.relations):
                    lhs, rhs = statement.sides[i], statement.sides[i + 1]
                    if relation != "=" or lhs is None or rhs is None:
                        continue
                    if isinstance(lhs, MatrixLiteral) or isinstance(rhs, MatrixLiteral):
                        continue
                    start = statement.side_locs[i][0]  # type: ignore[index]
                    end = statement.side_locs[i + 1][1]  # type: ignore[index]
                    yield path.name, math.latex[start:end], lhs, rhs


# Wrong as written in the corpus (checked by hand): these are the only index claims we flag.
CORPUS_ERRORS = {
    # ∂tr(XᵀA)/∂X = A, not Aᵀ (the line before it, δ_jk δ_il A_ji = A_kl, is right)
    ("matder1.md", r"A_{kl} =A^T"),
    # the second term of the derivative is commented out in the source (% \\&+ δ_{k,j}(BX)_{i,l})
    ("paper__chapters__simple_derivatives.tex",
     r"\frac{\partial}{\partial X_{i,j}} (X^TBX)_{k,l} &= \delta_{l,j}(X^TB)_{k,i}"),
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no real-world corpus here")
def test_no_finding_on_the_correct_index_claims_of_the_real_corpus() -> None:
    wrong = set()
    verified = 0
    for name, latex, lhs, rhs in _corpus_links():
        if not is_index_claim(lhs, rhs, Context()):
            continue
        try:
            result = check_index_equality(lhs, rhs, Context(), seed=20261121)
        except Unsupported:
            continue
        if result.ok:
            verified += 1
        else:
            wrong.add((name, " ".join(latex.split())))
    assert wrong <= CORPUS_ERRORS  # no finding on a correct claim
    assert verified > 100


def test_doctests() -> None:
    import doctest

    import mathlint.checker.index_eval as index_eval
    import mathlint.checker.index_notation as module
    import mathlint.checker.index_read as index_read
    import mathlint.checker.index_sizes as index_sizes
    import mathlint.checker.index_tree as index_tree

    for mod in (module, index_tree, index_read, index_sizes, index_eval):
        assert doctest.testmod(mod).failed == 0, mod.__name__


def _random_term(rng, depth: int = 0) -> str:  # type: ignore[no-untyped-def]
    """A random index-notation term (deliberately also unreadable ones)."""
    letters, names = "ijkpq", ["A", "B", "a", "x", "\\delta", "I", "\\mathbf{x}"]
    pick = rng.random()
    if depth > 2 or pick < 0.4:
        sub = "".join(rng.choice(letters + "12") for _ in range(rng.choice((1, 2, 2))))
        return f"{rng.choice(names)}_{{{sub}}}"
    if pick < 0.55:
        return (f"\\sum_{{{rng.choice(letters)}{rng.choice(['', '=1'])}}}{rng.choice(['', '^n'])} "
                f"{_random_term(rng, depth + 1)}")
    if pick < 0.65:
        return (f"\\frac{{\\partial {_random_term(rng, depth + 1)}}}"
                f"{{\\partial A_{{{rng.choice(letters)}{rng.choice(letters)}}}}}")
    if pick < 0.75:
        return rng.choice([r"\left[AB\right]_{ij}", r"[\mathbf{A}\mathbf{x}]_i",
                           r"\operatorname{tr}(AB)", r"\log a_{ij}", r"X^T_{jk}", "2"])
    if pick < 0.9:
        return f"\\frac{{{_random_term(rng, depth + 1)}}}{{{_random_term(rng, depth + 1)}}}"
    return f"\\left({_random_term(rng, depth + 1)} + {_random_term(rng, depth + 1)}\\right)"


@pytest.mark.parametrize("seed", range(4))
def test_identities_are_never_wrong_and_nothing_raises(seed: int) -> None:
    """``T = T``, ``T U = U T`` and ``T + U = U + T`` hold whatever T and U are: they may be
    unsupported, never wrong, and nothing but `Unsupported` may escape."""
    import random

    rng = random.Random(seed)
    for n in range(40):
        t, u = (f"\\left({_random_term(rng)}\\right)" for _ in range(2))  # sums end at ``)``
        latex = rng.choice([f"{t} = {t}", f"{t} \\, {u} = {u} \\, {t}", f"{t} + {u} = {u} + {t}"])
        parsed = parse_math(latex)
        if parsed.problems or len(parsed.statements) != 1:
            continue
        lhs, rhs = parsed.statements[0].sides
        if lhs is None or rhs is None:
            continue
        free_indices(lhs)
        is_index_claim(lhs, rhs, Context())
        try:
            result = check_index_equality(lhs, rhs, Context(), seed=n)
        except Unsupported:
            continue
        assert result.ok, latex


def test_an_entry_goes_to_the_matrix_its_indices_fit() -> None:
    ctx = context({"x": ("n", 1), "X": ("n", "n"), "A": ("n", "n")})
    ctx = Context(shapes=ctx.shapes)
    assert check(r"\frac{\partial}{\partial x_{ij}} \operatorname{tr}(\mathbf{A}\mathbf{X}) = a_{ji}",
                 ctx).ok
    assert not check(r"\frac{\partial}{\partial x_{ij}} \operatorname{tr}(\mathbf{A}\mathbf{X}) = a_{ij}",
                     ctx).ok
