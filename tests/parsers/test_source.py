"""Decoding: UTF-8, BOMs, declared LaTeX encodings, binary and oversized input, newlines."""

from __future__ import annotations

import pytest

from mathlint.parsers.source import MAX_BYTES, UnreadableError, decode, normalise_newlines


def test_plain_utf8() -> None:
    got = decode("a $x$ 𝐀\n".encode(), "n.md")
    assert (got.text, got.newline, got.encoding, got.bom) == ("a $x$ 𝐀\n", "\n", "utf-8", False)


def test_utf8_bom_is_stripped_and_remembered() -> None:
    got = decode(b"\xef\xbb\xbf$x$\n", "n.md")
    assert (got.text, got.bom, got.encoding) == ("$x$\n", True, "utf-8")


def test_utf16_with_bom() -> None:
    got = decode("$A^T$\r\n".encode("utf-16"), "n.md")
    assert (got.text, got.newline, got.encoding, got.bom) == ("$A^T$\n", "\r\n", "utf-16", True)


def test_empty_file_is_fine() -> None:
    got = decode(b"", "empty.md")
    assert (got.text, got.newline) == ("", "\n")


def test_crlf_is_normalised_once_and_remembered() -> None:
    got = decode(b"a\r\nb\r\n\r\nc", "n.md")
    assert (got.text, got.newline) == ("a\nb\n\nc", "\r\n")


def test_lone_cr_files() -> None:
    got = decode(b"a\rb\r", "n.md")
    assert (got.text, got.newline) == ("a\nb\n", "\r")


def test_mixed_newlines_take_the_most_frequent() -> None:
    assert normalise_newlines("a\r\nb\r\nc\nd") == ("a\nb\nc\nd", "\r\n")
    assert normalise_newlines("a\nb\r\n") == ("a\nb\n", "\n")  # a tie goes to "\n"


def test_binary_file_is_unreadable() -> None:
    with pytest.raises(UnreadableError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.md")


def test_non_utf8_is_unreadable_with_position() -> None:
    with pytest.raises(UnreadableError) as info:
        decode("caf\u00e9 $x$".encode("latin-1"), "notes.md")
    assert "0xe9" in info.value.message and "offset 3" in info.value.message
    assert info.value.path == "notes.md"


def test_latex_declaring_latin1_is_decoded_as_declared() -> None:
    data = "\\usepackage[latin1]{inputenc}\ncaf\u00e9 $x$\n".encode("latin-1")
    got = decode(data, "paper.tex")
    assert got.encoding == "latin-1" and "caf\u00e9" in got.text


def test_declaration_only_counts_for_latex_files() -> None:
    data = "\\usepackage[latin1]{inputenc}\ncaf\u00e9".encode("latin-1")
    with pytest.raises(UnreadableError):
        decode(data, "notes.md")


def test_too_large_is_unreadable() -> None:
    with pytest.raises(UnreadableError, match="too large"):
        decode(b"a" * (MAX_BYTES + 1), "big.md")
