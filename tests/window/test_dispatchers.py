"""The procrastinate queue's sync entry points, called where an event loop already runs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.fixtures.api_app import pg_schema_scope, pg_url
from window.dispatchers import QueueDispatcher


@pytest.fixture
def queue_url() -> Iterator[str]:
    with pg_schema_scope("window_queue") as schema:
        yield pg_url(schema)


@pytest.mark.postgres
def test_worker_runs_inside_a_running_event_loop(queue_url: str) -> None:
    done: list[int] = []
    queue = QueueDispatcher(database_url=queue_url, execute=done.append)

    async def embedding_app() -> int:
        # an application (or a browser test session) that holds a loop calls the blocking API
        queue.apply_schema()
        queue.submit(7)
        queue.submit(8)
        queue.close()
        stalled = queue.retry_stalled()
        queue.run_worker(concurrency=1, wait=False)
        return stalled

    # a thread of its own: this test must not depend on what the session's main thread runs (the
    # browser tests' Playwright keeps a loop running there once they have started)
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            assert pool.submit(asyncio.run, embedding_app()).result() == 0
        finally:
            queue.close()
    assert sorted(done) == [7, 8]
