"""Field values by their printed labels, on pages of positioned text lines.

A label is looked up in each row's characters with whitespace removed (姓  名, a label OCR split into
two boxes, 公民身份号码 glued to its number all match), only where a phrase starts, so 名称 does not
match inside 申请人名称; a label wrapped over two lines of a table cell is joined. Its value is, in
order of preference:

1. the rest of the label's own segment after brackets and a colon (标签：值, 法定代表人（签字）：值);
2. the next segment to the right on the same row (ID cards, two-column tables), unless that is a label;
3. the cell below, when the label heads a table column or ends its row (营业执照's 统一社会信用代码).

Rows follow the page's residual tilt (`layout.build_rows`), so a photo's perspective does not move a
value into the row of another caption; a value wrapped in its cell is read whole (its second line under
it, or its first line above a caption centred on the cell); a caption OCR misread by one character is
still a caption, never a value; a caption a form repeats for two parties is the one under the party's
block heading (`find_field(block=...)`, `prereview.extract.blocks`).

Status: `ok` - a value was read; `empty` - the label is there and nothing is written by it;
`unreadable` - something is there but not legibly (a low recogniser score, or ink the OCR could not
read, when the caller passes `has_ink`); `absent` - no page carries the label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum

from pydantic import BaseModel, Field

from prereview.approx import ORGANISATION
from prereview.documents import Box, Page, TextLine
from prereview.extract import cells, kinds
from prereview.extract.blocks import block_of
from prereview.extract.breaks import value_after_break
from prereview.extract.captions import COMMON_LABELS
from prereview.extract.layout import Char, Row, folded, page_rows, text_of, union


class FieldStatus(StrEnum):
    OK = "ok"
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    ABSENT = "absent"


class FieldReading(BaseModel):
    status: FieldStatus
    label: str = ""  # the label as printed (brackets included, colon not)
    value: str = ""
    page: int | None = None  # position in the sequence of pages searched
    box: Box | None = None  # of the value; of the blank zone right of the label for an empty one, or
    # an unreadable one found by ink
    label_box: Box | None = None
    lines: list[TextLine] = Field(default_factory=list)  # the raw lines of label and value
    score: float = 0.0  # the lowest recogniser score among the value's characters
    glued: bool = False  # the value runs on from the label with no colon or gap (编制单位和编制人员情况表)

    @property
    def ok(self) -> bool:
        return self.status is FieldStatus.OK


InkProbe = Callable[[int, Box], bool]  # (page position, box in page coordinates) -> is there ink?

_RANK = {FieldStatus.OK: 0, FieldStatus.UNREADABLE: 1, FieldStatus.EMPTY: 2, FieldStatus.ABSENT: 3}


def _reading(pos: int, lines: Sequence[TextLine], label: list[Char], value: list[Char]) -> FieldReading:
    used = {c.line for c in label} | {c.line for c in value}
    return FieldReading(
        status=FieldStatus.OK if value else FieldStatus.EMPTY,
        label=text_of(label),
        value=text_of(value),
        page=pos,
        box=union([c.box for c in value]) if value else None,
        label_box=union([c.box for c in label]),
        lines=[lines[i] for i in sorted(used)],
        score=min((c.score for c in value), default=0.0),
    )


def _after_break(
    pages: Sequence[Page],
    pos: int,
    rows: list[Row],
    r: int,
    reading: FieldReading,
    stop: set[str],
    *,
    kind: str,
) -> FieldReading:
    """An empty reading of a caption ending its column, with the value that opens the next column or
    page instead, when there is one (`prereview.extract.breaks`)."""
    assert reading.label_box is not None
    at, value = value_after_break(pages, pos, rows, r, reading.label_box, stop)
    value = kinds.fit_kind(value, kind, stop)
    if not value:
        return reading
    found = _reading(at, pages[at].lines, value, value)
    return found.model_copy(update={"label": reading.label, "label_box": reading.label_box})


def _value_for(
    rows: list[Row], r: int, span: tuple[int, int], stop: set[str], *, multiline: bool, kind: str
) -> tuple[int, list[Char]]:
    """(label end, value) for the label at `span` of row `r`, cut where its `kind` of value ends."""
    end, value = _raw_value_for(rows, r, span, stop, multiline=multiline, kind=kind)
    return end, kinds.fit_kind(value, kind, stop)


WRAPPED_NAME = 5  # characters on a name's first line before it may have wrapped onto the next


def _raw_value_for(
    rows: list[Row], r: int, span: tuple[int, int], stop: set[str], *, multiline: bool, kind: str
) -> tuple[int, list[Char]]:
    row = rows[r]
    start = cells.skip_decoration(row.chars, span[1])
    end = cells.label_end(row.chars, span[1], start)
    label_box = union([c.box for c in row.chars[span[0] : end]])
    header = cells.looks_like_header(row, stop)
    value = [] if header else cells.row_value(row, start, stop, kind=kind)
    if value and not kinds.fits_kind(value, kind):
        # a stray mark right of a caption whose number is printed under it (营业执照's emblem read as 门)
        below = cells.below_value(rows, r, label_box, stop, header=header, colon=start > end)
        if kinds.fits_kind(below, kind):
            return end, below
    if not value:
        straddling = cells.straddling_value(rows, r, label_box, stop)
        if straddling:
            return end, straddling
    if not value and not header and start == end and _caption_beside(row, end, stop):
        # a column header a photo's tilt put in the row of the line above it (单位名称：… | 培训日期 | …):
        # a caption with another caption right of it heads its column
        below = cells.below_value(rows, r, label_box, stop, header=True, colon=False)
        if below and kinds.fits_kind(below, kind):
            return end, below
    if header or (not value and start >= len(row.chars)):
        value = cells.below_value(rows, r, label_box, stop, header=header, colon=start > end)
        if value and multiline and not header:
            value = value + cells.wrapped_lines(rows, value, stop, label=label_box)
    elif (
        value and kind in ("text", "name") and (first := cells.wrapped_above(rows, r, value, label_box, stop))
    ):
        value = first + value
    elif value and multiline:
        under = cells.continuation(rows, r, value, stop, label=label_box)
        value = value + (under or cells.wrapped_lines(rows, value, stop, label=label_box))
    elif value and kind == "name" and len(value) >= WRAPPED_NAME:
        # a unit's name wrapped in its cell (安和市绿源环境科技有 / 限公司): one line more at most. A
        # person's name is too short to wrap: what stands under it is the next row's value, its caption
        # perhaps lost on a photo (姚强丽 over 女, the 性别 caption unread)
        value = value + cells.continuation(rows, r, value, stop, most=1, label=label_box)
    return end, value


def _caption_beside(row: Row, end: int, stop: set[str]) -> bool:
    """Whether the next cell right of the caption ending at `end` is another caption without a colon."""
    rest = row.chars[end:]
    if not rest or rest[0].segment == row.chars[end - 1].segment:
        return False
    seg = [c for c in rest if c.segment == rest[0].segment]
    text = text_of(seg)
    return cells.is_label(text, stop) and not text.endswith((":", "："))


def _split_readings(
    pos: int, page: Page, rows: list[Row], labels: Sequence[str], stop: set[str], *, kind: str
) -> list[FieldReading]:
    out = []
    for label in labels:
        for r, head, tail in cells.split_label_hits(rows, label):
            row = rows[r]
            after = row.chars.index(head[-1]) + 1
            value = cells.row_value(row, cells.skip_decoration(row.chars, after), stop, kind=kind)
            if not value:
                value = _beside_split_label(rows[r : r + 3], head, tail, stop)
            out.append(_reading(pos, page.lines, head + tail, kinds.fit_kind(value, kind, stop)))
    return out


def _beside_split_label(rows: list[Row], head: list[Char], tail: list[Char], stop: set[str]) -> list[Char]:
    """The value right of a label wrapped over two lines (法定代表人身份证 / 件号码), centred between them."""
    top, bottom = head[0].box.y0, tail[-1].box.y1
    right = max(head[-1].box.x1, tail[-1].box.x1)
    beside = [
        seg
        for row in rows
        for seg in row.segments()
        if seg[0].box.x0 > right and top <= seg[0].box.cy <= bottom and not cells.is_label(text_of(seg), stop)
    ]
    return min(beside, key=lambda seg: seg[0].box.x0, default=[])


def find_fields(
    pages: Sequence[Page],
    labels: Sequence[str],
    *,
    stop: Iterable[str] = (),
    min_score: float = 0.6,
    has_ink: InkProbe | None = None,
    multiline: bool = False,
    kind: str = "text",
) -> list[FieldReading]:
    """Every occurrence of any of `labels` (synonyms) on `pages`, with its value; [] when none occurs.

    `stop` adds captions a value must not run into (the form's other labels; COMMON_LABELS always
    apply). `multiline` appends lines wrapped under the value (addresses, business scope). `kind` is
    the field's type (rules.spec.FieldType): a name, number or date ends at a caption OCR ran it
    into, an 18-character number also at a character outside its alphabet.
    """
    stop_set = {folded(s) for s in (*COMMON_LABELS, *stop, *labels)}
    out = []
    for pos, page in enumerate(pages):
        rows = page_rows(page)
        found = []
        for r, row in enumerate(rows):
            for span in cells.label_hits(row, labels, stop_set):
                end, value = _value_for(rows, r, span, stop_set, multiline=multiline, kind=kind)
                reading = _reading(pos, page.lines, row.chars[span[0] : end], value)
                if not value and end < cells.skip_decoration(row.chars, span[1]) >= len(row.chars):
                    reading = _after_break(pages, pos, rows, r, reading, stop_set, kind=kind)
                if (
                    value
                    and end == span[1]
                    and value[0] in row.chars
                    and value[0].segment == row.chars[end - 1].segment
                ):
                    reading.glued = row.chars.index(value[0]) == end
                if reading.glued and kind in ("name", "list") and not plausible_names(reading.value):
                    continue  # the caption's word inside running text: 委托人均予以承认，由此产生的
                if not value and _runs_on(row, end):
                    continue  # the start of a longer caption OCR misread: 受托人身份证号间 (…号码)
                if reading.glued and kind in ("name", "list") and in_title(row, value, page):
                    continue  # the caption's word inside a form's title: 指定代表或者共同委托代理人…
                if kind in ("name", "list") and value and _next_caption(row, value, stop_set):
                    continue  # a header row whose other cells a photo's tilt left in another row
                found.append((row, reading))
        if not found:
            found = [
                (rows[0], reading)
                for reading in _split_readings(pos, page, rows, labels, stop_set, kind=kind)
            ]
        out += [
            _judge(reading, page, row, pos, min_score=min_score, has_ink=has_ink) for row, reading in found
        ]
    return out


# A person's name: two to four characters, or a minority name with its middle dot
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]+[·•．.][\u4e00-\u9fff]+$")


def plausible_names(value: str) -> bool:
    """Whether a value run on from its caption can be what a name field holds: each name of it (a list
    is written with 、) a person's name or a unit's (ending in 公司, 中心 …). Running text that starts
    with the caption's word (受托人在上述权限范围内签署的有关文件) is neither."""
    names = [n for n in re.split(r"[、，,;；\s]+", value) if n]
    return bool(names) and all(_PERSON.match(n) or ORGANISATION.search(n) for n in names)


