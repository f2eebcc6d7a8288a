"""The contract's answer of a judged case: its uncertain points with their reasons and evidence."""

from __future__ import annotations

from datetime import date

from prereview.judging import PrereviewResult
from rules.casefacts import Evidence
from rules.codes import Code, Verdict
from rules.verdict import Decision, Finding, one_per_reading

DOUBT = "照片上号码只读出 17 位"


def _point(code: Code, message: str, text: str) -> Finding:
    evidence = (Evidence(file="身份证.jpg", page=0, text=text),)
    return Finding(
        code=code,
        material="M3",
        field="公民身份号码",
        set_index=0,
        message=message,
        evidence=evidence,
        doubt=DOUBT,
    )


def test_a_reading_failing_two_checks_is_answered_as_one_point_with_both_messages() -> None:
    points = one_per_reading(
        [
            _point(Code.INVALID_ID, "号码校验不通过", "36012119780305123"),
            _point(Code.ID_MISMATCH, "与申报不一致", "36012119780305123"),
        ]
    )
    decision = Decision(
        item="JT-001", rule_hash="h", review_date=date(2025, 6, 10), verdict=Verdict.ACCEPT, uncertain=points
    )
    [point] = PrereviewResult(decision=decision, files=[]).answer()["uncertain"]
    assert (point["material"], point["code"], point["also"]) == ("M3", "INVALID_ID", ["ID_MISMATCH"])
    assert point["messages"] == ["号码校验不通过", "与申报不一致"]
    assert point["reason"] == DOUBT
    assert point["evidence"] == [{"file": "身份证.jpg", "page": 0, "text": "36012119780305123"}]
