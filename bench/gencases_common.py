"""Invented identities and the materials shared by several items (standards README §8): the ID card
(GM-ID), the business licence (GM-BL), the power of attorney (GM-POA) and the premises proof (GM-PREM).
Each material comes with the defects that can be injected into it and the finding codes each gives,
as the standards' review points (审查要点) state them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from gencases_layout import Doc
from stdnum.cn import ric, uscc

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玲飞鹏辉斌宇浩凯晨欣怡佳琪雪梅婷颖博文雅瑶"
BRANDS = [
    "恒通",
    "瑞丰",
    "锦程",
    "华泰",
    "鼎盛",
    "嘉禾",
    "长青",
    "信达",
    "启航",
    "明珠",
    "泰和",
    "百川",
    "宏图",
    "天润",
]
ROADS = [
    "人民路",
    "建设路",
    "解放大道",
    "滨江路",
    "青山路",
    "文化街",
    "湖东路",
    "工业大道",
    "学府路",
    "长安街",
]
DISTRICTS = ["东湖区", "青山区", "西城区", "新港区"]
AREA_CODES = ["360102", "360103", "360111", "360121", "362321", "360502", "360602", "361102", "430103"]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def ric_check(first17: str) -> str:
    """The check digit of a 居民身份证 number (stdnum wants a number with some check digit in place)."""
    return str(ric.calc_check_digit(first17 + "0"))


def uscc_check(first17: str) -> str:
    return str(uscc.calc_check_digit(first17))


def break_id(number: str, rnd: random.Random) -> str:
    """One sequence digit changed: the birth date stays real, the check digit fails (11 is prime)."""
    i = rnd.choice([14, 15, 16])
    d = (int(number[i]) + rnd.randint(1, 9)) % 10
    return number[:i] + str(d) + number[i + 1 :]


def break_uscc(code: str, rnd: random.Random) -> str:
    """One subject-code digit changed: the weighted sum moves by a non-multiple of 31, the check fails."""
    i = rnd.choice([i for i in range(8, 17) if code[i].isdigit()] or [8])
    d = (int(code[i]) + rnd.randint(1, 9)) % 10 if code[i].isdigit() else 0
    return code[:i] + str(d) + code[i + 1 :]


def one_char_off(name: str, rnd: random.Random) -> str:
    """A name that differs in one character (or 有限公司 → 有限责任公司), per README §7.1 a mismatch."""
    if name.endswith("有限公司") and rnd.random() < 0.5:
        return name[: -len("有限公司")] + "有限责任公司"
    i = rnd.randrange(len(name) - 1 if len(name) > 2 else len(name))
    i = max(i, 1) if len(name) > 3 else i
    pool = [c for c in GIVEN if c != name[i]]
    return name[:i] + rnd.choice(pool) + name[i + 1 :]


def fmt_date(d: date, style: int) -> str:
    return [
        f"{d.year}年{d.month:02d}月{d.day:02d}日",
        f"{d.year}.{d.month:02d}.{d.day:02d}",
        f"{d.year}-{d.month:02d}-{d.day:02d}",
        f"{d.year}年{d.month}月{d.day}日",
    ][style % 4]


def add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


@dataclass
class Person:
    name: str
    id: str
    birth: date
    sex: str
    addr: str


@dataclass
class Defect:
    label: str  # for notes
    codes: list[str]
    apply: Callable[[], object]


@dataclass
class Material:
    mid: str
    parts: list[Doc]
    tol_days: int | None = None
    defects: list[Defect] = field(default_factory=list)
    card: bool = False  # cards are photographed or photocopied; A4 documents may be text PDFs


class Gen:
    """The random source of one case: people, companies, addresses, dates around the review date."""

    def __init__(self, rnd: random.Random, review: date) -> None:
        self.rnd = rnd
        self.review = review
        self.used: set[str] = set()
        self.dstyle = rnd.randrange(4)

    def fmt(self, d: date) -> str:
        return fmt_date(d, self.dstyle)

    def person(self, *, min_age: int = 24, max_age: int = 58) -> Person:
        r = self.rnd
        while True:
            name = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice([1, 2, 2])))
            if name not in self.used:
                break
        self.used.add(name)
        age = r.randint(min_age, max_age)
        birth = self.review.replace(year=self.review.year - age, day=1) - timedelta(days=r.randint(1, 330))
        seq = f"{r.randint(10, 99)}{r.randint(0, 9)}"
        first17 = r.choice(AREA_CODES) + birth.strftime("%Y%m%d") + seq
        sex = "男" if int(seq[-1]) % 2 else "女"
        return Person(name, first17 + ric_check(first17), birth, sex, self.address())

    def address(self) -> str:
        r = self.rnd
        return f"安和市{r.choice(DISTRICTS)}{r.choice(ROADS)}{r.randint(1, 999)}号"

    def company(self, trade: str) -> str:
        while True:
            name = f"安和市{self.rnd.choice(BRANDS)}{trade}有限公司"
            if name not in self.used:
                self.used.add(name)
                return name

    def uscc(self) -> str:
        body = "".join(self.rnd.choice(USCC_CHARS) for _ in range(9))
        first17 = "91" + self.rnd.choice(["361102", "360102", "361121"]) + body
        return first17 + uscc_check(first17)

    def phone(self) -> str:
        return "1" + self.rnd.choice("3589") + "".join(self.rnd.choice("0123456789") for _ in range(9))

    def days(self, lo: int, hi: int) -> date:
        return self.review + timedelta(days=self.rnd.randint(lo, hi))


def id_card(g: Gen, mid: str, p: Person) -> Material:
    """GM-ID: 人像面 and 国徽面; defects per README §8.1."""
    r = g.rnd
    age = g.review.year - p.birth.year
    start = g.review - timedelta(days=r.randint(200, 3000))
    end: str = "长期" if age >= 48 and r.random() < 0.6 else fmt_date(add_years(start, 20), 1)
    front = Doc(
        title="",
        card=(85.6, 54.0),
        keep_order=True,
        portrait=True,
        fields=[
            ("姓名", p.name),
            ("性别", p.sex),
            ("民族", "汉"),
            ("出生", f"{p.birth.year}年{p.birth.month}月{p.birth.day}日"),
            ("住址", p.addr),
            ("公民身份号码", p.id),
        ],
    )
    back = Doc(
        title="中华人民共和国",
        subtitle="居民身份证",
        card=(85.6, 54.0),
        keep_order=True,
        fields=[
            ("签发机关", f"安和市公安局{r.choice(DISTRICTS)}分局"),
            ("有效期限", f"{fmt_date(start, 1)}-{end}"),
        ],
    )
    m = Material(mid, [front, back], card=True)

    def rename() -> None:
        front.fields[0] = ("姓名", one_char_off(p.name, r))

    def bad_id() -> None:
        front.fields[5] = ("公民身份号码", break_id(p.id, r))

    def expired() -> None:
        e = g.review - timedelta(days=r.randint(1, 300))
        back.fields[1] = ("有效期限", f"{fmt_date(add_years(e, -10), 1)}-{fmt_date(e, 1)}")

    def front_only() -> None:
        m.parts.remove(back)

    m.defects = [
        Defect("姓名与申报不一致", ["NAME_MISMATCH"], rename),
        Defect("号码抄错一位", ["INVALID_ID", "ID_MISMATCH"], bad_id),
        Defect("身份证已过期", ["EXPIRED"], expired),
        Defect("只交人像面", ["PAGES_MISSING"], front_only),
    ]
    return m


def licence(
    g: Gen,
    mid: str,
    *,
    name: str,
    uscc: str,
    rep: str,
    scope: str,
    capital: str,
    copy_seal: bool,
    tol: int | None = None,
) -> Material:
    """GM-BL: a licence (副本) photo or copy; the copy carries the holder's seal (README §8.2)."""
    r = g.rnd
    founded = g.review - timedelta(days=r.randint(400, 4000))
    doc = Doc(
        title="营业执照",
        subtitle="（副本）",
        card=(250.0, 175.0),
        fixed_seals=["安和市市场监督管理局"],
        seals=[name] if copy_seal else [],
        fields=[
            ("统一社会信用代码", uscc),
            ("名称", name),
            ("类型", "有限责任公司（自然人投资或控股）"),
            ("法定代表人", rep),
            ("经营范围", scope),
            ("注册资本", capital),
            ("成立日期", fmt_date(founded, 0)),
            ("营业期限", f"{fmt_date(founded, 0)}至长期"),
            ("住所", g.address()),
            ("登记机关", "安和市市场监督管理局"),
        ],
    )
    m = Material(mid, [doc], tol, card=True)

    def set_field(label: str, value: str) -> None:
        doc.fields = [(lab, value if lab == label else v) for lab, v in doc.fields]

    def expired() -> None:
        set_field(
            "营业期限", f"{fmt_date(founded, 0)}至{fmt_date(g.review - timedelta(days=r.randint(1, 200)), 0)}"
        )

    m.defects = [
        Defect("执照名称不一致", ["NAME_MISMATCH"], lambda: set_field("名称", one_char_off(name, r))),
        Defect(
            "信用代码抄错",
            ["INVALID_USCC", "ID_MISMATCH"],
            lambda: set_field("统一社会信用代码", break_uscc(uscc, r)),
        ),
        Defect("营业期限已届满", ["EXPIRED"], expired),
    ]
    if copy_seal:
        m.defects.append(Defect("复印件未盖公章", ["NOT_SEALED"], lambda: doc.seals.clear()))
    return m


