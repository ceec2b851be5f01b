"""LaTeX math → tokens that carry their local offsets (a hand-written scanner, then one cleaning pass).

`lex(latex, macros)` returns the tokens the parser reads: each `Tok` keeps ``start``/``end``
offsets into ``latex``; whitespace, comments, spacing/sizing macros, ``\\left``/``\\right``
and labels are gone, and what they said about separation survives as ``Tok.gap``. Operator
words however spelled (``\\operatorname{tr}``, ``\\mathrm{Tr}``, ``{\\rm tr}``, ``tr``, ``\\tr``)
become one token with ``Tok.word`` set; ``\\text{...}`` prose becomes one ``\\@text`` token.

Why hand-written: pylatexenc's ``get_token`` costs ~5 µs a token here, and one regex
``finditer`` ~0.4 µs; a 500-claim document must parse in well under 0.5 s.
"""

from __future__ import annotations

import re

from . import notation as N

_SCAN = re.compile(
    r"\\(?:begin|end)\s*\{[^{}\\]*\}"  # \begin{bmatrix} as one token
    r"|\\[A-Za-z]+"  # control word
    r"|\\."  # control symbol: \, \; \\ \{ \| \_
    r"|[0-9]+(?:\.[0-9]+)?"
    r"|\s+"
    r"|%[^\n]*"
    r"|\.\*|\./"
    r"|⁻[¹ᵀ]"
    r"|[\U0001D400-\U0001D433]"  # mathematical bold A-z
    r"|.",
    re.S,
)

DEPTH: dict[str, int] = {
    "{": 1, "(": 1, "[": 1, "\\{": 1, "\\lbrace": 1, "\\langle": 1, "\\lvert": 1, "\\lVert": 1, "\\lbrack": 1,
    "}": -1, ")": -1, "]": -1, "\\}": -1, "\\rbrace": -1, "\\rangle": -1, "\\rvert": -1, "\\rVert": -1, "\\rbrack": -1,
}
"""Nesting change of a token: brackets of every kind and ``\\begin{..}``/``\\end{..}`` (added as met)."""

_SPLIT_DIGITS_AFTER = frozenset({"^", "_", "\\frac", "\\dfrac", "\\tfrac", "\\cfrac", "\\sqrt", "\\binom"})
_MAX_EXPANSION = 2000


class Tok:
    """One token: ``text`` as written (or canonical), ``start``/``end`` local offsets.

    ``space``: real whitespace precedes it; ``gap``: whitespace or a positive spacing macro
    precedes it; ``word``: the operator key (``tr``, ``diag``, ``log``, ``d``, ``T``, or the
    word itself) when the token is an operator word; ``note``: how that word was spelled.
    """

    __slots__ = ("text", "start", "end", "space", "gap", "word", "note")

    def __init__(self, text: str, start: int, end: int, space: bool = False) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.space = space
        self.gap = space
        self.word: str | None = None
        self.note: str | None = None

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        extra = f" word={self.word!r}" if self.word is not None else ""
        return f"Tok({self.text!r}, {self.start}, {self.end}{extra})"


