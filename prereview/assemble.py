"""Recognised pages → what the rules evaluate: per material, its sets, their fields, parts and marks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from prereview.documents import Box, Mark, Page, PageSource
from prereview.extract.fields import FieldReading, FieldStatus, InkProbe, find_field
from prereview.reader import load_page_image
from prereview.recognise import PageLabel, PageView, compact, parts_on, ticked_options
from prereview.table import read_column, read_table
from prereview.visual import ink_probe
from rules.casefacts import Evidence, FieldState, FieldValue, MaterialEvidence, MaterialSet, MaterialStatus
from rules.codes import Code
from rules.expr import Cmp, Expr, FieldRef
from rules.identity import normalize_name, normalize_number
from rules.spec import FieldSpec, Item, Material

MarkFinder = Callable[[Page, str], list[Mark]]  # (page, "seal" | "signature") -> marks found


class MarkDoubts(Protocol):
    """How sure the absence of marks on a page is (`prereview.pipeline.PageMarks`)."""

    def doubt(self, page: Page, kind: str) -> str:
        """Why no mark of `kind` on the page may be wrong, plain Chinese; "" when that is sure."""
        ...

    def places(self, page: Page) -> int:
        """The places to sign on the page (signing labels, copy certifications)."""
        ...


@dataclass
class Located:
    view: PageView
    label: PageLabel
    file_name: str


def assemble(
    item: Item,
    pages: Sequence[Located],
    *,
    unreadable_slots: dict[str, list[str]],
    wrong_slots: dict[str, list[str]],
    marks: MarkFinder,
    doubts: MarkDoubts | None = None,
) -> dict[str, MaterialEvidence]:
    """MaterialEvidence for every material found, or whose slot held an unreadable or wrong file.
    With `doubts`, a seal or signature judged absent on weak evidence says why (`MaterialSet.doubts`)."""
    out: dict[str, MaterialEvidence] = {}
    unclaimed = [p for p in pages if p.label.material is None]
    unsure = _Unsure(doubts=doubts, marks=marks, unclaimed=unclaimed) if doubts is not None else None
    for material in item.materials:
        own = [p for p in pages if p.label.material == material.id]
        if own:
            sets = _table_sets(material, own, marks=marks, unsure=unsure) if material.per else []
            sets = sets or [
                _one_set(material, group, marks=marks, unsure=unsure) for group in _sets(material, own)
            ]
            files = tuple(dict.fromkeys(p.file_name for p in own))
            out[material.id] = MaterialEvidence(status=MaterialStatus.PRESENT, sets=tuple(sets), files=files)
        elif material.id in unreadable_slots:
            out[material.id] = MaterialEvidence(
                status=MaterialStatus.UNREADABLE, files=tuple(unreadable_slots[material.id])
            )
        elif material.id in wrong_slots:
            out[material.id] = MaterialEvidence(
                status=MaterialStatus.WRONG, files=tuple(wrong_slots[material.id])
            )
    return out


def _sets(material: Material, pages: list[Located]) -> list[list[Located]]:
    """One set per person or vehicle for repeated materials (by 号码/号牌/姓名), else one set."""
    if not material.per:
        return [pages]
    keys = _key_fields(material)
    groups: dict[str, list[Located]] = {}
    last_key: dict[int, str] = {}
    loose: list[Located] = []
    for p in pages:
        key = _page_key(p.view, keys)
        if key is None and p.view.file in last_key:
            # the file's previous person, unless that set already has what this page shows: a second
            # 国徽面 after a card with both faces is another person's, placed below by what sets lack
            held = set().union(*(q.label.parts for q in groups[last_key[p.view.file]]))
            key = last_key[p.view.file] if not p.label.parts or p.label.parts - held else None
        if key is None:
            loose.append(p)
            continue
        last_key[p.view.file] = key
        groups.setdefault(key, []).append(p)
    if not groups:
        return [loose]
    for p in loose:  # a page without a key (an ID card's 国徽面 alone) completes a set that lacks its part
        lacking = [g for g in groups.values() if p.label.parts - set().union(*(q.label.parts for q in g))]
        (lacking or list(groups.values()))[0].append(p)
    return list(groups.values())


def _table_sets(
    material: Material, pages: list[Located], *, marks: MarkFinder, unsure: _Unsure | None
) -> list[MaterialSet]:
    """Repeated materials listed as a numbered table (staff, insured persons): one set per row."""
    columns = {name: spec.labels or (name,) for name, spec in material.fields.items() if not spec.options}
    out: list[MaterialSet] = []
    for p in pages:
        rows = read_table(p.view.page, columns)
        if not rows:
            continue
        whole = _one_set(material, [p], marks=marks, unsure=unsure)
        for row in rows:
            cells = {k: FieldValue(state=FieldState.OK if v else FieldState.EMPTY, value=v,
                                   evidence=Evidence(file=p.file_name, page=p.view.page.index, text=v))
                     for k, v in row.items()}  # fmt: skip
            label = next((v for k, v in row.items() if material.fields[k].type == "name" and v), "")
            out.append(whole.model_copy(update={"fields": {**whole.fields, **cells}, "label": label}))
    return out


def _key_fields(material: Material) -> list[tuple[str, FieldSpec]]:
    rank = {"id_number": 0, "plate": 1, "uscc": 2, "name": 3}
    keyed = [(n, s) for n, s in material.fields.items() if s.type in rank and not s.options]
    return sorted(keyed, key=lambda ns: rank[ns[1].type])


def _page_key(view: PageView, keys: list[tuple[str, FieldSpec]]) -> str | None:
    for name, spec in keys:
        reading = find_field([view.page], spec.labels or (name,), kind=spec.type)
        if reading.ok:
            value = reading.value
            return (
                normalize_number(value)
                if spec.type in ("id_number", "plate", "uscc")
                else normalize_name(value)
            )
    return None


def _one_set(
    material: Material, pages: list[Located], *, marks: MarkFinder, unsure: _Unsure | None = None
) -> MaterialSet:
    parts: set[str] = set()
    for p in pages:
        parts |= p.label.parts | parts_on(p.view, material)
    fields: dict[str, FieldValue] = {}
    for name, spec in material.fields.items():
        scope = [p for p in pages if not spec.part or spec.part in p.label.parts] or pages
        value = _read_field(name, spec, scope, material)
        if value is not None:
            fields[name] = value
    codes = {c.code for c in material.checks}
    sealed = signed = None
    mark_doubts: dict[str, str] = {}
    if Code.NOT_SEALED in codes and _parties_owe(material, fields, Code.NOT_SEALED):
        scope = _sealed_scope(material, pages)
        sealed = any(marks(p.view.page, "seal") for p in scope)
        if not sealed and unsure is not None:
            mark_doubts["sealed"] = unsure.why(scope, "seal")
    if Code.NOT_SIGNED in codes and _parties_owe(material, fields, Code.NOT_SIGNED):
        signed = any(marks(p.view.page, "signature") for p in pages)
        if not signed and unsure is not None:
            mark_doubts["signed"] = unsure.why(pages, "signature")
    evidence = tuple(
        Evidence(file=p.file_name, page=p.view.page.index, text=p.view.page.text[:200]) for p in pages
    )
    label = next((f.value for f in fields.values() if f.state is FieldState.OK), "") if material.per else ""
    return MaterialSet(label=label, fields=fields, parts=tuple(sorted(parts)) if material.parts else None,
                       sealed=sealed, signed=signed, evidence=evidence,
                       doubts={k: v for k, v in mark_doubts.items() if v})  # fmt: skip


@dataclass
class _Unsure:
    """Why a seal or signature judged absent may be there after all."""

    doubts: MarkDoubts
    marks: MarkFinder
    unclaimed: list[Located]  # pages no material was recognised on

    def why(self, pages: list[Located], kind: str) -> str:
        """What the set's pages showed (a pale ring, faint ink, blur, shadow); for signatures, that none
        of them has a place to sign; else that a page no material claimed carries such a mark (a
        signature page or a seal page of a document is often too bare to be recognised as its own)."""
        seen = [f"{_where(p)}：{why}" for p in pages if (why := self.doubts.doubt(p.view.page, kind))]
        if seen:
            return "；".join(seen[:2])
        if kind == "signature" and not any(self.doubts.places(p.view.page) for p in pages):
            return "材料上未找到签字栏（如“签字：”），无法确认是否已签字"
        what = "印章" if kind == "seal" else "签字"
        stray = next((p for p in self.unclaimed if self.marks(p.view.page, kind)), None)
        if stray is not None:
            return f"本材料上未见{what}，但案中 {_where(stray)} 有{what}，该页未能识别属于哪份材料，可能就是本材料的签章页"
        return ""


def _where(p: Located) -> str:
    return f"{p.file_name} 第{p.view.page.index + 1}页"


def _sealed_scope(material: Material, pages: list[Located]) -> list[Located]:
    """The pages a seal must be on: those of the part the seal check names (技术等级评定结论（检测报告）加盖
    检测机构检验检测专用章 — not the 行驶证 copy beside it, which has a seal of its own), else all but the
    documents the material must have attached (须附出租方产权证明): those carry their issuer's seal, and a
    lease is not sealed by the registry's seal on the title deed behind it."""
    named = {
        part
        for check in material.checks
        if check.code is Code.NOT_SEALED
        for part in material.parts
        if part in check.note or part in check.who
    }
    on = {id(p): p.label.parts | parts_on(p.view, material) for p in pages}
    scoped = [p for p in pages if named & on[id(p)]]
    if named and scoped:
        return scoped
    attached = {
        part
        for check in material.checks
        if check.code is Code.PAGES_MISSING and "附" in check.note
        for part in check.parts
    }
    own = [p for p in pages if not on[id(p)] or not on[id(p)] <= attached]
    return own or pages


