"""Staff-side operations: glossary, feedback on hits, unanswered questions. Never commits."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel
from sqlmodel import Session, col, select

from core.privacy import mask_text
from kb.errors import EntryNotFound, InvalidEntry, NotYourDepartment
from kb.models import Faq, Feedback, GlossaryTerm, KbChange, UnansweredQuestion, utcnow
from kb.schemas import Actor

GLOSSARY_CHANGE = "@glossary"
COHORT_CHANGE = "@cohort"


def note_change(session: Session, target: str) -> None:
    session.add(KbChange(target=target))


def normalize_key(text: str) -> str:
    """Grouping key for repeated questions: no spaces, punctuation or case."""
    return re.sub(r"[\s\W_]+", "", text.lower())[:200]


# -- glossary -------------------------------------------------------------------------------


def glossary_terms(session: Session) -> dict[str, list[str]]:
    return {
        t.term: list(t.expansions)
        for t in session.exec(select(GlossaryTerm).order_by(col(GlossaryTerm.term)))
    }


def upsert_term(
    session: Session, *, actor: Actor, term: str, expansions: Sequence[str], department: str | None = None
) -> GlossaryTerm:
    term = term.strip()
    expansions = [e.strip() for e in expansions if e.strip() and e.strip() != term]
    if not term or not expansions:
        raise InvalidEntry("术语和至少一个扩展词都不能为空")
    row = session.exec(select(GlossaryTerm).where(GlossaryTerm.term == term)).first()
    owner = row.department if row is not None else department
    if actor.role == "staff" and owner is not None and owner != actor.department:
        raise NotYourDepartment(f"术语 {term} 由 {owner} 维护")
    if row is None:
        row = GlossaryTerm(term=term, department=department if actor.role != "staff" else actor.department)
    row.expansions = expansions
    row.updated_by = actor.name
    row.updated_at = utcnow()
    session.add(row)
    note_change(session, GLOSSARY_CHANGE)
    session.flush()
    return row


def delete_term(session: Session, *, actor: Actor, term: str) -> None:
    row = session.exec(select(GlossaryTerm).where(GlossaryTerm.term == term)).first()
    if row is None:
        raise EntryNotFound(f"没有术语 {term}")
    if actor.role == "staff" and row.department is not None and row.department != actor.department:
        raise NotYourDepartment(f"术语 {term} 由 {row.department} 维护")
    session.delete(row)
    note_change(session, GLOSSARY_CHANGE)


def seed_glossary(
    session: Session, *, path: Path | None = None, terms: Mapping[str, Sequence[str]] | None = None
) -> int:
    """Insert the shipped glossary's terms that are missing (staff edits are never overwritten)."""
    if terms is None:
        if path is None:
            # Next to this module, not importlib.resources: an editable install can make "kb" a
            # namespace path (tests/kb) where files() fails.
            text = (Path(__file__).parent / "glossary.yaml").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        terms = yaml.safe_load(text) or {}
    known = set(session.exec(select(GlossaryTerm.term)))
    added = 0
    for term, expansions in terms.items():
        if term not in known:
            session.add(GlossaryTerm(term=term, expansions=list(expansions), updated_by="system"))
            added += 1
    if added:
        note_change(session, GLOSSARY_CHANGE)
    return added


# -- feedback -------------------------------------------------------------------------------


class FeedbackCount(BaseModel):
    target: str
    helpful: int
    not_helpful: int


def record_feedback(
    session: Session, *, query: str, target: str, helpful: bool, actor: str = "", comment: str = ""
) -> Feedback:
    if not query.strip() or "#" not in target:
        raise InvalidEntry("反馈需要问题和条目编号")
    # free text from the public: identity and phone numbers, names never reach the table
    row = Feedback(
        query=mask_text(query.strip()[:2000]),
        target=target,
        helpful=helpful,
        actor=actor,
        comment=mask_text(comment[:1000]),
    )
    session.add(row)
    session.flush()
    return row


