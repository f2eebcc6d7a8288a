"""Int8 candidates derived from the packaged PP-OCR models, for `bench/ocr_models.py` to judge.

    .venv/bin/python bench/ocr_int8.py OUT [--models det,rec] [--pages 30]

Writes OUT/ as a model folder the service takes (``YICHUANG_OCR_MODEL_DIR=OUT``): each model named in
``--models`` quantized statically (onnxruntime QDQ, int8 weights per channel, uint8 activations, opset
13), calibrated on the very inputs the float models get when reading ``--pages`` sample pages (every
third photo or scanned page of ``../shared/cases/public`` and hard X01–X03, never X04–X05); the other
model linked as packaged. Nothing is downloaded: the float models come from the rapidocr wheel.

Measured on this project's 2-core AVX2 machine (no VNNI): int8 recognition runs ~19% faster a line and
reads a sixth to a quarter of the lines differently; the answers of hard cases change (docs/ocr-speed.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import itertools
import tempfile
from typing import Any

import numpy as np
import onnx
from onnx import version_converter
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

from bench.ocr_models import page_images
from prereview.ocr import RapidOcrEngine
from prereview.orient import read_page_image

MAX_INPUTS = 200  # calibration inputs per model: past this the ranges no longer move


class Recorded(CalibrationDataReader):
    def __init__(self, inputs: list[np.ndarray]) -> None:
        self._inputs = iter(inputs)

    def get_next(self) -> dict[str, np.ndarray] | None:
        x = next(self._inputs, None)
        return None if x is None else {"x": x}


def model_inputs(engine: RapidOcrEngine, pages: int) -> dict[str, list[np.ndarray]]:
    """The inputs the det and rec sessions get while reading sample pages."""
    ocr: Any = engine._ocr
    seen: dict[str, list[np.ndarray]] = {"det": [], "rec": []}
    for kind, stage in (("det", ocr.text_det), ("rec", ocr.text_rec)):
        session = stage.session
        run = session.__call__

        def record(x: np.ndarray, run: Any = run, kind: str = kind) -> Any:
            seen[kind].append(np.array(x))
            return run(x)

        stage.session = _Recording(session, record)
    every_third = itertools.islice(page_images(["public", "hard"], 0), 0, None, 3)
    for _, image in itertools.islice(every_third, pages):
        read_page_image(image, engine)
    rng = np.random.default_rng(0)
    for kind, xs in seen.items():
        if len(xs) > MAX_INPUTS:
            seen[kind] = [xs[i] for i in sorted(rng.choice(len(xs), MAX_INPUTS, replace=False))]
    return seen


class _Recording:
    """A rapidocr session that hands every input to `record` (which runs it)."""

    def __init__(self, session: Any, record: Any) -> None:
        self._session = session
        self._record = record

    def __call__(self, x: np.ndarray) -> Any:
        return self._record(x)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def quantize(src: Path, target: Path, inputs: list[np.ndarray]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        quant_pre_process(str(src), str(pre), skip_symbolic_shape=True)
        # per-channel scales need DequantizeLinear's axis: opset 13
        opset13 = Path(tmp) / "opset13.onnx"
        onnx.save(version_converter.convert_version(onnx.load(str(pre)), 13), str(opset13))
        quantize_static(
            str(opset13),
            str(target),
            Recorded(inputs),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--models", default="det,rec", help="which to quantize: det, rec or both")
    parser.add_argument("--pages", type=int, default=30)
    args = parser.parse_args()
    import rapidocr

    packaged = Path(rapidocr.__file__).parent / "models"
    files = {"det": packaged / "PP-OCRv6_det_small.onnx", "rec": packaged / "PP-OCRv6_rec_small.onnx"}
    inputs = model_inputs(RapidOcrEngine(threads=1), args.pages)
    args.out.mkdir(parents=True, exist_ok=True)
    for kind, src in files.items():
        if kind in args.models.split(","):
            quantize(src, args.out / f"{src.stem}.int8.onnx", inputs[kind])
            print(f"{kind}: {len(inputs[kind])} calibration inputs → {args.out / (src.stem + '.int8.onnx')}")
        else:
            link = args.out / src.name
            link.unlink(missing_ok=True)
            link.symlink_to(src)


if __name__ == "__main__":
    main()
