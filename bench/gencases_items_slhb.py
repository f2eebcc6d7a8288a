"""SL-001 and HB-001 for bench/gencases.py (see gencases_items.py for the contract)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gencases_common import (
    Defect,
    Gen,
    Material,
    break_uscc,
    id_card,
    poa,
)
from gencases_forms import form, sections_doc
from gencases_items import Built, agent_facts, agent_pair, licence_of, policy_text, unit_sign
from gencases_layout import Doc

# ---------------------------------------------------------------- SL-001


def build_sl(g: Gen, reject: str | None) -> Built:
    r = g.rnd
    natural = r.random() < 0.25
    if natural:
        me = g.person()
        f: dict[str, Any] = {
            "applicant_type": "natural_person",
            "applicant_name": me.name,
            "applicant_id": me.id,
            "location_area": "urban_district",
        }
        rep = me
    else:
        rep = g.person()
        f = {
            "applicant_type": "enterprise",
            "applicant_name": g.company(r.choice(["食品", "纺织", "建材", "水务"])),
            "uscc": g.uscc(),
            "legal_rep_name": rep.name,
            "legal_rep_id": rep.id,
            "location_area": "urban_district",
        }
    agent = agent_facts(g, f)
    vol = round(r.uniform(20, 600), 1)
    f.update(
        water_source_type="surface_water",
        annual_water_volume=vol,
        annual_groundwater_volume=0.0,
        exempt_case="none",
        is_construction_project=r.random() < 0.5,
        is_filing_project=r.random() < 0.5,
    )
    failed = []
    if reject == "C1":
        f["water_source_type"], failed = "public_supply", ["C1"]
    elif reject == "C2":
        f["exempt_case"], failed = "household_small", ["C2"]
    elif reject == "C4":
        f["annual_water_volume"], failed = 1250.0, ["C4"]
    elif reject == "C5":
        f.update(location_area="county", annual_water_volume=round(r.uniform(20, 150), 1))
        failed = ["C5"]
    name = f["applicant_name"]
    unit = unit_sign(f) if not natural else {"signs": ["申请人（签字）："]}
    idf = ("身份证号码", f["applicant_id"]) if natural else ("统一社会信用代码", f["uscc"])
    head = [("申请人", name), idf] + ([] if natural else [("法定代表人", rep.name)])
    m1 = Doc(
        title="取水许可申请书",
        date=g.fmt(g.review - timedelta(days=3)),
        **unit,
        fields=[
            *head,
            ("地址", g.address()),
            ("申请理由", "生产用水，新增取水"),
            ("取水起始时间及期限", f"{g.review.year}年起5年"),
            ("取水目的", "工业生产用水"),
            ("年取水量", f"{f['annual_water_volume']}万立方米"),
            ("年内各月用水量", "各月均匀取用，约占全年的8.3%"),
            ("水源类型", "地表水"),
            ("取水地点", f"安和市{r.choice(['赣江', '抚河', '锦江'])}右岸{g.address()}附近"),
            ("取水方式", "泵站提水"),
            ("计量方式", "电磁流量计在线计量"),
            ("节水措施", "循环冷却水回用，重复利用率不低于90%"),
            ("退水地点", "厂区污水处理站后排入市政管网"),
            ("退水中所含主要污染物", "COD、氨氮、SS"),
            ("污水处理措施", "调节池+生化处理，达标排放"),
        ],
    )
    ms = [
        form(
            "M1",
            m1,
            empty=["地址", "取水目的", "计量方式", "节水措施", "退水地点"],
            name_field="申请人",
            name=name,
            rnd=r,
        )
    ]
    if not natural:
        ms.append(licence_of(g, "M2", f))
    ms.append(id_card(g, "M3", rep))
    project = f"{name}{r.choice(['生产线扩建', '新建厂房', '技术改造'])}项目"
    if f["is_construction_project"]:
        consult = g.company("水利咨询")
        heads = ["取水水源论证", "用水合理性分析", "取水和退水对生态与环境及其他取用水户影响的论证", "结论"]
        d4 = policy_text(
            "建设项目水资源论证报告书", consult, heads, seals=[consult], seal_label="编制单位（盖章）："
        )
        d4.subtitle = "（报批稿）"
        d4.body = [f"项目名称：{project}", f"建设单位：{name}", f"编制单位：{consult}"]
        ms.append(sections_doc("M4", d4, r))
    d6 = Doc(
        title="与第三者利害关系的相关说明",
        date=g.fmt(g.review - timedelta(days=3)),
        **unit,
        body=[f"我{'单位' if not natural else '本人'}申请取水，经调查论证，说明如下。"],
        fields=[
            ("申请人", name),
            ("取水和退水影响范围", "取水口上下游各500米河段"),
            ("是否存在利害关系第三者", "否"),
        ],
    )
    ms.append(form("M6", d6, empty=["取水和退水影响范围"], name_field=None, name=name, rnd=r))
    if f["is_filing_project"]:
        d7 = Doc(
            title="江西省企业投资项目备案通知书",
            fixed_seals=["安和市发展和改革委员会"],
            seal_label="备案机关：",
            date=g.fmt(g.review - timedelta(days=60)),
            fields=[
                ("项目代码", f"2509-361102-04-01-{r.randint(100000, 999999)}"),
                ("项目名称", project),
                ("项目单位", name),
                ("建设地点", g.address()),
                ("备案日期", g.fmt(g.review - timedelta(days=60))),
            ],
        )
        ms.append(form("M7", d7, empty=[], name_field="项目单位", name=name, rnd=r, tol=5))
    ms += agent_pair(g, f, agent, "M8", "M9", "代为办理取水许可申请事宜")
    if agent and natural:
        ms[-2] = poa(
            g,
            "M8",
            principals=[name],
            seals=[],
            matter="代为办理取水许可申请事宜",
            agent=agent,
            signers=["委托人（签字）："],
        )
    return Built(f, ms, failed)


# ---------------------------------------------------------------- HB-001


def build_hb(g: Gen, reject: str | None) -> Built:
    r = g.rnd
    rep = g.person()
    f: dict[str, Any] = {
        "applicant_type": "enterprise",
        "applicant_name": g.company(r.choice(["机械制造", "电子科技", "新材料"])),
        "uscc": g.uscc(),
        "legal_rep_name": rep.name,
        "legal_rep_id": rep.id,
        "location_area": r.choice(["urban_district", "county"]),
    }
    agent = agent_facts(g, f)
    code = f"25{r.randint(10, 12)}-361102-{r.randint(10, 89)}-03-{r.randint(100000, 999999)}"
    f.update(
        eia_category="report_form",
        is_radiation_project=False,
        eia_approval_level="city",
        has_total_emission_increase=r.random() < 0.5,
        project_code=code,
    )
    failed = []
    if reject == "C1":
        f["eia_category"], failed = "report_book", ["C1"]
    elif reject == "C2":
        f["is_radiation_project"], failed = True, ["C2"]
    elif reject == "C3":
        f["eia_approval_level"], failed = "province", ["C3"]
    elif reject == "C4":
        f["location_area"], failed = "outside_city", ["C4"]
    name, unit = f["applicant_name"], unit_sign(f)
    consult, consult_uscc = g.company("环境科技"), g.uscc()
    project = f"{name}{r.choice(['年产5万件精密零部件', '电子元器件生产线', '新建厂房'])}项目"
    m1 = Doc(
        title="建设项目环境影响报告表审批申请书",
        date=g.fmt(g.review - timedelta(days=2)),
        **unit,
        fields=[
            ("项目名称", project),
            ("建设单位", name),
            ("统一社会信用代码", f["uscc"]),
            ("法定代表人", rep.name),
            ("建设地点", g.address()),
            ("项目代码", code),
            ("行业类别", "金属制品业"),
            ("环境影响评价文件类型", "报告表"),
            ("编制单位", consult),
            ("联系人", rep.name),
            ("联系电话", g.phone()),
        ],
    )
    ms = [
        form(
            "M1",
            m1,
            empty=["建设地点", "行业类别", "联系人", "联系电话"],
            name_field="建设单位",
            name=name,
            rnd=r,
        )
    ]
    cover = Doc(
        title="建设项目环境影响报告表",
        subtitle="（污染影响类）（报批稿）",
        keep_order=True,
        fields=[
            ("项目名称", project),
            ("建设单位", name),
            ("编制日期", f"{g.review.year}年{g.review.month}月"),
        ],
    )
    table = Doc(
        title="编制单位和编制人员情况表",
        seals=[name, consult],
        seal_label="建设单位/编制单位（盖章）：",
        keep_order=True,
        signs=["编制主持人（签字）：", "建设单位法定代表人（签字）："],
        fields=[
            ("项目名称", project),
            ("建设单位", name),
            ("建设单位统一社会信用代码", f["uscc"]),
            ("编制单位名称", consult),
            ("编制单位统一社会信用代码", consult_uscc),
            ("编制主持人", g.person().name),
            ("职业资格证书管理号", f"2017035{r.randint(10**8, 10**9 - 1)}"),
            ("信用编号", f"BH0{r.randint(10000, 99999)}"),
        ],
    )
    heads = [
        "一、建设项目基本情况",
        "二、建设项目工程分析",
        "三、区域环境质量现状、环境保护目标及评价标准",
        "四、主要环境影响和保护措施",
        "五、环境保护措施监督检查清单",
        "六、结论",
        "附图",
        "附件",
    ]
    body = Doc(
        title="建设项目环境影响报告表（正文）",
        sections=[(h, f"{project}{h[2:] if h[0] in '一二三四五六' else h}的内容详见本章。") for h in heads],
    )
    m2 = Material("M2", [cover, table, body])
    m2.defects = [
        Defect("缺结论章节", ["PAGES_MISSING"], lambda: body.sections.pop(5)),
        Defect("编制单位未盖章", ["NOT_SEALED"], lambda: table.seals.remove(consult)),
        Defect("编制主持人未签字", ["NOT_SIGNED"], lambda: setattr(table, "signed", False)),
        Defect("信用编号空白", ["FIELD_EMPTY"], lambda: table.fields.__setitem__(7, ("信用编号", ""))),
        Defect(
            "编制单位代码无效",
            ["INVALID_USCC"],
            lambda: table.fields.__setitem__(4, ("编制单位统一社会信用代码", break_uscc(consult_uscc, r))),
        ),
    ]
    ms.append(m2)
    pub = Doc(
        title="建设项目环境影响报告表（公开版本）",
        fields=[("项目名称", project), ("建设单位", name)],
        keep_order=True,
        sections=[("说明", "本公开版本与报批稿内容一致。")],
    )
    stmt = Doc(
        title="全本公开声明",
        **{k: v for k, v in unit.items() if k != "signs"},
        date=g.fmt(g.review - timedelta(days=2)),
        body=["本项目环境影响报告表不涉及国家秘密、商业秘密和个人隐私，全本公开，无删除内容。"],
        fields=[("项目名称", project), ("建设单位", name)],
    )
    m3 = Material(
        "M3",
        [pub, stmt],
        defects=[
            Defect("缺公开版本", ["PAGES_MISSING"], lambda: m3.parts.remove(pub)),
            Defect("声明未盖章", ["NOT_SEALED"], lambda: stmt.seals.clear()),
        ],
    )
    ms.append(m3)
    d4 = Doc(
        title="江西省企业投资项目备案通知书",
        fixed_seals=["安和市发展和改革委员会"],
        seal_label="备案机关：",
        date=g.fmt(g.review - timedelta(days=90)),
        fields=[
            ("项目代码", code),
            ("项目名称", project),
            ("项目单位", name),
            ("建设地点", g.address()),
            ("备案日期", g.fmt(g.review - timedelta(days=90))),
        ],
    )
    ms.append(form("M4", d4, empty=[], name_field="项目单位", name=name, rnd=r, tol=5))
    ms.append(licence_of(g, "M5", f))
    if f["has_total_emission_increase"]:
        d7 = Doc(
            title="主要污染物排放总量指标来源说明",
            date=g.fmt(g.review - timedelta(days=2)),
            **{k: v for k, v in unit.items() if k != "signs"},
            fields=[
                ("建设单位", name),
                ("污染物种类", "化学需氧量、氨氮、挥发性有机物"),
                ("新增排放量", "COD 0.52吨/年，氨氮0.05吨/年，VOCs 0.31吨/年"),
                ("指标来源", f"区域替代削减，排污权交易凭证编号PWQ{g.review.year}-{r.randint(1000, 9999)}"),
            ],
        )
        ms.append(
            form(
                "M7",
                d7,
                empty=["污染物种类", "新增排放量", "指标来源"],
                name_field="建设单位",
                name=name,
                rnd=r,
                tol=10,
            )
        )
    ms += agent_pair(g, f, agent, "M8", "M9", f"办理{project}环境影响报告表报批")
    return Built(f, ms, failed, fact_empty=("project_code", '""'))