def poa(
    g: Gen,
    mid: str,
    *,
    principals: list[str],
    seals: list[str],
    matter: str,
    agent: Person,
    signers: list[str],
) -> Material:
    """GM-POA; principals sign (a unit through its legal representative) and units seal (README §8.3)."""
    r = g.rnd
    start = g.review - timedelta(days=r.randint(1, 20))
    end = g.review + timedelta(days=r.randint(30, 300))
    period = f"{g.fmt(start)}至{g.fmt(end)}" if r.random() < 0.8 else "自签发之日起至本事项办结之日止"
    doc = Doc(
        title=r.choice(["授权委托书", "委托书"]),
        seals=list(seals),
        seal_label="委托人（盖章）：" if seals else "",
        signs=signers,
        date=g.fmt(start),
        fields=[
            ("委托人", "、".join(principals)),
            ("受托人", agent.name),
            ("受托人身份证号码", agent.id),
            ("联系电话", g.phone()),
            ("委托事项", matter),
            ("委托期限", period),
        ],
    )
    m = Material(mid, [doc])

    def set_field(label: str, value: str) -> None:
        doc.fields = [(lab, value if lab == label else v) for lab, v in doc.fields]

    def expired() -> None:
        e = g.review - timedelta(days=r.randint(1, 60))
        set_field("委托期限", f"{g.fmt(e - timedelta(days=90))}至{g.fmt(e)}")

    m.defects = [
        Defect("委托期限已届满", ["EXPIRED"], expired),
        Defect(
            "受托人姓名不一致", ["NAME_MISMATCH"], lambda: set_field("受托人", one_char_off(agent.name, r))
        ),
        Defect(
            "受托人号码抄错",
            ["INVALID_ID", "ID_MISMATCH"],
            lambda: set_field("受托人身份证号码", break_id(agent.id, r)),
        ),
        Defect("委托期限空白", ["FIELD_EMPTY"], lambda: set_field("委托期限", "")),
        Defect("委托人未签字", ["NOT_SIGNED"], lambda: setattr(doc, "signed", False)),
    ]
    if seals:
        m.defects.append(Defect("委托单位未盖章", ["NOT_SEALED"], lambda: doc.seals.clear()))
    return m


