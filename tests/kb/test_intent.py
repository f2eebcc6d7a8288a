"""Guide hits move down by how much less their section kind fits the question than the best kind."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from kb.fusion import Fused
from kb.intent import INTENTS, SectionIntent


class _AxisEmbedder:
    """Each intent text on its own axis, so a question's fit to each kind is set by hand."""

    model_id, dim = "axes", 4

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.eye(4, dtype=np.float32)[[list(INTENTS.values()).index(t) for t in texts]]

    def embed_queries(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - not used
        raise AssertionError


def _index(*targets: str) -> SimpleNamespace:
    kinds = ["faq" if "#Q" in t else "guide" for t in targets]
    return SimpleNamespace(
        entries=[SimpleNamespace(target=t, kind=k) for t, k in zip(targets, kinds, strict=True)]
    )


def test_only_guide_sections_of_a_worse_fitting_kind_move_down() -> None:
    intent = SectionIntent(_AxisEmbedder(), weight=10.0)
    index = _index("SL-001#conditions", "SL-001#materials", "SL-001#Q1", "SL-001#history")
    qvec = np.array([0.80, 0.90, 0.70, 0.75], np.float32)  # conditions, materials, reject, basic
    assert intent.fit(qvec)["materials"] == 0.0
    fused = [
        Fused(entry=0, score=2.0),
        Fused(entry=1, score=1.5),
        Fused(entry=2, score=1.8),
        Fused(entry=3, score=0.5),
    ]
    out = intent.rerank(fused, index, qvec)  # type: ignore[arg-type]
    assert [f.entry for f in out] == [2, 1, 0, 3]
    assert np.isclose(out[2].score, 2.0 - 10.0 * 0.1)  # conditions: 0.1 short of materials
    assert out[0].score == 1.8 and out[1].score == 1.5  # the FAQ and the best-fitting kind keep theirs
    assert out[3].score == 0.5  # a section kind with no intent is left alone
