"""Where a label's value sits: the row and cell geometry behind `prereview.extract.fields`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.text import halfwidth
from prereview.documents import Box
from prereview.extract.kinds import NUMBER_KINDS, NUMBER_LENGTH, is_alnum
from prereview.extract.layout import Char, Row, folded, text_of, union

OPEN = "(（[【"
CLOSE = ")）]】"
SEPARATORS = ":：;；,，、|丨"
MARKS = "□☐☑■√✓"
_DATEISH = re.compile(r"^[0-9OolI年月日号.\-/至~—–起止长期]+$")


def is_label(text: str, stop: set[str]) -> bool:
    text = folded(text)
    return bool(text) and (
        text[-1] in ":" or text in stop or starts_with_label(text, stop) or misread_caption(text, stop)
    )


MISREAD_MIN = 4  # captions this long or longer are still known with one character misread


def misread_caption(text: str, stop: set[str]) -> bool:
    """A known caption OCR read with one character wrong (注册货本, 经营范图): caption-like words of the
    caption's length that differ from it in one place. Shorter captions are left alone: a two- or
    three-character name is one character away from too many of them."""
    if len(text) < MISREAD_MIN or not label_like(text):
        return False
    return any(len(s) == len(text) and sum(a != b for a, b in zip(s, text, strict=True)) == 1 for s in stop)


def starts_with_label(text: str, stop: set[str]) -> bool:
    text = folded(text)
    return any(text.startswith(s) and len(text) > len(s) and text[len(s)] == ":" for s in stop)


def label_like(text: str) -> bool:
    """Short CJK words without digits: what a form's captions look like (a code or a date never does)."""
    return len(text) <= 8 and not re.search(r"[0-9A-Za-z]", text)


# the number of a chapter, article or section heading: 第四章, 第十二条, 三、, 4.
_NUMBERING = re.compile(
    r"第[一二三四五六七八九十百零〇两\d]{1,4}[章条节部分]+|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、]"
)


def _phrase_start(chars: list[Char], i: int, stop: set[str]) -> bool:
    if i == 0 or chars[i - 1].segment != chars[i].segment:
        return True
    if halfwidth(chars[i - 1].ch) in SEPARATORS + CLOSE + OPEN + MARKS:
        return True
    # OCR glues short label-value pairs: 性别女民族汉 holds 民族 after the value of 性别
    k = i
    while k > 0 and chars[k - 1].segment == chars[i].segment:
        k -= 1
    before = folded(text_of(chars[k:i]))
    if _NUMBERING.fullmatch(before):
        return True  # a heading's number OCR glued to its caption: 第四章股东的姓名或者名称
    # ... unless a longer caption starts there and runs into the label: 法定代表人身份证件号码 is one
    # caption, not 法定代表人 with the value 身份 and then 证件号码
    segment = folded(text_of([c for c in chars[k:] if c.segment == chars[i].segment]))
    if any(len(s) > len(before) and segment.startswith(s) for s in stop):
        return False
    return any(before.startswith(s) and 1 <= len(before) - len(s) <= 2 for s in stop)


def label_hits(row: Row, labels: Iterable[str], stop: set[str]) -> list[tuple[int, int]]:
    """(start, end) char spans of the labels in `row`, longest label first, non-overlapping."""
    text = folded(row.text)
    taken: list[tuple[int, int]] = []
    for label in sorted({folded(lb) for lb in labels}, key=len, reverse=True):
        for m in re.finditer(re.escape(label), text):
            s, e = m.start(), m.end()
            if _bracketed(text, s, e):
                continue  # 选举王志华为公司董事（执行董事）: a note in a sentence, no caption
            if _phrase_start(row.chars, s, stop) and not any(s < te and ts < e for ts, te in taken):
                taken.append((s, e))
    return sorted(taken)


def _bracketed(text: str, s: int, e: int) -> bool:
    return s > 0 and e < len(text) and text[s - 1] in OPEN and text[e] in CLOSE


