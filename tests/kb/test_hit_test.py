from pathlib import Path

import pytest

from kb.errors import InvalidQueryFile
from kb.hit_test import evaluate, load_cases
from kb.schemas import HitTestCase, MatchReason, SearchHit, SearchResult


def _result(targets: list[str], confident: bool = True) -> SearchResult:
    hits = [
        SearchHit(
            target=t,
            kind="faq",
            item="X-001",
            department="d",
            title="",
            snippet="",
            score=1.0,
            why=MatchReason(),
        )
        for t in targets
    ]
    return SearchResult(query="q", rewritten="q", confident=confident, confidence=0.9, hits=hits)


def test_metrics_follow_the_readme() -> None:
    cases = [
        HitTestCase(id="a", query="q", targets=["X-001#Q1"]),
        HitTestCase(id="b", query="q", targets=["X-001#Q2", "X-001#basic"]),
        HitTestCase(id="c", query="q", targets=["X-001#Q3"]),
        HitTestCase(id="d", query="q", targets=[]),
        HitTestCase(id="e", query="q", targets=[]),
    ]
    results = [
        _result(["X-001#Q1", "X-001#Q9"]),
        _result(["X-001#Q9", "X-001#Q9", "X-001#basic"]),  # duplicates merge: basic is rank 2
        _result(["X-001#Q3"], confident=False),  # abstaining on an answerable question is a miss
        _result(["X-001#Q1"], confident=False),
        _result(["X-001#Q1"], confident=True),
    ]
    r = evaluate(cases, results)
    assert r.recall_at_1 == pytest.approx(1 / 3)
    assert r.recall_at_5 == pytest.approx(2 / 3)
    assert r.mrr == pytest.approx((1 + 0.5) / 3)
    assert r.no_answer_rate == pytest.approx(0.5)
    assert r.false_abstention_rate == pytest.approx(1 / 3)
    assert [m.id for m in r.misses] == ["c", "e"]


def test_load_cases_reports_the_bad_line(tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "a", "query": "x", "targets": []}\n\nnot json\n', encoding="utf-8")
    with pytest.raises(InvalidQueryFile, match=":3:"):
        load_cases(f)
