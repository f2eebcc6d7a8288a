"""README §5's verdict logic and its examples."""

from datetime import date

from rules.codes import Code, Verdict
from rules.verdict import Finding, decide

REVIEW = date(2025, 6, 10)


def f(code: Code, material: str | None = None, condition: str | None = None) -> Finding:
    return Finding(code=code, material=material, condition=condition)


def test_reject_wins() -> None:
    verdict, _, _ = decide(
        [f(Code.NOT_ELIGIBLE, condition="C3"), f(Code.MISSING, "M1")], tolerance={}, review=REVIEW
    )
    assert verdict is Verdict.REJECT


def test_tolerance_takes_the_largest_n() -> None:
    # HB-001: only M4 (5 days) and M7 (10 days) missing → TOLERANCE, 10 working days.
    verdict, deadline, days = decide(
        [f(Code.MISSING, "M4"), f(Code.MISSING, "M7")], tolerance={"M4": 5, "M7": 10}, review=REVIEW
    )
    assert (verdict, days) == (Verdict.TOLERANCE, 10)
    assert deadline == date(2025, 6, 24)


def test_defective_tolerable_material_means_correction() -> None:
    verdict, _, _ = decide(
        [f(Code.MISSING, "M4"), f(Code.NOT_SEALED, "M7")], tolerance={"M4": 5, "M7": 10}, review=REVIEW
    )
    assert verdict is Verdict.CORRECTION


def test_any_required_defect_means_correction_and_none_means_accept() -> None:
    assert decide([f(Code.EXPIRED, "M3")], tolerance={}, review=REVIEW)[0] is Verdict.CORRECTION
    assert decide([], tolerance={}, review=REVIEW)[0] is Verdict.ACCEPT
