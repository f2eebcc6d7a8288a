"""What the ranking's first entries say about the question, and what a hit shows: the whole entry as
the answer, its beginning as a related hit's preview (``snippet``), and why it matched."""

from __future__ import annotations

from kb.cues import ASKS_CONCEPT, ASKS_NAME
from kb.fusion import Fused
from kb.index import KnowledgeIndex
from kb.schemas import EntryKind, MatchReason, SearchHit

SNIPPET_CHARS = 160


def asks_about_term(fused: list[Fused], index: KnowledgeIndex, query: str) -> bool:
    """Does the question ask what a concept is (or compare two), with a term first?"""
    return bool(fused) and index.entries[fused[0].entry].kind == "term" and bool(ASKS_CONCEPT.search(query))


def item_named_as_concept(fused: list[Fused], index: KnowledgeIndex, query: str, named: bool) -> bool:
    """Does the question ask what a practice is called (``ASKS_NAME``), name no item, and find an item's
    entry first?"""
    if named or not fused or index.entries[fused[0].entry].kind == "term":
        return False
    return bool(ASKS_NAME.search(query))


def near_term(fused: list[Fused], index: KnowledgeIndex, depth: int = 3) -> str | None:
    """The best-ranked term among the first ``depth`` entries."""
    return next((e.target for e in (index.entries[f.entry] for f in fused[:depth]) if e.kind == "term"), None)


def snippet(body: str, *, limit: int = SNIPPET_CHARS) -> str:
    """The beginning of an entry as a related hit shows it: whole rows or sentences up to ``limit``
    characters, never a row cut inside its value (a guide row "法定时限：① …；② …" cut after its mark
    shows the mark as if it were the value); cut at ``limit`` only when no row or sentence ends in the
    second half, and marked as cut."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    end = max(head.rfind(mark) for mark in "\n。；;！？!?")
    if end >= limit // 2:
        return head[: end + 1].rstrip() + "…"
    return head + "…"


def hit_of(index: KnowledgeIndex, f: Fused) -> SearchHit:
    entry = index.entries[f.entry]
    why = MatchReason()
    if f.keyword is not None:
        why.keyword_terms = f.keyword.terms
        why.keyword_score = round(f.keyword.score, 4)
        why.keyword_rank = f.keyword.rank
    if f.vector is not None:
        why.vector_score = round(f.vector.score, 4)
        why.vector_rank = f.vector.rank
        why.matched_text = index.pos_text[f.vector.detail][:SNIPPET_CHARS]
    # The answer is the whole entry: the FAQ's answer, the term's definition, or the guide section as
    # rendered for reading; the chunk that matched stays in ``why`` (a cut chunk is no answer).
    kind: EntryKind = "faq" if entry.kind == "faq" else "term" if entry.kind == "term" else "guide"
    return SearchHit(
        target=entry.target,
        kind=kind,
        item=entry.item,
        item_name=entry.item_name,
        department=entry.department,
        title=entry.title,
        snippet=snippet(entry.body),
        answer=entry.body,
        basis=entry.basis,
        score=round(f.score, 4),
        why=why,
    )
