"""Signatures OCR merged into the signing label's text box (prereview.visual.signatures).

On scans and photos the OCR detector often draws one box around a label and the handwriting beside
it: a box two or three times as tall as the print, as wide as label and signature together, sometimes
with the signature read as characters. The label must still be measured at its print's size, and
the handwriting in that box must count; print, seals and empty space in such a box must not.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from prereview.documents import Box, PageSource, TextLine
from prereview.visual import find_signatures
from tests.fixtures.visual_images import as_photo, blank_page, draw_seal, draw_signature, draw_text

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
