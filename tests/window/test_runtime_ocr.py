"""The operator's OCR model folder (``ocr_model_dir``) and runtimes are what the runs and the page images
read with."""

from __future__ import annotations

from pathlib import Path

import pytest

from prereview.ocr import OcrUnavailable
from rules.live import RuleLibrary
from tests.fixtures.api_app import make_settings
from window.runtime import build_page_images, build_prereviewer


def test_the_runs_and_the_page_images_load_the_configured_models(
    tmp_path: Path, library: RuleLibrary
) -> None:
    # a folder without models: the real loading code in the reader processes says so at start
    empty = tmp_path / "models"
    empty.mkdir()
    settings = make_settings(tmp_path, ocr_model_dir=empty, workers=1)
    with pytest.raises(OcrUnavailable, match="must hold a"):
        build_prereviewer(settings=settings, library=library)
    pages = build_page_images(settings)
    try:
        with pytest.raises(OcrUnavailable, match="must hold a"):
            pages._reader().start()
    finally:
        pages.close()


def test_the_page_images_read_with_the_runs_runtimes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, ocr_rec_runtime="openvino-bf16", workers=1)
    pages = build_page_images(settings)
    assert pages._ocr_runtimes == ("onnxruntime", "openvino-bf16")
