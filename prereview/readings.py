"""How sure a field reading is: the doubt (`rules.casefacts.FieldValue.doubt`) a reading carries.

A defect judged on a reading is only as sure as the reading. A reading is in doubt when what was read
may be an artefact of reading rather than what is printed:

- the recogniser was unsure of the value's line (a low score) and the field is one where a single
  character decides (a name, a number, a date: one wrong character is a NAME_MISMATCH);
- the value does not sit like a value of its caption (a line in another font size beside it: a card's
  title, a heading);
- the field reads as unreadable: ink without legible text, or text read with a very low score;
- a second reading of the value's crop (`prereview.reread`) read it otherwise.

A clearly read value stays sure whatever it says: a real one-character difference is a finding.
Text-layer pages are never in doubt: their text is what the file holds.
"""

from __future__ import annotations

from prereview.documents import Page, PageSource
from prereview.extract.fields import FieldReading, FieldStatus

# Fields where one character decides a finding (a mismatch, a checksum, a date's validity)
EXACT_KINDS = ("name", "id_number", "uscc", "plate", "date", "month", "period")
# A line the recogniser scored below this is not sure enough to call one character in it wrong: correct
# readings of the sample photos' names and numbers scored 0.92-1.00, the misread ones 0.75-0.92.
SURE_SCORE = 0.95
# A value this many times taller or shorter than its caption is printed in another font: a title
# or a heading beside the caption, not what was filled in.
FONT_RATIO = 1.6


def reading_doubt(reading: FieldReading, page: Page, *, kind: str, field: str) -> str:
    """Why `reading` of `field` (of type `kind`) on `page` may be wrong, in plain Chinese; "" when sure."""
    if page.source is not PageSource.OCR:
        return ""
    where = "照片或扫描件上"
    if reading.status is FieldStatus.UNREADABLE:
        if not reading.value:
            return f"{where}「{field}」栏有字迹，但未能识别出文字，请核对原件"
        return f"{where}「{field}」字迹模糊，识别置信度低（{reading.score:.2f}），读作「{reading.value}」"
    if reading.status is not FieldStatus.OK:
        return ""
    if kind in EXACT_KINDS and reading.score < SURE_SCORE:
        return f"{where}「{field}」一行识别置信度偏低（{reading.score:.2f}），读作「{reading.value}」，可能有字符识别错误"
    if kind == "name" and _other_font(reading):
        return f"{where}「{field}」旁读到的「{reading.value}」字号与栏目不同，可能是标题而非填写内容"
    return ""


def _other_font(reading: FieldReading) -> bool:
    """Whether the value's first line stands beside its caption in a clearly other font size."""
    label = reading.label_box
    if label is None or label.height <= 0:
        return False
    own = [
        ln
        for ln in reading.lines
        if not (ln.box.x0 <= label.cx <= ln.box.x1 and ln.box.y0 <= label.cy <= ln.box.y1)
    ]
    if not own:
        return False  # value and caption on one line: one font
    first = min(own, key=lambda ln: ln.box.y0).box
    beside = first.y0 < label.y1 and label.y0 < first.y1
    ratio = first.height / label.height
    return beside and (ratio > FONT_RATIO or ratio < 1 / FONT_RATIO)