_ORGANISATION = re.compile(
    r"(公司|集团|企业|厂|中心|合作社|事务所|研究院|研究所|学校|医院|局|委员会|协会|商行|店)$"
)


def _parties_owe(material: Material, fields: dict[str, FieldValue], code: Code) -> bool:
    """Whether the marks of `code` may be due, by who owes them. False when each check of `code` names
    its parties by kind — a natural person signs (自然人出租方), a unit seals (单位出租方) — and each party,
    as read, is of the other kind: a company lessor does not sign, a person lessor has no seal. Checks
    whose condition on the material's own fields does not hold are left out (a lease's seals when a
    场所使用证明 was submitted)."""
    kind = "自然人" if code is Code.NOT_SIGNED else "单位"
    for check in material.checks:
        if check.code is not code or not _may_hold(check.when, material, fields):
            continue
        if kind not in check.who:
            return True
        for who in re.split(r"[、，,]", check.who):
            party = who.removeprefix("全体").removeprefix(kind).removesuffix("公章")
            value = fields.get(party)
            if value is None or value.state is not FieldState.OK:
                return True
            if bool(_ORGANISATION.search(normalize_name(value.value))) is (code is Code.NOT_SEALED):
                return True
    return False


def _may_hold(when: Expr | None, material: Material, fields: dict[str, FieldValue]) -> bool:
    """False only for a condition on one of the material's own fields read with another value."""
    if not isinstance(when, Cmp) or when.op != "==" or not isinstance(when.ref, FieldRef):
        return True
    value = fields.get(when.ref.field) if when.ref.material == material.id else None
    return value is None or value.state is not FieldState.OK or value.value == when.value


