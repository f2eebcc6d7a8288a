"""The unit of work on SQLite: what one session leaves behind never changes what the next one reads."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

from sqlalchemy import text

from core.db import Database, make_engine


def test_a_result_dropped_half_read_does_not_hold_later_sessions_on_an_old_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "snap.db"
    db = Database(make_engine(f"sqlite:///{path}"))
    with db.scope() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
        session.execute(text("INSERT INTO t VALUES (1), (2), (3)"))
    was_enabled = gc.isenabled()
    gc.disable()  # as inside core.memory.paused_gc: cycles wait for the collector
    try:
        with db.scope() as session:
            result = session.execute(text("SELECT x FROM t"))
            assert result.fetchone() == (1,)
            cycle: list[object] = [result]
            cycle.append(cycle)  # e.g. held by an exception's traceback
            del result, cycle
        writer = sqlite3.connect(path)
        writer.execute("INSERT INTO t VALUES (4)")
        writer.commit()
        writer.close()
        for _ in range(3):
            with db.scope() as session:
                assert session.execute(text("SELECT count(*) FROM t")).scalar() == 4
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()
