"""Seals and signatures of material sets as the assembler builds them: which part a seal is looked
for on, who owes a signature or a seal, and when an absence is only a doubt."""

from __future__ import annotations

from prereview.assemble import Located, assemble
from prereview.recognise import PageLabel, PageView
from rules.spec import FieldSpec, Material
from tests.prereview._pages import ItemOf, line, page


def _lease(lessor: str):
    from rules.spec import Check

    lease = Material(
        id="M6",
        name="场所使用证明",
        fields={"出租方": FieldSpec(type="name"), "承租方": FieldSpec(type="name")},
        checks=(Check(code="NOT_SIGNED", who="自然人出租方"),),
    )
    p = page(
        line("出租方(甲方)", 167, 269),
        line(lessor, 461, 269),
        line("承租方(乙方)", 167, 330),
        line("安和市鑫源新材料贸易有限公司", 461, 330),
    )
    located = [
        Located(view=PageView.of(0, p, None), label=PageLabel(material="M6", score=10.0), file_name="f.pdf")
    ]
    out = assemble(ItemOf(lease), located, unreadable_slots={}, wrong_slots={}, marks=lambda page, kind: [])
    return out["M6"].sets[0]


def test_a_company_lessor_is_not_asked_for_a_natural_persons_signature() -> None:
    assert _lease("安和市天和实业有限公司").signed is None


def test_a_natural_person_lessor_must_sign() -> None:
    assert _lease("汪军明").signed is False


def test_a_seal_is_looked_for_on_the_part_its_check_names() -> None:
    from prereview.documents import Box, Mark
    from rules.spec import Check

    vehicle = Material(
        id="M6",
        name="行驶证及技术等级评定结论",
        parts=("行驶证主页", "技术等级评定结论"),
        checks=(
            Check(
                code="NOT_SEALED", who="检测机构检验检测专用章", note="技术等级评定结论（检测报告）加盖专用章"
            ),
        ),
    )
    licence = page(line("中华人民共和国机动车行驶证", 300, 80), line("行驶证主页", 300, 140), index=0)
    report = page(line("道路运输车辆综合性能检测报告", 300, 80), line("技术等级评定结论", 300, 140), index=1)
    sealed_page = {0}  # only the licence copy carries a seal

    def marks(p, kind):
        return [Mark(kind="seal", box=Box(x0=0, y0=0, x1=10, y1=10))] if p.index in sealed_page else []

    located = [
        Located(view=PageView.of(0, pg, None), label=PageLabel(material="M6", score=10.0), file_name="f.pdf")
        for pg in (licence, report)
    ]
    out = assemble(ItemOf(vehicle), located, unreadable_slots={}, wrong_slots={}, marks=marks)
    assert out["M6"].sets[0].sealed is False
    sealed_page.add(1)
    out = assemble(ItemOf(vehicle), located, unreadable_slots={}, wrong_slots={}, marks=marks)
    assert out["M6"].sets[0].sealed is True


# --- seals and signatures: scope, who owes them, doubt --------------------------------------------


class _Doubts:
    """A `MarkDoubts` with fixed answers per page index."""

    def __init__(self, doubt: dict[int, str] | None = None, places: dict[int, int] | None = None) -> None:
        self._doubt, self._places = doubt or {}, places or {}

    def doubt(self, page, kind):
        return self._doubt.get(page.index, "")

    def places(self, page):
        return self._places.get(page.index, 0)


def _checked(*checks, fields=None, parts=()):
    from rules.spec import Check

    return Material(
        id="M7",
        name="证明",
        fields=fields or {},
        parts=parts,
        checks=tuple(Check(code=c[0], who=c[1], note=c[2] if len(c) > 2 else "") for c in checks),
    )


def _set(material, pages, *, marks=None, doubts=None):
    located = [
        Located(
            view=PageView.of(0, p, None),
            label=PageLabel(material=material.id, score=10.0),
            file_name="photo.jpg",
        )
        for p in pages
    ]
    found = marks or (lambda page, kind: [])
    return assemble(
        ItemOf(material), located, unreadable_slots={}, wrong_slots={}, marks=found, doubts=doubts
    )[material.id].sets[0]


def test_a_seal_judged_absent_on_weak_evidence_says_where_and_what() -> None:
    letter = _checked(("NOT_SEALED", "申请人公章"))
    pages = [page(line("证明", 300, 80), index=0), page(line("特此证明", 300, 80), index=1)]
    one = _set(letter, pages, doubts=_Doubts({1: "有颜色很浅的红色圆形印迹，不能确认是印章"}))
    assert one.sealed is False
    assert one.doubts["sealed"] == "photo.jpg 第2页：有颜色很浅的红色圆形印迹，不能确认是印章"
    assert _set(letter, pages, doubts=_Doubts()).doubts == {}  # clear pages: a sure absence


