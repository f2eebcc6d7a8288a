"""Who executes pre-review runs, off the request path.

- ``ThreadDispatcher`` (embedded default, ``YICHUANG_QUEUE=threads``): a pool of threads in the API
  process; the pre-review itself reads files in its own process pool. Runs left unfinished by a
  killed process are picked up when it starts again (``runs.recover``).
- ``QueueDispatcher`` (production, ``YICHUANG_QUEUE=procrastinate``): a procrastinate task queue on
  the PostgreSQL the deployment already has. API processes only defer jobs; ``yichuang worker``
  processes execute them. A job is locked by its run (two jobs of one run never execute at once) and
  a worker that dies mid-run leaves a stalled job that the next worker to start retries.
- ``InlineDispatcher`` (tests): executes in the caller, after the commit.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.engine import make_url

__all__ = ["InlineDispatcher", "QueueDispatcher", "ThreadDispatcher", "libpq_conninfo"]

log = logging.getLogger("yichuang.worker")

Execute = Callable[[int], object]
T = TypeVar("T")


def _outside_loop(call: Callable[[], T]) -> T:
    """Run ``call`` (which runs its own event loop) here, or in a thread when this thread runs one.

    procrastinate's sync entry points use ``asyncio.run``, which refuses to start inside a running
    loop; an embedding application (or a test session that keeps a browser's loop open) has one.
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="yichuang-queue") as pool:
        return pool.submit(call).result()


class InlineDispatcher:
    def __init__(self, execute: Execute) -> None:
        self.execute = execute

    def submit(self, run_id: int) -> None:
        self.execute(run_id)

    def close(self) -> None:
        return None


class ThreadDispatcher:
    def __init__(self, execute: Execute, *, threads: int) -> None:
        self.execute = execute
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="prereview-run")
        self._lock = threading.Lock()
        self._inflight: set[int] = set()

    def submit(self, run_id: int) -> None:
        with self._lock:
            if run_id in self._inflight:
                return
            self._inflight.add(run_id)
        self._pool.submit(self._run, run_id)

    def _run(self, run_id: int) -> None:
        try:
            self.execute(run_id)
        except Exception:
            log.exception("run %s crashed the worker thread", run_id)
        finally:
            with self._lock:
                self._inflight.discard(run_id)

    def close(self) -> None:
        # Runs not started yet stay "queued" in the database and are picked up at the next start.
        self._pool.shutdown(wait=True, cancel_futures=True)


def libpq_conninfo(database_url: str) -> str:
    """The SQLAlchemy URL of the service as a libpq URI for procrastinate."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise ValueError(
            "the procrastinate queue needs PostgreSQL (YICHUANG_DATABASE_URL=postgresql+psycopg://…)"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


TASK_NAME = "yichuang.prereview_run"
QUEUE = "prereview"


class QueueDispatcher:
    def __init__(self, *, database_url: str, execute: Execute | None = None) -> None:
        import procrastinate

        self.execute = execute
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=libpq_conninfo(database_url))
        )

        def prereview_run(run_id: int) -> None:
            if self.execute is None:
                raise RuntimeError("this process only defers runs")
            self.execute(run_id)

        self.task: Any = self.app.task(
            name=TASK_NAME, queue=QUEUE, retry=procrastinate.RetryStrategy(max_attempts=3, wait=5)
        )(prereview_run)

        async def retry_stalled_jobs(context: Any, timestamp: int) -> int:
            """Every minute: jobs of workers that stopped sending heartbeats (killed, machine lost) go
            back to the queue, so their runs are executed by a live worker."""
            manager = context.app.job_manager
            stalled = list(await manager.get_stalled_jobs())
            for job in stalled:
                log.warning("retrying stalled job %s (%s)", job.id, job.task_kwargs)
                await manager.retry_job(job)
            return len(stalled)

        self.app.periodic(cron="* * * * *", periodic_id="stalled")(
            self.app.task(
                name="yichuang.retry_stalled", queue=QUEUE, pass_context=True, queueing_lock="retry-stalled"
            )(retry_stalled_jobs)
        )
        self._opened = False
        self._lock = threading.Lock()

    def _open(self) -> None:
        with self._lock:
            if not self._opened:
                self.app.open()
                self._opened = True

    def apply_schema(self) -> None:
        """Create procrastinate's tables once (idempotent: skipped when they exist)."""
        self._open()
        connector = self.app.connector.get_sync_connector()
        exists = connector.execute_query_one("SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS ok")
        if not exists["ok"]:
            self.app.schema_manager.apply_schema()

    def submit(self, run_id: int) -> None:
        from procrastinate import exceptions

        self._open()
        lock = f"run-{run_id}"
        with contextlib.suppress(exceptions.AlreadyEnqueued):  # a job for this run is waiting already
            self.task.configure(queueing_lock=lock, lock=lock).defer(run_id=run_id)

    def retry_stalled(self) -> int:
        """Put the jobs of workers that stopped sending heartbeats back in the queue."""
        import asyncio

        async def go() -> int:
            async with self.app.open_async():
                stalled = list(await self.app.job_manager.get_stalled_jobs())
                for job in stalled:
                    await self.app.job_manager.retry_job(job)
                return len(stalled)

        return _outside_loop(lambda: asyncio.run(go()))

    def run_worker(self, *, concurrency: int, wait: bool = True) -> None:
        _outside_loop(
            lambda: self.app.run_worker(
                queues=[QUEUE],
                concurrency=max(1, concurrency),
                wait=wait,
                install_signal_handlers=wait and threading.current_thread() is threading.main_thread(),
                delete_jobs="successful",
            )
        )

    def close(self) -> None:
        with self._lock:
            if self._opened:
                self.app.close()
                self._opened = False
