"""Materials of one document whose defects are the document's own: a form or letter (a field left
empty, a name off by one character, no seal, no signature) and a text with required chapters."""

from __future__ import annotations

import random

from gencases_common import Defect, Material, one_char_off
from gencases_layout import Doc


def form(
    mid: str,
    doc: Doc,
    *,
    empty: list[str],
    name_field: str | None,
    name: str,
    rnd: random.Random,
    tol: int | None = None,
) -> Material:
    """An A4 form or letter; defects: a listed field left empty, the name field off by one character,
    the seal or the signature left out (when the doc carries them)."""
    m = Material(mid, [doc], tol)

    def set_field(label: str, value: str) -> None:
        doc.fields = [(lab, value if lab == label else v) for lab, v in doc.fields]

    for lab in empty:
        m.defects.append(Defect(f"「{lab}」空白", ["FIELD_EMPTY"], lambda lab=lab: set_field(lab, "")))  # type: ignore[misc]
    if name_field:
        m.defects.append(
            Defect(
                f"「{name_field}」不一致",
                ["NAME_MISMATCH"],
                lambda: set_field(name_field, one_char_off(name, rnd)),
            )
        )
    if doc.seals:
        m.defects.append(Defect("未盖章", ["NOT_SEALED"], lambda: doc.seals.clear()))
    if doc.signs:
        m.defects.append(Defect("未签字", ["NOT_SIGNED"], lambda: setattr(doc, "signed", False)))
    return m


def sections_doc(
    mid: str, doc: Doc, rnd: random.Random, *, tol: int | None = None, droppable: list[int] | None = None
) -> Material:
    """A text with required chapters (制度, 章程, 报告); defects: a chapter dropped (only one whose content
    no other chapter repeats, so that the part is surely missing), no seal, no signature."""
    m = Material(mid, [doc], tol)

    def drop() -> None:
        doc.sections.pop(rnd.choice(droppable if droppable is not None else range(len(doc.sections))))

    m.defects.append(Defect("缺少必备章节", ["PAGES_MISSING"], drop))
    if doc.seals:
        m.defects.append(Defect("未盖章", ["NOT_SEALED"], lambda: doc.seals.clear()))
    if doc.signs:
        m.defects.append(Defect("未签字", ["NOT_SIGNED"], lambda: setattr(doc, "signed", False)))
    return m
