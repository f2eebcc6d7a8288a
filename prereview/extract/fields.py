"""Field values by their printed labels, on pages of positioned text lines.

A label is looked up in each row's characters with whitespace removed (姓  名, a label OCR split into
two boxes, 公民身份号码 glued to its number all match) and only where a phrase starts, so 名称 does not
match inside 申请人名称. Its value is, in order of preference:

1. the rest of the label's own segment after brackets and a colon (标签：值, 法定代表人（签字）：值);
2. the next segment to the right on the same row (ID cards, two-column tables), unless that is a label;
3. the cell below, when the label heads a column of a table (a row of several short labels).

Status: `ok` - a value was read; `empty` - the label is there and nothing is written by it;
`unreadable` - something is there but not legibly (low OCR score, or ink the OCR could not read, when
the caller passes `has_ink`); `absent` - no page carries the label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum

from pydantic import BaseModel, Field

from prereview.documents import Box, Page, TextLine
from prereview.extract.layout import Char, Row, build_rows, union
from prereview.extract.normalize import to_halfwidth

# Labels common on the materials' forms: a value never runs into one of them
COMMON_LABELS = (
    "姓名 性别 民族 出生 住址 公民身份号码 签发机关 有效期限 名称 类型 住所 法定代表人 负责人 经营者 注册资本 "
    "成立日期 营业期限 经营范围 登记机关 统一社会信用代码 联系电话 联系人 电话 邮政编码 通信地址 经办人 委托人 受托人 "
    "身份证号码 委托事项 委托期限 委托权限 日期 签署日期 项目名称 项目代码 建设单位 编制单位 编制日期 证号 国籍 准驾车型 "
    "初次领证日期 档案编号 号牌号码 车辆类型 所有人 使用性质 品牌型号 注册日期 发证日期 总质量 序号 备注 状态 用途 面积 坐落 "
    "权利人 出租方 承租方 租赁期限 职务 单位 地址"
).split()

_OPEN = "(（[【"
_CLOSE = ")）]】"
_SEPARATORS = ":：;；,，、|丨"
_DATEISH = re.compile(r"^[0-9OolI年月日号.\-/至~—–起止长期]+$")


class FieldStatus(StrEnum):
    OK = "ok"
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    ABSENT = "absent"


class FieldReading(BaseModel):
    status: FieldStatus
    label: str = ""  # the label as printed (synonym matched, brackets included)
    value: str = ""
    page: int | None = None  # position in the sequence of pages searched
    box: Box | None = None  # of the value
    label_box: Box | None = None
    lines: list[TextLine] = Field(default_factory=list)  # the raw lines of label and value
    score: float = 0.0  # the lowest recogniser score among the value's characters

    @property
    def ok(self) -> bool:
        return self.status is FieldStatus.OK


InkProbe = Callable[[int, Box], bool]  # (page position, box in page coordinates) -> ink there?


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(text))


def _phrase_start(chars: list[Char], i: int) -> bool:
    if i == 0 or chars[i - 1].segment != chars[i].segment:
        return True
    return to_halfwidth(chars[i - 1].ch) in _SEPARATORS + _CLOSE + _OPEN + "□☐☑■√✓"


def _label_hits(row: Row, labels: Sequence[str]) -> Iterable[tuple[str, int, int]]:
    """(label, start, end) char spans of the labels in `row`, longest label first, non-overlapping."""
    text = _compact(row.text)
    taken: list[tuple[int, int]] = []
    for label in sorted({_compact(lb) for lb in labels}, key=len, reverse=True):
        for m in re.finditer(re.escape(label), text):
            s, e = m.start(), m.end()
            if not _phrase_start(row.chars, s) or any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            yield label, s, e


def _skip_decoration(chars: list[Char], i: int) -> int:
    """Past a bracketed note (（签字）, (盖章)) and separators right after a label."""
    if i < len(chars) and chars[i].ch in _OPEN:
        close = next((k for k in range(i, min(i + 12, len(chars))) if chars[k].ch in _CLOSE), None)
        if close is not None:
            i = close + 1
    while i < len(chars) and to_halfwidth(chars[i].ch) in _SEPARATORS:
        i += 1
    return i


def _label_end(chars: list[Char], end: int, start: int) -> int:
    """The label's end including its bracketed note, but not the colon: the label as printed."""
    k = start
    while k > end and to_halfwidth(chars[k - 1].ch) in _SEPARATORS:
        k -= 1
    return k


def _is_label(text: str, stop: set[str]) -> bool:
    text = _compact(text)
    return bool(text) and (text[-1] in ":：" or text in stop or any(text.startswith(s + ":") for s in stop))


def _starts_with_label(text: str, stop: set[str]) -> bool:
    text = _compact(text)
    return any(text.startswith(s) and len(text) > len(s) and text[len(s)] in ":：" for s in stop)


def _row_value(row: Row, start: int, stop: set[str]) -> list[Char]:
    """The value right of a label: its first segment, plus any further pieces of a spaced date or number."""
    if start >= len(row.chars):
        return []
    first = row.chars[start].segment
    value: list[Char] = []
    for seg in row.segments():
        if seg[0].segment < first:
            continue
        seg = [c for c in seg if c.segment > first or row.chars.index(c) >= start]
        text = "".join(c.ch for c in seg)
        if _is_label(text, stop) or _starts_with_label(text, stop):
            break
        if not value:
            value = seg
        elif _DATEISH.match(text) and _DATEISH.match("".join(c.ch for c in value)):
            value = value + seg  # 1995 年 1 月 21 日: a date printed with spaces
        else:
            break
    return value


