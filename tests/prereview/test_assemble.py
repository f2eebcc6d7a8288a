from __future__ import annotations

from prereview.assemble import Located, assemble
from prereview.documents import Page, PageSource
from prereview.recognise import PageLabel, PageView, parts_on
from rules.casefacts import FieldState
from rules.spec import FieldSpec, Material, Recognition
from tests.prereview._pages import ItemOf, line, page


def _evidence(material: Material, *pages):
    located = [
        Located(
            view=PageView.of(0, p, None), label=PageLabel(material=material.id, score=10.0), file_name="f.pdf"
        )
        for p in pages
    ]
    out = assemble(
        ItemOf(material), located, unreadable_slots={}, wrong_slots={}, marks=lambda page, kind: []
    )
    return out[material.id].sets[0].fields


def test_checkbox_options_wrapped_onto_the_next_line_are_read() -> None:
    form = Material(
        id="M1",
        name="申请书",
        recognition=Recognition(titles=("申请书",)),
        fields={"申请服务范围": FieldSpec(type="checkbox")},
    )
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
    p = page(
        line("申请服务范围：□为劳动者介绍用人单位 □组织开展现场招聘会", 145, 831),
        line("□开展网络招聘服务", 204, 883),
    )
    assert _evidence(form, p)["申请服务范围"].state is FieldState.EMPTY


def test_a_list_field_is_read_from_its_table_column() -> None:
    charter = Material(
        id="M2",
        name="章程",
        fields={
            "股东姓名或名称": FieldSpec(type="list", labels=("股东姓名或名称", "股东")),
            "公司名称": FieldSpec(type="name"),
        },
    )
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


def test_checkbox_options_printed_as_separate_boxes_on_the_label_row() -> None:
    form = Material(id="M1", name="申请书", fields={"环境影响评价文件类型": FieldSpec(type="checkbox")})
    p = page(
        line("环境影响评价文件类型： ☐报告书", 156, 902),
        line("☑报告表", 643, 902),
        line("☐登记表", 799, 902),
        line("安和市生态环境局：我单位委托编制完成了上述项目环境影响报告表，现报请审批。", 217, 959),
    )
    assert _evidence(form, p)["环境影响评价文件类型"].value == "报告表"


def test_a_second_back_face_in_one_file_goes_to_the_set_that_lacks_it() -> None:
    """A scanned bundle: one person's card with both faces, then a back face alone, whose front (another
    person's) is a separate photo: the lone back completes that person's set, not the previous page's."""
    from rules.spec import Recognition as Rec

    card = Material(
        id="M4",
        name="居民身份证",
        per="自然人股东",
        parts=("人像面", "国徽面"),
        recognition=Rec(part_cues={"人像面": ("公民身份号码",), "国徽面": ("签发机关",)}),
        fields={
            "姓名": FieldSpec(type="name", part="人像面"),
            "公民身份号码": FieldSpec(type="id_number", part="人像面"),
            "有效期限": FieldSpec(type="period", part="国徽面"),
        },
    )
    both = page(
        line("姓名 何婷佳", 60, 60),
        line("公民身份号码 362321196501245567", 60, 330),
        line("签发机关 安和市公安局东湖分局", 60, 600),
        line("有效期限 2025.10.10-长期", 60, 650),
    )
    lone_back = page(
        line("签发机关 安和市公安局临江分局", 60, 300), line("有效期限 2014.02.09-2034.02.09", 60, 350)
    )
    front = page(line("姓名 王霞媛", 60, 60), line("公民身份号码 360121197710080422", 60, 330))

    def located(p, file: int) -> Located:
        view = PageView.of(file, p, None)
        return Located(
            view=view,
            label=PageLabel(material="M4", score=10.0, parts=parts_on(view, card)),
            file_name=f"f{file}",
        )

    pages = [located(both, 0), located(lone_back, 0), located(front, 1)]
    sets = assemble(ItemOf(card), pages, unreadable_slots={}, wrong_slots={}, marks=lambda page, kind: [])[
        "M4"
    ].sets
    periods = {s.fields["姓名"].value: s.fields["有效期限"].value for s in sets}
    assert periods == {"何婷佳": "2025.10.10-长期", "王霞媛": "2014.02.09-2034.02.09"}


