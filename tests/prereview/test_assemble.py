from __future__ import annotations

from prereview.assemble import Located, assemble
from prereview.recognise import PageLabel, PageView
from rules.casefacts import FieldState
from rules.spec import FieldSpec, Material, Recognition
from tests.prereview._pages import line, page

ITEM_STUB = type("ItemStub", (), {})


def _item(*materials: Material):
    stub = ITEM_STUB()
    stub.materials = materials
    return stub


def _evidence(material: Material, *pages):
    located = [Located(view=PageView.of(0, p, None), label=PageLabel(material=material.id, score=10.0), file_name="f.pdf")
               for p in pages]  # fmt: skip
    out = assemble(_item(material), located, unreadable_slots={}, wrong_slots={}, marks=lambda page, kind: [])
    return out[material.id].sets[0].fields


def test_checkbox_options_wrapped_onto_the_next_line_are_read() -> None:
    form = Material(id="M1", name="申请书", recognition=Recognition(titles=("申请书",)),
                    fields={"申请服务范围": FieldSpec(type="checkbox")})  # fmt: skip
    p = page(
        line("申请书", 600, 150),
        line("申请服务范围：□为劳动者介绍用人单位□为用人单位推荐劳动者 ☑组织开展现场招聘会", 145, 831),
        line("开展网络招聘服务 ☑开展高级人才寻访服务", 204, 883),
        line("本机构承诺：所填写信息真实有效。", 207, 936),
    )
    value = _evidence(form, p)["申请服务范围"]
    assert value.state is FieldState.OK
    assert value.value == "组织开展现场招聘会、开展高级人才寻访服务"


def test_checkbox_with_nothing_ticked_is_empty() -> None:
    form = Material(id="M1", name="申请书", fields={"申请服务范围": FieldSpec(type="checkbox")})
    p = page(line("申请服务范围：□为劳动者介绍用人单位 □组织开展现场招聘会", 145, 831),
             line("□开展网络招聘服务", 204, 883))  # fmt: skip
    assert _evidence(form, p)["申请服务范围"].state is FieldState.EMPTY


def test_a_list_field_is_read_from_its_table_column() -> None:
    charter = Material(id="M2", name="章程", fields={
        "股东姓名或名称": FieldSpec(type="list", labels=("股东姓名或名称", "股东")),
        "公司名称": FieldSpec(type="name")})  # fmt: skip
    p = page(
        line("第二条 公司名称：安和市永盛信息技术有限公司。", 217, 443),
        line("第四章 股东的姓名或者名称、出资额、出资方式和出资日期", 156, 893),
        line("股东姓名或名称", 164, 1042),
        line("认缴出资额（万元） 出资方式", 675, 1042),
        line("出资日期", 1165, 1042),
        line("沈晶", 164, 1100),
        line("5", 675, 1100),
        line("2029年3月24日", 1165, 1100),
        line("余华鑫", 164, 1159),
        line("20", 675, 1159),
        line("2029年3月24日", 1165, 1159),
        line("第五章 公司的机构及其产生办法、职权、议事规则", 156, 1377),
    )
    fields = _evidence(charter, p)
    assert fields["股东姓名或名称"].value == "沈晶、余华鑫"
    assert (
        fields["公司名称"].value == "安和市永盛信息技术有限公司"
    )  # the sentence's full stop is no part of the name
