"""PDF pages: the text layer where there is a real one, a rendered image for OCR where there is not.

A page is read from its text layer (pdfplumber words, never OCR) when it has at least a few visible,
mapped characters and no picture covering most of it. Otherwise it is rendered with pypdfium2 and the
caller OCRs the image: scans, pages whose only text is an invisible OCR layer from a scanner app,
pages whose fonts lack a Unicode map ("(cid:12)" garbage), scans that carry a stamped page number, and
pages that are turned (/Rotate) or whose text runs sideways: OCR's orientation step turns those upright.

Coordinates are pixels at the page's render scale (`PdfPage.dpi`, normally `dpi` = 200, lower only
for huge pages that would exceed the pixel cap), so text-layer boxes and rendered images line up.

Text-layer lines are horizontal runs of words, split where the gap exceeds about one character, like
the boxes an OCR detector finds; a form row "申请人名称 | 安和市…" gives two lines on one row. A smaller
visible gap stays in the text as one space ("申请人名称 安和市…"). Vector check boxes (small
squares; ticked when a stroke is drawn in them or they are filled dark) become "☑"/"☐" in the text.

Fonts: pdfium draws Chinese text whose font is not embedded only if the machine has a CJK font
(Debian: fonts-wqy-microhei or fonts-noto-cjk); without one such text renders blank. Reading does not
suffer (text pages use the text layer), but their page images for visual checks would lack the text.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.pdf import PDF as PlumberPDF

from prereview.documents import Box, TextLine
from prereview.errors import CorruptFile, EncryptedFile, FileTooLarge
from prereview.images import MAX_WORK_SIDE

DEFAULT_DPI = 200
MIN_TEXT_CHARS = 5  # fewer visible characters than this is no text layer (a stamped page number)
MAX_BAD_SHARE = 0.3  # more unmapped glyphs than this and the layer is garbage
PICTURE_COVER = 0.5  # a picture over half the page makes it a scan, whatever text lies on it
SPACE_RATIO = 0.15  # a gap wider than this share of the text height is a space
CHECKED, UNCHECKED = "☑", "☐"

Word = dict[str, Any]  # pdfplumber's word dict: text, x0, x1, top, bottom


@dataclass
class PdfPage:
    index: int
    dpi: float
    width: int  # pixels at dpi
    height: int
    lines: list[TextLine] | None  # the text layer; None when the page must be OCRed
    image: np.ndarray | None  # RGB render; always there when lines is None


def page_count(path: Path) -> int:
    doc = open_pdf(path)
    try:
        return len(doc)
    finally:
        doc.close()


def open_pdf(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedFile() from exc
        raise CorruptFile("PDF 文件已损坏或格式不正确，无法打开，请重新导出或扫描后上传。") from exc


def read_pdf(
    path: Path,
    *,
    max_pages: int,
    max_pixels: int,
    dpi: float = DEFAULT_DPI,
    render_text_pages: bool = False,
    pages: range | None = None,
) -> Iterator[PdfPage]:
    """Yield the pages of the PDF at `path` in order (only those in `pages`, when given: part of a file
    read by several workers at once); see the module docstring for what each holds."""
    doc = open_pdf(path)
    try:
        n_pages = _checked_count(doc, max_pages=max_pages)
        plumber = _open_plumber(path)
        try:
            for index in range(n_pages) if pages is None else pages:
                if index >= n_pages:
                    break
                yield _read_page(
                    doc, plumber, index, dpi=dpi, max_pixels=max_pixels, render=render_text_pages
                )
        finally:
            if plumber is not None:
                plumber.close()
    finally:
        doc.close()


def page_work(path: Path, *, max_pages: int, max_pixels: int, dpi: float = DEFAULT_DPI) -> list[PageWork]:
    """What reading each page of the PDF at `path` will take, told from pdfium's look at its objects
    (milliseconds a page): whether it will be OCRed (the cheap half of `read_pdf`'s test: a page with
    visible text and no covering picture goes to the text layer) and its pixels at the render scale."""
    doc = open_pdf(path)
    try:
        work = []
        for index in range(_checked_count(doc, max_pages=max_pages)):
            page = doc[index]
            try:
                w_pt, h_pt = page.get_size()
                scale = _scale(w_pt, h_pt, dpi=dpi, max_pixels=max_pixels)
                ocr = not _has_text(page) or _picture_cover(page) >= PICTURE_COVER
                work.append(PageWork(ocr=ocr, pixels=round(w_pt * scale) * round(h_pt * scale)))
            finally:
                page.close()
        return work
    finally:
        doc.close()


@dataclass
class PageWork:
    ocr: bool
    pixels: int


def _checked_count(doc: pdfium.PdfDocument, *, max_pages: int) -> int:
    n_pages = len(doc)
    if n_pages == 0:
        raise CorruptFile("PDF 文件没有任何页面，请重新导出后上传。")
    if n_pages > max_pages:
        raise FileTooLarge(f"PDF 共 {n_pages} 页，超过 {max_pages} 页的上限，请拆分后重新上传。")
    return n_pages


def _open_plumber(path: Path) -> PlumberPDF | None:
    # pdfminer is stricter than pdfium: a file pdfium opens but pdfminer cannot is still read, by OCR
    try:
        return pdfplumber.open(path)
    except Exception:
        return None


def _read_page(
    doc: pdfium.PdfDocument,
    plumber: PlumberPDF | None,
    index: int,
    *,
    dpi: float,
    max_pixels: int,
    render: bool,
) -> PdfPage:
    page = doc[index]
    try:
        w_pt, h_pt = page.get_size()
        scale = _scale(w_pt, h_pt, dpi=dpi, max_pixels=max_pixels)
        width, height = max(1, round(w_pt * scale)), max(1, round(h_pt * scale))
        # pdfium sees the pictures for a fiftieth of what pdfminer's parse of the page costs
        text = plumber is not None and _has_text(page) and _picture_cover(page) < PICTURE_COVER
        lines = _text_layer(plumber, index, scale) if text and plumber is not None else None
        image = _render(page, scale) if lines is None or render else None
        if image is not None:
            height, width = image.shape[:2]
        return PdfPage(index=index, dpi=scale * 72, width=width, height=height, lines=lines, image=image)
    finally:
        page.close()


def _scale(w_pt: float, h_pt: float, *, dpi: float, max_pixels: int) -> float:
    """Pixels per point: `dpi`, less for a page that would exceed the pixel cap or the working side."""
    scale = dpi / 72
    area = max(w_pt * h_pt, 1.0)
    scale = min(scale, math.sqrt(max_pixels / area), MAX_WORK_SIDE / max(w_pt, h_pt, 1.0))
    return max(scale, 0.01)


def _has_text(page: pdfium.PdfPage) -> bool:
    """Cheap pdfium pre-check: any visible text object at all (skips pdfminer on plain scans)."""
    visible = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
        if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
            visible += 1
    return visible > 0


def _text_layer(plumber: PlumberPDF, index: int, scale: float) -> list[TextLine] | None:
    try:
        page = plumber.pages[index]
    except Exception:
        return None
    try:
        chars = [c for c in page.chars if not c["text"].isspace()]
        if page.rotation % 360 or sum(1 for c in chars if not c["upright"]) > len(chars) / 2:
            return None  # turned or sideways text: the render, turned upright by OCR, reads reliably
        bad = sum(1 for c in chars if c["text"].startswith("(cid:") or c["text"] == "\ufffd")
        if len(chars) - bad < MIN_TEXT_CHARS or bad > MAX_BAD_SHARE * len(chars):
            return None
        words = page.extract_words(x_tolerance=2, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
        words += _check_boxes(page)
        return group_words(words, scale=scale)
    except Exception:
        return None  # a page pdfminer chokes on is still legible to OCR
    finally:
        page.close()


def _picture_cover(page: pdfium.PdfPage) -> float:
    """The share of the page that its pictures cover (summed, so overlapping pictures count twice)."""
    width, height = (float(v) for v in page.get_size())
    covered = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):  # inside form XObjects too
        left, bottom, right, top = (float(v) for v in obj.get_bounds())
        w = min(right, width) - max(left, 0.0)
        h = min(top, height) - max(bottom, 0.0)
        covered += max(w, 0.0) * max(h, 0.0)
    return min(covered / max(width * height, 1.0), 1.0)


def _check_boxes(page: Any) -> list[Word]:
    """Small vector squares as ☐, or ☑ when a stroke is drawn inside them or they are filled dark."""
    strokes = [
        o for o in (*page.curves, *page.lines) if o["x1"] - o["x0"] < 20 and o["bottom"] - o["top"] < 20
    ]
    boxes: list[Word] = []
    for r in page.rects:
        w, h = r["x1"] - r["x0"], r["bottom"] - r["top"]
        if not (5 <= w <= 16 and 5 <= h <= 16 and abs(w - h) <= 0.25 * max(w, h)):
            continue
        ticked = _dark_fill(r) or any(_inside(s, r, slack=0.4 * w) for s in strokes)
        boxes.append(
            {"text": CHECKED if ticked else UNCHECKED, **{k: r[k] for k in ("x0", "x1", "top", "bottom")}}
        )
    return boxes


def _dark_fill(rect: Word) -> bool:
    """A square filled dark (■) is a ticked box too."""
    color = rect.get("non_stroking_color")
    if not rect.get("fill") or color is None:
        return False
    if isinstance(color, (int, float)):  # pdfminer gives a bare number for grey
        color = (color,)
    values = (
        [float(v) for v in color if isinstance(v, (int, float))] if isinstance(color, (tuple, list)) else []
    )
    if len(values) == 4:  # CMYK: dark when black ink is heavy
        return values[3] > 0.5
    return bool(values) and sum(values) / len(values) < 0.5


def _inside(inner: Word, outer: Word, *, slack: float) -> bool:
    cx = (float(inner["x0"]) + float(inner["x1"])) / 2
    cy = (float(inner["top"]) + float(inner["bottom"])) / 2
    in_x = float(outer["x0"]) - slack <= cx <= float(outer["x1"]) + slack
    in_y = float(outer["top"]) - slack <= cy <= float(outer["bottom"]) + slack
    return in_x and in_y


def group_words(words: list[Word], *, scale: float = 1.0, gap_ratio: float = 1.0) -> list[TextLine]:
    """Words (PDF points, top-left origin) into lines in pixels, in reading order.

    Words whose vertical spans overlap by half form a row; a row splits into separate lines where
    the horizontal gap exceeds `gap_ratio` times the text height.
    """
    lines: list[TextLine] = []
    for row in _rows(words):
        run: list[Word] = []
        for word in sorted(row, key=lambda w: w["x0"]):
            height = max(word["bottom"] - word["top"], 1.0)
            if run and word["x0"] - run[-1]["x1"] > gap_ratio * height:
                lines.append(_line(run, scale))
                run = []
            run.append(word)
        if run:
            lines.append(_line(run, scale))
    return lines


def _rows(words: list[Word]) -> list[list[Word]]:
    rows: list[list[Word]] = []
    spans: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        top, bottom = word["top"], word["bottom"]
        for i, (r_top, r_bottom) in enumerate(spans):
            overlap = min(bottom, r_bottom) - max(top, r_top)
            if overlap >= 0.5 * min(bottom - top, r_bottom - r_top):
                rows[i].append(word)
                spans[i] = (min(top, r_top), max(bottom, r_bottom))
                break
        else:
            rows.append([word])
            spans.append((top, bottom))
    return rows


def _line(run: list[Word], scale: float) -> TextLine:
    text = ""
    for i, word in enumerate(run):
        # keep a visible gap as one space, Chinese included: it often parts a label from its value
        height = max(word["bottom"] - word["top"], 1.0)
        after_box = run[i - 1]["text"] in (CHECKED, UNCHECKED) if i else False
        if i and not after_box and word["x0"] - run[i - 1]["x1"] > SPACE_RATIO * height:
            text += " "
        text += word["text"]
    box = Box(
        x0=min(w["x0"] for w in run) * scale,
        y0=min(w["top"] for w in run) * scale,
        x1=max(w["x1"] for w in run) * scale,
        y1=max(w["bottom"] for w in run) * scale,
    )
    return TextLine(text=text, box=box, score=1.0)


def _render(page: pdfium.PdfPage, scale: float) -> np.ndarray:
    bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
    try:
        return np.ascontiguousarray(np.asarray(bitmap.to_pil().convert("RGB"), dtype=np.uint8))
    finally:
        bitmap.close()
