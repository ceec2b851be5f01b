"""The cache: safe codec, per-key store, report and verdict caches; never breaks a run."""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from mathlint.cache import ReportCache, Store, VerdictCache, code_fingerprint, hash_key, options_fingerprint
from mathlint.checker.findings import FileReport
from mathlint.checker.options import CheckOptions, Layout
from mathlint.checker.rules import RULES, Severity, WRONG_DERIVATIVE
from mathlint.checker.verdicts import Reason, Status, TermMatch, Verdict
from mathlint.parsers.expr import Mul, Symbol, Transpose
from mathlint.serialize import decode, encode

from .fakes import fake_report


def test_codec_round_trips_a_report() -> None:
    report = fake_report("a.md", "x WRONG y\nLAYOUT\n")
    back = decode(json.loads(json.dumps(encode(report))))
    assert back == report
    assert back.findings[0].rule is WRONG_DERIVATIVE  # the registry's object, not a copy
    assert back.findings[0].level is Severity.ERROR
    assert back.findings[0].message == "WRONG is wrong"
    assert back.claims[1].claim.layout is Layout.DENOMINATOR


def test_codec_values() -> None:
    verdict = Verdict(Status.WRONG, expected=Mul((Symbol("A", "matrix"), Transpose(Symbol("B")))),
                      terms=(TermMatch(1, "A", False, "A^T"),), explanation=("a", "b"))
    shared = Symbol("X")
    value = {"v": verdict, "s": frozenset({"b", "a"}), "l": [1, (2, 3)], "f": Fraction(1, 2),
             "c": 1 + 2j, "n": None, "t": (shared, shared)}
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value
    assert back["t"][0] is back["t"][1]  # shared objects stay shared


def test_codec_refuses_foreign_types_and_classes() -> None:
    with pytest.raises(TypeError):
        encode(object())
    with pytest.raises(ValueError, match="not a mathlint class"):
        decode({"dc": "os:system", "f": {}})
    with pytest.raises(ValueError):
        decode({"enum": "subprocess:Popen", "v": 1})
    with pytest.raises(ValueError):
        decode({"dc": "mathlint.parsers.span:Span", "f": {"bogus": 1}})
    with pytest.raises(ValueError):
        decode({"what": 1})


def test_keys() -> None:
    assert hash_key("a", "bc") != hash_key("ab", "c")
    assert len(code_fingerprint()) == 16 and code_fingerprint() == code_fingerprint()
    a = options_fingerprint(CheckOptions(ignore=frozenset({"x", "y", "z"})))
    assert a == options_fingerprint(CheckOptions(ignore=frozenset({"z", "y", "x"})))
    assert a != options_fingerprint(CheckOptions(ignore=frozenset({"x"})))
    assert VerdictCache.key("tr(X)", "ctx") != VerdictCache.key("tr(X)", "ctx2")


def test_store_round_trip_and_layout(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache", "things")
    key = hash_key("k")
    assert store.read(key) is None
    assert store.write(key, {"a": [1, 2]})
    assert store.read(key) == {"a": [1, 2]}
    assert (store.hits, store.misses) == (1, 1)
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (tmp_path / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not list((tmp_path / "cache").rglob(".tmp-*"))


def test_corrupt_entry_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path)
    key = VerdictCache.key("claim")
    cache.put(key, Verdict(Status.VERIFIED))
    entry = next(tmp_path.rglob("*.json"))
    entry.write_bytes(b"\x00garbage{")
    assert cache.get(key) is None
    assert not entry.exists()
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(json.dumps({"dc": "mathlint.checker.verdicts:Verdict", "f": {"verdict": 3}}))
    assert cache.get(key) is None  # well-formed JSON, not what mathlint wrote: still just a miss
    entry.write_text(json.dumps(encode(Verdict(Status.VERIFIED)))[:-7])  # truncated
    assert cache.get(key) is None
    cache.put(key, Verdict(Status.WRONG, detail="x"))
    assert cache.get(key) == Verdict(Status.WRONG, detail="x")


def test_unwritable_cache_turns_itself_off(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    cache = VerdictCache(blocker)
    key = VerdictCache.key("claim")
    cache.put(key, Verdict(Status.VERIFIED))  # no exception
    assert cache.get(key) is None
    assert cache.store.enabled is False and "cannot write" in (cache.store.problem or "")


def test_disabled_cache(tmp_path: Path) -> None:
    cache = VerdictCache(None)
    cache.put("k", 1)
    assert cache.get("k") is None


def test_report_cache(tmp_path: Path) -> None:
    options = CheckOptions()
    cache = ReportCache(tmp_path, options)
    report = fake_report("a.md", "WRONG\n")
    key = cache.key("a.md", b"WRONG\n")
    assert cache.get(key, "a.md") is None
    assert cache.put(key, report)
    hit = cache.get(key, "a.md", text="WRONG\n")
    assert hit == report and hit.text == "WRONG\n"
    assert cache.get(key, "b.md") is None  # a report is only replayed for its own path
    assert key != cache.key("a.md", b"WRONG \n")
    assert key != cache.key("b.md", b"WRONG\n")
    assert key != ReportCache(tmp_path, CheckOptions(layout=Layout.NUMERATOR)).key("a.md", b"WRONG\n")


def test_report_cache_skips_what_should_not_be_replayed(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path, CheckOptions())
    report = fake_report("a.md", "WRONG\n")
    timed_out = replace(report, claims=(replace(report.claims[0], verdict=Verdict.unsupported(Reason.TIMEOUT)),))
    assert not cache.put(cache.key("a.md", b"1"), timed_out)
    assert not cache.put(cache.key("a.md", b"2"), replace(report, readable=False))
    assert cache.put(cache.key("a.md", b"3"), report)


def test_every_rule_survives_the_codec() -> None:
    for rule in RULES.values():
        assert decode(encode(rule)) is rule


def test_doctests() -> None:
    import doctest

    import mathlint.serialize

    assert doctest.testmod(mathlint.serialize).failed == 0


def test_value_fingerprint_ignores_positions_and_notation() -> None:
    from mathlint.cache import value_fingerprint

    a = Mul((Symbol("A", "matrix", loc=(0, 1)), Transpose(Symbol("B"), note="^\\top")))
    b = Mul((Symbol("A", "matrix", loc=(5, 6)), Transpose(Symbol("B"), note="^T")))
    assert value_fingerprint(a, Layout.NUMERATOR) == value_fingerprint(b, Layout.NUMERATOR)
    assert value_fingerprint(a, Layout.NUMERATOR) != value_fingerprint(a, Layout.DENOMINATOR)
    assert value_fingerprint(frozenset({"x", "y", "z"})) == value_fingerprint(frozenset({"z", "y", "x"}))


def test_real_reports_round_trip() -> None:
    from mathlint.api import check_text

    text = ("# Notes\n\n"
            "$$\\frac{\\partial \\operatorname{tr}(\\mathbf{A}\\mathbf{X}\\mathbf{B})}{\\partial \\mathbf{X}}"
            " = \\mathbf{A}\\mathbf{B}$$\n\n$$(\\mathbf{A}\\mathbf{B})^T = \\mathbf{B}^T\\mathbf{A}^T$$\n")
    report = check_text(text, "notes.md")
    assert report.claims and report.findings
    back = decode(json.loads(json.dumps(encode(replace(report, text=None)))))
    assert back == replace(report, text=None)
    assert [r.claim.context for r in back.claims] == [r.claim.context for r in report.claims]
    assert [f.fix for f in back.findings] == [f.fix for f in report.findings]
