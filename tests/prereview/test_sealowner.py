"""Whose seal a seal on a licence copy is, by its ring text (prereview.sealowner)."""

from __future__ import annotations

import pytest

from prereview.documents import Box, Mark
from prereview.sealowner import Owner, SealCount, holder_names, issuer_sealed, seal_owner, whose_seals
from rules.casefacts import FieldState, FieldValue
from rules.codes import Code
from rules.spec import Check, FieldSpec, Material

LICENCE = Material(
    id="M2",
    name="营业执照（申请人）",
    source="市场监督管理部门核发",
    fields={"名称": FieldSpec(type="name"), "法定代表人": FieldSpec(type="name")},
    checks=(
        Check(code=Code.NAME_MISMATCH, field="名称", equals=("applicant_name",)),
        Check(code=Code.NOT_SEALED, who="执照所载主体的公章", note="复印件加盖执照所载主体的公章"),
    ),
)
HOLDER = "安和市启航物流有限公司"


def _seal(text: str) -> Mark:
    return Mark(kind="seal", box=Box(x0=0, y0=0, x1=200, y1=200), text=text)


def test_a_licence_copy_is_issuer_sealed_and_a_form_is_not() -> None:
    assert issuer_sealed(LICENCE)
    form = LICENCE.model_copy(update={"source": "申请人填写"})
    assert not issuer_sealed(form)
    plain = LICENCE.model_copy(update={"checks": (Check(code=Code.NOT_SEALED, who="申请人公章"),)})
    assert not issuer_sealed(plain)


def test_holder_names_are_the_name_fields_read_and_the_declared_units() -> None:
    fields = {
        "名称": FieldValue(state=FieldState.OK, value="安和市启航物流 有限公司"),
        "法定代表人": FieldValue(state=FieldState.OK, value="钟思远"),
    }
    declared = {"安和市启航物流有限公司", "钟思远", "安和市市场监督管理局"}
    assert holder_names(LICENCE, fields, declared) == ["安和市启航物流有限公司"]
    unread = {"名称": FieldValue(state=FieldState.UNREADABLE, value="")}
    assert holder_names(LICENCE, unread, {"安和市顺达商贸有限公司"}) == ["安和市顺达商贸有限公司"]


@pytest.mark.parametrize(
    ("ring", "owner"),
    [
        ("安和市启航物流有限公司", Owner.HOLDER),
        ("安和同启航伊流有使公司", Owner.HOLDER),  # misread through the print stamped over it
        ("安和市市场监督管理局", Owner.ISSUER),
        ("安和市市场监督管理展", Owner.ISSUER),  # 局 misread
        ("支和市行政南批服务展", Owner.ISSUER),
        ("安和市人民政府", Owner.ISSUER),
        ("", Owner.UNKNOWN),
        ("安和", Owner.UNKNOWN),
        ("安和市宏图商贸有限公司", Owner.UNKNOWN),  # another unit: not this holder, no authority
    ],
)
def test_seal_owner_by_ring_text(ring: str, owner: Owner) -> None:
    assert seal_owner(ring, [HOLDER]) is owner


@pytest.mark.parametrize(
    ("rings", "count"),
    [
        ([], SealCount.NONE),
        (["安和市市场监督管理局"], SealCount.ISSUER_ONLY),  # the licence's own seal only
        (["安和市市场监督管理局", HOLDER], SealCount.SEALED),
        (["安和市市场监督管理局", ""], SealCount.SEALED),  # the one not read beside the issuer's
        (["", ""], SealCount.SEALED),  # two seals: the issuer's and the holder's
        ([HOLDER], SealCount.SEALED),  # a black-and-white copy: the issuer's seal is grey
        ([""], SealCount.UNSURE),  # one seal not read: either
    ],
)
def test_whose_seals_on_a_copy(rings: list[str], count: SealCount) -> None:
    assert whose_seals([_seal(r) for r in rings], [HOLDER]) is count


@pytest.mark.ocr
@pytest.mark.parametrize("holder_sealed", [False, True])
def test_a_licence_copy_told_sealed_by_its_rings_with_the_real_engine(holder_sealed: bool) -> None:
    from prereview.ocr import RapidOcrEngine
    from prereview.visual.seals import inspect_seals
    from tests.fixtures.visual_images import as_photo, blank_page, draw_seal, draw_text

    img = blank_page()
    draw_text(img, 480, 120, "营业执照", 64)
    for k, text in enumerate(
        ["名称 安和市启航物流有限公司", "法定代表人 钟思远", "登记机关 安和市市场监督管理局"]
    ):
        draw_text(img, 140, 300 + 80 * k, text, 32)
    draw_seal(img, 900, 1200, 130, text="安和市市场监督管理局")  # printed on the licence by its issuer
    if holder_sealed:
        draw_seal(img, 500, 1250, 130, text=HOLDER)
    seals = inspect_seals(as_photo(img, shadow=0.3), ocr=RapidOcrEngine(threads=2)).marks
    owners = sorted(seal_owner(m.text, [HOLDER]) for m in seals)
    assert owners == ([Owner.HOLDER, Owner.ISSUER] if holder_sealed else [Owner.ISSUER]), [
        m.text for m in seals
    ]
    assert whose_seals(seals, [HOLDER]) is (SealCount.SEALED if holder_sealed else SealCount.ISSUER_ONLY)