def test_a_blank_looking_cell_with_ink_on_a_photo_is_unreadable_not_empty(tmp_path) -> None:
    """A blurred name the OCR found no text in: the cell holds ink, so the field is unreadable (not a
    FIELD_EMPTY); a cell that is really blank stays empty."""
    import cv2
    import numpy as np

    from prereview.documents import PageSource

    form = Material(
        id="M1", name="申请书", fields={"联系人": FieldSpec(type="name"), "计量方式": FieldSpec()}
    )
    image = np.full((600, 900, 3), 255, np.uint8)
    cv2.putText(image, "Qin Shulin", (260, 128), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (40, 40, 40), 2)
    cv2.imwrite(str(tmp_path / "p.png"), image)
    p = page(line("联系人", 60, 100), line("计量方式", 60, 300), width=900, height=600)
    p = p.model_copy(update={"source": PageSource.OCR, "image_path": str(tmp_path / "p.png")})
    fields = _evidence(form, p)
    assert fields["联系人"].state is FieldState.UNREADABLE
    assert fields["计量方式"].state is FieldState.EMPTY


def _vehicle() -> Material:
    from rules.spec import Recognition as Rec

    return Material(
        id="M6",
        name="行驶证及技术等级评定结论",
        per="车辆",
        parts=("行驶证", "评定结论"),
        recognition=Rec(part_cues={"行驶证": ("机动车行驶证",), "评定结论": ("检测报告",)}),
        fields={
            "号牌号码": FieldSpec(type="plate", part="行驶证"),
            "评定结论号牌号码": FieldSpec(type="plate", labels=("号牌号码",), part="评定结论"),
        },
    )


def _vehicle_sets(*, source, report_plate="QA5201"):
    vehicle = _vehicle()
    licence = page(line("中华人民共和国机动车行驶证", 300, 80), line("号牌号码 赣QA5201", 100, 160))
    report = page(line("道路运输车辆综合性能检测报告", 300, 80), line(f"号牌号码 {report_plate}", 100, 160))
    other = page(line("中华人民共和国机动车行驶证", 300, 80), line("号牌号码 赣QB7310", 100, 160))
    pages = []
    for k, p in enumerate((licence, report, other)):
        view = PageView.of(k, p.model_copy(update={"source": source}), None)
        pages.append(
            Located(
                view=view,
                label=PageLabel(material="M6", score=10.0, parts=parts_on(view, vehicle)),
                file_name=f"f{k}.jpg",
            )
        )
    return assemble(ItemOf(vehicle), pages, unreadable_slots={}, wrong_slots={}, marks=lambda p, k: [])[
        "M6"
    ].sets


def test_a_number_misread_by_one_character_on_a_photo_still_joins_its_vehicles_set() -> None:
    """A report's plate read without its province character is the licence's vehicle (the sets hold
    different parts); only one of the two readings is a plate at all, so that plate is what is printed."""
    from prereview.documents import PageSource

    sets = _vehicle_sets(source=PageSource.OCR)
    assert len(sets) == 2
    joined = next(s for s in sets if "评定结论号牌号码" in s.fields)
    assert set(joined.parts or ()) == {"行驶证", "评定结论"}
    assert joined.fields["评定结论号牌号码"].value == joined.fields["号牌号码"].value == "赣QA5201"
    assert not joined.fields["评定结论号牌号码"].doubt and not joined.fields["号牌号码"].doubt
    lone = next(s for s in sets if s is not joined)
    assert not lone.fields["号牌号码"].doubt


def test_two_whole_plates_one_character_apart_are_joined_in_doubt() -> None:
    from prereview.documents import PageSource

    for report_plate in ("赣QA5207", "错QA5201"):  # a digit, or the province character misread
        sets = _vehicle_sets(source=PageSource.OCR, report_plate=report_plate)
        joined = next(s for s in sets if "评定结论号牌号码" in s.fields)
        if report_plate.startswith("赣"):
            assert joined.fields["评定结论号牌号码"].doubt and joined.fields["号牌号码"].doubt
        else:  # 错 is no province: the report's reading is the licence's plate misread
            assert joined.fields["评定结论号牌号码"].value == "赣QA5201"
            assert not joined.fields["评定结论号牌号码"].doubt