def tokenize(latex: str) -> list[Tok]:
    """Raw tokens of ``latex`` (no cleaning): control words/symbols, numbers, single characters."""
    out: list[Tok] = []
    append = out.append
    space = False
    prev = ""
    pos = 0
    split_after = _SPLIT_DIGITS_AFTER
    for s in _SCAN.findall(latex):
        start = pos
        pos += len(s)
        c = s[0]
        if c <= "~":  # ASCII: the common case
            if c in " \n\t\r\f\v%":
                space = True
                continue
            if c == "\\":
                if "{" in s and s[1:2] in "be":  # \begin {bmatrix}
                    s = "".join(s.split())
                    if s not in DEPTH and len(DEPTH) < 10_000:
                        DEPTH[s] = 1 if s[1] == "b" else -1
            elif len(s) > 1 and prev in split_after and c.isdigit():
                # x^12 is x^1 2 in TeX; \frac12 is \frac{1}{2}
                for k, ch in enumerate(s):
                    append(Tok(ch, start + k, start + k + 1, space and k == 0))
                prev = ch
                space = False
                continue
            append(Tok(s, start, pos, space))
            prev = s
            space = False
            continue
        if c.isspace():
            space = True
            continue
        if c in N.UNICODE_SYMBOLS:
            append(Tok(N.UNICODE_SYMBOLS[c], start, pos, space))
        elif c in N.UNICODE_GREEK:
            append(Tok("\\" + N.UNICODE_GREEK[c], start, pos, space))
        elif s in N.UNICODE_SCRIPTS:
            for k, part in enumerate(N.UNICODE_SCRIPTS[s]):
                append(Tok(part, start, pos, space and k == 0))
        elif "\U0001D400" <= c <= "\U0001D433":
            letter = chr(ord("A") + ord(c) - 0x1D400) if c < "\U0001D41A" else chr(ord("a") + ord(c) - 0x1D41A)
            for k, part in enumerate(("\\mathbf", "{", letter, "}")):
                append(Tok(part, start, pos, space and k == 0))
        else:
            append(Tok(s, start, pos, space))
        prev = out[-1].text
        space = False
    return out


def lex(latex: str, macros: tuple[tuple[str, int, str], ...] = ()) -> list[Tok]:
    """Tokens of ``latex`` ready for the parser (user ``macros`` expanded, noise dropped).

    :param latex: the math of one span (no delimiters).
    :param macros: ``(name, nargs, body)`` user macros; expanded tokens carry the offsets of
        the macro call (arguments keep their own).

    >>> [(t.text, t.word, t.start) for t in lex(r"\\left( \\mathrm{Tr}\\, A \\right)^\\top")]
    [('(', None, 0), ('\\\\@word', 'tr', 7), ('A', None, 21), (')', None, 23), ('^', None, 30), ('\\\\top', None, 31)]
    """
    toks = tokenize(latex)
    if macros:
        toks = _expand(toks, {name: (nargs, body) for name, nargs, body in macros})
    return _clean(toks, latex)


# --- user macros ------------------------------------------------------------------------

def _expand(toks: list[Tok], table: dict[str, tuple[int, str]]) -> list[Tok]:
    budget = _MAX_EXPANSION
    for _ in range(8):  # nested definitions, bounded
        if not any(t.text in table for t in toks):
            return toks
        out: list[Tok] = []
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            spec = table.get(t.text)
            if spec is None or budget <= 0:
                out.append(t)
                i += 1
                continue
            budget -= 1
            nargs, body = spec
            args: list[list[Tok]] = []
            j = i + 1
            for _k in range(nargs):
                if j >= n:
                    break
                if toks[j].text == "{":
                    close = _close_brace(toks, j)
                    args.append(toks[j + 1 : close])
                    j = close + 1
                else:
                    args.append([toks[j]])
                    j += 1
            end = toks[j - 1].end if j > i + 1 else t.end
            body_toks = tokenize(body)
            used = [int(body_toks[k + 1].text[0]) for k in range(len(body_toks) - 1)
                    if body_toks[k].text == "#" and "1" <= body_toks[k + 1].text[:1] <= "9"]
            if used != sorted(set(used)):
                # arguments reordered or repeated: their own offsets would not be monotonic
                args = [[_moved(a, t.start, end) for a in arg] for arg in args]
            k = 0
            first = True
            while k < len(body_toks):
                b = body_toks[k]
                if b.text == "#" and k + 1 < len(body_toks) and "1" <= body_toks[k + 1].text[:1] <= "9":
                    num = int(body_toks[k + 1].text[0])
                    if 1 <= num <= len(args):
                        out.extend(args[num - 1])
                    k += 2
                    continue
                b.start, b.end = t.start, end
                if first:
                    b.space = b.gap = t.space
                    first = False
                out.append(b)
                k += 1
            i = j
        toks = out
    return toks


def _moved(t: Tok, start: int, end: int) -> Tok:
    m = Tok(t.text, start, end, t.space)
    m.gap, m.word, m.note = t.gap, t.word, t.note
    return m


