"""Cases: create, add and withdraw files, list, decide, and delete applicants' uploads after retention."""

from __future__ import annotations

import json
import secrets
from datetime import date, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, or_, select

from core.db import after_commit
from core.errors import BadInput
from core.tokens import new_token, token_digest
from rules import service as rule_service
from rules.live import RuleLibrary
from rules.models import utcnow
from window import counters
from window.errors import CaseNotFound, StateConflict, UploadRefused
from window.hall import Hall
from window.models import Case, CaseFile, CaseStatus, Channel, ClerkDecision, Run, RunStatus
from window.storage import BlobStore, Received


def create_case(
    session: Session,
    *,
    library: RuleLibrary,
    hall: Hall,
    item: str,
    declared: dict[str, Any],
    review_date: date | None,
    channel: Channel,
    created_by: int | None,
    retention_hours: float,
    max_declared_bytes: int,
) -> tuple[Case, str | None]:
    """A new case with its number (the hall's format, numbered per year: window cases and self-checks
    each in their own sequence); for an applicant also the case token (shown once, stored only as its
    hash)."""
    size = len(json.dumps(declared, ensure_ascii=False).encode("utf-8"))
    if size > max_declared_bytes:
        raise BadInput(
            f"申报事实过长（{size // 1024} KB，上限 {max_declared_bytes // 1024} KB），请只填写申请所需的事项"
        )
    on = review_date or utcnow().date()
    evaluator = library.evaluator_for(item, on)  # UnknownItem (404) for an item that is not there
    evaluator.due(item, declared, on)  # FactError (422) for declared facts of the wrong type
    department = rule_service.owner(session, item=item) or ""
    token = new_token() if channel == Channel.APPLICANT else None
    now = utcnow()
    year = hall.year_of(now)
    self_check = channel == Channel.APPLICANT
    seq = counters.next_value(session, name=f"{'self-check' if self_check else 'case'}:{year}")
    case = Case(
        id=secrets.token_hex(16),
        number=hall.case_number(year=year, seq=seq, self_check=self_check),
        item=item,
        department=department,
        channel=channel.value,
        declared=declared,
        applicant_name=str(declared.get("applicant_name") or "")[:200],
        review_date=review_date,
        token_hash=token_digest(token) if token else None,
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(hours=retention_hours) if token else None,
    )
    session.add(case)
    session.flush()
    return case, token


