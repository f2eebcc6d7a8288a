"""OCR engines: what the reader needs from one, and the RapidOCR (PP-OCR ONNX) implementation.

An engine works on upright-or-not RGB `numpy` arrays (H x W x 3, uint8) and offers three calls:

- `detect(image)` -> text-box quadrilaterals (4 x 2 float arrays, pixel coordinates of `image`);
- `read_crops(crops)` -> (text, score) for each already-cropped, horizontal line image;
- `recognize(image)` -> the page's `TextLine`s in reading order.

Page orientation is decided once per page from `detect` + `read_crops` (see `prereview.orient`),
never by a per-line angle classifier: PP-OCR's classifier silently drops long upright lines.

`RapidOcrEngine` loads its ONNX sessions in the constructor (explicitly, by the caller: one per
worker process, ~0.5 GB). It uses the PP-OCRv6 small det/rec models packaged in the rapidocr wheel,
which run offline; `model_dir` points it at an operator's own PP-OCR ONNX det/rec files instead.
Each model runs on onnxruntime, or on OpenVINO (`det_runtime`, `rec_runtime`: `prereview.ocr_openvino`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from prereview.documents import Box, TextLine
from prereview.ocr_openvino import OcrRuntime, OpenVinoSession, precision_of

Quad = np.ndarray  # (4, 2) float32: the corners of a text box, clockwise from top-left


class OcrEngine(Protocol):
    def detect(self, image: np.ndarray) -> list[Quad]: ...

    def read_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]: ...

    def recognize(self, image: np.ndarray) -> list[TextLine]: ...


class OcrUnavailable(RuntimeError):
    """The OCR engine cannot be built (models missing or unreadable): an operator's problem."""