def find_close_brace(toks: list[Tok], i: int) -> int | None:
    """Index of the ``}`` that closes the group opening at or after ``toks[i]``; None if unclosed."""
    depth = 0
    for j in range(i, len(toks)):
        x = toks[j].text
        if x == "{":
            depth += 1
        elif x == "}":
            depth -= 1
            if depth == 0:
                return j
    return None


def _close_brace(toks: list[Tok], i: int) -> int:
    close = find_close_brace(toks, i)
    return len(toks) - 1 if close is None else close


# --- cleaning ---------------------------------------------------------------------------

_WORD_TEXT = "\\@word"
_WORD_COMMANDS = N.UPRIGHT_COMMANDS | N.TEXT_COMMANDS | {"\\mathop"}
_RUN_STARTS = frozenset(w[0] for w in N.RUN_WORDS)
_PROSE_TEXT = "\\@text"


def _clean(toks: list[Tok], latex: str) -> list[Tok]:
    out: list[Tok] = []
    append = out.append
    gap = False
    i = 0
    n = len(toks)
    spacing = N.SPACING_MACROS
    dropped = N.DROPPED_MACROS
    while i < n:
        t = toks[i]
        x = t.text
        if x[0] == "\\" or x == "~":
            if x in spacing:
                if x in N.CLAUSE_SPACES:
                    t.gap = True
                    append(t)  # kept: the statement splitter reads them, then drops them
                gap = True
                i += 1
                continue
            if x in N.NEGATIVE_SPACES or x in dropped:
                gap = gap or t.space
                i += 1
                continue
            if x == "\\left" or x == "\\right":
                i = _clean_delimiter(toks, i, out, gap or t.space)
                gap = False
                continue
            if x in N.DROPPED_WITH_ARGS:
                i = _skip_args(toks, i + 1, N.DROPPED_WITH_ARGS[x], star=True)
                if x in ("\\kern", "\\mkern"):
                    i = _skip_dimension(toks, i)
                gap = True
                continue
            if x in N.SWITCH_FONTS:
                i = _switch_font(toks, i, out, gap or t.space)
                gap = False
                continue
            got = _read_word(toks, i, latex) if x in _WORD_COMMANDS else None
            if got is not None:
                i, w = got
                w.gap = gap or t.space
                append(w)
                gap = False
                continue
            if x in ("\\mathbin", "\\mathrel", "\\mathord") and i + 3 < n and toks[i + 1].text == "{" and toks[i + 3].text == "}":
                op = toks[i + 2]  # \mathbin{.*}, \mathrel{=}: the operator itself
                op.gap = gap or t.space
                append(op)
                gap = False
                i += 4
                continue
            if x in N.BOLD_COMMANDS and i + 1 < n and toks[i + 1].text == "{":
                parts = _bold_list(toks, i)
                if parts is not None:  # \mathbf{W,H} → \mathbf{W},\mathbf{H}
                    toks[i : _close_brace(toks, i + 1) + 1] = parts
                    n = len(toks)
                    t = toks[i]
            if x in N.WORD_MACROS:
                t.word = N.WORD_MACROS[x]
                t.note = x
            elif x == "\\_":
                t.text = "_"
            elif x == "\\not" and i + 1 < n and toks[i + 1].text in ("=", "\\in"):
                nxt = toks[i + 1]
                t.text = "\\neq" if nxt.text == "=" else "\\notin"
                t.end = nxt.end
                i += 1
        elif x == "{" and i + 1 < n and toks[i + 1].text in N.SWITCH_FONTS:
            # {\rm tr}, {\bf x} → \mathrm{tr}, \mathbf{x}
            sw = toks[i + 1]
            toks[i] = Tok(N.SWITCH_FONTS[sw.text], t.start, sw.end, t.space)
            toks[i + 1] = Tok("{", sw.end, sw.end)
            continue
        elif x == "." and i + 2 < n and toks[i + 1].text == "." and toks[i + 2].text == ".":
            t.text, t.end = "\\ldots", toks[i + 2].end
            i += 2
        elif x in _RUN_STARTS and (gap or t.space or not out or not _glued_letter(out[-1])):
            run = _letter_run_word(toks, i)
            if run is not None:
                j, word = run
                w = Tok(_WORD_TEXT, t.start, toks[j - 1].end, t.space)
                w.word, w.note = N.WORDS.get(word, word), word
                w.gap = gap or t.space
                append(w)
                gap = False
                i = j
                continue
        if gap:
            t.gap = True
        gap = False
        append(t)
        i += 1
    return out


