"""Findings judged on doubtful evidence become uncertain points; the verdict is made from findings only."""

from __future__ import annotations

from pathlib import Path

from rules.casefacts import CaseFacts, FieldValue, MaterialEvidence, MaterialStatus
from rules.codes import Code, Verdict
from rules.evaluate import Evaluator
from rules.scenarios import ScenarioFile, case_of, load_scenarios
from rules.verdict import Finding

SCENARIOS = Path(__file__).resolve().parents[2] / "corpus" / "scenarios"
BLURRED = "照片上该处字迹模糊，识别置信度低（0.58）"


def _accepted(item: str) -> CaseFacts:
    file: ScenarioFile = load_scenarios(SCENARIOS / f"{item}.yaml")
    return case_of(file, file.scenarios[0])


def _with_material(case: CaseFacts, mid: str, evidence: MaterialEvidence | None) -> CaseFacts:
    materials = dict(case.materials)
    if evidence is None:
        materials.pop(mid)
    else:
        materials[mid] = evidence
    return case.model_copy(update={"materials": materials})


def _with_field(case: CaseFacts, mid: str, name: str, value: FieldValue) -> CaseFacts:
    old = case.materials[mid]
    one = old.sets[0].model_copy(update={"fields": {**old.sets[0].fields, name: value}})
    return _with_material(case, mid, old.model_copy(update={"sets": (one, *old.sets[1:])}))


def _keys(findings: list[Finding]) -> set[tuple[str, str]]:
    return {f.key for f in findings}


def test_the_base_scenarios_are_accepted_without_uncertain_points(evaluator: Evaluator) -> None:
    for item in ("JT-001", "HB-001"):
        decision = evaluator.evaluate(_accepted(item))
        assert decision.verdict is Verdict.ACCEPT
        assert decision.uncertain == []


def test_a_mismatch_on_a_doubtful_reading_is_uncertain_not_a_finding(evaluator: Evaluator) -> None:
    case = _accepted("JT-001")
    sure = _with_field(case, "M3", "姓名", FieldValue(value="王小二"))
    doubtful = _with_field(case, "M3", "姓名", FieldValue(value="王小二", doubt=BLURRED))
    assert ("M3", "NAME_MISMATCH") in _keys(evaluator.evaluate(sure).findings)
    decision = evaluator.evaluate(doubtful)
    assert decision.verdict is Verdict.ACCEPT
    assert decision.findings == []
    assert _keys(decision.uncertain) == {("M3", "NAME_MISMATCH")}
    assert decision.uncertain[0].doubt == BLURRED
    assert decision.uncertain_pairs() == [{"material": "M3", "code": "NAME_MISMATCH"}]


def test_a_mark_judged_on_a_poor_image_is_uncertain(evaluator: Evaluator) -> None:
    case = _accepted("JT-001")
    m4 = case.materials["M4"]
    faint = m4.sets[0].model_copy(
        update={"signed": False, "doubts": {"signed": "签字处有淡色笔迹，无法确认"}}
    )
    decision = evaluator.evaluate(_with_material(case, "M4", m4.model_copy(update={"sets": (faint,)})))
    assert decision.verdict is Verdict.ACCEPT
    assert _keys(decision.uncertain) == {("M4", "NOT_SIGNED")}


def test_a_material_whose_absence_is_not_sure_is_an_uncertain_missing(evaluator: Evaluator) -> None:
    case = _with_material(_accepted("JT-001"), "M3", None)
    assert _keys(evaluator.evaluate(case).findings) == {("M3", "MISSING")}
    unsure = case.model_copy(update={"absence_doubts": {"M3": "scan_01.pdf 第 2 页可能是该证件，未能确认"}})
    decision = evaluator.evaluate(unsure)
    assert decision.verdict is Verdict.ACCEPT
    assert _keys(decision.uncertain) == {("M3", "MISSING")}


def test_a_doubtful_wrong_document_status_is_uncertain(evaluator: Evaluator) -> None:
    case = _with_material(
        _accepted("JT-001"),
        "M3",
        MaterialEvidence(status=MaterialStatus.WRONG, files=("x.jpg",), doubt="识别依据不足"),
    )
    decision = evaluator.evaluate(case)
    assert _keys(decision.uncertain) == {("M3", "WRONG_DOCUMENT")}
    assert decision.verdict is Verdict.ACCEPT


def test_a_mismatch_against_another_materials_doubtful_reading_is_uncertain(evaluator: Evaluator) -> None:
    # HB-001 M2「编制单位名称」is compared with M1「编制单位」: a doubtful
    # M1 reading makes the mismatch doubtful
    case = _accepted("HB-001")
    m1 = case.materials["M1"].sets[0].fields["编制单位"]
    changed = _with_field(case, "M1", "编制单位", FieldValue(value=m1.value + "分公司"))
    assert ("M2", "NAME_MISMATCH") in _keys(evaluator.evaluate(changed).findings)
    doubtful = _with_field(case, "M1", "编制单位", FieldValue(value=m1.value + "分公司", doubt=BLURRED))
    decision = evaluator.evaluate(doubtful)
    assert ("M2", "NAME_MISMATCH") in _keys(decision.uncertain)
    assert ("M2", "NAME_MISMATCH") not in _keys(decision.findings)