def skip_decoration(chars: list[Char], i: int) -> int:
    """Past a bracketed note (（签字）, (盖章)) and separators right after a label."""
    if i < len(chars) and chars[i].ch in OPEN:
        close = next((k for k in range(i, min(i + 12, len(chars))) if chars[k].ch in CLOSE), None)
        if close is not None:
            i = close + 1
    while i < len(chars) and halfwidth(chars[i].ch) in SEPARATORS:
        i += 1
    return i


def label_end(chars: list[Char], end: int, start: int) -> int:
    """The label's end including its bracketed note, but not the colon: the label as printed."""
    k = start
    while k > end and halfwidth(chars[k - 1].ch) in SEPARATORS:
        k -= 1
    return k


def _cut_glued_label(value: list[Char], stop: set[str]) -> list[Char]:
    """女民族汉 -> 女: a short value the OCR glued to the next label and its value."""
    text = folded(text_of(value))
    for s in stop:
        at = text.find(s, 1)
        if 1 <= at <= 2 and len(s) >= 2:
            return value[:at]
    return value


def row_value(row: Row, start: int, stop: set[str], *, kind: str = "text") -> list[Char]:
    """The value right of a label: its first segment, plus any further pieces of a spaced date or number
    (a 统一社会信用代码 OCR split into groups: pieces of its alphabet until it has its 18 characters)."""
    if start >= len(row.chars):
        return []
    first = row.chars[start].segment
    value: list[Char] = []
    index = {id(c): k for k, c in enumerate(row.chars)}
    segs = row.segments()
    for k, seg in enumerate(segs):
        if seg[0].segment < first:
            continue
        seg = [c for c in seg if c.segment > first or index[id(c)] >= start]
        text = text_of(seg)
        if is_label(text, stop):
            break
        if not value and k + 1 < len(segs) and _captions_next(text, text_of(segs[k + 1]), stop):
            break
        if not value:
            value = _cut_glued_label(seg, stop)
            if len(value) < len(seg):
                break
        elif _DATEISH.match(text) and _DATEISH.match(text_of(value)):
            value = value + seg  # 1995 年 1 月 21 日: a date printed with spaces
        elif (
            kind in NUMBER_KINDS
            and is_alnum(text_of(value) + text)
            and len(value) + len(seg) <= NUMBER_LENGTH
        ):
            value = value + seg
        else:
            break
    return value


def _captions_next(text: str, after: str, stop: set[str]) -> bool:
    """Whether `text`, right of a caption, is rather the caption of the value after it: caption-like
    words ending in a known caption (经营场所面积 | 78平方米), followed by a value, not by a caption (a
    unit named 安和市地名单位 stands before 住所, not before a value)."""
    text = folded(text)
    return (
        label_like(text)
        and any(len(s) >= 2 and len(text) > len(s) and text.endswith(s) for s in stop)
        and not is_label(after, stop)
    )


def continuation(
    rows: list[Row],
    r: int,
    value: list[Char],
    stop: set[str],
    *,
    most: int | None = None,
    label: Box | None = None,
) -> list[Char]:
    """Lines wrapped under a value (an address, a business scope) that start where the value starts,
    `most` lines at most; not a line beside which the next caption under the `label` starts (the top
    line of the next cell, its caption centred on its lines)."""
    x0, height = value[0].box.x0, value[0].box.height
    bottom = rows[r].bottom
    extra: list[Char] = []
    end = len(rows) if most is None else min(len(rows), r + 1 + most)
    for k in range(r + 1, end):
        below = rows[k]
        if below.top - bottom > 0.9 * height:
            break
        segs = below.segments()
        seg = next((s for s in segs if abs(s[0].box.x0 - x0) < 1.5 * height), None)
        if seg is None or is_label(text_of(seg), stop):
            break
        if any(s[0].box.x0 < x0 - height for s in segs):
            break  # the label column has text again: the table's next row, not a wrapped value
        if label is not None and k + 1 < len(rows) and _caption_beside(rows[k + 1], label, below.bottom):
            break  # the first line of the next row's cell, whose caption starts beside it
        extra.extend(seg)
        bottom = below.bottom
    return extra