def test_a_page_without_a_place_to_sign_makes_the_absence_unsure() -> None:
    form = _checked(("NOT_SIGNED", "负责人"))
    pages = [page(line("承诺书", 300, 80), index=0)]
    assert "未找到签字栏" in _set(form, pages, doubts=_Doubts()).doubts["signed"]
    # a place to sign that was found clearly empty is a sure absence
    assert _set(form, pages, doubts=_Doubts(places={0: 1})).doubts == {}


def test_found_marks_raise_no_doubt() -> None:
    from prereview.documents import Box, Mark

    form = _checked(("NOT_SIGNED", "负责人"), ("NOT_SEALED", "申请人公章"))
    stamp = [Mark(kind="seal", box=Box(x0=0, y0=0, x1=9, y1=9))]
    signature = [Mark(kind="signature", box=Box(x0=0, y0=0, x1=9, y1=9))]
    one = _set(
        form,
        [page(line("承诺书", 300, 80))],
        marks=lambda p, kind: stamp if kind == "seal" else signature,
        doubts=_Doubts({0: "页面模糊（清晰度 0.14），看不清有无印章"}),
    )
    assert one.sealed is True and one.signed is True and one.doubts == {}


def _lease_set(lessor: str, lessee: str, sealed_pages: set[int]):
    from prereview.documents import Box, Mark

    lease = _checked(
        ("NOT_SEALED", "单位出租方、单位承租方公章"),
        ("PAGES_MISSING", "", "以租赁合同提交的，须附出租方产权证明"),
        fields={"出租方": FieldSpec(type="name"), "承租方": FieldSpec(type="name")},
        parts=("出租方产权证明",),
    )
    lease = lease.model_copy(
        update={
            "checks": (lease.checks[0], lease.checks[1].model_copy(update={"parts": ("出租方产权证明",)}))
        }
    )
    contract = page(
        line("房屋租赁合同", 600, 80),
        line("出租方（甲方）", 167, 269),
        line(lessor, 461, 269),
        line("承租方（乙方）", 167, 330),
        line(lessee, 461, 330),
        index=0,
    )
    deed = page(line("不动产权证书", 600, 80), line("出租方产权证明", 600, 140), index=1)

    def marks(p, kind):
        # the contract carries both parties' seals (two units owe two, `prereview.signoff.seals_owed`)
        seals = 2 if p.index == 0 else 1
        return (
            [Mark(kind="seal", box=Box(x0=20 * i, y0=0, x1=20 * i + 9, y1=9)) for i in range(seals)]
            if p.index in sealed_pages
            else []
        )

    return _set(lease, [contract, deed], marks=marks)


def test_a_lease_is_not_sealed_by_the_registry_seal_on_its_title_deed() -> None:
    assert _lease_set("安和市众合置业有限公司", "安和市测试餐饮有限公司", {1}).sealed is False
    assert _lease_set("安和市众合置业有限公司", "安和市测试餐饮有限公司", {0, 1}).sealed is True


def test_a_lease_between_persons_owes_no_unit_seal() -> None:
    assert _lease_set("罗亮锋", "邓志阳", set()).sealed is None
    assert _lease_set("罗亮锋", "安和市测试餐饮有限公司", set()).sealed is False


def test_a_seal_check_whose_condition_on_the_form_fails_is_left_out() -> None:
    from rules.expr import parse

    proof = _checked(
        ("NOT_SEALED", "单位出租方、单位承租方公章"),
        ("NOT_SEALED", "产权单位公章"),
        fields={
            "出租方": FieldSpec(type="name"),
            "承租方": FieldSpec(type="name"),
            "形式": FieldSpec(options={"租赁合同": ("租赁合同",), "使用证明": ("使用证明",)}),
        },
    )
    lease_only, proof_only = (
        c.model_copy(update={"when": parse(f"M7「形式」 = {form}")})
        for c, form in zip(proof.checks, ("租赁合同", "使用证明"), strict=True)
    )
    proof = proof.model_copy(update={"checks": (lease_only, proof_only)})
    contract = page(
        line("房屋租赁合同", 600, 80),
        line("出租方（甲方）", 167, 269),
        line("罗亮锋", 461, 269),
        line("承租方（乙方）", 167, 330),
        line("邓志阳", 461, 330),
    )
    # a lease between persons: the 使用证明's 产权单位 seal is not asked of it
    assert _set(proof, [contract]).sealed is None
