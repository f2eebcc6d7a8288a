from __future__ import annotations

from prereview.documents import Box, Mark
from prereview.recognise import PageLabel, PageView
from prereview.signoff import Located, seals_owed, sign_off
from prereview.visual.marks import NAMED_SEAL
from rules.casefacts import FieldState, FieldValue
from rules.codes import Code
from rules.spec import Check, FieldSpec, Material
from tests.prereview._pages import line, page

REPORT = Material(
    id="M2",
    name="报告表",
    fields={"建设单位": FieldSpec(type="name"), "编制单位名称": FieldSpec(type="name")},
    checks=(
        Check(code=Code.NOT_SEALED, who="建设单位公章"),
        Check(code=Code.NOT_SEALED, who="编制单位公章"),
    ),
)
LEASE = Material(
    id="M7",
    name="租赁合同",
    fields={"出租方": FieldSpec(type="name"), "承租方": FieldSpec(type="name")},
    checks=(Check(code=Code.NOT_SEALED, who="单位出租方、单位承租方公章"),),
)


def _read(**values: str) -> dict[str, FieldValue]:
    return {k: FieldValue(state=FieldState.OK, value=v) for k, v in values.items()}


def _seal(x: float) -> Mark:
    return Mark(kind="seal", box=Box(x0=x, y0=100, x1=x + 200, y1=300))


def _sealed(material: Material, fields: dict[str, FieldValue], seals: int) -> bool | None:
    located = [
        Located(
            view=PageView.of(0, page(line("盖章", 100, 100)), None),
            label=PageLabel(material=material.id, score=10.0),
            file_name="f.jpg",
        )
    ]
    found = [_seal(300 * i) for i in range(seals)]
    return sign_off(
        material, located, fields, marks=lambda p, kind: found if kind == "seal" else [], unsure=None
    ).sealed


def test_two_units_named_by_the_seal_checks_owe_two_seals() -> None:
    fields = _read(建设单位="安和市某某农业发展有限公司", 编制单位名称="安和市某某环境科技有限公司")
    assert seals_owed(REPORT, fields) == 2
    assert _sealed(REPORT, fields, 1) is False
    assert _sealed(REPORT, fields, 2) is True


def test_a_unit_compiling_its_own_report_owes_one_seal_even_misread() -> None:
    fields = _read(建设单位="安和市某某农业发展有限公司", 编制单位名称="安和市某某农业发屐有限公司")
    assert seals_owed(REPORT, fields) == 1
    assert _sealed(REPORT, fields, 1) is True


def test_a_person_party_or_an_unread_party_owes_no_seal_of_its_own() -> None:
    assert seals_owed(LEASE, _read(出租方="张某某", 承租方="安和市某某物流有限公司")) == 1
    assert seals_owed(LEASE, _read(出租方="安和市广厦置业有限公司", 承租方="安和市顺达物流有限公司")) == 2
    assert seals_owed(LEASE, {}) == 1


LICENCE = Material(
    id="M2",
    name="营业执照（申请人）",
    source="市场监督管理部门核发",
    fields={"名称": FieldSpec(type="name")},
    checks=(
        Check(code=Code.NAME_MISMATCH, field="名称", equals=("applicant_name",)),
        Check(code=Code.NOT_SEALED, who="执照所载主体的公章", note="复印件加盖执照所载主体的公章"),
    ),
)


def _licence_copy(rings: list[str]) -> tuple[bool | None, dict[str, str]]:
    located = [
        Located(
            view=PageView.of(0, page(line("营业执照", 100, 100)), None),
            label=PageLabel(material="M2", score=10.0),
            file_name="f.jpg",
        )
    ]
    found = [_seal(300 * i).model_copy(update={"text": t}) for i, t in enumerate(rings)]
    asked: list[str] = []

    def marks(_: object, kind: str) -> list[Mark]:
        asked.append(kind)
        return found if kind == NAMED_SEAL else []

    out = sign_off(
        LICENCE, located, _read(名称="安和市启航物流有限公司"), marks=marks, unsure=None, declared=()
    )
    assert asked == [NAMED_SEAL]  # whose seal it is matters: ring texts asked for
    return out.sealed, out.doubts or {}


def test_a_licence_copy_with_its_issuers_seal_only_is_not_sealed_surely() -> None:
    assert _licence_copy(["安和市市场监督管理局"]) == (False, {})


def test_a_licence_copy_sealed_by_its_holder_beside_the_issuers_seal() -> None:
    assert _licence_copy(["安和市市场监督管理局", "安和市启航物流有限公司"]) == (True, {})
    assert _licence_copy(["安和市市场监督管理局", ""]) == (True, {})  # the holder's ring not read
    assert _licence_copy(["安和市启航物流有限公司"]) == (True, {})  # a black-and-white copy


def test_one_unread_seal_on_a_licence_copy_is_doubtful() -> None:
    sealed, doubts = _licence_copy([""])
    assert sealed is False and "印章文字无法辨认" in doubts["sealed"]
