"""OpenVINO in place of onnxruntime for one of rapidocr's PP-OCR models, on the very same ONNX file.

A runtime is ``onnxruntime`` (rapidocr's own session), ``openvino-f32`` or ``openvino-bf16`` (the CPU
plugin of OpenVINO at that inference precision). The session is built here rather than through
rapidocr's ``engine_type: openvino`` because rapidocr passes OpenVINO no inference precision, and on a
CPU with AVX512_BF16 or AMX OpenVINO then computes in bfloat16 by default: the readings would depend
on the machine. Here the precision is always the one named. bf16 needs a CPU that has it natively;
elsewhere OpenVINO runs the model in f32 (see ``precision``).

Each session has one stream, ``threads`` threads and no CPU pinning: the service runs one reader per
core, and OpenVINO pinning each of them would put them all on the first cores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np

from core.config import OcrRuntime

__all__ = ["SHAPE_CACHE", "OcrRuntime", "OpenVinoSession", "Precision", "precision_of"]

Precision = Literal["f32", "bf16"]

# OpenVINO keeps the kernels it prepared for each input shape it has seen, 5,000 shapes by default; every
# page and every batch of lines has its own, so a reader's memory grew by ~400 MB over 30 pages and would
# go on growing. 50 shapes: ~170 MB above onnxruntime's reader, for ~8% more CPU than the unbounded cache.
SHAPE_CACHE = 50


class OpenVinoSession:
    """The call rapidocr's detector and recogniser make of their session: one input, one output."""

    def __init__(self, model: Path, *, precision: Precision, threads: int = 1) -> None:
        import openvino as ov  # heavy: imported only by a reader that uses it

        compiled = ov.Core().compile_model(
            str(model),
            "CPU",
            {
                "INFERENCE_PRECISION_HINT": precision,
                "INFERENCE_NUM_THREADS": threads,
                "NUM_STREAMS": 1,
                "PERFORMANCE_HINT": "LATENCY",
                "ENABLE_CPU_PINNING": False,
                "CPU_RUNTIME_CACHE_CAPACITY": SHAPE_CACHE,
            },
        )
        # what the plugin took: f32 on a CPU without native bf16, whatever was asked
        self.precision: str = compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name()
        self._request = compiled.create_infer_request()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self._request.infer([batch])
        # the output tensor is the request's own buffer, overwritten by the next call
        return np.array(self._request.get_output_tensor().data, copy=True)


def precision_of(runtime: OcrRuntime) -> Precision:
    """The inference precision an OpenVINO runtime asks for."""
    return "bf16" if runtime == "openvino-bf16" else "f32"
