"""The pixel masks computed on whole channels are their definitions, pixel for pixel."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from prereview.visual.pixels import flatten, ink_mask, seal_redness


def _image(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (120 + seed, 90, 3), dtype=np.uint8)


@pytest.mark.parametrize("seed", range(4))
def test_ink_mask_is_dark_or_coloured_and_not_red(seed: int) -> None:
    flat = _image(seed)
    f = flat.astype(np.int32)
    grey = (f[:, :, 0] * 3 + f[:, :, 1] * 6 + f[:, :, 2]) // 10
    colour = f.max(axis=2) - f.min(axis=2)
    red = f[:, :, 0] - np.maximum(f[:, :, 1], f[:, :, 2]) > 35
    for dark, chroma in ((150, 40), (90, 25)):
        want = ((grey < dark) | ((colour > chroma) & (grey < 215))) & ~red
        assert np.array_equal(ink_mask(flat, dark=dark, chroma=chroma), want)


@pytest.mark.parametrize("seed", range(4))
def test_seal_redness_is_red_less_the_orange(seed: int) -> None:
    flat = _image(seed)
    f = flat.astype(np.float32)
    r, g, b = f[:, :, 0], f[:, :, 1], f[:, :, 2]
    got = seal_redness(flat)
    assert got.dtype == np.float32
    assert np.array_equal(got, r - np.maximum(g, b) - np.maximum(g - b, 0.0))


@pytest.mark.parametrize("edges", [False, True])
def test_flatten_divides_each_channel_by_its_background(edges: bool) -> None:
    rgb = cv2.GaussianBlur(_image(7), (0, 0), 2)
    k = 15
    window = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    want = np.empty_like(rgb)
    for c in range(3):
        ch = np.ascontiguousarray(rgb[:, :, c])
        if edges:
            bg = cv2.blur(cv2.morphologyEx(ch, cv2.MORPH_CLOSE, window), (k // 2 | 1, k // 2 | 1))
            bg = np.maximum(bg, ch).astype(np.float32)
        else:
            bg = cv2.blur(cv2.dilate(ch, window), (k, k)).astype(np.float32)
        want[:, :, c] = np.clip(ch.astype(np.float32) * 255.0 / np.maximum(bg, 16.0), 0, 255).astype(np.uint8)
    assert np.array_equal(flatten(rgb, kernel=k, edges=edges), want)
