"""The scanner: offsets, separation flags, operator words, prose, Unicode, macro expansion."""

from __future__ import annotations

from mathlint.parsers.mathtex.lexer import lex, tokenize


def texts(latex: str) -> list[str]:
    return [t.text if t.word is None else f"<{t.word}>" for t in lex(latex)]


def test_offsets_point_into_the_input() -> None:
    latex = r"\frac{\partial f}{\partial X} = B_{ij}"
    for t in lex(latex):
        assert latex[t.start : t.end] == t.text


def test_control_words_symbols_numbers() -> None:
    assert [t.text for t in tokenize(r"\alpha\,x_1 + 2.5\\")] == ["\\alpha", "\\,", "x", "_", "1", "+", "2.5", "\\\\"]


def test_scripts_take_one_digit() -> None:
    assert texts("x^12") == ["x", "^", "1", "2"]
    assert texts(r"\frac12") == ["\\frac", "1", "2"]
    assert texts("x + 12") == ["x", "+", "12"]


def test_space_and_gap() -> None:
    toks = lex(r"A\,dB d X")
    d1, b, d2, x = toks[1], toks[2], toks[3], toks[4]
    assert d1.text == "d" and d1.gap and not d1.space
    assert not b.gap
    assert d2.space and d2.gap and x.space


def test_spacing_sizing_left_right_dropped() -> None:
    assert texts(r"\left( A \right) \big[ B \Big] \displaystyle C \; D \! E") == ["(", "A", ")", "[", "B", "]", "C", "D", "E"]


def test_left_bars_become_directional() -> None:
    assert texts(r"\left| X \right| \left\| Y \right\|") == ["\\lvert", "X", "\\rvert", "\\lVert", "Y", "\\rVert"]


def test_left_dot_vanishes() -> None:
    assert texts(r"\left. x \right|") == ["x", "\\rvert"]


def test_operator_words_however_spelled() -> None:
    spellings = [
        r"\operatorname{tr}", r"\mathrm{tr}", r"\mathrm{Tr}", r"\text{tr}", r"\textrm{tr}", r"{\rm tr}",
        r"\operatorname{trace}", r"\tr", r"\Tr", "tr", "Tr", r"\mathrm{t\,r}", r"\operatorname{t r}", r"t\!r",
    ]
    for s in spellings:
        assert texts(s + "(A)") == ["<tr>", "(", "A", ")"], s


def test_word_notes_keep_the_spelling() -> None:
    assert lex(r"\operatorname{Tr}")[0].note == "\\operatorname{Tr}"
    assert lex(r"{\rm tr}")[0].note == "\\mathrm{tr}"
    assert lex("tr")[0].note == "tr"


def test_letter_runs() -> None:
    assert texts("diag(x)") == ["<diag>", "(", "x", ")"]
    assert texts("trA") == ["<tr>", "A"]
    assert texts("trace") == ["<tr>"]
    assert texts("cost") == ["c", "o", "s", "t"]  # not cos + t
    assert texts("x tr") == ["x", "<tr>"]
    assert texts("xtr") == ["x", "t", "r"]  # glued to a letter: not a word


def test_differential_words() -> None:
    assert texts(r"\mathrm{d}x \text{d}y \mathop{d}z \operatorname{d}w") == ["<d>", "x", "<d>", "y", "<d>", "z", "<d>", "w"]


def test_transpose_words() -> None:
    # {\rm T} is rewritten to \mathrm{T}: one word token, its braces gone
    assert texts(r"^{\text{T}} ^{\rm T} ^{\mathsf T}") == ["^", "{", "<T>", "}", "^", "<T>", "^", "{", "<T>", "}"]


def test_prose_is_one_token() -> None:
    toks = lex(r"a \text{ for all } b")
    assert [t.text for t in toks] == ["a", "\\@text", "b"]
    assert toks[1].note == "for all"


def test_begin_end_are_single_tokens() -> None:
    assert texts(r"\begin {bmatrix} a \end{bmatrix}") == ["\\begin{bmatrix}", "a", "\\end{bmatrix}"]


def test_comments_and_labels_vanish() -> None:
    assert texts("A % comment\n= B \\label{eq:x} \\tag{2}") == ["A", "=", "B"]


def test_unicode() -> None:
    assert texts("α·Xᵀ") == ["\\alpha", "\\cdot", "X", "^", "T"]
    toks = lex("𝐗")
    assert [t.text for t in toks] == ["\\mathbf", "{", "X", "}"]
    assert all((t.start, t.end) == (0, 1) for t in toks)


def test_markdown_escaped_underscore() -> None:
    assert texts(r"A\_{ij}") == ["A", "_", "{", "i", "j", "}"]


def test_user_macros_expand_with_call_offsets() -> None:
    latex = r"\tr(\mX) + \T{\mY}"
    toks = lex(latex, (("\\mX", 0, "\\mathbf{X}"), ("\\T", 1, "#1^{\\top}"), ("\\mY", 0, "\\mathbf{Y}")))
    assert [t.text if t.word is None else f"<{t.word}>" for t in toks] == [
        "<tr>", "(", "\\mathbf", "{", "X", "}", ")", "+", "\\mathbf", "{", "Y", "}", "^", "{", "\\top", "}"
    ]
    assert (toks[2].start, toks[2].end) == (4, 7)  # \mX
    assert (toks[12].start, toks[12].end) == (11, 18)  # the body of \T{...} points at the call


def test_recursive_macro_is_bounded() -> None:
    toks = lex(r"\loop", (("\\loop", 0, "\\loop x"),))
    assert len(toks) < 20000