def _glued_letter(prev: Tok) -> bool:
    x = prev.text
    return len(x) == 1 and x.isalpha()


def _switch_font(toks: list[Tok], i: int, out: list[Tok], gap: bool) -> int:
    """``\\rm T`` → word ``T``; ``\\bf x`` → ``\\mathbf{x}`` (letters up to the group end)."""
    t = toks[i]
    j = i + 1
    n = len(toks)
    while j < n and len(toks[j].text) == 1 and toks[j].text.isalpha():
        j += 1
    if j == i + 1:
        return j
    letters = "".join(toks[k].text for k in range(i + 1, j))
    if t.text == "\\bf" or t.text == "\\boldmath":
        cmd = Tok("\\mathbf", t.start, t.end, t.space)
        cmd.gap = gap
        out.append(cmd)
        out.append(Tok("{", t.end, t.end))
        out.extend(toks[i + 1 : j])
        out.append(Tok("}", toks[j - 1].end, toks[j - 1].end))
        return j
    w = Tok(_WORD_TEXT, t.start, toks[j - 1].end, t.space)
    w.word, w.note = N.WORDS.get(letters, letters), f"\\mathrm{{{letters}}}"
    w.gap = gap
    out.append(w)
    return j


def _bold_list(toks: list[Tok], i: int) -> list[Tok] | None:
    """``\\mathbf{W,H}`` (a list written inside one bold command) as one command per item."""
    close = _close_brace(toks, i + 1)
    inner = toks[i + 2 : close]
    if not any(t.text == "," for t in inner) or any(t.text in ("{", "}", "(", ")", "[", "]") for t in inner):
        return None
    cmd = toks[i]
    out: list[Tok] = []
    item: list[Tok] = []
    for t in inner + [Tok(",", toks[close].start, toks[close].start)]:
        if t.text != ",":
            item.append(t)
            continue
        if not item:
            return None
        head = Tok(cmd.text, cmd.start if not out else item[0].start, item[0].start, cmd.space if not out else True)
        out += [head, Tok("{", item[0].start, item[0].start), *item, Tok("}", item[-1].end, item[-1].end)]
        if t.end > t.start:
            out.append(t)
        item = []
    return out


def _clean_delimiter(toks: list[Tok], i: int, out: list[Tok], gap: bool) -> int:
    """``\\left(`` → ``(``; ``\\left|`` → ``\\lvert``; ``\\left.`` → nothing."""
    side = toks[i].text
    if i + 1 >= len(toks):
        return i + 1
    d = toks[i + 1]
    x = d.text
    if x == ".":
        return i + 2
    if x in ("|", "\\vert", "\\lvert", "\\rvert"):
        d.text = "\\lvert" if side == "\\left" else "\\rvert"
    elif x in ("\\|", "\\Vert", "\\lVert", "\\rVert"):
        d.text = "\\lVert" if side == "\\left" else "\\rVert"
    d.start = toks[i].start
    d.space = toks[i].space
    d.gap = gap or d.gap
    out.append(d)
    return i + 2


def _skip_args(toks: list[Tok], i: int, count: int, star: bool = False) -> int:
    n = len(toks)
    if star and i < n and toks[i].text == "*":
        i += 1
    for _ in range(count):
        if i < n and toks[i].text == "[":
            while i < n and toks[i].text != "]":
                i += 1
            i += 1
        if i < n and toks[i].text == "{":
            i = _close_brace(toks, i) + 1
        elif i < n:
            i += 1
    return i


