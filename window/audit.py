"""The audit log: who did what, when, with the state before and after. Append-only: this module only
inserts, and the migration installs triggers that refuse UPDATE and DELETE on the table."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.privacy import digest, mask_value
from window.models import AuditEvent


def record(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    names: Iterable[str] = (),
) -> AuditEvent:
    """Masked as it is written (identity and phone numbers, persons' names — ``names``: those of the case
    — in reasons and other free text): the log is kept for ever and read by administrators. The digest
    proves what was written."""
    proof = digest({"before": before, "after": after})
    masked_before, masked_after = _masked(before, names), _masked(after, names)
    event = AuditEvent(
        actor=actor,
        role=role,
        action=action,
        target=target,
        before=masked_before,
        after=masked_after,
        digest=proof,
    )
    session.add(event)
    session.flush()
    return event


def search(
    session: Session,
    *,
    action: str | None = None,
    target: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if target:
        stmt = stmt.where(col(AuditEvent.target).startswith(target))
    if actor:
        stmt = stmt.where(AuditEvent.actor == actor)
    if since:
        stmt = stmt.where(col(AuditEvent.at) >= since)
    return list(session.exec(stmt.order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)))


def _masked(value: dict[str, Any] | None, names: Iterable[str]) -> dict[str, Any] | None:
    return None if value is None else dict(mask_value("", value, names=tuple(names)))
