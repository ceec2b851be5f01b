"""User macro definitions and their offset-keeping expansion."""

from __future__ import annotations

import pytest

from mathlint.parsers.macros import MAX_EXPANSIONS, Macro, expand, find_definitions, read_definition


@pytest.mark.parametrize(
    ("source", "macro"),
    [
        (r"\newcommand{\tr}{\operatorname{tr}}", Macro("\\tr", 0, "\\operatorname{tr}")),
        (r"\newcommand\mX{\mathbf{X}}", Macro("\\mX", 0, "\\mathbf{X}")),
        (r"\renewcommand*{\T}[1]{#1^{\top}}", Macro("\\T", 1, "#1^{\\top}")),
        (r"\providecommand{\norm}[2][2]{\|#2\|_{#1}}", Macro("\\norm", 2, "\\|#2\\|_{#1}", "2")),
        (r"\def \tr {\mathrm{tr}}", Macro("\\tr", 0, "\\mathrm{tr}")),
        (r"\def\pair#1#2{(#1,#2)}", Macro("\\pair", 2, "(#1,#2)")),
        (r"\DeclareMathOperator{\diag}{diag}", Macro("\\diag", 0, "\\operatorname{diag}")),
        (r"\DeclareMathOperator*{\argmin}{arg\,min}", Macro("\\argmin", 0, "\\operatorname*{arg\\,min}")),
        (r"\let\vec\mathbf", Macro("\\vec", 0, "\\mathbf")),
    ],
)
def test_read_definition(source: str, macro: Macro) -> None:
    got, end = read_definition(source + " rest", 0)
    assert got == macro
    assert end == len(source)


@pytest.mark.parametrize("source", [r"\def\foo#1.{#1}", r"\newcommand{\x}[z]{y}", r"\newcommand{\x}", r"\def"])
def test_unusable_definitions_are_skipped_not_raised(source: str) -> None:
    macro, end = read_definition(source, 0)
    assert macro is None and 0 < end <= len(source)


def test_find_definitions_ignores_escaped_backslash() -> None:
    found = find_definitions(r"a \\def b \newcommand{\R}{\mathbb{R}} c")
    assert [(a, m.name if m else None) for a, _, m in found] == [(10, "\\R")]


def _expand(text: str, *macros: Macro) -> tuple[str, list[int]]:
    return expand(text, list(range(100, 100 + len(text))), {m.name: m for m in macros})


def test_expand_keeps_argument_offsets_and_maps_body_to_the_call() -> None:
    text, offs = _expand(r"\T{AB}+C", Macro("\\T", 1, "#1^{\\top}"))
    assert text == "AB^{\\top}+C"
    assert offs[:2] == [103, 104]  # A, B come from the argument
    assert set(offs[2:9]) <= {100, 101}  # body characters point at the call "\T"
    assert offs[9:] == [106, 107]  # +C unchanged


def test_expand_nested_and_optional_arguments() -> None:
    norm = Macro("\\norm", 2, "\\|#2\\|_{#1}", "2")
    x = Macro("\\mX", 0, "\\mathbf{X}")
    assert _expand(r"\norm{\mX}", norm, x)[0] == "\\|\\mathbf{X}\\|_{2}"
    assert _expand(r"\norm[F]{\mX}", norm, x)[0] == "\\|\\mathbf{X}\\|_{F}"


def test_expand_does_not_glue_letters_to_a_control_word() -> None:
    assert _expand(r"\alpha\x", Macro("\\x", 0, "y"))[0] == "\\alpha y"


def test_expand_unbraced_argument_is_one_token() -> None:
    assert _expand(r"\T A B", Macro("\\T", 1, "#1^T"))[0] == "A^T B"
    assert _expand(r"\T\alpha", Macro("\\T", 1, "#1^T"))[0] == "\\alpha^T"


def test_recursive_macro_is_bounded() -> None:
    text, offs = _expand(r"\a", Macro("\\a", 0, "\\a x"))
    assert len(text) == len(offs)
    assert text.count("x") == MAX_EXPANSIONS


def test_exponential_macro_is_bounded() -> None:
    text, offs = _expand(r"\a", Macro("\\a", 0, "\\a\\a"))
    assert len(text) == len(offs)


def test_missing_argument_at_end() -> None:
    text, offs = _expand(r"x\T", Macro("\\T", 1, "#1^T"))
    assert text == "x^T" and len(offs) == 3
