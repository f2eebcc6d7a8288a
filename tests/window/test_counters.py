"""Counters: each value once, in order, across threads and processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from core.db import Database, create_all, make_engine
from tests.fixtures.api_app import pg_schema_scope, pg_url
from window import counters


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'counters.db'}"
        _create(url)
        yield url
        return
    with pg_schema_scope("counter_test") as schema:
        url = pg_url(schema)
        _create(url)
        yield url


def _create(url: str) -> None:
    engine = make_engine(url)
    create_all(engine)
    engine.dispose()


def _take(url: str, name: str, times: int) -> list[int]:
    """``times`` values, each in a unit of work of its own, on an engine of this thread or process."""
    engine = make_engine(url)
    db = Database(engine)
    got = []
    try:
        for _ in range(times):
            with db.scope() as session:
                got.append(counters.next_value(session, name=name))
    finally:
        engine.dispose()
    return got


def test_values_start_at_one_per_name_and_a_rollback_gives_its_value_back(db_url: str) -> None:
    engine = make_engine(db_url)
    db = Database(engine)
    assert _take(db_url, "case:2026", 3) == [1, 2, 3]
    assert _take(db_url, "case:2027", 1) == [1]  # numbering starts again each year
    with pytest.raises(RuntimeError), db.scope() as session:
        assert counters.next_value(session, name="case:2026") == 4
        raise RuntimeError("the case could not be created")
    assert _take(db_url, "case:2026", 1) == [4]  # no gap
    engine.dispose()


def test_concurrent_threads_get_distinct_values_without_gaps(db_url: str) -> None:
    threads, each = 6, 15
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda _: _take(db_url, "notice:ACCEPT:2026", each), range(threads)))
    values = sorted(v for r in results for v in r)
    assert values == list(range(1, threads * each + 1))
    assert all(r == sorted(r) for r in results)  # each caller sees its own values rising


def test_concurrent_processes_get_distinct_values_without_gaps(db_url: str) -> None:
    processes, each = 3, 10
    # forked: each process makes its own engine (``_take``), none uses the parent's connections
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(processes, mp_context=fork) as pool:
        futures = [pool.submit(_take, db_url, "case:2026", each) for _ in range(processes)]
        values = sorted(v for f in futures for v in f.result(timeout=120))
    assert values == list(range(1, processes * each + 1))
