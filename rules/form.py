"""The rule file as a form: what departments change most (材料名称, 必要 / 条件必要 / 容缺 and its days,
材料形式及份数, 审查要点, 承诺 / 法定时限, 收费), read from the text and written back into it.

Edits rewrite only the characters of the values they change (found through ``rules.places``), so
everything the form does not touch — comments, order, quoting, the rest of the file — stays byte for
byte as it was. Whether the result is a valid rule file is for ``rules.service.validate`` to say.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rules.codes import CODE_LABELS, Code
from rules.errors import RuleFileError
from rules.places import child, compose, load_text
from rules.spec import SHORTHAND

# The keys the form edits, in the order they are written when one is added.
MATERIAL_KEYS = ("id", "name", "form", "source", "when", "tolerance_days", "necessity_note")
BASIC_KEYS = ("办件类型", "承诺时限", "承诺工作日", "法定时限", "收费")
_NUMBERS = {"tolerance_days", "承诺工作日"}
_LIST_SLOTS = {"fields", "parts"}
_CHECK_ARGS = {"fields", "parts", "accept", "field", "who", "within", "equals", "when", "note"}
# What each 审查要点 asks for beyond its code (the catalogue the form picks from).
_EXTRA: dict[Code, tuple[str, ...]] = {
    Code.STALE: ("field", "within"),
    Code.NAME_MISMATCH: ("field", "equals"),
    Code.ID_MISMATCH: ("field", "equals"),
}


class CatalogueEntry(BaseModel):
    code: str
    label: str
    asks: list[str] = Field(description="要填的参数：fields / parts / accept / field / who / within / equals")


class CheckRow(BaseModel):
    index: int
    code: str
    label: str
    written: str = Field(description="这条要点在文件中的原文")
    said: str = Field(default="", description="这条要点的白话（读得懂时）")


class MaterialForm(BaseModel):
    index: int
    id: str
    name: str
    form: str = ""
    source: str = ""
    when: str = ""
    when_said: str = Field(default="", description="需要提交的条件的白话（读得懂时）")
    tolerance_days: int | None = None
    inherited: str = Field(default="", description="通用材料或同某事项材料：另有未列出的要点")
    checks: list[CheckRow] = Field(default_factory=list)


class RuleForm(BaseModel):
    basic: dict[str, str | int | None]
    materials: list[MaterialForm]
    catalogue: list[CatalogueEntry]


class FormEdit(BaseModel):
    """One change made in the form. ``material`` None means 事项基本信息."""

    op: Literal["set", "add_check", "remove_check"]
    material: str | None = Field(default=None, pattern=r"^M\d+$")
    key: str = ""
    value: str | int | None = None  # None (with op set) removes the key: 容缺 off, 条件必要 off
    code: Code | None = None
    args: dict[str, str] = Field(default_factory=dict)  # add_check: accept / fields / field / within …
    check: int | None = Field(default=None, ge=0)


class FormError(RuleFileError):
    """An edit the form cannot write into this text (the text itself is malformed there)."""


def catalogue() -> list[CatalogueEntry]:
    out = []
    for code in Code:
        if code in (Code.MISSING, Code.NOT_ELIGIBLE):  # decided by the engine, not written per material
            continue
        asks = _EXTRA.get(code) or ((SHORTHAND[code.value],) if code.value in SHORTHAND else ())
        out.append(CatalogueEntry(code=code.value, label=CODE_LABELS[code], asks=list(asks)))
    return out


def read(text: str, *, name: str) -> RuleForm:
    raw = load_text(text, name=name)
    root = compose(text)
    if not isinstance(raw, dict) or root is None:
        raise FormError(name, [("", "规则文件应由 code、name、basic、materials 等“名称: 值”组成")])
    got = raw.get("basic")
    basic: dict[str, Any] = got if isinstance(got, dict) else {}
    hit = child(root, "materials")
    nodes = hit[1].value if hit and isinstance(hit[1], SequenceNode) else []
    materials = [
        _material(i, m, node, text)
        for i, (m, node) in enumerate(zip(raw.get("materials") or [], nodes, strict=False))
        if isinstance(m, dict)
    ]
    return RuleForm(basic={k: basic.get(k) for k in BASIC_KEYS}, materials=materials, catalogue=catalogue())


def _material(index: int, m: dict[str, Any], node: Node, text: str) -> MaterialForm:
    hit = child(node, "checks")
    checks = hit[1].value if hit and isinstance(hit[1], SequenceNode) else []
    rows = []
    for j, check in enumerate(checks):
        code = (
            next((str(k.value) for k, _ in check.value if k.value in Code.__members__), "")
            if (isinstance(check, MappingNode))
            else ""
        )
        written = text[check.start_mark.index : check.end_mark.index].strip()
        rows.append(
            CheckRow(index=j, code=code, label=CODE_LABELS[Code(code)] if code else "", written=written)
        )
    days = m.get("tolerance_days")
    return MaterialForm(
        index=index,
        id=str(m.get("id", "")),
        name=str(m.get("name", "")),
        form=str(m.get("form") or ""),
        source=str(m.get("source") or ""),
        when=str(m.get("when") or ""),
        tolerance_days=days if isinstance(days, int) and not isinstance(days, bool) else None,
        inherited=str(m.get("common") or m.get("same_as") or ""),
        checks=rows,
    )


# ------------------------------------------------------------------------------------------ writing


def apply(text: str, edits: list[FormEdit], *, name: str) -> str:
    """``text`` with ``edits`` written into it, one after the other."""
    for edit in edits:
        text = _apply_one(text, edit, name=name)
    return text


def _apply_one(text: str, edit: FormEdit, *, name: str) -> str:
    load_text(text, name=name)  # a syntax error is reported as such, before any edit
    root = compose(text)
    target = _target(root, edit, name=name)
    if edit.op == "set":
        order = BASIC_KEYS if edit.material is None else MATERIAL_KEYS
        if edit.key not in order or edit.key == "id":
            raise FormError(name, [(edit.key, "表单不能修改这一项，请在 YAML 中修改")])
        return _set(text, target, edit.key, _value(edit), order=order, name=name)
    hit = child(target, "checks")
    if edit.op == "remove_check":
        if hit is None or not isinstance(hit[1], SequenceNode) or edit.check is None:
            raise FormError(name, [("checks", "没有这条审查要点")])
        return _remove_item(text, hit[1], edit.check, name=name)
    entry = _check_text(edit, name=name)
    if hit is None:
        return _insert_pair(
            text, target, "checks", "\n" + entry, order=(*MATERIAL_KEYS, "checks"), block=True
        )
    return _append_item(text, hit[1], entry, name=name)


def _target(root: Node | None, edit: FormEdit, *, name: str) -> MappingNode:
    if edit.material is None:
        hit = child(root, "basic")
        found = hit[1] if hit else None
    else:
        mats = child(root, "materials")
        item = child(mats[1], edit.material) if mats else None
        found = item[1] if item else None
    if not isinstance(found, MappingNode):
        where = f"材料 {edit.material}" if edit.material else "basic"
        raise FormError(name, [(where, "文件中找不到这一项")])
    return found


def _value(edit: FormEdit) -> str | int | None:
    if edit.value is None or edit.key not in _NUMBERS:
        return None if edit.value == "" else edit.value
    text = str(edit.value).strip()
    return int(text) if re.fullmatch(r"\d{1,6}", text) else text  # not a number: validation says so


def scalar(value: str | int) -> str:
    """``value`` as a YAML scalar: plain where that reads back the same, else double-quoted."""
    if isinstance(value, int):
        return str(value)
    plain = (
        value
        and value == value.strip()
        and "\n" not in value
        and not re.search(r"[,\[\]{}#&*!|>'\"%@`]|: |:$", value)
        and not value.startswith(("-", "?", ":"))
    )
    if plain and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


def _set(
    text: str, mapping: MappingNode, key: str, value: str | int | None, *, order: tuple[str, ...], name: str
) -> str:
    hit = child(mapping, key)
    if hit is None:
        return text if value is None else _insert_pair(text, mapping, key, scalar(value), order=order)
    key_node, node = hit
    if node is not None and not isinstance(node, ScalarNode):
        raise FormError(name, [(key, "这一项不是单个值，请在 YAML 中修改")])
    if value is None:
        return _remove_pair(text, mapping, key_node, node, name=name)
    if node is None:
        raise FormError(name, [(key, "文件中找不到这一项的值")])
    end = node.end_mark.index
    tail = "\n" if node.style in ("|", ">") else ""  # a block scalar's span ends on the next line
    return text[: node.start_mark.index] + scalar(value) + tail + text[end:]


def _content_end(node: Node) -> int:
    """Where ``node``'s own text ends: a block collection's end mark lies at the next token, often on
    a later line, so look at its last value instead."""
    if isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(last, tuple) else last)
    return int(node.end_mark.index)


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _insert_pair(
    text: str, mapping: MappingNode, key: str, value: str, *, order: tuple[str, ...], block: bool = False
) -> str:
    if mapping.flow_style:
        close = mapping.end_mark.index - 1  # the "}"
        return text[:close].rstrip() + f", {key}: {value}" + text[close:]
    before = set(order[: order.index(key)]) if key in order else set(order)
    pairs = [(k, v) for k, v in mapping.value if isinstance(k, ScalarNode)]
    anchor = next(
        (p for p in reversed(pairs) if p[0].value in before and isinstance(p[1], ScalarNode)), pairs[-1]
    )
    indent = " " * mapping.value[0][0].start_mark.column
    if block and value.startswith("\n"):  # a new list: its items one level deeper
        value = value.replace("\n", "\n" + indent + "  ")
    line = f"\n{indent}{key}:{'' if value.startswith(chr(10)) else ' '}{value}"
    node = anchor[1]
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):  # its span ends on the next line
        return text[: node.end_mark.index] + line.lstrip("\n") + "\n" + text[node.end_mark.index :]
    at = _line_end(text, _content_end(node))
    return text[:at] + line + text[at:]


def _remove_pair(text: str, mapping: MappingNode, key: Node, node: Node | None, *, name: str) -> str:
    end = node.end_mark.index if node is not None else key.end_mark.index
    if mapping.flow_style:
        start, stop = key.start_mark.index, end
        following = re.match(r"\s*,\s*", text[stop:])
        if following:
            return text[:start] + text[stop + following.end() :]
        preceding = re.search(r",\s*$", text[:start])
        return text[: preceding.start() if preceding else start] + text[stop:]
    line_start = text.rfind("\n", 0, key.start_mark.index) + 1
    if text[line_start : key.start_mark.index].strip():
        raise FormError(name, [(str(key.value), "这一项写在列表项的第一行，请在 YAML 中删除")])
    return text[:line_start] + text[_line_end(text, end) + 1 :]


def _item_lines(text: str, seq: SequenceNode, index: int, *, name: str) -> tuple[int, int]:
    if not 0 <= index < len(seq.value) or seq.flow_style:
        raise FormError(name, [("checks", "没有这条审查要点，或要点写在一行的 [ … ] 中，请在 YAML 中修改")])
    item = seq.value[index]
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    return start, _line_end(text, _content_end(item)) + 1


def _remove_item(text: str, seq: SequenceNode, index: int, *, name: str) -> str:
    start, end = _item_lines(text, seq, index, name=name)
    return text[:start] + text[min(end, len(text)) :]


def _append_item(text: str, seq: Node | None, entry: str, *, name: str) -> str:
    if not isinstance(seq, SequenceNode) or not seq.value:
        raise FormError(name, [("checks", "审查要点不是逐行“- ”的列表，请在 YAML 中修改")])
    _, end = _item_lines(text, seq, len(seq.value) - 1, name=name)
    line = " " * seq.start_mark.column + entry.lstrip("\n") + "\n"
    if end > len(text):
        return text + "\n" + line
    return text[:end] + line + text[end:]


def _check_text(edit: FormEdit, *, name: str) -> str:
    """``- CODE: shorthand`` or ``- CODE: {field: …, within: …}`` for a new 审查要点."""
    if edit.code is None or edit.code in (Code.MISSING, Code.NOT_ELIGIBLE):
        raise FormError(name, [("checks", "请从要点目录中选择一个审查要点")])
    args = {k: v.strip() for k, v in edit.args.items() if v and v.strip()}
    unknown = sorted(set(args) - _CHECK_ARGS)
    if unknown:
        raise FormError(name, [("checks", f"审查要点没有这些参数：{'、'.join(unknown)}")])
    shorthand = SHORTHAND.get(edit.code.value)
    parts: list[str] = []
    for key, value in args.items():
        listed = key in _LIST_SLOTS or key == "equals"
        items = [v.strip() for v in re.split(r"[、，,;；]", value) if v.strip()] if listed else []
        parts.append(
            f"{key}: [{', '.join(scalar(i) for i in items)}]" if listed else f"{key}: {scalar(value)}"
        )
    if shorthand and set(args) == {shorthand}:
        written = parts[0].split(": ", 1)[1]
    else:
        written = "{" + ", ".join(parts) + "}"
    return f"\n- {edit.code.value}: {written}"
