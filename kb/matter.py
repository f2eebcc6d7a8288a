"""Whose matter is the question? Evidence the desk reads from the knowledge base itself, not from lists.

* Item evidence (routing): what each item is about, seen two ways and added — the finder's view (the
  question's mean cosine to the item's closest goals, long names and guide clauses) and the KB's view
  (the mean cosine of the item's own closest entries among the candidates). A goal in new words sits
  near no single stored question, yet both views point to its item; a look-alike usually splits them.
* Item-specific words: a bigram of the question that the KB's entries use almost only in one item (or
  one 一件事 with its own items) — 注册资本, 取水口 — ties the question to that item, whatever else it
  asks. Counted from the index's own postings, so it follows the corpus as staff edit it.
* Counterparts: entries of other items whose passages say nearly the same as the passage the
  question matched (委托 in SC-001's FAQ and in the other items' materials): the matter is one every
  item has its own answer to, so a question that names no item is asked back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from kb.fusion import Fused
from kb.index import Entry, KnowledgeIndex
from kb.text import bigram_tokens, normalize

__all__ = ["counterparts", "entry_lead", "item_evidence", "item_specific", "leads"]


def item_evidence(
    fused: Sequence[Fused], index: KnowledgeIndex, meaning: Mapping[str, float], *, depth: int
) -> dict[str, float]:
    """Per item, the finder's ``meaning`` plus the mean vector cosine of the item's ``depth`` closest
    candidate entries (an item with fewer is padded with the candidates' lowest cosine)."""
    own: dict[str, list[float]] = {}
    for f in fused:
        item = index.entries[f.entry].item
        if f.vector is not None and item:
            own.setdefault(item, []).append(f.vector.score)
    if not own or not meaning:
        return {}
    floor = min(min(v) for v in own.values())
    out: dict[str, float] = {}
    for code, view in meaning.items():
        best = sorted(own.get(code, []), reverse=True)[:depth]
        best += [floor] * (depth - len(best))
        out[code] = view + float(np.mean(best))
    return out


def leads(evidence: Mapping[str, float], kin: set[str], margin: float) -> bool:
    """Is one of ``kin`` (an item with its 一件事 or own items) first, ahead of every other by ``margin``?"""
    ours = [v for c, v in evidence.items() if c in kin]
    if not ours:
        return False
    rest = max((v for c, v in evidence.items() if c not in kin), default=0.0)
    return max(ours) - rest >= margin and max(ours) >= max(evidence.values())


def entry_lead(fused: Sequence[Fused], index: KnowledgeIndex, kin: set[str]) -> float:
    """How far (fused z-scores) the best entry, one of ``kin``'s items, leads the best entry of anything
    else (another item's or a term); 0 when the best entry is not theirs, infinite when nothing else came
    up. Several of one item's entries ahead of all the rest are one matter, not rivals."""
    if not fused or index.entries[fused[0].entry].item not in kin:
        return 0.0
    rest = (f.score for f in fused if index.entries[f.entry].item not in kin)
    return fused[0].score - max(rest, default=-np.inf)


def item_specific(
    query: str, index: KnowledgeIndex, family: Mapping[str, str], *, share: float, least: int
) -> set[str]:
    """The item families whose own words the question uses: bigrams found in at least ``least`` entries,
    ``share`` of them of one family (terms and entries of no item not counted)."""
    found: set[str] = set()
    for bigram in set(bigram_tokens(normalize(query))):
        used, total = index.items_using(bigram)
        counts: dict[str, int] = {}
        for item, n in used.items():
            head = family.get(item, item)
            counts[head] = counts.get(head, 0) + n
        if not counts:
            continue
        head, n = max(counts.items(), key=lambda kv: kv[1])
        if n >= least and n >= share * total:
            found.add(head)
    return found


def counterparts(
    first: Fused,
    index: KnowledgeIndex,
    family: Mapping[str, str],
    *,
    mask: np.ndarray,
    close: float,
    depth: int = 30,
) -> list[Entry]:
    """Other items' entries whose best passage is within cosine ``close`` of the passage ``first``
    matched through, one per item, closest first (none when ``first`` matched by keywords only)."""
    if first.vector is None:
        return []
    top = index.entries[first.entry]
    ours = family.get(top.item, top.item)
    vec = index.vectors.vector(first.vector.detail)
    found: dict[str, Entry] = {}
    for hit in index.vector_search(vec, k=depth, mask=mask):
        if hit.score < close:
            break
        entry = index.entries[hit.entry]
        if entry.kind == "term" or not entry.item or family.get(entry.item, entry.item) == ours:
            continue
        found.setdefault(entry.item, entry)
    return list(found.values())