def premises(g: Gen, mid: str, *, owner: str, tol: int | None = None, use: str = "商业服务") -> Material:
    """GM-PREM as a 不动产权证书 held by the user: no lease term, so never EXPIRED (README §8.4)."""
    r = g.rnd
    unit_no = (
        f"361102{r.randint(10**5, 10**6 - 1)}GB{r.randint(10**4, 10**5 - 1)}F{r.randint(10**7, 10**8 - 1)}"
    )
    doc = Doc(
        title="不动产权证书",
        card=(200.0, 140.0),
        fixed_seals=["安和市不动产登记中心"],
        keep_order=r.random() < 0.5,
        subtitle=f"赣（2025）安和市不动产权第{r.randint(1000000, 9999999)}号",
        fields=[
            ("权利人", owner),
            ("共有情况", "单独所有"),
            ("坐落", g.address() + f"{r.randint(1, 30)}栋{r.randint(101, 2208)}室"),
            (
                "不动产单元号",
                unit_no,
            ),
            ("权利类型", "国有建设用地使用权/房屋所有权"),
            ("权利性质", "出让/市场化商品房"),
            ("用途", f"城镇住宅用地/{use}"),
            (
                "面积",
                f"共有宗地面积{r.randint(2000, 9000)}㎡/房屋建筑面积{r.randint(40, 400)}.5㎡",
            ),
            (
                "使用期限",
                f"国有建设用地使用权{r.randint(2045, 2070)}年{r.randint(1, 12)}月{r.randint(1, 28)}日止",
            ),
        ],
    )
    m = Material(mid, [doc], tol, card=True)

    def set_field(label: str, value: str) -> None:
        doc.fields = [(lab, value if lab == label else v) for lab, v in doc.fields]

    m.defects = [
        Defect("权利人不一致", ["NAME_MISMATCH"], lambda: set_field("权利人", one_char_off(owner, r))),
        Defect("坐落空白", ["FIELD_EMPTY"], lambda: set_field("坐落", "")),
    ]
    return m