def _read_field(name: str, spec: FieldSpec, pages: list[Located], material: Material) -> FieldValue | None:
    if spec.options:
        return _option(spec, pages)
    if spec.type == "list":
        listed = _column(name, spec, pages)
        if listed is not None:
            return listed
    stop = [*material.recognition.labels, *material.fields]
    reading = find_field([p.view.page for p in pages], spec.labels or (name,), stop=stop, has_ink=_ink_on(pages),
                         multiline=spec.type in ("text", "list"), kind=spec.type)  # fmt: skip
    if reading.status is FieldStatus.ABSENT:
        return None
    where = pages[reading.page] if reading.page is not None and reading.page < len(pages) else pages[0]
    evidence = _evidence(reading, where)
    if reading.status is FieldStatus.EMPTY:
        return FieldValue(state=FieldState.EMPTY, evidence=evidence)
    if reading.status is FieldStatus.UNREADABLE:
        return FieldValue(state=FieldState.UNREADABLE, value=reading.value, evidence=evidence)
    value = reading.value
    if spec.type == "name":
        value = value.rstrip("。.，,；;")  # a name inside a sentence (第二条 公司名称：××有限公司。)
    if spec.type == "checkbox":
        options = _option_lines(reading, where.view.page)
        ticked = ticked_options(options)
        value = "、".join(ticked) if ticked else ("" if "☐" in options or "□" in options else value)
        if not value:
            return FieldValue(state=FieldState.EMPTY, evidence=evidence)
    return FieldValue(state=FieldState.OK, value=value, evidence=evidence)


