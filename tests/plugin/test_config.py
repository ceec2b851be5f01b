"""Config: defaults, [tool.mathlint], precedence, validation, project root, cache location."""

from __future__ import annotations

from pathlib import Path

import pytest

from mathlint.checker.options import CheckOptions, Layout
from mathlint.checker.rules import Severity
from mathlint.config import Config, find_project_root, load_config, merge, parse_codes
from mathlint.errors import ConfigError, UsageError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_check_options() -> None:
    config = Config()
    assert config.check_options() == CheckOptions()
    assert config.fail_on == "error" and config.format == "text" and config.select is None


def test_check_options_carries_checking_fields() -> None:
    config = Config(layout=Layout.NUMERATOR, timeout=2.0, select=frozenset({"wrong-derivative"}),
                    ignore=frozenset({"parse-error"}), explain=True)
    options = config.check_options()
    assert options.layout is Layout.NUMERATOR
    assert options.timeout == 2.0
    assert options.select == {"wrong-derivative"}
    assert options.ignore == {"parse-error"}
    assert options.explain is True


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", """
[project]
name = "notes"

[tool.mathlint]
layout = "numerator"
timeout = 3
select = ["wrong-derivative", "layout-mismatch"]
ignore = "parse-error"
fail-on = "warning"
exclude = ["drafts/*"]
cache-dir = "build/cache"
jobs = 1
""")
    note = write(tmp_path / "docs" / "a.md", "x")
    config = load_config([str(note)])
    assert config.root == str(tmp_path)
    assert config.source == str(tmp_path / "pyproject.toml")
    assert config.layout is Layout.NUMERATOR
    assert config.timeout == 3.0
    assert config.select == {"wrong-derivative", "layout-mismatch"}
    assert config.ignore == {"parse-error"}
    assert config.fail_on == "warning"
    assert config.exclude == ("drafts/*",)
    assert config.cache_path() == (tmp_path / "build" / "cache").resolve()
    assert config.jobs == 1


def test_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    config = load_config([str(tmp_path)])
    assert config == Config()
    assert config.source == str(tmp_path / "pyproject.toml")


def test_flags_override_file_select_replaces_ignore_adds(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", """[tool.mathlint]
layout = "numerator"
select = ["wrong-derivative"]
ignore = ["parse-error"]
""")
    config = load_config([str(tmp_path)], {
        "layout": "denominator", "select": frozenset({"wrong-equality"}),
        "ignore": frozenset({"layout-mismatch"}), "timeout": None,
    })
    assert config.layout is Layout.DENOMINATOR
    assert config.select == {"wrong-equality"}
    assert config.ignore == {"parse-error", "layout-mismatch"}
    assert config.timeout == 5.0  # None means "not given"


@pytest.mark.parametrize("body, key", [
    ("[tool.mathlint\nlayout = 1", None),                       # broken TOML
    ("[tool.mathlint]\nlayot = 'numerator'", "layot"),          # typo in a key
    ("[tool.mathlint]\nlayout = 'sideways'", "layout"),
    ("[tool.mathlint]\ntimeout = -1", "timeout"),
    ("[tool.mathlint]\ntimeout = true", "timeout"),
    ("[tool.mathlint]\nselect = ['no-such-rule']", "select"),
    ("[tool.mathlint]\nfail-on = 'sometimes'", "fail-on"),
    ("[tool.mathlint]\nexclude = [1]", "exclude"),
    ("[tool.mathlint]\njobs = -2", "jobs"),
    ("[tool]\nmathlint = 3", None),
])
def test_bad_configuration_is_a_config_error(tmp_path: Path, body: str, key: str | None) -> None:
    write(tmp_path / "pyproject.toml", body)
    with pytest.raises(ConfigError) as info:
        load_config([str(tmp_path)])
    assert info.value.path == str(tmp_path / "pyproject.toml")
    assert info.value.key == key
    assert str(tmp_path / "pyproject.toml") in str(info.value)


def test_unknown_code_in_config_names_it(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.mathlint]\nignore = ['wrong-derivative', 'bogus']\n")
    with pytest.raises(ConfigError, match="bogus"):
        load_config([str(tmp_path)])


def test_parse_codes() -> None:
    assert parse_codes("wrong-derivative, layout-mismatch") == {"wrong-derivative", "layout-mismatch"}
    assert parse_codes(["wrong-derivative", "parse-error,derived"]) == {"wrong-derivative", "parse-error", "derived"}
    assert parse_codes(",") == frozenset()
    with pytest.raises(UsageError, match="'nope'"):
        parse_codes("wrong-derivative,nope", "--select")


def test_explicit_config_file(tmp_path: Path) -> None:
    write(tmp_path / "conf" / "mathlint.toml", "layout = 'numerator'\n")
    config = load_config([str(tmp_path)], config_file=str(tmp_path / "conf" / "mathlint.toml"))
    assert config.layout is Layout.NUMERATOR
    assert config.root == str(tmp_path / "conf")
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config([], config_file=str(tmp_path / "missing.toml"))


def test_project_root_markers(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "repo" / "docs" / "sub" / "a.md", "")
    write(tmp_path / "repo" / "docs" / "b.md", "")
    assert find_project_root([str(tmp_path / "repo" / "docs" / "sub" / "a.md"),
                              str(tmp_path / "repo" / "docs" / "b.md")]) == tmp_path / "repo"
    write(tmp_path / "repo" / "docs" / "pyproject.toml", "")
    assert find_project_root([str(tmp_path / "repo" / "docs" / "b.md")]) == tmp_path / "repo" / "docs"
    assert find_project_root(["b.md"], cwd=str(tmp_path / "repo" / "docs")) == tmp_path / "repo" / "docs"


def test_cache_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", "")
    monkeypatch.delenv("MATHLINT_CACHE_DIR", raising=False)
    assert load_config([str(tmp_path)]).cache_path() == tmp_path / ".mathlint_cache"
    assert load_config([str(tmp_path)], {"no_cache": True}).cache_path() is None
    monkeypatch.setenv("MATHLINT_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert load_config([str(tmp_path)]).cache_path() == tmp_path / "elsewhere"
    write(tmp_path / "pyproject.toml", "[tool.mathlint]\ncache = false\n")
    assert load_config([str(tmp_path)]).cache_path() is None


@pytest.mark.parametrize("fail_on, error, warning, info", [
    ("error", True, False, False),
    ("warning", True, True, False),
    ("never", False, False, False),
])
def test_fails(fail_on: str, error: bool, warning: bool, info: bool) -> None:
    config = merge(Config(), {"fail_on": fail_on})
    assert config.fails(Severity.ERROR) is error
    assert config.fails("warning") is warning
    assert config.fails(Severity.INFO) is info
