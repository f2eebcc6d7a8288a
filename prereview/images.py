"""Photos and scans (JPEG, PNG, TIFF, BMP, WebP; HEIC when pillow-heif is installed) as RGB arrays.

Every frame comes out as an upright-per-EXIF, 8-bit RGB `numpy` array (H x W x 3, C-contiguous).
The pixel cap is checked on the header, before any pixel is decoded, so a decompression bomb costs
nothing; Pillow's own bomb guard is set to the same cap as a second line. Frames larger than
`MAX_WORK_SIDE` on their long side are scaled down: OCR detects at ~1000 px anyway, and the cap
bounds the memory of every later step.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from prereview.errors import CorruptFile, FileTooLarge, UnsupportedFile
from prereview.sniff import Kind

# A 12-megapixel phone photo (4000 px) costs a fifth more to turn, deskew, crop and store than at 2600 px
# and reads the same: 2600 px over an A4 page is still ~220 dpi, 30 px per line of 10.5 pt text.
MAX_WORK_SIDE = 2600
# A JPEG of at least twice this long side is decoded at a half, quarter or eighth of its size by libjpeg's
# DCT scaling (Pillow's draft mode), never below this side: a 12 MP photo comes out at 2000 px, more pixels
# than any sample phone photo (1000-1600 px) that reads correctly, for a quarter of the decoding and
# none of the full-size resize.
DRAFT_SIDE = 2000

_PIL_FORMATS: dict[Kind, list[str]] = {
    Kind.JPEG: ["JPEG"],  # Pillow opens MPO (phones' JPEG + depth map) through its JPEG plugin
    Kind.PNG: ["PNG"],
    Kind.TIFF: ["TIFF"],
    Kind.BMP: ["BMP", "DIB"],
    Kind.WEBP: ["WEBP"],
    Kind.HEIC: ["HEIF"],
}


def load_images(path: Path, *, kind: Kind, max_pixels: int, max_pages: int) -> Iterator[np.ndarray]:
    """Yield each frame of the image file at `path` (a TIFF can hold several pages) as RGB."""
    formats = _PIL_FORMATS[kind]
    if kind is Kind.HEIC:
        _register_heif()
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow raises at twice this, we refuse at once (below)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=formats) as im:
                yield from _frames(im, max_pixels=max_pixels, max_pages=max_pages)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FileTooLarge(_too_many_pixels(max_pixels)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports truncated and malformed data through all of these
        raise CorruptFile("图片文件已损坏或不完整，无法打开，请重新拍摄或导出后上传。") from exc


def _frames(im: Image.Image, *, max_pixels: int, max_pages: int) -> Iterator[np.ndarray]:
    n_frames = getattr(im, "n_frames", 1)
    if n_frames > max_pages:
        raise FileTooLarge(f"图片共 {n_frames} 页，超过 {max_pages} 页的上限，请拆分后重新上传。")
    for frame in ImageSequence.Iterator(im):
        width, height = frame.size
        if width * height > max_pixels:
            raise FileTooLarge(_too_many_pixels(max_pixels, width=width, height=height))
        draft_size(frame)
        frame.load()
        yield to_rgb_array(_upright(frame))
        if im.format not in ("TIFF",):
            break  # MPO's second frame is a depth map, a GIF/WebP animation's frames are not pages


def draft_size(im: Image.Image) -> None:
    """Ask the decoder for a reduced image (JPEG only; a no-op for other formats and small photos)."""
    width, height = im.size
    if max(width, height) >= 2 * DRAFT_SIDE:
        scale = DRAFT_SIDE / max(width, height)
        im.draft(None, (max(1, round(width * scale)), max(1, round(height * scale))))


def _upright(im: Image.Image) -> Image.Image:
    try:
        turned = ImageOps.exif_transpose(im)
    except Exception:  # broken EXIF must not lose the picture; Pillow raises many kinds here
        return im
    return turned if turned is not None else im


def to_rgb_array(im: Image.Image) -> np.ndarray:
    """8-bit RGB array of any Pillow image; transparency is laid over white, like paper."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(im, dtype=np.float64)
        top = float(arr.max()) or 1.0
        im = Image.fromarray(np.rint(arr * 255.0 / top).clip(0, 255).astype(np.uint8), mode="L")
    if im.mode == "P":
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(paper, rgba)
    if im.mode != "RGB":
        im = im.convert("RGB")
    arr = np.ascontiguousarray(np.asarray(im, dtype=np.uint8))
    long_side = max(im.size)
    if long_side > MAX_WORK_SIDE:
        # area averaging: as sharp as Lanczos for shrinking, and a tenth of its time on a 12 MP photo
        scale = MAX_WORK_SIDE / long_side
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        arr = np.ascontiguousarray(cv2.resize(arr, size, interpolation=cv2.INTER_AREA))
    return arr


def _register_heif() -> None:
    try:
        import pillow_heif
    except ImportError as exc:
        raise UnsupportedFile("暂不支持 HEIC 格式的照片，请在手机上转为 JPG 后重新上传。") from exc
    pillow_heif.register_heif_opener()


def _too_many_pixels(max_pixels: int, *, width: int = 0, height: int = 0) -> str:
    size = f"（{width}×{height}）" if width and height else ""
    return f"图片像素过大{size}，超过 {max_pixels / 1e6:.0f} 百万像素的上限，请缩小后重新上传。"