def _ink_on(pages: list[Located]) -> InkProbe:
    """Whether a blank-looking value zone of an OCR page holds ink the OCR found no text in (a blurred
    name): then the field is unreadable, not empty. Images are loaded only when a field is asked about."""
    images: dict[int, np.ndarray | None] = {}

    def has_ink(pos: int, box: Box) -> bool:
        page = pages[pos].view.page
        if page.source != PageSource.OCR or not page.image_path:
            return False
        if pos not in images:
            try:
                images[pos] = load_page_image(page)
            except FileNotFoundError:
                images[pos] = None
        return ink_probe([images[pos]])(0, box)

    return has_ink


_BOXES = "☐□☑☒■√✓✔▣"


def _option_lines(reading: FieldReading, page: Page) -> str:
    """A checkbox field's options: the whole lines of its label and value, and the option lines
    wrapped under them (□甲 □乙 ☑丙 / □丁 ☑戊), not only the value's first segment."""
    lines = list(reading.lines)
    if not lines:
        return reading.value
    x0 = min(ln.box.x0 for ln in lines)
    for ln in page.lines:  # the other option boxes on the label's row (☐报告书 | ☑报告表 | ☐登记表)
        overlap = min(ln.box.y1, lines[0].box.y1) - max(ln.box.y0, lines[0].box.y0)
        if ln not in lines and ln.box.x0 > x0 and overlap > 0.5 * min(ln.box.height, lines[0].box.height):
            lines.append(ln)
    bottom = max(ln.box.y1 for ln in lines)
    height = max(ln.box.height for ln in lines)
    for ln in sorted(page.lines, key=lambda ln: ln.box.y0):
        if ln in lines or ln.box.y0 < bottom - 0.3 * height:
            continue
        if ln.box.y0 - bottom > 0.9 * height or not any(g in ln.text for g in _BOXES):
            break
        lines.append(ln)
        bottom = ln.box.y1
    return " ".join(ln.text for ln in lines)


def _column(name: str, spec: FieldSpec, pages: list[Located]) -> FieldValue | None:
    """A list field printed as a table column (出资情况表's 股东名称): its entries joined with 、."""
    for p in pages:
        entries = read_column(p.view.page, spec.labels or (name,))
        if entries is None:
            continue
        value = "、".join(e for e in entries if e)
        evidence = Evidence(file=p.file_name, page=p.view.page.index, text=value[:200])
        return FieldValue(state=FieldState.OK if value else FieldState.EMPTY, value=value, evidence=evidence)
    return None


def _option(spec: FieldSpec, pages: list[Located]) -> FieldValue | None:
    text = "".join(p.view.page.text for p in pages)
    ticked = " ".join(ticked_options(text))
    for source in (ticked, "".join(p.view.top for p in pages), compact(text)):
        for option, words in spec.options.items():
            if any(compact(w) in compact(source) for w in words):
                return FieldValue(state=FieldState.OK, value=option)
    return None


def _evidence(reading: FieldReading, where: Located) -> Evidence:
    box = reading.box or reading.label_box
    text = " ".join(line.text for line in reading.lines) or reading.value
    return Evidence(file=where.file_name, page=where.view.page.index, text=text[:200],
                    box=(box.x0, box.y0, box.x1, box.y1) if box else None)  # fmt: skip
