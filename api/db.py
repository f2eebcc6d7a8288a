"""Sessions for requests and workers, with work to do after the commit (dispatching a run)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

AfterCommit = Callable[[], None]


class Database:
    """Makes sessions on an engine (or, in tests, on one connection inside a rolled-back transaction)."""

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind

    @property
    def dialect(self) -> str:
        return self.bind.dialect.name

    def session(self) -> Session:
        if isinstance(self.bind, Connection):
            return Session(bind=self.bind, expire_on_commit=False, join_transaction_mode="create_savepoint")
        return Session(self.bind, expire_on_commit=False)

    @contextmanager
    def scope(self) -> Iterator[Session]:
        """One unit of work: commit on success (then run the after-commit work), roll back on error."""
        with self.session() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            for job in session.info.pop("after_commit", []):
                job()


def after_commit(session: Session, job: AfterCommit) -> None:
    """Run ``job`` once the session's unit of work has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(job)