def lock_case(session: Session, *, case_id: str) -> None:
    """Make the caller the one writer of this case until it commits: PostgreSQL locks the row (SELECT …
    FOR UPDATE); SQLite takes its database write lock (a no-op UPDATE). The first statement of the unit
    of work, so what it reads next is what the last writer committed."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(Case.id).where(Case.id == case_id).with_for_update())
    else:
        session.execute(update(Case).where(col(Case.id) == case_id).values(total_bytes=col(Case.total_bytes)))


def add_files(
    session: Session,
    *,
    case: Case,
    received: list[Received],
    slot: str | None,
    store: BlobStore,
    library: RuleLibrary,
    max_case_bytes: int,
    max_case_files: int,
) -> list[CaseFile]:
    """Store the received files in the case; the caller holds ``lock_case``, so the caps are checked
    against what every concurrent upload to the case has committed."""
    if case.status != CaseStatus.OPEN.value:
        raise StateConflict("案件已办结或材料已删除，不能再上传")
    used_bytes, used_files = case_usage(session, case=case)
    if used_files + len(received) > max_case_files:
        raise UploadRefused(
            f"本案上传的文件数已达上限（{max_case_files} 个）", reason="too_many_files", status=413
        )
    if used_bytes + sum(r.size for r in received) > max_case_bytes:
        raise UploadRefused(
            f"本案上传文件总量超过上限（{max_case_bytes // (1024 * 1024)} MB）",
            reason="case_too_large",
            status=413,
        )
    if slot is not None:
        materials = {
            m.id for m in library.loaded(case.item, case.review_date or utcnow().date()).item.materials
        }
        if slot not in materials:
            for r in received:
                r.tmp.unlink(missing_ok=True)
            raise UploadRefused(
                f"{case.item} 没有材料位 {slot}（可用：{', '.join(sorted(materials))}）",
                reason="unknown_slot",
                status=422,
            )
    return store_files(session, case=case, received=received, slot=slot, store=store)


def store_files(
    session: Session, *, case: Case, received: list[Received], slot: str | None, store: BlobStore
) -> list[CaseFile]:
    """Put checked uploads into the blob store and the case (the caller checked state, caps and slot)."""
    rows = []
    for r in received:
        store.put(r.tmp, r.sha256)
        row = CaseFile(
            case_id=case.id, sha256=r.sha256, name=r.name, slot=slot, size=r.size, media_type=r.media_type
        )
        session.add(row)
        rows.append(row)
    case.total_bytes += sum(r.size for r in received)
    session.add(case)
    session.flush()
    return rows


def withdraw_file(session: Session, *, case: Case, file_id: int) -> CaseFile:
    row = session.get(CaseFile, file_id)
    if row is None or row.case_id != case.id:
        raise CaseNotFound("本案没有这个文件")
    row.active = False
    session.add(row)
    return row


def case_usage(session: Session, *, case: Case) -> tuple[int, int]:
    """(bytes, files) uploaded to the case so far (withdrawn files count: they are stored)."""
    count = session.exec(select(func.count()).select_from(CaseFile).where(CaseFile.case_id == case.id)).one()
    return case.total_bytes, int(count)


def files_of(session: Session, *, case_id: str) -> list[CaseFile]:
    return list(session.exec(select(CaseFile).where(CaseFile.case_id == case_id).order_by(col(CaseFile.id))))


def runs_of(session: Session, *, case_id: str) -> list[Run]:
    return list(session.exec(select(Run).where(Run.case_id == case_id).order_by(col(Run.number))))


def run_of(session: Session, *, case_id: str, number: int) -> Run:
    run = session.exec(select(Run).where(Run.case_id == case_id, Run.number == number)).first()
    if run is None:
        raise CaseNotFound(f"本案没有第 {number} 次预审")
    return run


def latest_done(session: Session, *, case_id: str) -> Run | None:
    stmt = select(Run).where(Run.case_id == case_id, Run.status == RunStatus.DONE.value)
    return session.exec(stmt.order_by(col(Run.number).desc())).first()


def latest_judged(session: Session, *, case_id: str) -> Run:
    """The latest finished run, with its decision; refused while the case has none."""
    run = latest_done(session, case_id=case_id)
    if run is None or run.decision is None:
        raise StateConflict("本案还没有完成的预审")
    return run


def decisions_of(session: Session, *, case_id: str) -> list[ClerkDecision]:
    stmt = select(ClerkDecision).where(ClerkDecision.case_id == case_id).order_by(col(ClerkDecision.id))
    return list(session.exec(stmt))


def search_cases(
    session: Session,
    *,
    department: str | None,
    item: str | None,
    status: str | None,
    q: str | None,
    limit: int,
    offset: int,
) -> list[Case]:
    stmt = select(Case)
    if department is not None:
        stmt = stmt.where(Case.department == department)
    if item:
        stmt = stmt.where(Case.item == item)
    if status:
        stmt = stmt.where(Case.status == status)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(col(Case.applicant_name).like(like), col(Case.id).startswith(q), col(Case.number).like(like))
        )
    return list(session.exec(stmt.order_by(col(Case.created_at).desc()).offset(offset).limit(limit)))


def purge_expired(session: Session, *, store: BlobStore) -> int:
    """Delete the files of applicants' cases whose retention has run out (the case row stays, marked
    purged)."""
    now = utcnow()
    stmt = (
        select(Case)
        .where(
            Case.channel == Channel.APPLICANT.value,
            col(Case.expires_at) <= now,
            Case.status != CaseStatus.PURGED.value,
        )
        .limit(500)
    )
    shas: set[str] = set()
    purged = 0
    for case in session.exec(stmt):
        for row in files_of(session, case_id=case.id):
            shas.add(row.sha256)
            session.delete(row)
        for run in runs_of(session, case_id=case.id):  # what the files said goes with them
            run.files = None
            run.facts = None
            run.engine_key, run.engine_input = "", None
            run.decision = _without_contents(run.decision)
            session.add(run)
        case.status = CaseStatus.PURGED.value
        case.declared = {}
        case.applicant_name = ""
        session.add(case)
        purged += 1
    session.flush()
    if shas:
        after_commit(session, lambda: _delete_blobs(store, session.get_bind(), shas))
    return purged


_PERSONAL = ("message", "evidence", "set_label", "field", "doubt")  # a doubt may quote what was read


def _without_contents(decision: dict[str, Any] | None) -> dict[str, Any] | None:
    """A purged case's decision: verdict and which material or condition had which defect (or uncertain
    point), nothing read from its files (OCR'd text, names, numbers)."""
    if decision is None:
        return None
    kept = {key: [_bare(f) for f in decision.get(key, [])] for key in ("findings", "uncertain")}
    return {**decision, **kept}


def _bare(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding without what was read, the defects joined to an uncertain point alike."""
    out = {k: v for k, v in finding.items() if k not in _PERSONAL}
    joined = out.pop("joined", None)
    if joined:
        out["joined"] = [_bare(j) for j in joined]
    return out


def _delete_blobs(store: BlobStore, bind: Any, shas: set[str]) -> None:
    with Session(bind) as session:
        store.delete_unreferenced(session, shas)
