from __future__ import annotations

from prereview.documents import PageSource
from prereview.headings import foreign_heading
from prereview.recognise import TITLE_SCORE, PageView, classify, material_score, parts_on
from rules.spec import Confusion, Material, Recognition
from tests.prereview._pages import ItemOf, corpus_item, line, page


def _view(*lines, file: int = 0, slot: str | None = None) -> PageView:
    return PageView.of(file, page(*lines), slot)


def test_a_look_alike_that_is_another_material_of_the_item_wins_over_a_longer_title() -> None:
    cover = _view(
        line("公开版本", 1387, 176),
        line("建设项目环境影响报告表", 460, 323, h=60),
        line("（污染影响类）（公开版本）", 588, 407),
        line("项目名称", 167, 539),
        line("年产5000吨塑料制品项目", 461, 539),
    )
    approval = _view(
        line("建设项目环境影响报告表", 460, 323, h=60),
        line("（污染影响类）", 588, 407),
        line("项目名称", 167, 539),
        file=1,
    )
    labels = classify([cover, approval], corpus_item("HB-001"), declared={})
    assert [lab.material for lab in labels] == ["M3", "M2"]
    assert "公开版本" in labels[0].parts


def test_a_confusion_that_is_no_material_of_the_item_still_yields_to_a_longer_title() -> None:
    from prereview.recognise import _sibling_confusions

    report = Material(
        id="M2",
        name="报告表",
        recognition=Recognition(
            titles=("建设项目环境影响报告表",), confusions=(Confusion(title="公开版本"),)
        ),
    )
    other = Material(id="M9", name="其他", recognition=Recognition(titles=("其他材料",)))
    view = _view(line("建设项目环境影响报告表（公开版本）", 300, 200))
    assert _sibling_confusions(view, [(11.0, report), (0.5, other)]) == [(11.0, report), (0.5, other)]


def test_certificate_types_are_parts_of_the_yj_m4_set() -> None:
    m4 = corpus_item("YJ-001").material("M4")
    manager = _view(
        line("安全生产知识和管理能力考核合格证", 582, 206),
        line("人员类型", 326, 479),
        line("主要负责人", 567, 475),
    )
    safety = _view(
        line("安全生产知识和管理能力考核合格证", 582, 206),
        line("人员类型", 326, 479),
        line("安全生产管理人员", 567, 475),
    )
    assert parts_on(manager, m4) == {"主要负责人合格证"}
    assert parts_on(safety, m4) == {"安全生产管理人员合格证"}


def test_articles_of_association_required_items_are_found_by_their_chapters() -> None:
    m2 = corpus_item("SC-001").material("M2")
    text = [
        "安和市永盛信息技术有限公司章程",
        "第一章 总则",
        "第二条 公司名称：安和市永盛信息技术有限公司。",
        "第三条 公司住所：安和市东湖区创业大道739号。",
        "第二章 公司经营范围",
        "第三章 公司注册资本",
        "第四章 股东的姓名或者名称、出资额、出资方式和出资日期",
        "第五章 公司的机构及其产生办法、职权、议事规则",
        "第七条 公司股东会由全体股东组成。第九条 公司不设董事会，设董事一人。",
        "第六章 公司的法定代表人",
    ]
    full = _view(*[line(t, 156, 160 + 50 * k) for k, t in enumerate(text)])
    assert parts_on(full, m2) == set(m2.parts)
    without_rep = _view(*[line(t, 156, 160 + 50 * k) for k, t in enumerate(text[:-1])])
    assert parts_on(without_rep, m2) == set(m2.parts) - {"法定代表人的产生、变更办法"}


def test_rs_m3_finds_the_charter_in_the_compilation_contents() -> None:
    m3 = corpus_item("RS-001").material("M3")
    contents = _view(
        *[
            line(t, 156, 260 + 48 * k)
            for k, t in enumerate(
                [
                    "章程及人力资源服务管理制度汇编",
                    "第一部分 公司章程",
                    "第二部分 服务流程制度",
                    "第三部分 收费管理制度",
                    "第四部分 信息管理和个人信息保护制度",
                    "第五部分 服务档案管理制度",
                    "第六部分 投诉处理制度",
                ]
            )
        ]
    )
    assert parts_on(contents, m3) == set(m3.parts)


