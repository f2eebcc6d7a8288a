"""Signatures OCR merged into the signing label's text box (prereview.visual.signatures).

On scans and photos the OCR detector often draws one box around a label and the handwriting beside
it: a box two or three times as tall as the print, as wide as label and signature together, sometimes
with the signature read as characters. The label must still be measured at its print's size, and
the handwriting in that box must count; print, seals and empty space in such a box must not.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from prereview.documents import Box, PageSource, TextLine
from prereview.visual import find_signatures
from tests.fixtures.visual_images import (
    BLUE_INK,
    as_photo,
    blank_page,
    blurred,
    draw_scribble,
    draw_seal,
    draw_signature,
    draw_text,
    shaded,
)

LABEL = "法定代表人（签字）："
BODY = "申请人保证以上填报内容及所附材料真实、准确。"


def _form(*, label_size: int = 28) -> tuple[Image.Image, list[TextLine], TextLine]:
    """A page of 28 px print (its size is what the lines tell) and the signing label."""
    img = blank_page()
    lines = [draw_text(img, 120, 200 + 50 * k, BODY, 28) for k in range(6)]
    lines.append(draw_text(img, 300, 1320, "日期：2026年5月28日", 28))
    return img, lines, draw_text(img, 300, 1200, LABEL, label_size)


def _merged(label: TextLine, other: Box, text: str = "") -> TextLine:
    """The OCR box around the label and `other` (handwriting, a seal's text), padded as detectors do."""
    box = Box(
        x0=min(label.box.x0, other.x0) - 6,
        y0=min(label.box.y0, other.y0) - 8,
        x1=max(label.box.x1, other.x1) + 6,
        y1=max(label.box.y1, other.y1) + 8,
    )
    return TextLine(text=label.text + text, box=box, score=0.95)


def _images(img: Image.Image) -> list[np.ndarray]:
    return [np.asarray(img), as_photo(img, shadow=0.4)]


@pytest.mark.parametrize("glued", ["", "廖斌"], ids=["unread", "read"])
def test_handwriting_merged_into_the_labels_box_counts(glued: str) -> None:
    img, lines, label = _form()
    # a signature taller than the print: the merged box is ~100 px tall around 28 px characters
    signature = draw_signature(img, int(label.box.x1) + 12, 1170, 75, colour=(25, 25, 25))
    page_lines = [*lines, _merged(label, signature, glued)]
    for image in _images(img):
        [reading] = find_signatures(image, page_lines, source=PageSource.OCR)
        assert reading.label == "法定代表人（签字）"
        assert reading.signed and reading.mark is not None
        assert reading.label_box.height < 1.3 * label.box.height  # measured at the print's size
        assert reading.label_box.x1 < signature.x0  # the label's print ends where the signature starts


def test_merged_box_around_a_seal_is_no_signature() -> None:
    img, lines, label = _form()
    seal = draw_seal(img, int(label.box.x1) + 60, 1160, 95)
    inflated = Box(x0=label.box.x0, y0=seal.y0 + 40, x1=seal.cx + 40, y1=label.box.y1)
    for image in _images(img):
        [reading] = find_signatures(image, [*lines, _merged(label, inflated, "公司")], source=PageSource.OCR)
        assert not reading.signed


def test_merged_box_over_empty_paper_is_no_signature() -> None:
    img, lines, label = _form()
    empty = Box(x0=label.box.x0, y0=label.box.y0 - 40, x1=label.box.x1 + 60, y1=label.box.y1 + 40)
    for image in _images(img):
        [reading] = find_signatures(image, [*lines, _merged(label, empty)], source=PageSource.OCR)
        assert not reading.signed


def test_typed_name_in_a_merged_box_is_print() -> None:
    img, lines, label = _form()
    name = draw_text(img, int(label.box.x1) + 12, 1200, "莫超旭", 28)
    seal = draw_seal(img, int(name.box.x1) + 20, 1150, 95)
    inflated = Box(x0=name.box.x0, y0=seal.y0 + 40, x1=name.box.x1 + 60, y1=name.box.y1)
    for image in _images(img):
        [reading] = find_signatures(
            image, [*lines, _merged(label, inflated, "莫超旭公司")], source=PageSource.OCR
        )
        assert not reading.signed
        assert reading.printed.startswith("莫超旭")


def test_label_printed_larger_than_the_page_is_not_its_own_signature() -> None:
    # the label's box is then wider than the page's print would make it: its tail is print, no ink
    img, lines, label = _form(label_size=38)
    for image in _images(img):
        [reading] = find_signatures(image, [*lines, label], source=PageSource.OCR)
        assert not reading.signed


def test_text_layer_labels_are_taken_as_they_are() -> None:
    img, lines, label = _form()
    draw_signature(img, int(label.box.x1) + 12, 1185, 44)
    [reading] = find_signatures(np.asarray(img), [*lines, label], source=PageSource.TEXT)
    assert reading.signed
    assert reading.label_box == label.box


# --- real scribbles, photos, doubt -----------------------------------------------------------------

COLD = (0.82, 0.95, 1.0)


def _signed_form(shape: str | None, **scribble: object) -> tuple[Image.Image, list[TextLine]]:
    img, lines, label = _form()
    if shape is not None:
        draw_scribble(img, int(label.box.x1) + 15, 1180, 46, shape=shape, **scribble)  # type: ignore[arg-type]
    return img, [*lines, label]


def _photos(img: Image.Image) -> dict[str, np.ndarray]:
    return {
        "scan": np.asarray(img),
        "shadow": as_photo(img, shadow=0.55),
        "cold": as_photo(img, cast=COLD, shadow=0.3, quality=50),
        "blur": blurred(img, 1.6),
    }


@pytest.mark.parametrize("shape", ["loops", "zigzag", "wave", "tick"])
def test_a_scribble_of_any_shape_is_a_signature(shape: str) -> None:
    img, lines = _signed_form(shape)
    for name, image in _photos(img).items():
        [reading] = find_signatures(image, lines, source=PageSource.OCR)
        assert reading.signed, name
        assert reading.doubt == ""


def test_a_clearly_empty_place_is_sure_on_photos_too() -> None:
    img, lines = _signed_form(None)
    for name, image in _photos(img).items():
        [reading] = find_signatures(image, lines, source=PageSource.OCR)
        assert not reading.signed, name
        assert reading.doubt == "", name


def test_a_signature_across_a_seal_counts() -> None:
    img, lines, label = _form()
    draw_seal(img, int(label.box.x1) + 90, 1195, 95)
    draw_scribble(img, int(label.box.x1) + 15, 1180, 46, shape="zigzag", colour=(20, 20, 25))
    for name, image in _photos(img).items():
        [reading] = find_signatures(image, [*lines, label], source=PageSource.OCR)
        assert reading.signed, name


def test_a_signature_in_a_hard_shadow_counts() -> None:
    img, lines = _signed_form("loops")
    label = lines[-1].box
    # a phone's shadow with a sharp edge right across the signing place, at a third of the light
    shadow = Box(x0=label.x0 + 60, y0=0, x1=img.width, y1=img.height)
    [reading] = find_signatures(shaded(as_photo(img, shadow=0.2), shadow, 0.33), lines, source=PageSource.OCR)
    assert reading.signed


@pytest.mark.parametrize("colour", [(190, 195, 215), (182, 182, 182)], ids=["dry-pen", "pencil"])
def test_a_faint_signature_is_doubtful_not_missing(colour: tuple[int, int, int]) -> None:
    img, lines = _signed_form("loops", colour=colour, width=2)
    for name, image in _photos(img).items():
        [reading] = find_signatures(image, lines, source=PageSource.OCR)
        assert reading.signed or "浅淡" in reading.doubt or "少量" in reading.doubt, name


def test_a_stray_mark_is_doubtful_not_a_signature() -> None:
    img, lines, label = _form()
    x, y = int(label.box.x1) + 30, 1205
    ImageDraw.Draw(img).line([(x, y), (x + 14, y + 6)], fill=BLUE_INK, width=3)
    [reading] = find_signatures(np.asarray(img), [*lines, label], source=PageSource.OCR)
    assert not reading.signed
    assert "少量笔迹" in reading.doubt and "法定代表人（签字）" in reading.doubt


def test_a_label_lost_in_blur_and_dark_cannot_be_judged_empty() -> None:
    img, lines, label = _form()
    area = Box(x0=label.box.x0 - 40, y0=label.box.y0 - 40, x1=img.width, y1=label.box.y1 + 40)
    dark = shaded(blurred(img, 5.0), area, 0.25)
    [reading] = find_signatures(dark, [*lines, label], source=PageSource.OCR)
    assert not reading.signed
    assert reading.doubt


def test_a_sparse_signature_page_measures_labels_by_its_plain_lines() -> None:
    # a signature page: OCR merged each scribble into its label's line, and those lines are the majority
    img = blank_page()
    lines = []
    for k, shape in enumerate(("zigzag", "loops")):
        label = draw_text(img, 200, 300 + 70 * k, "股东（签字）：", 26)
        scrawl = draw_scribble(img, int(label.box.x1) + 8, 290 + 70 * k, 40, shape=shape, colour=(20, 20, 40))
        lines.append(_merged(label, scrawl, "A" if k == 0 else ""))
    lines.append(draw_text(img, 200, 440, "股东（盖章）：安和市测试控股有限公司", 26))
    lines.append(draw_text(img, 760, 480, "签署日期：2026年9月13日", 26))
    for name, image in _photos(img).items():
        readings = find_signatures(image, lines, source=PageSource.OCR)
        assert [r.signed for r in readings] == [True, True], name


def _licence(signed: bool) -> tuple[Image.Image, list[TextLine]]:
    """A licence copy certified by hand: "此复印件与原件一致", the name signed under it, and print below."""
    img = blank_page(1400, 1000, (246, 240, 222))
    fields = ["名称 安和市青山区测试货运部", "类型 个体工商户", "经营者 余某某", "经营场所 安和市和平路9号"]
    lines = [draw_text(img, 110, 120 + 45 * k, text, 30) for k, text in enumerate(fields)]
    lines.append(draw_text(img, 170, 560, "此复印件与原件一致", 30, fill=(40, 40, 60)))
    lines.append(draw_text(img, 120, 660, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", 22))
    if signed:
        box = draw_scribble(img, 250, 600, 50, shape="wave", colour=(30, 30, 50))
        lines.append(TextLine(text="余某/", box=box, score=0.9))
    return img, lines


@pytest.mark.parametrize("signed", [True, False])
def test_a_copy_certification_is_a_place_to_sign(signed: bool) -> None:
    img, lines = _licence(signed)
    for name, image in _photos(img).items():
        [reading] = find_signatures(image, lines, source=PageSource.OCR)
        assert reading.label == "此复印件与原件一致"
        assert reading.signed is signed, name
        assert reading.doubt == "", name


def test_a_sentence_about_copies_is_no_certification() -> None:
    img = blank_page()
    line_ = draw_text(img, 120, 300, "申请人承诺所提交的复印件与原件一致，并对其真实性负责。", 28)
    draw_scribble(img, 300, 345, 40)
    assert find_signatures(np.asarray(img), [line_], source=PageSource.OCR) == []


@pytest.mark.parametrize("misread", ["委托人（签宇）：", "委托人（鉴字）："])
def test_a_label_misread_by_ocr_is_still_a_label(misread: str) -> None:
    img = blank_page()
    body = [draw_text(img, 120, 200 + 50 * k, BODY, 28) for k in range(4)]
    label = draw_text(img, 300, 900, misread, 28)
    draw_scribble(img, int(label.box.x1) + 15, 880, 46)
    [reading] = find_signatures(np.asarray(img), [*body, label], source=PageSource.OCR)
    assert reading.signed


def test_a_place_too_dark_to_tell_pen_from_noise_is_doubtful_either_way() -> None:
    for shape in ("loops", None):
        img, lines = _signed_form(shape)
        label = lines[-1].box
        night = shaded(
            as_photo(img, shadow=0.2), Box(x0=label.x0 - 80, y0=0, x1=img.width, y1=img.height), 0.07
        )
        [reading] = find_signatures(night, lines, source=PageSource.OCR)
        assert not reading.signed and "光线过暗" in reading.doubt


@pytest.mark.parametrize("signed", [True, False])
def test_a_signers_name_printed_into_the_label_is_searched_past(signed: bool) -> None:
    # 股东（签字）张三： the name between the bracket and the colon is the label's own, not the next
    # label's: the signature is right of the colon, and a typed name alone is no signature
    img = blank_page()
    body = [draw_text(img, 120, 200 + 50 * k, BODY, 28) for k in range(4)]
    label = draw_text(img, 300, 900, "股东（签字）蒋小虎：", 28)
    if signed:
        draw_scribble(img, int(label.box.x1) + 10, 880, 46, shape="zigzag")
    for source in (PageSource.TEXT, PageSource.OCR):
        [reading] = find_signatures(np.asarray(img), [*body, label], source=source)
        assert reading.signed is signed, source
        assert reading.doubt == ""
