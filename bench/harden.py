"""Harder variants of case folders: turned, photographed, rescanned and bundled uploads.

    .venv/bin/python bench/harden.py [--cases ../shared/cases/public] [--out bench/out/hard]
                                     [--variants turned,photo,scanned,bundle] [--seed 0] [CASE ...]
    .venv/bin/python bench/cases.py --cases bench/out/hard

Each variant is a case folder ``OUT/<case_id>-<variant>/`` in the format of
../shared/cases/README.md. The content is unchanged, so the expected answer is the original's
(its notes say what was done to which file). Everything is seeded by (seed, case, variant, file):
the same command makes the same files.

- ``turned``: every photo and scanned PDF page turned 90/180/270° and tilted 3-8°.
- ``photo``: photos and scanned pages re-photographed: on a desk, perspective, tilt, a shadow across
  the sheet, a colour cast, long side 1000-1400 px, slight blur and noise, JPEG 55-80; a third of
  them also a quarter turn. A4 pages (scanned PDF pages, portrait images) keep at least 1200 px and
  JPEG 65: below that, with the blur, the body text of a form (about 11 px a character) is no longer
  legible to a person either (``--show``).
- ``scanned``: text PDFs printed and scanned (150 dpi, no text layer, slight tilt, JPEG); scanned
  pages rescanned the same way.
- ``bundle``: several files of the case scanned together into one PDF uploaded without a slot (a
  multi-material scan); two card photos from one slot share a page, as on a photocopy. Files whose
  slot carries a WRONG_DOCUMENT or UNREADABLE finding keep their slot (those findings need it).

Degradations stay in what a careful clerk can still read: check with ``--show`` (PNG previews).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import io
import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps

from bench.photo_effects import (
    Done,
    Rng,
    photographed,
    rescanned,
    rng_for,
    turned,
)

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ("turned", "photo", "scanned", "bundle")
SCAN_DPI = 150
A4 = (1240, 1754)  # pixels at SCAN_DPI
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}
KEEP_SLOT_CODES = {"WRONG_DOCUMENT", "UNREADABLE"}

# --- files ------------------------------------------------------------------------------------------


@dataclass
class PdfPageImage:
    image: np.ndarray
    text: bool  # the page has a real text layer


def pdf_pages(path: Path, *, dpi: int = SCAN_DPI) -> Iterator[PdfPageImage]:
    doc = pdfium.PdfDocument(str(path))
    try:
        for page in doc:
            bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
            image = np.ascontiguousarray(np.asarray(bitmap.to_pil().convert("RGB")))
            bitmap.close()
            yield PdfPageImage(image=image, text=_has_text(page))
            page.close()
    finally:
        doc.close()


def has_text_layer(path: Path) -> bool:
    """Whether any page of the PDF at `path` carries a real text layer."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return any(_has_text(page) for page in doc)
    finally:
        doc.close()


def _has_text(page: pdfium.PdfPage) -> bool:
    textpage = page.get_textpage()
    try:
        return bool(textpage.count_chars() >= 5)
    finally:
        textpage.close()


def is_page(image: np.ndarray) -> bool:
    """A photo or scan of an A4 sheet (portrait), not of a card (landscape)."""
    return bool(image.shape[0] > image.shape[1])


