"""SARIF 2.1.0: valid against the official schema, what GitHub code scanning requires, stable fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from mathlint.checker.rules import RULES
from mathlint.renderers.sarif import artifact_uri, render_sarif, rule_name

from .conftest import MARKDOWN, build_latex_report, build_markdown_report, unreadable_report

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(log: dict) -> None:
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    validator_class.check_schema(SCHEMA)
    validator = validator_class(SCHEMA, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def run_log() -> dict:
    return json.loads(render_sarif((build_markdown_report(), build_latex_report(), unreadable_report())))


def test_shipped_schema_is_the_official_one() -> None:
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


def test_valid_against_the_schema() -> None:
    validate(run_log())


def test_clean_run_is_valid_and_still_lists_rules() -> None:
    log = json.loads(render_sarif(()))
    validate(log)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


def test_schema_catches_a_broken_log() -> None:  # the validation really bites
    log = run_log()
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    with pytest.raises(AssertionError):
        validate(log)


def test_driver_has_every_registry_rule_with_github_fields() -> None:
    log = run_log()
    assert log["$schema"] and log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for r in rules:
        rule = RULES[r["id"]]
        assert r["name"] == rule_name(rule.code)
        assert r["shortDescription"]["text"] == rule.summary
        assert r["fullDescription"]["text"] and r["help"]["text"]
        assert r["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[
            rule.severity.value]


def test_results_point_at_rules_and_regions() -> None:
    run = run_log()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == 15
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        (location,) = result["locations"]
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
        assert not location["physicalLocation"]["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert list(result["partialFingerprints"]) == ["mathlintClaimHash/v1"]
    first = run["results"][1]
    assert first["ruleId"] == "wrong-derivative"
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 10, "startColumn": 92, "endLine": 10, "endColumn": 116}
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == (
        r"\mathbf{B}\mathbf{A}")


def test_fingerprints_ignore_line_numbers_but_not_content() -> None:
    def prints(text: str) -> list[str]:
        log = json.loads(render_sarif(build_markdown_report(text)))
        return [r["partialFingerprints"]["mathlintClaimHash/v1"] for r in log["runs"][0]["results"]]

    base = prints(MARKDOWN)
    shifted = prints("Intro line.\n\nAnother paragraph.\n\n" + MARKDOWN)
    assert base == shifted
    assert len(set(base)) == len(base)
    changed = prints(MARKDOWN.replace(r"\mathbf{A}^T\mathbf{B}^T \tag{2}", r"\mathbf{A}^T \mathbf{B}^{T} \tag{2}"))
    assert changed != base


def test_artifact_uris() -> None:
    assert artifact_uri("docs/notes.md") == "docs/notes.md"
    assert artifact_uri("./docs/my notes#1.md") == "docs/my%20notes%231.md"
    assert artifact_uri("/repo/docs/a.md", root="/repo") == "docs/a.md"
    assert artifact_uri("/elsewhere/a.md", root="/repo") == "file:///elsewhere/a.md"
    assert artifact_uri("docs\\sub\\a.md") == "docs/sub/a.md"
    assert artifact_uri("docs/ünï.md") == "docs/%C3%BCn%C3%AF.md"


def test_absolute_paths_made_relative_to_root() -> None:
    report = build_markdown_report(path="/work/repo/docs/notes.md")
    log = json.loads(render_sarif(report, root="/work/repo"))
    validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"docs/notes.md"}
