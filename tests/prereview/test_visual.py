"""Visual checks (prereview.visual) on pages drawn in code and on real sample pages."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from prereview.documents import Box, PageSource, TextLine
from prereview.errors import PageImageError
from prereview.extract import FieldStatus, find_field
from prereview.visual import (
    Legibility,
    assess_page,
    checkbox_states,
    find_seals,
    find_signatures,
    ink_probe,
)
from tests.fixtures.visual_images import (
    BLUE_INK,
    RED,
    as_photo,
    blank_page,
    blurred,
    draw_checkbox,
    draw_emblem,
    draw_seal,
    draw_signature,
    draw_text,
    sample_page,
)
from tests.prereview._pages import line


def _overlaps(a: Box, b: Box) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


# --- seals ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sealed_page() -> tuple[Image.Image, Box]:
    img = blank_page()
    draw_text(img, 120, 120, "授权委托书", 44)
    draw_text(img, 120, 1300, "委托单位（盖章）：安和市测试科技有限公司", 28)
    box = draw_seal(img, 760, 1310, 110)
    return img, box


@pytest.mark.parametrize(
    "variant",
    ["clean", "photo_cast_shadow", "perspective", "cold_cast", "low_res_jpeg"],
)
def test_seal_found_through_photo_conditions(sealed_page: tuple[Image.Image, Box], variant: str) -> None:
    img, box = sealed_page
    images = {
        "clean": lambda: np.asarray(img),
        "photo_cast_shadow": lambda: as_photo(img, shadow=0.6),
        "perspective": lambda: as_photo(img, tilt=0.08),
        "cold_cast": lambda: as_photo(img, cast=(0.8, 0.95, 1.15), shadow=0.3),
        "low_res_jpeg": lambda: as_photo(img, scale=0.4, quality=45),
    }
    arr = images[variant]()
    scale = arr.shape[1] / img.width
    seals = find_seals(arr)
    assert len(seals) == 1
    found = seals[0].box
    assert abs(found.cx / scale - box.cx) < 0.25 * box.width
    assert abs(found.width / scale - box.width) < 0.3 * box.width


def test_no_seal_on_emblems_red_text_and_other_marks() -> None:
    img = blank_page()
    draw_emblem(img, 200, 300, 70)  # national emblem: filled red disc with gold
    draw_text(img, 400, 300, "红色标题文字不是印章", 48, fill=RED)
    d = np.asarray(img).copy()
    pil = Image.fromarray(d)
    from PIL import ImageDraw

    draw = ImageDraw.Draw(pil)
    draw.rectangle([300, 700, 700, 820], outline=RED, width=6)  # a red rectangular box
    draw.ellipse([900, 700, 1100, 900], outline=BLUE_INK, width=6)  # a blue ring
    draw.ellipse([300, 1000, 500, 1200], fill=RED)  # a red filled disc
    draw_seal(pil, 900, 1400, 100, colour=(40, 40, 40))  # a seal photocopied in black: not a red seal
    assert find_seals(np.asarray(pil)) == []


def test_two_overlapping_seals_and_one_cut_by_the_edge() -> None:
    img = blank_page()
    draw_seal(img, 500, 900, 100, "安和市甲公司")
    draw_seal(img, 640, 930, 100, "安和市乙公司")
    draw_seal(img, 1175, 400, 100, "安和市丙公司")  # the right edge falls off the page
    seals = find_seals(np.asarray(img))
    centres = sorted(round(s.box.cx / 10) * 10 for s in seals)
    assert len(seals) == 3, centres


def test_bad_image_is_refused() -> None:
    with pytest.raises(PageImageError):
        find_seals(np.zeros((0, 0, 3), np.uint8))


@pytest.fixture(scope="module")
def ocr() -> Iterator[object]:
    from prereview.ocr import RapidOcrEngine

    yield RapidOcrEngine(threads=2)


@pytest.mark.ocr
def test_seal_ring_text_is_read(sealed_page: tuple[Image.Image, Box], ocr: object) -> None:
    img, _ = sealed_page
    seals = find_seals(as_photo(img, shadow=0.4), ocr=ocr)  # type: ignore[arg-type]
    assert len(seals) == 1
    text = seals[0].text
    assert "测试科技有限公司" in text or sum(ch in text for ch in "安和市测试科技有限公司") >= 8, text


# --- signatures -------------------------------------------------------------------------------------


def _signing_page(kind: str) -> tuple[np.ndarray, list[TextLine]]:
    img = blank_page()
    lines = [draw_text(img, 120, 200, "授权委托书", 40), draw_text(img, 700, 1200, "委托人（签字）：", 28)]
    x = int(lines[-1].box.x1) + 20
    if kind == "signed_blue":
        draw_signature(img, x, 1190, 44)
    elif kind == "signed_black":
        draw_signature(img, x, 1190, 44, colour=(25, 25, 25))
    elif kind == "printed_name":
        lines.append(draw_text(img, x, 1200, "莫超旭", 28))
    elif kind == "underscores":
        lines.append(draw_text(img, x, 1200, "________________", 28))
    elif kind == "seal_only":
        draw_seal(img, x + 60, 1215, 90)
    lines.append(draw_text(img, 700, 1280, "签署日期：2026年2月25日", 28))
    return np.asarray(img), lines


@pytest.mark.parametrize(
    ("kind", "source", "signed"),
    [
        ("empty", PageSource.OCR, False),
        ("signed_blue", PageSource.OCR, True),
        ("signed_black", PageSource.OCR, True),
        ("signed_black", PageSource.TEXT, True),
        ("printed_name", PageSource.OCR, False),
        ("printed_name", PageSource.TEXT, False),
        ("underscores", PageSource.OCR, False),
        ("seal_only", PageSource.OCR, False),
    ],
)
def test_signature_by_its_label(kind: str, source: PageSource, signed: bool) -> None:
    image, lines = _signing_page(kind)
    readings = find_signatures(image, lines, source=source)
    assert [r.label for r in readings] == ["委托人（签字）"]  # 签署日期 is no signing label
    assert readings[0].signed is signed
    if signed:
        assert readings[0].mark is not None and readings[0].mark.label == "委托人（签字）"
    if kind == "printed_name":
        assert readings[0].printed == "莫超旭"


def test_signature_read_by_ocr_into_the_labels_line_still_counts() -> None:
    image, lines = _signing_page("signed_blue")
    label = lines[1]
    glued = TextLine(
        text="委托人（签字）：莫超旭",
        box=Box(x0=label.box.x0, y0=label.box.y0, x1=label.box.x1 + 130, y1=label.box.y1),
        score=0.97,
    )
    readings = find_signatures(image, [lines[0], glued, lines[-1]], source=PageSource.OCR)
    assert readings[0].signed


def test_signature_on_a_phone_photo() -> None:
    img = blank_page()
    label = draw_text(img, 700, 1200, "法定代表人（签字）：", 28)
    draw_signature(img, int(label.box.x1) + 20, 1190, 44)
    photo = as_photo(img, shadow=0.5)
    readings = find_signatures(photo, [label], source=PageSource.OCR)
    assert readings[0].signed


def test_sentences_mentioning_signatures_are_no_labels() -> None:
    img = blank_page()
    lines = [
        draw_text(img, 100, 100, "受托人在上述权限范围内签署的有关文件，委托人均予以承认。", 26),
        draw_text(img, 100, 160, "自双方签字（盖章）之日起生效。", 26),
        draw_text(img, 100, 220, "全体股东签字（盖章）：", 26),
        draw_text(img, 100, 280, "股东（签字）：", 26),
    ]
    draw_signature(img, int(lines[-1].box.x1) + 20, 270, 40)
    readings = find_signatures(np.asarray(img), lines, source=PageSource.TEXT)
    assert [(r.label, r.signed, r.heading) for r in readings] == [
        ("全体股东签字（盖章）", False, True),
        ("股东（签字）", True, False),
    ]


# --- legibility -------------------------------------------------------------------------------------


def _text_page() -> tuple[Image.Image, list[TextLine]]:
    img = blank_page()
    lines = [
        draw_text(img, 100, 100 + 50 * k, f"第{k}条 申请人对所填写内容及所附材料的真实性负责。", 28)
        for k in range(12)
    ]
    return img, lines


def test_legibility() -> None:
    img, lines = _text_page()
    assert assess_page(np.asarray(img), lines).status is Legibility.OK
    assert assess_page(np.asarray(blank_page()), []).status is Legibility.BLANK
    assert assess_page(as_photo(blank_page(), shadow=0.5), []).status is Legibility.BLANK
    assert assess_page(blurred(img, 9), []).status is Legibility.BLURRED
    weak = [TextLine(text="申请人对", box=line.box, score=0.4) for line in lines[:3]]
    assert assess_page(blurred(img, 9), weak).status is Legibility.BLURRED
    assert not assess_page(blurred(img, 9), weak).readable
    # a photo of a readable page: the text read decides, not the image statistics
    assert assess_page(as_photo(img, tilt=0.05), lines).readable


def test_ink_probe_marks_an_illegible_field() -> None:
    img = blank_page()
    label = draw_text(img, 100, 100, "有效期限", 28)
    draw_signature(img, 300, 90, 40, colour=(60, 60, 60))  # a scrawl OCR could not read
    empty = draw_text(img, 100, 200, "签发机关", 28)
    from prereview.documents import Page

    page = Page(index=0, width=img.width, height=img.height, source=PageSource.OCR, lines=[label, empty])
    probe = ink_probe([np.asarray(img)])
    assert find_field([page], ["有效期限"], has_ink=probe).status is FieldStatus.UNREADABLE
    assert find_field([page], ["签发机关"], has_ink=probe).status is FieldStatus.EMPTY


# --- checkboxes -------------------------------------------------------------------------------------


def test_checkbox_states_from_the_image() -> None:
    img = blank_page()
    options = ["道路普通货运", "货物专用运输", "大型物件运输"]
    lines, x = [], 100
    for k, word in enumerate(options):
        draw_checkbox(img, x, 402, 24, checked=k == 0)
        lines.append(draw_text(img, x + 32, 400, word, 28))
        x = int(lines[-1].box.x1) + 50
    image = np.asarray(img)
    assert checkbox_states(image, lines, [*options, "其他"]) == {
        "道路普通货运": True,
        "货物专用运输": False,
        "大型物件运输": False,
        "其他": None,
    }
    # OCR often keeps the box's pixels inside the line's box while dropping its glyph
    widened = [
        TextLine(text=ln.text, box=Box(x0=ln.box.x0 - 32, y0=ln.box.y0, x1=ln.box.x1, y1=ln.box.y1))
        for ln in lines
    ]
    assert checkbox_states(as_photo(img, shadow=0.3), widened, options) == {
        "道路普通货运": True,
        "货物专用运输": False,
        "大型物件运输": False,
    }


def test_checkbox_marks_in_text_win() -> None:
    lines = [line("申请类型：☑首次申请 □延期申请", 100, 100)]
    assert checkbox_states(None, lines, ["首次申请", "延期申请"]) == {"首次申请": True, "延期申请": False}


# --- real sample pages (tests/fixtures/samples.py) ------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "seals"),
    [
        ("jt_form_signed", 1),
        ("jt_form_unsigned", 1),
        ("jt_report_unsealed", 0),  # JT-P02 M6 expected NOT_SEALED
        ("poa_photo", 1),
        ("poa_grey_scan", 0),
        ("id_both_faces", 0),  # the emblem is no seal
    ],
)
def test_seals_on_samples(key: str, seals: int) -> None:
    image, _ = sample_page(key)
    assert len(find_seals(image)) == seals


@pytest.mark.parametrize(
    ("key", "label", "signed"),
    [
        ("jt_form_signed", "负责人（签字）", True),
        ("jt_form_unsigned", "负责人（签字）", False),  # JT-P03 M1 expected NOT_SIGNED
        ("poa_photo", "委托人（签字）", True),  # OCR glued the signature to its label
        ("poa_grey_scan", "委托人（签字）", True),  # grey scan: the ink colour cannot tell
        ("plan_grey_scan", "拟任法定代表人（签字）", True),
        ("hr_form_scan", "法定代表人（签字）", True),
    ],
)
def test_signatures_on_samples(key: str, label: str, signed: bool) -> None:
    image, page = sample_page(key)
    readings = {r.label: r for r in find_signatures(image, page.lines, source=page.source)}
    assert readings[label].signed is signed


def test_blurred_sample_is_unreadable() -> None:
    image, page = sample_page("blurred_photo")  # HB-P03 M1 expected UNREADABLE
    quality = assess_page(image, page.lines, source=page.source)
    assert quality.status is Legibility.BLURRED


def test_sharp_samples_are_readable() -> None:
    for key in ("jt_form_signed", "poa_photo", "id_both_faces"):
        image, page = sample_page(key)
        assert assess_page(image, page.lines, source=page.source).readable, key


def test_ring_text_similarity_tolerates_misread_characters() -> None:
    from prereview.visual import ring_text_similarity

    assert ring_text_similarity("安和市弘殿人才服务有限公司", "安和市弘毅人才服务有限公司") > 0.9
    assert ring_text_similarity("安和市同创人才服务有限公司", "安和市博远企业管理咨询有限公司") < 0.6
    assert ring_text_similarity("", "安和市弘毅人才服务有限公司") == 0.0
