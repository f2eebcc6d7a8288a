"""Whose seal a seal on a copy of an issued document is, by its ring text.

A licence (营业执照, a 许可证) carries its issuer's seal printed on it (登记机关, 行政审批服务局); a copy of
it must carry its holder's seal as well (复印件加盖执照所载主体的公章). On a colour copy both are red and
round, so counting seals cannot tell a copy the holder sealed from one it did not: the ring text can.
A ring read as the holder's name is the holder's seal, one read as an authority's is the issuer's, and
one not read (black print stamped over it, a pale stamp) is either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from enum import StrEnum

from prereview.approx import ORGANISATION
from prereview.documents import Mark
from rules.casefacts import FieldState, FieldValue
from rules.codes import Code
from rules.identity import normalize_name
from rules.spec import Material

__all__ = ["Owner", "SealCount", "holder_names", "issuer_sealed", "seal_owner", "whose_seals"]

# A ring text holding this share of the holder's own name (in order) is the holder's seal: rings are
# read through the print stamped over them, and a name misread in a third of its characters still shows
# the rest. Its own name: without the place before it and the legal form after it (安和市…有限公司),
# which every unit of a city shares.
HOLDER_SHARE = 0.6
_PLACE = re.compile(r"^.{1,6}?[省市县区州旗]")
_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|公司|合作社|事务所|厂|店)+$")
# What names an authority (the issuer of a licence) and no enterprise: its kind of body (人民政府,
# 管理局, 委员会) or its office (行政审批, 市场监督, 登记). Pairs, so that one misread character in the
# ring (监督管理展 for 监督管理局) still leaves one of them.
AUTHORITY = (
    "人民政府",
    "政府",
    "行政",
    "审批",
    "监督",
    "管理局",
    "服务局",
    "登记",
    "委员会",
    "公安",
    "办公室",
    "管理委员",
)


class Owner(StrEnum):
    HOLDER = "holder"
    ISSUER = "issuer"
    UNKNOWN = "unknown"  # the ring was not read, or reads as neither


def issuer_sealed(material: Material) -> bool:
    """Whether the material is a copy of a document an authority issued (核发) with its own seal on it,
    which the holder must seal again (复印件加盖执照所载主体的公章)."""
    copy_sealed = any(c.code is Code.NOT_SEALED and c.note.startswith("复印件加盖") for c in material.checks)
    return copy_sealed and "核发" in material.source


def holder_names(material: Material, fields: dict[str, FieldValue], declared: Iterable[str]) -> list[str]:
    """The names the holder's seal may carry: the material's own name fields as read (those its
    NAME_MISMATCH checks compare), and the declared unit names (a misread name field still has them)."""
    names = [
        fields[c.field].value
        for c in material.checks
        if c.code is Code.NAME_MISMATCH and c.field in fields and fields[c.field].state is FieldState.OK
    ]
    units = [d for d in declared if ORGANISATION.search(d) and not _authority(d)]
    return list(dict.fromkeys(normalize_name(n) for n in [*names, *units] if n.strip()))


def seal_owner(ring_text: str, holders: Sequence[str]) -> Owner:
    """Whose seal a ring read as `ring_text` is: the holder's when it reads close to one of `holders`,
    the issuer's when it names an authority, else unknown."""
    text = normalize_name(ring_text)
    if len(text) < 4:
        return Owner.UNKNOWN
    if any(_share(_own(name), text) >= HOLDER_SHARE for name in holders):
        return Owner.HOLDER
    return Owner.ISSUER if _authority(text) else Owner.UNKNOWN


def _own(name: str) -> str:
    """A unit's name without its place and legal form (安和市启航物流有限公司: 启航物流), if any is left."""
    own = _FORM.sub("", _PLACE.sub("", name))
    return own if len(own) >= 2 else name


def _share(own: str, text: str) -> float:
    """The share of `own`'s characters found in `text`, in order."""
    blocks = SequenceMatcher(None, own, text, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(own)


def _authority(name: str) -> bool:
    return any(word in name for word in AUTHORITY)


class SealCount(StrEnum):
    """What the seals on an issued document's copy say of the holder's seal."""

    SEALED = "sealed"  # the holder's seal is there (read as such, or beside the issuer's)
    ISSUER_ONLY = "issuer_only"  # only seals read as the issuer's: the holder's is missing
    UNSURE = "unsure"  # one seal whose ring was not read: the issuer's or the holder's
    NONE = "none"  # no seal at all


def whose_seals(seals: Sequence[Mark], holders: Sequence[str]) -> SealCount:
    """Whether the seals found on a copy of an issued document include its holder's. The issuer's seal
    is one seal: beside one read as the issuer's, a seal not read is the holder's; two seals not read
    are the issuer's and the holder's; one alone may be either (a black-and-white copy shows the issuer's
    seal grey, and only the holder's red)."""
    owners = [seal_owner(m.text, holders) for m in seals]
    if not owners:
        return SealCount.NONE
    if Owner.HOLDER in owners:
        return SealCount.SEALED
    unknown, issuer = owners.count(Owner.UNKNOWN), owners.count(Owner.ISSUER)
    if unknown == 0:
        return SealCount.ISSUER_ONLY
    if issuer or unknown >= 2:
        return SealCount.SEALED
    return SealCount.UNSURE