def load_image(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.ascontiguousarray(np.asarray(ImageOps.exif_transpose(im).convert("RGB")))


def save_image(image: np.ndarray, path: Path) -> None:
    fmt = "PNG" if path.suffix.lower() == ".png" else "JPEG"
    Image.fromarray(image).save(path, fmt, **({"quality": 90} if fmt == "JPEG" else {}))


def save_pdf(images: list[np.ndarray], path: Path, *, dpi: int = SCAN_DPI) -> None:
    """An image-only PDF (no text layer), one JPEG page per image, like a scanner app writes."""
    pages = [Image.fromarray(im) for im in images]
    buf = io.BytesIO()
    fixed = time.gmtime(1_767_225_600)  # 2026-01-01: the same bytes every run, no time of writing
    pages[0].save(
        buf,
        "PDF",
        resolution=dpi,
        save_all=True,
        append_images=pages[1:],
        quality=85,
        creationDate=fixed,
        modDate=fixed,
    )
    path.write_bytes(buf.getvalue())


def on_a4(images: list[np.ndarray]) -> np.ndarray:
    """Card photos laid on an A4 sheet one under the other (a photocopy); a page photo fills it."""
    w, h = A4
    sheet = np.full((h, w, 3), 255, np.uint8)
    slot_h = h // max(2, len(images))
    for k, im in enumerate(images):
        ih, iw = im.shape[:2]
        f = min(0.75 * w / iw, 0.9 * slot_h / ih) if ih < iw else min(0.95 * w / iw, 0.95 * h / ih)
        small = cv2.resize(im, (round(iw * f), round(ih * f)), interpolation=cv2.INTER_AREA)
        sh, sw = small.shape[:2]
        y = (h - sh) // 2 if ih >= iw else k * slot_h + (slot_h - sh) // 2
        x = (w - sw) // 2
        sheet[y : y + sh, x : x + sw] = small
    return sheet


# --- variants of a case -------------------------------------------------------------------------------


@dataclass
class CaseIn:
    folder: Path
    case: dict[str, object]
    expected: dict[str, object]

    @property
    def files(self) -> list[dict[str, str]]:
        return self.case["files"]  # type: ignore[return-value]


def degrade_file(src: Path, dst: Path, how: str, rng: Rng) -> str:
    """Write the `how` variant of one uploaded file to `dst`; return a note of what was done."""
    suffix = src.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        if how == "scanned":
            shutil.copyfile(src, dst)
            return ""
        image = load_image(src)
        done = turned(image, rng) if how == "turned" else photographed(image, rng, page=is_page(image))
        save_image(done.image, dst)
        return ", ".join(done.steps)
    if suffix != ".pdf":
        shutil.copyfile(src, dst)
        return ""
    pages = list(pdf_pages(src))
    if how != "scanned" and any(p.text for p in pages):
        shutil.copyfile(src, dst)  # a text PDF comes from a computer, not a camera (mixed: left whole)
        return ""
    made = [_degrade_page(p.image, how, rng) for p in pages]
    save_pdf([d.image for d in made], dst)
    return "; ".join(f"p{k + 1}: " + ", ".join(d.steps) for k, d in enumerate(made))


def _degrade_page(image: np.ndarray, how: str, rng: Rng) -> Done:
    if how == "photo":
        return photographed(image, rng, page=True)
    return (turned if how == "turned" else rescanned)(image, rng)


def bundle(case: CaseIn, out: Path, rng: Rng) -> tuple[list[dict[str, str]], str] | None:
    """Several files scanned into one PDF without a slot; None when the case has too few to merge."""
    findings: list[dict[str, str]] = case.expected.get("findings") or []  # type: ignore[assignment]
    keep = {f.get("material") for f in findings if f.get("code") in KEEP_SLOT_CODES}
    free = [i for i, f in enumerate(case.files) if f.get("slot") not in keep]
    if len(free) < 2:
        return None
    k = int(rng.integers(2, min(6, len(free)) + 1))
    start = int(rng.integers(0, len(free) - k + 1))
    chosen = free[start : start + k]
    sheets: list[np.ndarray] = []
    cards: list[np.ndarray] = []
    card_slot: str | None = None
    for i in chosen:
        f = case.files[i]
        src = case.folder / f["path"]
        if src.suffix.lower() == ".pdf":
            if cards:
                sheets.append(on_a4(cards))
                cards = []
            sheets += [p.image for p in pdf_pages(src)]
            continue
        image = load_image(src)
        landscape = image.shape[1] > image.shape[0]
        if cards and (
            not landscape or f.get("slot") is None or f.get("slot") != card_slot or len(cards) == 2
        ):
            sheets.append(on_a4(cards))
            cards = []
        if landscape:
            cards.append(image)
            card_slot = f.get("slot")
        else:
            sheets.append(on_a4([image]))
    if cards:
        sheets.append(on_a4(cards))
    scans = [rescanned(s, rng) for s in sheets]
    name = "scan_bundle_001.pdf"
    save_pdf([s.image for s in scans], out / "files" / name)
    files = [dict(f) for i, f in enumerate(case.files) if i not in chosen]
    for f in files:
        src = case.folder / f["path"]
        f["path"] = f"files/{src.name}"
        shutil.copyfile(src, out / f["path"])
    files.insert(chosen[0], {"path": f"files/{name}"})
    merged = ", ".join(Path(case.files[i]["path"]).name for i in chosen)
    return files, f"{name}: {len(scans)} scanned pages of {merged} (no slot)"


def make_variant(case: CaseIn, variant: str, out_root: Path, seed: int) -> Path | None:
    case_id = str(case.case["case_id"])
    out = out_root / f"{case_id}-{variant}"
    if out.exists():
        shutil.rmtree(out)
    (out / "files").mkdir(parents=True)
    notes: list[str] = []
    if variant == "bundle":
        made = bundle(case, out, rng_for(seed, case_id, variant))
        if made is None:
            shutil.rmtree(out)
            return None
        files, note = made
        notes.append(note)
    else:
        files = []
        for i, f in enumerate(case.files):
            src = case.folder / f["path"]
            dst = out / "files" / src.name
            note = degrade_file(src, dst, variant, rng_for(seed, case_id, variant, i))
            notes += [f"{src.name}: {note}"] if note else []
            files.append({**f, "path": f"files/{src.name}"})
    new_case = {**case.case, "case_id": f"{case_id}-{variant}", "files": files}
    expected = {
        **case.expected,
        "notes": [
            *list(case.expected.get("notes") or []),  # type: ignore[call-overload]
            f"hardened ({variant}, seed {seed}): " + "; ".join(notes),
        ],
    }
    (out / "case.json").write_text(json.dumps(new_case, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def load(folder: Path) -> CaseIn:
    read = lambda name: json.loads((folder / name).read_text(encoding="utf-8"))  # noqa: E731
    return CaseIn(folder=folder, case=read("case.json"), expected=read("expected.json"))


def show(out: Path, target: Path) -> None:
    """PNG previews of every page of a variant's files (to check they are still legible)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted((out / "files").iterdir()):
        images = (
            [p.image for p in pdf_pages(path, dpi=100)]
            if path.suffix.lower() == ".pdf"
            else [load_image(path)]
        )
        for k, im in enumerate(images):
            Image.fromarray(im).save(target / f"{out.name}-{path.stem}-p{k + 1}.png")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", metavar="CASE", help="case ids (default: every case)")
    parser.add_argument("--cases", type=Path, default=ROOT.parent / "shared" / "cases" / "public")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "hard")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=Path, default=None, help="also write PNG previews of every page here")
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; choose from {VARIANTS}")
    folders = sorted(p.parent for p in args.cases.rglob("case.json"))
    made = 0
    for folder in folders:
        case = load(folder)
        if args.names and case.case["case_id"] not in args.names:
            continue
        for variant in variants:
            out = make_variant(case, variant, args.out, args.seed)
            if out is not None:
                made += 1
                print(out)
                if args.show:
                    show(out, args.show)
    print(f"{made} variant cases written to {args.out}")


if __name__ == "__main__":
    main()
