"""What a notice lists once the clerk chose it (``window.decisions.effective``): the run's own rows kept
with their basis and evidence, the clerk's words where given, rows the run did not find added, and the
容缺 deadline from the chosen materials."""

from __future__ import annotations

from datetime import date

from rules.codes import Code, Verdict
from rules.live import RuleLibrary
from rules.verdict import Decision, Finding
from window.decisions import effective


def _decision(findings: list[Finding], uncertain: list[Finding] | None = None) -> Decision:
    return Decision(
        item="JT-001",
        rule_hash="h",
        review_date=date(2026, 2, 12),
        verdict=Verdict.CORRECTION,
        findings=findings,
        uncertain=uncertain or [],
    )


def test_chosen_rows_keep_the_runs_basis_and_take_the_clerks_words(library: RuleLibrary) -> None:
    item = library.loaded("JT-001", date(2026, 2, 12)).item
    signed = Finding(
        code=Code.NOT_SIGNED, material="M1", message="M1：未签字——缺少签字", rule="materials[M1].checks[8]"
    )
    missing = Finding(code=Code.MISSING, material="M7", message="M7：材料缺失——未提交")
    doubtful = Finding(code=Code.EXPIRED, material="M2", message="M2：已过期", doubt="看不清年份")
    settled = _decision([signed, missing])
    raw = _decision([signed, missing], [doubtful])
    listed = [
        {"subject": "M1", "code": "NOT_SIGNED", "note": "第 2 页负责人未签字"},
        {"subject": "M2", "code": "EXPIRED", "note": ""},  # an uncertain point of the run
        {"subject": "M3", "code": "UNREADABLE", "note": ""},  # not found by the run at all
    ]
    out = effective(settled, item=item, raw=raw, listed=listed)
    assert [(f.material, f.code) for f in out.findings] == [
        ("M1", Code.NOT_SIGNED),
        ("M2", Code.EXPIRED),
        ("M3", Code.UNREADABLE),
    ]
    first, second, third = out.findings
    assert first.message == "第 2 页负责人未签字" and first.rule == "materials[M1].checks[8]"
    assert second.message == "M2：已过期" and second.doubt == ""  # a point confirmed by listing it
    assert third.message == "无法辨认" and not third.rule
    assert all(f.material != "M7" for f in out.findings)  # found by the run, left out by the clerk


def test_a_tolerance_list_sets_its_deadline(library: RuleLibrary) -> None:
    item = library.loaded("JT-001", date(2026, 2, 12)).item
    days = item.material("M2").tolerance_days
    assert days
    out = effective(
        _decision([]), item=item, raw=_decision([]), listed=[{"subject": "M2", "code": "MISSING"}]
    )
    assert out.findings[0].tolerable and out.tolerance_days == days
    assert out.tolerance_deadline is not None and out.tolerance_deadline > date(2026, 2, 12)


def test_a_joined_point_lists_each_of_its_defects_with_its_own_basis(library: RuleLibrary) -> None:
    item = library.loaded("JT-001", date(2026, 2, 12)).item
    doubt = "照片上号码只读出 17 位"
    mismatch = Finding(code=Code.ID_MISMATCH, material="M3", message="M3：号码不一致", doubt=doubt)
    point = Finding(
        code=Code.INVALID_ID, material="M3", message="M3：号码无效", doubt=doubt, joined=(mismatch,)
    )
    listed = [{"subject": "M3", "code": "INVALID_ID"}, {"subject": "M3", "code": "ID_MISMATCH"}]
    out = effective(_decision([]), item=item, raw=_decision([], [point]), listed=listed)
    assert [(f.code, f.message, f.doubt) for f in out.findings] == [
        (Code.INVALID_ID, "M3：号码无效", ""),
        (Code.ID_MISMATCH, "M3：号码不一致", ""),
    ]
