"""Engine and the unit of work. Services never commit: the caller's ``Database.scope`` commits or rolls
back, and work that must wait for the commit (dispatching a run, deleting files) is queued with
``after_commit``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine

__all__ = ["AfterCommit", "Database", "after_commit", "create_all", "make_engine", "startup_lock"]

AfterCommit = Callable[[], None]


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL and foreign keys so it behaves like the server.

    A SQLite file gets a new connection per unit of work, never a pooled one. In WAL mode a
    connection reads from a snapshot for as long as any of its statements is unfinished, and a
    result dropped half-read inside a reference cycle (an exception's traceback, a paused or
    frozen collector) keeps its statement unfinished until the collector frees it. A pooled
    connection would carry that snapshot into the next request, which then reads the database as
    it was minutes ago: a published FAQ stayed stale in the search index that way. Opening a
    SQLite connection costs well under a millisecond."""
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        path = make_url(url).database or ""
        if path and path != ":memory:" and "mode=memory" not in url:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["poolclass"] = NullPool
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def create_all(engine: Engine) -> None:
    """Create every table whose model module has been imported (tests, first start)."""
    SQLModel.metadata.create_all(engine)


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


STARTUP_LOCK = 0x79636831  # "ych1": PostgreSQL advisory lock held while migrating and seeding


@contextmanager
def startup_lock(db: Database) -> Iterator[None]:
    """On PostgreSQL, one process at a time migrates and seeds; SQLite (one machine) needs no lock."""
    if not isinstance(db.bind, Engine) or db.dialect != "postgresql":
        yield
        return
    with db.bind.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK})
            conn.commit()