def list_feedback(session: Session, *, target: str | None = None, limit: int = 200) -> list[Feedback]:
    stmt = select(Feedback)
    if target:
        stmt = stmt.where(Feedback.target == target)
    return list(session.exec(stmt.order_by(col(Feedback.id).desc()).limit(limit)))


def feedback_summary(session: Session, *, department: str | None = None) -> list[FeedbackCount]:
    """Helpful / not-helpful counts per entry, worst first; optionally one department's FAQs."""
    counts: dict[str, list[int]] = {}
    for fb in session.exec(select(Feedback)):
        c = counts.setdefault(fb.target, [0, 0])
        c[0 if fb.helpful else 1] += 1
    if department is not None:
        own = set(session.exec(select(Faq.target).where(Faq.department == department)))
        counts = {t: c for t, c in counts.items() if t in own}
    rows = [FeedbackCount(target=t, helpful=c[0], not_helpful=c[1]) for t, c in counts.items()]
    return sorted(rows, key=lambda r: (-(r.not_helpful - r.helpful), r.target))


# -- unanswered questions -------------------------------------------------------------------


def log_unanswered(
    session: Session,
    *,
    query: str,
    item: str | None = None,
    department: str | None = None,
    best_target: str | None = None,
    best_confidence: float = 0.0,
) -> UnansweredQuestion | None:
    """Note a question the search could not answer; masked first (staff and the consultation desk read
    the list, and applicants type their identity and phone numbers into questions)."""
    query = mask_text(query.strip()[:2000])
    key = normalize_key(query)
    if len(key) < 2:
        return None
    row = session.exec(select(UnansweredQuestion).where(UnansweredQuestion.key == key)).first()
    if row is None:
        row = UnansweredQuestion(
            key=key,
            query=query,
            item=item,
            department=department,
            best_target=best_target,
            best_confidence=best_confidence,
            count=0,
        )
    row.count += 1
    row.last_at = utcnow()
    session.add(row)
    session.flush()
    return row


def list_unanswered(
    session: Session, *, status: str | None = "open", limit: int = 200
) -> list[UnansweredQuestion]:
    stmt = select(UnansweredQuestion)
    if status:
        stmt = stmt.where(UnansweredQuestion.status == status)
    return list(session.exec(stmt.order_by(col(UnansweredQuestion.count).desc()).limit(limit)))


def mark_unanswered(
    session: Session, *, actor: Actor, id: int, status: str, resolved_target: str | None = None
) -> UnansweredQuestion:
    """Close an unanswered question: ``answered`` (by an FAQ) or ``out_of_scope``.

    Out-of-scope questions join the confidence model's off-topic cohort, so similar questions
    are turned away with more assurance.
    """
    if status not in {"open", "answered", "out_of_scope"}:
        raise InvalidEntry(f"unknown status {status!r}")
    row = session.get(UnansweredQuestion, id)
    if row is None:
        raise EntryNotFound(f"没有未解答问题 {id}")
    if status == "answered":
        if not resolved_target:
            raise InvalidEntry("标记为已解答需要给出条目编号")
        if session.exec(select(Faq.id).where(Faq.target == resolved_target)).first() is None:
            raise EntryNotFound(f"没有条目 {resolved_target}")
    if status == "out_of_scope" or row.status == "out_of_scope":
        note_change(session, COHORT_CHANGE)
    row.status, row.resolved_target, row.resolved_by = status, resolved_target, actor.name
    session.add(row)
    session.flush()
    return row


def purge_unanswered(session: Session, *, before: datetime) -> int:
    """Forget the questions nobody asked again since ``before``; the out-of-scope ones stay (masked), as
    the confidence model's off-topic cohort."""
    stale = session.exec(
        select(UnansweredQuestion).where(
            col(UnansweredQuestion.last_at) < before, UnansweredQuestion.status != "out_of_scope"
        )
    )
    rows = list(stale)
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def out_of_scope_questions(session: Session) -> list[str]:
    stmt = select(UnansweredQuestion.query).where(UnansweredQuestion.status == "out_of_scope")
    return list(session.exec(stmt))
