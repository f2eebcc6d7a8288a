"""A rule file's problems in a department's words: pydantic's messages in Chinese, and the place a path
points at named as staff know it ("材料 M7《营业执照》的 容缺天数"), with its line and column in the text."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from rules.codes import CODE_LABELS, Code
from rules.errors import RuleFileError
from rules.places import compose, line_column, load_text, parse_path

# The rule file's keys as the staff pages name them.
KEY_LABELS: dict[str, str] = {
    "code": "编码",
    "name": "名称",
    "version": "版本号",
    "department": "实施部门",
    "basic": "事项基本信息",
    "carrier": "申请表材料",
    "bundle": "是否联办",
    "required_facts": "必填申报事实",
    "conditions": "受理条件",
    "manual_checks": "人工核对事项",
    "materials": "申请材料",
    "material_notes": "材料说明",
    "shared": "共享材料",
    "rejections": "不予受理情形",
    "form": "材料形式及份数",
    "source": "来源",
    "when": "适用条件",
    "tolerance_days": "容缺天数",
    "necessity_note": "必要性说明",
    "common": "通用材料",
    "per": "每套对应",
    "maps_to": "替代的材料",
    "same_as": "同",
    "recognition": "识别特征",
    "fields": "字段",
    "parts": "组成部分",
    "checks": "审查要点",
    "notes": "说明",
    "licence": "电子证照",
    "text": "条件内容",
    "require": "判定",
    "basis": "判定依据",
    "on_fail": "不满足时的告知",
    "legal_basis": "法律依据",
    "refer_to": "告知去向",
    "fact": "申报事实",
    "must": "取值要求",
    "accept": "应为",
    "field": "字段",
    "within": "时限",
    "equals": "应一致的对象",
    "who": "签字或盖章的人",
    "count_at_least": "份数下限",
    "across_sets": "各套合计",
    "type": "类型",
    "labels": "别名",
    "part": "所在部分",
    "holder": "持证主体",
    "situation": "情形",
    "condition": "条件",
    "handling": "处理",
    "material": "材料",
    "used_by": "使用事项",
    "note": "说明",
    "titles": "标题",
    "keywords": "关键词",
    "confusions": "易混材料",
}


def _zh_value_error(msg: str) -> str:
    text = msg.removeprefix("Value error, ")
    if "names exactly one finding code" in text:
        return "每条审查要点须以一个要点代码开头（如 FIELD_EMPTY: [字段]）"
    if "takes no shorthand value" in text:
        return "这个要点须写成 {…} 的完整形式"
    if " needs " in text:
        code, _, need = text.partition(" needs ")
        return (
            f"{CODE_LABELS.get(Code(code), code) if code in Code.__members__ else code} 还缺少："
            + "、".join(KEY_LABELS.get(n.strip(), n.strip()) for n in need.split(","))
        )
    if text.startswith("within is"):
        return "时限应写成数字加 d（天）、m（月）或 y（年），如 90d"
    if text.startswith("unknown operator"):
        return "条件中有不认识的比较符（可用 =、!=、>、>=、<、<=、in、contains）"
    if text.startswith(("cannot read", "expected", "unexpected", "count()")):
        return "条件写法不对（应如 applicant_type = enterprise，或 by_agent = true）"
    return "取值不合要求"


def pydantic_message(error: ErrorDetails) -> str:
    """One pydantic error in Chinese (never pydantic's English)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    simple = {
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数",
        "float_parsing": "应为数字",
        "float_type": "应为数字",
        "bool_parsing": "应为 true（是）或 false（否）",
        "bool_type": "应为 true（是）或 false（否）",
        "string_type": "应为文字",
        "missing": "缺少（必须填写）",
        "extra_forbidden": "不是可用的项目名（拼写有误，或写错了位置）",
        "string_too_short": "不能为空",
        "string_too_long": "太长",
        "dict_type": "应写成“名称: 值”的形式",
        "model_type": "应写成“名称: 值”的形式",
        "model_attributes_type": "应写成“名称: 值”的形式",
        "list_type": "应为列表（[甲, 乙] 或逐行“- ”）",
        "tuple_type": "应为列表（[甲, 乙] 或逐行“- ”）",
        "string_pattern_mismatch": "编号格式不对（如 M7、C1、HB-001）",
    }
    if kind in simple:
        return simple[kind]
    bounds = {
        "greater_than_equal": ("ge", "应不小于"),
        "greater_than": ("gt", "应大于"),
        "less_than_equal": ("le", "应不大于"),
        "less_than": ("lt", "应小于"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        return f"{words} {ctx.get(key)}"
    if kind in ("literal_error", "enum"):
        return f"应为以下之一：{ctx.get('expected', '')}"
    if kind == "value_error":
        return _zh_value_error(error["msg"])
    return "取值不合要求"


def place(raw: Any, path: list[str | int]) -> str:
    """The place ``path`` points at, named for staff: "材料 M7《营业执照》的 容缺天数"."""
    parts: list[str] = []
    node, parent = raw, ""
    for step in path:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            parts[-1:] = [_item_name(parent, step, node)] if parts else [f"第 {step + 1} 项"]
        else:
            if parent in ("basic", "fields") and parts:  # a name the department chose: 字段「项目名称」
                parts[-1] += f"「{step}」"
            else:
                parts.append(KEY_LABELS.get(step, step))
            node = node.get(step) if isinstance(node, dict) else None
        parent = str(step)
    return "的 ".join(parts)


def _item_name(parent: str, index: int, node: Any) -> str:
    got = node if isinstance(node, dict) else {}
    if parent == "materials":
        return f"材料 {got.get('id', f'第 {index + 1} 项')}《{got.get('name', '')}》"
    if parent == "conditions":
        return f"受理条件 {got.get('id', f'第 {index + 1} 条')}"
    if parent == "checks":
        code = str(next((k for k in got if k in Code.__members__), got.get("code")))
        label = f"（{CODE_LABELS[Code(code)]}）" if code in Code.__members__ else ""
        return f"审查要点第 {index + 1} 条{label}"
    if parent == "required_facts":
        fact = got.get("fact") if got else node
        return f"必填申报事实第 {index + 1} 项（{fact}）"
    return f"{KEY_LABELS.get(parent, parent)}第 {index + 1} 项"


class Located(BaseModel):
    """One problem as the staff pages show it."""

    where: str  # the path inside the file, or "第 L 行第 C 列" for a YAML syntax error
    place: str  # 材料 M7《…》的 容缺天数
    problem: str  # 应为整数
    message: str  # place + problem
    line: int | None = None  # 1-based
    column: int | None = None


def located(text: str, error: RuleFileError) -> list[Located]:
    """The problems of ``error`` (raised for ``text``) named and placed for the staff pages."""
    try:
        raw = load_text(text, name=error.file)
    except RuleFileError:
        raw = None
    root = compose(text) if raw is not None else None
    out: list[Located] = []
    for where, problem in error.problems:
        spot = line_column(text, where, root=root) if (root is not None or where.startswith("第")) else None
        named = "" if where.startswith("第") else place(raw, parse_path(where))
        out.append(
            Located(
                where=where,
                place=named,
                problem=problem,
                message=f"{named} {problem}" if named else problem,
                line=spot[0] if spot else None,
                column=spot[1] if spot else None,
            )
        )
    return out
