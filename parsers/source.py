"""File bytes → text: decoding (UTF-8, BOM, declared LaTeX encodings), binary sniffing, newlines.

Policy (chosen so that a wrong guess never silently mangles math):

- UTF-8, with or without a BOM, is the normal case. A UTF-16 BOM is honoured too.
- A file that is not valid UTF-8 raises `UnreadableError` naming the first bad byte —
  *except* a LaTeX file that declares its encoding with ``\\usepackage[latin1]{inputenc}``
  (or ``latin9``, ``ansinew``, ``cp1252``), which is decoded as it declares. A latin-1
  fallback for everything else would accept any bytes at all (GBK notes, UTF-16 without a
  BOM) and turn the math into mojibake without a word; an error is the honest answer.
- NUL bytes mean a binary file (`UnreadableError`); so does anything over `MAX_BYTES`.
- Empty input is fine: an empty text.
- Newlines are normalised to ``"\\n"`` once, here; `DecodedText.newline` remembers the
  file's own style (the most frequent one) so ``--fix`` can write it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_BYTES", "DecodedText", "UnreadableError", "decode", "normalise_newlines"]

MAX_BYTES = 20 * 1024 * 1024
"""Files larger than this (20 MB) are not read."""

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_INPUTENC = re.compile(rb"\\usepackage\s*\[\s*(latin1|latin9|ansinew|cp1252)\s*\]\s*\{\s*inputenc\s*\}")
_INPUTENC_CODECS = {b"latin1": "latin-1", b"latin9": "iso8859-15", b"ansinew": "cp1252", b"cp1252": "cp1252"}


class UnreadableError(Exception):
    """The bytes are not a text file mathlint can read (binary, undecodable, too large)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A decoded, newline-normalised text and how it was stored."""

    text: str
    """The text with every ``\\r\\n`` and lone ``\\r`` replaced by ``\\n``."""
    newline: str = "\n"
    """The file's own newline style: ``"\\n"``, ``"\\r\\n"`` or ``"\\r"`` (the most frequent)."""
    encoding: str = "utf-8"
    bom: bool = False


def normalise_newlines(text: str) -> tuple[str, str]:
    """``(text with "\\n" newlines, original style)``; the style is the most frequent one.

    >>> normalise_newlines("a\\r\\nb\\r\\n")
    ('a\\nb\\n', '\\r\\n')
    """
    if "\r" not in text:
        return text, "\n"
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    # ties go to "\n", then "\r\n" (max keeps the first of equal keys)
    style = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"), key=lambda pair: pair[0])[1]
    return text.replace("\r\n", "\n").replace("\r", "\n"), style


def decode(data: bytes, path: str = "") -> DecodedText:
    """Decode the bytes of one file; raise `UnreadableError` when they are not readable text.

    :param data: the file's bytes
    :param path: used for the encoding declaration check (``.tex``) and error messages
    """
    if len(data) > MAX_BYTES:
        raise UnreadableError(f"file is too large ({len(data)} bytes; the limit is {MAX_BYTES})", path)
    if data.startswith(_UTF8_BOM):
        encoding, bom, body = "utf-8", True, data[len(_UTF8_BOM):]
    elif data.startswith(_UTF16_BOMS):
        encoding, bom, body = "utf-16", True, data
    else:
        encoding, bom, body = "utf-8", False, data
    if encoding == "utf-8" and b"\x00" in body:
        raise UnreadableError(f"binary file (NUL byte at offset {body.index(0)})", path)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        declared = _declared_latex_encoding(body, path)
        if declared is None:
            bad = body[exc.start:exc.start + 1].hex()
            raise UnreadableError(
                f"not valid {encoding.upper()} (byte 0x{bad} at offset {exc.start}); "
                "re-save the file as UTF-8", path) from None
        encoding, text = declared, body.decode(declared, errors="replace")
    if encoding == "utf-16" and text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise UnreadableError("binary file (NUL character)", path)
    text, newline = normalise_newlines(text)
    return DecodedText(text=text, newline=newline, encoding=encoding, bom=bom)


def _declared_latex_encoding(body: bytes, path: str) -> str | None:
    """The codec a LaTeX file declares with ``\\usepackage[..]{inputenc}``, if any."""
    if not path.lower().endswith((".tex", ".sty", ".ltx")):
        return None
    match = _INPUTENC.search(body[:65536])
    return _INPUTENC_CODECS[match.group(1)] if match else None
