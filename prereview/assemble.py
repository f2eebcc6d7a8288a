"""Recognised pages → what the rules evaluate: per material, its sets, their fields, parts and marks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np

from prereview.approx import distance
from prereview.checkbox import option_in_text, ticked_value
from prereview.columns import column_field, unglued
from prereview.documents import Box, PageSource
from prereview.extract.captions import COMMON_LABELS
from prereview.extract.fields import FieldReading, FieldStatus, InkProbe, find_field, inked
from prereview.extract.values import PROVINCES, parse_plate
from prereview.located import Located, MarkFinder
from prereview.persons import person_lists
from prereview.reader import load_page_image
from prereview.readings import SealCover, declared_values, settle
from prereview.recognise import parts_on
from prereview.records import count_doubt, read_records, split_listed
from prereview.reread import Reread
from prereview.roles import key_fields, page_key
from prereview.signoff import MarkDoubts, Unsure, sign_off
from prereview.table import read_column, read_table
from prereview.visual import ink_probe
from rules.casefacts import Evidence, FieldState, FieldValue, MaterialEvidence, MaterialSet, MaterialStatus
from rules.identity import normalize_number
from rules.spec import FieldSpec, Item, Material

__all__ = ["Located", "MarkDoubts", "MarkFinder", "assemble", "set_pages"]


def assemble(
    item: Item,
    pages: Sequence[Located],
    *,
    unreadable_slots: dict[str, list[str]],
    wrong_slots: dict[str, list[str]],
    marks: MarkFinder,
    reread: Reread | None = None,
    declared: Mapping[str, Any] | None = None,
    doubts: MarkDoubts | None = None,
    sealed: SealCover | None = None,
) -> dict[str, MaterialEvidence]:
    """MaterialEvidence for every material found, or whose slot held an unreadable or wrong file.
    `reread` reads doubtful values a second time; of two readings that disagree, one that is what
    was `declared` is taken (`prereview.readings.settle`). With `doubts`, a seal or signature judged
    absent on weak evidence says why (`MaterialSet.doubts`); with `sealed`, a name or number read under
    a seal is in doubt."""
    known = declared_values(declared or {})
    unsure = Unsure(doubts=doubts) if doubts is not None else None
    one = partial(_one_set, marks=marks, reread=reread, declared=known, unsure=unsure, sealed=sealed)
    out: dict[str, MaterialEvidence] = {}
    for material in item.materials:
        own = [p for p in pages if material.id in (p.label.material, *p.label.shared)]
        if own:
            sets = _table_sets(material, own, marks=marks, unsure=unsure) if material.per else []
            sets = sets or [one(material, group, joined=joined) for group, joined in _sets(material, own)]
            sets = split_listed(material, sets) if material.per else sets
            files = tuple(dict.fromkeys(p.file_name for p in own))
            apart = count_doubt(material, own, len(sets)) if material.per else ""
            out[material.id] = MaterialEvidence(
                status=MaterialStatus.PRESENT,
                sets=tuple(sets),
                files=files,
                count_doubt=apart,
                apart_doubt=apart,
            )
        elif material.id in unreadable_slots:
            out[material.id] = MaterialEvidence(
                status=MaterialStatus.UNREADABLE, files=tuple(unreadable_slots[material.id])
            )
        elif material.id in wrong_slots:
            out[material.id] = MaterialEvidence(
                status=MaterialStatus.WRONG, files=tuple(wrong_slots[material.id])
            )
    return out


def set_pages(material: Material, pages: list[Located]) -> list[list[Located]]:
    """The pages of each set `assemble` makes of a material's pages (the marks its checks will look for
    are on them: `prereview.pagemarks.owed_marks`)."""
    if material.per:
        columns = _table_columns(material)
        tables = [[p] for p in pages if _rows_on(p, material, columns)]
        if tables:
            return tables
    return [group for group, _ in _sets(material, pages)]


def _sets(material: Material, pages: list[Located]) -> list[tuple[list[Located], tuple[str, ...]]]:
    """One set per person or vehicle for repeated materials (by 号码/号牌/姓名), else one set; with each,
    the numbers read one character apart that were taken for the same person or vehicle."""
    if not material.per:
        return [(pages, ())]
    keys = key_fields(material)
    groups: dict[str, list[Located]] = {}
    last_key: dict[int, str] = {}
    loose: list[Located] = []
    for p in pages:
        key = page_key(p.view, keys)
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
        return [(loose, ())]
    joined = _join_misread(groups)
    for p in loose:  # a page without a key (an ID card's 国徽面 alone) completes a set that lacks its part
        lacking = [g for g in groups.values() if p.label.parts - set().union(*(q.label.parts for q in g))]
        (lacking or list(groups.values()))[0].append(p)
    return [(group, joined.get(key, ())) for key, group in groups.items()]


def _join_misread(groups: dict[str, list[Located]]) -> dict[str, tuple[str, ...]]:
    """Two sets whose numbers differ by one character, one of them read by OCR, are one person's or
    vehicle's read once wrong, joined into the set with more pages: when their pages hold different
    parts (a report's 号牌号码 misread, the licence beside it), or when one number is the other without
    its province character and no other number is (赣 blurred to a blot: QC3838 for 赣QC3838). Returns,
    per joined set, the numbers it was joined on."""

    def parts(key: str) -> set[str]:
        return set().union(*(q.label.parts for q in groups[key]))

    def truncated(short: str, full: str) -> bool:
        complete = [k for k in groups if len(k) == len(short) + 1 and k.endswith(short) and k[0] in PROVINCES]
        if short[:1] not in PROVINCES and complete == [full]:
            return True
        # the province character lost and one more misread (QO8457 for 赣QD8457): only between sets of
        # different parts, and only when no other full plate is as near
        near = [
            k
            for k in groups
            if len(k) == len(short) + 1 and k[0] in PROVINCES and distance(k[1:], short) <= 1
        ]
        return short[:1] not in PROVINCES and near == [full] and not parts(short) & parts(full)

    joined: dict[str, tuple[str, ...]] = {}
    for a in list(groups):
        for b in list(groups):
            if a == b or a not in groups or b not in groups or not (_numbered(a) and _numbered(b)):
                continue
            ocr = any(q.view.page.source == PageSource.OCR for q in (*groups[a], *groups[b]))
            apart = distance(a, b) <= 1 and parts(a) and parts(b) and not parts(a) & parts(b)
            if ocr and (apart or truncated(a, b) or truncated(b, a)):
                keep, drop = (a, b) if len(groups[a]) >= len(groups[b]) else (b, a)
                groups[keep].extend(groups.pop(drop))
                joined[keep] = (*joined.get(keep, (keep,)), *joined.pop(drop, (drop,)))
    return joined


def _numbered(key: str) -> bool:
    return len(key) >= 6 and sum(ch.isdigit() for ch in key) >= 4


def _table_sets(
    material: Material, pages: list[Located], *, marks: MarkFinder, unsure: Unsure | None
) -> list[MaterialSet]:
    """Repeated materials listed as a numbered table (staff, insured persons): one set per row."""
    columns = _table_columns(material)
    out: list[MaterialSet] = []
    for p in pages:
        rows = _rows_on(p, material, columns)
        if not rows:
            continue
        whole = _one_set(material, [p], marks=marks, unsure=unsure)
        for row in rows:
            cells = {
                k: FieldValue(
                    state=FieldState.OK if v else FieldState.EMPTY,
                    value=v,
                    evidence=Evidence(file=p.file_name, page=p.view.page.index, text=v),
                )
                for k, v in row.items()
            }
            label = next((v for k, v in row.items() if material.fields[k].type == "name" and v), "")
            out.append(whole.model_copy(update={"fields": {**whole.fields, **cells}, "label": label}))
    return out


def _table_columns(material: Material) -> dict[str, tuple[str, ...]]:
    return {name: spec.labels or (name,) for name, spec in material.fields.items() if not spec.options}


def _rows_on(p: Located, material: Material, columns: dict[str, tuple[str, ...]]) -> list[dict[str, str]]:
    """One entry per person listed on the page: the rows of a numbered table, else its records of
    caption-value pairs (人员1 姓名：… 身份证号码：…) when the material's people have an ID number."""
    rows = read_table(p.view.page, columns)
    identity = next((name for name, spec in material.fields.items() if spec.type == "id_number"), None)
    if rows or identity is None:
        return rows
    return read_records(p.view.page, columns, identity=identity)


def _one_set(
    material: Material,
    pages: list[Located],
    *,
    marks: MarkFinder,
    joined: tuple[str, ...] = (),
    reread: Reread | None = None,
    declared: frozenset[str] = frozenset(),
    unsure: Unsure | None = None,
    sealed: SealCover | None = None,
) -> MaterialSet:
    parts: set[str] = set()
    for p in pages:
        parts |= p.label.parts | parts_on(p.view, material)
    fields: dict[str, FieldValue] = {}
    for name, spec in material.fields.items():
        scope = [p for p in pages if not spec.part or spec.part in p.label.parts] or pages
        value = _read_field(name, spec, scope, material, reread=reread, declared=declared, sealed=sealed)
        if value is not None:
            fields[name] = _misread_doubt(value, joined)
    fields |= person_lists(material, pages, fields, declared=declared)
    marked = sign_off(material, pages, fields, marks=marks, unsure=unsure, declared=declared)
    evidence = tuple(
        Evidence(file=p.file_name, page=p.view.page.index, text=p.view.page.text[:200]) for p in pages
    )
    label = next((f.value for f in fields.values() if f.state is FieldState.OK), "") if material.per else ""
    return MaterialSet(
        label=label,
        fields=fields,
        parts=tuple(sorted(parts)) if material.parts else None,
        sealed=marked.sealed,
        signed=marked.signed,
        evidence=evidence,
        doubts=marked.doubts or {},
    )


def _misread_doubt(value: FieldValue, joined: tuple[str, ...]) -> FieldValue:
    """A number of a set joined on two readings one character apart is doubtful: which is right is
    for the clerk to see. Unless only one of them is a plate at all (错QD6443, 8QG0987, QO8457 beside
    赣QD8457: the province character lost or misread): then that plate is what was printed."""
    if value.state is not FieldState.OK or normalize_number(value.value) not in joined:
        return value
    plates = [n for n in joined if parse_plate(n) is not None]
    if len(plates) == 1 and len(joined) > 1:
        return value.model_copy(update={"value": plates[0], "doubt": ""})
    doubt = f"同一份材料上两处号码只差一个字（{'、'.join(joined)}），按识别误差归为一份，请核对"
    return value.model_copy(update={"doubt": doubt})


def _read_field(
    name: str,
    spec: FieldSpec,
    pages: list[Located],
    material: Material,
    *,
    reread: Reread | None,
    declared: frozenset[str],
    sealed: SealCover | None = None,
) -> FieldValue | None:
    if spec.options:
        return option_in_text(spec, pages)
    if spec.type == "list":
        listed = column_field(name, spec, pages, declared=declared)
        if listed is not None:
            return listed
    stop = [*material.recognition.labels, *material.fields]
    if spec.type != "checkbox":
        blank = _blank_cell(name, spec, pages, captions=[*COMMON_LABELS, *stop, *spec.labels])
        if blank is not None:
            return blank
    block, blocks = _block(name, spec, material)
    reading = find_field(
        [p.view.page for p in pages],
        spec.labels or (name,),
        stop=stop,
        has_ink=_ink_on(pages),
        multiline=spec.type in ("text", "list"),
        kind=spec.type,
        block=block,
        blocks=blocks,
    )
    if reading.status is FieldStatus.ABSENT:
        return None
    where = pages[reading.page] if reading.page is not None and reading.page < len(pages) else pages[0]
    evidence = _evidence(reading, where)
    status, value, doubt, unlike = settle(
        reading, where.view.page, kind=spec.type, field=name, reread=reread, declared=declared, sealed=sealed
    )
    if status is FieldStatus.EMPTY:
        # ink too faint to count as writing (a pale 4辆 on a shadowed photo) may still be writing
        if (
            not doubt
            and reading.page is not None
            and reading.box is not None
            and inked(reading.page, reading.box, _ink_on(pages, min_share=FAINT_INK))
        ):
            doubt = f"照片或扫描件上「{name}」栏有很淡的字迹，可能已填写但未能识别，请核对原件"
        return FieldValue(state=FieldState.EMPTY, evidence=evidence, doubt=doubt)
    if status is FieldStatus.UNREADABLE:
        return FieldValue(state=FieldState.UNREADABLE, value=value, evidence=evidence, doubt=doubt)
    if spec.type == "name":
        value = value.rstrip("。.，,；;")  # a name inside a sentence (第二条 公司名称：××有限公司。)
        # the caption's own bracket read into the value on a photo (法定代表人（签字）: 签字钱玲)
        bare = _SIGN_WORD.sub("", value)
        value = bare if len(bare) >= 2 else value
    if spec.type == "list" and where.view.page.source is PageSource.OCR:
        value = unglued(value, declared)
    if spec.type == "checkbox":
        value = ticked_value(reading, where.view.page, value)
        if not value:
            return FieldValue(state=FieldState.EMPTY, evidence=evidence)
    return FieldValue(
        state=FieldState.OK, value=value, evidence=evidence, doubt=doubt, unlike_declared=unlike
    )


_SIGN_WORD = re.compile(r"^[（(]?(签字|签名|签章|盖章)[)）]?[:：]?")


def _block(name: str, spec: FieldSpec, material: Material) -> tuple[str, tuple[str, ...]]:
    """(the field's block, the blocks) when fields of the material share a label and each is named by
    its block and that label (建设单位统一社会信用代码, 编制单位统一社会信用代码), the block word being one
    of the form's captions; ("", ()) otherwise."""
    known = {
        *material.recognition.labels,
        *material.fields,
        *(lb for s in material.fields.values() for lb in s.labels),
    }
    for label in spec.labels or (name,):
        named = {
            other: other[: -len(label)]
            for other, s in material.fields.items()
            if label in (s.labels or (other,)) and other.endswith(label) and other[: -len(label)] in known
        }
        if name in named and len(named) > 1:
            return named[name], tuple(named.values())
    return "", ()


FAINT_INK = 0.008  # share of a blank zone's pixels that is faint ink: a tenth of a character's strokes


def _ink_on(pages: list[Located], *, min_share: float = 0.02) -> InkProbe:
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
        return ink_probe([images[pos]], min_share=min_share)(0, box)

    return has_ink


def _blank_cell(
    name: str, spec: FieldSpec, pages: list[Located], *, captions: list[str]
) -> FieldValue | None:
    """EMPTY when the field heads a column of a table of several rows (设备设施名称 | 数量 | 用途) and one
    row leaves its cell blank; None otherwise (the field is then read as one value). On a photo or scan
    a blank cell may be text the OCR missed: the reading is then in doubt."""
    for p in pages:
        page = p.view.page
        cells = read_column(page, spec.labels or (name,), captions=captions)
        if not cells or len(cells) < 2 or "" not in cells:
            continue
        row = cells.index("") + 1
        evidence = Evidence(file=p.file_name, page=page.index, text=f"第 {row} 行「{name}」空白")
        doubt = (
            f"扫描件或照片上表格第 {row} 行「{name}」未识别出文字，可能是空白，也可能是识别遗漏"
            if page.source is PageSource.OCR
            else ""
        )
        return FieldValue(state=FieldState.EMPTY, evidence=evidence, doubt=doubt)
    return None


def _evidence(reading: FieldReading, where: Located) -> Evidence:
    box = reading.box or reading.label_box
    text = " ".join(line.text for line in reading.lines) or reading.value
    return Evidence(
        file=where.file_name,
        page=where.view.page.index,
        text=text[:200],
        box=(box.x0, box.y0, box.x1, box.y1) if box else None,
    )
