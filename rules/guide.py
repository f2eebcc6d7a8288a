"""Service-guide sections (办事指南) rendered from a rule file — one source of truth for the KB.

The KB indexes these as ``ITEM#basic``, ``ITEM#conditions``, ``ITEM#materials``, ``ITEM#reject``;
when a rule file changes, re-rendering gives the new text.
"""

from __future__ import annotations

from pydantic import BaseModel

from rules.codes import CODE_LABELS
from rules.spec import Check, FactCatalog, Item, Material
from rules.wording import describe, humanise


class GuideSection(BaseModel):
    target: str  # "JT-001#materials"
    item: str
    item_name: str
    department: str
    section: str  # basic | conditions | materials | reject
    title: str
    text: str


def guide_sections(item: Item, *, catalog: FactCatalog) -> list[GuideSection]:
    parts = {
        "basic": ("事项基本信息", _basic(item)),
        "conditions": ("受理条件", _conditions(item)),
        "materials": ("申请材料", _materials(item, catalog)),
        "reject": ("不予受理情形", _rejections(item)),
    }
    return [
        GuideSection(
            target=f"{item.code}#{key}",
            item=item.code,
            item_name=item.name,
            department=item.department,
            section=key,
            title=f"{item.name} · {title}",
            text=humanise(text, catalog=catalog),
        )
        for key, (title, text) in parts.items()
        if text
    ]


def _basic(item: Item) -> str:
    rows = [
        f"{field.alias}：{_shown(value)}"
        for name, field in type(item.basic).model_fields.items()
        if (value := getattr(item.basic, name)) not in ("", None, ())
        and field.alias
        and name not in _DATA_ONLY
    ]
    return "\n".join([f"事项编码：{item.code}", f"事项名称：{item.name}", *rows])


# which declared fact chooses an item's procedure is for the clock; 承诺时限 says the same in words
_DATA_ONLY = {"procedures"}


def _shown(value: object) -> str:
    """A list field (计时暂停事由) as the guide writes lists, not as a Python tuple."""
    return "、".join(map(str, value)) if isinstance(value, tuple | list) else str(value)


def _conditions(item: Item) -> str:
    lines = []
    for c in item.conditions:
        line = f"{c.id} {c.text}"
        if c.basis:
            line += f"（判定依据：{c.basis}）"
        if c.on_fail:
            line += f"。不满足时：{c.on_fail}"
        if c.legal_basis:
            line += f"（{c.legal_basis}）"
        lines.append(line)
    if item.manual_checks:
        lines.append("以下由收件人员人工核对：" + "；".join(item.manual_checks))
    return "\n".join(lines)


def _materials(item: Item, catalog: FactCatalog) -> str:
    names = {m.id: m.name for m in item.materials}
    lines = [_material(m, catalog, names) for m in item.materials]
    lines += list(item.material_notes)
    return "\n".join(lines)


def _material(m: Material, catalog: FactCatalog, names: dict[str, str]) -> str:
    if m.when is None:
        necessity = "必要"
    else:
        necessity = f"条件必要（{m.necessity_note or describe(m.when, catalog=catalog, materials=names)}）"
    if m.tolerance_days:
        necessity += f"；容缺，{m.tolerance_days} 个工作日内补交"
    checks = "；".join(_check(c) for c in m.checks)
    return f"{m.id} {m.name}：{m.form}；来源：{m.source}；{necessity}。审查要点：{checks}"


def _check(check: Check) -> str:
    what = check.note or check.accept or "、".join(check.fields or check.parts) or check.field or check.who
    return f"{CODE_LABELS[check.code]}（{what}）" if what else CODE_LABELS[check.code]


def _rejections(item: Item) -> str:
    return "\n".join(f"{r.situation}（{r.condition}）：{r.handling}" for r in item.rejections)
