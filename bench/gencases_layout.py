"""Layout for bench/gencases.py: a Doc (one part of a material: a form, a letter, a card side, a report
section) becomes display-list pages (gencases_draw.Page) in one of several styles: fields in a grid or
without lines, label and value on one line or the value below its label, two fields a row, fields
shuffled, font and size varied. What the Doc says is fixed by the generator; only the look varies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from gencases_draw import Line, Page, Scribble, Stamp, Text

A4 = (210.0, 297.0)


@dataclass
class Doc:
    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # paragraphs before the fields
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading, text) after the fields
    table: list[list[str]] = field(default_factory=list)  # header row and rows, after the fields
    seals: list[str] = field(default_factory=list)  # seals a review point asks for (a defect removes them)
    fixed_seals: list[str] = field(default_factory=list)  # the issuer's seal printed on a certificate
    signs: list[str] = field(default_factory=list)  # signature labels, each with a scribble
    signed: bool = True
    seal_label: str = ""  # e.g. "申请人（盖章）："
    date: str = ""
    card: tuple[float, float] | None = None  # card size in mm (ID card, licence, certificate)
    subtitle: str = ""
    keep_order: bool = False  # the order carries meaning (tables of contents, multi-part forms)
    portrait: bool = False  # a photo box at the right (ID card 人像面)

    def __post_init__(self) -> None:
        # Own copies: builders pass one list of seals to several docs, and a defect that clears one
        # doc's seals must not clear the others' (it did: M1 lost its seal when M3's was removed).
        self.seals, self.fixed_seals, self.signs = list(self.seals), list(self.fixed_seals), list(self.signs)
        self.fields, self.body, self.sections = list(self.fields), list(self.body), list(self.sections)


@dataclass
class Style:
    font: int
    size: float  # body text size, mm
    mode: str  # grid | inline | below | twocol
    shuffle: bool
    margin: float
    leading: float
    tint: tuple[int, int, int]
    hand: bool = False  # values filled in by hand (gencases_vary, raster pages only)


def pick_style(rnd: random.Random, fonts: list[int], *, pdf: bool) -> Style:
    usable = [f for f in fonts if f < 4] if pdf else fonts
    return Style(
        font=rnd.choice(usable or [0]),
        size=rnd.uniform(3.4, 4.6),
        mode=rnd.choice(["grid", "inline", "below", "twocol"]),
        shuffle=rnd.random() < 0.5,
        margin=rnd.uniform(16, 26),
        leading=rnd.uniform(1.45, 2.0),
        tint=rnd.choice([(255, 255, 255), (252, 250, 244), (248, 248, 248)]),
    )


def ems(s: str) -> float:
    """Width in em: Latin letters and digits are about half a CJK character."""
    return sum(0.6 if ord(c) < 128 else 1.0 for c in s)


def _wrap(s: str, n: float) -> list[str]:
    """Lines of at most n em; a run of Latin letters and digits (a number, a code) is never split."""
    n = max(n, 4)
    lines, cur = [], ""
    for c in s:
        if ems(cur + c) > n and cur:
            k = len(cur)
            while c.isascii() and c.isalnum() and k > 0 and cur[k - 1].isascii() and cur[k - 1].isalnum():
                k -= 1
            k = k or len(cur)  # a run longer than the line is split after all
            lines.append(cur[:k])
            cur = cur[k:]
        cur += c
    return [*lines, cur] if cur or not lines else lines


class _Cursor:
    """Places lines down A4 pages, starting a new page when one is full."""

    def __init__(self, st: Style) -> None:
        self.st = st
        self.pages: list[Page] = []
        self.y = 0.0
        self._new()

    def _new(self) -> None:
        self.pages.append(Page(w=A4[0], h=A4[1], font=self.st.font, tint=self.st.tint))
        self.y = self.st.margin + 4

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def need(self, h: float) -> None:
        if self.y + h > A4[1] - self.st.margin:
            self._new()

    def text(self, x: float, s: str, size: float) -> None:
        self.need(size * self.st.leading)
        self.y += size * self.st.leading
        self.page.ops.append(Text(x, self.y, s, size))

    @property
    def width(self) -> float:
        return A4[0] - 2 * self.st.margin


def _put(cur: _Cursor, x: float, y: float, head: str, val: str, size: float) -> None:
    """A printed label and its handwritten value half an em after it, on the same line."""
    cur.page.ops.append(Text(x, y, head, size))
    if val:
        cur.page.ops.append(Text(x + (ems(head) + 0.5) * size, y, val, size, hand=True))


def _hand_line(cur: _Cursor, x0: float, head: str, val: str, size: float, per_line: int) -> None:
    """A label with its handwritten value, the value wrapped in the room left after the label."""
    chunks = _wrap(val, per_line - ems(head) - 3) if val else [""]  # room for the larger hand
    for k, chunk in enumerate(chunks):
        cur.need(size * cur.st.leading)
        cur.y += size * cur.st.leading
        if k == 0:
            _put(cur, x0, cur.y, head, chunk, size)
        else:
            cur.page.ops.append(Text(x0 + (ems(head) + 0.5) * size, cur.y, chunk, size, hand=True))


def _fields(cur: _Cursor, fields: list[tuple[str, str]], rnd: random.Random) -> None:
    st, x0, size = cur.st, cur.st.margin, cur.st.size
    per_line = int(cur.width / size)
    if st.mode == "twocol":
        half = cur.width / 2
        for i in range(0, len(fields), 2):
            pair = fields[i : i + 2]
            if any(ems(lab + val) + 3 > half / size for lab, val in pair):  # keep a gap between the columns
                for lab, val in pair:
                    if st.hand:
                        _hand_line(cur, x0, f"{lab}：", val, size, per_line)
                        continue
                    for k, chunk in enumerate(_wrap(f"{lab}：{val}", per_line)):
                        cur.text(x0 + (2 * size if k else 0), chunk, size)
                continue
            if st.hand:
                cur.need(size * st.leading)
                cur.y += size * st.leading
                for k, (lab, val) in enumerate(pair):
                    _put(cur, x0 + k * half, cur.y, f"{lab}：", val, size)
                continue
            cur.text(x0, f"{pair[0][0]}：{pair[0][1]}", size)
            if len(pair) > 1:
                cur.page.ops.append(Text(x0 + half, cur.y, f"{pair[1][0]}：{pair[1][1]}", size))
        return
    label_w = max(ems(lab) for lab, _ in fields) * size + 3 if fields else 0
    label_w = min(label_w, cur.width * 0.45)
    for lab, val in fields:
        if st.mode == "below":
            cur.text(x0, f"{lab}：", size)
            for chunk in _wrap(val, per_line - 2 - 2 * st.hand):
                cur.text(x0 + 2 * size, chunk, size)
                cur.page.ops[-1].hand = st.hand  # type: ignore[union-attr]
            continue
        if st.mode == "inline":
            sep = rnd.choice(["：", ": ", "  "])
            if st.hand:
                _hand_line(cur, x0, f"{lab}{sep}", val, size, per_line)
                continue
            for k, chunk in enumerate(_wrap(f"{lab}{sep}{val}", per_line)):
                cur.text(x0 + (2 * size if k else 0), chunk, size)
            continue
        # grid: a label cell and a value cell, ruled
        lab_lines = _wrap(lab, int((label_w - 3) / size))
        val_lines = _wrap(val, int((cur.width - label_w - 3) / size) - 2 * st.hand)
        rows = max(len(lab_lines), len(val_lines))
        h = rows * size * st.leading + size * 0.6
        cur.need(h)
        top = cur.y
        for k in range(rows):
            y = top + (k + 1) * size * st.leading
            if k < len(lab_lines):
                cur.page.ops.append(Text(x0 + 1.5, y, lab_lines[k], size))
            if k < len(val_lines):
                cur.page.ops.append(Text(x0 + label_w + 1.5, y, val_lines[k], size, hand=st.hand))
        bottom = top + h
        x1 = x0 + cur.width
        ops = cur.page.ops
        ops += [Line(x0, top + 1, x1, top + 1), Line(x0, bottom, x1, bottom), Line(x0, top + 1, x0, bottom)]
        ops += [Line(x0 + label_w, top + 1, x0 + label_w, bottom), Line(x1, top + 1, x1, bottom)]
        cur.y = bottom


def _table(cur: _Cursor, rows: list[list[str]], *, ruled: bool) -> None:
    """A table with a header row; columns as wide as their longest cell, the font shrunk to fit."""
    widths = [max(ems(row[k]) for row in rows) + 1 for k in range(len(rows[0]))]
    size = min(cur.st.size, cur.width / sum(widths))
    x0 = cur.st.margin
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w * size)
    cur.y += size
    for row in rows:
        h = size * cur.st.leading
        cur.need(h)
        top = cur.y
        for k, cell in enumerate(row):
            cur.page.ops.append(Text(xs[k] + size * 0.4, top + h - size * 0.35, cell, size))
        if ruled:
            cur.page.ops += [Line(x0, top, xs[-1], top), Line(x0, top + h, xs[-1], top + h)]
            cur.page.ops += [Line(x, top, x, top + h) for x in xs]
        cur.y = top + h


def _end_block(cur: _Cursor, doc: Doc, rnd: random.Random) -> None:
    size = cur.st.size
    x = cur.st.margin + cur.width * rnd.uniform(0.35, 0.5)
    names = doc.seals + doc.fixed_seals
    lines = [*doc.signs, doc.seal_label + (names[0] if names else ""), doc.date]
    x = max(cur.st.margin, min(x, A4[0] - 8 - max(ems(t) for t in lines) * size - 30 * bool(doc.signs)))
    cur.need(size * 10 + 20)
    cur.y += size * 2
    for label in doc.signs:
        cur.text(x, label, size)
        if doc.signed:
            cur.page.ops.append(
                Scribble(x + len(label) * size + 1, cur.y - size * 1.6, 26, size * 2.2, rnd.randint(0, 99999))
            )
        cur.y += size * 0.8
    if doc.seal_label:
        cur.text(x, doc.seal_label + (names[0] if names else ""), size)
    seal_y = cur.y - size * 0.4  # seals are stamped over the unit's name and the date
    if doc.date:
        cur.text(x, doc.date, size)
    for k, name in enumerate(names):
        r = rnd.uniform(19, 22)
        cy = seal_y + rnd.uniform(-3, 4) - k * 4
        cx = min(x + 25 + k * 35 + rnd.uniform(-5, 15), A4[0] - r - 4)
        cur.page.ops.append(Stamp(cx, cy, r, name, rnd.randint(0, 99999), faint=rnd.random() < 0.25))


def layout_a4(doc: Doc, st: Style, rnd: random.Random) -> list[Page]:
    cur = _Cursor(st)
    title = st.size * rnd.uniform(1.45, 1.8)
    cur.text((A4[0] - ems(doc.title) * title) / 2, doc.title, title)
    if doc.subtitle:
        cur.text((A4[0] - ems(doc.subtitle) * st.size) / 2, doc.subtitle, st.size)
    cur.y += st.size
    per_line = int(cur.width / st.size)
    for para in doc.body:
        for chunk in _wrap("\u3000\u3000" + para, per_line):
            cur.text(st.margin, chunk, st.size)
    fields = list(doc.fields)
    if st.shuffle and not doc.keep_order:
        rnd.shuffle(fields)
    if fields:
        cur.y += st.size * 0.5
        _fields(cur, fields, rnd)
    if doc.table:
        _table(cur, doc.table, ruled=st.mode != "inline")
    for head, text in doc.sections:
        cur.y += st.size * 0.6
        cur.text(st.margin, head, st.size * 1.1)
        for chunk in _wrap("\u3000\u3000" + text, per_line):
            cur.text(st.margin, chunk, st.size)
    _end_block(cur, doc, rnd)
    return cur.pages


def layout_card(doc: Doc, st: Style, rnd: random.Random) -> Page:
    """A card or certificate: small page, compact fields, the issuer's seal at the bottom right."""
    assert doc.card is not None
    w, h = doc.card
    tint = rnd.choice([(236, 242, 247), (246, 241, 228), (240, 246, 238), (250, 250, 250)])
    page = Page(w=w, h=h, font=st.font, tint=tint)
    fields = list(doc.fields)
    if st.shuffle and not doc.keep_order and rnd.random() < 0.3:
        rnd.shuffle(fields)
    size = min(min(w, h) / 17, 4.6)
    # Beside the photo box lines are short; the last line (the ID number) runs below it, full width.
    full = len(fields) - 1 if doc.portrait else -1
    for _ in range(3):  # shrink until every line fits on the card
        tsize = min(size * 1.35, (w - 6) / max(ems(doc.title), 1))
        top = tsize + 4 + size * 0.6 + (size * 1.5 if doc.subtitle else 0)
        lab_w = max((ems(lab) for lab, _ in fields), default=0) * size + 2.5
        widths = [
            ((w * 0.64 if doc.portrait and i != full else w - 3) - lab_w - 3) / size
            for i in range(len(fields))
        ]
        n = sum(len(_wrap(v, widths[i])) for i, (_, v) in enumerate(fields)) + len(doc.body)
        if top + n * size * 1.5 <= h - 2:
            break
        size *= (h - 2 - top) / (n * size * 1.5) * 0.98
    page.ops.append(Text(max(2.0, (w - ems(doc.title) * tsize) / 2), tsize + 3, doc.title, tsize))
    y = tsize + 4 + size * 0.6
    if doc.subtitle:
        y += size * 1.5
        page.ops.append(Text(max(2.0, (w - ems(doc.subtitle) * size) / 2), y, doc.subtitle, size))
    for i, (lab, val) in enumerate(fields):
        if i == full:
            y = max(y, h * 0.7)  # below the photo box
        for k, chunk in enumerate(_wrap(val, widths[i])):
            y += size * 1.5
            if k == 0:
                page.ops.append(Text(3, y, lab, size))
            page.ops.append(Text(3 + lab_w, y, chunk, size))
    # the card's edge, which a photocopy shows even when the card is as pale as the paper
    page.ops += [Line(0.4, 0.4, w - 0.4, 0.4), Line(w - 0.4, 0.4, w - 0.4, h - 0.4)]
    page.ops += [Line(w - 0.4, h - 0.4, 0.4, h - 0.4), Line(0.4, h - 0.4, 0.4, 0.4)]
    for line in doc.body:
        y += size * 1.5
        page.ops.append(Text(3, y, line, size))
    if doc.portrait:  # the holder's photo: a framed box with a head-and-shoulders outline
        x0, y0, x1, y1 = w * 0.66, h * 0.12, w * 0.95, h * 0.7
        page.ops += [Line(x0, y0, x1, y0), Line(x1, y0, x1, y1), Line(x1, y1, x0, y1), Line(x0, y1, x0, y0)]
        cx = (x0 + x1) / 2
        page.ops += [
            Line(cx - 4, y0 + 6, cx + 4, y0 + 6),
            Line(cx - 4, y0 + 14, cx + 4, y0 + 14),
            Line(cx - 4, y0 + 6, cx - 4, y0 + 14),
            Line(cx + 4, y0 + 6, cx + 4, y0 + 14),
            Line(x0 + 3, y1, cx - 4, y0 + 17),
            Line(cx + 4, y0 + 17, x1 - 3, y1),
        ]
    for k, name in enumerate(doc.fixed_seals + doc.seals):
        r = min(w, h) * 0.17
        page.ops.append(Stamp(w - r - 3 - k * r * 1.6, h - r - 3, r, name, rnd.randint(0, 99999)))
    if doc.signs and doc.signed:
        page.ops.append(Scribble(w * 0.1, h - size * 4, w * 0.3, size * 2.5, rnd.randint(0, 99999)))
    return page
