"""PageMarks: each page's seals and signatures looked for once, a region's inside it."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from visual_images import blank_page, draw_seal, draw_signature, draw_text

from prereview.documents import Box, Page, PageSource
from prereview.located import Located
from prereview.pagemarks import PageMarks, owed_marks
from prereview.reader import load_page_image
from prereview.recognise import PageLabel, PageView
from prereview.visual.marks import NAMED_SEAL, PageMarksFound, find_marks
from prereview.visual.seals import find_seals
from rules.book import RuleBook
from rules.codes import Code
from tests.fixtures.reading_files import FakeOcr

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _stored_page(tmp_path: Path, name: str, *, sealed: bool) -> Page:
    img = blank_page()
    if sealed:
        draw_seal(img, 900, 700, 150)
    path = tmp_path / name
    cv2.imwrite(str(path), cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR))
    return Page(index=0, width=img.width, height=img.height, source=PageSource.OCR, image_path=str(path))


def test_page_marks_finds_each_pages_seals_once(tmp_path: Path) -> None:
    sealed, plain = (
        _stored_page(tmp_path, "a.bmp", sealed=True),
        _stored_page(tmp_path, "b.bmp", sealed=False),
    )
    marks = PageMarks()
    found = marks(sealed, "seal")
    assert [m.kind for m in found] == ["seal"]
    assert found == find_seals(cv2.cvtColor(cv2.imread(str(sealed.image_path)), cv2.COLOR_BGR2RGB))
    Path(str(sealed.image_path)).unlink()  # asked again, the answer comes from what was found
    assert marks(sealed, "seal") is found
    assert marks(plain, "seal") == [] and marks(plain, "signature") == []


def test_page_marks_read_ring_texts_only_of_seals_asked_for_by_name(tmp_path: Path) -> None:
    sealed = _stored_page(tmp_path, "a.bmp", sealed=True)
    ocr = FakeOcr("安和市测试科技有限公司")
    marks = PageMarks(ocr=ocr)
    assert [m.text for m in marks(sealed, "seal")] == [""] and ocr.calls == 0
    assert [m.text for m in marks(sealed, NAMED_SEAL)] == ["安和市测试科技有限公司"]
    assert marks(sealed, NAMED_SEAL) and ocr.calls == 1 == marks.reads  # read once, counted
    assert [m.text for m in PageMarks()(sealed, NAMED_SEAL)] == [""]  # no engine: the seals, unread


def test_seals_of_a_licence_copy_are_owed_by_name() -> None:
    # a copy of the licence must carry its holder's seal, told from the issuer's printed one by its ring
    item = RuleBook.load(CORPUS / "rules").items["JT-001"].item
    licence = next(m for m in item.materials if m.name.startswith("营业执照"))
    page = Page(index=0, width=10, height=10, source=PageSource.OCR, image_path="x.bmp")
    located = Located(
        view=PageView.of(0, page, None), label=PageLabel(material=licence.id), file_name="a.jpg"
    )
    assert [k for _, k in owed_marks(item, [located]) if k != "signature"] == [NAMED_SEAL]


def test_page_marks_without_a_stored_image_finds_nothing() -> None:
    page = Page(index=0, width=100, height=100, source=PageSource.TEXT)
    assert PageMarks()(page, "seal") == []


def test_page_marks_of_a_region_are_those_inside_it(tmp_path: Path) -> None:
    whole = _stored_page(tmp_path, "a.bmp", sealed=True)  # the seal is drawn at (900, 700)
    left = whole.model_copy(update={"region": Box(x0=0, y0=0, x1=600, y1=whole.height)})
    right = whole.model_copy(update={"region": Box(x0=600, y0=0, x1=whole.width, y1=whole.height)})
    marks = PageMarks()
    assert marks(left, "seal") == [] and [m.kind for m in marks(right, "seal")] == ["seal"]
    assert marks(whole, "seal") == marks(right, "seal")


def _settled(value: PageMarksFound | None) -> Future[PageMarksFound | None]:
    future: Future[PageMarksFound | None] = Future()
    future.set_result(value)
    return future


def test_marks_looked_for_elsewhere_are_kept_as_if_found_here(tmp_path: Path) -> None:
    sealed, plain = (
        _stored_page(tmp_path, "a.bmp", sealed=True),
        _stored_page(tmp_path, "b.bmp", sealed=False),
    )
    region = plain.model_copy(update={"region": Box(x0=0, y0=0, x1=600, y1=plain.height)})
    asked: list[tuple[Page, str]] = []

    def elsewhere(asks: Sequence[tuple[Page, str]]) -> list[Future[PageMarksFound | None]]:
        asked.extend(asks)  # the workers' answer for the sealed page; none for the plain one's seal
        return [_settled(find_marks(load_page_image(p), p, k) if p is sealed else None) for p, k in asks]

    marks = PageMarks()
    marks.look_ahead([(sealed, "seal"), (sealed, "signature"), (plain, "seal"), (region, "seal")], elsewhere)
    assert [(p.image_path, k) for p, k in asked] == [
        (sealed.image_path, "seal"),
        (sealed.image_path, "signature"),
        (plain.image_path, "seal"),
    ]  # a region is looked at here, when asked: its image's other regions may ask first
    Path(str(sealed.image_path)).unlink()  # what was found elsewhere answers: the image is not read again
    assert [m.kind for m in marks(sealed, "seal")] == ["seal"] and marks(sealed, "signature") == []
    assert marks(plain, "seal") == []  # not found elsewhere: looked for here
    marks.look_ahead([(sealed, "seal")], elsewhere)  # already known: not asked again
    assert len(asked) == 3


def test_marks_no_check_asked_for_are_dropped_when_the_case_is_judged(tmp_path: Path) -> None:
    page = _stored_page(tmp_path, "a.bmp", sealed=True)
    waiting: Future[PageMarksFound | None] = Future()  # not started yet in a worker
    marks = PageMarks()
    marks.look_ahead([(page, "seal")], lambda asks: [waiting for _ in asks])
    marks.settle()
    assert waiting.cancelled()
    assert [m.kind for m in marks(page, "seal")] == ["seal"]  # asked after all: looked for here


def test_owed_marks_are_the_whole_pages_of_materials_checked_for_them() -> None:
    item = RuleBook.load(CORPUS / "rules").items["JT-001"].item
    sealed_ids = {m.id for m in item.materials if any(c.code is Code.NOT_SEALED for c in m.checks)}
    plain_ids = {
        m.id
        for m in item.materials
        if not any(c.code in (Code.NOT_SEALED, Code.NOT_SIGNED) for c in m.checks)
    }
    assert sealed_ids and plain_ids
    page = Page(index=0, width=10, height=10, source=PageSource.OCR, image_path="x.bmp")

    def located(material: str | None) -> Located:
        return Located(view=PageView.of(0, page, None), label=PageLabel(material=material), file_name="a.pdf")

    owed = owed_marks(item, [located(next(iter(sealed_ids))), located(next(iter(plain_ids))), located(None)])
    assert ({"seal", NAMED_SEAL} & {k for _, k in owed}) and all(p is page for p, _ in owed)
    assert len(owed) <= 2  # only the sealed material's page, for a seal (and a signature if it owes one)


def test_owed_seals_are_those_of_the_seals_scope() -> None:
    # JT-001's vehicle material owes the testing body's seal on its 技术等级评定结论, not on the 行驶证 copy
    item = RuleBook.load(CORPUS / "rules").items["JT-001"].item
    vehicle = next(m for m in item.materials if "技术等级评定结论" in m.parts)
    assert any(c.code is Code.NOT_SEALED and "技术等级评定结论" in c.note for c in vehicle.checks)

    def located(part: str) -> Located:
        page = Page(index=0, width=10, height=10, source=PageSource.OCR, image_path=f"{part}.bmp")
        label = PageLabel(material=vehicle.id, parts={part})
        return Located(view=PageView.of(0, page, None), label=label, file_name=f"{part}.pdf")

    licence, report = located("行驶证主页"), located("技术等级评定结论")
    owed = owed_marks(item, [licence, report])
    assert [(p.image_path, kind) for p, kind in owed if kind == "seal"] == [("技术等级评定结论.bmp", "seal")]


def test_owed_signatures_after_a_sets_first_page_come_last() -> None:
    item = RuleBook.load(CORPUS / "rules").items["JT-001"].item
    signed = next(
        m
        for m in item.materials
        if any(c.code is Code.NOT_SIGNED and not c.when and "自然人" not in c.who for c in m.checks)
        and not m.per
    )
    pages = [
        Located(
            view=PageView.of(
                0, Page(index=i, width=10, height=10, source=PageSource.OCR, image_path=f"{i}.bmp"), None
            ),
            label=PageLabel(material=signed.id),
            file_name="a.pdf",
        )
        for i in range(3)
    ]
    owed = [(p.image_path, kind) for p, kind in owed_marks(item, pages)]
    # one signature found on the set is enough: its first page is surely asked about, the others maybe,
    # so they are looked for last
    assert owed[-2:] == [("1.bmp", "signature"), ("2.bmp", "signature")]
    assert ("0.bmp", "signature") in owed[:-2]


# --- a signing label under a seal -----------------------------------------------------------------------

BODY = "申请人保证以上填报内容及所附材料真实、准确。"
LABEL = "申请人（签字）："
GARBLED = "申青大（筌"  # how the recogniser reads the label through the seal's red strokes


def _label_page(tmp_path: Path, *, signed: bool, sealed: bool = True, read: str = GARBLED) -> Page:
    """A form's signing block: the label, the unit's seal line under it and the seal stamped over both
    (as units stamp it), the label's OCR line reading `read`."""
    img = blank_page()
    lines = [draw_text(img, 120, 200 + 50 * k, BODY, 28) for k in range(6)]
    label = draw_text(img, 300, 1200, LABEL, 28)
    unit = draw_text(img, 300, 1250, "申请人（盖章）：安和市测试科技有限公司", 28)
    if signed:
        draw_signature(img, int(label.box.x1) + 12, 1180, 45, colour=(25, 25, 25))
    if sealed:
        draw_seal(img, 380, 1240, 100)
    path = tmp_path / f"{signed}-{sealed}-{read}.png"
    cv2.imwrite(str(path), cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR))
    lines += [label.model_copy(update={"text": read}), unit]
    return Page(
        index=0, width=img.width, height=img.height, source=PageSource.OCR, image_path=str(path), lines=lines
    )


