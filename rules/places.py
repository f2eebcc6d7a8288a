"""Where things are in a rule file's text: the YAML nodes with their line and column, so that a problem
found in the parsed file can be shown on its line, and a form edit can rewrite just the text it changes.

PyYAML's composer keeps the start and end of every node in the source; nothing here re-serialises the
file, so comments, key order and quoting of everything not touched stay as the department wrote them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rules.errors import RuleFileError

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there: ~20 times faster
Path = list[str | int]

# PyYAML's problems (English) in a department's words; the first that matches wins.
_SYNTAX_ZH: tuple[tuple[str, str], ...] = (
    (
        "mapping values are not allowed",
        "这里不能再写“名称: 值”：多为缩进不齐，或冒号后的内容要加引号",
    ),
    ("could not find expected ':'", "缺少冒号“:”（“名称: 值”的冒号后要有空格）"),
    ("did not find expected key", "缩进不齐：这一行与同一层的其他行没有对齐"),
    ("did not find expected '-' indicator", "列表的这一项缺少开头的“- ”，或缩进不齐"),
    ("expected <block end>", "缩进不齐：这一行与同一层的其他行没有对齐"),
    ("tab character", "这里用了 Tab 键缩进，请改用空格"),
    ("cannot start any token", "这里有不能出现的字符（例如 Tab 键，请改用空格缩进）"),
    ("found unexpected end of stream", "引号或括号没有配对，文件就结束了"),
    ("found unknown escape character", "双引号中的反斜杠“\\”用法不对"),
    ("found undefined alias", "引用了没有定义的锚点（*名称）"),
    ("found duplicate anchor", "锚点（&名称）重复定义"),
    ("expected ',' or ']'", "方括号列表 [ … ] 没有正确结束（缺少逗号或“]”）"),
    ("expected ',' or '}'", "花括号 { … } 没有正确结束（缺少逗号或“}”）"),
    ("unacceptable character", "文件中有不能使用的字符"),
)


def syntax_problem(exc: yaml.YAMLError) -> tuple[str, str]:
    """(where, problem) of a YAML syntax error, in Chinese, where = "第 L 行第 C 列" (1-based)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
    text = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or exc}"
    said = next(
        (zh for en, zh in _SYNTAX_ZH if en in text),
        "写法不符合 YAML 格式（多为缩进不齐、冒号后缺空格或引号未配对）",
    )
    return where, f"YAML 格式错误：{said}"


def load_text(text: str, *, name: str) -> Any:
    """The rule file's content; a syntax error becomes a RuleFileError in Chinese with line and column."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RuleFileError(name, [syntax_problem(exc)]) from None


def compose(text: str) -> Node | None:
    """The node tree of ``text`` (None when it is not valid YAML or empty)."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None


_SEGMENT = re.compile(r"\[([^\]]*)\]|([^.[\]]+)")
_LINE_COL = re.compile(r"^第 (\d+) 行第 (\d+) 列$")


def parse_path(where: str) -> Path:
    """``materials[6].checks[2].field`` → ['materials', 6, 'checks', 2, 'field']."""
    out: Path = []
    for index, key in _SEGMENT.findall(where or ""):
        out.append(int(index) if index.isdigit() else index if index else key)
    return out


def child(node: Node | None, step: str | int) -> tuple[Node, Node | None] | None:
    """The (key node or item node, value node) ``step`` leads to from ``node``; None when absent."""
    if isinstance(node, SequenceNode):
        if isinstance(step, int):
            return (node.value[step], node.value[step]) if 0 <= step < len(node.value) else None
        for item in node.value:  # a sequence of mappings looked up by their id (materials[M7])
            found = child(item, "id")
            if found and isinstance(found[1], ScalarNode) and found[1].value == step:
                return item, item
        return None
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == str(step):
                return key, value
    return None


def locate(root: Node | None, path: Path) -> Node | None:
    """The deepest node of ``path`` present in the tree (the value, or the mapping holding a missing key)."""
    node, found = root, root
    for step in path:
        hit = child(node, step)
        if hit is None:
            break
        key, value = hit
        node = value
        found = value if value is not None else key
    return found


def line_column(text: str, where: str, *, root: Node | None = None) -> tuple[int, int] | None:
    """1-based (line, column) a problem's ``where`` points at: "第 L 行第 C 列" or a path into the file."""
    m = _LINE_COL.match(where or "")
    if m:
        return int(m.group(1)), int(m.group(2))
    node = locate(root if root is not None else compose(text), parse_path(where))
    if node is None:
        return None
    return node.start_mark.line + 1, node.start_mark.column + 1
