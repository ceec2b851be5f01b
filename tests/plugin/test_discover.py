"""Discovery: which files a run checks, and in which order."""

from __future__ import annotations

import os
from pathlib import Path

from mathlint.discover import discover, is_checkable


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")


def rel(paths: tuple[str, ...], root: Path) -> list[str]:
    return [Path(p).relative_to(root).as_posix() for p in paths]


def test_folder_walk_is_sorted_and_filtered(tmp_path: Path) -> None:
    touch(tmp_path, "b.md", "a.tex", "c.rst", "d.markdown", "e.txt", "f.MD", "sub/z.md", "sub/a.md",
          "a/x.md", "notes.sty")
    found = discover([str(tmp_path)])
    assert rel(found.files, tmp_path) == ["a/x.md", "a.tex", "b.md", "c.rst", "d.markdown", "f.MD",
                                          "sub/a.md", "sub/z.md"]
    assert found.skipped == ()


def test_walk_skips_hidden_tool_and_venv_folders(tmp_path: Path) -> None:
    touch(tmp_path, "keep.md", ".hidden.md", ".git/x.md", ".venv/x.md", "venv/x.md", "node_modules/x.md",
          "site/index.md", "docs/_build/x.rst", "env/pyvenv.cfg", "env/x.md", ".mathlint_cache/x.md",
          "docs/ok.rst")
    assert rel(discover([str(tmp_path)]).files, tmp_path) == ["docs/ok.rst", "keep.md"]


def test_explicit_files_keep_argument_order_and_are_deduplicated(tmp_path: Path) -> None:
    touch(tmp_path, "b.md", "a.md", ".hidden.md")
    b, a, hidden = (str(tmp_path / n) for n in ("b.md", "a.md", ".hidden.md"))
    found = discover([b, a, hidden, b, str(tmp_path)])
    assert found.files == (b, a, hidden)


def test_explicit_unknown_suffix_is_skipped_missing_is_kept(tmp_path: Path) -> None:
    touch(tmp_path, "notes.txt")
    found = discover([str(tmp_path / "notes.txt"), str(tmp_path / "missing.md")])
    assert found.files == (str(tmp_path / "missing.md"),)
    assert found.skipped == (str(tmp_path / "notes.txt"),)


def test_exclude_patterns_apply_to_walks_and_explicit_files(tmp_path: Path) -> None:
    touch(tmp_path, "drafts/a.md", "drafts/deep/b.md", "final/c.md", "final/skip-me.md")
    patterns = ["drafts/*", "skip-*"]
    assert rel(discover([str(tmp_path)], patterns, tmp_path).files, tmp_path) == ["final/c.md"]
    assert discover([str(tmp_path / "drafts" / "a.md")], patterns, tmp_path).files == ()
    assert rel(discover([str(tmp_path)], ["drafts"], tmp_path).files, tmp_path) == ["final/c.md", "final/skip-me.md"]


def test_relative_paths_are_shown_as_given(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    touch(tmp_path, "docs/a.md", "b.md")
    monkeypatch.chdir(tmp_path)
    assert discover(["."]).files == ("b.md", os.path.join("docs", "a.md"))
    assert discover(["docs", "./b.md"]).files == (os.path.join("docs", "a.md"), "./b.md")


def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    touch(tmp_path, "real/a.md")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    assert discover([str(tmp_path / "docs")]).files == ()


def test_is_checkable() -> None:
    assert is_checkable("a.md") and is_checkable("A.TEX") and is_checkable("x/y.rst")
    assert not is_checkable("a.sty") and not is_checkable("README")
