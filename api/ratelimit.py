"""A per-address token bucket for requests made without an account (the public self-check).

In-process: with several API processes each enforces the limit on its own; the reverse proxy in
front should carry a global limit too (README, deployment).
"""

from __future__ import annotations

import threading
import time

from api.errors import RateLimited


class RateLimiter:
    def __init__(self, *, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, last refill)

    def hit(self, key: str, cost: float = 1.0) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < cost:
                self._buckets[key] = (tokens, now)
                raise RateLimited("请求过于频繁，请稍后再试")
            self._buckets[key] = (tokens - cost, now)
            if len(self._buckets) > 50_000:
                self._buckets.clear()
