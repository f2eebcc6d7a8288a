"""Where a worker's search index is in the change log (:class:`~kb.models.KbChange`).

A change's number is handed out when it is written but becomes visible when its transaction
commits, and on PostgreSQL transactions commit in any order: a worker that has seen change 11
may see change 10 only later. Reading on from the highest number seen would lose 10 for good
(an FAQ published in one worker stays stale in the others). So the cursor keeps the numbers
below the highest seen that have not appeared (holes) and reads again from the lowest of them,
until it appears or is older than any transaction runs (its transaction rolled back; a sequence
never hands a number out twice). SQLite commits one writer at a time and has no holes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

__all__ = ["ChangeCursor"]


class ChangeCursor:
    def __init__(
        self, seq: int, *, hole_timeout: float = 300.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``seq``: every change up to it is applied (the log's last change when the index was read)."""
        self.seq = seq  # highest number seen
        self.hole_timeout = hole_timeout
        self._clock = clock
        self._holes: dict[int, float] = {}  # number not seen yet -> when it was first missed

    @property
    def read_from(self) -> int:
        """Read the changes numbered above this."""
        return min(self._holes, default=self.seq + 1) - 1

    @property
    def holes(self) -> list[int]:
        return sorted(self._holes)

    def unseen(self, seqs: Iterable[int]) -> set[int]:
        """Which of the numbers read (from :attr:`read_from` on) were not applied yet."""
        return {seq for seq in seqs if seq in self._holes or seq > self.seq}

    def advance(self, seqs: Iterable[int]) -> None:
        """The changes numbered ``seqs`` are applied (call once they are: a failure reads them again)."""
        now = self._clock()
        for seq in sorted(set(seqs)):
            if seq in self._holes:
                del self._holes[seq]
            elif seq > self.seq:
                for missing in range(self.seq + 1, seq):
                    self._holes[missing] = now
                self.seq = seq
        for seq, since in list(self._holes.items()):
            if now - since > self.hole_timeout:
                del self._holes[seq]

    def rewind(self, seq: int) -> None:
        """Read again from ``seq`` on (a rebuilt index read the log up to it)."""
        if seq < self.seq:
            self.seq = seq
            self._holes = {h: t for h, t in self._holes.items() if h <= seq}
