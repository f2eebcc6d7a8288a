from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from reading_files import save_jpeg, write

from prereview.errors import CorruptFile, FileTooLarge
from prereview.images import DRAFT_SIDE, MAX_WORK_SIDE, load_images, to_rgb_array
from prereview.sniff import Kind

BIG = 50_000_000


def _marked(width: int = 300, height: int = 200) -> Image.Image:
    """White image with a red block in its top-left corner, to see where "up" went."""
    image = Image.new("RGB", (width, height), "white")
    image.paste((255, 0, 0), (0, 0, 60, 40))
    return image


def _load(path: Path, kind: Kind, **caps: int) -> list[np.ndarray]:
    return list(
        load_images(
            path, kind=kind, max_pixels=caps.get("max_pixels", BIG), max_pages=caps.get("max_pages", 10)
        )
    )


def test_png_to_rgb(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    _marked().save(path)
    (arr,) = _load(path, Kind.PNG)
    assert arr.shape == (200, 300, 3) and arr.dtype == np.uint8
    assert tuple(arr[5, 5]) == (255, 0, 0)


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_exif_orientation_is_honoured(tmp_path: Path, orientation: int) -> None:
    # a camera stores the sensor's pixels and says in EXIF how to turn them: build that file
    upright = _marked()
    stored = {
        1: upright,
        3: upright.rotate(180),
        6: upright.rotate(90, expand=True),
        8: upright.rotate(-90, expand=True),
    }[orientation]
    path = save_jpeg(stored, tmp_path / "photo.jpg", exif_orientation=orientation)
    (arr,) = _load(path, Kind.JPEG)
    assert arr.shape[:2] == (200, 300)
    assert arr[5, 5, 0] > 200 and arr[5, 5, 1] < 60  # the red corner is back at the top left


def test_transparency_lies_on_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    path = tmp_path / "t.png"
    image.save(path)
    (arr,) = _load(path, Kind.PNG)
    assert (arr == 255).all()


def test_sixteen_bit_grey() -> None:
    image = Image.fromarray(np.full((20, 20), 40000, dtype=np.uint16))
    arr = to_rgb_array(image)
    assert arr.shape == (20, 20, 3) and arr.dtype == np.uint8 and arr.max() == 255


def test_multi_page_tiff(tmp_path: Path) -> None:
    path = tmp_path / "fax.tif"
    frames = [_marked(), Image.new("RGB", (100, 80), "black")]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    arrays = _load(path, Kind.TIFF)
    assert [a.shape for a in arrays] == [(200, 300, 3), (80, 100, 3)]
    with pytest.raises(FileTooLarge, match="页"):
        _load(path, Kind.TIFF, max_pages=1)


def test_bmp(tmp_path: Path) -> None:
    path = tmp_path / "a.bmp"
    _marked().save(path)
    assert _load(path, Kind.BMP)[0].shape == (200, 300, 3)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels and holds almost none: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_pixel_cap_refuses_before_decoding(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.png", _png_header_only(40_000, 40_000))
    with pytest.raises(FileTooLarge, match="像素"):
        _load(path, Kind.PNG, max_pixels=10_000_000)


def test_pixel_cap_counts_pixels_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("L", (2000, 1500), 255).save(path)
    with pytest.raises(FileTooLarge):
        _load(path, Kind.PNG, max_pixels=2_000_000)
    assert len(_load(path, Kind.PNG, max_pixels=3_000_000)) == 1


def test_large_photo_is_scaled_to_working_size(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("RGB", (MAX_WORK_SIDE * 2, 200), "white").save(path)
    (arr,) = _load(path, Kind.JPEG)
    assert arr.shape == (100, MAX_WORK_SIDE, 3)


def test_camera_sized_jpeg_is_decoded_reduced_and_upright(tmp_path: Path) -> None:
    # a 12 MP photo stored on its side (EXIF 6): decoded at half size, then turned upright
    upright = _marked(4000, 3000)
    path = save_jpeg(upright.rotate(90, expand=True), tmp_path / "photo.jpg", exif_orientation=6)
    (arr,) = _load(path, Kind.JPEG)
    assert arr.shape == (DRAFT_SIDE * 3 // 4, DRAFT_SIDE, 3)
    assert arr[5, 5, 0] > 200 and arr[5, 5, 1] < 60


def test_jpeg_below_twice_the_draft_side_is_decoded_whole(tmp_path: Path) -> None:
    path = tmp_path / "mid.jpg"
    Image.new("RGB", (2 * DRAFT_SIDE - 100, 300), "white").save(path)
    (arr,) = _load(path, Kind.JPEG)
    assert arr.shape[1] == MAX_WORK_SIDE  # decoded whole, then scaled to the working side


def test_big_png_is_not_drafted(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("RGB", (2 * DRAFT_SIDE, 200), "white").save(path)
    (arr,) = _load(path, Kind.PNG)
    assert arr.shape[1] == MAX_WORK_SIDE


def test_truncated_jpeg_is_corrupt(tmp_path: Path) -> None:
    good = save_jpeg(_marked(800, 600), tmp_path / "good.jpg")
    path = write(tmp_path / "cut.jpg", good.read_bytes()[:2000])
    with pytest.raises(CorruptFile):
        _load(path, Kind.JPEG)


def test_garbage_with_a_jpeg_header_is_corrupt(tmp_path: Path) -> None:
    path = write(tmp_path / "x.jpg", b"\xff\xd8\xff" + b"\x00" * 500)
    with pytest.raises(CorruptFile):
        _load(path, Kind.JPEG)
