"""A rule file's problems as department staff read them: in Chinese, the material by its code and name,
with line and column — never pydantic's English."""

from __future__ import annotations

import re

import pytest

from rules.errors import RuleFileError
from rules.problem_text import located
from rules.service import RuleContext
from tests.fixtures.api_app import CORPUS

HB = (CORPUS / "rules" / "HB-001.yaml").read_text(encoding="utf-8")
ENGLISH = re.compile(r"\b(Input|should|valid|field|required|Value error|not|unknown|expected)\b")


@pytest.fixture(scope="module")
def context() -> RuleContext:
    return RuleContext.from_corpus(CORPUS / "rules")


def _problems(context: RuleContext, text: str) -> list[dict[str, object]]:
    with pytest.raises(RuleFileError) as info:
        context.parse(text, name="HB-001.yaml")
    return [p.model_dump() for p in located(text, info.value)]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    tolerance_days: 10\n",
            "    tolerance_days: 十\n",
            "材料 M7《主要污染物排放总量指标来源说明》的 容缺天数 应为整数",
        ),
        ("    tolerance_days: 10\n", "    tolerance_days: 90\n", "的 容缺天数 应不大于 60"),
        (
            "    tolerance_days: 10\n",
            "    tolerance_days: 10\n    tolerence: 3\n",
            "的 tolerence 不是可用的项目名",
        ),
        ("  承诺工作日: 10\n", "", "事项基本信息「承诺工作日」 缺少（必须填写）"),
        (
            "      - UNREADABLE: [项目名称, 建设单位]\n",
            "      - UNREADABLE: [项目名称, 没有的字段]\n",
            "没有字段「没有的字段」",
        ),
        ("      - UNREADABLE: [项目名称, 建设单位]\n", "      - TYPO: [项目名称]\n", "须以一个要点代码开头"),
        (
            "    when: has_total_emission_increase = true\n",
            "    when: has_total_emission_increase ==\n",
            "条件写法不对",
        ),
    ],
)
def test_problems_in_chinese_on_their_line(context: RuleContext, old: str, new: str, message: str) -> None:
    text = HB.replace(old, new, 1)
    assert text != HB
    (problem,) = _problems(context, text)
    assert message in str(problem["message"]) and not ENGLISH.search(str(problem["problem"])), problem
    line = problem["line"]
    assert isinstance(line, int) and 1 <= line <= len(text.splitlines()) and problem["column"]