class RapidOcrEngine:
    """PP-OCR through rapidocr + onnxruntime (or OpenVINO, model by model), CPU only."""

    def __init__(
        self,
        *,
        threads: int = 2,
        model_dir: Path | None = None,
        det_side: int = 960,
        min_score: float = 0.5,
        box_thresh: float = 0.4,
        det_runtime: OcrRuntime = "onnxruntime",
        rec_runtime: OcrRuntime = "onnxruntime",
    ) -> None:
        from rapidocr import RapidOCR  # heavy: imported only by whoever builds an engine

        params: dict[str, Any] = {
            "Global.log_level": "error",  # "no text found" is only a warning: blank pages are no news
            "Global.use_cls": False,
            "Global.text_score": min_score,
            # crops for recognition come from the image scaled to this side: keep it at full working size
            "Global.max_side_len": 4096,
            "Det.limit_type": "max",
            "Det.limit_side_len": det_side,
            # a line half covered by a seal or handwriting, or faded in a photo, scores 0.4-0.5 as a box
            # (the default 0.5 drops it); clean pages gave the same lines with 0.4, and recognition's
            # own confidence filters what is no text
            "Det.box_thresh": box_thresh,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            # rapidocr turns onnxruntime's memory arena off; with it, a detection reuses the buffers of the
            # last instead of allocating its activations anew (a fifth less detection CPU, same boxes)
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
        }
        if model_dir is not None or {det_runtime, rec_runtime} != {"onnxruntime"}:
            params |= _model_params(model_dir or _packaged_models())
        try:
            self._ocr = RapidOCR(params=params)
            self.warm_up()
            # rapidocr has loaded its onnxruntime sessions (and the recogniser its dictionary from the
            # model's metadata): the models asked on OpenVINO get theirs in their place
            parts: list[tuple[Any, OcrRuntime, str]] = [
                (self._ocr.text_det, det_runtime, "Det.model_path"),
                (self._ocr.text_rec, rec_runtime, "Rec.model_path"),
            ]
            for part, runtime, key in parts:
                if runtime != "onnxruntime":
                    part.session = OpenVinoSession(
                        Path(params[key]), precision=precision_of(runtime), threads=threads
                    )
            if {det_runtime, rec_runtime} != {"onnxruntime"}:
                self.warm_up()
        except Exception as exc:  # rapidocr raises bare Exceptions, ValueErrors, FileNotFoundErrors...
            raise OcrUnavailable(f"cannot load the OCR models: {exc}") from exc

    def warm_up(self) -> None:
        """Load both sessions now (rapidocr loads lazily), so no file's time limit pays for it."""
        canvas = np.full((64, 256, 3), 255, np.uint8)
        cv2.putText(canvas, "OCR 2026", (8, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
        self.recognize(canvas)

    def _run(self, image: np.ndarray, *, det: bool, rec: bool) -> Any:
        # rapidocr keeps per-call options as state: always pass all three
        bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if image.ndim == 3 and image.shape[2] == 3 else image
        return self._ocr(bgr, use_det=det, use_cls=False, use_rec=rec)

    def detect(self, image: np.ndarray) -> list[Quad]:
        out = self._run(image, det=True, rec=False)
        boxes = getattr(out, "boxes", None)
        if boxes is None:
            return []
        return [np.asarray(b, dtype=np.float32).reshape(4, 2) for b in boxes]

    def read_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        results: list[tuple[str, float]] = []
        for crop in crops:
            if crop.size == 0 or min(crop.shape[:2]) < 2:
                results.append(("", 0.0))
                continue
            out = self._run(crop, det=False, rec=True)
            txts, scores = getattr(out, "txts", None), getattr(out, "scores", None)
            results.append((str(txts[0]), float(scores[0])) if txts and scores else ("", 0.0))
        return results

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        out = self._run(image, det=True, rec=True)
        boxes, txts, scores = (getattr(out, k, None) for k in ("boxes", "txts", "scores"))
        if boxes is None or not txts or scores is None:
            return []
        lines = [
            TextLine(text=str(t).strip(), box=quad_box(np.asarray(b)), score=float(s))
            for b, t, s in zip(boxes, txts, scores, strict=False)
            if str(t).strip()
        ]
        return reading_order(lines)


def _model_params(model_dir: Path) -> dict[str, Any]:
    """rapidocr params for an operator's PP-OCR ONNX files: *det*.onnx, *rec*.onnx, optional keys .txt."""
    det = sorted(model_dir.glob("*det*.onnx"))
    rec = sorted(model_dir.glob("*rec*.onnx"))
    if not det or not rec:
        raise OcrUnavailable(f"{model_dir} must hold a *det*.onnx and a *rec*.onnx PP-OCR model")
    params: dict[str, Any] = {"Det.model_path": str(det[0]), "Rec.model_path": str(rec[0])}
    keys = sorted(model_dir.glob("*.txt"))
    if keys:  # models exported without their dictionary in the ONNX metadata need it
        params["Rec.rec_keys_path"] = str(keys[0])
    return params


def _packaged_models() -> Path:
    """The rapidocr wheel's own model folder (PP-OCRv6 small det and rec, and the unused classifier)."""
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


def quad_box(quad: np.ndarray) -> Box:
    pts = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
    return Box(
        x0=float(pts[:, 0].min()),
        y0=float(pts[:, 1].min()),
        x1=float(pts[:, 0].max()),
        y1=float(pts[:, 1].max()),
    )


def reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Top to bottom by rows (vertical overlap of half a line), left to right within a row."""
    rows: list[list[TextLine]] = []
    spans: list[tuple[float, float]] = []
    for line in sorted(lines, key=lambda ln: (ln.box.y0, ln.box.x0)):
        for i, (top, bottom) in enumerate(spans):
            overlap = min(line.box.y1, bottom) - max(line.box.y0, top)
            if overlap >= 0.5 * min(line.box.height, bottom - top):
                rows[i].append(line)
                spans[i] = (min(top, line.box.y0), max(bottom, line.box.y1))
                break
        else:
            rows.append([line])
            spans.append((line.box.y0, line.box.y1))
    order = sorted(range(len(rows)), key=lambda i: spans[i][0])
    return [line for i in order for line in sorted(rows[i], key=lambda ln: ln.box.x0)]
