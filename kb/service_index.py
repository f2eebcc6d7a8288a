"""What the search index reads from the database: the published entries as documents, and the
change feed every worker follows (:class:`~kb.models.KbChange`). Read-only; re-exported by
:mod:`kb.service`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlmodel import Session, col, func, select

from kb.models import Faq, GuideSection, KbChange, Term
from kb.schemas import FaqStatus, IndexDoc

__all__ = ["changes_since", "index_documents", "last_change"]


def index_documents(session: Session, *, targets: Iterable[str] | None = None) -> list[IndexDoc]:
    """Published FAQs (validity is applied at query time), guide sections and published terms,
    optionally only some."""
    # in the order they were written, on any database: ties in the index break by entry order
    faq_stmt = select(Faq).where(Faq.status == FaqStatus.PUBLISHED.value).order_by(col(Faq.id))
    guide_stmt = select(GuideSection).order_by(col(GuideSection.id))
    term_stmt = select(Term).where(Term.status == FaqStatus.PUBLISHED.value).order_by(col(Term.id))
    if targets is not None:
        wanted = list(targets)
        faq_stmt = faq_stmt.where(col(Faq.target).in_(wanted))
        guide_stmt = guide_stmt.where(col(GuideSection.target).in_(wanted))
        term_stmt = term_stmt.where(col(Term.target).in_(wanted))
    docs = [_faq_doc(f) for f in session.exec(faq_stmt)]
    docs += [_guide_doc(g) for g in session.exec(guide_stmt)]
    docs += [_term_doc(t) for t in session.exec(term_stmt)]
    return docs


def _faq_doc(f: Faq) -> IndexDoc:
    parts = [
        f.question,
        f.answer,
        *f.alternatives,
        f.item_name,
        f.department,
        str(f.valid_from or ""),
        str(f.valid_until or ""),
    ]
    return IndexDoc(
        target=f.target,
        kind="faq",
        item=f.item,
        item_name=f.item_name,
        department=f.department,
        title=f.question,
        alternatives=list(f.alternatives),
        body=f.answer,
        valid_from=f.valid_from,
        valid_until=f.valid_until,
        content_hash=hashlib.sha256("\x1f".join(parts).encode()).hexdigest(),
    )


def _guide_doc(g: GuideSection) -> IndexDoc:
    return IndexDoc(
        target=g.target,
        kind="guide",
        item=g.item,
        item_name=g.item_name,
        department=g.department,
        title=g.title,
        body=g.text,
        content_hash=g.content_hash,
    )


def _term_doc(t: Term) -> IndexDoc:
    """A term's body is its definition; its 依据 is kept apart (shown, not matched against)."""
    parts = [t.term, t.definition, t.basis, *t.aliases, t.department]
    return IndexDoc(
        target=t.target,
        kind="term",
        item="",
        department=t.department,
        title=t.term,
        alternatives=list(t.aliases),
        body=t.definition,
        basis=t.basis,
        content_hash=hashlib.sha256("\x1f".join(parts).encode()).hexdigest(),
    )


def last_change(session: Session) -> int:
    return int(session.exec(select(func.max(KbChange.seq))).one() or 0)


def changes_since(session: Session, *, seq: int) -> list[tuple[int, str]]:
    """The changes numbered above ``seq`` as (number, target), in number order."""
    stmt = select(KbChange.seq, KbChange.target).where(col(KbChange.seq) > seq).order_by(col(KbChange.seq))
    return [(int(n), target) for n, target in session.exec(stmt) if n is not None]
