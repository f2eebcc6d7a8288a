"""Drawing for bench/gencases.py: a page is a small display list in millimetres, rendered either to a
raster (scans, photos) or to a text PDF with the CJK font embedded (reportlab), so both kinds of upload
carry the same content. Seals are red round stamps with a star and the unit name on the arc; signatures
are random scribbles. Photo effects: perspective, rotation, shadow, blur, JPEG compression.
"""

from __future__ import annotations

import functools
import io
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

# (path, index) of Debian's CJK fonts; the first four are TrueType and can be embedded in text PDFs.
FONTS: list[tuple[str, int]] = [
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
]
PDF_FONTS = 4


def available_fonts() -> list[int]:
    """Indexes of FONTS installed here (make gencases-fonts installs them all)."""
    return [i for i, (p, _) in enumerate(FONTS) if Path(p).exists()]


@dataclass
class Text:
    x: float
    y: float  # baseline, mm from the top
    s: str
    size: float  # mm (cap height of the em box)
    hand: bool = False  # filled in by hand: kai font, ink, each character a little off (raster only)


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Stamp:
    cx: float
    cy: float
    r: float
    name: str
    seed: int
    faint: bool = False


@dataclass
class Scribble:
    x: float
    y: float
    w: float
    h: float
    seed: int


@dataclass
class Page:
    w: float
    h: float
    font: int
    ops: list[Text | Line | Stamp | Scribble] = field(default_factory=list)
    tint: tuple[int, int, int] = (255, 255, 255)


@functools.lru_cache(maxsize=48)  # a handwritten value asks for a font per character
def _pil_font(font: int, px: int) -> ImageFont.FreeTypeFont:
    path, index = FONTS[font]
    return ImageFont.truetype(path, max(px, 6), index=index)


