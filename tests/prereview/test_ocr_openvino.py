"""OpenVINO runs the packaged PP-OCR models for real, offline, in the precision it is told."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import FORM_LINES, photo_of, text_image

from prereview.ocr import RapidOcrEngine
from prereview.ocr_openvino import OpenVinoSession
from prereview.orient import read_page_image

pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    # a photographed form, tilted and blurred: the comparison is not on the easiest pixels
    return np.asarray(photo_of(text_image(FORM_LINES), tilt=2.0, blur=0.8))


def _read(engine: RapidOcrEngine, image: np.ndarray) -> list[tuple[str, tuple[float, ...]]]:
    lines = read_page_image(image, engine).lines
    return [(ln.text, (ln.box.x0, ln.box.y0, ln.box.x1, ln.box.y1)) for ln in lines]


def test_openvino_f32_reads_as_onnxruntime_does(page: np.ndarray) -> None:
    reference = _read(RapidOcrEngine(threads=1), page)
    openvino = RapidOcrEngine(threads=1, det_runtime="openvino-f32", rec_runtime="openvino-f32")
    got = _read(openvino, page)
    assert [t for t, _ in got] == [t for t, _ in reference]
    for (_, box), (_, ref) in zip(got, reference, strict=True):
        assert np.allclose(box, ref, atol=1.0)
    assert any(FORM_LINES[2].split()[-1] in t for t, _ in got)


def test_openvino_bf16_recognition_reads_the_form(page: np.ndarray) -> None:
    engine = RapidOcrEngine(threads=1, rec_runtime="openvino-bf16")
    texts = "\n".join(t for t, _ in _read(engine, page))
    assert FORM_LINES[0] in texts and "91361100MA35XK2L7Q" in texts


def test_the_precision_asked_is_the_precision_run() -> None:
    import rapidocr

    rec = Path(rapidocr.__file__).parent / "models" / "PP-OCRv6_rec_small.onnx"
    assert OpenVinoSession(rec, precision="f32").precision == "f32"
    # bf16 where the CPU computes it natively, f32 (never anything else) where it does not
    assert OpenVinoSession(rec, precision="bf16").precision in {"bf16", "f32"}
