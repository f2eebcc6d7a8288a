"""Per-account login backoff: after a few failed sign-ins of one user name, each further attempt must
wait, twice as long after every failure, until a sign-in succeeds or an administrator unlocks it.

The state is a row per user name in the database (every API process sees the same counts), for names
that exist and names that do not alike (a lock says nothing about whether an account exists). An
attempt is counted *before* its password is checked, in a transaction of its own that commits even
when the sign-in fails: concurrent guesses cannot all pass the check before any of them is counted.
Only that name waits; other accounts, and other people behind the same address, sign in as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from api.errors import LoginLocked
from api.models import LoginAttempt


@dataclass(frozen=True)
class LoginPolicy:
    free_failures: int = 5  # failed sign-ins before the first wait
    backoff_s: float = 30.0  # the first wait; doubled by every further failure
    backoff_max_s: float = 900.0

    def wait_after(self, failures: int) -> timedelta | None:
        if failures < self.free_failures:
            return None
        return timedelta(
            seconds=min(self.backoff_max_s, self.backoff_s * 2 ** (failures - self.free_failures))
        )


def key(username: str) -> str:
    return username.strip().lower()[:80]


def reserve(session: Session, *, username: str, policy: LoginPolicy, now: datetime) -> None:
    """Count an attempt of ``username`` as failed until it succeeds; LoginLocked while it must wait."""
    name = key(username)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(LoginAttempt).values(username=name, failures=0).on_conflict_do_nothing())
    # one statement: the row lock (PostgreSQL) or the write lock (SQLite) makes the test and the count atomic
    counted = session.execute(
        update(LoginAttempt)
        .where(col(LoginAttempt.username) == name)
        .where(or_(col(LoginAttempt.locked_until).is_(None), col(LoginAttempt.locked_until) <= now))
        .values(failures=col(LoginAttempt.failures) + 1, last_failure_at=now)
        .returning(col(LoginAttempt.failures))
    ).scalar_one_or_none()
    if counted is None:
        row = session.get(LoginAttempt, name)
        until = row.locked_until if row is not None and row.locked_until is not None else now
        raise _locked(until, now)
    wait = policy.wait_after(counted)
    if wait is not None:
        session.execute(
            update(LoginAttempt).where(col(LoginAttempt.username) == name).values(locked_until=now + wait)
        )


def succeeded(session: Session, *, username: str) -> None:
    """A correct password: the name starts afresh."""
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.username) == key(username)))


def unlock(session: Session, *, username: str) -> bool:
    """An administrator lets the account sign in again at once; True when it was waiting or had failures."""
    result = session.execute(delete(LoginAttempt).where(col(LoginAttempt.username) == key(username)))
    return bool(getattr(result, "rowcount", 0))


def locked_until(session: Session, *, usernames: list[str], now: datetime) -> dict[str, datetime]:
    """The names among ``usernames`` that must wait now, and until when."""
    keys = {key(u): u for u in usernames}
    rows = session.exec(select(LoginAttempt).where(col(LoginAttempt.username).in_(list(keys))))
    return {
        keys[r.username]: r.locked_until for r in rows if r.locked_until is not None and r.locked_until > now
    }


def _locked(until: datetime, now: datetime) -> LoginLocked:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    wait = f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"
    return LoginLocked(
        f"登录失败次数过多，请 {wait}后再试；如需立即解锁，请联系系统管理员", retry_after=seconds
    )
