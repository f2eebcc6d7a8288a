"""Runs as a worker executes them (``window.runs``), without HTTP: executed once and audited, failed
without a verdict when a stored file is gone or the engine fails, handed on again after a restart."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlmodel import select

from core.config import Settings
from core.db import Database
from rules.casefacts import CaseFacts
from rules.live import RuleLibrary
from tests.fixtures.fake_prereviewer import FakePrereviewer
from window import AuditEvent, BlobStore, Channel, Received, Run, Runner, build_hall, cases, recover
from window.runs import queue_run

DECLARED: dict[str, Any] = {
    "applicant_type": "enterprise",
    "applicant_name": "安和市宏远货运有限公司",
    "uscc": "9136110129PE803C31",
    "legal_rep_name": "邹军哲",
    "legal_rep_id": "362321197610263830",
    "location_area": "urban_district",
    "by_agent": False,
    "existing_vehicle_count": 0,
    "planned_vehicle_count": 2,
    "heavy_vehicle_count": 2,
    "driver_count": 1,
    "cargo_includes_dangerous_goods": False,
    "freight_categories": ["general_cargo"],
}


class Parked:
    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, run_id: int) -> None:
        self.submitted.append(run_id)

    def close(self) -> None:
        return None


def _queued(db: Database, library: RuleLibrary, store: BlobStore, *slots: str) -> int:
    """A clerk's JT-001 case with one file per slot, and a run of it queued."""
    with db.scope() as session:
        case, _ = cases.create_case(
            session,
            library=library,
            hall=build_hall(Settings()),
            item="JT-001",
            declared=DECLARED,
            review_date=date(2026, 2, 12),
            channel=Channel.CLERK,
            created_by=1,
            retention_hours=72,
            max_declared_bytes=65536,
        )
        for slot in slots:
            data = f"%PDF-1.7 {slot}".encode()
            tmp = store.tmp / f"up-{slot}"
            tmp.write_bytes(data)
            received = Received(
                name=f"{slot}.pdf",
                tmp=tmp,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                media_type="application/pdf",
            )
            cases.add_files(
                session,
                case=case,
                received=[received],
                slot=slot,
                store=store,
                library=library,
                max_case_bytes=1 << 20,
                max_case_files=20,
            )
        run = queue_run(session, case=case, requested_by="clerk1")
        assert run.id is not None
        return run.id


def test_a_run_is_executed_once_and_its_verdict_audited(
    window_db: Database, library: RuleLibrary, store: BlobStore
) -> None:
    engine = FakePrereviewer(library)
    runner = Runner(db=window_db, store=store, prereviewer=engine)
    run_id = _queued(window_db, library, store, "M1")
    assert runner(run_id) == "done"
    assert runner(run_id) is None and engine.calls == 1  # a finished run is never executed again
    with window_db.scope() as session:
        run = session.get(Run, run_id)
        assert (
            run is not None and run.verdict == "CORRECTION" and run.files and run.files[0]["name"] == "M1.pdf"
        )
        (event,) = session.exec(select(AuditEvent).where(AuditEvent.action == "verdict")).all()
        assert event.actor == "worker" and event.after is not None and event.after["verdict"] == "CORRECTION"


def test_a_run_keeps_the_facts_it_judged_so_they_can_be_judged_again(
    window_db: Database, library: RuleLibrary, store: BlobStore
) -> None:
    runner = Runner(db=window_db, store=store, prereviewer=FakePrereviewer(library))
    run_id = _queued(window_db, library, store, "M1")
    assert runner(run_id) == "done"
    with window_db.scope() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.facts is not None and run.decision is not None
        facts = CaseFacts.model_validate(run.facts)
        assert facts.item == "JT-001" and facts.declared["uscc"] == DECLARED["uscc"]
        assert "M1" in facts.materials and facts.review_date == date(2026, 2, 12)
        # judged again, the stored facts give the stored verdict
        evaluator = library.evaluator_for("JT-001", facts.review_date)
        again = evaluator.evaluate(facts)
        assert again.verdict.value == run.decision["verdict"]
        # and with them, the same facts as the engine took them, under the key of the rules they were for
        assert run.engine_key == evaluator.stored_key("JT-001") and run.engine_input


def test_a_run_whose_stored_file_is_gone_fails_without_a_verdict(
    window_db: Database, library: RuleLibrary, store: BlobStore
) -> None:
    engine = FakePrereviewer(library)
    run_id = _queued(window_db, library, store, "M1", "M2")
    store.path(hashlib.sha256(b"%PDF-1.7 M2").hexdigest()).unlink()
    assert Runner(db=window_db, store=store, prereviewer=engine)(run_id) == "failed"
    with window_db.scope() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.verdict is None and run.error and "「M2.pdf」" in run.error
    assert engine.calls == 0  # never judged without the file


def test_an_engine_that_fails_fails_the_run_with_a_message_for_the_reader(
    window_db: Database, library: RuleLibrary, store: BlobStore
) -> None:
    class Broken(FakePrereviewer):
        def run(self, **_: Any) -> Any:
            raise RuntimeError("the OCR worker died at /srv/secret/path")

    run_id = _queued(window_db, library, store, "M1")
    assert Runner(db=window_db, store=store, prereviewer=Broken(library))(run_id) == "failed"
    with window_db.scope() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.error == "预审执行失败，请稍后重新提交预审"


def test_unfinished_runs_are_handed_on_again(
    window_db: Database, library: RuleLibrary, store: BlobStore
) -> None:
    done = _queued(window_db, library, store, "M1")
    Runner(db=window_db, store=store, prereviewer=FakePrereviewer(library))(done)
    waiting = _queued(window_db, library, store, "M2")
    parked = Parked()
    assert recover(db=window_db, dispatcher=parked) == [waiting] and parked.submitted == [waiting]


def test_a_run_tells_its_progress_while_it_runs_and_clears_it_when_done(
    window_db: Database, library: RuleLibrary, store: BlobStore
) -> None:
    seen: list[dict[str, Any] | None] = []

    class Watched(FakePrereviewer):
        """Reads the run's row each time the engine tells its progress, as the page's poll would."""

        def run(self, **kw: Any) -> Any:
            told = kw["progress"]

            def sink(state: Any) -> None:
                told(state)
                with window_db.scope() as session:
                    row = session.get(Run, run_id)
                    seen.append(row.progress if row is not None else None)

            return super().run(**{**kw, "progress": sink})

    run_id = _queued(window_db, library, store, "M1", "M2")
    assert Runner(db=window_db, store=store, prereviewer=Watched(library))(run_id) == "done"
    stored = [s for s in seen if s is not None]
    assert stored, "no progress was written while the run ran"
    first, last = stored[0], stored[-1]
    assert first["stage"] == "reading" and [f["name"] for f in first["files"]] == ["M1.pdf", "M2.pdf"]
    assert last["stage"] == "checking" and all(
        f["pages_done"] == f["pages_total"] == 1 for f in last["files"]
    )
    with window_db.scope() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.progress is None and run.verdict