def _skip_dimension(toks: list[Tok], i: int) -> int:
    n = len(toks)
    if i < n and toks[i].text == "-":
        i += 1
    if i < n and "0" <= toks[i].text[:1] <= "9":
        i += 1
    while i < n and toks[i].text.isalpha() and len(toks[i].text) == 1:
        i += 1
    return i


def _group_letters(toks: list[Tok], i: int) -> tuple[int, str, bool] | None:
    """Letters of the brace group (or single token) at ``i``: (index after, letters, only letters?)."""
    n = len(toks)
    if i >= n:
        return None
    if toks[i].text != "{":
        x = toks[i].text
        if len(x) == 1 and x.isalnum():
            return i + 1, x, True
        return None
    close = _close_brace(toks, i)
    letters: list[str] = []
    clean = True
    for k in range(i + 1, close):
        x = toks[k].text
        if x.isalnum():
            letters.append(x)
        elif x in N.SPACING_MACROS or x in N.NEGATIVE_SPACES or x in N.DROPPED_MACROS:
            continue
        elif x in (".", "-", "'", ",") and letters:
            letters.append(x)
            clean = False
        else:
            return close + 1, "", False
    return close + 1, "".join(letters), clean


def _read_word(toks: list[Tok], i: int, latex: str) -> tuple[int, Tok] | None:
    """``\\operatorname{tr}``, ``\\mathrm{d}``, ``\\text{and}``, ``\\mathop{d}`` → one word/prose token."""
    t = toks[i]
    x = t.text
    is_upright = x in N.UPRIGHT_COMMANDS or x == "\\mathop"
    is_text = x in N.TEXT_COMMANDS
    if not (is_upright or is_text):
        return None
    j = i + 1
    if j < len(toks) and toks[j].text == "*":  # \operatorname*{argmin}
        j += 1
    got = _group_letters(toks, j)
    if got is None:
        if is_text:
            return _prose(toks, i, j, latex)
        return None
    after, word, clean = got
    if not word:
        if is_text:
            return _prose(toks, i, j, latex)
        return None
    if x == "\\mathop" and word != "d":
        return None
    if is_text and not clean:
        return _prose(toks, i, j, latex)
    if is_text and word not in N.WORDS and not (len(word) == 1 and word.isalpha()):
        return _prose(toks, i, j, latex)
    if x in ("\\mathit", "\\mathnormal") and len(word) == 1:
        return None
    w = Tok(_WORD_TEXT, t.start, toks[after - 1].end, t.space)
    w.word = N.WORDS.get(word, word)
    w.note = f"{x}{{{word}}}"
    return after, w


def _prose(toks: list[Tok], i: int, j: int, latex: str) -> tuple[int, Tok]:
    end = _close_brace(toks, j) if j < len(toks) and toks[j].text == "{" else j
    last = toks[min(end, len(toks) - 1)]
    w = Tok(_PROSE_TEXT, toks[i].start, last.end, toks[i].space)
    inner_start = toks[j].end if j < len(toks) else last.end
    w.note = latex[inner_start : last.start].strip() if end > j else ""
    return end + 1, w


def _letter_run_word(toks: list[Tok], i: int) -> tuple[int, str] | None:
    """A known operator word at the start of a run of plain letters: ``tr``, ``diag``, ``logdet``."""
    letters = [toks[i].text]
    j = i + 1
    n = len(toks)
    while j < n and len(letters) < 8:
        t = toks[j]
        if t.space or len(t.text) != 1 or not t.text.isalpha():
            if t.text in N.NEGATIVE_SPACES:
                j += 1
                continue
            break
        letters.append(t.text)
        j += 1
    if len(letters) < 2:
        return None
    run = "".join(letters)
    for word in N.RUN_WORDS:
        if run.startswith(word):
            rest = run[len(word) :]
            if rest and rest[0].islower():
                continue
            # consume exactly len(word) letters (skipping \! tokens)
            k = i
            taken = 0
            while taken < len(word):
                if toks[k].text not in N.NEGATIVE_SPACES:
                    taken += 1
                k += 1
            return k, word
    return None
