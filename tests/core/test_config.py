"""Where the corpus and the data directory are by default: in a checkout, and for an installed wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import PROJECT_ROOT, Settings, default_corpus_dir, default_data_dir, in_checkout


def test_a_checkout_uses_its_own_corpus_and_var() -> None:
    assert in_checkout()
    assert default_corpus_dir() == PROJECT_ROOT / "corpus"
    assert default_data_dir() == PROJECT_ROOT / "var"


def test_an_installed_wheel_reads_the_corpus_from_its_prefix_and_writes_to_the_working_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "lib" / "python3.11" / "site-packages"  # where core/ lands: no pyproject, no corpus
    site.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert not in_checkout(site)
    assert default_corpus_dir(site, prefix=tmp_path) == tmp_path / "share" / "yichuang" / "corpus"
    assert default_data_dir(site) == tmp_path / "var"


def test_the_environment_overrides_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YICHUANG_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("YICHUANG_DATA_DIR", str(tmp_path / "data"))
    s = Settings()
    assert (s.corpus_dir, s.data_dir) == (tmp_path / "corpus", tmp_path / "data")
