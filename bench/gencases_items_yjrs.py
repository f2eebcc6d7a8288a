"""YJ-001 and RS-001 for bench/gencases.py (see gencases_items.py for the contract)."""

from __future__ import annotations

from datetime import timedelta

from gencases_common import (
    Defect,
    Gen,
    Material,
    break_id,
    premises,
)
from gencases_forms import form, sections_doc
from gencases_items import Built, agent_facts, agent_pair, company_base, licence_of, policy_text, unit_sign
from gencases_layout import Doc

# ---------------------------------------------------------------- YJ-001


def build_yj(g: Gen, reject: str | None) -> Built:
    r = g.rnd
    f, rep = company_base(
        g, r.choice(["化工贸易", "化学品", "新材料贸易"]), "危险化学品经营（不带储存设施）；化工产品销售"
    )
    agent = agent_facts(g, f)
    f.update(
        has_storage_facility=False,
        deals_highly_toxic=False,
        deals_explosive_precursor=r.random() < 0.3,
        is_producer_own_products_in_plant=False,
    )
    failed = []
    if reject == "C2":
        f["has_storage_facility"], failed = True, ["C2"]
    elif reject == "C3":
        f["is_producer_own_products_in_plant"], failed = True, ["C3"]
    elif reject == "C4":
        f.update(location_area="county", deals_explosive_precursor=False)
        failed = ["C4"]
    name, seal = f["applicant_name"], unit_sign(f)
    seal["signs"] = ["主要负责人（签字）："]
    safety = g.person()
    scope = (
        "硝酸钾、硝酸钠（易制爆）；硫酸、盐酸"
        if f["deals_explosive_precursor"]
        else "硫酸、盐酸、氢氧化钠、乙醇（不含剧毒、易制爆）"
    )
    m1 = Doc(
        title="危险化学品经营许可证申请书",
        subtitle="申请类型：√首次申请 □延期 □变更",
        date=g.fmt(g.review - timedelta(days=2)),
        **seal,
        fields=[
            ("企业名称", name),
            ("统一社会信用代码", f["uscc"]),
            ("注册地址", g.address()),
            ("经营场所地址", g.address()),
            ("法定代表人", rep.name),
            ("主要负责人", rep.name),
            ("经营方式", "批发（不带储存设施）"),
            ("许可范围", scope),
            ("储存设施情况", "无储存设施"),
            ("安全生产管理人员", safety.name),
            ("从业人员人数", f"{r.randint(5, 30)}人"),
            ("联系电话", g.phone()),
        ],
    )
    ms = [
        form(
            "M1",
            m1,
            empty=["注册地址", "安全生产管理人员", "从业人员人数", "联系电话"],
            name_field="企业名称",
            name=name,
            rnd=r,
        ),
        licence_of(g, "M2", f),
    ]
    heads = [
        "全员安全生产责任制度",
        "危险化学品购销管理制度",
        "危险化学品安全管理制度（含防火、防爆、防中毒、防泄漏管理）",
        "安全投入保障制度",
        "安全生产奖惩制度",
        "安全生产教育培训制度",
        "隐患排查治理制度",
        "安全风险管理制度",
        "应急管理制度",
        "事故管理制度",
        "职业卫生管理制度",
        "岗位操作规程",
    ]
    ms.append(
        sections_doc(
            "M3",
            policy_text(
                "安全生产规章制度和岗位操作规程目录清单", name, heads, seals=[name], seal_label="（盖章）"
            ),
            r,
        )
    )
    certs = []
    for p, kind in [(rep, "主要负责人"), (safety, "安全生产管理人员")]:
        start = g.review - timedelta(days=r.randint(30, 700))
        certs.append(
            Doc(
                title="安全生产知识和管理能力考核合格证",
                card=(100.0, 70.0),
                fixed_seals=["安和市应急管理局"],
                keep_order=True,
                fields=[
                    ("姓名", p.name),
                    ("身份证号码", p.id),
                    ("单位名称", name),
                    ("人员类型", kind),
                    ("行业类别", "危险化学品经营单位"),
                    ("初领日期", g.fmt(start)),
                    ("有效期", f"{g.fmt(start)}至{g.fmt(start + timedelta(days=3 * 365))}"),
                ],
            )
        )
    m4 = Material("M4", list(certs), card=True)

    def cert_expired() -> None:
        end = g.review - timedelta(days=r.randint(1, 100))
        certs[1].fields[-1] = ("有效期", f"{g.fmt(end - timedelta(days=3 * 365))}至{g.fmt(end)}")

    m4.defects = [
        Defect("合格证过期", ["EXPIRED"], cert_expired),
        Defect("缺安全生产管理人员合格证", ["PAGES_MISSING"], lambda: m4.parts.remove(certs[1])),
        Defect(
            "合格证号码无效",
            ["INVALID_ID"],
            lambda: certs[1].fields.__setitem__(1, ("身份证号码", break_id(safety.id, r))),
        ),
    ]
    ms.append(m4)
    staff = "、".join(g.person().name for _ in range(3))
    d5 = Doc(
        title="从业人员安全培训考核合格证明",
        seals=[name],
        seal_label="（盖章）",
        date=g.fmt(g.review - timedelta(days=12)),
        fields=[
            ("单位名称", name),
            ("人员姓名", staff),
            ("培训内容", "危险化学品安全知识、岗位操作规程、应急处置"),
            ("培训日期", g.fmt(g.review - timedelta(days=r.randint(20, 90)))),
            ("考核结果", "全部合格"),
        ],
    )
    ms.append(form("M5", d5, empty=["培训内容", "培训日期"], name_field="单位名称", name=name, rnd=r, tol=5))
    ms.append(premises(g, "M6", owner=name))
    filed = g.review - timedelta(days=r.randint(60, 900))
    d7 = Doc(
        title="生产经营单位生产安全事故应急预案备案登记表",
        seals=["安和市应急管理局"],
        seal_label="受理备案部门（盖章）：",
        date=g.fmt(filed),
        fields=[
            ("备案编号", f"361102-2025-{r.randint(100, 999)}"),
            ("单位名称", name),
            ("预案名称", f"{name}危险化学品事故应急预案"),
            ("备案日期", g.fmt(filed)),
        ],
    )
    m7 = form("M7", d7, empty=["备案编号"], name_field="单位名称", name=name, rnd=r)

    def stale() -> None:
        old = g.review - timedelta(days=r.randint(3 * 365 + 20, 4 * 365))
        d7.fields[-1] = ("备案日期", g.fmt(old))
        d7.date = g.fmt(old)

    m7.defects.append(Defect("备案超过3年", ["STALE"], stale))
    ms.append(m7)
    ms += agent_pair(g, f, agent, "M8", "M9", "代为办理危险化学品经营许可证申请事宜")
    return Built(f, ms, failed)