def test_a_plate_without_its_province_and_one_more_misread_joins_the_only_near_vehicle() -> None:
    from prereview.documents import PageSource

    sets = _vehicle_sets(source=PageSource.OCR, report_plate="Q45201")
    assert len(sets) == 2
    joined = next(s for s in sets if "评定结论号牌号码" in s.fields)
    assert joined.fields["评定结论号牌号码"].value == "赣QA5201"


def test_text_layers_are_not_misread_so_their_numbers_are_not_joined() -> None:
    from prereview.documents import PageSource

    assert len(_vehicle_sets(source=PageSource.TEXT)) == 3


def _equipment_list(*, source: PageSource, third_use: str) -> Page:
    rows = [
        ("操作台", "6张", "切配备餐"),
        ("洗手池", "3个", "从业人员洗手"),
        ("冷藏冷冻设备", "3台", third_use),
    ]
    lines = [
        line("二、主要设备设施清单", 149, 1186),
        line("序号", 157, 1241),
        line("设备设施名称", 289, 1241),
        line("数量", 726, 1241),
        line("用途", 944, 1241),
    ]
    for k, (name, count, use) in enumerate(rows):
        y = 1299 + 58 * k
        lines += [line(str(k + 1), 157, y), line(name, 289, y), line(count, 726, y)] + (
            [line(use, 944, y)] if use else []
        )
    return page(*lines, source=source)


EQUIPMENT = Material(
    id="M9",
    name="设备设施清单",
    recognition=Recognition(labels=("设备设施名称", "数量", "用途")),
    fields={"设备设施名称": FieldSpec(), "数量": FieldSpec(type="number"), "用途": FieldSpec()},
)


def test_a_blank_cell_in_any_row_of_a_listed_column_is_an_empty_field() -> None:
    fields = _evidence(EQUIPMENT, _equipment_list(source=PageSource.TEXT, third_use=""))
    assert fields["用途"].state is FieldState.EMPTY
    assert "第 3 行" in fields["用途"].evidence.text
    assert fields["用途"].doubt == ""  # a text layer's blank is sure
    assert fields["数量"].state is FieldState.OK


def test_a_column_filled_in_every_row_reads_as_its_first_value() -> None:
    fields = _evidence(EQUIPMENT, _equipment_list(source=PageSource.TEXT, third_use="原料冷藏"))
    assert (fields["用途"].state, fields["用途"].value) == (FieldState.OK, "切配备餐")


def test_a_blank_cell_on_a_scan_is_in_doubt() -> None:
    fields = _evidence(EQUIPMENT, _equipment_list(source=PageSource.OCR, third_use=""))
    assert fields["用途"].state is FieldState.EMPTY
    assert "识别遗漏" in fields["用途"].doubt


def test_a_weakly_read_name_on_a_photo_carries_a_doubt_a_clear_one_does_not() -> None:
    form = Material(id="M1", name="申请书", fields={"名称": FieldSpec(type="name"), "住所": FieldSpec()})
    weak = page(
        line("名称", 214, 203),
        line("安和市盛武建筑工程有限公司", 300, 201, score=0.92),
        line("住所", 213, 250),
        line("安和市东湖区长安路114号", 299, 250, score=0.92),
        source=PageSource.OCR,
    )
    fields = _evidence(form, weak)
    assert "0.92" in fields["名称"].doubt and "安和市盛武建筑工程有限公司" in fields["名称"].doubt
    assert fields["住所"].doubt == ""  # free text: no one character decides a finding on it
    clear = page(
        line("名称", 214, 203),
        line("安和市盛武建筑工程有限公司", 300, 201, score=0.99),
        source=PageSource.OCR,
    )
    assert _evidence(form, clear)["名称"].doubt == ""
    text = page(line("名称", 214, 203), line("安和市盛武建筑工程有限公司", 300, 201, score=0.92))
    assert _evidence(form, text)["名称"].doubt == ""


def test_a_title_beside_the_caption_is_a_doubtful_name() -> None:
    """A card's title printed large right of 姓名 (the name itself OCR missed) is no sure name."""
    card = Material(id="M3", name="身份证", fields={"姓名": FieldSpec(type="name")})
    p = page(line("姓名", 100, 200, h=24), line("居民身份证", 200, 180, h=56), source=PageSource.OCR)
    value = _evidence(card, p)["姓名"]
    assert value.value == "居民身份证"
    assert "标题" in value.doubt


