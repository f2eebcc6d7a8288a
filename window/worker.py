"""A procrastinate worker process's work: retry stalled jobs, pick up runs that lost their job, then
execute jobs until stopped. ``yichuang worker`` (api.serve_cli) migrates the database and builds the
Runner first."""

from __future__ import annotations

import logging

from core.db import startup_lock
from window.dispatchers import QueueDispatcher
from window.runs import Runner, recover

__all__ = ["run_worker"]

log = logging.getLogger("yichuang.worker")


def run_worker(runner: Runner, *, database_url: str, concurrency: int, wait: bool = True) -> None:
    """Execute queued runs with ``runner`` (``wait=False``: until the queue is empty)."""
    queue = QueueDispatcher(database_url=database_url, execute=runner)
    try:
        with startup_lock(runner.db):
            queue.apply_schema()
        queue.close()
        stalled = queue.retry_stalled()
        if stalled:
            log.info("retried %d stalled job(s)", stalled)
        recover(db=runner.db, dispatcher=queue)
        queue.close()  # the worker opens its own async pool
        queue.run_worker(concurrency=concurrency, wait=wait)
    finally:
        queue.close()