def test_a_pair_with_one_sure_and_one_doubtful_set_is_a_finding_only(evaluator: Evaluator) -> None:
    case = _accepted("JT-001")
    m8 = case.materials["M8"]
    assert len(m8.sets) >= 2
    first = m8.sets[0].model_copy(
        update={"fields": {**m8.sets[0].fields, "姓名": FieldValue(value="甲乙丙")}}
    )
    second = m8.sets[1].model_copy(
        update={"fields": {**m8.sets[1].fields, "姓名": FieldValue(value="丁戊己", doubt=BLURRED)}}
    )
    decision = evaluator.evaluate(_with_material(case, "M8", m8.model_copy(update={"sets": (first, second)})))
    assert ("M8", "NAME_MISMATCH") in _keys(decision.findings)
    assert ("M8", "NAME_MISMATCH") not in _keys(decision.uncertain)


def test_a_rejected_case_has_neither_material_findings_nor_uncertain_points(evaluator: Evaluator) -> None:
    case = _accepted("JT-001")
    case = _with_field(case, "M3", "姓名", FieldValue(value="王小二", doubt=BLURRED))
    rejected = case.model_copy(update={"declared": {**case.declared, "heavy_vehicle_count": 0}})
    decision = evaluator.evaluate(rejected)
    assert decision.verdict is Verdict.REJECT
    assert decision.uncertain == []
    assert {f.code for f in decision.findings} == {Code.NOT_ELIGIBLE}


def test_settling_confirms_or_dismisses_and_recomputes_the_verdict(evaluator: Evaluator) -> None:
    case = _with_material(_accepted("HB-001"), "M4", None)
    case = case.model_copy(update={"absence_doubts": {"M4": "可能夹在其他文件中"}})
    decision = evaluator.evaluate(case)
    assert decision.verdict is Verdict.ACCEPT
    assert _keys(decision.uncertain) == {("M4", "MISSING")}
    confirmed = decision.settled({("M4", "MISSING")})
    assert confirmed.verdict is Verdict.TOLERANCE  # M4 is a 容缺 material of HB-001
    assert confirmed.tolerance_deadline is not None
    assert _keys(confirmed.findings) == {("M4", "MISSING")} and confirmed.uncertain == []
    assert confirmed.findings[0].doubt == ""
    dismissed = decision.settled(set())
    assert dismissed.verdict is Verdict.ACCEPT and dismissed.findings == [] and dismissed.uncertain == []


def test_a_doubtful_number_read_short_is_one_point_with_both_defects(evaluator: Evaluator) -> None:
    case = _accepted("JT-001")
    short = FieldValue(value="36012119780305123", doubt=BLURRED)  # a digit lost: checksum and mismatch
    decision = evaluator.evaluate(_with_field(case, "M3", "公民身份号码", short))
    assert decision.findings == []
    assert len(decision.uncertain) == 1
    point = decision.uncertain[0]
    assert {point.code, *(j.code for j in point.joined)} == {Code.INVALID_ID, Code.ID_MISMATCH}
    assert len(decision.uncertain_pairs()) == 1
    settled = decision.settled({point.key})
    assert _keys(settled.findings) == {("M3", "INVALID_ID"), ("M3", "ID_MISMATCH")}
    assert settled.verdict is Verdict.CORRECTION
    assert decision.settled(set()).verdict is Verdict.ACCEPT


def test_doubtful_readings_of_two_fields_stay_two_points(evaluator: Evaluator) -> None:
    case = _accepted("JT-001")
    case = _with_field(case, "M3", "公民身份号码", FieldValue(value="36012119780305123", doubt=BLURRED))
    case = _with_field(case, "M3", "姓名", FieldValue(value="王小二", doubt=BLURRED))
    decision = evaluator.evaluate(case)
    assert len(decision.uncertain_pairs()) == 2
    assert ("M3", "NAME_MISMATCH") in _keys(decision.uncertain)


def test_a_number_read_short_unlike_the_declared_one_is_a_sure_mismatch_and_an_uncertain_checksum(
    evaluator: Evaluator,
) -> None:
    case = _accepted("JT-001")
    short = FieldValue(value="36012119780305129", doubt=BLURRED, unlike_declared=True)
    decision = evaluator.evaluate(_with_field(case, "M3", "公民身份号码", short))
    assert _keys(decision.findings) == {("M3", "ID_MISMATCH")}
    assert _keys(decision.uncertain) == {("M3", "INVALID_ID")}
    assert decision.verdict is Verdict.CORRECTION


COUNTED_SHORT = "专职工作人员基本情况表上有 3 个不同的身份证号码，只分出 2 人，人数请核对原件"