def wrapped_lines(rows: list[Row], value: list[Char], stop: set[str], *, label: Box) -> list[Char]:
    """The lines a value wraps onto (a list of shareholders in one sentence), under its caption or under
    itself: while a line runs to the text's right edge, as a wrapped line does, the next line that starts
    within the caption's and the value's columns, close below, alone on its row and no caption. A line
    that ends short of the edge ended there: the text under it is something else."""
    right = max((c.box.x1 for row in rows for c in row.chars), default=0.0)
    r = next((k for k, row in enumerate(rows) if any(c is value[-1] for c in row.chars)), None)
    if r is None:
        return []
    extra: list[Char] = []
    last, h = value[-1], value[-1].box.height
    for below in rows[r + 1 :]:
        if last.box.x1 < right - WRAP_EMS * h or below.top - last.box.y1 > 0.9 * h:
            break
        segs = below.segments()
        seg, text = segs[0], text_of(segs[0])
        if len(segs) > 1:
            break  # a row of cells (行业类别 | 危险化学品经营单位), no line of running text
        if not label.x0 - 1.5 * h <= seg[0].box.x0 <= value[0].box.x0 + 1.5 * h:
            break
        if is_label(text, stop) or _CAPTION_COLON.match(halfwidth(text)) or _glued_caption(text, stop):
            break
        extra.extend(seg)
        last = seg[-1]
    return extra


WRAP_EMS = 2.0  # a wrapped line ends within this many characters of the text's right edge


def _caption_beside(row: Row, label: Box, bottom: float) -> bool:
    """Whether `row` has text in the label's column that starts above `bottom`."""
    return any(
        s[0].box.x0 < label.x1 and s[-1].box.x1 > label.x0 and s[0].box.y0 < bottom for s in row.segments()
    )


def wrapped_above(rows: list[Row], r: int, value: list[Char], label: Box, stop: set[str]) -> list[Char]:
    """The first line of a value wrapped over two lines of its cell, when the caption stands centred
    between them and so shares its row with the second line (编制单位 | 限公司, 安和市绿源环境科技有 above):
    the line just above, starting where the value starts, with nothing in the caption's column."""
    line = union([c.box for c in value])
    if r == 0 or not label.cy < line.cy - 0.2 * line.height:
        return []  # caption and value side by side: the value starts on the caption's row
    above = rows[r - 1]
    if line.y0 - above.bottom > 0.5 * line.height or above.bottom < label.y0:
        return []
    segs = above.segments()
    if any(s[0].box.x0 < line.x0 - line.height for s in segs):
        return []  # the line above has its own caption
    seg = next((s for s in segs if abs(s[0].box.x0 - line.x0) < 1.5 * line.height), None)
    return [] if seg is None or is_label(text_of(seg), stop) else seg


def looks_like_header(row: Row, stop: set[str]) -> bool:
    """A table's header row: three or more caption-like cells, two of them known captions; or only labels,
    none with a value after its colon (委托人：张三 | 受托人：李四 is two fields on one row)."""
    segs = [text_of(s) for s in row.segments()]
    known = sum(1 for s in segs if folded(s) in stop)
    captions = len(segs) >= 3 and all(label_like(s) for s in segs) and known >= 2 and not _pairs(segs, stop)
    return captions or (len(segs) >= 2 and all(is_label(s, stop) and not filled(s, stop) for s in segs))


def filled(text: str, stop: set[str]) -> bool:
    """Whether `text` is a known caption, its colon and a value after it (法定代表人：张三)."""
    text = folded(text)
    return starts_with_label(text, stop) and not text.endswith(":")


def _pairs(segs: list[str], stop: set[str]) -> bool:
    """法定代表人 | 郭成斌 | 主要负责人 | 郭成斌: a two-column form's row of caption-value pairs, not a header
    (every other cell a known caption, the ones between them not)."""
    known = [folded(s) in stop for s in segs]
    return all(k == (i % 2 == 0) for i, k in enumerate(known))


_CAPTION_COLON = re.compile(r"^[\u4e00-\u9fff（）()]{2,12}[:：]")


