"""Scenario files: a new expectation written into the text, every other line kept."""

from __future__ import annotations

from datetime import date

import yaml

from rules.codes import Verdict
from rules.scenarios import Expectation, ScenarioFile, with_expectation

TEXT = """\
# 场景（注释保留）
item: JT-001
scenarios:
  - name: 缺营业执照可容缺
    materials: {M2: null}
    expect:
      verdict: TOLERANCE
      findings: [M2 MISSING]
      tolerance_deadline: 2026-02-26
  # 下一个
  - name: 齐全
    expect: {verdict: ACCEPT}
"""


def test_the_new_expectation_replaces_the_old_with_a_note_above_it() -> None:
    new = Expectation(verdict=Verdict.TOLERANCE, findings=["M2 MISSING"], tolerance_deadline=date(2026, 3, 2))
    out = with_expectation(
        TEXT, name="缺营业执照可容缺", expect=new, note="已接受新结果（张三）：期限改为 5 天"
    )
    lines = out.splitlines()
    at = lines.index("    # 已接受新结果（张三）：期限改为 5 天")
    assert (
        lines[at + 1]
        == "    expect: {verdict: TOLERANCE, findings: [M2 MISSING], tolerance_deadline: 2026-03-02}"
    )
    assert lines[at + 2] == "  # 下一个" and lines[0] == "# 场景（注释保留）"
    file = ScenarioFile.model_validate(yaml.safe_load(out))
    assert file.scenarios[0].expect == new and file.scenarios[1].expect.verdict is Verdict.ACCEPT
