"""Visual-check benchmark over the sample cases: seal and signature detection accuracy, time per page.

    .venv/bin/python bench/visual.py                  # read (or reuse) every sample file, print the tables
    .venv/bin/python bench/visual.py --ring-text      # also OCR each seal's ring text
    .venv/bin/python bench/visual.py --verbose        # list every judged page / label

Reading all sample files with OCR takes ~15 minutes on 2 CPUs; read documents and page images are
kept in --cache and reused by later runs.

Ground truth comes from the cases, not from this detector:

- seal absent: the page of a NOT_SEALED material that names the unit whose seal is missing
  (expected.json notes); also every 居民身份证 copy page (ID card copies carry no seal);
- seal present: pages where a 盖章/专用章 caption is followed by an organisation's name (有限公司, 局,
  中心, …), or a 营业执照 (its 登记机关 seal), in cases whose expectation has no NOT_SEALED for that
  material and is not REJECT; captions offering a choice (盖章/签字) are left out, the applicant may
  sign instead;
- signature absent: the signing labels on the page of a NOT_SIGNED material;
- signature present: plain signing labels (签字 / 签名, no 盖章 alternative, not a heading over signing
  rows) on materials without NOT_SIGNED, in cases that are not REJECT (a REJECT expectation lists only
  the failed conditions, so a material's defects there are unknown).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prereview.documents import Box, Document, Page, TextLine
from prereview.ocr import OcrEngine, RapidOcrEngine
from prereview.reader import ReadLimits, load_page_image, read_file
from prereview.visual import assess_page, find_seals, find_signatures, id_card_faces

_ORG = r"(?:有限公司|有限责任公司|公司|局|中心|处|站|所|院|厂|场|会|社|部|队)"
_SEAL_CAPTION = re.compile(r"[（(]?(?:盖章|公章|专用章)[)）]?[:：]?\s*\S*" + _ORG)
_CHOICE = re.compile(r"盖章\s*[/／、或]\s*签|签\S?\s*[/／、或]\s*盖章")


@dataclass
class Tally:
    tp: int = 0
    fn: int = 0
    tn: int = 0
    fp: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, expected: bool, found: bool) -> None:
        if expected:
            self.tp += found
            self.fn += not found
        else:
            self.tn += not found
            self.fp += found

    @property
    def accuracy(self) -> float:
        n = self.tp + self.fn + self.tn + self.fp
        return (self.tp + self.tn) / n if n else float("nan")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=Path, default=Path("/work/shared/cases/public"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/yichuang-bench-visual"))
    parser.add_argument("--ring-text", action="store_true", help="read each seal's ring text (OCR)")
    parser.add_argument("--stress", action="store_true", help="also judge erased and photo-degraded copies")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


def _documents(case: Path, cache: Path, engine: OcrEngine | None) -> list[tuple[dict[str, str], Document]]:
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    out = []
    for entry in spec["files"]:
        path = case / entry["path"]
        stored = cache / f"{case.name}__{path.name}.json"
        if stored.exists():
            doc = Document.model_validate_json(stored.read_text(encoding="utf-8"))
        else:
            if engine is None:
                raise SystemExit("no OCR engine")
            doc = read_file(
                path,
                name=path.name,
                limits=ReadLimits(timeout_seconds=600),
                ocr=engine,
                work_dir=cache / "pages",
            )
            stored.write_text(doc.model_dump_json(), encoding="utf-8")
        out.append((entry, doc))
    return out


def _findings(case: Path) -> tuple[str, dict[str, set[str]], list[str]]:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    by_material: dict[str, set[str]] = {}
    for f in expected["findings"]:
        by_material.setdefault(f.get("material", f.get("condition", "")), set()).add(f["code"])
    return expected["verdict"], by_material, expected.get("notes", [])


def _seal_truth(page: Page, slot: str, codes: set[str], notes: list[str], verdict: str) -> bool | None:
    text = page.text.replace(" ", "")
    if "NOT_SEALED" in codes:
        units = [
            u
            for n in notes
            if n.startswith(slot + " ") and "seal" in n
            for u in re.findall(r"of (\S+) missing", n)
        ]
        return False if any(u in text for u in units) else None
    faces = id_card_faces(page.lines)
    if faces.any and not faces.other:
        return False
    if verdict == "REJECT":
        return None  # a REJECT expectation lists only the failed conditions
    if "营业执照" in text and "登记机关" in text and ("信用信息公示系统" in text or "副本" in text):
        return True  # the licence itself, not a text that mentions one
    sealing = [
        ln.text
        for ln in page.lines
        if _SEAL_CAPTION.search(ln.text.replace(" ", "")) and not _CHOICE.search(ln.text)
    ]
    return True if sealing else None


def _signature_truth(label: str, heading: bool, codes: set[str], verdict: str) -> bool | None:
    if "NOT_SIGNED" in codes:
        return False
    if verdict == "REJECT" or heading or "盖章" in label or "签章" in label:
        return None
    return True


def degrade(image: np.ndarray, *, scale: float = 0.6) -> np.ndarray:
    """A phone photo of the page: warm cast, a shadow across it, sensor noise, lower resolution, JPEG."""
    h, w = image.shape[:2]
    light = np.linspace(0.55, 1.0, w, dtype=np.float32)[None, :, None]
    out = image.astype(np.float32) * light * np.array([1.0, 0.92, 0.78], np.float32)
    out += np.random.default_rng(0).normal(0, 3, out.shape).astype(np.float32)
    small = cv2.resize(
        np.clip(out, 0, 255).astype(np.uint8), (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA
    )
    ok, jpeg = cv2.imencode(".jpg", small[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 55])
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else None
    return small if decoded is None else np.ascontiguousarray(decoded[:, :, ::-1])


def scaled(lines: list[TextLine], k: float) -> list[TextLine]:
    return [
        ln.model_copy(
            update={"box": Box(x0=ln.box.x0 * k, y0=ln.box.y0 * k, x1=ln.box.x1 * k, y1=ln.box.y1 * k)}
        )
        for ln in lines
    ]


def erase_red(image: np.ndarray) -> np.ndarray:
    """The page as if never stamped: seal-red pixels painted the paper's colour."""
    f = image.astype(np.int16)
    red = (f[:, :, 0] - np.maximum(f[:, :, 1], f[:, :, 2])) > 20
    out = image.copy()
    out[cv2.dilate(red.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = np.median(
        image.reshape(-1, 3), axis=0
    ).astype(np.uint8)
    return out


def erase_box(image: np.ndarray, box: Box, keep: Box) -> np.ndarray:
    """The page as if never signed: the signature's box painted over, the label kept."""
    out = image.copy()
    paper = np.median(image.reshape(-1, 3), axis=0).astype(np.uint8)
    x0, y0 = max(int(box.x0) - 2, int(keep.x1) + 1), max(int(box.y0) - 2, 0)
    out[y0 : int(box.y1) + 3, x0 : int(box.x1) + 3] = paper
    return out


def main() -> None:
    args = _args()
    args.cache.mkdir(parents=True, exist_ok=True)
    engine: RapidOcrEngine | None = None
    need_read = any(
        not (args.cache / f"{case.name}__{Path(e['path']).name}.json").exists()
        for case in sorted(args.cases.iterdir())
        for e in json.loads((case / "case.json").read_text(encoding="utf-8"))["files"]
    )
    if need_read or args.ring_text:
        engine = RapidOcrEngine(threads=2)
    seals, signatures, legible = Tally(), Tally(), Tally()
    stress_seals, stress_signatures = Tally(), Tally()
    ring_read, ring_known, ring_total = 0, 0, 0
    pages_seen = 0
    for case in sorted(p for p in args.cases.iterdir() if (p / "case.json").exists()):
        verdict, by_material, notes = _findings(case)
        for entry, doc in _documents(case, args.cache, engine):
            slot = entry.get("slot", "")
            codes = by_material.get(slot, set())
            for page in doc.pages:
                if not page.image_path:
                    continue
                image = load_page_image(page)
                pages_seen += 1
                t = time.perf_counter()
                marks = find_seals(image, ocr=engine if args.ring_text else None)
                seals.seconds.append(time.perf_counter() - t)
                truth = _seal_truth(page, slot, codes, notes, verdict)
                if truth is not None:
                    seals.add(truth, bool(marks))
                    if args.verbose or truth != bool(marks):
                        print(
                            f"seal  {case.name} {slot or '-':4} {doc.name} p{page.index}: expected "
                            f"{truth}, found {len(marks)}"
                        )
                if args.stress and truth is not None:
                    _stress_seals(stress_seals, image, truth, f"{case.name} {doc.name} p{page.index}")
                if args.ring_text:
                    known = page.text.replace(" ", "") + (case / "case.json").read_text(encoding="utf-8")
                    ring_total += len(marks)
                    ring_read += sum(1 for m in marks if m.text)
                    ring_known += sum(1 for m in marks if m.text and m.text in known)
                    if args.verbose:
                        print(f"ring  {case.name} {doc.name} p{page.index}: {[m.text for m in marks]}")
                t = time.perf_counter()
                readings = find_signatures(image, page.lines, source=page.source)
                signatures.seconds.append(time.perf_counter() - t)
                for r in readings:
                    st = _signature_truth(r.label, r.heading, codes, verdict)
                    if st is None:
                        continue
                    signatures.add(st, r.signed)
                    if args.verbose or st != r.signed:
                        print(
                            f"sign  {case.name} {slot or '-':4} {doc.name} p{page.index} {r.label}: "
                            f"expected {st}, found {r.signed}"
                        )
                    if args.stress:
                        _stress_signature(
                            stress_signatures, image, page, r, st, f"{case.name} {doc.name} p{page.index}"
                        )
                t = time.perf_counter()
                quality = assess_page(image, page.lines, source=page.source)
                legible.seconds.append(time.perf_counter() - t)
                unreadable_expected = "UNREADABLE" in codes and not page.lines
                legible.add(unreadable_expected, not quality.readable)
    _table(seals, signatures, legible, pages_seen)
    if args.stress:
        print(
            "\nstress: erased copies (expected absent) and photo-degraded copies (0.6 scale, cast, "
            "shadow, JPEG 55)"
        )
        _table(stress_seals, stress_signatures, None, pages_seen)
    if args.ring_text:
        print(
            f"\nring text: {ring_total} seals, {ring_read} read, {ring_known} read exactly as a name "
            "printed on"
            " the page or declared in case.json"
        )


def _stress_seals(tally: Tally, image: np.ndarray, truth: bool, where: str) -> None:
    variants = [(truth, degrade(image))] + ([(False, erase_red(image))] if truth else [])
    for expected, variant in variants:
        found = bool(find_seals(variant))
        tally.add(expected, found)
        if expected != found:
            print(f"stress seal {where}: expected {expected}, found {found}")


def _stress_signature(
    tally: Tally, image: np.ndarray, page: Page, reading: object, truth: bool, where: str
) -> None:
    from prereview.visual import SignatureReading

    assert isinstance(reading, SignatureReading)
    variants = [(truth, degrade(image), 0.6)]
    if truth and reading.mark is not None:
        variants.append((False, erase_box(image, reading.mark.box, reading.label_box), 1.0))
    for expected, variant, k in variants:
        lines = scaled(page.lines, k) if k != 1.0 else list(page.lines)
        same = [
            r
            for r in find_signatures(variant, lines, source=page.source)
            if r.label == reading.label
            and abs(r.label_box.cy / k - reading.label_box.cy) < reading.label_box.height
        ]
        if not same:
            continue
        found = same[0].signed
        tally.add(expected, found)
        if expected != found:
            print(f"stress sign {where} {reading.label}: expected {expected}, found {found}")


def _table(seals: Tally, signatures: Tally, legible: Tally | None, pages: int) -> None:
    print(f"\n{pages} sample pages\n")
    print(
        f"{'check':26} {'positives':>10} {'found':>6} {'negatives':>10} {'clean':>6} {'accuracy':>9} "
        f"{'ms/page':>8}"
    )
    rows = [("seal present (vs absent)", seals), ("signature present (vs absent)", signatures)]
    if legible is not None:
        rows.append(("unreadable (vs legible)", legible))
    for name, t in rows:
        ms = 1000 * float(np.mean(t.seconds)) if t.seconds else float("nan")
        print(
            f"{name:26} {t.tp + t.fn:>10} {t.tp:>6} {t.tn + t.fp:>10} {t.tn:>6} {t.accuracy:>9.3f} {ms:>8.0f}"
        )
    print("\npositives = judged pages (seals), labels (signatures), pages (legibility) where the thing is")
    print("expected; found = detected among them; negatives/clean likewise for its absence.")


if __name__ == "__main__":
    main()