CAPTION_MIN = 3  # a caption this long inside a value is no chance spelling


def _next_caption(row: Row, value: list[Char], stop: set[str]) -> bool:
    """Whether a name read right of its caption is the next header cell of a table (认缴出资额（万元）
    beside 股东姓名或名称): the cell it starts is caption-like (short words, a unit in brackets at most),
    no person's or unit's name, and holds a known caption."""
    if value[0] not in row.chars:
        return False
    start = row.chars.index(value[0])
    text = text_of([c for c in row.chars[start:] if c.segment == value[0].segment])
    caption = _UNIT.sub("", folded(text))
    return (
        not plausible_names(text)
        and cells.label_like(caption)
        and any(len(c) >= CAPTION_MIN and c in caption for c in stop)
    )


_UNIT = re.compile(r"\([^()]*\)$")  # a caption's unit: 认缴出资额（万元）


def _runs_on(row: Row, end: int) -> bool:
    """Whether the caption ending at `end` runs on, with no colon or gap, into words of its segment that
    look like another caption (受托人身份证号码 is a caption of its own, not 受托人 left blank)."""
    rest = [c for c in row.chars[end:] if c.segment == row.chars[end - 1].segment]
    return (
        len(rest) >= 2
        and rest[0] is row.chars[end]
        and rest[0].ch not in cells.SEPARATORS + cells.OPEN
        and cells.label_like(text_of(rest))
    )


