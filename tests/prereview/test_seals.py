"""Seals on small, shaded, colour-cast phone photos (prereview.visual.seals and its masks in pixels).

The photos are made like bench/harden.py's `photo` variant: the sheet on a desk, a shadow and a colour
cast, long side about 1000 px, slight blur, sensor noise and JPEG. There a stamp's ring keeps only a
fraction of its redness, close to the colour noise of the paper, while desks, skin, hair and gold
around it must still not turn into seals.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from prereview.orient import _deskew
from prereview.visual import find_seals
from prereview.visual.pixels import flatten, red_mask, redness, seal_redness
from prereview.visual.rings import Ellipse
from prereview.visual.seals import _Masks, _measure, _overlapping, inspect_seals
from tests.fixtures.reading_files import FakeOcr
from tests.fixtures.visual_images import RED, as_photo, blank_page, draw_emblem, draw_seal, draw_text

WARM, COLD = (1.0, 0.93, 0.8), (0.8, 0.95, 1.0)
WOOD, SLATE = (112, 78, 52), (40, 46, 60)
PALE_RED = (230, 140, 140)  # a stamp short of ink


def _small_photo(
    img: Image.Image, *, cast: tuple[float, float, float], desk: tuple[int, int, int] = WOOD, side: int = 1000
) -> np.ndarray:
    """The sheet photographed on a desk: shadow and cast, `side` px long, blurred, noisy, JPEG 55."""
    sheet = np.asarray(img)
    margin = int(0.06 * sheet.shape[1])
    canvas = cv2.copyMakeBorder(sheet, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=desk)
    photo = as_photo(Image.fromarray(canvas), cast=cast, shadow=0.45, quality=95)
    f = side / max(photo.shape[:2])
    small = cv2.GaussianBlur(cv2.resize(photo, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), (0, 0), 0.9)
    noisy = np.clip(small + np.random.default_rng(0).normal(0, 5, small.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noisy).save(buf, "JPEG", quality=55)
    return np.asarray(Image.open(buf).convert("RGB"))


def _straightened(image: np.ndarray, degrees: float = 6.0) -> np.ndarray:
    """Turned by `degrees` on a canvas filled white, by the reader's own deskew."""
    (page, _), _ = _deskew((image, image), [], degrees)
    return page


def _letter(*, seal: tuple[int, int, int] | None, r: int = 90) -> Image.Image:
    img = blank_page()
    draw_text(img, 120, 120, "授权委托书", 44)
    for k in range(10):
        draw_text(img, 120, 260 + 60 * k, "受托人在上述权限范围内签署的有关文件，委托人均予以承认。", 28)
    draw_text(img, 120, 1300, "委托单位（盖章）：安和市测试科技有限公司", 28)
    if seal is not None:
        draw_seal(img, 760, 1310, r, colour=seal)
    return img


def _id_card() -> Image.Image:
    """Red and orange that are no seal: the emblem, a red title, a portrait's skin and brown hair."""
    img = blank_page(1240, 800, (236, 236, 230))
    d = ImageDraw.Draw(img)
    d.rectangle([850, 150, 1150, 600], fill=(225, 230, 236))
    d.ellipse([900, 180, 1100, 420], fill=(70, 50, 40))
    d.rectangle([900, 300, 1100, 600], fill=(70, 50, 40))
    d.ellipse([940, 250, 1060, 400], fill=(232, 196, 166))
    d.rectangle([900, 520, 1100, 600], fill=(40, 50, 90))
    draw_emblem(img, 160, 160, 70)
    draw_text(img, 300, 120, "中华人民共和国", 40)
    draw_text(img, 300, 200, "居民身份证", 60, fill=(200, 40, 40))
    for k in range(4):
        draw_text(img, 120, 320 + 60 * k, "签发机关 安和市公安局 有效期限 2006.04.01", 30)
    return img


def _seal_near(image: np.ndarray, sheet: Image.Image, cx: float, cy: float) -> bool:
    """Whether one seal was found, somewhere near where it was stamped (the photo moves it a little)."""
    seals = find_seals(image)
    if len(seals) != 1:
        return False
    # the desk margin and the shadow's perspective-free resize keep positions proportional
    scale = image.shape[1] / (sheet.width * 1.12)
    return bool(abs(seals[0].box.cx - (cx + 0.06 * sheet.width) * scale) < 60)


@pytest.mark.parametrize("cast", [WARM, COLD], ids=["warm", "cold"])
def test_faint_seal_on_a_small_colour_cast_photo(cast: tuple[float, float, float]) -> None:
    sheet = _letter(seal=PALE_RED)
    assert _seal_near(_small_photo(sheet, cast=cast), sheet, 760, 1310)


def test_seal_on_a_straightened_photo_with_white_corners() -> None:
    # the white corners defeated a global white balance: the warm paper around the seal looked red
    sheet = _letter(seal=RED, r=60)
    photo = _straightened(_small_photo(sheet, cast=(1.0, 0.88, 0.78), side=1200))
    assert len(find_seals(photo)) == 1


