"""One page's seals or signatures as a material's checks ask for them (prereview.visual.marks).

A page without the mark asked for says why that absence may be wrong, and a clean page whose signing
place is clearly empty, or that carries no red at all, stays a sure absence.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from prereview.documents import Box, Page, PageSource, TextLine
from prereview.visual.marks import NAMED_SEAL, find_marks
from tests.fixtures.reading_files import FakeOcr
from tests.fixtures.visual_images import (
    as_photo,
    blank_page,
    blurred,
    draw_scribble,
    draw_seal,
    draw_text,
    shaded,
)


def _page(lines: list[TextLine], img: Image.Image) -> Page:
    return Page(index=0, width=img.width, height=img.height, source=PageSource.OCR, lines=lines)


def _letter(*, seal: bool, signed: bool) -> tuple[Image.Image, list[TextLine]]:
    img = blank_page()
    lines = [
        draw_text(img, 120, 200 + 60 * k, "本单位承诺所提交的材料真实有效，并承担相应的法律责任。", 28)
        for k in range(8)
    ]
    lines.append(draw_text(img, 700, 1100, "申请单位（盖章）：安和市测试科技有限公司", 28))
    label = draw_text(img, 700, 1180, "负责人（签字）：", 28)
    lines.append(label)
    if seal:
        draw_seal(img, 980, 1110, 95)
    if signed:
        draw_scribble(img, int(label.box.x1) + 12, 1165, 44, shape="zigzag")
    return img, lines


def test_marks_found_carry_no_doubt() -> None:
    img, lines = _letter(seal=True, signed=True)
    for image in (np.asarray(img), as_photo(img)):
        seals, signatures = (find_marks(image, _page(lines, img), kind) for kind in ("seal", "signature"))
        assert len(seals.marks) == 1 and seals.doubt == ""
        assert len(signatures.marks) == 1 and signatures.doubt == "" and signatures.places == 1


def test_a_clean_unsigned_unsealed_page_is_a_sure_absence() -> None:
    img, lines = _letter(seal=False, signed=False)
    for image in (np.asarray(img), as_photo(img)):
        seals, signatures = (find_marks(image, _page(lines, img), kind) for kind in ("seal", "signature"))
        assert seals.marks == [] and seals.doubt == ""
        assert signatures.marks == [] and signatures.doubt == "" and signatures.places == 1


def test_a_page_blurred_past_reading_cannot_show_a_missing_mark() -> None:
    img, lines = _letter(seal=False, signed=False)
    smear = blurred(img, 9.0)
    seals = find_marks(smear, _page(lines, img), "seal")
    assert seals.marks == [] and "页面模糊" in seals.doubt and "印章" in seals.doubt
    signatures = find_marks(smear, _page(lines, img), "signature")
    assert signatures.marks == [] and "无法确认是否已签字" in signatures.doubt  # the label itself is lost
    assert "页面模糊" in find_marks(smear, _page([], img), "signature").doubt  # no label read at all


def test_a_seal_lost_in_a_deep_shadow_is_doubtful_not_missing() -> None:
    img, lines = _letter(seal=True, signed=True)
    photo = as_photo(img, shadow=0.2, quality=90)
    dusk = shaded(photo, Box(x0=560, y0=950, x1=img.width, y1=img.height), 0.2, edge=20)
    found = find_marks(dusk, _page(lines, img), "seal")
    assert found.marks == [] and "深色阴影" in found.doubt
    # the same shadow at half the light still shows the seal
    half = shaded(photo, Box(x0=560, y0=950, x1=img.width, y1=img.height), 0.5)
    assert len(find_marks(half, _page(lines, img), "seal").marks) == 1


def test_seals_asked_for_by_name_carry_their_ring_text_and_its_cost() -> None:
    img, lines = _letter(seal=True, signed=False)
    ocr = FakeOcr("安和市测试科技有限公司")
    named = find_marks(np.asarray(img), _page(lines, img), NAMED_SEAL, ocr=ocr)
    assert [m.text for m in named.marks] == ["安和市测试科技有限公司"] and named.reads == ocr.calls == 1
    plain = find_marks(np.asarray(img), _page(lines, img), "seal", ocr=ocr)
    assert [m.text for m in plain.marks] == [""] and plain.reads == 0 and ocr.calls == 1