def in_title(row: Row, value: list[Char], page: Page) -> bool:
    """Whether a value glued to its caption lies inside a title-like line: its run of text goes on past
    the value and stands centred on the page's text (a form's title names its parties: 指定代表或者共同
    委托代理人授权委托书), where a caption and its value start a line at the left."""
    seg = [c for c in row.chars if c.segment == value[-1].segment]
    if not seg or seg[-1] is value[-1] or not page.lines:
        return False
    left = min(ln.box.x0 for ln in page.lines)
    right = max(ln.box.x1 for ln in page.lines)
    width = right - left
    middle = (seg[0].box.x0 + seg[-1].box.x1) / 2
    return abs(middle - (left + right) / 2) < 0.06 * width and seg[0].box.x0 > left + 0.1 * width


def _judge(
    reading: FieldReading, page: Page, row: Row, pos: int, *, min_score: float, has_ink: InkProbe | None
) -> FieldReading:
    if reading.status is FieldStatus.OK:
        if reading.score < min_score or "\ufffd" in reading.value:
            return reading.model_copy(update={"status": FieldStatus.UNREADABLE})
        return reading
    if reading.label_box is None:
        return reading
    lb = reading.label_box
    right = min(
        (c.box.x0 for c in row.chars if c.box.x0 > lb.x1 + 1 and abs(c.box.cy - lb.cy) < lb.height),
        default=page.width,
    )
    zone = Box(x0=lb.x1 + 0.3 * lb.height, y0=lb.y0, x1=min(right, lb.x1 + 12 * lb.height), y1=lb.y1)
    if zone.width <= lb.height:
        return reading
    if has_ink is not None and inked(pos, zone, has_ink):
        return reading.model_copy(update={"status": FieldStatus.UNREADABLE, "box": zone})
    return reading.model_copy(update={"box": zone})


