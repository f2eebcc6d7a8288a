"""The case clock on SQLite and PostgreSQL: the due date across a weekend and a holiday, procedures, pauses,
the one extension, reminders (near due, overdue, 容缺 past its deadline) and the provisional warning."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from core.db import Database
from core.errors import BadInput
from rules.codes import Code, Verdict
from rules.live import RuleLibrary
from rules.verdict import Decision, Finding
from window import AuditEvent, Case, Channel, ClerkDecision, Notification, Run, RunStatus, clock
from window.errors import StateConflict
from window.reminders import reminders
from window.workdays import WorkCalendar, calendar_of

CAL = WorkCalendar()
WHO = {"actor": "clerk1", "role": "clerk"}


def decided(
    session: Session,
    *,
    item: str,
    on: date,
    verdict: Verdict = Verdict.ACCEPT,
    declared: dict[str, Any] | None = None,
    department: str = "安和市交通运输局",
    findings: list[Finding] | None = None,
    tolerance: dict[str, int] | None = None,
) -> Case:
    """A window case decided ``verdict`` on its one finished run, judged on ``on``."""
    case = Case(
        id=secrets.token_hex(16),
        item=item,
        department=department,
        channel=Channel.CLERK.value,
        declared=declared or {},
        applicant_name="安和市宏远货运有限公司",
        review_date=on,
    )
    session.add(case)
    session.flush()
    decision = Decision(
        item=item,
        rule_hash="test",
        review_date=on,
        verdict=verdict,
        findings=findings or [],
        tolerance=tolerance or {},
    )
    run = Run(
        case_id=case.id,
        number=1,
        status=RunStatus.DONE.value,
        review_date=on,
        verdict=verdict.value,
        decision=decision.model_dump(mode="json"),
    )
    session.add(run)
    session.flush()
    session.add(
        ClerkDecision(
            case_id=case.id, run_id=run.id or 0, suggested=verdict.value, verdict=verdict.value, decided_by=1
        )
    )
    session.flush()
    return case


def started(session: Session, library: RuleLibrary, case: Case) -> Any:
    row = clock.start(session, case=case, library=library, calendar=calendar_of(session), **WHO)
    assert row is not None
    return row


def test_due_date_across_a_weekend_and_a_holiday(any_db: Database, any_library: RuleLibrary) -> None:
    with any_db.scope() as session:
        # Thursday 24 September 2026, five working days: 中秋, a weekend and 国庆 are not counted
        row = started(session, any_library, decided(session, item="JT-001", on=date(2026, 9, 24)))
        assert (row.accepted_on, row.due_on, row.provisional) == (date(2026, 9, 24), date(2026, 10, 9), False)
        again = started(session, any_library, session.get(Case, row.case_id))  # type: ignore[arg-type]
        assert again.due_on == row.due_on  # printing the notice twice starts nothing new
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "clock.start")).all()
        assert len(events) == 1 and events[0].after == {
            "due_on": "2026-10-09",
            "provisional": False,
            "paused_days": 0,
            "extension_days": 0,
            "procedure": "",
        }


def test_corrections_start_no_clock(any_db: Database, any_library: RuleLibrary) -> None:
    with any_db.scope() as session:
        case = decided(session, item="JT-001", on=date(2026, 3, 2), verdict=Verdict.CORRECTION)
        assert clock.start(session, case=case, library=any_library, calendar=CAL, **WHO) is None


def test_the_declared_fact_chooses_the_procedure(any_db: Database, any_library: RuleLibrary) -> None:
    with any_db.scope() as session:
        quick = started(
            session,
            any_library,
            decided(session, item="RS-001", on=date(2026, 3, 6), declared={"by_commitment": True}),
        )
        assert (quick.procedure, quick.promise_days, quick.due_on) == ("告知承诺制", 0, date(2026, 3, 6))
        usual = started(
            session,
            any_library,
            decided(session, item="RS-001", on=date(2026, 3, 6), declared={"by_commitment": False}),
        )
        assert (usual.procedure, usual.promise_days, usual.due_on) == ("一般程序", 5, date(2026, 3, 13))


def test_pause_for_expert_review_moves_the_due_date(any_db: Database, any_library: RuleLibrary) -> None:
    with any_db.scope() as session:
        case = decided(session, item="HB-001", on=date(2026, 3, 2), department="安和市生态环境局")
        row = started(session, any_library, case)
        assert row.due_on == date(2026, 3, 16)  # ten working days
        item = any_library.loaded("HB-001", row.accepted_on).item
        with pytest.raises(BadInput, match=r"不扣除“咨询”的时间.*专家评审"):
            clock.pause(session, clock=row, item=item, reason="咨询", note="", on=date(2026, 3, 4), **WHO)
        clock.pause(
            session,
            clock=row,
            item=item,
            reason="专家评审",
            note="组织专家评审会",
            on=date(2026, 3, 4),
            **WHO,
        )
        with pytest.raises(StateConflict, match="请先恢复计时"):
            clock.pause(session, clock=row, item=item, reason="专家评审", note="", on=date(2026, 3, 5), **WHO)
        held = clock.resume(session, clock=row, calendar=CAL, on=date(2026, 3, 11), **WHO)
        assert held.working_days == 5  # 4-10 March: Wed to Tue, five working days
        assert (row.paused_days, row.due_on) == (5, date(2026, 3, 23))
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]  # type: ignore[arg-type]
        assert actions == ["clock.start", "clock.pause", "clock.resume"]


def test_one_extension_then_refused(any_db: Database, any_library: RuleLibrary) -> None:
    with any_db.scope() as session:
        row = started(session, any_library, decided(session, item="JT-001", on=date(2026, 3, 6)))
        with pytest.raises(BadInput, match="写明理由"):
            clock.extend(session, clock=row, calendar=CAL, days=5, reason="", on=date(2026, 3, 10), **WHO)
        clock.extend(
            session,
            clock=row,
            calendar=CAL,
            days=5,
            reason="需补充现场核查车辆技术状况",
            on=date(2026, 3, 10),
            **WHO,
        )
        assert (row.extension_days, row.due_on) == (5, date(2026, 3, 20))
        with pytest.raises(StateConflict, match="只能延期一次，不能再次延期"):
            clock.extend(
                session, clock=row, calendar=CAL, days=3, reason="再次延期的理由", on=date(2026, 3, 12), **WHO
            )
        assert row.due_on == date(2026, 3, 20)
        sent = session.exec(select(Notification)).all()
        assert [(n.kind, n.status) for n in sent] == [("extension", "pending")]
        assert "2026年03月20日" in sent[0].body


def test_reminders_flag_near_due_and_overdue(any_db: Database, any_library: RuleLibrary) -> None:
    with any_db.scope() as session:
        late = started(
            session, any_library, decided(session, item="JT-001", on=date(2026, 3, 2))
        )  # due 9 March
        soon = started(
            session, any_library, decided(session, item="JT-001", on=date(2026, 3, 6))
        )  # due 13 March
        later = started(
            session, any_library, decided(session, item="JT-001", on=date(2026, 3, 12))
        )  # due 19 March
        rows = reminders(session, department=None, today=date(2026, 3, 10), within=3, calendar=CAL)
        assert [(r.case_id, r.kind, r.days_left) for r in rows] == [
            (late.case_id, "overdue", -1),
            (soon.case_id, "due_soon", 3),
        ]
        assert later.case_id not in {r.case_id for r in rows}
        assert (
            reminders(session, department="安和市生态环境局", today=date(2026, 3, 10), within=3, calendar=CAL)
            == []
        )
        clock.transfer(session, clock=late, to="", **WHO)
        for stage in (clock.Stage.DONE, clock.Stage.RESULT_READY):
            clock.advance(session, clock=late, stage=stage, **WHO)
        with pytest.raises(StateConflict, match="下一步是“已通知领取”"):
            clock.advance(session, clock=late, stage=clock.Stage.COLLECTED, **WHO)
        rows = reminders(session, department=None, today=date(2026, 3, 10), within=3, calendar=CAL)
        assert [r.case_id for r in rows] == [soon.case_id]  # done: no longer reminded


def test_tolerance_past_its_deadline_is_flagged(any_db: Database, any_library: RuleLibrary) -> None:
    missing = Finding(code=Code.MISSING, material="M2", tolerable=True)
    with any_db.scope() as session:
        case = decided(
            session,
            item="JT-001",
            on=date(2026, 3, 6),
            verdict=Verdict.TOLERANCE,
            findings=[missing],
            tolerance={"M2": 5},
        )
        row = started(session, any_library, case)
        assert (row.tolerance_deadline, row.tolerance_materials, row.tolerance_state) == (
            date(2026, 3, 13),
            ["M2"],
            "pending",
        )
        rows = reminders(session, department=None, today=date(2026, 3, 16), within=0, calendar=CAL)
        assert ("tolerance_lapsed", date(2026, 3, 13)) in [(r.kind, r.tolerance_deadline) for r in rows]


def test_year_without_schedule_is_provisional_until_loaded(
    any_db: Database, any_library: RuleLibrary
) -> None:
    with any_db.scope() as session:
        row = started(session, any_library, decided(session, item="SL-001", on=date(2026, 12, 21)))
        assert row.provisional and "2027 年" in row.provisional_note
        assert row.due_on == date(2027, 1, 18)  # 20 weekdays, 1 January not known as a holiday
        from window import HolidayDay

        session.add(HolidayDay(day=date(2027, 1, 1), workday=False, name="元旦"))
        session.flush()
        assert clock.refresh_provisional(session, calendar=calendar_of(session)) == 1
        assert (row.provisional, row.due_on) == (False, date(2027, 1, 19))
