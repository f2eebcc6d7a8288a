"""People listed one record each without a table header (人员1 姓名：… 身份证号码：… 学历：…): a staff
list written as lines of caption-value pairs, with or without grid lines. One record per person, as
`prereview.table.read_table` gives one row per person of a numbered table."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence

from prereview.approx import strip_punctuation
from prereview.documents import Page, TextLine
from prereview.located import Located
from rules.casefacts import FieldState, MaterialSet
from rules.spec import Material

_COLON = "[:：]?"
_LIST_MARKS = re.compile(r"[、，,；;]")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_PERSON = re.compile(r"[\u4e00-\u9fff·]{2,6}")  # a person's name, not a unit's (参保单位名称 runs longer)


def read_records(page: Page, fields: Mapping[str, Sequence[str]], *, identity: str) -> list[dict[str, str]]:
    """The caption-value pairs of every record on the page, by field name, "" for a caption with no value.

    ``fields`` maps a field name to its captions; a record starts at each caption of the field printed
    most often (the first of them down the page: what each record opens with). Returns [] unless two or
    more records carry different values of the ``identity`` field (an ID number): a page naming one
    person twice (a licence and a certificate photographed together) is no list."""
    lines = sorted(page.lines, key=lambda ln: (ln.box.y0, ln.box.x0))
    found = {name: _lines_with(lines, labels) for name, labels in fields.items()}
    counted = [(len(at), -at[0], name) for name, at in found.items() if len(at) >= 2]
    if not counted:
        return []
    starts = found[max(counted)[2]]
    tops = [lines[k].box.y0 - 0.3 * lines[k].box.height for k in starts]
    pitch = max(b - a for a, b in itertools.pairwise(tops))  # the last record reaches as far as the others
    records = []
    for k, top in enumerate(tops):
        bottom = tops[k + 1] if k + 1 < len(tops) else top + pitch
        band = [ln for ln in lines if top <= ln.box.y0 < bottom]
        records.append(_pairs(band, fields))
    ids = {r.get(identity, "") for r in records} - {""}
    return records if len(ids) >= 2 else []


def _lines_with(lines: list[TextLine], labels: Sequence[str]) -> list[int]:
    """Indexes of the lines where one of ``labels`` stands as a caption (followed by a colon)."""
    caption = re.compile("|".join(re.escape(strip_punctuation(label)) + "[:：]" for label in labels))
    return [k for k, ln in enumerate(lines) if caption.search(_squeezed(ln.text))]


def _pairs(band: list[TextLine], fields: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Values after each field's caption up to the next caption, across the band's lines (a value or a
    caption wraps onto the next line: 岗位：职业指 / 导, 劳动合 / 同期限：)."""
    text = "".join(_squeezed(ln.text) for ln in band)
    by_label = {strip_punctuation(label): name for name, labels in fields.items() for label in labels}
    # longest first: 公民身份号码 before a shorter caption it contains
    alternatives = "|".join(re.escape(label) for label in sorted(by_label, key=len, reverse=True) if label)
    out: dict[str, str] = {}
    hits = list(re.finditer(f"({alternatives}){_COLON}", text))
    for hit, after in itertools.zip_longest(hits, hits[1:]):
        name = by_label[hit.group(1)]
        value = text[hit.end() : after.start() if after is not None else len(text)]
        out.setdefault(name, value.strip(":：;；,，"))
    return out


def _squeezed(text: str) -> str:
    """Text without spaces (a text layer spaces a record's pairs; OCR glues them)."""
    return re.sub(r"\s+", "", text)


def split_listed(material: Material, sets: list[MaterialSet]) -> list[MaterialSet]:
    """A set whose person's name field lists several people (人员姓名：许杰军、邓博、曹霞: a certificate
    naming everyone it covers in one caption) as one set per person, so the material counts them all.
    A field listing as many values in the same order (their ID numbers) is split alike; the others are
    every person's."""
    out: list[MaterialSet] = []
    for one in sets:
        people = next(
            (
                parts
                for name, spec in material.fields.items()
                if spec.type == "name"
                and len(parts := _listed(one, name)) >= 2
                and all(map(_PERSON.fullmatch, parts))
            ),
            None,
        )
        if people is None:
            out.append(one)
            continue
        alike = {name: parts for name in one.fields if len(parts := _listed(one, name)) == len(people)}
        for k, person in enumerate(people):
            fields = {
                name: value.model_copy(update={"value": alike[name][k]}) if name in alike else value
                for name, value in one.fields.items()
            }
            out.append(one.model_copy(update={"fields": fields, "label": person}))
    return out


def _listed(one: MaterialSet, name: str) -> list[str]:
    value = one.fields.get(name)
    if value is None or value.state is not FieldState.OK:
        return []
    return [part for part in (p.strip() for p in _LIST_MARKS.split(value.value)) if part]


def count_doubt(material: Material, pages: list[Located], counted: int) -> str:
    """Why the number of people read off a material's pages may be short: more different ID numbers
    printed on them than people told apart (a row whose number went unread, a layout not read as a
    list). "" when the count is not below what the pages show."""
    if not any(spec.type == "id_number" for spec in material.fields.values()):
        return ""
    numbers = {n.upper() for p in pages for ln in p.view.page.lines for n in _ID_NUMBER.findall(ln.text)}
    if len(numbers) <= counted:
        return ""
    return f"{material.name}上有 {len(numbers)} 个不同的身份证号码，只分出 {counted} 人，人数请核对原件"
