"""How far a pre-review run is, told as it goes: per file its stage and pages read of pages total.

``Prereviewer.run(progress=…)`` calls the sink (from its reading threads, so a sink must be thread-safe)
whenever a file starts, a page is read, and the run moves on to recognising and checking. A sink that
fails never sinks the run: the callers catch and log (``notify``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel

__all__ = ["FileProgress", "ProgressSink", "RunProgress", "Stage", "Tracker"]

log = logging.getLogger(__name__)


class Stage(StrEnum):
    WAITING = "waiting"  # 等待读取
    READING = "reading"  # 读取（文本或 OCR）
    RECOGNISING = "recognising"  # 识别是哪份材料
    CHECKING = "checking"  # 核对（审查要点）
    DONE = "done"


class FileProgress(BaseModel):
    name: str
    stage: Stage = Stage.WAITING
    pages_done: int = 0
    pages_total: int | None = None  # known once the file is opened


class RunProgress(BaseModel):
    stage: Stage = Stage.WAITING
    files: list[FileProgress]

    @property
    def pages(self) -> tuple[int, int | None]:
        """Pages read of pages total (None while a file's count is not known yet)."""
        totals = [f.pages_total for f in self.files]
        known = None if any(t is None for t in totals) else sum(t or 0 for t in totals)
        return sum(f.pages_done for f in self.files), known


ProgressSink = Callable[[RunProgress], None]


class Tracker:
    """The run's progress, changed from several reading threads; every change is handed to ``sink``."""

    def __init__(self, names: list[str], sink: ProgressSink | None) -> None:
        self._state = RunProgress(stage=Stage.READING, files=[FileProgress(name=n) for n in names])
        self._sink = sink
        self._lock = threading.Lock()

    def page(self, index: int, done: int, total: int | None) -> None:
        with self._lock:
            f = self._state.files[index]
            f.stage, f.pages_done, f.pages_total = Stage.READING, done, total
            self._notify()

    def file_read(self, index: int, pages: int) -> None:
        with self._lock:
            f = self._state.files[index]
            f.stage, f.pages_done, f.pages_total = Stage.RECOGNISING, pages, pages
            self._notify()

    def stage(self, stage: Stage) -> None:
        with self._lock:
            self._state.stage = stage
            for f in self._state.files:
                f.stage = stage
            self._notify()

    def _notify(self) -> None:
        if self._sink is None:
            return
        try:
            self._sink(self._state.model_copy(deep=True))
        except Exception:  # progress is a courtesy: never the reason a run fails
            log.exception("the progress sink failed")
