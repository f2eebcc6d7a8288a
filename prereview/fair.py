"""The reading queue shared by every case of a Prereviewer, served round-robin across cases.

A first-come queue lets one case with sixty slow files hold every reader until they are all done, and
each case submitted after it waits that long. Here each case has its own line and the readers take
one file from each case in turn: a case with one file gets the next free reader whatever else is
waiting. (``ReadingBudget`` bounds how long one case may keep readers busy at all.)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class FairQueue:
    def __init__(self, *, workers: int, name: str = "prereview-read") -> None:
        self._lines: OrderedDict[str, deque[tuple[Future[Any], Callable[[], Any]]]] = OrderedDict()
        self._ready = threading.Condition()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._serve, name=f"{name}-{i}", daemon=True) for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, key: str, job: Callable[[], T]) -> Future[T]:
        """Queue ``job`` in the line of ``key`` (a case); its result or exception lands in the future."""
        future: Future[T] = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("the reading queue is closed")
            self._lines.setdefault(key, deque()).append((future, job))
            self._ready.notify()
        return future

    def waiting(self) -> int:
        """Jobs queued and not started (0: a job submitted now starts at the next free reader)."""
        with self._ready:
            return sum(len(line) for line in self._lines.values())

    def _next(self) -> tuple[Future[Any], Callable[[], Any]] | None:
        with self._ready:
            while not self._lines and not self._closed:
                self._ready.wait()
            if not self._lines:
                return None
            key, line = next(iter(self._lines.items()))
            item = line.popleft()
            del self._lines[key]
            if line:  # the case goes to the back: every other case is served once before it again
                self._lines[key] = line
            return item

    def _serve(self) -> None:
        while (item := self._next()) is not None:
            future, job = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:
                future.set_exception(exc)

    def close(self) -> None:
        """Finish what is queued, then stop the readers."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        for thread in self._threads:
            thread.join()


class ReadingBudget:
    """Reading time one case may use in total; ``None`` seconds: no limit. Thread-safe."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._spent = 0.0
        self._lock = threading.Lock()

    def left(self) -> float | None:
        """Seconds still to spend (None: unlimited); 0 or less once it is spent."""
        if self.seconds is None:
            return None
        with self._lock:
            return self.seconds - self._spent

    def timed(self, job: Callable[[float | None], T]) -> T | None:
        """Run ``job(seconds_left)`` and charge its time; None without running it when nothing is left."""
        left = self.left()
        if left is not None and left <= 0:
            return None
        started = time.monotonic()
        try:
            return job(left)
        finally:
            with self._lock:
                self._spent += time.monotonic() - started