def inked(pos: int, zone: Box, has_ink: InkProbe) -> bool:
    """Ink anywhere in the zone, looked for a few characters' width at a time: a short name OCR missed
    fills too little of a wide blank cell to count as ink in it."""
    step = 3 * zone.height
    x = zone.x0
    while x < zone.x1:
        if has_ink(pos, Box(x0=x, y0=zone.y0, x1=min(zone.x1, x + step), y1=zone.y1)):
            return True
        x += step
    return False


def find_field(
    pages: Sequence[Page],
    labels: Sequence[str],
    *,
    stop: Iterable[str] = (),
    min_score: float = 0.6,
    has_ink: InkProbe | None = None,
    multiline: bool = False,
    kind: str = "text",
    block: str = "",
    blocks: Sequence[str] = (),
) -> FieldReading:
    """The best occurrence of the field: the first one read, else the first unreadable, else empty, else
    absent.
    A value of the field's `kind` beats one that cannot be (第二条 租赁期限 heading a paragraph, not a
    period); a name or list read at a plain caption beats one read at a place to sign or stamp
    (委托人（盖章）：…); and a value set apart from its label (a colon, its own cell) beats one glued to
    it, which may be a heading that merely starts with the label. With `block`, one of the form's
    `blocks` that repeat the label (建设单位 and 编制单位 each with a 统一社会信用代码), only that
    block's occurrences count (`prereview.extract.blocks`)."""
    found = find_fields(
        pages, labels, stop=stop, min_score=min_score, has_ink=has_ink, multiline=multiline, kind=kind
    )
    if block:
        found = _in_block(found, pages, block, blocks)
    if not found:
        return FieldReading(status=FieldStatus.ABSENT)
    return min(
        found,
        key=lambda f: (
            _RANK[f.status],
            not kinds.fits_text(f.value, kind),
            kind in ("name", "list") and _SIGNING.search(f.label) is not None,
            f.glued,
        ),
    )


# a caption marked as the place to sign or stamp (委托人（盖章）：): what follows it is the one who signs
# there — a list of names is read from the caption that lists them, wherever both are printed
_SIGNING = re.compile(r"[（(](签字|签名|签章|盖章|签字或盖章|签字、盖章)[)）]")


def _in_block(
    found: list[FieldReading], pages: Sequence[Page], block: str, blocks: Sequence[str]
) -> list[FieldReading]:
    """The occurrences that are `block`'s: those under its heading, else those under no heading."""
    owners = [
        block_of(pages[f.page], f.label_box, blocks) if f.page is not None and f.label_box else None
        for f in found
    ]
    own = [f for f, owner in zip(found, owners, strict=True) if owner == block]
    return own or [f for f, owner in zip(found, owners, strict=True) if owner is None]
