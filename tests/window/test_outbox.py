"""The notification outbox: messages wait as rows; an operator's gateway (a Sender) takes them, and a
failing gateway leaves them failed with the reason, to be tried again — nothing is marked sent that was
not."""

from __future__ import annotations

from sqlmodel import select

from core.db import Database
from window import Notification, outbox


class RecordingGateway:
    """A test double of an operator's SMS gateway: it keeps what it was handed."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, message: Notification) -> None:
        self.sent.append((message.recipient, message.body))


class DownGateway:
    def send(self, message: Notification) -> None:
        raise ConnectionError("短信网关无响应")


def test_pending_until_a_gateway_takes_them(any_db: Database) -> None:
    with any_db.scope() as session:
        first = outbox.enqueue(
            session,
            case_id=None,
            kind="referral",
            body="请向安和市市场监督管理局申请",
            recipient="13800000000",
        )
        outbox.enqueue(
            session, case_id=None, kind="result_ready", body="办理结果已出件", recipient="13900000000"
        )
        assert [n.id for n in outbox.pending(session)] == [first.id, first.id + 1]  # type: ignore[operator]
        assert outbox.deliver(session, sender=DownGateway()) == (0, 2)
        assert {(n.status, n.error, n.attempts) for n in session.exec(select(Notification)).all()} == {
            ("failed", "短信网关无响应", 1)
        }
        gateway = RecordingGateway()
        assert outbox.deliver(session, sender=gateway) == (2, 0)
        assert gateway.sent == [
            ("13800000000", "请向安和市市场监督管理局申请"),
            ("13900000000", "办理结果已出件"),
        ]
        assert all(n.status == "sent" and n.sent_at for n in session.exec(select(Notification)).all())
        assert outbox.pending(session) == []