def stamp_image(stamp: Stamp, px_per_mm: float) -> Image.Image:
    """A red round seal (RGBA): ring, five-pointed star, unit name along the upper arc."""
    rnd = random.Random(stamp.seed)
    size = int(stamp.r * 2 * px_per_mm) + 4
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    alpha = rnd.randint(110, 160) if stamp.faint else rnd.randint(190, 235)
    red = (rnd.randint(200, 235), rnd.randint(20, 60), rnd.randint(30, 60), alpha)
    c, r = size / 2, size / 2 - 2
    d.ellipse([c - r, c - r, c + r, c + r], outline=red, width=max(2, int(r * 0.06)))
    star_r = r * 0.28
    pts = [
        (
            c + star_r * (1 if k % 2 == 0 else 0.4) * math.sin(k * math.pi / 5),
            c - star_r * (1 if k % 2 == 0 else 0.4) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    d.polygon(pts, fill=red)
    chars = list(stamp.name)
    span = min(250.0, 18.0 * len(chars) + 30)
    ch_px = int(min(r * 0.3, r * 2.6 * math.pi * span / 360 / max(len(chars), 1)))
    font = _pil_font(0, ch_px)
    for k, ch in enumerate(chars):
        ang = -span / 2 + span * (k + 0.5) / len(chars)
        tile = Image.new("RGBA", (ch_px * 2, ch_px * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((ch_px / 2, ch_px / 2), ch, font=font, fill=red)
        tile = tile.rotate(-ang, resample=Image.Resampling.BICUBIC)
        rr = r * 0.72
        x = c + rr * math.sin(math.radians(ang)) - ch_px
        y = c - rr * math.cos(math.radians(ang)) - ch_px
        img.alpha_composite(tile, (int(x), int(y)))
    return img.rotate(rnd.uniform(-25, 25), resample=Image.Resampling.BICUBIC)


def scribble_image(sc: Scribble, px_per_mm: float) -> Image.Image:
    """A handwritten-looking signature: a few connected loops in dark ink."""
    rnd = random.Random(sc.seed)
    w, h = int(sc.w * px_per_mm), int(sc.h * px_per_mm)
    img = Image.new("RGBA", (max(w, 4), max(h, 4)), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    ink = rnd.choice([(20, 20, 30, 255), (20, 30, 110, 255), (40, 40, 40, 255)])
    width = max(1, int(px_per_mm * rnd.uniform(0.3, 0.55)))
    strokes = rnd.randint(2, 4)
    for s in range(strokes):
        x0 = w * s / strokes
        pts = []
        for k in range(24):
            t = k / 23
            x = x0 + t * w / strokes * 1.2 + rnd.uniform(-2, 2)
            y = h / 2 + math.sin(t * rnd.uniform(6, 14) + s) * h * rnd.uniform(0.2, 0.42)
            pts.append((x, y))
        d.line(pts, fill=ink, width=width, joint="curve")
    d.line([(w * 0.05, h * 0.8), (w * 0.95, h * rnd.uniform(0.5, 0.9))], fill=ink, width=width)
    return img


def _hand_text(d: ImageDraw.ImageDraw, op: Text, k: float) -> None:
    """A value written by hand: a kai (brush) font in blue or black ink, the whole line a little above or
    below its place, each character a little larger or smaller and off the baseline. The jitter is seeded
    by the text and its place, so a page renders the same every time."""
    rnd = random.Random(f"{op.s}|{op.x:.2f}|{op.y:.2f}")
    hand = next((i for i in (3, 2) if Path(FONTS[i][0]).exists()), 0)
    ink = rnd.choice([(25, 45, 140, 255), (30, 30, 40, 255), (20, 60, 160, 255)])
    x = op.x * k + rnd.uniform(0, 0.4) * op.size * k
    # Written above the line more often than below, and drifting by at most 0.15 em over the value, so
    # that in a ruled form it stays inside its own cell (a value in the row above would be a doubt).
    base = op.y * k + rnd.uniform(-0.2, 0.1) * op.size * k
    slope = rnd.uniform(-0.15, 0.15) * op.size / max(len(op.s) * op.size, 1.0)
    for ch in op.s:
        px = int(op.size * k * rnd.uniform(0.94, 1.06))
        font = _pil_font(hand, px)
        y = base + slope * (x - op.x * k) + rnd.uniform(-0.06, 0.06) * px
        d.text((x, y - px), ch, font=font, fill=ink)
        x += font.getlength(ch) * rnd.uniform(1.0, 1.04)


def render_png(page: Page, dpi: int) -> Image.Image:
    k = dpi / 25.4
    img = Image.new("RGBA", (int(page.w * k), int(page.h * k)), (*page.tint, 255))
    d = ImageDraw.Draw(img)
    for op in page.ops:
        if isinstance(op, Text) and op.hand:
            _hand_text(d, op, k)
        elif isinstance(op, Text):
            px = int(op.size * k)
            d.text((op.x * k, op.y * k - px), op.s, font=_pil_font(page.font, px), fill=(25, 25, 25, 255))
        elif isinstance(op, Line):
            d.line(
                [(op.x1 * k, op.y1 * k), (op.x2 * k, op.y2 * k)],
                fill=(60, 60, 60, 255),
                width=max(1, int(k / 4)),
            )
    for op in page.ops:  # seals and signatures on top of the print, as on paper
        if isinstance(op, Stamp):
            s = stamp_image(op, k)
            img.alpha_composite(s, (int(op.cx * k - s.width / 2), int(op.cy * k - s.height / 2)))
        elif isinstance(op, Scribble):
            s = scribble_image(op, k)
            img.alpha_composite(s, (int(op.x * k), int(op.y * k)))
    return img.convert("RGB")


def _pdf_font_name(font: int) -> str:
    name = f"GenCJK{font}"
    if name not in pdfmetrics.getRegisteredFontNames():
        path, index = FONTS[font]
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name


def write_text_pdf(pages: list[Page], path: Path) -> None:
    """A PDF with a real text layer (embedded TrueType CJK font); seals and signatures as images."""
    mm = 72 / 25.4
    c = canvas.Canvas(str(path), pagesize=(pages[0].w * mm, pages[0].h * mm), invariant=True)
    for page in pages:
        c.setPageSize((page.w * mm, page.h * mm))
        font = _pdf_font_name(page.font if page.font < PDF_FONTS else 0)
        for op in page.ops:
            if isinstance(op, Text):
                c.setFont(font, op.size * mm)
                c.drawString(op.x * mm, (page.h - op.y) * mm, op.s)
            elif isinstance(op, Line):
                c.line(op.x1 * mm, (page.h - op.y1) * mm, op.x2 * mm, (page.h - op.y2) * mm)
        for op in page.ops:
            if isinstance(op, Stamp):
                s = stamp_image(op, 12)
                w = s.width / 12
                c.drawImage(
                    ImageReader(s),
                    (op.cx - w / 2) * mm,
                    (page.h - op.cy - w / 2) * mm,
                    w * mm,
                    w * mm,
                    mask="auto",
                )
            elif isinstance(op, Scribble):
                s = scribble_image(op, 12)
                c.drawImage(
                    ImageReader(s), op.x * mm, (page.h - op.y - op.h) * mm, op.w * mm, op.h * mm, mask="auto"
                )
        c.showPage()
    c.save()


def write_image_pdf(images: list[Image.Image], path: Path, dpi: int) -> None:
    """A scanned PDF: image-only pages, no text layer."""
    first, rest = images[0], images[1:]
    when = time.strptime("2026-01-01", "%Y-%m-%d")  # fixed, so that a seed gives the same bytes
    first.save(
        path, "PDF", resolution=dpi, save_all=True, append_images=rest, creationDate=when, modDate=when
    )


def scan_effect(img: Image.Image, rnd: random.Random) -> Image.Image:
    """A flatbed scan: slight skew, grey cast, a little noise."""
    img = img.rotate(
        rnd.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(250, 250, 250)
    )
    arr = np.asarray(img).astype(np.int16)
    arr = arr - rnd.randint(0, 18) + np.random.default_rng(rnd.randint(0, 9999)).integers(-8, 8, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def photo(
    items: list[Image.Image], rnd: random.Random, *, max_side: int = 1600, spread: bool = False
) -> tuple[Image.Image, int]:
    """A phone photo of one or more sheets or cards on a table: perspective, shadow, blur, rotation
    (returned with the photo, for the case notes)."""
    bg_col = rnd.choice([(120, 110, 100), (90, 95, 100), (160, 150, 135), (60, 60, 65)])
    sheets = [it.copy() for it in items]
    for s in sheets:
        s.thumbnail((max_side, max_side))
    gap = 60
    cols = 1 if len(sheets) == 1 else 2 if len(sheets) <= 4 and rnd.random() < 0.7 else 1
    cols = 2 if spread else cols  # two A4 pages side by side, as a book or a folder lies open
    rows = [sheets[i : i + cols] for i in range(0, len(sheets), cols)]
    W = max(sum(s.width for s in row) + gap * (len(row) + 1) for row in rows)
    H = sum(max(s.height for s in row) for row in rows) + gap * (len(rows) + 1)
    canvas_img = Image.new("RGB", (W, H), bg_col)
    y = gap
    for row in rows:  # sheets in a grid of one or two columns
        x = gap
        for s in row:
            canvas_img.paste(s, (x + rnd.randint(0, gap // 3), y + rnd.randint(0, gap // 3)))
            x += s.width + gap
        y += max(s.height for s in row) + gap
    arr = np.asarray(canvas_img)
    h, w = arr.shape[:2]
    j = 0.06
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    dst = np.array(
        [
            [rnd.uniform(0, j) * w, rnd.uniform(0, j) * h],
            [w - rnd.uniform(0, j) * w, rnd.uniform(0, j) * h],
            [w - rnd.uniform(0, j) * w, h - rnd.uniform(0, j) * h],
            [rnd.uniform(0, j) * w, h - rnd.uniform(0, j) * h],
        ],
        dtype=np.float32,
    )
    m = cv2.getPerspectiveTransform(src, dst)
    arr = cv2.warpPerspective(arr, m, (w, h), borderValue=bg_col)
    # shadow: a soft dark band across one side
    yy, xx = np.mgrid[0:h, 0:w]
    ang = rnd.uniform(0, math.pi)
    t = (xx * math.cos(ang) + yy * math.sin(ang)) / max(w, h)
    shade = 1 - rnd.uniform(0.15, 0.35) * np.clip((t - rnd.uniform(0.3, 0.7)) * 4, 0, 1)
    arr = np.clip(arr * shade[..., None], 0, 255).astype(np.uint8)
    out = Image.fromarray(arr)
    if rnd.random() < 0.6:
        out = out.filter(ImageFilter.GaussianBlur(rnd.uniform(0.4, 1.1)))
    rot = rnd.choice([0, 0, 0, 90, 180, 270])
    if rot:
        out = out.rotate(rot, expand=True)
    out.thumbnail((max_side, max_side))
    return out, rot


def jpeg_bytes(img: Image.Image, rnd: random.Random) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rnd.randint(55, 85))
    return buf.getvalue()
