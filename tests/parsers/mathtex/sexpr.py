"""A compact S-expression dump of `Expr` trees for readable test expectations.

``\\mathbf{BCX}^T`` dumps as ``(* B:m C:m (T X:m))``: bold capitals carry ``:m``, bold lowercase
``:v``; a subscript follows ``_``; notes and locations are not shown.
"""

from __future__ import annotations

from mathlint.parsers.expr import (
    Abs, Add, Apply, Derivative, Det, Diag, Differential, Div, Dots, Entry, Expr, Func, Hadamard,
    Identity, Inverse, Kron, MatrixLiteral, Mul, Norm, Number, Ones, Power, Query, Statement, Sum,
    Symbol, Trace, Transpose, Zero,
)


def dump(e: Expr | None) -> str:
    if e is None:
        return "None"
    if isinstance(e, Symbol):
        out = e.name
        if e.bold:
            out += ":m" if e.kind == "matrix" else ":v" if e.kind == "vector" else ":b"
        if e.subscript is not None:
            out += "_" + e.subscript
        return out
    if isinstance(e, Number):
        return str(e.value)
    if isinstance(e, Identity):
        return "I"
    if isinstance(e, Ones):
        return "J" if e.kind == "matrix" else "1v"
    if isinstance(e, Zero):
        return "0v"
    if isinstance(e, Query):
        return "?"
    if isinstance(e, Dots):
        return e.kind
    simple = {
        Add: "+", Mul: "*", Hadamard: "o", Kron: "kron",
    }
    for cls, head in simple.items():
        if isinstance(e, cls):
            return "(" + " ".join([head] + [dump(a) for a in e.args]) + ")"  # type: ignore[attr-defined]
    unary = {Transpose: "T", Inverse: "inv", Trace: "tr", Det: "det", Abs: "abs", Diag: "diag", Differential: "d"}
    for cls, head in unary.items():
        if isinstance(e, cls):
            return f"({head} {dump(e.arg)})"  # type: ignore[attr-defined]
    if isinstance(e, Div):
        return f"(/ {dump(e.num)} {dump(e.den)})"
    if isinstance(e, Power):
        return f"(^ {dump(e.base)} {dump(e.exponent)})"
    if isinstance(e, Func):
        ew = {None: "", True: "!", False: "~"}[e.elementwise]
        return f"({e.name}{ew} {dump(e.arg)})"
    if isinstance(e, Norm):
        return f"(norm{'_' + e.sub if e.sub else ''} {dump(e.arg)})"
    if isinstance(e, Apply):
        return "(" + " ".join(["@" + dump(e.func)] + [dump(a) for a in e.args]) + ")"
    if isinstance(e, Derivative):
        return f"(D{e.kind[0]} {dump(e.expr)} {dump(e.wrt)})"
    if isinstance(e, Entry):
        return "([] " + dump(e.base) + " " + " ".join(dump(i) for i in e.indices) + ")"
    if isinstance(e, Sum):
        lim = ""
        if e.lower is not None or e.upper is not None:
            lim = f"={dump(e.lower)}..{dump(e.upper)}"
        return f"(sum {e.index}{lim} {dump(e.body)})"
    if isinstance(e, MatrixLiteral):
        return f"({e.env} " + " ; ".join(" ".join(dump(x) for x in row) for row in e.rows) + ")"
    raise TypeError(type(e).__name__)


def dump_statement(st: Statement) -> str:
    parts = [dump(st.sides[0])]
    for rel, side in zip(st.relations, st.sides[1:]):
        parts += [rel, dump(side)]
    return " ".join(parts)