def _staff_listed(case: CaseFacts, people: int, *, count_doubt: str = "") -> CaseFacts:
    m5 = case.materials["M5"]
    return _with_material(
        case, "M5", m5.model_copy(update={"sets": m5.sets[:people], "count_doubt": count_doubt})
    )


def test_a_condition_failed_on_a_doubtful_count_is_uncertain_not_a_rejection(evaluator: Evaluator) -> None:
    """RS-001 C4 reads count(M5): a staff list read short, with more ID numbers on it than people told
    apart, must not make a 不予受理; the other findings stand for if the clerk dismisses the point."""
    case = _accepted("RS-001")
    assert len(case.materials["M5"].sets) >= 3
    sure = evaluator.evaluate(_staff_listed(case, 2))
    assert sure.verdict is Verdict.REJECT
    assert _keys(sure.findings) == {("C4", "NOT_ELIGIBLE")}
    doubtful = evaluator.evaluate(_staff_listed(case, 2, count_doubt=COUNTED_SHORT))
    assert doubtful.verdict is not Verdict.REJECT
    assert ("C4", "NOT_ELIGIBLE") not in _keys(doubtful.findings)
    assert [(f.key, f.doubt) for f in doubtful.uncertain if f.condition] == [
        (("C4", "NOT_ELIGIBLE"), COUNTED_SHORT)
    ]


def test_a_condition_the_declared_facts_fail_stays_a_rejection_whatever_the_count(
    evaluator: Evaluator,
) -> None:
    case = _accepted("RS-001")
    declared = {**case.declared, "full_time_staff_count": 2}
    short = _staff_listed(case, 2, count_doubt=COUNTED_SHORT).model_copy(update={"declared": declared})
    decision = evaluator.evaluate(short)
    assert decision.verdict is Verdict.REJECT
    assert _keys(decision.findings) == {("C4", "NOT_ELIGIBLE")}


def _glued_staff(case: CaseFacts) -> CaseFacts:
    """RS-001 with the staff table's first row read with the second's name and number run into it (the
    rows not told apart), the third row as it is."""
    m5 = case.materials["M5"]
    one = m5.sets[0]
    glued = one.model_copy(
        update={
            "fields": {
                **one.fields,
                "姓名": FieldValue(value="".join(s.fields["姓名"].value for s in m5.sets[:2])),
                "身份证号码": FieldValue(value="360102198811116784360102199505"),
            }
        }
    )
    why = "专职工作人员基本情况表上有 4 个不同的身份证号码，只分出 3 人，人数请核对原件"
    sets = (glued, *m5.sets[2:], m5.sets[2])  # three people counted, as the declared staff number asks
    update = {"sets": sets, "count_doubt": why, "apart_doubt": why}
    return _with_material(case, "M5", m5.model_copy(update=update))


def test_a_persons_reading_off_a_list_whose_people_were_not_told_apart_is_uncertain(
    evaluator: Evaluator,
) -> None:
    case = _glued_staff(_accepted("RS-001"))
    sure = case.model_copy(
        update={
            "materials": {**case.materials, "M5": case.materials["M5"].model_copy(update={"apart_doubt": ""})}
        }
    )
    # only the count in doubt (a page like the list not recognised): the readings themselves stay sure
    assert {("M5", "INVALID_ID"), ("M6", "NAME_MISMATCH")} <= _keys(evaluator.evaluate(sure).findings)
    decision = evaluator.evaluate(case)
    assert not {("M5", "INVALID_ID"), ("M6", "NAME_MISMATCH")} & _keys(decision.findings)
    assert {("M5", "INVALID_ID"), ("M6", "NAME_MISMATCH")} <= _keys(decision.uncertain)
    assert all("只分出 3 人" in f.doubt for f in decision.uncertain if f.material in ("M5", "M6"))


def test_fewer_sets_than_due_on_a_doubtful_count_is_an_uncertain_pages_missing(evaluator: Evaluator) -> None:
    """JT-001 M8 is due once per declared driver: a driver's papers told apart short, while the count is
    in doubt, is a point to check, not a defect; on a sure count it stays a finding."""
    case = _accepted("JT-001")
    m8 = case.materials["M8"]
    assert len(m8.sets) >= 2
    short = m8.model_copy(update={"sets": m8.sets[:-1]})
    sure = evaluator.evaluate(_with_material(case, "M8", short))
    assert ("M8", "PAGES_MISSING") in _keys(sure.findings)
    why = "「IMG_1.jpg」第 1 页未能识别为任何材料，但印有该材料的栏目，可能是其中一份"
    doubtful = evaluator.evaluate(_with_material(case, "M8", short.model_copy(update={"count_doubt": why})))
    assert ("M8", "PAGES_MISSING") not in _keys(doubtful.findings)
    assert [(f.key, f.doubt) for f in doubtful.uncertain] == [(("M8", "PAGES_MISSING"), why)]