@pytest.mark.parametrize("desk", [WOOD, SLATE], ids=["wood", "slate"])
@pytest.mark.parametrize("cast", [WARM, COLD], ids=["warm", "cold"])
@pytest.mark.parametrize("side", [800, 1000, 1400])
def test_no_seal_on_unsealed_photos(
    desk: tuple[int, int, int], cast: tuple[float, float, float], side: int
) -> None:
    for sheet in (_letter(seal=None), _id_card()):
        photo = _small_photo(sheet, cast=cast, desk=desk, side=side)
        assert find_seals(photo) == []
        assert find_seals(_straightened(photo)) == []


def test_seal_redness_is_red_not_orange() -> None:
    pixels = np.array(
        [[[219, 41, 51], [240, 150, 160], [114, 80, 53], [235, 200, 170], [200, 160, 40]]], np.uint8
    )
    seal, pink, wood, skin, gold = seal_redness(pixels)[0]
    assert seal > 100 and pink > 50
    assert max(wood, skin, gold) < 10


def test_flatten_with_edges_keeps_a_desk_from_looking_red() -> None:
    # paper beside a wooden desk: the paper's brightness bleeding into the desk made a red band
    image = np.zeros((200, 400, 3), np.uint8)
    image[:, :200] = WOOD
    image[:, 200:] = (250, 248, 240)
    # columns of desk as red as a faint stamp: a kernel's width (15 px) without edges, a few with
    assert (redness(flatten(image))[100, :200] > 20).sum() >= 10
    assert (redness(flatten(image, edges=True))[100, :200] > 20).sum() <= 3


def test_red_mask_follows_the_paper_noise() -> None:
    rng = np.random.default_rng(1)
    paper = np.full((300, 300, 3), 245, np.float32)
    cv2.circle(paper, (150, 150), 80, (245, 215, 215), 3)  # a ring only 30 redder than the paper
    quiet = np.clip(paper + rng.normal(0, 1, paper.shape), 0, 255).astype(np.uint8)
    noisy = np.clip(paper + rng.normal(0, 12, paper.shape), 0, 255).astype(np.uint8)
    assert red_mask(quiet)[150, 68:73].any()  # on the ring's left edge
    assert red_mask(noisy).mean() < 0.01  # noise as strong as the ring is not taken for ink


# --- doubt: what a page without seals showed ------------------------------------------------------


def test_a_half_stamped_seal_is_doubtful_not_missing() -> None:
    # a stamp pressed unevenly (or half over the sheet's edge): half its ring shows
    sheet = _letter(seal=RED)
    ImageDraw.Draw(sheet).rectangle([670, 1220, 769, 1400], fill=(250, 250, 248))
    for image in (np.asarray(sheet), as_photo(sheet)):
        reading = inspect_seals(image)
        assert reading.marks == []
        assert "印圈只见约" in reading.doubt


def test_a_stamp_short_of_ink_is_doubtful_not_missing() -> None:
    sheet = _letter(seal=(250, 228, 228))  # a ring barely pinker than the paper
    reading = inspect_seals(np.asarray(sheet))
    assert reading.marks == []
    assert "颜色很浅" in reading.doubt


def test_a_proper_seal_raises_no_doubt() -> None:
    reading = inspect_seals(_small_photo(_letter(seal=RED), cast=WARM))
    assert len(reading.marks) == 1 and reading.doubt == ""


@pytest.mark.parametrize("desk", [WOOD, SLATE], ids=["wood", "slate"])
@pytest.mark.parametrize("cast", [WARM, COLD], ids=["warm", "cold"])
def test_unsealed_photos_are_surely_unsealed(
    desk: tuple[int, int, int], cast: tuple[float, float, float]
) -> None:
    # red titles, an emblem, skin, hair, a wooden desk and JPEG-tinted print are no doubt either
    for sheet in (_letter(seal=None), _id_card()):
        for side in (1000, 1400):
            assert inspect_seals(_small_photo(sheet, cast=cast, desk=desk, side=side)).doubt == ""


def test_a_small_seal_smeared_by_a_blurred_photo_is_still_a_seal() -> None:
    # the blur smears the ring's text and star into the paper between them: the inside reads half red
    sheet = _letter(seal=RED, r=55)
    photo = _small_photo(sheet, cast=WARM, side=800)
    smeared = cv2.GaussianBlur(photo, (0, 0), 1.6)
    assert _seal_near(smeared, sheet, 760, 1310)
    assert inspect_seals(smeared).doubt == ""


def test_ring_texts_read_are_bounded_per_page() -> None:
    img = Image.new("RGB", (1600, 1200), (250, 250, 248))
    for k in range(3):
        draw_seal(img, 300 + 450 * k, 500, 110, "安和市测试科技有限公司")
    ocr = FakeOcr("安和市测试科技有限公司")
    read = inspect_seals(np.asarray(img), ocr=ocr, max_reads=2)
    assert len(read.marks) == 3 and read.reads == ocr.calls == 2
    assert sorted(m.text for m in read.marks) == ["", "安和市测试科技有限公司", "安和市测试科技有限公司"]


