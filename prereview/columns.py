"""A list field printed as a table column (出资情况表's 股东名称, 证件号码): its entries as one value, with
the doubt a photo's reading of a column carries."""

from __future__ import annotations

import re

from prereview.documents import PageSource
from prereview.extract.kinds import NUMBER_LENGTH
from prereview.located import Located
from prereview.misread import near_declared
from prereview.readings import SURE_SCORE
from prereview.table import read_column_scored
from rules.casefacts import Evidence, FieldState, FieldValue
from rules.identity import normalize_name
from rules.spec import FieldSpec

__all__ = ["column_field", "split_merged", "unglued"]


def column_field(
    name: str, spec: FieldSpec, pages: list[Located], *, declared: frozenset[str] = frozenset()
) -> FieldValue | None:
    """A list field printed as a table column (出资情况表's 股东名称): its entries joined with 、.

    On a photo or scan, rows OCR merged into one cell are split again where the field's values end: a
    number cell at every 18 characters, a name cell at the `declared` names it holds; an entry a
    character or two from a declared name is in doubt (a cell's reading has no score to trust)."""
    for p in pages:
        scored = read_column_scored(p.view.page, spec.labels or (name,))
        if scored is None:
            continue
        photo = p.view.page.source is PageSource.OCR
        entries = [text for text, _ in scored]
        weak = [t for t, score in scored if t and score < SURE_SCORE and normalize_name(t) not in declared]
        entries = [_number_entry(e) for e in entries]
        # names split at declared names are in doubt; numbers cut at 18 characters are whole numbers
        merged = [
            e for e in entries if photo and not _NUMBERISH.search(e) and len(split_merged(e, declared)) > 1
        ]
        if photo:
            entries = [part for e in entries for part in split_merged(e, declared)]
        value = "、".join(e for e in entries if e)
        evidence = Evidence(file=p.file_name, page=p.view.page.index, text=value[:200])
        doubt = _doubt(name, entries, merged, declared, weak=weak) if photo else ""
        state = FieldState.OK if value else FieldState.EMPTY
        return FieldValue(state=state, value=value, evidence=evidence, doubt=doubt)
    return None


def _doubt(
    name: str, entries: list[str], merged: list[str], declared: frozenset[str], *, weak: list[str]
) -> str:
    # a number cell not of 18 characters, or with a glyph in it that is no character of a number
    odd = [
        e for e in entries if _NUMBERISH.fullmatch(_bare(e)) and (len(e) != NUMBER_LENGTH or _bare(e) != e)
    ]
    if odd:
        return (
            f"照片或扫描件上表格「{name}」一栏读作「{odd[0]}」，不是完整的 18 位号码，"
            "可能是相邻两行连在一起或有字符未识别出"
        )
    near = near_declared("、".join(e for e in entries if e), "list", 0.0, declared)
    if merged and (near or any(normalize_name(e) not in declared for e in entries if e)):
        return (
            f"照片或扫描件上表格「{name}」一栏相邻两行连在一起（「{merged[0]}」），"
            "已按申报名称拆分，请核对原件"
        )
    if near:
        return (
            f"照片或扫描件上表格「{name}」一栏有与申报的「{near}」只差一两个字的名称，"
            "可能是识别错误，请核对原件"
        )
    if weak and not all(_NUMBERISH.search(w) for w in weak):
        # a cell the recogniser was unsure of, and not what was declared: as for a field's line
        return f"照片或扫描件上表格「{name}」一栏的「{weak[0]}」识别置信度偏低，可能有字识别错误，请核对原件"
    return ""


_NUMBERISH = re.compile(r"[0-9A-Z]*\d{10}[0-9A-Z]*")  # a run with ten digits in a row: an ID or credit code
_STRAY = re.compile(r"[^0-9A-Za-z]")
_NUMBER_CELL = re.compile(r"[0-9A-Z]+")


def _bare(entry: str) -> str:
    return _STRAY.sub("", entry).upper()


def _number_entry(entry: str) -> str:
    """A number cell with a stray mark read into it (9136…#…, a table line or a speck) as its 18 characters;
    any other cell as it is."""
    bare = _bare(entry)
    return bare if bare != entry and len(bare) == NUMBER_LENGTH and _NUMBERISH.fullmatch(bare) else entry


def split_merged(entry: str, declared: frozenset[str]) -> list[str]:
    """The cells of two or more rows OCR read as one entry: a number of a multiple of 18 characters at
    every 18 (two IDs or credit codes), a name cell before and after each `declared` name (of two
    characters or more) it holds with more text around it; `[entry]` when it is one cell."""
    if (
        _NUMBER_CELL.fullmatch(entry)
        and len(entry) > NUMBER_LENGTH
        and len(entry) % NUMBER_LENGTH == 0
        and _NUMBERISH.fullmatch(entry)
    ):
        return [entry[k : k + NUMBER_LENGTH] for k in range(0, len(entry), NUMBER_LENGTH)]
    text = normalize_name(entry)
    for known in sorted(declared, key=len, reverse=True):
        k = text.find(known)
        if len(known) < 2 or k < 0 or len(known) == len(text) or _NUMBERISH.search(known):
            continue
        before, after = text[:k], text[k + len(known) :]
        if 0 < len(before) < 2 or 0 < len(after) < 2:
            continue  # a declared name inside a longer one (李明 in 李明华) is no merged row
        return (
            [*split_merged(before, declared), known, *split_merged(after, declared)]
            if before or after
            else [entry]
        )
    return [entry] if entry else []


_SEPARATORS = re.compile(r"([、,，;；/\s]+)")


def unglued(value: str, declared: frozenset[str]) -> str:
    """A list read on a photo or scan with a separator lost (马佳、冯琪 read 马佳冯琪: a small 、 the
    recogniser dropped) split again where it is wholly two or more `declared` names one after another;
    every other entry as it is. Nothing is read into it: the characters are the same."""
    return "".join(
        "、".join(names) if (names := _declared_run(piece, declared)) else piece
        for piece in _SEPARATORS.split(value)
    )


def _declared_run(text: str, declared: frozenset[str]) -> list[str] | None:
    """`text` as two or more declared names (of two characters or more, no digits) in a row, or None."""
    names = [d for d in declared if len(d) >= 2 and not any(ch.isdigit() for ch in d)]
    # ways[k]: the names that cover text[:k], found left to right
    ways: dict[int, list[str]] = {0: []}
    for k in range(len(text)):
        if k not in ways:
            continue
        for name in names:
            if text.startswith(name, k) and k + len(name) not in ways:
                ways[k + len(name)] = [*ways[k], name]
    found = ways.get(len(text))
    return found if found is not None and len(found) >= 2 else None
