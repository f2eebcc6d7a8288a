"""Seal and signature detectors against hand labels of the tune cases' pages (public/ and hard X01–X03).

    .venv/bin/python bench/visual_labelled.py [--cache /tmp/dc] [-v]

bench/visual_labels.json was written by looking at every page image of the cached tune cases (made by
bench/cases.py --cache): per page the red seals and handwritten signatures a person sees, and per
signing label the detector reports (found on the page the labels were made with) whether
handwriting stands by it ("signed"), the place is empty ("empty"), or the label is a caption over
signing rows ("heading") or offers a seal instead ("choice": 盖章/签字). Held-out cases are not in it.

Tables:
- seals per page: a seal found vs a seal seen, scans (PDF pages) and photos (JPEG/PNG uploads) apart,
  judged as the pipeline asks (prereview.visual.marks: a page without seals may be doubtful); pages
  whose seal is printed grey (a black-and-white copy) are left out: no red to find;
- signatures per label: signed / doubtful / empty as judged vs what is there; a doubtful reading
  counts for neither side, it becomes an uncertain point for the clerk;
- pages with handwriting a person sees and no label judged signed on them (unlabelled signatures,
  labels OCR did not read).

With --stress N, every page is also judged as N harsher phone photos of itself (seeded): a deep
shadow with a soft edge across part of the sheet, a light gradient, a colour cast, blur, noise, a
smaller image and JPEG. Nothing moves (text lines are scaled with the image), so the labels hold.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import math
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from prereview.documents import Box, Document, Page, PageSource, TextLine
from prereview.reader import load_page_image
from prereview.visual import find_signatures
from prereview.visual.marks import find_marks

LABELS = Path(__file__).resolve().parent / "visual_labels.json"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    doubtful: Counter[bool] = field(default_factory=Counter)  # by truth

    def add(self, truth: bool, found: bool | None) -> None:
        if found is None:
            self.doubtful[truth] += 1
        elif truth:
            self.tp, self.fn = self.tp + found, self.fn + (not found)
        else:
            self.fp, self.tn = self.fp + found, self.tn + (not found)

    def row(self, name: str) -> str:
        p = self.tp / max(1, self.tp + self.fp)
        r = self.tp / max(1, self.tp + self.fn)
        # "found" = judged present; the absent side's precision is what a NOT_SEALED/NOT_SIGNED rests on
        absent_p = self.tn / max(1, self.tn + self.fn)
        return (
            f"{name:24} {self.tp:>4} {self.fp:>4} {self.fn:>4} {self.tn:>4} {self.doubtful[True]:>6}"
            f" {self.doubtful[False]:>6}   P={p:.3f} R={r:.3f} absent-P={absent_p:.3f}"
        )


HEADER = f"{'':24} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'?+':>6} {'?-':>6}"


def _page(cache: Path, entry: dict[str, Any]) -> Page | None:
    path = cache / entry["case"] / f"{entry['file']}.json"
    if not path.is_file():
        return None
    doc = Document.model_validate_json(path.read_text(encoding="utf-8"))
    return next((p for p in doc.pages if p.index == entry["page"]), None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp/dc"))
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    parser.add_argument("--stress", type=int, default=0, metavar="N", help="also N degraded photos per page")
    parser.add_argument("--only", choices=("seals", "signatures"), help="judge one detector only")
    args = parser.parse_args()
    entries = json.loads(LABELS.read_text(encoding="utf-8"))
    variants = ["original", *(f"stress{k}" for k in range(args.stress))]
    result = {v: Result() for v in variants}
    missing = 0
    for e in entries:
        page = _page(args.cache, e)
        if page is None or page.image_path is None:
            missing += 1
            continue
        image = load_page_image(page)
        for k, v in enumerate(variants):
            seed = zlib.crc32(f"{e['case']}/{e['file']}#{e['page']}/{k}".encode())
            seen = (image, page, 1.0) if k == 0 else degraded(image, page, seed=seed)
            result[v].judge(*seen, e, verbose=args.verbose, only=args.only)
    print(f"pages {len(entries) - missing} (not cached: {missing})")
    for v in variants:
        result[v].print(v)


@dataclass
class Result:
    seals: dict[str, Tally] = field(default_factory=lambda: {"scan": Tally(), "photo": Tally()})
    signs: dict[str, Tally] = field(default_factory=lambda: {"scan": Tally(), "photo": Tally()})
    others: Counter[tuple[str, str]] = field(default_factory=Counter)  # (truth, judged): headings, choices
    unmatched: int = 0
    unlabelled: int = 0

    def judge(
        self,
        image: np.ndarray,
        page: Page,
        scale: float,
        e: dict[str, Any],
        *,
        verbose: bool,
        only: str | None,
    ) -> None:
        kind = "photo" if e["file"].lower().endswith((".jpg", ".jpeg", ".png")) else "scan"
        where = f"{e['case']}/{e['file']}#{e['page']}"
        if only != "signatures" and e["seals"] is not None and "grey" not in e.get("note", ""):
            found = find_marks(image, page, "seal")  # as the pipeline asks: the page's own doubt too
            judged = True if found.marks else None if found.doubt else False
            self.seals[kind].add(e["seals"] > 0, judged)
            if verbose and (e["seals"] > 0) is not judged:
                print(
                    f"seal  {where}: seen {e['seals']}, found {[round(m.score, 2) for m in found.marks]}"
                    + (f" doubt={found.doubt}" if found.doubt else "")
                )
        if only == "seals":
            return
        source = PageSource(page.source) if page.source else None
        readings = find_signatures(image, page.lines, source=source)
        any_signed = any(r.signed for r in readings)  # unlabelled places (a copy certification) too
        for label in e["labels"]:
            at = [a * scale for a in label["at"]]
            r = next(
                (r for r in readings if _near(r.label_box.cx, r.label_box.cy, at, r.label_box.height)), None
            )
            if r is None:
                self.unmatched += 1
                continue
            judged = _sign_judgement(r)
            if label["truth"] in ("signed", "empty"):
                self.signs[kind].add(label["truth"] == "signed", judged)
                if verbose and judged is not (label["truth"] == "signed"):
                    print(
                        f"sign  {where} {label['text']}: {label['truth']}, judged {judged} ink={r.ink}"
                        + (f" doubt={_doubt(r)}" if _doubt(r) else "")
                    )
            else:
                self.others[label["truth"], _name(judged)] += 1
        if e["signatures"] and not any_signed:
            self.unlabelled += 1
            if verbose:
                print(
                    f"page  {where}: {e['signatures']} signature(s) seen, no label judged signed"
                    + (f" ({e['note']})" if e.get("note") else "")
                )

    def print(self, variant: str) -> None:
        print(f"\n== {variant}\nseals per page (found = at least one seal)\n" + HEADER)
        for k, t in self.seals.items():
            print(t.row(k))
        print("signatures per labelled signing place\n" + HEADER)
        for k, t in self.signs.items():
            print(t.row(k))
        print(f"headings and seal-or-sign choices, as judged: {dict(sorted(self.others.items()))}")
        print(
            f"labels no longer found where labelled: {self.unmatched}; "
            f"pages with handwriting seen and no label judged signed: {self.unlabelled}"
        )


def degraded(image: np.ndarray, page: Page, *, seed: int) -> tuple[np.ndarray, Page, float]:
    """A harsher phone photo of the page, and the page's lines scaled to it."""
    rng = np.random.default_rng(seed)
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx / w - 0.5) * math.cos(angle) + (yy / h - 0.5) * math.sin(angle)
    light = 1.0 - rng.uniform(0.1, 0.35) * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    # a shadow with a soft edge (a hand, a phone) over a random half-plane of the sheet
    a2 = rng.uniform(0, 2 * math.pi)
    side = (xx - rng.uniform(0.2, 0.8) * w) * math.cos(a2) + (yy - rng.uniform(0.2, 0.8) * h) * math.sin(a2)
    edge = rng.uniform(0.01, 0.05) * max(h, w)
    light *= 1.0 - rng.uniform(0.35, 0.6) / (1.0 + np.exp(-side / edge))
    cast = np.array([1.0, rng.uniform(0.85, 1.0), rng.uniform(0.7, 0.95)], np.float32)
    if rng.random() < 0.3:
        cast = cast[::-1]
    out = image.astype(np.float32) * light[:, :, None] * cast
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.6, 1.6))
    out += rng.normal(0, rng.uniform(2, 5), out.shape)
    f = min(1.0, rng.uniform(1000, 1400) / max(h, w))
    small = cv2.resize(
        np.clip(out, 0, 255).astype(np.uint8), (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA
    )
    ok, buf = cv2.imencode(".jpg", small[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(50, 75))])
    assert ok
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    assert decoded is not None
    photo = np.ascontiguousarray(decoded[:, :, ::-1])
    lines = [
        TextLine(text=ln.text, score=ln.score, box=Box(x0=b.x0 * f, y0=b.y0 * f, x1=b.x1 * f, y1=b.y1 * f))
        for ln in page.lines
        if (b := ln.box)
    ]
    update = {"lines": lines, "width": small.shape[1], "height": small.shape[0], "source": PageSource.OCR}
    scaled = page.model_copy(update=update)
    return photo, scaled, f


def _near(cx: float, cy: float, at: list[float], height: float) -> bool:
    return abs(cx - at[0]) <= 3 * max(height, 10) and abs(cy - at[1]) <= max(height, 10)


def _doubt(reading: object) -> str:
    return str(getattr(reading, "doubt", "") or "")


def _sign_judgement(reading: object) -> bool | None:
    if _doubt(reading) and not getattr(reading, "signed", False):
        return None
    return bool(getattr(reading, "signed", False))


def _name(judged: bool | None) -> str:
    return "doubtful" if judged is None else "signed" if judged else "empty"


if __name__ == "__main__":
    main()
