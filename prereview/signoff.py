"""Seals and signatures of one material set: which ones it owes, on which pages, whether they are there,
and why an absence may not be sure (`MaterialSet.doubts`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from prereview.approx import ORGANISATION, distance
from prereview.documents import Page
from prereview.located import Located, MarkFinder
from prereview.recognise import parts_on
from prereview.sealowner import SealCount, holder_names, issuer_sealed, whose_seals
from prereview.visual.marks import NAMED_SEAL
from rules.casefacts import FieldState, FieldValue
from rules.codes import Code
from rules.expr import Cmp, Expr, FieldRef
from rules.identity import normalize_name
from rules.spec import Material

__all__ = ["MarkDoubts", "SignOff", "Unsure", "sealed_scope", "seals_owed", "sign_off"]


class MarkDoubts(Protocol):
    """How sure the absence of marks on a page is (`prereview.pagemarks.PageMarks`)."""

    def doubt(self, page: Page, kind: str) -> str:
        """Why no mark of `kind` on the page may be wrong, plain Chinese; "" when that is sure."""
        ...

    def places(self, page: Page) -> int:
        """The places to sign on the page (signing labels, copy certifications)."""
        ...


@dataclass
class SignOff:
    sealed: bool | None = None  # None: no seal owed (not assessed)
    signed: bool | None = None
    doubts: dict[str, str] | None = None


def sign_off(
    material: Material,
    pages: list[Located],
    fields: dict[str, FieldValue],
    *,
    marks: MarkFinder,
    unsure: Unsure | None,
    declared: Iterable[str] = (),
) -> SignOff:
    """Whether the set carries the seals and signatures its checks ask for (a seal of each sealing party
    on the pages in the seal's scope, a signature on any page; on a copy of an issued licence, its
    holder's seal, told from the issuer's by the ring text: `prereview.sealowner`), with the doubts about
    each absence. `declared`: the declared names (normalised), which a holder's seal may carry."""
    codes = {c.code for c in material.checks}
    out = SignOff()
    doubts: dict[str, str] = {}
    if Code.NOT_SEALED in codes and _parties_owe(material, fields, Code.NOT_SEALED):
        scope = sealed_scope(material, pages)
        if issuer_sealed(material):
            seals = [m for p in scope for m in marks(p.view.page, NAMED_SEAL)]
            count = whose_seals(seals, holder_names(material, fields, declared))
            out.sealed = count is SealCount.SEALED
            if count is SealCount.UNSURE:
                doubts["sealed"] = ONE_UNREAD
        else:
            found = sum(len(marks(p.view.page, "seal")) for p in scope)
            out.sealed = found >= seals_owed(material, fields)
        if not out.sealed and "sealed" not in doubts and unsure is not None:
            doubts["sealed"] = unsure.why(scope, "seal")
    if Code.NOT_SIGNED in codes and _parties_owe(material, fields, Code.NOT_SIGNED):
        out.signed = any(marks(p.view.page, "signature") for p in pages)
        if not out.signed and unsure is not None:
            doubts["signed"] = unsure.why(pages, "signature")
    out.doubts = {k: v for k, v in doubts.items() if v}
    return out


@dataclass
class Unsure:
    """Why a seal or signature judged absent may be there after all. (A mark on a signing page that
    could not be placed is `prereview.doubts.with_signing_doubts`'s.)"""

    doubts: MarkDoubts

    def why(self, pages: list[Located], kind: str) -> str:
        """What the set's pages showed (a pale ring, faint ink, blur, shadow); for signatures, that none
        of them has a place to sign."""
        seen = [f"{_where(p)}：{why}" for p in pages if (why := self.doubts.doubt(p.view.page, kind))]
        if seen:
            return "；".join(seen[:2])
        if kind == "signature" and not any(self.doubts.places(p.view.page) for p in pages):
            return "材料上未找到签字栏（如“签字：”），无法确认是否已签字"
        return ""


def _where(p: Located) -> str:
    return f"{p.file_name} 第{p.view.page.index + 1}页"


# A copy of an issued licence with one red seal whose ring text could not be read.
ONE_UNREAD = (
    "只见到 1 枚红色印章且印章文字无法辨认，可能是发证机关印在执照上的印章，"
    "未能确认复印件加盖了执照所载主体的公章，请核对"
)


def sealed_scope(material: Material, pages: list[Located]) -> list[Located]:
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


def seals_owed(material: Material, fields: dict[str, FieldValue]) -> int:
    """How many seals a set owes: one per distinct unit read as a party its seal checks name (a report's
    建设单位 and 编制单位, a lease's 单位出租方 and 单位承租方), at least one. A party read as a person,
    not read, or read as the same unit as another (a report its 建设单位 compiled itself) adds none."""
    units: list[str] = []
    for check in material.checks:
        if check.code is not Code.NOT_SEALED or not _may_hold(check.when, material, fields):
            continue
        for who in re.split(r"[、，,]", check.who):
            party = who.removeprefix("全体").removesuffix("公章").removeprefix("单位")
            value = fields.get(party) or fields.get(f"{party}名称")
            if value is None or value.state is not FieldState.OK:
                continue
            name = normalize_name(value.value)
            # one unit read twice on a photo may differ by a misread character
            if ORGANISATION.search(name) and all(distance(name, u) > 1 for u in units):
                units.append(name)
    return max(1, len(units))


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
            if bool(ORGANISATION.search(normalize_name(value.value))) is (code is Code.NOT_SEALED):
                return True
    return False


def _may_hold(when: Expr | None, material: Material, fields: dict[str, FieldValue]) -> bool:
    """False only for a condition on one of the material's own fields read with another value."""
    if not isinstance(when, Cmp) or when.op != "==" or not isinstance(when.ref, FieldRef):
        return True
    value = fields.get(when.ref.field) if when.ref.material == material.id else None
    return value is None or value.state is not FieldState.OK or value.value == when.value
