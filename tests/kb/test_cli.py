"""The typer app end to end on a temporary database, with the fake embedder."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.config import get_settings
from kb import cli
from kb.passages import file_name
from tests.kb.conftest import ROOT, FakeEmbedder

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("YICHUANG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YICHUANG_DATABASE_URL", f"sqlite:///{tmp_path / 'kb.db'}")
    monkeypatch.setattr(cli, "make_embedder", lambda **_kw: FakeEmbedder())
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_batch_search_prints_one_json_line_per_query(env: Path) -> None:
    queries = env / "q.jsonl"
    queries.write_text(
        '{"id": "a", "query": "取水许可证有效期多久", "targets": ["SL-001#Q11"]}\n'
        '{"id": "b", "query": "危化证批下来管几年", "targets": []}\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["search", "--batch", str(queries), "--k", "3"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(ln) for ln in result.stdout.splitlines() if ln.startswith("{")]
    assert [ln["id"] for ln in lines] == ["a", "b"]
    assert lines[0]["hits"][0]["target"] == "SL-001#Q11" and len(lines[0]["hits"]) == 3
    assert isinstance(lines[0]["confident"], bool) and "score" in lines[0]["hits"][0]
    assert (env / "kb_index" / "CURRENT").exists()


def test_single_search_hit_test_and_reindex(env: Path) -> None:
    result = runner.invoke(cli.app, ["search", "取水许可证有效期多久", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hits"][0]["target"] == "SL-001#Q11"
    cases = env / "cases.jsonl"
    cases.write_text(
        '{"id": "a", "query": "取水许可证有效期多久", "targets": ["SL-001#Q11"]}\n', encoding="utf-8"
    )
    result = runner.invoke(cli.app, ["hit-test", str(cases), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["recall_at_5"] == 1.0
    result = runner.invoke(cli.app, ["hit-test", "--query", "取水许可证有效期多久", "--expect", "SL-001#Q11"])
    assert result.exit_code == 0 and "R@5 1.000" in result.stdout
    result = runner.invoke(cli.app, ["reindex"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli.app, ["unanswered"]).exit_code == 0
    assert runner.invoke(cli.app, ["feedback"]).exit_code == 0
    result = runner.invoke(cli.app, ["glossary", "井证", "取水许可证"])
    assert result.exit_code == 0 and "井证\t取水许可证" in result.stdout


def test_usage_errors(env: Path) -> None:
    assert runner.invoke(cli.app, ["search"]).exit_code == 2
    bad = env / "bad.jsonl"
    bad.write_text("nope\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["hit-test", str(bad)])
    assert result.exit_code == 2


def test_export_vectors_ships_what_a_build_embeds_and_a_start_reuses_them(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = env / "corpus"
    shutil.copytree(ROOT / "corpus" / "faq", corpus / "faq")
    monkeypatch.setenv("YICHUANG_CORPUS_DIR", str(corpus))
    get_settings.cache_clear()
    result = runner.invoke(cli.app, ["export-vectors"])
    assert result.exit_code == 0, result.output
    shipped = corpus / "kb" / file_name(FakeEmbedder.model_id)
    assert "written" in result.output and shipped.exists()
    assert "already up to date" in runner.invoke(cli.app, ["export-vectors"]).output
    engine = FakeEmbedder()
    monkeypatch.setattr(cli, "make_embedder", lambda **_kw: engine)
    shutil.rmtree(env / "kb_index", ignore_errors=True)
    result = runner.invoke(cli.app, ["search", "取水许可证有效期多久", "--json"])
    assert result.exit_code == 0, result.output
    assert engine.calls == 1  # the question; every passage came from the shipped file
