"""The typed schema of a rule file (one item or one 一件事 bundle per YAML file in corpus/rules/).

A department edits YAML; this module says what the YAML may hold. Checks are written one per line
in the form the standards use, e.g. ``- EXPIRED: 有效期限`` or
``- NAME_MISMATCH: {field: 姓名, equals: legal_rep_name, when: "applicant_type = natural_person"}``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules.codes import Code
from rules.expr import Expr, parse

FieldType = Literal[
    "text", "name", "id_number", "uscc", "date", "period", "month", "number", "plate", "checkbox", "list"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _expr(value: Any) -> Any:
    return parse(value) if isinstance(value, str) else value


class Condition(_Strict):
    """A numbered acceptance condition (受理条件): ``require`` must hold, else NOT_ELIGIBLE."""

    id: str = Field(pattern=r"^C\d+$")
    text: str
    require: Expr
    when: Expr | None = None  # the condition applies only when this holds
    basis: str = ""  # 判定依据 as the standard words it
    on_fail: str = ""  # what the window tells the applicant
    legal_basis: str = ""
    refer_to: str = ""  # the competent authority, when another one is

    _parse = field_validator("require", "when", mode="before")(_expr)


class FieldSpec(_Strict):
    type: FieldType = "text"
    labels: tuple[str, ...] = ()  # synonyms printed on the material; the key itself is always one
    part: str = ""  # the face/page that carries it (e.g. 国徽面)
    # A field with no printed value of its own (which form was submitted, which box is ticked): the
    # value is the option whose words are on the material — a ticked one (☑/■) first, then a title.
    options: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class Confusion(_Strict):
    title: str
    note: str = ""


class Recognition(_Strict):
    titles: tuple[str, ...] = ()  # title words; any one identifies the material
    keywords: tuple[str, ...] = ()  # words that support the identification
    labels: tuple[str, ...] = ()  # field labels printed on it
    confusions: tuple[Confusion, ...] = ()  # look-alikes that are NOT this material
    must_tick: tuple[str, ...] = ()  # a form of this title with none of these options ticked is a look-alike
    # How to tell a part (face/page/section) on a page: alternatives, each "A+B" meaning A and B both
    # printed there. A part without cues is found by its own name printed on the page.
    part_cues: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()


# a declared fact, ``Mn「字段」`` or ``shareholders.name`` / ``shareholders.id_number`` /
# ``shareholders.uscc``
Target = str


class Check(_Strict):
    """One 审查要点 line."""

    code: Code
    when: Expr | None = None
    note: str = ""  # the standard's wording, shown to clerks and printed on notices
    accept: str = ""  # WRONG_DOCUMENT: what the material must be
    fields: tuple[str, ...] = ()  # UNREADABLE / FIELD_EMPTY
    parts: tuple[str, ...] = ()  # PAGES_MISSING
    count_at_least: str = ""  # PAGES_MISSING: a declared fact or count(Mn) giving the number of sets due
    across_sets: bool = False  # PAGES_MISSING: each part must be in at least one set, not in every set
    field: str = ""  # single-field checks
    within: str = ""  # STALE: "90d", "3m", "3y"
    equals: tuple[Target, ...] = ()  # *_MISMATCH: any one of these must match
    who: str = ""  # NOT_SIGNED signer / NOT_SEALED seal holder

    _parse = field_validator("when", mode="before")(_expr)

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        """Accept ``{CODE: shorthand}`` as well as ``{code: CODE, ...}``."""
        if not isinstance(data, dict) or "code" in data:
            return data
        codes = [k for k in data if k in Code.__members__]
        if len(codes) != 1:
            raise ValueError(f"a check names exactly one finding code, got keys {sorted(data)}")
        code = codes[0]
        rest = {k: v for k, v in data.items() if k != code}
        value = data[code]
        if isinstance(value, dict):
            return {"code": code, **value, **rest}
        slot = SHORTHAND.get(code)
        if slot is None:
            raise ValueError(f"{code} takes no shorthand value")
        if slot in ("fields", "parts", "equals") and isinstance(value, str):
            value = [value]
        return {"code": code, slot: value, **rest}

    @field_validator("equals", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("within")
    @classmethod
    def _window(cls, value: str) -> str:
        if value and not re.fullmatch(r"\d+[dmy]", value):
            raise ValueError("within is a number followed by d (days), m (months) or y (years), e.g. 90d")
        return value

    @model_validator(mode="after")
    def _complete(self) -> Check:
        need = _REQUIRED.get(self.code, ())
        missing = [name for name in need if not getattr(self, name)]
        if missing:
            raise ValueError(f"{self.code.value} needs {', '.join(missing)}")
        return self


SHORTHAND: dict[str, str] = {
    "WRONG_DOCUMENT": "accept",
    "UNREADABLE": "fields",
    "FIELD_EMPTY": "fields",
    "PAGES_MISSING": "parts",
    "INVALID_ID": "field",
    "INVALID_USCC": "field",
    "EXPIRED": "field",
    "NOT_SIGNED": "who",
    "NOT_SEALED": "who",
}
_REQUIRED: dict[Code, tuple[str, ...]] = {
    Code.UNREADABLE: ("fields",),
    Code.FIELD_EMPTY: ("fields",),
    Code.INVALID_ID: ("field",),
    Code.INVALID_USCC: ("field",),
    Code.EXPIRED: ("field",),
    Code.STALE: ("field", "within"),
    Code.NAME_MISMATCH: ("field", "equals"),
    Code.ID_MISMATCH: ("field", "equals"),
    Code.NOT_SIGNED: ("who",),
    Code.NOT_SEALED: ("who",),
}


# GB/T 36902 电子证照目录信息 a material field may be filled from (有效期 is 有效期起止 as one period)
CatalogueField = Literal["证照编号", "持证主体", "持证主体代码", "颁发机构", "颁发日期", "有效期"]
CATALOGUE_FIELDS: tuple[str, ...] = ("证照编号", "持证主体", "持证主体代码", "颁发机构", "颁发日期", "有效期")


class LicenceSource(_Strict):
    """The material may be fetched from the 电子证照 library when it was not uploaded (可共享调取的免交):
    a licence of ``type`` whose 持证主体代码 is the declared fact ``holder``; ``fields`` fills the material's
    fields from the licence's catalogue fields, which the material's checks then judge."""

    type: str = Field(min_length=1, max_length=60)  # 证照类型 as the library names it: 营业执照
    holder: str  # the declared fact holding the 持证主体代码 (uscc, legal_rep_id …)
    fields: dict[str, CatalogueField] = Field(default_factory=dict)


class Material(_Strict):
    id: str = Field(pattern=r"^M\d+$")
    name: str
    form: str = ""  # 材料形式及份数
    source: str = ""  # 来源
    when: Expr | None = None  # 条件必要: due only when this holds
    tolerance_days: int | None = Field(default=None, ge=1, le=60)  # 容缺（N 个工作日）
    necessity_note: str = ""  # the standard's own words for the necessity, when it says more
    common: Literal["GM-ID", "GM-BL", "GM-POA", "GM-PREM"] | None = None
    per: str = ""  # what one set stands for when several are due: 驾驶人员, 车辆, 股东 …
    maps_to: str = ""  # bundles: the sub-items' materials it replaces
    same_as: str = Field(
        default="", pattern=r"^([A-Z]{2,4}-\d{3}/M\d+)?$"
    )  # bundles: checks copied from there
    recognition: Recognition = Recognition()
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    parts: tuple[str, ...] = ()  # faces/pages/sections a complete set has
    checks: tuple[Check, ...] = ()
    notes: tuple[str, ...] = ()
    licence: LicenceSource | None = None  # 电子证照库调取: see LicenceSource

    _parse = field_validator("when", mode="before")(_expr)

    @property
    def necessity(self) -> str:
        text = "必要" if self.when is None else "条件必要"
        if self.tolerance_days:
            text += f"；容缺（{self.tolerance_days} 个工作日）"
        return text


class RequiredFact(_Strict):
    fact: str
    when: Expr | None = None  # mandatory only when this holds
    must: Expr | None = None  # a value that fails this counts as empty (e.g. seal_types contains official)

    _parse = field_validator("when", "must", mode="before")(_expr)

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, data: Any) -> Any:
        return {"fact": data} if isinstance(data, str) else data


class Rejection(_Strict):
    situation: str
    condition: str = Field(pattern=r"^C\d+$")
    handling: str


class Faq(_Strict):
    question: str
    answer: str


class Procedure(_Strict):
    """One of an item's procedures with its own 承诺时限 (RS-001: 告知承诺制 / 一般程序), chosen by the
    value of a declared fact."""

    name: str = Field(alias="名称")
    fact: str = Field(alias="事实")
    value: bool | int | str = Field(alias="取值")
    days: int = Field(alias="承诺工作日", ge=0)


class Basic(_Strict):
    """一、事项基本信息 — keys as the standards print them."""

    kind: str = Field(alias="办件类型")
    promise: str = Field(alias="承诺时限")
    promise_days: int = Field(alias="承诺工作日", ge=0)  # 0 = 即办
    statutory: str = Field(alias="法定时限")
    department: str = Field(alias="实施部门")
    window: str = Field(alias="受理窗口")
    basis: str = Field(alias="设定依据")
    applicants: str = Field(default="", alias="可受理的申请人类型")
    jurisdiction: str = Field(default="", alias="管辖")
    fee: str = Field(default="", alias="收费")
    result: str = Field(default="", alias="办理结果")
    scope: str = Field(default="", alias="许可范围")
    sub_items: str = Field(default="", alias="包含的子事项")
    lead: str = Field(default="", alias="牵头部门")
    order: str = Field(default="", alias="办理顺序")
    # steps the 承诺时限 leaves out (专家评审, 现场查勘 …): the case clock pauses for these only
    pauses: tuple[str, ...] = Field(default=(), alias="计时暂停事由")
    procedures: tuple[Procedure, ...] = Field(default=(), alias="办理程序")


class SharedMaterial(_Strict):
    material: str = Field(pattern=r"^M\d+$")
    used_by: str
    note: str = ""


class Item(_Strict):
    code: str = Field(pattern=r"^[A-Z]{2,4}-\d{3}$")
    name: str
    version: str
    department: str  # the department that owns (and alone may edit) this file
    bundle: bool = False
    basic: Basic
    carrier: str = "M1"  # the application form that carries the declared facts
    required_facts: tuple[RequiredFact, ...] = ()
    conditions: tuple[Condition, ...] = ()
    manual_checks: tuple[str, ...] = ()  # 由收件人员人工核对、不编码的事项
    materials: tuple[Material, ...]
    material_notes: tuple[str, ...] = ()
    shared: tuple[SharedMaterial, ...] = ()  # bundles: 共享材料（只交一次）
    rejections: tuple[Rejection, ...] = ()

    def material(self, material_id: str) -> Material:
        for m in self.materials:
            if m.id == material_id:
                return m
        raise KeyError(material_id)

    def condition(self, condition_id: str) -> Condition:
        for c in self.conditions:
            if c.id == condition_id:
                return c
        raise KeyError(condition_id)


class FactSpec(_Strict):
    type: Literal[
        "string",
        "name",
        "id_number",
        "uscc",
        "bool",
        "enum",
        "enum_list",
        "integer",
        "number",
        "date",
        "shareholders",
    ]
    label: str
    ask: str = ""  # the question put to an applicant, where it says more than the label
    unit: str = ""  # what a number is counted in (万元, 万立方米/年): printed after it wherever it is shown
    # the question as one item puts it, where the general wording would name another item's case
    ask_for: dict[str, str] = Field(default_factory=dict)
    values: tuple[str, ...] = ()
    value_labels: dict[str, str] = Field(default_factory=dict)  # enterprise → 企业
    from_facts: tuple[str, ...] = Field(default=(), alias="from")  # a derived fact's declared sources
    system_checked: bool = False
    doc: str = ""

    @model_validator(mode="before")
    @classmethod
    def _named_values(cls, data: Any) -> Any:
        # facts.yaml writes an enum's values as a mapping value → the name people read.
        if isinstance(data, dict) and isinstance(data.get("values"), dict):
            data = {**data, "value_labels": data["values"], "values": tuple(data["values"])}
        return data

    @property
    def question(self) -> str:
        return self.ask or self.label

    @property
    def subject(self) -> str:
        """What the fact is, for a sentence about it: the question's head (注册资本，按… → 注册资本), or the
        label where the question is a yes/no one."""
        if not self.ask or self.ask.startswith("是否"):
            return self.label
        return re.split(r"[：，]", re.sub(r"（[^（）]*）", "", self.ask), maxsplit=1)[0]

    def value_label(self, value: object) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        return self.value_labels.get(str(value), str(value))

    def with_unit(self, value: object) -> str:
        """A declared value as people read it: 8 万元, 是, 企业."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value:g}" + (f" {self.unit}" if self.unit else "")
        return self.value_label(value)


class FactCatalog(_Strict):
    facts: dict[str, FactSpec]
    derived: dict[str, FactSpec] = Field(default_factory=dict)
    # words of the standards' prose that are neither facts nor their values (shareholder_type, corporate…)
    terms: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sources_declared(self) -> FactCatalog:
        for name, spec in self.derived.items():
            unknown = [f for f in spec.from_facts if f not in self.facts]
            if not spec.from_facts or unknown:
                raise ValueError(f"derived fact {name}: 'from' must list declared facts (unknown: {unknown})")
        return self

    def get(self, name: str) -> FactSpec | None:
        return self.facts.get(name) or self.derived.get(name)
