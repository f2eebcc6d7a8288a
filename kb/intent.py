"""Which part of a service guide a question asks for: conditions, materials, refusals, basic facts.

A guide section's vectors carry its item's name as much as its kind, and with e5-small the name
dominates: for "办建设项目环评审批要准备哪些材料" the item's conditions question (0.930) edged out
its materials question (0.929). Compared with item-free questions, one per section kind, the same
question leans clearly to "materials" (0.876 against 0.867 for the next kind). So each guide
hit is moved down by how much less its kind fits the question than the best-fitting kind does;
the best-fitting kind, FAQs and everything else keep their scores.

The weight was chosen on the dev questions only (flat from 10 to 80 there) and checked on the
others; bench/kb.py reports all three sets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kb.embed import Embedder
from kb.fusion import Fused
from kb.index import KnowledgeIndex

INTENTS: dict[str, str] = {
    "conditions": "需要满足哪些受理条件？什么条件才能申请？",
    "materials": "需要提交哪些材料？材料清单",
    "reject": "什么情况下不予受理？",
    "basic": "办理时限多久？收不收费？在哪里办？",
}
WEIGHT = 20.0  # fused scores are z-scores; kind fits differ by 0.01-0.06 in cosine


class SectionIntent:
    def __init__(self, embedder: Embedder, *, weight: float = WEIGHT) -> None:
        self.kinds = list(INTENTS)
        self.vectors = embedder.embed_passages([INTENTS[k] for k in self.kinds])
        self.weight = weight

    def fit(self, qvec: np.ndarray) -> dict[str, float]:
        """How far each section kind falls short of the best-fitting one (0 for the best)."""
        sims = self.vectors @ qvec
        best = float(sims.max())
        return {kind: float(s) - best for kind, s in zip(self.kinds, sims, strict=True)}

    def rerank(self, fused: Sequence[Fused], index: KnowledgeIndex, qvec: np.ndarray) -> list[Fused]:
        shortfall = self.fit(qvec)
        out = list(fused)
        for f in out:
            entry = index.entries[f.entry]
            if entry.kind == "guide":
                f.score += self.weight * shortfall.get(entry.target.partition("#")[2], 0.0)
        out.sort(key=lambda f: (-f.score, f.entry))
        return out