def below_value(
    rows: list[Row], r: int, label_box: Box, stop: set[str], *, header: bool, colon: bool
) -> list[Char]:
    """The cell under a label: a column header's first entry, or a value printed on the next line.
    Under a caption without a colon (a table cell), a line led by another caption and a colon is the
    next field, not this one's value."""
    row = rows[r]
    for below in rows[r + 1 :]:
        if below.top - row.bottom > 2.5 * row.height:
            break
        segs = below.segments()
        for k, seg in enumerate(segs):
            box = union([c.box for c in seg])
            overlap = min(box.x1, label_box.x1) - max(box.x0, label_box.x0)
            if overlap <= 0.3 * min(box.width, label_box.width) and not (colon and _indented(box, label_box)):
                continue
            text = text_of(seg)
            # in a label column the cell below is the next row's caption, with its own value to the right
            aligned = abs(box.x0 - label_box.x0) < 0.6 * row.height
            next_caption = not header and aligned and k + 1 < len(segs) and label_like(text)
            next_field = not header and (
                (not colon and _CAPTION_COLON.match(halfwidth(text)) is not None)
                or (aligned and _glued_caption(text, stop))
            )
            return [] if next_caption or next_field or is_label(text, stop) else list(seg)
    return []


def _glued_caption(text: str, stop: set[str]) -> bool:
    """Whether `text` starts with a known caption of three or more characters and runs on into its value
    with the colon lost (联系电话19419494869): in the caption column, the next field."""
    text = folded(text)
    return any(len(s) >= CAPTION_MIN and len(text) > len(s) and text.startswith(s) for s in stop)


CAPTION_MIN = 3  # shorter captions (名称, 单位) start too many values


def _indented(box: Box, label: Box) -> bool:
    """Whether a line starts under a short caption and its colon, indented a little past the caption's
    end (名称： over 安和市…有限公司 one indent in): a value under its caption, not another column's cell."""
    return label.x0 <= box.x0 <= label.x1 + INDENT_EMS * label.height


INDENT_EMS = 1.5  # a value indented under its caption starts within this many characters past the caption


def _common_prefix(a: str, b: str) -> int:
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    return k


def split_label_hits(rows: list[Row], label: str) -> list[tuple[int, list[Char], list[Char]]]:
    """A label wrapped over two lines of a table cell (法定代表人身份证 / 件号码): (row of its first part,
    first part chars, second part chars). The second line may fall in the same row when the cell's
    neighbours straddle both lines, and OCR may have glued the value to the first part."""
    label = folded(label)
    out = []
    for r, row in enumerate(rows):
        for seg in row.segments():
            k = _common_prefix(folded(text_of(seg)), label)
            if k < 2 or k == len(label):
                continue
            rest, top, h = label[k:], seg[0].box.y0, seg[0].box.height
            tails = [
                s
                for below in rows[r : r + 3]
                for s in below.segments()
                if folded(text_of(s)).startswith(rest)
                and top + 0.4 * h < s[0].box.y0 < top + 2.5 * h
                and abs(s[0].box.x0 - seg[0].box.x0) < 1.5 * h
            ]
            if tails:
                out.append((r, seg[:k], tails[0][: len(rest)]))
    return out


def straddling_value(rows: list[Row], r: int, label_box: Box, stop: set[str]) -> list[Char]:
    """A cell's value wrapped over two lines with the label centred between them (项目代码 |
    2505-361102-29-03-12847 / 1): the rows just above and below whose label column is empty, right of
    the label and left of the next caption on its row."""
    h = label_box.height
    limit = min(
        (
            s[0].box.x0
            for s in rows[r].segments()
            if s[0].box.x0 > label_box.x1 and is_label(text_of(s), stop)
        ),
        default=float("inf"),
    )
    value: list[Char] = []
    sides = set()
    for k, row in enumerate(rows):
        if k == r or row.top < label_box.y0 - 1.2 * h or row.bottom > label_box.y1 + 1.2 * h:
            continue
        if any(c.box.x1 <= label_box.x1 for c in row.chars):
            continue  # the row has its own caption: another field
        segs = [s for s in row.segments() if label_box.x1 < s[0].box.x0 < limit]
        if segs and not is_label(text_of(segs[0]), stop):
            value += segs[0]
            sides.add((row.top + row.bottom) / 2 > label_box.cy)
    return value if len(sides) == 2 else []  # lines above and below the label, or it is not this layout