def test_a_title_is_a_line_of_its_own_not_a_word_in_a_sentence() -> None:
    decision = _view(
        line("股东决定", 700, 167, h=50),
        line("安和市诚信餐饮管理有限公司", 628, 237),
        line("安和市诚信餐饮管理有限公司（筹）股东万帆伟依据《中华人民共和国公司法》及公司章程的", 217, 323),
        line("规定，于2025年12月23日作出如下决定：", 156, 370),
        line("董事", 167, 462),
        line("万帆伟", 461, 462),
        line("法定代表人", 167, 663),
        line("万帆伟", 461, 663),
    )
    assert classify([decision], corpus_item("SC-001"), declared={})[0].material == "M6"


def test_a_page_titled_as_a_look_alike_is_no_other_material_by_its_field_labels() -> None:
    change = _view(
        line("公司登记（备案）申请书", 156, 166),
        line("名称", 167, 266),
        line("安和市盛世教育咨询有限公司", 461, 266),
        line("申请类型", 167, 334),
        line("√变更 □设立 □注销 □备案", 461, 334),
        line("法定代表人", 167, 401),
        line("王志华", 461, 401),
        line("统一社会信用代码", 167, 468),
        line("住所", 167, 654),
        line("经营范围", 167, 720),
        line("注册资本", 167, 780),
        slot="M1",
    )
    label = classify([change], corpus_item("SC-001"), declared={})[0]
    assert label.material is None and label.other


def test_a_page_with_few_cues_in_its_materials_slot_is_that_material() -> None:
    flyleaf = [
        line("编制单位及人员", 300, 136),
        line("编制单位", 100, 188),
        line("安和市江河水利规划设计有限公司", 400, 188),
        line("项目负责人", 100, 225),
        line("侯波", 400, 226),
    ]
    item = corpus_item("SL-001")
    assert classify([_view(*flyleaf, slot="M4")], item, declared={})[0].material == "M4"
    assert classify([_view(*flyleaf)], item, declared={})[0].material is None


def test_a_card_face_after_a_documents_last_page_in_one_scan_is_a_document_of_its_own() -> None:
    """A multi-material scan: 章程, its untitled signature page, then a copy of the ID card (no title,
    only the card's own captions): the card is not taken as the 章程's next page."""
    rules = _view(line("安和市新城文化传媒有限公司章程", 471, 205), line("第一章 总则", 208, 321))
    signed = _view(line("股东（签字）：沈婕芳", 209, 275), line("签署日期：2026年4月5日", 1203, 332))
    card = _view(
        line("姓名 沈婕芳", 396, 303),
        line("性别 女 民族 汉", 392, 378),
        line("出生 1967年7月3日", 396, 461),
        line("住址 安和市安平县龙山镇南街70号", 395, 536),
        line("公民身份号码 362321196707035127", 396, 700),
    )
    labels = classify([rules, signed, card], corpus_item("SC-001"), declared={"legal_rep_name": "沈婕芳"})
    assert [lab.material for lab in labels[:2]] == ["M2", "M2"] and labels[1].continued
    assert labels[2].material in ("M3", "M4") and not labels[2].continued


def test_a_report_page_naming_another_materials_labels_stays_with_the_report() -> None:
    rules = _view(line("安和市新城文化传媒有限公司章程", 471, 205), line("第一章 总则", 208, 321))
    chapter = _view(
        line("第五条 股东的姓名、住所及出资：", 208, 300), line("公司注册资本为100万元。", 208, 360)
    )
    labels = classify([rules, chapter], corpus_item("SC-001"), declared={})
    assert [lab.material for lab in labels] == ["M2", "M2"] and labels[1].continued


