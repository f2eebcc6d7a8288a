"""What a notice says: the facts each kind must state (README §10) and nothing a reader cannot read —
no rule paths, field keys or English, 依据 in words."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from rules.codes import Code, Verdict
from rules.verdict import Finding
from tests.window.notices.conftest import Judged, first_of_each_verdict, notice_of
from window import Hall
from window.notices import html
from window.notices.content import basis_of, legal_citations

# English words, field keys and rule paths; item codes (JT-001), material and condition ids (M2, C3) may
# stand beside their names
INTERNAL = re.compile(r"[a-z_]{3,}|\b(?![A-Z]{2,4}-\d{3}\b)[A-Z]{3,}\b|\[\d*\]|materials|checks")


def _text(page: str) -> str:
    main = re.search(r"<main>.*</main>", page, flags=re.S)
    assert main is not None
    return "".join(ET.fromstring(main.group(0)).itertext())


def test_no_internal_identifiers_in_any_notice_of_any_scenario(
    judged: list[Judged], notice_hall: Hall
) -> None:
    leaks = []
    for j in judged:
        notice = notice_of(j, notice_hall)
        text = _text(html(notice)).replace(notice.rule_hash, "")
        leaks += [
            f"{j.name}: {m.group(0)!r} in …{text[max(0, m.start() - 30) : m.end() + 10]}…"
            for m in INTERNAL.finditer(text)
        ]
    assert not leaks, "\n".join(leaks[:20])


def test_basis_in_words(judged: list[Judged]) -> None:
    rs = next(j.item for j in judged if j.item.code == "RS-001")
    expired = Finding(code=Code.EXPIRED, material="M2", rule="materials[M2].checks[3]")
    assert basis_of(rs, expired) == "收件标准 三、申请材料 M2 第 4 项审查要点"  # the standard's 4th line
    sealed = Finding(code=Code.NOT_SEALED, material="M2", rule="materials[M2].checks[6]")
    assert basis_of(rs, sealed) == "收件标准 三、申请材料 M2 第 7 项审查要点"
    missing = Finding(code=Code.MISSING, material="M3", rule="materials[M3]")
    assert basis_of(rs, missing) == "收件标准 三、申请材料 M3"
    fact = Finding(code=Code.FIELD_EMPTY, field="注册资本", rule="required_facts[registered_capital]")
    assert basis_of(rs, fact) == "收件标准 申报事实「注册资本」"
    yj = next(j.item for j in judged if j.item.code == "YJ-001")
    cited = [
        basis_of(yj, Finding(code=c.code, material=m.id, rule=f"materials[{m.id}].checks[{i}]"))
        for m in yj.materials
        for i, c in enumerate(m.checks)
        if "《" in c.note
    ]
    assert "《危险化学品经营许可证管理办法》第七条" in cited  # the law where the standard cites one


def test_legal_citations_are_articles_not_document_titles() -> None:
    text = (
        "替代《公司登记（备案）申请书》；"
        "依据《取水许可和水资源费征收管理条例》第十一条第一款第三项、《公司法》第四十六条"
    )
    assert legal_citations(text) == [
        "《取水许可和水资源费征收管理条例》第十一条第一款第三项",
        "《公司法》第四十六条",
    ]


@pytest.mark.parametrize("verdict", list(Verdict))
def test_each_kind_states_what_readme_10_requires(
    judged: list[Judged], notice_hall: Hall, verdict: Verdict
) -> None:
    j = next(j for j in judged if j.decision.verdict is verdict)
    text = _text(html(notice_of(j, notice_hall)))
    must = {
        Verdict.ACCEPT: ["受理通知书", "受理日", "承诺办结日", "统一出件"],
        Verdict.CORRECTION: ["补正材料一次性告知书", "补正要求", "依据", "重新提交", "本省政务服务网"],
        Verdict.TOLERANCE: ["容缺受理通知书", "补交截止日", "逾期未补交", "容缺补交承诺书"],
        Verdict.REJECT: ["不予受理决定书", "不满足的受理条件", "法律依据", "行政复议", "行政诉讼"],
    }[verdict]
    for words in [*must, j.item.name, "安和市示例有限公司", "安和综窗〔2026〕补字第000045号"]:
        assert words in text, words
    # the hall's lines: receipt, clerk, phone and address from the settings
    for words in ["申请人（签收）", "经办人", "联系电话：0791-88880000", "安和市青山湖区行政中心一楼"]:
        assert words in text, words
    assert "安和市政务服务中心综合窗口按授权代为加盖" in text


def test_a_draft_has_no_number_and_no_receipt(judged: list[Judged], notice_hall: Hall) -> None:
    text = _text(html(notice_of(judged[0], notice_hall, draft=True)))
    assert "不作为正式文书" in text and "无文号" in text
    assert "补字第" not in text and "申请人（签收）" not in text


def test_the_hall_is_the_settings_one(judged: list[Judged], notice_hall: Hall) -> None:
    other = notice_hall.model_copy(update={"name": "临川市民之家", "window": "一窗受理区", "online": ""})
    j = next(j for j in judged if j.decision.verdict is Verdict.CORRECTION)
    text = _text(html(notice_of(j, other)))
    assert "后，到临川市民之家一窗受理区重新提交" in text  # no online channel configured: none named
    assert "由临川市民之家一窗受理区按授权代为加盖" in text


def test_phone_width_layout_has_no_fixed_width(judged: list[Judged], notice_hall: Hall) -> None:
    page = html(notice_of(first_of_each_verdict(judged)[0], notice_hall))
    assert 'name="viewport" content="width=device-width' in page
    assert not re.search(r"(?<![-\w])(min-)?width:\s*\d{3,}px", page)  # max-width only


def test_a_rejection_says_what_was_declared_with_its_unit(judged: list[Judged], notice_hall: Hall) -> None:
    j = next(
        j for j in judged if j.item.code == "RS-001" and any(f.condition == "C5" for f in j.decision.findings)
    )
    row = next(c for c in notice_of(j, notice_hall).conditions if c.condition.startswith("C5"))
    capital = j.declared["registered_capital"]
    assert row.declared == f"注册资本 {capital:g} 万元"
    assert f"申报情况：注册资本 {capital:g} 万元" in _text(html(notice_of(j, notice_hall)))
    # a derived fact (年取地表水量) is shown by the declared facts it is made from, each with its unit
    sl = next(j for j in judged if j.name.startswith("SL-001 C4 年取地表水量恰为 1000"))
    row = next(c for c in notice_of(sl, notice_hall).conditions if c.condition.startswith("C4"))
    total, ground = sl.declared["annual_water_volume"], sl.declared["annual_groundwater_volume"]
    assert row.declared == f"申请的年取水总量 {total:g} 万立方米/年；年取地下水量 {ground:g} 万立方米/年"
