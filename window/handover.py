"""预检码: a finished self-check handed over to the window without uploading anything again.

The applicant's finished self-check gives a short code (and its QR); a signed-in clerk enters or scans it
and gets a clerk case holding the self-check's files, declared facts and the latest run as it was judged
(decision, file reports and the facts read, ``Run.facts``) — nothing is read again. The code is valid
while the self-check is retained and redeemed once; it is stored only as its sha256. Wrong codes are
recorded in the audit log ("handover.miss"), which is what limits a clerk's attempts.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlmodel import Session, col, func, select

from core.tokens import token_digest
from rules.models import utcnow
from window import audit, cases
from window.errors import StateConflict
from window.masking import CaseMasker
from window.models import AuditEvent, Case, CaseFile, CaseStatus, Channel, Run, RunStatus

__all__ = [
    "ALPHABET",
    "LENGTH",
    "find",
    "issue",
    "misses",
    "normalise",
    "pretty",
    "record_miss",
    "redeem",
    "valid",
]

# no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud, typed from paper or a phone screen, none is taken for another
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 8  # 25^8 ≈ 1.5e11 codes; a clerk may miss only a few times an hour


def normalise(code: str) -> str:
    """What a clerk typed or a scanner sent, as stored: upper case, separators and spaces dropped."""
    return re.sub(r"[\s\-–—_·.]", "", code).upper()


def pretty(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def valid(case: Case) -> bool:
    """A self-check whose code may be given or redeemed: still retained, not yet taken over."""
    return (
        case.channel == Channel.APPLICANT.value
        and case.status == CaseStatus.OPEN.value
        and case.expires_at is not None
        and case.expires_at > utcnow()
    )


def issue(session: Session, *, case: Case) -> str:
    """A new code for the applicant's finished self-check (one in force: a new one replaces the last)."""
    if not valid(case):
        raise StateConflict("本次自助预检已过保存期限或已转到窗口，不能再生成预检码")
    if cases.latest_done(session, case_id=case.id) is None:
        raise StateConflict("请先完成预审，再生成预检码")
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    case.handover_hash = token_digest(code)
    session.add(case)
    session.flush()
    return code


def misses(session: Session, *, actor: str, within: timedelta) -> int:
    """Wrong codes ``actor`` entered lately."""
    stmt = (
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "handover.miss",
            AuditEvent.actor == actor,
            col(AuditEvent.at) >= utcnow() - within,
        )
    )
    return int(session.exec(stmt).one())


def record_miss(session: Session, *, actor: str, role: str) -> None:
    audit.record(session, actor=actor, role=role, action="handover.miss", target="handover")


def find(session: Session, *, code: str) -> Case | None:
    """The self-check the code belongs to, while it is valid."""
    code = normalise(code)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    case = session.exec(select(Case).where(Case.handover_hash == token_digest(code))).first()
    return case if case is not None and valid(case) else None


def redeem(session: Session, *, source: Case, user_id: int, actor: str, role: str) -> Case:
    """The clerk case taken over from ``source`` (the caller holds ``lock_case`` on it): its active files,
    declared facts and latest finished run copied; the code is spent."""
    run = cases.latest_done(session, case_id=source.id)
    if run is None or not valid(source):
        raise StateConflict("这次自助预检已不能转到窗口")
    case = Case(
        id=secrets.token_hex(16),
        item=source.item,
        department=source.department,
        channel=Channel.CLERK.value,
        declared=dict(source.declared),
        applicant_name=source.applicant_name,
        review_date=source.review_date,
        created_by=user_id,
        taken_from=source.id,
    )
    session.add(case)
    ids: dict[int, int] = {}
    for row in cases.files_of(session, case_id=source.id):  # withdrawn ones too: the run may have read them
        copy = CaseFile(
            case_id=case.id,
            sha256=row.sha256,
            name=row.name,
            slot=row.slot,
            size=row.size,
            media_type=row.media_type,
            active=row.active,
        )
        session.add(copy)
        session.flush()
        ids[row.id or 0] = copy.id or 0
        case.total_bytes += row.size
    session.add(_taken_run(run, case_id=case.id, ids=ids, actor=actor))
    source.handover_hash = None
    session.add(source)
    session.flush()
    names = CaseMasker(declared=case.declared, applicant_name=case.applicant_name).names
    for target, after in ((source.id, {"to": case.id}), (case.id, {"from": source.id, "run": run.number})):
        audit.record(
            session,
            actor=actor,
            role=role,
            action="handover",
            target=f"case:{target}",
            after=after,
            names=names,
        )
    return case


def _taken_run(run: Run, *, case_id: str, ids: dict[int, int], actor: str) -> Run:
    """The self-check's run as the clerk case's first: judged as it was, on the copied files."""
    return Run(
        case_id=case_id,
        number=1,
        status=RunStatus.DONE.value,
        review_date=run.review_date,
        file_ids=[ids[i] for i in run.file_ids if i in ids],
        rule_hash=run.rule_hash,
        verdict=run.verdict,
        decision=run.decision,
        files=run.files,
        facts=run.facts,
        engine_key=run.engine_key,
        engine_input=run.engine_input,
        requested_by=actor,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )
