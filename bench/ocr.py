"""Reading benchmark over the sample cases: OCR time per page, pages per second, peak memory.

    .venv/bin/python bench/ocr.py                 # read every sample file once, print the table
    .venv/bin/python bench/ocr.py --accuracy      # also OCR the text-PDF pages and score against their
    text layer
    .venv/bin/python bench/ocr.py --limit 20 --threads 2 --verbose

The accuracy check renders each text-layer PDF page, OCRs the render, and compares with the text
layer (exact: it is the ground truth): character accuracy is 1 - edit distance / length of the
page text with all whitespace removed, line recall the share of text-layer lines (2+ characters)
found verbatim in the OCR text.
"""

from __future__ import annotations

import argparse
import glob
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prereview.documents import Document, PageSource
from prereview.ocr import RapidOcrEngine
from prereview.orient import read_page_image
from prereview.pdf import read_pdf
from prereview.reader import ReadLimits, read_file

CASES = "/work/shared/cases/public/*/files/*"


def main() -> None:
    args = _args()
    files = sorted(Path(p) for p in glob.glob(args.files))[: args.limit or None]
    process = psutil.Process()
    started = time.perf_counter()
    engine = RapidOcrEngine(threads=args.threads)
    load_seconds = time.perf_counter() - started
    limits = ReadLimits(timeout_seconds=600)
    docs: list[Document] = []
    peak_rss = process.memory_info().rss
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in files:
        doc = read_file(path, name=path.name, limits=limits, ocr=engine)
        docs.append(doc)
        peak_rss = max(peak_rss, process.memory_info().rss)
        if args.verbose:
            _show(path, doc)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    _table(docs, wall=wall, cpu=cpu, load_seconds=load_seconds, peak_rss=peak_rss, threads=args.threads)
    if args.accuracy:
        _accuracy([p for p in files if p.suffix.lower() == ".pdf"], engine)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", default=CASES, help="glob of files to read")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--accuracy", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


def _show(path: Path, doc: Document) -> None:
    if doc.error:
        print(f"{path}: {doc.error.code} {doc.error.message}")
        return
    for page in doc.pages:
        head = " | ".join(line.text for line in page.lines[:4])
        print(
            f"{path.parent.parent.name}/{path.name} p{page.index + 1} {page.source} rot={page.rotation} "
            f"skew={page.skew} blur={page.blur} {page.ocr_seconds:.2f}s  {head}"
        )


def _table(
    docs: list[Document], *, wall: float, cpu: float, load_seconds: float, peak_rss: int, threads: int
) -> None:
    pages = [p for d in docs for p in d.pages]
    ocr_times = sorted(p.ocr_seconds for p in pages if p.source == PageSource.OCR)
    errors = [d for d in docs if d.error]
    rows = [
        ("files", f"{len(docs)} ({len(errors)} unreadable)"),
        ("pages", f"{len(pages)} ({len(ocr_times)} OCR, {len(pages) - len(ocr_times)} text layer)"),
        ("turned pages", str(sum(1 for p in pages if p.rotation))),
        ("engine load", f"{load_seconds:.2f} s ({threads} threads)"),
        ("OCR page p50", f"{_pct(ocr_times, 50):.2f} s"),
        ("OCR page p95", f"{_pct(ocr_times, 95):.2f} s"),
        ("OCR page max", f"{max(ocr_times, default=0):.2f} s"),
        ("all pages/s", f"{len(pages) / wall:.2f}" if wall else "-"),
        ("OCR pages/s", f"{len(ocr_times) / sum(ocr_times):.2f}" if ocr_times else "-"),
        ("wall", f"{wall:.1f} s"),
        (
            "CPU per page",
            f"{cpu / max(len(pages), 1):.2f} s (all threads; a loaded machine inflates wall, not this)",
        ),
        ("peak RSS", f"{peak_rss / 2**20:.0f} MiB"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def _accuracy(pdfs: list[Path], engine: RapidOcrEngine) -> None:
    chars = errors = lines = found = 0
    for path in pdfs:
        for page in read_pdf(path, max_pages=60, max_pixels=60_000_000, render_text_pages=True):
            if page.lines is None or page.image is None:
                continue
            ocr = read_page_image(page.image, engine).lines
            truth = "".join("".join(line.text.split()) for line in page.lines)
            got = "".join("".join(line.text.split()) for line in ocr)
            chars += len(truth)
            errors += _edit_distance(truth, got)
            for line in page.lines:
                text = "".join(line.text.split())
                if len(text) >= 2:
                    lines += 1
                    found += text in got
    print(
        f"text-PDF pages OCRed: char accuracy {1 - errors / max(chars, 1):.4f} over {chars} chars, "
        f"line recall {found / max(lines, 1):.4f} over {lines} lines"
    )


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


if __name__ == "__main__":
    main()