def _licence_copy(*, holder: tuple[int, int, int] | None) -> Image.Image:
    """A copy of an issued document: the issuer's clear seal printed on it, and the holder's seal
    stamped beside it in `holder`'s colour (None: not stamped)."""
    img = blank_page()
    draw_text(img, 120, 120, "许可证（副本）", 44)
    for k in range(8):
        draw_text(img, 120, 260 + 60 * k, "经营范围：普通货运，货物专用运输（集装箱）。", 28)
    draw_seal(img, 420, 1200, 90, "安和市行政审批服务局")
    if holder is not None:
        draw_seal(img, 900, 1200, 90, colour=holder)
    return img


def test_a_faint_seal_beside_a_clear_one_is_doubtful() -> None:
    # one seal found where two may be owed: the pale ring beside it may be the second
    reading = inspect_seals(np.asarray(_licence_copy(holder=(250, 228, 228))))
    assert len(reading.marks) == 1 and "颜色很浅" in reading.doubt


def test_a_half_stamped_seal_beside_a_clear_one_is_doubtful() -> None:
    sheet = _licence_copy(holder=RED)
    ImageDraw.Draw(sheet).rectangle([810, 1110, 899, 1300], fill=(250, 250, 248))
    reading = inspect_seals(np.asarray(sheet))
    assert len(reading.marks) == 1 and "印圈只见约" in reading.doubt


def test_a_clear_seal_alone_or_with_another_raises_no_doubt() -> None:
    for holder in (None, RED):
        reading = inspect_seals(np.asarray(_licence_copy(holder=holder)))
        assert len(reading.marks) == (1 if holder is None else 2) and reading.doubt == ""


# --- a seal stamped over the sheet's edge ----------------------------------------------------------


def _edge_letter(off: float, r: int = 90) -> Image.Image:
    """A letter sealed over its right edge: `off` of the seal's width past the paper."""
    img = _letter(seal=None)
    draw_seal(img, int(img.width - r + 2 * off * r), 1310, r)
    return img


def test_a_seal_over_the_sheets_edge_is_a_seal_on_a_scan_and_on_a_photo() -> None:
    # a third of the ring off the paper: the scan's edge, or the desk a photo shows beyond the sheet
    sheet = _edge_letter(0.3)
    assert len(find_seals(np.asarray(sheet))) == 1
    for cast in (WARM, COLD):
        assert len(find_seals(_small_photo(sheet, cast=cast))) == 1


def test_a_seal_mostly_off_the_sheet_is_no_seal() -> None:
    # its centre off the paper: the star and most of the name are not there
    reading = inspect_seals(np.asarray(_edge_letter(0.6)))
    assert reading.marks == []


# --- a greyscale image: seals print grey ------------------------------------------------------------


def _grey(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L").convert("RGB"))


def test_a_seal_on_a_grey_scan_is_a_seal() -> None:
    assert len(find_seals(_grey(_letter(seal=RED)))) == 1
    assert len(find_seals(_grey(_edge_letter(0.3)))) == 1


def test_no_seal_on_unsealed_grey_scans() -> None:
    # print, a heading and an ID card's emblem (a filled disc) are no ring
    for sheet in (_letter(seal=None), _id_card()):
        reading = inspect_seals(_grey(sheet))
        assert reading.marks == [] and reading.doubt == ""


# --- two seals stamped over each other -------------------------------------------------------------


def _rings(second: str) -> tuple[_Masks, Ellipse, Ellipse]:
    """Red ink of a seal at (200, 200) and, crossing its rim, `second` at (330, 200), larger: a seal
    whose ring text (a band of red just inside its rim) runs round the first one's outside, or a red
    disc, which is no seal."""
    red = np.zeros((400, 600), np.uint8)
    a, b = Ellipse(cx=200, cy=200, a=60, b=60, angle=0), Ellipse(cx=330, cy=200, a=110, b=110, angle=0)
    for e in (a, b):
        centre, r = (int(e.cx), int(e.cy)), int(e.a)
        if e is b and second == "disc":
            cv2.circle(red, centre, r, 1, -1)
            continue
        cv2.circle(red, centre, r, 1, 4)
        cv2.circle(red, centre, int(0.15 * r), 1, -1)  # the star
        cv2.circle(red, centre, int(0.7 * r), 1, int(0.3 * r))  # the name along the rim
    mask = red.astype(bool)
    return _Masks(red=mask, solid=np.zeros_like(mask), gold=np.zeros_like(mask)), a, b


def test_a_seal_stamped_over_another_is_a_seal() -> None:
    masks, a, b = _rings("seal")
    alone = _measure(masks, a)
    assert alone.outside >= 0.2 and alone.score == 0  # the other seal's ring text around it
    assert _measure(masks, a, beside=[b]).score >= 0.7
    assert len(_overlapping(masks, [_measure(masks, a), _measure(masks, b)], 0.7)) == 2


def test_red_around_a_ring_that_is_no_seal_still_counts() -> None:
    masks, a, b = _rings("disc")
    assert _overlapping(masks, [_measure(masks, a), _measure(masks, b)], 0.7) == []
