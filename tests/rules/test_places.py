"""Where a problem is in a rule file's text: paths to 1-based line and column; YAML syntax errors in
Chinese with their line and column."""

from __future__ import annotations

import pytest

from rules.errors import RuleFileError
from rules.places import line_column, load_text, parse_path

TEXT = """# a comment
code: JT-001
materials:
  - id: M1
    name: 申请表
  - id: M2
    name: 营业执照
    tolerance_days: 三
    checks:
      - FIELD_EMPTY: [名称]
      - {NOT_SEALED: 公章}
"""


def test_paths_point_at_their_line_and_column() -> None:
    assert parse_path("materials[1].checks[0].field") == ["materials", 1, "checks", 0, "field"]
    assert line_column(TEXT, "materials[1].tolerance_days") == (8, 21)
    assert line_column(TEXT, "materials[M2].name") == (7, 11)
    assert line_column(TEXT, "materials[1].checks[1]") == (11, 9)
    # a missing key: the mapping that should hold it
    assert line_column(TEXT, "materials[0].form") == (4, 5)
    assert line_column(TEXT, "第 3 行第 7 列") == (3, 7)


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ("code: JT-001\n name: x\n", 2, "缩进不齐"),
        ("code: JT-001\nname: [a, b\n", 3, "方括号"),
        ('code: JT-001\nname: "x\n', 3, "引号"),
        ("code: JT-001\n\tname: x\n", 2, "Tab"),
    ],
)
def test_syntax_errors_in_chinese(text: str, line: int, said: str) -> None:
    with pytest.raises(RuleFileError) as info:
        load_text(text, name="JT-001.yaml")
    ((where, problem),) = info.value.problems
    assert where.startswith(f"第 {line} 行第 ") and problem.startswith("YAML 格式错误：") and said in problem
    assert not any(word in problem for word in ("mapping", "expected", "found"))
