"""A per-address token bucket for requests made without an account (the public self-check).

In-process: with several API processes each enforces the limit on its own; the reverse proxy in
front should carry a global limit too (README, deployment).
"""

from __future__ import annotations

import threading
import time

from cachetools import TTLCache

from api.errors import RateLimited

REFILL_S = 60.0  # an empty bucket is full again after this long: one idle that long can be forgotten


class RateLimiter:
    def __init__(self, *, per_minute: int, max_addresses: int = 50_000) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        # address -> (tokens, last refill); when more addresses are active within a minute than are
        # kept, the one idle longest is forgotten (its bucket starts full), never everyone's
        self._buckets: TTLCache[str, tuple[float, float]] = TTLCache(maxsize=max_addresses, ttl=REFILL_S)

    def hit(self, key: str, cost: float = 1.0) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        rate = self.per_minute / REFILL_S
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < cost:
                self._buckets[key] = (tokens, now)
                raise RateLimited("请求过于频繁，请稍后再试")
            self._buckets[key] = (tokens - cost, now)
