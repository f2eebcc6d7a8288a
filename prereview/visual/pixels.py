"""Pixel helpers shared by the visual checks: input checks, lighting-independent masks, box crops.

Phone photos come with shadows and colour casts. Dividing every channel by its local background
(the paper, estimated by a large max-filter) turns the paper white everywhere and keeps each ink's
own colour, so one set of colour thresholds serves scans and photos alike.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from prereview.documents import Box
from prereview.errors import PageImageError

WORK_SIDE = 1600  # long side the masks are computed at: seals and strokes survive, time stays low


def as_rgb(image: np.ndarray) -> np.ndarray:
    """A page image as H x W x 3 uint8 RGB; grey images are widened, anything else is refused."""
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or arr.shape[0] < 8 or arr.shape[1] < 8:
        raise PageImageError(f"页面图像无效（尺寸 {arr.shape}），无法进行印章、签字识别。")
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr[:, :, :3])


def downscale(image: np.ndarray, max_side: int = WORK_SIDE) -> tuple[np.ndarray, float]:
    """The image shrunk to `max_side` (never enlarged) and the factor applied."""
    h, w = image.shape[:2]
    f = min(1.0, max_side / max(h, w))
    if f >= 1.0:
        return image, 1.0
    return cv2.resize(image, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA), f


def flatten(rgb: np.ndarray, *, kernel: int | None = None, edges: bool = False) -> np.ndarray:
    """Each channel divided by its local background: paper becomes white, shadows and casts vanish.
    Ink wider than `kernel` (default: 1/60 of the long side, wider than any stroke) fades too.

    With `edges`, the background follows the edges of areas wider than `kernel` (a card on a sheet,
    the sheet on a desk, a portrait): each is flattened against itself. Without, the paper's brightness
    bleeds a kernel's width into a darker area, which then looks as strongly coloured as ink."""
    side = max(rgb.shape[:2])
    k = kernel or max(15, (side // 60) | 1)  # wider than a stroke, narrower than a shadow's gradient
    window = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    out = []
    # each channel contiguous, and the arithmetic in place: a third less time than on strided channel
    # views with a temporary per step, the same float32 operations in the same order
    for ch in cv2.split(np.ascontiguousarray(rgb)):
        if edges:  # closing keeps large areas' edges; the small blur only smooths its blocks
            bg = cv2.blur(cv2.morphologyEx(ch, cv2.MORPH_CLOSE, window), (k // 2 | 1, k // 2 | 1))
            bg = np.maximum(bg, ch).astype(np.float32)
        else:
            bg = cv2.blur(cv2.dilate(ch, window), (k, k)).astype(np.float32)
        ratio = ch.astype(np.float32)
        ratio *= 255.0
        ratio /= np.maximum(bg, 16.0, out=bg)
        out.append(np.clip(ratio, 0, 255, out=ratio).astype(np.uint8))
    return np.asarray(cv2.merge(out))


def redness(flat: np.ndarray) -> np.ndarray:
    """R - max(G, B) on a flattened image (int16): high on seal ink, ~0 on black, blue and paper."""
    f = flat.astype(np.int16)
    return f[:, :, 0] - np.maximum(f[:, :, 1], f[:, :, 2])


def seal_redness(flat: np.ndarray) -> np.ndarray:
    """`redness` less the orange in a pixel, G - B (float32): seal ink is red to pink (G and B alike),
    skin, wood, brown hair and gold are orange to yellow (G well above B) and no seal's."""
    # whole numbers from -510 to 255: computed in int16 on contiguous channels (max(G - B, 0) is uint8's
    # saturating subtraction), they are the float32 values exactly
    r, g, b = cv2.split(np.ascontiguousarray(flat))
    diff = r.astype(np.int16) - cv2.max(g, b) - cv2.subtract(g, b)
    return np.asarray(diff.astype(np.float32))


def red_mask(
    flat: np.ndarray, *, where: np.ndarray | None = None, strong: float = 20, weak: float = 6
) -> np.ndarray:
    """Seal-red pixels (bool), by hysteresis on the smoothed `seal_redness`: pixels redder than the weak
    threshold that touch one redder than the strong one, both raised to 3 and 6 times the image's
    noise (measured on its paper). Stamped ink sits at 50-160 on scans; in small, blurred, compressed
    photos a stamp's ring falls to 10-30, while their colour noise alone reaches 10. JPEG keeps colour
    in 16 px blocks, so the smoothing (1 px) steadies the noise more than it dims a ring.
    `where`: the pixels that can be seal ink at all."""
    red = cv2.GaussianBlur(seal_redness(flat), (0, 0), 1.0)
    if float(red.max()) <= strong:  # nothing can pass the strong threshold: skip the noise median
        return np.zeros(red.shape, bool)
    paper = red[cv2.cvtColor(flat, cv2.COLOR_RGB2GRAY) > 225]
    noise = 1.4826 * float(np.median(np.abs(paper - np.median(paper)))) if paper.size >= 100 else 0.0
    weak_mask = red > max(weak, 3 * noise)
    if where is not None:
        weak_mask &= where
    n, labels = cv2.connectedComponents(weak_mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(red.shape, bool)
    keep = np.zeros(n, bool)
    keep[np.unique(labels[red > max(strong, 6 * noise)])] = True
    keep[0] = False
    return np.asarray(keep[labels])


def gold_mask(flat: np.ndarray) -> np.ndarray:
    """Yellow-gold pixels (bool): the national emblem's, never a seal's or an ink's."""
    f = flat.astype(np.int16)
    r, g, b = f[:, :, 0], f[:, :, 1], f[:, :, 2]
    return np.asarray((np.minimum(r, g) - b > 60) & (np.abs(r - g) < 70))


def ink_mask(flat: np.ndarray, *, dark: int = 150, chroma: int = 40) -> np.ndarray:
    """Non-red ink (bool): dark pixels, or clearly coloured ones (blue ballpoint); red is the seals'."""
    # grey = (3R + 6G + B) // 10, colour = max - min, redness = R - max(G, B): computed on whole channels
    # in uint8/uint16 (no int16 copy of the image, no reduction across its channels), the same masks
    r, g, b = cv2.split(np.ascontiguousarray(flat))
    gb = cv2.max(g, b)
    colour = cv2.subtract(cv2.max(r, gb), cv2.min(r, cv2.min(g, b)))
    red = cv2.subtract(r, gb) > 35  # saturating: no redness at all is 0, below the threshold
    grey10 = r.astype(np.uint16) * 3 + g.astype(np.uint16) * 6 + b  # ten times grey, before the floor
    dark_ink = grey10 < 10 * math.ceil(dark)  # grey < dark, for the integer grey
    return np.asarray((dark_ink | ((colour > chroma) & (grey10 < 2150))) & ~red)


def faint_ink_mask(flat: np.ndarray) -> np.ndarray:
    """Non-red ink too light for `ink_mask` (bool): a pencil, a pen running dry, a stroke softened by
    blur or compression. Judged against the image's own noise, measured on its paper: darker than
    the paper by 5 times that noise (at least 30 grey levels), or coloured by 4 times its colour noise
    (at least 18). Print passes too; callers look at it only where `ink_mask` found too little."""
    f = flat.astype(np.int16)
    grey = (f[:, :, 0] * 3 + f[:, :, 1] * 6 + f[:, :, 2]) // 10
    colour = f.max(axis=2) - f.min(axis=2)
    paper = grey > 200
    if paper.sum() < 100:
        return np.zeros(grey.shape, bool)
    level = float(np.median(grey[paper]))
    spread = 1.4826 * float(np.median(np.abs(grey[paper] - level)))
    tint = float(np.median(colour[paper]))
    tint_spread = 1.4826 * float(np.median(np.abs(colour[paper] - tint)))
    dark = grey < level - max(30.0, 5 * spread)
    tinted = (colour > tint + max(18.0, 4 * tint_spread)) & (grey < level - 10)
    # a seal's pale edge and its JPEG-greyed strokes are no pen: anything reddish and 3 px around it is out
    reddish = cv2.dilate((redness(flat) > 8).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    return np.asarray((dark | tinted) & ~reddish)


def clip_box(box: Box, shape: tuple[int, ...], *, scale: float = 1.0) -> tuple[int, int, int, int]:
    """Integer (x0, y0, x1, y1) of `box` scaled by `scale` and clipped to an image of `shape`."""
    h, w = shape[:2]
    x0 = int(np.clip(np.floor(box.x0 * scale), 0, w))
    x1 = int(np.clip(np.ceil(box.x1 * scale), 0, w))
    y0 = int(np.clip(np.floor(box.y0 * scale), 0, h))
    y1 = int(np.clip(np.ceil(box.y1 * scale), 0, h))
    return x0, y0, x1, y1


def box_from(x0: float, y0: float, x1: float, y1: float, *, scale: float = 1.0) -> Box:
    """A page-coordinate Box from working-image coordinates shrunk by `scale`."""
    return Box(x0=x0 / scale, y0=y0 / scale, x1=x1 / scale, y1=y1 / scale)


def strip_rules(ink: np.ndarray, *, min_len: int) -> np.ndarray:
    """`ink` without long straight horizontal and vertical runs (underlines, table borders, ____)."""
    u8 = ink.astype(np.uint8)
    horiz = cv2.morphologyEx(u8, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (min_len, 1)))
    vert = cv2.morphologyEx(u8, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, min_len)))
    rules = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    return np.asarray(ink & (rules == 0))