def test_a_long_part_title_with_one_character_misread_still_names_its_part() -> None:
    m9 = corpus_item("YJS-001").material("M9")
    scanned = PageView.of(
        0, page(line("一、经营场所平面布间图", 361, 326)).model_copy(update={"source": PageSource.OCR}), None
    )
    typed = _view(line("一、经营场所平面布间图", 361, 326))
    assert "经营场所平面布局图" in parts_on(scanned, m9)
    assert "经营场所平面布局图" not in parts_on(typed, m9)  # a text layer says what it says


def test_near_in_allows_one_substitution_in_long_words_only() -> None:
    from prereview.recognise import near_in

    assert near_in("经营场所平面布局图", "一经营场所平面布间图")
    assert not near_in("经营场所平面布局图", "一经营场所立面结构图")
    assert not near_in("营业执照", "营业执熙")  # short cues must match exactly


def _ocr(*lines, file: int = 0, slot: str | None = None) -> PageView:
    scanned = page(*lines).model_copy(update={"source": PageSource.OCR})
    return PageView.of(file, scanned, slot)


def _form(*, file: int = 0, slot: str | None = None, title: str = "公司登记（备案）申请书", ocr: bool = True):
    lines = [
        line(title, 600, 120, h=44),
        line("申请类型 ☑设立 □变更", 160, 220),
        line("名称", 160, 280),
        line("安和市明远咨询有限公司", 420, 280),
        line("法定代表人", 160, 340),
        line("周启明", 420, 340),
        line("注册资本（万元）", 160, 400),
        line("经营范围", 160, 460),
    ]
    return _ocr(*lines, file=file, slot=slot) if ocr else _view(*lines, file=file, slot=slot)


def test_a_title_misread_on_a_photo_still_names_its_material() -> None:
    item = corpus_item("SC-001")
    assert classify([_form(title="公司登圮（备桉）申请书")], item, declared={})[0].material == "M1"
    typed = _form(title="公司登圮（备桉）申请书", ocr=False)
    assert material_score(typed, item.material("M1"))[0] < TITLE_SCORE  # a text layer says what it says


def test_a_short_title_must_be_read_exactly_even_on_a_photo() -> None:
    licence = Material(id="M5", name="执照", recognition=Recognition(titles=("营业执照",)))
    assert material_score(_ocr(line("营业执熙", 300, 100, h=50)), licence)[0] < TITLE_SCORE
    assert material_score(_ocr(line("营业执照", 300, 100, h=50)), licence)[0] >= TITLE_SCORE


def test_a_look_alikes_title_read_exactly_wins_over_the_materials_title_read_nearly() -> None:
    report = Material(
        id="M2",
        name="报告表",
        recognition=Recognition(
            titles=("建设项目环境影响报告表",), confusions=(Confusion(title="建设项目环境影响报告书"),)
        ),
    )
    book = _ocr(line("建设项目环境影响报告书", 400, 100, h=50), line("总则", 160, 300))
    table = _ocr(line("建设项目环境影响报告表", 400, 100, h=50), line("项目名称", 160, 300))
    assert material_score(book, report) == (0.0, "建设项目环境影响报告书")
    assert material_score(table, report)[0] >= TITLE_SCORE


def test_a_page_tied_between_two_forms_continues_its_files_material() -> None:
    """A report's staff page shares its labels with the application form and sits in the form's slot:
    the tie between two different forms goes to the file's previous page, not to a person or the slot."""
    report = Material(
        id="M2",
        name="甲类报告",
        recognition=Recognition(
            titles=("甲类报告",), keywords=("编制情况表",), labels=("编制单位", "项目编号", "单位名称")
        ),
    )
    form = Material(
        id="M1",
        name="乙类申请表",
        recognition=Recognition(titles=("乙类申请表",), labels=("编制单位", "项目编号", "单位名称")),
    )
    cover = _view(line("甲类报告", 600, 200, h=50), line("项目名称 一期工程", 200, 400), slot="M1")
    staff = _view(
        line("编制情况表", 600, 120),
        line("项目编号 X1", 160, 200),
        line("编制单位 安和市某设计院", 160, 260),
        line("单位名称 安和市某设计院", 160, 320),
        slot="M1",
    )
    labels = classify([cover, staff], ItemOf(form, report), declared={})
    assert [lab.material for lab in labels] == ["M2", "M2"] and labels[1].continued


