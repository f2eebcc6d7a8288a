"""Searching the knowledge base as it would be after a publish, without publishing.

The candidate entries replace the live ones in the index for the length of the questions' searches
and are put back before anyone else may search: the index's write lock (re-entrant) is held from the
swap to the restore, so every other search waits those few milliseconds and never sees a draft.
The index keeps its own ranking and confidence: the questions are searched exactly as the desk's are.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from kb import service
from kb.base import KnowledgeBase
from kb.schemas import IndexDoc, SearchResult

__all__ = ["search_as_published"]


def search_as_published(
    kb: KnowledgeBase,
    session: Session,
    *,
    candidates: Sequence[IndexDoc],
    queries: Sequence[str],
    k: int = 10,
) -> list[SearchResult]:
    """The results of ``queries`` with ``candidates`` live in place of their current versions."""
    kb.catch_up(session, force=True)
    targets = [d.target for d in candidates]
    index = kb.index
    with index._write_lock:
        try:
            index.upsert(candidates)
            return [kb.searcher.run(query=q, k=k) for q in queries]
        finally:
            live = service.index_documents(session, targets=targets)
            index.upsert(live)
            index.remove(set(targets) - {d.target for d in live})
