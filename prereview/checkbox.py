"""Checkbox fields (☐报告书 ☑报告表 ☐登记表): which options are ticked, read from the whole option rows."""

from __future__ import annotations

from prereview.approx import strip_punctuation
from prereview.documents import Page
from prereview.extract.fields import FieldReading
from prereview.located import Located
from prereview.recognise import ticked_options
from rules.casefacts import FieldState, FieldValue
from rules.spec import FieldSpec

__all__ = ["option_in_text", "ticked_value"]

_BOXES = "☐□☑☒■√✓✔▣"


def ticked_value(reading: FieldReading, page: Page, value: str) -> str:
    """The ticked options of a field read at its label, joined by 、; "" when the boxes are there and
    none is ticked; `value` (the field's settled reading) when the page prints no boxes."""
    options = _option_lines(reading, page)
    ticked = ticked_options(options)
    return "、".join(ticked) if ticked else ("" if "☐" in options or "□" in options else value)


def option_in_text(spec: FieldSpec, pages: list[Located]) -> FieldValue | None:
    """The field's option named anywhere on its pages (ticked first, then the top of the page, then
    any text), for a field whose label was not found; None when no option's words are there."""
    text = "".join(p.view.page.text for p in pages)
    ticked = " ".join(ticked_options(text))
    for source in (ticked, "".join(p.view.top for p in pages), strip_punctuation(text)):
        for option, words in spec.options.items():
            if any(strip_punctuation(w) in strip_punctuation(source) for w in words):
                return FieldValue(state=FieldState.OK, value=option)
    return None


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