def test_a_page_under_the_heading_of_another_document_is_a_look_alike_not_an_id_card() -> None:
    """A register page prints 姓名、民族、出生、住址 and 公民身份号码 like a card's portrait face, under a
    heading of its own: it is that other document."""
    register = _ocr(
        line("流动人口信息登记表", 560, 100, h=46),
        line("姓名", 120, 200),
        line("韩立新", 300, 200),
        line("民族 汉", 120, 260),
        line("出生日期 1990年5月6日", 120, 320),
        line("住址 安和市东湖区", 120, 380),
        line("公民身份号码 110101199005061234", 120, 440),
        slot="M9",
    )
    label = classify([register], corpus_item("SL-001"), declared={})[0]
    assert label.material is None and label.other == "流动人口信息登记表"


def test_a_heading_read_with_low_confidence_is_no_look_alike() -> None:
    """A card's letter-spaced labels (姓　名 / 性　别 …) read across as one tall word of low confidence is
    a guess of the OCR, not the title of another kind of document: the card is still the card."""
    values = ("韩立新", "男", "汉", "1990年5月6日", "安和市东湖区")
    back = ("签发机关 安和市公安局东湖区分局", "有效期限 2020.01.01-2040.01.01")
    face = _ocr(
        line("会验单位", 120, 100, h=60, score=0.51),
        *[line(v, 300, 110 + 40 * k) for k, v in enumerate(values)],
        line("公民身份号码 110101199005061234", 120, 330),
        line("中华人民共和国", 200, 600, h=40),
        line("居民身份证", 260, 660),
        *[line(v, 120, 700 + 40 * k) for k, v in enumerate(back)],
        slot="M9",
    )
    label = classify([face], corpus_item("SL-001"), declared={})[0]
    assert label.material == "M9" and not label.other
    first, *rest = face.page.lines  # the same line read surely is a heading of another document
    surely = face.page.model_copy(update={"lines": [first.model_copy(update={"score": 0.99}), *rest]})
    assert foreign_heading(surely, (), ("居民身份证",), ("居民身份证",)) == "会验单位"
    # the label column read downwards, surely: a box taller than wide runs down the page, no heading
    column = first.model_copy(
        update={"score": 0.99, "box": first.box.model_copy(update={"x1": first.box.x0 + 50})}
    )
    downwards = face.page.model_copy(update={"lines": [column, *rest]})
    assert column.box.height > column.box.width
    assert foreign_heading(downwards, (), ("居民身份证",), ("居民身份证",)) == ""


def test_a_cards_large_name_line_is_no_foreign_heading() -> None:
    face = _ocr(
        line("姓名 韩立新", 120, 100, h=46),
        line("性别 男 民族 汉", 120, 200),
        line("出生 1990年5月6日", 120, 260),
        line("住址 安和市东湖区", 120, 320),
        line("公民身份号码 110101199005061234", 120, 440),
        slot="M9",
    )
    assert classify([face], corpus_item("SL-001"), declared={})[0].material == "M9"