class _Reread:
    """A second reading that reads the label's box as printed (and every other box as first read)."""

    def __init__(self) -> None:
        self.boxes: list[Box] = []

    def __call__(self, page: Page, boxes: Sequence[Box]) -> list[tuple[str, float]]:
        self.boxes.extend(boxes)
        read = [next(ln.text for ln in page.lines if ln.box == box) for box in boxes]
        return [(LABEL if text == GARBLED else text, 0.9) for text in read]


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_a_signing_label_under_a_seal_is_read_again(tmp_path: Path, signed: bool) -> None:
    page = _label_page(tmp_path, signed=signed)
    plain = PageMarks()  # without a second reading the garbled label is no place to sign
    assert plain(page, "signature") == [] and plain.places(page) == 0
    reread = _Reread()
    marks = PageMarks(reread=reread)
    assert [m.kind for m in marks(page, "signature")] == (["signature"] if signed else [])
    assert marks.places(page) == 1  # found: the place is judged, no more "no place to sign"
    # where a label read only with the seal's red taken out ends is a guess, and so is its emptiness
    assert ("被印章覆盖" in marks.doubt(page, "signature")) is not signed
    # only the lines the seal crosses were read again: the label and the unit's line, not the body
    label, unit = page.lines[-2:]
    assert reread.boxes == [label.box, unit.box]
    marks(page, "signature")
    assert len(reread.boxes) == 2  # once per page


def test_labels_are_not_read_again_without_seal_ink_or_when_one_was_found(tmp_path: Path) -> None:
    reread = _Reread()
    marks = PageMarks(reread=reread)
    unsealed = _label_page(tmp_path, signed=False, sealed=False)
    assert marks(unsealed, "signature") == [] and marks.places(unsealed) == 0
    legible = _label_page(tmp_path, signed=True, read=LABEL)
    assert [m.kind for m in marks(legible, "signature")] == ["signature"]
    assert marks(_label_page(tmp_path, signed=True), "seal")  # a seal asked for: no label matters
    assert reread.boxes == []


def test_a_second_reading_without_a_label_leaves_the_page_as_found(tmp_path: Path) -> None:
    page = _label_page(tmp_path, signed=True)
    marks = PageMarks(reread=lambda p, boxes: [("安和市", 0.9)] * len(boxes))
    assert marks(page, "signature") == [] and marks.places(page) == 0
