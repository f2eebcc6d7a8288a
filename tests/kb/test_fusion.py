from kb.fusion import fuse
from kb.index import EntryHit


def _hits(pairs: list[tuple[int, float]]) -> list[EntryHit]:
    return [EntryHit(entry=e, score=s, rank=i + 1, detail=0) for i, (e, s) in enumerate(pairs)]


def test_a_clear_dense_leader_survives_a_middling_keyword_rank() -> None:
    vector = _hits([(1, 0.95), (2, 0.86), (3, 0.85), (4, 0.85)])
    keyword = _hits([(2, 9.0), (3, 8.5), (1, 8.0), (4, 2.0)])
    assert fuse(keyword, vector, keyword_weight=0.35)[0].entry == 1


def test_one_sided_lists() -> None:
    assert [f.entry for f in fuse([], _hits([(3, 0.9), (1, 0.8)]))] == [3, 1]
    assert [f.entry for f in fuse(_hits([(2, 5.0), (1, 1.0)]), [])] == [2, 1]
    assert fuse([], []) == []
