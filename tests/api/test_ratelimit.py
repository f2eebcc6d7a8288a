"""The per-address token bucket of requests without an account (api.ratelimit)."""

from __future__ import annotations

import pytest

from api.errors import RateLimited
from api.ratelimit import RateLimiter


def _spent(limiter: RateLimiter, address: str) -> None:
    for _ in range(limiter.per_minute):
        limiter.hit(address)
    with pytest.raises(RateLimited):
        limiter.hit(address)


def test_an_address_is_limited_to_its_rate_and_others_are_not() -> None:
    limiter = RateLimiter(per_minute=3)
    _spent(limiter, "10.0.0.1")
    limiter.hit("10.0.0.2")


def test_a_full_table_forgets_the_address_idle_longest_not_everyone() -> None:
    limiter = RateLimiter(per_minute=2, max_addresses=3)
    _spent(limiter, "10.0.0.1")
    _spent(limiter, "10.0.0.2")
    limiter.hit("10.0.0.3")
    limiter.hit("10.0.0.4")  # one address too many: 10.0.0.1, idle longest, is forgotten
    with pytest.raises(RateLimited):
        limiter.hit("10.0.0.2")  # still spent
    limiter.hit("10.0.0.1")  # starts again with a full bucket


def test_no_limit_when_the_rate_is_zero() -> None:
    limiter = RateLimiter(per_minute=0)
    for _ in range(1000):
        limiter.hit("10.0.0.1")
