"""A list field printed as a table column (出资情况表's 股东名称, 证件号码): its entries as one value, with
the doubt a photo's reading of a number column carries."""

from __future__ import annotations

import re

from prereview.documents import PageSource
from prereview.extract.cells import NUMBER_LENGTH
from prereview.located import Located
from prereview.table import read_column
from rules.casefacts import Evidence, FieldState, FieldValue
from rules.spec import FieldSpec

__all__ = ["column_field"]


def column_field(name: str, spec: FieldSpec, pages: list[Located]) -> FieldValue | None:
    """A list field printed as a table column (出资情况表's 股东名称): its entries joined with 、."""
    for p in pages:
        entries = read_column(p.view.page, spec.labels or (name,))
        if entries is None:
            continue
        entries = [_number_entry(e) for e in entries]
        value = "、".join(e for e in entries if e)
        evidence = Evidence(file=p.file_name, page=p.view.page.index, text=value[:200])
        # a number cell not of 18 characters, or with a glyph in it that is no character of a number
        odd = [
            e
            for e in entries
            if _NUMBERISH.fullmatch(_bare(e)) and (len(e) != NUMBER_LENGTH or _bare(e) != e)
        ]
        doubt = (
            f"照片或扫描件上表格「{name}」一栏读作「{odd[0]}」，不是完整的 18 位号码，"
            "可能是相邻两行连在一起或有字符未识别出"
            if odd and p.view.page.source is PageSource.OCR
            else ""
        )
        state = FieldState.OK if value else FieldState.EMPTY
        return FieldValue(state=state, value=value, evidence=evidence, doubt=doubt)
    return None


_NUMBERISH = re.compile(r"[0-9A-Z]*\d{10}[0-9A-Z]*")  # a run with ten digits in a row: an ID or credit code
_STRAY = re.compile(r"[^0-9A-Za-z]")


def _bare(entry: str) -> str:
    return _STRAY.sub("", entry).upper()


def _number_entry(entry: str) -> str:
    """A number cell with a stray mark read into it (9136…#…, a table line or a speck) as its 18 characters;
    any other cell as it is."""
    bare = _bare(entry)
    return bare if bare != entry and len(bare) == NUMBER_LENGTH and _NUMBERISH.fullmatch(bare) else entry