# ---------------------------------------------------------------- RS-001


def build_rs(g: Gen, reject: str | None) -> Built:
    r = g.rnd
    f, rep = company_base(
        g,
        r.choice(["人力资源", "人才服务", "人力资源服务"]),
        "许可项目：职业中介活动。一般项目：人力资源服务（不含劳务派遣服务）；人力资源管理咨询",
    )
    agent = agent_facts(g, f)
    staff = [g.person() for _ in range(r.randint(3, 5))]
    cap = r.choice([10, 50, 100, 200])
    f.update(
        applies_job_intermediary=True,
        full_time_staff_count=len(staff),
        registered_capital=cap,
        by_commitment=r.random() < 0.3,
    )
    failed = []
    if reject == "C2":
        f["applies_job_intermediary"], failed = False, ["C2"]
    elif reject == "C3":
        f["location_area"], failed = "county", ["C3"]
    elif reject == "C5":
        f["registered_capital"], failed = 5, ["C5"]
    elif reject == "C6":
        failed = ["C6"]
    name, seal = f["applicant_name"], unit_sign(f)
    m1 = Doc(
        title="人力资源服务许可申请书",
        subtitle="（从事职业中介活动）",
        date=g.fmt(g.review - timedelta(days=2)),
        **seal,
        fields=[
            ("机构名称", name),
            ("统一社会信用代码", f["uscc"]),
            ("住所", g.address()),
            ("经营场所地址", g.address()),
            ("法定代表人", rep.name),
            ("注册资本", f"{f['registered_capital']}万元"),
            ("专职工作人员人数", f"{len(staff)}人"),
            ("申请服务范围", "职业中介活动"),
            ("申请方式", "告知承诺制" if f["by_commitment"] else "一般程序"),
            ("联系人", rep.name),
            ("联系电话", g.phone()),
        ],
    )
    scope = (
        "一般项目：人力资源管理咨询；企业管理咨询；人力资源供求信息的收集和发布"
        if reject == "C6"
        else f["_scope"]
    )
    ms = [
        form("M1", m1, empty=["住所", "经营场所地址", "联系人"], name_field="机构名称", name=name, rnd=r),
        licence_of(g, "M2", f, scope=scope, capital=f"{f['registered_capital']}万元人民币"),
    ]
    heads = [
        "机构章程",
        "服务流程制度",
        "收费管理制度（含明码标价）",
        "信息管理和个人信息保护制度",
        "服务档案管理制度",
        "投诉处理制度",
    ]
    ms.append(
        sections_doc(
            "M3", policy_text(f"{name}章程和管理制度", name, heads, seals=[name], seal_label="（盖章）"), r
        )
    )
    if f["by_commitment"]:
        d7 = Doc(
            title="人力资源服务许可告知承诺书",
            **seal,
            body=["本机构已知晓告知的全部内容，承诺符合许可条件，愿意承担不实承诺的法律责任。"],
            fields=[
                ("申请人名称", name),
                ("统一社会信用代码", f["uscc"]),
                ("法定代表人", rep.name),
                ("承诺日期", g.fmt(g.review - timedelta(days=1))),
            ],
        )
        ms.append(form("M7", d7, empty=["承诺日期"], name_field="申请人名称", name=name, rnd=r))
    else:
        ms.append(premises(g, "M4", owner=name, use="办公"))
        contract = f"{g.fmt(g.days(-200, -200))}至{g.fmt(g.days(900, 900))}"
        head = ["序号", "姓名", "身份证号码", "学历", "岗位", "劳动合同期限"]
        table = [head] + [
            [str(i + 1), p.name, p.id, "本科", "职业指导", contract] for i, p in enumerate(staff)
        ]
        d5 = Doc(
            title="专职工作人员基本情况表",
            seals=[name],
            seal_label="填报单位（盖章）：",
            fields=[("机构名称", name)],
            table=table,
            keep_order=True,
            date=g.fmt(g.review - timedelta(days=3)),
        )
        if r.random() < 0.3:  # some units list the staff as lines instead of a table
            d5.fields += [
                (f"人员{k}", "  ".join(f"{h}：{v}" for h, v in zip(head[1:], row[1:], strict=True)))
                for k, row in enumerate(table[1:], 1)
            ]
            d5.table = []
        m5 = form("M5", d5, empty=[], name_field="机构名称", name=name, rnd=r)
        bad = break_id(staff[0].id, r)

        def bad_number() -> None:
            if d5.table:
                d5.table[1][2] = bad
            else:
                d5.fields[1] = (d5.fields[1][0], d5.fields[1][1].replace(staff[0].id, bad))

        m5.defects.append(Defect("人员号码无效", ["INVALID_ID"], bad_number))
        ms.append(m5)
        issued = g.review - timedelta(days=r.randint(0, 25))
        d6 = Doc(
            title="单位参保缴费证明",
            seals=["安和市社会保险事业管理局"],
            seal_label="社会保险经办机构（业务专用章）：",
            date=g.fmt(issued),
            fields=[
                ("参保单位名称", name),
                ("统一社会信用代码", f["uscc"]),
                ("人员姓名", "、".join(p.name for p in staff)),
                ("参保险种", "养老、医疗、失业、工伤"),
                ("缴费期间", f"{issued.year - 1}年{issued.month}月至{issued.year}年{issued.month}月"),
                ("出具日期", g.fmt(issued)),
            ],
        )
        m6 = form("M6", d6, empty=[], name_field="参保单位名称", name=name, rnd=r, tol=5)

        def stale() -> None:
            old = g.review - timedelta(days=r.randint(45, 120))
            d6.fields[-1] = ("出具日期", g.fmt(old))
            d6.date = g.fmt(old)

        m6.defects += [
            Defect("证明超过30日", ["STALE"], stale),
            Defect(
                "未覆盖全部人员",
                ["PAGES_MISSING"],
                lambda: d6.fields.__setitem__(2, ("人员姓名", "、".join(p.name for p in staff[1:]))),
            ),
        ]
        ms.append(m6)
    ms += agent_pair(g, f, agent, "M8", "M9", "代为办理人力资源服务许可（职业中介活动）申请事宜")
    return Built(f, ms, failed)
