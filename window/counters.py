"""Named counters in the database: the next value of a sequence, race-free across processes.

The value is taken with ``UPDATE … SET value = value + 1 … RETURNING value``: the row stays locked until
the caller's unit of work commits (PostgreSQL row lock; SQLite's database write lock), so concurrent
callers line up and each gets its own value; a rolled-back unit of work gives its value back, so the
sequence has no gaps. The first use of a name inserts its row in a savepoint: two processes racing to
create it both end up incrementing the one row.
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from window.models import Counter

__all__ = ["next_value"]


def next_value(session: Session, *, name: str) -> int:
    """The next value of counter ``name`` (1 for a new one); held under lock until the caller commits."""
    value = _increment(session, name)
    if value is not None:
        return value
    try:
        with session.begin_nested():
            session.execute(insert(Counter).values(name=name, value=0))
    except IntegrityError:
        pass  # another unit of work created it meanwhile: increment that row
    value = _increment(session, name)
    assert value is not None, f"counter {name} vanished"
    return value


def _increment(session: Session, name: str) -> int | None:
    stmt = (
        update(Counter)
        .where(col(Counter.name) == name)
        .values(value=col(Counter.value) + 1)
        .returning(col(Counter.value))
    )
    row = session.execute(stmt).first()
    return int(row[0]) if row is not None else None
