"""SC-001 and YJS-001 (company set-up) for bench/gencases.py (see gencases_items.py for the contract)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gencases_common import (
    Defect,
    Gen,
    Material,
    Person,
    id_card,
    licence,
    poa,
    premises,
)
from gencases_forms import form, sections_doc
from gencases_items import Built, agent_facts, policy_text
from gencases_layout import Doc

# ---------------------------------------------------------------- SC-001 / YJS-001 (company set-up)


def _setup_facts(
    g: Gen, trade: str, reject: str | None
) -> tuple[dict[str, Any], Person, list[Person], list[tuple[str, str]], list[str]]:
    r = g.rnd
    rep = g.person()
    holders: list[Person] = [rep] if r.random() < 0.6 else []
    holders += [g.person() for _ in range(r.choice([0, 1, 1, 2]) + (0 if holders else 1))]
    corporate = [(g.company(r.choice(["实业", "投资", "集团"])), g.uscc())] if r.random() < 0.35 else []
    sh: list[dict[str, str]] = [
        {"shareholder_type": "natural_person", "name": p.name, "id_number": p.id} for p in holders
    ]
    sh += [{"shareholder_type": "corporate", "name": n, "uscc": c} for n, c in corporate]
    f: dict[str, Any] = {
        "applicant_type": "enterprise",
        "applicant_name": g.company(trade),
        "legal_rep_name": rep.name,
        "legal_rep_id": rep.id,
        "location_area": "urban_district",
        "company_type": "limited_liability",
        "shareholders": sh,
        "registered_capital": r.choice([10, 50, 100, 300]),
        "is_foreign_invested": False,
        "legal_rep_restricted": False,
        "has_pre_approval_item": False,
    }
    failed = []
    if reject == "C1":
        f["company_type"], failed = "joint_stock", ["C1"]
    elif reject == "C3":
        f["is_foreign_invested"], failed = True, ["C3"]
    elif reject == "C4":
        f["location_area"], failed = "county", ["C4"]
    elif reject == "C5":
        f["legal_rep_restricted"], failed = True, ["C5"]
    return f, rep, holders, corporate, failed


def _setup_materials(
    g: Gen,
    f: dict[str, Any],
    rep: Person,
    holders: list[Person],
    corporate: list[tuple[str, str]],
    matter: str,
    poa_mid: str,
) -> list[Material]:
    """M2–M7 and the all-shareholder power of attorney, shared by SC-001 and YJS-001 (YJS-001 §3.1)."""
    r, name = g.rnd, f["applicant_name"]
    cap = f["registered_capital"]
    signs = [f"股东（签字）{p.name}：" for p in holders]
    seals = [n for n, _ in corporate]
    each = cap / max(len(holders) + len(corporate), 1)
    owners = [p.name for p in holders] + seals
    heads = [
        ("第一章 公司名称和住所", f"公司名称：{name}。公司住所：{g.address()}。"),
        ("第二章 经营范围", "餐饮服务；食品销售；信息技术咨询服务（以登记机关核准为准）。"),
        ("第三章 注册资本", f"公司注册资本为人民币{cap}万元。"),
        ("第四章 股东的姓名或者名称", "、".join(owners) + "。"),
        (
            "第五章 股东的出资额、出资方式和出资日期",
            "；".join(f"{o}认缴{each:g}万元，货币出资，于{g.review.year + 4}年12月31日前缴足" for o in owners)
            + "。",
        ),
        (
            "第六章 公司的机构及其产生办法、职权、议事规则",
            "公司设股东会，由全体股东组成；不设董事会，设董事一名，由股东会选举产生；股东会会议由股东按出资比例行使表决权。",
        ),
        (
            "第七章 法定代表人的产生、变更办法",
            "法定代表人按本章程规定的程序产生；变更法定代表人的，自作出变更决定之日起三十日内申请变更登记。",
        ),
    ]
    charter = Doc(
        title=f"{name}章程",
        sections=heads,
        signs=signs,
        seals=seals,
        seal_label="法人股东（盖章）：" if seals else "",
        date=g.fmt(g.review - timedelta(days=5)),
        keep_order=True,
    )
    # Chapters 4 and 5 both name the shareholders: dropping one leaves the names in the other.
    ms = [sections_doc("M2", charter, r, droppable=[0, 1, 2, 5, 6]), id_card(g, "M3", rep)]
    others = [p for p in holders if p.id != rep.id]
    if others:
        cards = [id_card(g, "M4", p) for p in others]
        m4 = Material("M4", [d for c in cards for d in c.parts], card=True)
        back = cards[0].parts[1]  # the defects of one shareholder's card, acting on the merged material
        m4.defects = [d for d in cards[0].defects if d.codes != ["PAGES_MISSING"]]
        m4.defects.append(Defect("只交人像面", ["PAGES_MISSING"], lambda: m4.parts.remove(back)))
        if len(cards) > 1:

            def drop_second() -> None:  # one shareholder's card left out (convention 9)
                for d in cards[1].parts:
                    m4.parts.remove(d)

            m4.defects.append(Defect("少交一名股东身份证", ["PAGES_MISSING"], drop_second))
        ms.append(m4)
    for n, c in corporate:
        ms.append(
            licence(
                g,
                "M5",
                name=n,
                uscc=c,
                rep=g.person().name,
                scope="实业投资；企业管理",
                capital="1000万元人民币",
                copy_seal=True,
            )
        )
    title = "股东会决议" if len(owners) > 1 else "股东决定"
    d6 = Doc(
        title=title,
        signs=signs,
        seals=seals,
        seal_label="法人股东（盖章）：" if seals else "",
        date=g.fmt(g.review - timedelta(days=5)),
        body=[f"{name}（筹）全体股东于{g.fmt(g.review - timedelta(days=5))}作出如下决定："],
        fields=[
            ("董事", rep.name),
            ("监事", g.person().name),
            ("经理", rep.name),
            ("法定代表人", rep.name),
            ("作出日期", g.fmt(g.review - timedelta(days=5))),
        ],
    )
    ms.append(form("M6", d6, empty=["董事", "作出日期"], name_field="法定代表人", name=rep.name, rnd=r))
    ms.append(premises(g, "M7", owner=rep.name, tol=5))
    return ms


def _setup_poa(
    g: Gen,
    f: dict[str, Any],
    agent: Person | None,
    holders: list[Person],
    corporate: list[tuple[str, str]],
    matter: str,
    poa_mid: str,
    id_mid: str | None,
) -> list[Material]:
    if agent is None:
        return []
    owners = [p.name for p in holders] + [n for n, _ in corporate]
    ms = [
        poa(
            g,
            poa_mid,
            principals=owners,
            seals=[n for n, _ in corporate],
            matter=matter,
            agent=agent,
            signers=[f"股东（签字）{p.name}：" for p in holders],
        )
    ]
    if id_mid:
        ms.append(id_card(g, id_mid, agent))
    return ms


def build_sc(g: Gen, reject: str | None) -> Built:
    f, rep, holders, corporate, failed = _setup_facts(
        g, g.rnd.choice(["信息技术", "文化传媒", "商贸"]), reject
    )
    agent = agent_facts(g, f)
    ms = [_setup_m1(g, f, rep, "公司登记（备案）申请书", "√设立 □变更 □注销 □备案")]
    ms += _setup_materials(g, f, rep, holders, corporate, "", "M9")
    ms += _setup_poa(g, f, agent, holders, corporate, f"办理{f['applicant_name']}设立登记", "M9", None)
    return Built(f, ms, failed)


def _setup_m1(g: Gen, f: dict[str, Any], rep: Person, title: str, subtitle: str) -> Material:
    r = g.rnd
    sh = "；".join(f"{s['name']}（{s.get('id_number') or s.get('uscc')}）货币出资" for s in f["shareholders"])
    doc = Doc(
        title=title,
        subtitle=subtitle,
        signs=["拟任法定代表人（签字）："],
        date=g.fmt(g.review - timedelta(days=2)),
        fields=[
            ("名称", f["applicant_name"]),
            ("住所", g.address()),
            ("联系电话", g.phone()),
            ("法定代表人", rep.name),
            ("法定代表人身份证件号码", rep.id),
            ("注册资本", f"{f['registered_capital']}万元"),
            ("公司类型", "有限责任公司"),
            ("经营范围", "餐饮服务；食品销售；信息技术咨询服务"),
            ("经营期限", "长期"),
            ("股东（发起人）、出资情况", sh),
            ("联络员", f"{rep.name} {g.phone()}"),
        ],
    )
    return form(
        "M1",
        doc,
        empty=["住所", "经营期限", "联络员", "联系电话"],
        name_field="名称",
        name=f["applicant_name"],
        rnd=r,
    )


def build_yjs(g: Gen, reject: str | None) -> Built:
    r = g.rnd
    f, rep, holders, corporate, failed = _setup_facts(
        g, r.choice(["餐饮", "餐饮管理", "食品"]), reject if reject in {"C1", "C3", "C4", "C5"} else None
    )
    agent = agent_facts(g, f)
    f.update(
        food_business_form="general_catering",
        same_address=True,
        produces_cooking_fumes=True,
        premises_use="commercial",
        seal_types=["official", "finance", "invoice"],
    )
    if reject == "C6":
        f["food_business_form"], failed = "unit_canteen", ["C6"]
    elif reject == "C7":
        f["same_address"], failed = False, ["C7"]
    elif reject == "C8":
        f["premises_use"], failed = "residential", ["C8"]
    m1 = _setup_m1(g, f, rep, '开办餐饮店"一件事"综合申请表', "安和市政务服务中心  第一部分 企业设立登记信息")
    part2 = Doc(
        title="第二部分 食品经营许可信息",
        keep_order=True,
        fields=[
            ("主体业态", "√餐饮服务经营者"),
            ("经营项目", "√热食类食品制售 √冷食类食品制售 □生食类食品制售"),
            ("经营场所", g.address()),
            ("经营场所面积", f"{r.randint(60, 400)}平方米"),
            ("食品安全管理人员", f"{g.person().name} {g.phone()}"),
            ("是否网络经营", "否"),
        ],
    )
    part3 = Doc(
        title="第三部分 印章刻制信息",
        keep_order=True,
        fields=[
            ("印章种类及数量", "公章1枚、财务专用章1枚、发票专用章1枚"),
            ("刻制企业", "安和市诚印印章有限公司"),
            ("领取方式", "窗口领取"),
        ],
    )
    sign = m1.parts[0]
    part4 = Doc(
        title="第四部分 申请人承诺",
        body=["本人承诺所填信息和提交材料真实、合法、有效，复印件与原件一致。"],
        signs=sign.signs,
        date=sign.date,
    )
    sign.signs, sign.date = [], ""
    m1.parts += [part2, part3, part4]
    m1.defects = [d for d in m1.defects if d.codes != ["NOT_SIGNED"]]
    m1.defects += [
        Defect("缺第二部分", ["PAGES_MISSING"], lambda: m1.parts.remove(part2)),
        Defect("未签字", ["NOT_SIGNED"], lambda: setattr(part4, "signed", False)),
    ]
    ms = [m1, *_setup_materials(g, f, rep, holders, corporate, "", "M11")]
    name = f["applicant_name"]
    d9 = Doc(
        title="经营场所布局和设备设施、操作流程文件",
        signs=["拟任法定代表人（签字）："],
        date=g.fmt(g.review - timedelta(days=4)),
        body=[f"经营者名称：{name}"],
        keep_order=True,
        fields=[
            ("设备设施名称", "冷藏冷冻柜；炒灶；消毒柜；洗手池；油烟净化器；留样冰箱"),
            ("数量", "2台；3台；1台；3个；1套；1台"),
            ("用途", "原料冷藏；烹饪；餐用具消毒；洗手；油烟净化；食品留样"),
        ],
        sections=[
            (
                "一、经营场所平面布局图",
                "粗加工区、切配区、烹饪区、备餐区、清洗消毒区、库房、就餐区、更衣区、卫生间（见附图，标明排烟口位置）。",
            ),
            ("二、主要设备设施清单", "见上表。"),
            ("三、操作流程说明", "原料采购→验收→贮存→粗加工→切配→烹饪→备餐→供餐；餐用具清洗→消毒→保洁。"),
        ],
    )
    m9 = form("M9", d9, empty=["数量", "用途"], name_field=None, name=name, rnd=r)
    m9.defects.append(Defect("缺平面布局图", ["PAGES_MISSING"], lambda: d9.sections.pop(0)))
    heads = ["食品安全自查制度", "从业人员健康管理制度", "进货查验记录制度", "食品安全事故处置制度"]
    d10 = policy_text("保证食品安全的规章制度目录清单", name, heads, signs=["拟任法定代表人（签字）："])
    ms += [m9, sections_doc("M10", d10, r)]
    ms += _setup_poa(
        g,
        f,
        agent,
        holders,
        corporate,
        "开办餐饮店一件事（企业设立登记、食品经营许可、公章刻制备案）",
        "M11",
        "M12",
    )
    return Built(f, ms, failed, fact_empty=("seal_types", '["finance"]'))