def test_fields_named_by_their_block_read_their_own_blocks_number() -> None:
    report = Material(
        id="M2",
        name="报告表",
        fields={
            "建设单位": FieldSpec(type="name"),
            "建设单位统一社会信用代码": FieldSpec(type="uscc", labels=("统一社会信用代码",)),
            "编制单位名称": FieldSpec(type="name", labels=("编制单位名称", "编制单位")),
            "编制单位统一社会信用代码": FieldSpec(type="uscc", labels=("统一社会信用代码",)),
        },
    )
    p = page(
        line("编制单位（盖章）：安和市绿源环境科技有限公司", 120, 300),
        line("统一社会信用代码：9136110407Y7EQFM6D", 120, 360),
        line("建设单位（盖章）：安和市盛世农业发展有限公司", 120, 510),
        line("统一社会信用代码：91361103875P1YDF7G", 120, 570),
    )
    fields = _evidence(report, p)
    assert fields["编制单位统一社会信用代码"].value == "9136110407Y7EQFM6D"
    assert fields["建设单位统一社会信用代码"].value == "91361103875P1YDF7G"


def test_a_plate_read_without_its_province_joins_its_vehicle() -> None:
    papers = Material(
        id="M6",
        name="行驶证",
        per="vehicle",
        recognition=Recognition(labels=("号牌号码", "所有人")),
        fields={"号牌号码": FieldSpec(type="plate"), "所有人": FieldSpec(type="name")},
    )
    pages = [
        page(
            line("号牌号码", 100, 100),
            line("赣QC3838", 300, 100),
            line("所有人", 100, 160),
            line("安和市聚力运输有限公司", 300, 160),
            index=0,
        ),
        page(line("号牌号码", 100, 100), line("QC3838", 300, 100), index=1, source=PageSource.OCR),
        page(line("号牌号码", 100, 100), line("赣QD8457", 300, 100), index=2),
    ]
    located = [
        Located(
            view=PageView.of(k, p, None), label=PageLabel(material="M6", score=10.0), file_name=f"f{k}.jpg"
        )
        for k, p in enumerate(pages)
    ]
    out = assemble(ItemOf(papers), located, unreadable_slots={}, wrong_slots={}, marks=lambda page, kind: [])
    sets = out["M6"].sets
    assert len(sets) == 2
    assert sorted(len(s.evidence) for s in sets) == [1, 2]


def test_the_captions_signing_bracket_read_into_a_name_is_not_part_of_it() -> None:
    rep = Material(
        id="M1",
        name="申请书",
        recognition=Recognition(labels=("法定代表人",)),
        fields={"法定代表人": FieldSpec(type="name")},
    )
    fields = _evidence(rep, page(line("法定代表人", 100, 100), line("签字钱玲", 300, 100)))
    assert fields["法定代表人"].value == "钱玲"
    fields = _evidence(rep, page(line("法定代表人", 100, 100), line("签字", 300, 100)))
    assert fields["法定代表人"].value == "签字"  # nothing else read: left for the rules as it is


def test_a_blank_looking_cell_with_faint_ink_on_a_photo_is_empty_in_doubt(tmp_path) -> None:
    """A short pale value (4辆 on a shadowed photo): too little ink to call the field unreadable, enough
    that its emptiness is for the clerk to check; a clean blank cell stays a sure EMPTY."""
    import cv2
    import numpy as np

    from prereview.documents import PageSource

    form = Material(id="M1", name="申请书", fields={"车辆数量": FieldSpec(), "计量方式": FieldSpec()})
    image = np.full((600, 900, 3), 255, np.uint8)
    cv2.putText(image, "4", (200, 124), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (120, 120, 120), 1)
    cv2.imwrite(str(tmp_path / "p.png"), image)
    p = page(line("车辆数量", 60, 100), line("计量方式", 60, 300), width=900, height=600)
    p = p.model_copy(update={"source": PageSource.OCR, "image_path": str(tmp_path / "p.png")})
    fields = _evidence(form, p)
    assert fields["车辆数量"].state is FieldState.EMPTY and "很淡的字迹" in fields["车辆数量"].doubt
    assert fields["计量方式"].state is FieldState.EMPTY and fields["计量方式"].doubt == ""
