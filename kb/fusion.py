"""Fusing keyword and vector rankings.

Each list's scores are standardised against that query's own candidate list (z-scores over
the top ``n``), then mixed linearly. Unlike reciprocal-rank fusion this keeps *how far* the
leader is ahead: a strong dense match is not dragged down by a mediocre keyword rank, and
equal-weight RRF with a weaker keyword list measurably lowered dense R@1. The keyword weight
is small because dense retrieval is the stronger signal on paraphrased questions; the bench
reports both alone and fused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kb.index import EntryHit


@dataclass(slots=True)
class Fused:
    entry: int
    score: float
    keyword: EntryHit | None = None
    vector: EntryHit | None = None


def _z(hits: Sequence[EntryHit]) -> tuple[dict[int, float], float]:
    """z-scores by entry, and the z-score a missing entry gets (the list's floor)."""
    if not hits:
        return {}, 0.0
    scores = np.array([h.score for h in hits], dtype=np.float64)
    mu, sd = scores.mean(), scores.std() + 1e-6
    z = {h.entry: float((h.score - mu) / sd) for h in hits}
    return z, float((scores.min() - mu) / sd)


def fuse(
    keyword: Sequence[EntryHit], vector: Sequence[EntryHit], *, keyword_weight: float = 0.35
) -> list[Fused]:
    kz, kfloor = _z(keyword)
    vz, vfloor = _z(vector)
    if not keyword:
        keyword_weight = 0.0
    if not vector:
        keyword_weight = 1.0
    by_k = {h.entry: h for h in keyword}
    by_v = {h.entry: h for h in vector}
    out = [
        Fused(
            entry=e,
            score=keyword_weight * kz.get(e, kfloor) + (1.0 - keyword_weight) * vz.get(e, vfloor),
            keyword=by_k.get(e),
            vector=by_v.get(e),
        )
        for e in set(by_k) | set(by_v)
    ]
    out.sort(key=lambda f: (-f.score, f.entry))
    return out
