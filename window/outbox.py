"""The notification outbox: messages to applicants (办结出件, 延期, 容缺补交 reminders, referrals) written
as rows in the unit of work that caused them, and handed to the operator's channel by a ``Sender``.

短信 and e-mail are operators' gateways, not part of the product: a hall plugs its own ``Sender`` in.
The embedded default sends nothing — the rows stay ``pending`` for the operator to export and mark sent
(``mark_sent``); nothing here pretends that a message was delivered.
"""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session, col, select

from rules.models import utcnow
from window.errors import CaseNotFound
from window.models import Notification

__all__ = ["Sender", "deliver", "enqueue", "mark_sent", "pending"]


class Sender(Protocol):
    """An operator's gateway: returns when the channel accepted the message, raises when it did not."""

    def send(self, message: Notification) -> None: ...


def enqueue(
    session: Session,
    *,
    case_id: str | None,
    kind: str,
    body: str,
    recipient: str = "",
    subject: str = "",
    channel: str = "sms",
) -> Notification:
    row = Notification(
        case_id=case_id, kind=kind, channel=channel, recipient=recipient, subject=subject, body=body
    )
    session.add(row)
    session.flush()
    return row


def pending(session: Session, *, limit: int = 100, offset: int = 0) -> list[Notification]:
    stmt = select(Notification).where(Notification.status == "pending").order_by(col(Notification.id))
    return list(session.exec(stmt.offset(offset).limit(limit)))


def deliver(session: Session, *, sender: Sender, limit: int = 100) -> tuple[int, int]:
    """Hand pending messages to ``sender``: (sent, failed). A failure is kept with its error and retried
    next time."""
    sent = failed = 0
    stmt = select(Notification).where(col(Notification.status).in_(["pending", "failed"]))
    for row in session.exec(stmt.order_by(col(Notification.id)).limit(limit)).all():
        row.attempts += 1
        try:
            sender.send(row)
        except Exception as exc:  # the gateway's own errors: kept on the row, never lost
            row.status, row.error = "failed", str(exc)[:500]
            failed += 1
        else:
            row.status, row.error, row.sent_at = "sent", "", utcnow()
            sent += 1
        session.add(row)
    session.flush()
    return sent, failed


def mark_sent(session: Session, *, notification_id: int) -> Notification:
    """The operator delivered it through their own channel."""
    row = session.get(Notification, notification_id)
    if row is None:
        raise CaseNotFound("没有这条通知")
    row.status, row.sent_at = "sent", utcnow()
    session.add(row)
    session.flush()
    return row