def _continuation(rows: list[Row], r: int, value: list[Char], stop: set[str]) -> list[Char]:
    """Lines wrapped under a value (an address, a business scope) that start where the value starts."""
    x0, height = value[0].box.x0, value[0].box.height
    bottom = rows[r].bottom
    extra: list[Char] = []
    for below in rows[r + 1 :]:
        if below.top - bottom > 0.9 * height:
            break
        seg = next((s for s in below.segments() if abs(s[0].box.x0 - x0) < 1.5 * height), None)
        text = "".join(c.ch for c in seg) if seg else ""
        if seg is None or _is_label(text, stop) or _starts_with_label(text, stop):
            break
        extra.extend(seg)
        bottom = below.bottom
    return extra


def _looks_like_header(row: Row, stop: set[str]) -> bool:
    segs = ["".join(c.ch for c in s) for s in row.segments()]
    short = [s for s in segs if len(s) <= 8 and not re.search(r"\d", s)]
    return len(segs) >= 3 and len(short) == len(segs) or (len(segs) >= 2 and all(_is_label(s, stop) for s in segs))


def _below_value(rows: list[Row], r: int, label_box: Box, stop: set[str], *, header: bool) -> list[Char]:
    """The cell under a label: a column header's first entry, or a value printed on the next line."""
    row = rows[r]
    for below in rows[r + 1 :]:
        if below.top - row.bottom > 2.5 * row.height:
            break
        segs = below.segments()
        for k, seg in enumerate(segs):
            box = union([c.box for c in seg])
            overlap = min(box.x1, label_box.x1) - max(box.x0, label_box.x0)
            if overlap <= 0.3 * min(box.width, label_box.width):
                continue
            text = "".join(c.ch for c in seg)
            # in a label column the cell below is the next row's label, with its own value to the right
            next_label = not header and abs(box.x0 - label_box.x0) < 0.6 * row.height and k + 1 < len(segs)
            if next_label or _is_label(text, stop) or _starts_with_label(text, stop):
                return []
            return list(seg)
    return []


def _reading(
    page_pos: int, lines: Sequence[TextLine], rows: list[Row], r: int, span: tuple[int, int], value: list[Char]
) -> FieldReading:
    row = rows[r]
    label_chars = row.chars[span[0] : span[1]]
    used = {c.line for c in label_chars} | {c.line for c in value}
    text = "".join(c.ch for c in value)
    score = min((c.score for c in value), default=0.0)
    return FieldReading(
        status=FieldStatus.OK if value else FieldStatus.EMPTY,
        label="".join(c.ch for c in label_chars),
        value=text,
        page=page_pos,
        box=union([c.box for c in value]) if value else None,
        label_box=union([c.box for c in label_chars]),
        lines=[lines[i] for i in sorted(used)],
        score=score,
    )


def find_fields(
    pages: Sequence[Page],
    labels: Sequence[str],
    *,
    stop: Iterable[str] = (),
    min_score: float = 0.6,
    has_ink: InkProbe | None = None,
    multiline: bool = False,
) -> list[FieldReading]:
    """Every occurrence of any of `labels` (synonyms) on `pages`, with its value; [] when none occurs.

    `stop` adds labels a value must not run into (the form's other labels; COMMON_LABELS always apply).
    `multiline` appends lines wrapped under the value (addresses, business scope).
    """
    stop_set = {_compact(s) for s in (*COMMON_LABELS, *stop, *labels)}
    out = []
    for pos, page in enumerate(pages):
        rows = build_rows(page.lines)
        for r, row in enumerate(rows):
            for _label, s, e in _label_hits(row, labels):
                start = _skip_decoration(row.chars, e)
                label_end = _label_end(row.chars, e, start)
                label_box = union([c.box for c in row.chars[s:label_end]])
                header = _looks_like_header(row, stop_set)
                value = [] if header else _row_value(row, start, stop_set)
                if header or (not value and start > label_end and start >= len(row.chars)):
                    value = _below_value(rows, r, label_box, stop_set, header=header)
                elif value and multiline:
                    value = value + _continuation(rows, r, value, stop_set)
                reading = _reading(pos, page.lines, rows, r, (s, label_end), value)
                out.append(_judge(reading, page, row, pos, min_score=min_score, has_ink=has_ink))
    return out


def _judge(
    reading: FieldReading, page: Page, row: Row, pos: int, *, min_score: float, has_ink: InkProbe | None
) -> FieldReading:
    if reading.status is FieldStatus.OK:
        if reading.score < min_score or "\ufffd" in reading.value:
            return reading.model_copy(update={"status": FieldStatus.UNREADABLE})
        return reading
    if has_ink is not None and reading.label_box is not None:
        lb = reading.label_box
        right = min((c.box.x0 for c in row.chars if c.box.x0 > lb.x1 + 1), default=page.width)
        zone = Box(x0=lb.x1 + 0.3 * lb.height, y0=lb.y0, x1=min(right, lb.x1 + 12 * lb.height), y1=lb.y1)
        if zone.width > lb.height and has_ink(pos, zone):
            return reading.model_copy(update={"status": FieldStatus.UNREADABLE, "box": zone})
    return reading


_RANK = {FieldStatus.OK: 0, FieldStatus.UNREADABLE: 1, FieldStatus.EMPTY: 2, FieldStatus.ABSENT: 3}


def find_field(
    pages: Sequence[Page],
    labels: Sequence[str],
    *,
    stop: Iterable[str] = (),
    min_score: float = 0.6,
    has_ink: InkProbe | None = None,
    multiline: bool = False,
) -> FieldReading:
    """The best occurrence of the field: the first one read, else the first unreadable, else empty, else absent."""
    found = find_fields(pages, labels, stop=stop, min_score=min_score, has_ink=has_ink, multiline=multiline)
    if not found:
        return FieldReading(status=FieldStatus.ABSENT)
    return min(found, key=lambda f: _RANK[f.status])
