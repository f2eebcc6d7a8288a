import numpy as np

from kb.bm25 import BM25Index
from kb.text import Tokenizer

TOK = Tokenizer()


def _index(texts: list[str]) -> BM25Index:
    index = BM25Index()
    for t in texts:
        index.add(TOK.tokens(t))
    return index


def test_ranks_by_overlap_and_reports_matched_terms() -> None:
    index = _index(["取水许可证有效期多久", "营业执照复印件忘带了", "取水工程验收"])
    hits = index.search(TOK.tokens("取水许可证多久到期"), k=3)
    assert [h.slot for h in hits][:2] == [0, 2]
    terms = index.matched_terms(TOK.tokens("取水许可证多久到期 营业"), [0, 1])
    assert "许可" in terms[0] and "营业" not in terms[0]
    assert terms[1] == ["业", "营", "营业"]


def test_removed_documents_never_come_back_and_mask_filters() -> None:
    index = _index(["取水许可证有效期多久", "取水许可证要交什么"])
    index.remove(0)
    assert [h.slot for h in index.search(TOK.tokens("取水许可证"), k=5)] == [1]
    assert index.search(TOK.tokens("取水许可证"), k=5, mask=np.array([1.0, 0.0], np.float32)) == []
    assert index.live_count == 1


def test_coverage_of_a_full_match_is_about_one() -> None:
    index = _index(["取水许可证有效期多久", "营业执照", "环评批复", "危化证"])
    q = TOK.tokens("取水许可证有效期多久")
    best = index.search(q, k=1)[0].score
    assert 0.7 < best / index.max_score(q) < 1.5


def test_round_trip_through_arrays() -> None:
    index = _index(["取水许可证有效期多久", "营业执照复印件忘带了"])
    index.remove(1)
    again = BM25Index.from_arrays(index.to_arrays())
    q = TOK.tokens("营业执照有效期")
    assert [(h.slot, round(h.score, 5)) for h in again.search(q, k=5)] == [
        (h.slot, round(h.score, 5)) for h in index.search(q, k=5)
    ]
    assert again.add(TOK.tokens("新条目")) == 2


def test_empty_index_returns_nothing() -> None:
    assert BM25Index().search(["x"], k=3) == []
