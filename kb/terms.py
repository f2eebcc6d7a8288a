"""Concepts (术语词条): entries of their own, ``term:<词条>``, maintained by the hall's own department.

A term is not one item's matter: what 容缺受理 or 承诺件 means holds for every item, so the hall's
department (the consultation desk's) owns the entries, and they are versioned like FAQs: every
change is a full snapshot, a stale editor is refused, any version can be restored. The seed is
the glossary markdown (``## term:<词条>`` headings, the definition under it, "- 依据：" and
"- 别称：" lines); staff edits are never overwritten by a later seed. Never commits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

from kb.errors import DuplicateEntry, EntryNotFound, InvalidEntry
from kb.models import Term, TermVersion, utcnow
from kb.schemas import SYSTEM, TERM_PREFIX, Actor, FaqStatus, TermIn, TermPatch
from kb.service import ensure_can_edit, ensure_fresh
from kb.service_staff import note_change

__all__ = [
    "create_term",
    "get_term",
    "list_terms",
    "load_wordings",
    "parse_glossary",
    "publish_term",
    "retire_term",
    "rollback_term",
    "seed_terms",
    "term_history",
    "update_term",
]

_HEADING = re.compile(r"^##\s+term:(\S.*?)\s*$")
_FIELD = re.compile(r"^-\s*(依据|别称)[：:]\s*(.*)$")
_SNAPSHOT_FIELDS = ("definition", "basis", "aliases", "status")


def parse_glossary(text: str) -> list[TermIn]:
    """The ``## term:`` entries of a glossary markdown file, in file order."""
    terms: list[TermIn] = []
    name: str | None = None
    lines: list[str] = []

    def flush() -> None:
        if name is None:
            return
        body, fields = [], {"依据": "", "别称": ""}
        for line in lines:
            m = _FIELD.match(line.strip())
            if m:
                fields[m.group(1)] = m.group(2).strip()
            elif line.strip() and not line.startswith("#") and line.strip() != "---":
                body.append(line.strip())
        aliases = [a.strip() for a in re.split(r"[、，,；;]", fields["别称"]) if a.strip()]
        try:
            terms.append(TermIn(term=name, definition="".join(body), basis=fields["依据"], aliases=aliases))
        except ValueError as exc:
            raise InvalidEntry(f"词条 {name} 不完整：{exc}") from exc

    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading or line.startswith("## ") or line.startswith("# "):
            flush()
            name, lines = (heading.group(1) if heading else None), []
        elif name is not None:
            lines.append(line)
    flush()
    return terms


def load_wordings(path: Path) -> dict[str, list[str]]:
    """The hall's everyday wordings per term title (corpus/term_wordings.yaml); none when missing."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(term): [str(w) for w in rows or []] for term, rows in data.items()}


def get_term(session: Session, *, target: str) -> Term:
    row = session.exec(select(Term).where(Term.target == target)).first()
    if row is None:
        raise EntryNotFound(f"没有词条 {target}", detail={"target": target})
    return row


def list_terms(session: Session, *, status: FaqStatus | None = None) -> list[Term]:
    stmt = select(Term)
    if status:
        stmt = stmt.where(Term.status == status.value)
    return list(session.exec(stmt.order_by(col(Term.id))))


def create_term(
    session: Session, *, actor: Actor, data: TermIn, department: str, publish: bool = False
) -> Term:
    ensure_can_edit(actor, department)
    if session.exec(select(Term.id).where(Term.target == data.target)).first() is not None:
        raise DuplicateEntry(f"词条 {data.target} 已存在", detail={"target": data.target})
    row = Term(
        target=data.target,
        term=data.term,
        definition=data.definition,
        basis=data.basis,
        aliases=list(data.aliases),
        department=department,
        status=(FaqStatus.PUBLISHED if publish else FaqStatus.DRAFT).value,
        updated_by=actor.name,
    )
    session.add(row)
    session.flush()
    _snapshot(session, row, action="create", actor=actor)
    return row


def update_term(
    session: Session, *, actor: Actor, target: str, patch: TermPatch, expected_version: int | None = None
) -> Term:
    row = _editable(session, actor, target, expected_version)
    for name, value in patch.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(row, name, value)
    return _bump(session, row, action="edit", actor=actor)


def publish_term(session: Session, *, actor: Actor, target: str, expected_version: int | None = None) -> Term:
    row = _editable(session, actor, target, expected_version)
    row.status = FaqStatus.PUBLISHED.value
    return _bump(session, row, action="publish", actor=actor)


def retire_term(
    session: Session, *, actor: Actor, target: str, expected_version: int | None = None, note: str = ""
) -> Term:
    row = _editable(session, actor, target, expected_version)
    row.status = FaqStatus.RETIRED.value
    return _bump(session, row, action="retire", actor=actor, note=note)


def rollback_term(session: Session, *, actor: Actor, target: str, to_version: int) -> Term:
    row = _editable(session, actor, target, None)
    old = session.exec(
        select(TermVersion).where(TermVersion.term_id == row.id, TermVersion.version == to_version)
    ).first()
    if old is None:
        raise EntryNotFound(f"{target} 没有第 {to_version} 版", detail={"target": target})
    for name in _SNAPSHOT_FIELDS:
        setattr(row, name, old.snapshot.get(name))
    return _bump(session, row, action="rollback", actor=actor, note=f"回滚到第 {to_version} 版")


def term_history(session: Session, *, target: str) -> list[TermVersion]:
    row = get_term(session, target=target)
    stmt = select(TermVersion).where(TermVersion.term_id == row.id).order_by(col(TermVersion.version))
    return list(session.exec(stmt))


def seed_terms(session: Session, *, path: Path, department: str, publish: bool = True) -> int:
    """Add the glossary file's terms that are not in the database yet (edits are never overwritten)."""
    known = set(session.exec(select(Term.target)))
    added = 0
    for data in parse_glossary(path.read_text(encoding="utf-8")):
        if data.target not in known:
            create_term(session, actor=SYSTEM, data=data, department=department, publish=publish)
            added += 1
    return added


def _editable(session: Session, actor: Actor, target: str, expected_version: int | None) -> Term:
    if not target.startswith(TERM_PREFIX):
        raise InvalidEntry(f"{target} 不是词条编号（term:…）")
    row = get_term(session, target=target)
    ensure_can_edit(actor, row.department)
    ensure_fresh(target=target, version=row.version, expected=expected_version)
    return row


def _bump(session: Session, row: Term, *, action: str, actor: Actor, note: str = "") -> Term:
    row.version += 1
    row.updated_at = utcnow()
    row.updated_by = actor.name
    session.add(row)
    session.flush()
    _snapshot(session, row, action=action, actor=actor, note=note)
    return row


def _snapshot(session: Session, row: Term, *, action: str, actor: Actor, note: str = "") -> None:
    snap: dict[str, Any] = {name: getattr(row, name) for name in _SNAPSHOT_FIELDS}
    assert row.id is not None
    session.add(
        TermVersion(
            term_id=row.id, version=row.version, action=action, snapshot=snap, actor=actor.name, note=note
        )
    )
    note_change(session, row.target)
