"""The lists of persons a material is compared with the declared persons by (出资股东名称 with
shareholders.name, 出资股东证件号码 with shareholders.id_number / uscc), read from prose when the form
writes its persons in one line (股东（发起人）、出资情况：张三（身份证号码…）货币出资；李四（…）…) instead of
in columns under the lists' own captions.

Only a list the material's checks compare with the persons is filled, and only from a list field of the
same set whose whole value pairs each number with its name (`prereview.extract.pairs`): the names of a
text that lost one person would be a false NAME_MISMATCH. A names list read with the numbers in it
(股东：张三（3601…）、李四（…）) keeps the names. On a photo or scan, a name or number one or two
characters from a declared one on a line read less than cleanly is in doubt, as any field's reading."""

from __future__ import annotations

from collections.abc import Sequence

from core.text import halfwidth, strip_spaces
from prereview.documents import PageSource
from prereview.extract.captions import COMMON_LABELS
from prereview.extract.pairs import name_number_pairs
from prereview.located import Located
from prereview.misread import near_declared
from rules.casefacts import FieldState, FieldValue
from rules.codes import Code
from rules.spec import Material
from rules.targets import person_key

__all__ = ["person_lists"]


def person_lists(
    material: Material, pages: Sequence[Located], fields: dict[str, FieldValue], *, declared: frozenset[str]
) -> dict[str, FieldValue]:
    """The compared lists read from prose pairs, by field name: those not read (or read as prose)."""
    wants = {name: kind for name, kind in _compared_lists(material).items() if _lacks(fields.get(name), kind)}
    if not wants:
        return {}
    captions = (*COMMON_LABELS, *material.recognition.labels, *material.fields)
    for name, spec in material.fields.items():
        source = fields.get(name)
        if spec.type != "list" or source is None or source.state is not FieldState.OK:
            continue
        pairs = name_number_pairs(source.value, captions=tuple(captions))
        if pairs:
            return {
                field: _listed(field, kind, pairs, source, pages, declared) for field, kind in wants.items()
            }
    return {}


def _compared_lists(material: Material) -> dict[str, str]:
    """List fields a NAME_MISMATCH or ID_MISMATCH compares with declared persons: "name" or "number"."""
    out = {}
    for check in material.checks:
        spec = material.fields.get(check.field)
        keys = [person_key(t) for t in check.equals]
        if check.code not in (Code.NAME_MISMATCH, Code.ID_MISMATCH) or spec is None or spec.type != "list":
            continue
        if keys and all(keys):
            out[check.field] = "name" if keys == ["name"] else "number"
    return out


def _lacks(value: FieldValue | None, kind: str) -> bool:
    """Not read at all, or (a names list) read with the persons' numbers in it."""
    if value is None or value.state is not FieldState.OK:
        return value is None
    return kind == "name" and sum(ch.isdigit() for ch in value.value) >= 10


def _listed(
    field: str,
    kind: str,
    pairs: list[tuple[str, str]],
    source: FieldValue,
    pages: Sequence[Located],
    declared: frozenset[str],
) -> FieldValue:
    entries = [name if kind == "name" else number for name, number in pairs]
    value = "、".join(entries)
    doubt = source.doubt
    photo = any(p.view.page.source is PageSource.OCR for p in pages)
    if photo and not doubt:
        score = _line_score(pages, [number for _, number in pairs])
        sort = "name" if kind == "name" else "id_number"
        near = next((k for e in entries if (k := near_declared(e, sort, score, declared))), "")
        if near:
            doubt = (
                f"照片或扫描件上「{field}」读作「{value}」，与申报的「{near}」只差一两个字符"
                f"（识别置信度 {score:.2f}），可能是识别错误，请核对原件"
            )
    return source.model_copy(update={"value": value, "doubt": doubt})


def _line_score(pages: Sequence[Located], numbers: list[str]) -> float:
    """The lowest recogniser score of the lines that print the numbers; 0 when one is not found whole
    on a line (split over two lines: its reading cannot be vouched for)."""
    lines = [ln for p in pages for ln in p.view.page.lines]
    scores = []
    for number in numbers:
        holding = [ln.score for ln in lines if number in strip_spaces(halfwidth(ln.text))]
        if not holding:
            return 0.0
        scores.append(min(holding))
    return min(scores, default=0.0)