def test_a_page_headed_by_a_part_of_the_previous_pages_material_continues_it() -> None:
    """The report's staff page shows many of the application form's labels and few of the report's cues:
    its heading, a part of the report, keeps it in the report's file."""
    report = Material(
        id="M2",
        name="甲类报告",
        parts=("编制单位和编制人员情况表",),
        recognition=Recognition(titles=("甲类报告",), keywords=("污染影响类",)),
    )
    form = Material(
        id="M1",
        name="乙类申请表",
        recognition=Recognition(
            titles=("乙类申请表",),
            labels=("项目名称", "建设单位", "统一社会信用代码", "法定代表人", "编制单位", "联系人"),
        ),
    )
    cover = _ocr(line("甲类报告", 600, 200, h=50), line("（污染影响类）", 620, 280))
    staff_lines = [line("编制单位和编制人员情况表", 500, 100, h=40)] + [
        line(f"{label} 安和市某某单位", 160, 200 + 60 * k)
        for k, label in enumerate(
            ("项目名称", "建设单位", "统一社会信用代码", "法定代表人", "编制单位", "联系人")
        )
    ]
    staff = _ocr(*staff_lines)
    labels = classify([cover, staff], ItemOf(form, report), declared={})
    assert [lab.material for lab in labels] == ["M2", "M2"]
    assert labels[1].parts == {"编制单位和编制人员情况表"}
    alone = _ocr(*staff_lines, file=1)
    assert classify([alone], ItemOf(form, report), declared={})[0].material == "M1"  # no file to continue


def test_a_heading_that_varies_the_materials_own_title_is_no_look_alike() -> None:
    lease = _ocr(
        line("房屋租赁协议", 560, 100, h=46),
        line("出租方 安和市宏达置业有限公司", 120, 200),
        line("承租方 安和市启航物流有限公司", 120, 260),
        line("坐落 安和市东湖区文化路12号", 120, 320),
        line("租赁期限 2025年1月1日至2027年12月31日", 120, 380),
    )
    assert classify([lease], corpus_item("SC-001"), declared={})[0].material == "M7"


def _contents(*entries: str, title: str = "", file: int) -> PageView:
    lines = [line(title, 400, 120, h=46)] if title else []
    lines += [line(t, 160, 220 + 60 * k) for k, t in enumerate(entries)]
    return _ocr(*lines, file=file)


def test_an_untitled_page_photographed_apart_completes_the_material_whose_parts_it_holds() -> None:
    """A list's second page, photographed as a file of its own, has no title: the parts it lists that
    the titled first page lacks make it that material's next page, and not when it adds none."""
    m3 = corpus_item("YJ-001").material("M3")
    first = _contents(*m3.parts[:10], title="安全生产规章制度和岗位操作规程目录清单", file=0)
    second = _contents(*(f"{k}. {part}" for k, part in enumerate(m3.parts[10:12], start=11)), file=1)
    labels = classify([first, second], corpus_item("YJ-001"), declared={})
    assert labels[0].material == "M3" and labels[1].material == "M3" and labels[1].continued
    assert labels[1].parts == set(m3.parts[10:12])
    again = _contents(*m3.parts[:2], file=1)  # nothing the first page lacks: no reason to join it
    assert classify([first, again], corpus_item("YJ-001"), declared={})[1].material is None
    alone = classify([second], corpus_item("YJ-001"), declared={})[0]
    assert alone.material is None  # no material recognised elsewhere to complete


def test_a_title_naming_the_charter_and_the_rules_is_no_chapter_of_the_charter() -> None:
    m3 = corpus_item("RS-001").material("M3")
    heads = [
        "服务流程制度",
        "收费管理制度（含明码标价）",
        "信息管理和个人信息保护制度",
        "服务档案管理制度",
        "投诉处理制度",
    ]
    title = line("安和市某某人力资源服务有限公司章程和管理制度", 300, 120, h=40)
    chapters = [line(f"第{k + 1}章 {h}", 156, 260 + 48 * k) for k, h in enumerate(heads)]
    assert parts_on(_view(title, *chapters), m3) == set(m3.parts) - {"机构章程"}
    charter = line("第六章 机构章程", 156, 260 + 48 * len(heads))
    assert parts_on(_view(title, *chapters, charter), m3) == set(m3.parts)
    # a charter on its own, titled as one, is the charter
    alone = line("安和市某某人力资源服务有限公司章程", 300, 120, h=40)
    assert "机构章程" in parts_on(_view(alone, line("第一章 总则", 156, 260)), m3)
