"""What a phone or a scanner does to an image: turns, tilt, a desk around the sheet, perspective,
uneven light, blur, grain and JPEG. ``bench/harden.py`` applies them to sample files; each takes a
seeded generator (``rng_for``) so the same command makes the same files.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field

import cv2
import numpy as np

A4_MIN_SIDE = 1200  # pixels, long side of a photographed A4 page (cards keep the lower floor)
A4_MIN_JPEG = 65
DESKS = [
    (112, 78, 52),
    (150, 112, 76),
    (70, 70, 74),
    (128, 128, 122),
    (40, 46, 60),
    (186, 180, 168),
]  # wood, grey, dark

Rng = np.random.Generator


def rng_for(seed: int, *parts: object) -> Rng:
    return np.random.default_rng(zlib.crc32(":".join(map(str, (seed, *parts))).encode()))


# --- degradations of one RGB image (H x W x 3 uint8) -------------------------------------------------


def turn(image: np.ndarray, degrees: int) -> np.ndarray:
    """Turned clockwise by a multiple of 90°."""
    return np.ascontiguousarray(np.rot90(image, -(degrees // 90) % 4))


def tilt(image: np.ndarray, degrees: float, *, background: tuple[int, int, int]) -> np.ndarray:
    """Rotated by `degrees` (positive: counter-clockwise) on a canvas that holds all of it."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = round(h * sin + w * cos), round(h * cos + w * sin)
    m[0, 2] += (nw - w) / 2
    m[1, 2] += (nh - h) / 2
    return cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_CUBIC, borderValue=background)


def on_desk(image: np.ndarray, rng: Rng, *, desk: tuple[int, int, int]) -> np.ndarray:
    """The sheet lying on a desk: a margin of 3-8 % of desk around it, a little desk texture."""
    h, w = image.shape[:2]
    mx, my = (int(rng.uniform(0.03, 0.08) * s) for s in (w, h))
    canvas = np.empty((h + 2 * my, w + 2 * mx, 3), np.uint8)
    canvas[:] = desk
    texture = rng.normal(0, 6, canvas.shape[:2])[:, :, None]
    canvas = np.clip(canvas + texture, 0, 255).astype(np.uint8)
    canvas[my : my + h, mx : mx + w] = image
    return canvas


def perspective(
    image: np.ndarray, rng: Rng, *, strength: float, background: tuple[int, int, int]
) -> np.ndarray:
    """Seen from off-centre: each corner moved inwards by up to `strength` of the side, the far edge
    shorter than the near one (the phone held below or beside the sheet)."""
    h, w = image.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    far = rng.integers(4)  # which edge is farthest from the lens
    jitter = rng.uniform(0.2, 1.0, (4, 2)) * strength * np.float32([w, h])
    inward = np.float32([[1, 1], [-1, 1], [-1, -1], [1, -1]])
    shrink = np.zeros((4, 2), np.float32)
    near_far = [(0, 1), (1, 2), (2, 3), (3, 0)][far]
    for corner in near_far:  # the far edge is drawn in along its own direction
        shrink[corner, 0 if far in (0, 2) else 1] = strength * (w if far in (0, 2) else h)
    dst = src + inward * (jitter * 0.5 + shrink)
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    return cv2.warpPerspective(image, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=background)


def shade(image: np.ndarray, rng: Rng, *, depth: float) -> np.ndarray:
    """Uneven light: a gradient across the sheet down to 1 - `depth`, a soft hand or phone shadow in
    one corner and a warm or cool colour cast."""
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx / w - 0.5) * math.cos(angle) + (yy / h - 0.5) * math.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    light = 1.0 - depth * ramp
    cx, cy = rng.choice([0.0, 1.0]) * w, rng.choice([0.0, 1.0]) * h
    r = rng.uniform(0.3, 0.55) * max(h, w)
    spot = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)))
    light *= 1.0 - rng.uniform(0.15, 0.3) * spot
    cast = np.float32([1.0, rng.uniform(0.9, 1.0), rng.uniform(0.78, 0.95)])
    if rng.random() < 0.3:
        cast = cast[::-1]  # cold fluorescent light
    out = image.astype(np.float32) * light[:, :, None] * cast
    return np.clip(out, 0, 255).astype(np.uint8)


def long_side(image: np.ndarray, side: int) -> np.ndarray:
    h, w = image.shape[:2]
    f = side / max(h, w)
    return cv2.resize(image, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA) if f < 1 else image


def soften(image: np.ndarray, rng: Rng, *, blur: float, noise: float) -> np.ndarray:
    out = cv2.GaussianBlur(image, (0, 0), blur) if blur > 0 else image
    grain = rng.normal(0, noise, out.shape) if noise > 0 else 0
    return np.clip(out.astype(np.float32) + grain, 0, 255).astype(np.uint8)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1])


# --- what each variant does to one image ----------------------------------------------------------


@dataclass
class Done:
    """An image as it ends up, with what was done to it (for the notes)."""

    image: np.ndarray
    steps: list[str] = field(default_factory=list)


def turned(image: np.ndarray, rng: Rng) -> Done:
    quarter = int(rng.choice([90, 180, 270]))
    angle = float(rng.uniform(3, 8) * rng.choice([-1, 1]))
    out = tilt(turn(image, quarter), angle, background=(255, 255, 255))
    return Done(out, [f"turn {quarter}", f"tilt {angle:+.1f}"])


def photographed(image: np.ndarray, rng: Rng, *, page: bool = False) -> Done:
    """Re-photographed; `page`: an A4 page, whose small print needs the higher floor of size and quality."""
    desk = DESKS[int(rng.integers(len(DESKS)))]
    strength = float(rng.uniform(0.03, 0.07))
    angle = float(rng.uniform(3, 8) * rng.choice([-1, 1]))
    depth = float(rng.uniform(0.3, 0.5))
    side = int(rng.integers(1000, 1401))
    blur, noise = float(rng.uniform(0.4, 0.9)), float(rng.uniform(2, 5))
    quality = int(rng.integers(55, 81))
    quarter = int(rng.choice([90, 180, 270])) if rng.random() < 1 / 3 else 0
    if page:  # raised after the draws: the random stream, and every image above the floor, stay the same
        side, quality = max(side, A4_MIN_SIDE), max(quality, A4_MIN_JPEG)
    out = on_desk(image, rng, desk=desk)
    out = perspective(out, rng, strength=strength, background=desk)
    out = tilt(out, angle, background=desk)
    out = shade(out, rng, depth=depth)
    out = soften(long_side(out, side), rng, blur=blur, noise=noise)
    out = jpeg(turn(out, quarter), quality)
    steps = [
        f"perspective {strength:.2f}",
        f"tilt {angle:+.1f}",
        f"shadow {depth:.2f}",
        f"side {side}",
        f"blur {blur:.1f}",
        f"noise {noise:.1f}",
        f"jpeg {quality}",
    ]
    return Done(out, steps + ([f"turn {quarter}"] if quarter else []))


def rescanned(image: np.ndarray, rng: Rng) -> Done:
    """A sheet through a flatbed scanner: slight tilt, a little grain, JPEG."""
    angle = float(rng.uniform(0.5, 2.0) * rng.choice([-1, 1]))
    quality = int(rng.integers(65, 86))
    out = tilt(image, angle, background=(255, 255, 255))
    out = jpeg(soften(out, rng, blur=0.0, noise=float(rng.uniform(1, 3))), quality)
    return Done(out, [f"tilt {angle:+.1f}", f"jpeg {quality}"])
