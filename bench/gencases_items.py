"""The seven items for bench/gencases.py, written from the standards only (../shared/standards/*.md §2–§4):
declared facts valid per declared-facts.md, and every material the facts make due, with each field its
review points (FIELD_EMPTY, PAGES_MISSING, seals, signatures) ask for, so that an untouched case is ACCEPT.
Each builder takes `reject`: the name of one acceptance condition to break (REJECT cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from gencases_common import (
    Defect,
    Gen,
    Material,
    Person,
    id_card,
    licence,
    one_char_off,
    poa,
)
from gencases_forms import form, sections_doc
from gencases_layout import Doc


@dataclass
class Built:
    facts: dict[str, Any]
    materials: list[Material]
    failed: list[str] = field(default_factory=list)  # condition IDs that fail (REJECT)
    fact_empty: tuple[str, str] | None = None  # (fact, emptied value) option: FIELD_EMPTY on M1


def company_base(g: Gen, trade: str, scope: str) -> tuple[dict[str, Any], Person]:
    rep = g.person()
    facts: dict[str, Any] = {
        "applicant_type": "enterprise",
        "applicant_name": g.company(trade),
        "uscc": g.uscc(),
        "legal_rep_name": rep.name,
        "legal_rep_id": rep.id,
        "location_area": "urban_district",
    }
    facts["_scope"] = scope
    return facts, rep


def agent_facts(g: Gen, facts: dict[str, Any]) -> Person | None:
    facts["by_agent"] = g.rnd.random() < 0.5
    if not facts["by_agent"]:
        return None
    a = g.person()
    facts["agent_name"], facts["agent_id"] = a.name, a.id
    return a


def unit_sign(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "seals": [f["applicant_name"]],
        "seal_label": "申请人（盖章）：",
        "signs": ["法定代表人（签字）："],
    }


def licence_of(
    g: Gen,
    mid: str,
    f: dict[str, Any],
    *,
    tol: int | None = None,
    scope: str | None = None,
    capital: str | None = None,
) -> Material:
    return licence(
        g,
        mid,
        name=f["applicant_name"],
        uscc=f["uscc"],
        rep=f["legal_rep_name"],
        scope=scope
        or f.get("_scope", "生产、销售及技术服务（依法须经批准的项目，经相关部门批准后方可开展经营活动）"),
        capital=capital or f"{g.rnd.choice([50, 100, 200, 500])}万元人民币",
        copy_seal=True,
        tol=tol,
    )


def agent_pair(
    g: Gen, f: dict[str, Any], agent: Person | None, poa_mid: str, id_mid: str, matter: str
) -> list[Material]:
    if agent is None:
        return []
    return [
        poa(
            g,
            poa_mid,
            principals=[f["applicant_name"]],
            seals=[f["applicant_name"]],
            matter=matter,
            agent=agent,
            signers=["委托人法定代表人（签字）："],
        ),
        id_card(g, id_mid, agent),
    ]


def policy_text(title: str, unit: str, heads: list[str], **kw: Any) -> Doc:
    body = [f"单位名称：{unit}"]
    secs = [
        (
            f"{i + 1}. {h}",
            f"本制度规定{unit}{h}的职责分工、工作要求、记录和考核办法，由安全（业务）负责人组织实施，每年评审一次。",
        )
        for i, h in enumerate(heads)
    ]
    return Doc(title=title, body=body, sections=secs, date="", **kw)


# ---------------------------------------------------------------- JT-001


def build_jt(g: Gen, reject: str | None) -> Built:
    r = g.rnd
    f, rep = company_base(
        g, r.choice(["物流", "货运", "运输"]), "道路普通货物运输；货物仓储（不含危险化学品）；装卸搬运"
    )
    agent = agent_facts(g, f)
    existing, planned = r.choice([(1, 0), (2, 0), (1, 1), (0, 1)])
    drivers = r.choice([1, 1, 2])
    f.update(
        existing_vehicle_count=existing,
        planned_vehicle_count=planned,
        heavy_vehicle_count=existing + planned,
        driver_count=drivers,
        cargo_includes_dangerous_goods=False,
        freight_categories=["general_cargo"],
    )
    failed = []
    if reject == "C2":
        f["cargo_includes_dangerous_goods"], failed = True, ["C2"]
    elif reject == "C3":
        f["heavy_vehicle_count"], failed = 0, ["C3"]
    elif reject == "C4":
        f["location_area"], failed = "county", ["C4"]
    elif reject == "C5":
        failed = ["C5"]
    name, seal = f["applicant_name"], unit_sign(f)
    seal["signs"] = ["负责人（签字）："]
    m1 = Doc(
        title="道路货物运输经营申请表",
        date=g.fmt(g.review - timedelta(days=r.randint(1, 10))),
        **seal,
        fields=[
            ("申请人名称", name),
            ("统一社会信用代码", f["uscc"]),
            ("负责人", rep.name),
            ("经办人", agent.name if agent else rep.name),
            ("通信地址", g.address()),
            ("邮政编码", "330000"),
            ("联系电话", g.phone()),
            ("申请经营范围", "√道路普通货运 □货物专用运输 □大型物件运输"),
            ("拟投入车辆数量", f"{existing + planned}辆"),
            ("车辆类型", "重型厢式货车"),
            ("驾驶人员数量", f"{drivers}人"),
        ],
    )
    ms = [
        form(
            "M1",
            m1,
            empty=["通信地址", "联系电话", "车辆类型", "驾驶人员数量"],
            name_field="申请人名称",
            name=name,
            rnd=r,
        ),
        licence_of(g, "M2", f, tol=3),
        id_card(g, "M3", rep),
    ]
    ms += agent_pair(g, f, agent, "M4", "M5", "代为办理道路货物运输经营许可申请、领取许可证件")
    if existing:
        ms.append(_vehicles(g, f, existing))
    if planned:
        d = Doc(
            title="拟投入运输车辆承诺书",
            **seal,
            date=g.fmt(g.review - timedelta(days=3)),
            body=[
                f"我单位{name}申请道路货物运输经营许可，现就尚未购置的拟投入车辆承诺如下，取得许可后按承诺投入运营。"
            ],
            fields=[
                ("承诺人", name),
                ("车辆数量", f"{planned}辆"),
                ("车辆类型", "重型厢式货车"),
                ("技术性能", "总质量18000千克，外廓尺寸8995×2550×3950mm，柴油，国六排放"),
                ("投入时间", f"取得许可后{r.choice([3, 6])}个月内"),
            ],
        )
        ms.append(
            form("M7", d, empty=["车辆类型", "技术性能", "投入时间"], name_field="承诺人", name=name, rnd=r)
        )
    ms.append(_drivers(g, drivers, old=reject == "C5"))
    heads = [
        "安全生产责任制度",
        "安全生产业务操作规程",
        "安全生产监督检查制度",
        "驾驶员和车辆安全生产管理制度",
    ]
    ms.append(
        sections_doc(
            "M9", policy_text(f"{name}安全生产管理制度", name, heads, seals=[name], seal_label="（盖章）"), r
        )
    )
    return Built(f, ms, failed, fact_empty=("freight_categories", "[]"))


def _vehicles(g: Gen, f: dict[str, Any], n: int) -> Material:
    r = g.rnd
    parts: list[Doc] = []
    seconds: list[Doc] = []
    reports: list[Doc] = []
    for _ in range(n):
        plate = f"赣Q{r.choice('ABCDF')}{r.randint(1000, 9999)}"
        until = g.review + timedelta(days=r.randint(40, 330))
        main = Doc(
            title="中华人民共和国机动车行驶证",
            card=(88.0, 60.0),
            fixed_seals=["安和市公安局交通警察支队"],
            keep_order=True,
            fields=[
                ("号牌号码", plate),
                ("车辆类型", "重型厢式货车"),
                ("所有人", f["applicant_name"]),
                ("住址", g.address()),
                ("使用性质", "货运"),
                ("品牌型号", "解放牌CA5180XXY"),
                ("车辆识别代号", f"LFNA{r.randint(10**12, 10**13 - 1)}"),
                ("发动机号码", f"{r.randint(10**6, 10**7 - 1)}"),
                ("注册日期", g.fmt(g.review - timedelta(days=900))),
                ("发证日期", g.fmt(g.review - timedelta(days=900))),
            ],
        )
        second = Doc(
            title="中华人民共和国机动车行驶证副页",
            card=(88.0, 60.0),
            keep_order=True,
            fields=[
                ("号牌号码", plate),
                ("档案编号", f"3611{r.randint(10**7, 10**8 - 1)}"),
                ("核定载人数", "3人"),
                ("总质量", "18000kg"),
                ("整备质量", "7800kg"),
                ("核定载质量", "10005kg"),
                ("外廓尺寸", "8995×2550×3950mm"),
                ("检验记录", f"检验有效期至{until.year}年{until.month:02d}月"),
            ],
        )
        report = Doc(
            title="道路运输车辆综合性能检测报告",
            subtitle="（技术等级评定）",
            seals=[f"安和市{r.choice(['安通', '路安', '顺驰'])}机动车检测有限公司"],
            seal_label="检测机构（检验检测专用章）：",
            date=g.fmt(g.review - timedelta(days=r.randint(20, 200))),
            fields=[
                ("号牌号码", plate),
                ("车辆类型", "重型厢式货车"),
                ("检测日期", g.fmt(g.review - timedelta(days=r.randint(20, 200)))),
                ("技术等级", "一级"),
                ("检测结论", "该车技术状况符合GB 18565-2016的要求，评定技术等级为一级。"),
            ],
        )
        parts += [main, second, report]
        seconds.append(second)
        reports.append(report)
    m = Material("M6", parts)

    def expired() -> None:
        e = g.review.replace(day=1) - timedelta(days=1)  # last day of the previous month
        seconds[0].fields[-1] = ("检验记录", f"检验有效期至{e.year}年{e.month:02d}月")

    m.defects = [
        Defect("检验有效期已过", ["EXPIRED"], expired),
        Defect("检测报告未盖章", ["NOT_SEALED"], lambda: reports[0].seals.clear()),
        Defect("缺行驶证副页", ["PAGES_MISSING"], lambda: m.parts.remove(seconds[0])),
    ]
    return m


def _drivers(g: Gen, n: int, *, old: bool) -> Material:
    r = g.rnd
    parts: list[Doc] = []
    certs: list[Doc] = []
    for k in range(n):
        p = g.person(min_age=61, max_age=63) if old and k == 0 else g.person(min_age=26, max_age=55)
        first = g.review - timedelta(days=r.randint(2000, 5000))
        lic = Doc(
            title="中华人民共和国机动车驾驶证",
            card=(88.0, 60.0),
            fixed_seals=["安和市公安局交通警察支队"],
            keep_order=True,
            fields=[
                ("证号", p.id),
                ("姓名", p.name),
                ("性别", p.sex),
                ("国籍", "中国"),
                ("住址", p.addr),
                ("出生日期", g.fmt(p.birth)),
                ("初次领证日期", g.fmt(first)),
                ("准驾车型", "A2"),
                (
                    "有效期限",
                    f"{g.fmt(g.days(-700, -700))}至{g.fmt(g.days(900, 2900))}",
                ),
            ],
        )
        sub = Doc(
            title="中华人民共和国机动车驾驶证副页",
            card=(88.0, 60.0),
            keep_order=True,
            fields=[
                ("姓名", p.name),
                ("证号", p.id),
                ("档案编号", f"3611{r.randint(10**7, 10**8 - 1)}"),
                ("记录", "无"),
            ],
        )
        cert = Doc(
            title="中华人民共和国道路运输从业人员从业资格证",
            card=(88.0, 60.0),
            fixed_seals=["安和市交通运输局"],
            keep_order=True,
            fields=[
                ("姓名", p.name),
                ("性别", p.sex),
                ("证号", p.id),
                ("从业资格类别", "道路货物运输驾驶员"),
                ("初领日期", g.fmt(first + timedelta(days=400))),
                ("有效期至", g.fmt(g.review + timedelta(days=r.randint(200, 1500)))),
            ],
        )
        parts += [lic, sub, cert]
        certs.append(cert)
    m = Material("M8", parts, card=True)

    def expired() -> None:
        certs[0].fields[-1] = ("有效期至", g.fmt(g.review - timedelta(days=r.randint(1, 200))))

    def rename() -> None:
        certs[0].fields[0] = ("姓名", one_char_off(certs[0].fields[0][1], r))

    m.defects = [
        Defect("从业资格证过期", ["EXPIRED"], expired),
        Defect("两证姓名不一致", ["NAME_MISMATCH"], rename),
        Defect("缺从业资格证", ["PAGES_MISSING"], lambda: m.parts.remove(certs[0])),
    ]
    return m
