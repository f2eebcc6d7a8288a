"""How sure a field reading is: the doubt (`rules.casefacts.FieldValue.doubt`) a reading carries.

A defect judged on a reading is only as sure as the reading. A reading is in doubt when what was read
may be an artefact of reading rather than what is printed:

- the recogniser was unsure of the value's line (a low score) and the field is one where a single
  character decides (a name, a number, a date: one wrong character is a NAME_MISMATCH);
- the value does not sit like a value of its caption (a line in another font size beside it: a card's
  title, a heading; a value far to the right of its caption: another cell's, or another card's on a
  photo of two);
- the field reads as unreadable: ink without legible text, or text read with a very low score;
- a second reading of the value's crop (`prereview.reread`) read it otherwise;
- a seal is stamped over a good part of a name or number that is none of the declared ones: red strokes
  through the print make the recogniser drop or change characters, and the red-removed second reading
  may agree with the first on the same loss (a three-character name read as two both times).

A clearly read value stays sure whatever it says: a real one-character difference is a finding.
Text-layer pages are never in doubt: their text is what the file holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from prereview.documents import Box, Page, PageSource
from prereview.extract.fields import FieldReading, FieldStatus
from prereview.extract.kinds import NUMBER_KINDS, NUMBER_LENGTH, fits_text
from prereview.extract.values import parse_plate
from prereview.misread import (
    near_declared,
    number_doubt,
    period_doubt,
    restored,
    sentence_doubt,
    unlike_declared,
)
from prereview.reread import ILLEGIBLE, Reread
from rules.identity import normalize_name, normalize_number

# Fields where one character decides a finding (a mismatch, a checksum, a date's validity)
EXACT_KINDS = ("name", "id_number", "uscc", "plate", "date", "month", "period")
# A line the recogniser scored below this is not sure enough to call one character in it wrong: correct
# readings of the sample photos' names and numbers scored 0.92-1.00, the misread ones 0.75-0.92.
SURE_SCORE = 0.95
# An exact-kind value read with a lower score is read a second time
REREAD_BELOW = 0.97
# A value the page's reading missed, read on the second reading with at least this score, is taken
SECOND_MIN = 0.6
# A value further right of its caption than this many caption heights may be another cell's or another
# card's (two cards photographed side by side): the sample forms' widest label columns leave 8
FAR_EMS = 10.0
# Characters of the crop's margin (the caption's edge) a second reading may add or lose and still agree
MARGIN = 2
# A value this many times taller or shorter than its caption is printed in another font: a title
# or a heading beside the caption, not what was filled in.
FONT_RATIO = 1.6
# Fields a mismatch or checksum check reads character by character, whose reading a seal over it spoils
SEALED_KINDS = ("name", "id_number", "uscc")
# A value with this many of its characters crossed by a seal's strokes: one stroke through a character
# is enough to change it into another or lose it (a three-character name read as two)
SEALED_CHARS = 1

# (page, a value's box in page pixels) -> how many of the value's characters a seal found on the page runs
# through (`prereview.pagemarks.PageMarks.sealed_chars`); 0 when none does
SealCover = Callable[[Page, Box], int]


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
    shape = _shape_doubt(reading.value, kind)
    if shape:
        return f"{where}「{field}」读作「{reading.value}」，{shape}"
    if kind in EXACT_KINDS and reading.score < SURE_SCORE:
        return (
            f"{where}「{field}」一行识别置信度偏低（{reading.score:.2f}），读作「{reading.value}」，"
            "可能有字符识别错误"
        )
    if kind == "name" and _other_font(reading):
        return f"{where}「{field}」旁读到的「{reading.value}」字号与栏目不同，可能是标题而非填写内容"
    far = _far(reading)
    if kind in EXACT_KINDS and far:
        return (
            f"{where}「{field}」右侧约 {far:.0f} 个字宽处才读到「{reading.value}」，"
            "可能属于旁边的另一栏或另一份材料"
        )
    return ""


def _far(reading: FieldReading) -> float:
    """How many caption heights the value starts right of its caption on the same line, when more than
    FAR_EMS (a form's widest label column leaves 8); 0 otherwise."""
    label, value = reading.label_box, reading.box
    if label is None or value is None or label.height <= 0:
        return 0.0
    beside = value.y0 < label.y1 and label.y0 < value.y1
    gap = (value.x0 - label.x1) / label.height
    return gap if beside and gap > FAR_EMS else 0.0


def _shape_doubt(value: str, kind: str) -> str:
    """Why a value of a photo cannot be the whole of what is printed: a plate without its province
    character, a number short of its 18 characters (a blurred character the recogniser dropped), a name
    with no Chinese character in it or only a date (`kinds.fits_text`); ""
    when it has the shape of its kind. A number of the right length that fails its checksum is no
    shape problem: that is for the rules."""
    if kind == "plate" and parse_plate(value) is None:
        return "不是完整的号牌号码（可能缺少省份简称），可能有字符未识别出"
    if kind == "name" and value and not fits_text(value, kind):
        return "不像名称（没有汉字，或只是日期），可能读到的是签名笔迹或旁边一栏的内容"
    if kind in ("id_number", "uscc"):
        number = normalize_number(value)
        if number and len(number) < NUMBER_LENGTH:
            return f"只有 {len(number)} 位，可能有字符未识别出"
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


def declared_values(declared: Mapping[str, Any]) -> frozenset[str]:
    """The declared names and numbers, normalised as they are compared (standards README §7.1)."""
    out: set[str] = set()
    for value in declared.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            for text in item.values() if isinstance(item, dict) else [item]:
                if isinstance(text, str) and text.strip():
                    out |= {normalize_name(text), normalize_number(text)}
    return frozenset(out)


class Settled(NamedTuple):
    status: FieldStatus
    value: str
    doubt: str
    # a number read short, its characters sure, that is no declared number with characters lost
    # (`prereview.misread.unlike_declared`): a mismatch with the declared numbers is sure
    unlike_declared: bool = False


def settle(
    reading: FieldReading,
    page: Page,
    *,
    kind: str,
    field: str,
    reread: Reread | None,
    declared: frozenset[str] = frozenset(),
    sealed: SealCover | None = None,
) -> Settled:
    """(status, value, doubt, unlike_declared) of a reading after a second reading where one is worth
    it: a weakly read name, number or date, or a blank or unreadable value beside its caption on a
    photo or scan. Of two readings that disagree, one that is what the applicant declared is taken
    (`declared`, from `declared_values`): a misreading that lands exactly on the declared value is far
    less likely than one that leaves it. With `sealed`, a name or number that is no declared value and
    lies under a seal is in doubt (`seal_doubt`)."""
    found = _settle(reading, page, kind=kind, field=field, reread=reread, declared=declared)
    if sealed is None or found.doubt or found.status is not FieldStatus.OK or reading.box is None:
        return found
    why = seal_doubt(found.value, reading.box, page, kind=kind, field=field, sealed=sealed, declared=declared)
    return found._replace(doubt=why) if why else found


def seal_doubt(
    value: str, box: Box, page: Page, *, kind: str, field: str, sealed: SealCover, declared: frozenset[str]
) -> str:
    """Why a name or number read under a seal may be wrong; "" when no seal lies over enough of it, or
    it reads as a declared value (a misreading that lands exactly on one is far less likely than one that
    leaves it). Only what a mismatch or checksum check reads is measured, and only on photos and scans."""
    if kind not in SEALED_KINDS or page.source is not PageSource.OCR or _is_declared(value, declared):
        return ""
    crossed = sealed(page, box)
    if crossed < SEALED_CHARS:
        return ""
    return (
        f"照片或扫描件上印章压住了「{field}」栏内容（约 {crossed} 个字），读作「{value}」，"
        "印章下的字符可能被漏读或读错，请核对原件"
    )


def _settle(
    reading: FieldReading,
    page: Page,
    *,
    kind: str,
    field: str,
    reread: Reread | None,
    declared: frozenset[str],
) -> Settled:
    doubt = reading_doubt(reading, page, kind=kind, field=field)
    sure = reading.score >= SURE_SCORE
    if reread is None or page.source is not PageSource.OCR or not page.image_path or reading.box is None:
        found = _misread(reading.status, reading.value, doubt, reading.score, page, kind, field, declared)
        return _with_unlike(found, kind, sure=sure, declared=declared)
    if reading.status is FieldStatus.OK:
        if kind not in EXACT_KINDS or reading.score >= REREAD_BELOW:
            found = _misread(reading.status, reading.value, doubt, reading.score, page, kind, field, declared)
            return _with_unlike(found, kind, sure=sure, declared=declared)
        text, score = reread(page, [reading.box])[0]
        status, value, doubt = _compare(
            reading, _plain(text, kind), score, field=field, doubt=doubt, declared=declared
        )
        agreed = _plain(text, kind) == _plain(reading.value, kind)  # every character read twice alike
        if not doubt and _shape_doubt(value, kind):  # two readings that agree on too little
            doubt = reading_doubt(reading.model_copy(update={"value": value}), page, kind=kind, field=field)
        # two readings that agree are as clean as the better of them
        best = max(reading.score, score) if value == reading.value and not doubt else reading.score
        found = _misread(status, value, doubt, best, page, kind, field, declared)
        return _with_unlike(found, kind, sure=sure or agreed, declared=declared)
    text, score = reread(page, [reading.box])[0]
    if text == ILLEGIBLE:
        return Settled(
            FieldStatus.UNREADABLE, "", f"照片或扫描件上「{field}」栏有字迹，但未能识别出文字，请核对原件"
        )
    text = _plain(text, kind)
    if not text or score < SECOND_MIN or not fits_text(text, kind):
        return Settled(reading.status, reading.value, doubt)
    if score >= SURE_SCORE:
        return Settled(FieldStatus.OK, text, "")
    return Settled(
        FieldStatus.OK,
        text,
        f"照片或扫描件上「{field}」初次未能识别，放大重读为「{text}」（置信度 {score:.2f}）",
    )


def _with_unlike(
    found: tuple[FieldStatus, str, str], kind: str, *, sure: bool, declared: frozenset[str]
) -> Settled:
    """`found` with whether it is a number read short whose characters were read surely (a clean score,
    or two readings that agree) and that cannot be any declared number with characters lost."""
    status, value, doubt = found
    unlike = (
        bool(doubt)
        and sure
        and status is FieldStatus.OK
        and kind in NUMBER_KINDS
        and unlike_declared(value, declared)
    )
    return Settled(status, value, doubt, unlike)


def _misread(
    status: FieldStatus,
    value: str,
    doubt: str,
    score: float,
    page: Page,
    kind: str,
    field: str,
    declared: frozenset[str],
) -> tuple[FieldStatus, str, str]:
    """(status, value, doubt) with the doubt of `prereview.misread` added to a reading of a photo or scan
    that has none yet: what was read cannot be what is printed, or is a near miss of a declared value."""
    if doubt or status is not FieldStatus.OK or page.source is not PageSource.OCR:
        return status, value, doubt
    if known := restored(value, kind, declared):
        return status, known, ""  # only characters no issuer prints differ from what was declared
    where = f"照片或扫描件上「{field}」读作「{value}」，"
    why = {"period": period_doubt, "name": sentence_doubt}.get(kind, lambda v: number_doubt(v, kind))(value)
    if why:
        return status, value, where + why
    if kind in ("name", "list", *NUMBER_KINDS):
        known = near_declared(value, kind, score, declared)
        if known:
            return (
                status,
                value,
                (
                    f"{where}与申报的「{known}」只差一两个字符（识别置信度 {score:.2f}），"
                    "可能是识别错误，请核对原件"
                ),
            )
    return status, value, doubt


def _compare(
    reading: FieldReading, again: str, score: float, *, field: str, doubt: str, declared: frozenset[str]
) -> tuple[FieldStatus, str, str]:
    first = _plain(reading.value, "")
    if not again:
        return reading.status, reading.value, doubt
    if (again in first or first in again) and abs(len(again) - len(first)) <= MARGIN:
        return reading.status, reading.value, ""  # two readings agree (one with a character of the margin)
    if len(again) != len(first):
        return reading.status, reading.value, doubt  # a crop that read something else: no opinion
    if _is_declared(reading.value, declared):
        value = reading.value
    elif _is_declared(again, declared):
        value = again
    else:
        value = again if score > reading.score else reading.value
    return (
        FieldStatus.OK,
        value,
        f"照片或扫描件上「{field}」两次识别结果不一致：「{reading.value}」（{reading.score:.2f}）"
        f"与「{again}」（{score:.2f}），可能有字符识别错误",
    )


_NUMBER_RUN = re.compile(r"[0-9A-Za-z]{6,}")
_NOT_TEXT = re.compile(r"[\s:：;；,，。.、]")


def _plain(text: str, kind: str) -> str:
    """What a reading says for the comparison: a number's longest run of its characters, otherwise the
    text without spaces and punctuation."""
    if kind in ("id_number", "uscc"):
        runs = _NUMBER_RUN.findall(text)
        return max(runs, key=len) if runs else ""
    return _NOT_TEXT.sub("", text)


def _is_declared(text: str, declared: frozenset[str]) -> bool:
    return normalize_name(text) in declared or normalize_number(text) in declared
