"""OCR models compared on the sample pages: what a faster model changes in the readings, and what it saves.

    .venv/bin/python bench/ocr_models.py [--models packaged,DIR,packaged@openvino-bf16...] [--limit 0]
                                         [--sets public,hard] [-v]

Reads every photo and scanned-PDF page of ``../shared/cases/public`` and hard X01–X03 (never the
held-out X04–X05) with the float PP-OCR models (the reference) and with each other model set, page by
page in this process, one onnxruntime thread, and prints per model set: CPU seconds per page (all of
the page's reading: decoding excluded, seal erasing, detection, turning, recognition), detection and
recognition CPU seconds per page, pages whose lines differ from the reference (text or line count),
lines whose text differs, and lines whose confidence moved across the 0.5 reading threshold.

A model set is ``packaged`` (the PP-OCR models of the rapidocr wheel, the reference when first) or a
folder of PP-OCR ONNX det/rec files, as the service takes them (``YICHUANG_OCR_MODEL_DIR``); for a
candidate folder the service's own benches then give the answers and the speed end to end:
``YICHUANG_OCR_MODEL_DIR=DIR bench/cases.py`` and ``bench/eight.py``. ``bench/ocr_int8.py`` derives
int8 candidates from the packaged models.

``@DET/REC`` after a model set names the runtime of each model (``onnxruntime``, ``openvino-f32``,
``openvino-bf16``; one name for both): ``packaged@onnxruntime/openvino-bf16`` reads the packaged
models with recognition on OpenVINO in bfloat16. The service takes the same choice from
``YICHUANG_OCR_DET_RUNTIME`` and ``YICHUANG_OCR_REC_RUNTIME``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import cast, get_args

import numpy as np
from rich.console import Console
from rich.table import Table

from bench.harden import has_text_layer
from bench.scoring import group_of
from prereview.cases import find_cases
from prereview.documents import TextLine
from prereview.images import load_images
from prereview.ocr import Quad, RapidOcrEngine
from prereview.ocr_openvino import OcrRuntime
from prereview.orient import read_page_image
from prereview.pdf import read_pdf
from prereview.sniff import check_readable, sniff_file

ROOT = Path(__file__).resolve().parent.parent
PHOTO = {".jpg", ".jpeg", ".png"}


class TimedEngine:
    """An engine that adds up the CPU seconds its detection and its recognition take."""

    def __init__(self, engine: RapidOcrEngine) -> None:
        self.engine = engine
        self.det = self.rec = 0.0
        self.crops = 0

    def detect(self, image: np.ndarray) -> list[Quad]:
        t = time.process_time()
        try:
            return self.engine.detect(image)
        finally:
            self.det += time.process_time() - t

    def read_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        t = time.process_time()
        try:
            return self.engine.read_crops(crops)
        finally:
            self.rec += time.process_time() - t
            self.crops += len(crops)

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        return self.engine.recognize(image)


def page_images(sets: Sequence[str], limit: int) -> Iterator[tuple[str, np.ndarray]]:
    """(name, RGB image) of every OCRed page of the sample cases (held-out cases left out)."""
    count = 0
    for name in sets:
        for folder in find_cases(ROOT.parent / "shared" / "cases" / name):
            if group_of(folder).endswith("(held out)"):
                continue
            for path in sorted((folder / "files").iterdir()):
                suffix = path.suffix.lower()
                if suffix in PHOTO:
                    kind = check_readable(sniff_file(path, name=path.name), max_bytes=1 << 30)
                    images = list(load_images(path, kind=kind, max_pixels=60_000_000, max_pages=60))
                elif suffix == ".pdf" and not has_text_layer(path):
                    images = [
                        p.image
                        for p in read_pdf(path, max_pages=60, max_pixels=60_000_000)
                        if p.image is not None
                    ]
                else:
                    continue
                for k, image in enumerate(images):
                    yield f"{folder.name}/{path.name}#{k + 1}", image
                    count += 1
                    if limit and count >= limit:
                        return


@dataclass
class Tally:
    pages: int = 0
    cpu: float = 0.0
    det: float = 0.0
    rec: float = 0.0
    crops: int = 0
    lines: int = 0
    pages_changed: int = 0
    lines_changed: int = 0
    changed: list[str] = field(default_factory=list)


def compare(ref: list[TextLine], got: list[TextLine]) -> int:
    """Lines whose text differs, the two readings aligned in reading order (a line more or less counts
    once, and does not make every line after it count)."""
    matcher = SequenceMatcher(a=[ln.text for ln in ref], b=[ln.text for ln in got], autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", default="packaged", help="packaged and/or model folders, comma-separated")
    parser.add_argument("--sets", default="public,hard")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every changed line")
    args = parser.parse_args()
    names = [m for m in args.models.split(",") if m]
    engines = {m: TimedEngine(_engine(m)) for m in names}
    tallies = {m: Tally() for m in names}
    console = Console(stderr=True)
    for page, image in page_images(args.sets.split(","), args.limit):
        reference: list[TextLine] | None = None
        for m in names:
            engine, tally = engines[m], tallies[m]
            det, rec = engine.det, engine.rec
            t = time.process_time()
            lines = read_page_image(image, engine).lines
            tally.cpu += time.process_time() - t
            tally.det += engine.det - det
            tally.rec += engine.rec - rec
            tally.pages += 1
            tally.lines += len(lines)
            if reference is None:
                reference = lines
                continue
            changed = compare(reference, lines)
            tally.lines_changed += changed
            tally.pages_changed += changed > 0
            if changed and args.verbose:
                _print_changes(console, f"{m} {page}", reference, lines)
    for m in names:
        tallies[m].crops = engines[m].crops
    _table(names, tallies)


def _print_changes(console: Console, where: str, ref: list[TextLine], got: list[TextLine]) -> None:
    matcher = SequenceMatcher(a=[ln.text for ln in ref], b=[ln.text for ln in got], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            was = " | ".join(f"{ln.text!r} ({ln.score:.2f})" for ln in ref[i1:i2]) or "-"
            now = " | ".join(f"{ln.text!r} ({ln.score:.2f})" for ln in got[j1:j2]) or "-"
            console.print(f"{where}: {was} → {now}", soft_wrap=True)


def _engine(spec: str) -> RapidOcrEngine:
    """``MODELS[@DET[/REC]]``: a model set, and the runtime of each model (``prereview.ocr_openvino``)."""
    models, _, runtimes = spec.partition("@")
    det, _, rec = (runtimes or "onnxruntime").partition("/")
    if not {det, rec or det} <= set(get_args(OcrRuntime)):
        raise SystemExit(f"{spec}: runtimes are {', '.join(get_args(OcrRuntime))}")
    return RapidOcrEngine(
        threads=1,
        model_dir=None if models == "packaged" else Path(models),
        det_runtime=cast(OcrRuntime, det),
        rec_runtime=cast(OcrRuntime, rec or det),
    )


def _table(names: list[str], tallies: dict[str, Tally]) -> None:
    table = Table(title=f"OCR model sets on {tallies[names[0]].pages} sample pages (1 thread, this process)")
    for col in (
        "models",
        "CPU s/page",
        "det CPU s/page",
        "rec CPU ms/line",
        "lines",
        "pages changed",
        "lines changed",
    ):
        table.add_column(col, justify="right")
    for m in names:
        t = tallies[m]
        table.add_row(
            m,
            f"{t.cpu / max(t.pages, 1):.2f}",
            f"{t.det / max(t.pages, 1):.2f}",
            f"{1000 * t.rec / max(t.crops, 1):.1f}",
            str(t.lines),
            str(t.pages_changed),
            str(t.lines_changed),
        )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
