"""Per-account login backoff: a name that failed too often waits (doubling, capped) until a sign-in
succeeds or an administrator unlocks it; other accounts behind the same address are not touched; names
that do not exist behave alike; the state lives in the database, so another API process sees it."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from api import login_guard
from api.app import create_app
from api.errors import LoginLocked
from api.models import Role
from rules.models import utcnow
from tests.fixtures.api_app import PASSWORD, ApiHarness, People, add_user
from tests.fixtures.fake_prereviewer import FakePrereviewer
from tests.fixtures.live_api import LiveApi
from window import InlineDispatcher

V1 = "/api/v1"


def _login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    return client.post(f"{V1}/auth/token", data={"username": username, "password": password}).status_code


def test_a_name_that_failed_five_times_waits(client: TestClient, harness: ApiHarness, people: People) -> None:
    add_user(harness.db, "clerk5", Role.CLERK)
    add_user(harness.db, "clerk6", Role.CLERK)
    assert [_login(client, "clerk5", "guess") for _ in range(5)] == [401] * 5
    r = client.post(f"{V1}/auth/token", data={"username": "clerk5", "password": PASSWORD})
    assert r.status_code == 429 and r.json()["error"] == "login_locked"  # even the right password waits
    # the wait is 30 s from the fifth failure; a slow machine may already have used a second of it
    assert re.match(r"登录失败次数过多，请 (29|30) 秒后再试", r.json()["message"])
    assert r.headers["retry-after"] in ("29", "30")
    assert _login(client, "clerk6") == 200  # another account, same address: signs in as usual
    # a name that is no account: the same answers, so a lock tells nothing about who exists
    assert [_login(client, "no-such-clerk", "guess") for _ in range(6)] == [401] * 5 + [429]
    users = {u["username"]: u for u in client.get(f"{V1}/admin/users", headers=people.admin).json()}
    assert users["clerk5"]["locked_until"] is not None and users["clerk6"]["locked_until"] is None
    uid = users["clerk5"]["id"]
    assert client.post(f"{V1}/admin/users/{uid}/unlock", headers=people.staff_jt).status_code == 403
    assert client.post(f"{V1}/admin/users/{uid}/unlock", headers=people.admin).status_code == 200
    assert _login(client, "clerk5") == 200
    events = client.get(f"{V1}/admin/audit", params={"action": "user.unlock"}, headers=people.admin).json()
    assert events[0]["target"] == "user:clerk5" and events[0]["after"] == {"had_failures": True}


def test_the_lock_holds_for_another_api_process(client: TestClient, harness: ApiHarness) -> None:
    add_user(harness.db, "staff5", Role.STAFF, "安和市交通运输局")
    assert [_login(client, "staff5", "guess") for _ in range(5)] == [401] * 5

    other = create_app(
        settings=harness.services.settings,
        db=harness.db,
        context=harness.services.context,
        prereviewer=FakePrereviewer,
        dispatcher=InlineDispatcher,
        migrate=False,
        knowledge_base=False,
    )
    with TestClient(other, raise_server_exceptions=False) as second:
        assert _login(second, "staff5") == 429


def test_the_wait_doubles_and_is_capped(harness: ApiHarness) -> None:
    policy = login_guard.LoginPolicy(free_failures=3, backoff_s=10, backoff_max_s=35)
    assert [policy.wait_after(n) for n in (1, 2)] == [None, None]
    assert [policy.wait_after(n) for n in (3, 4, 5, 6)] == [timedelta(seconds=s) for s in (10, 20, 35, 35)]
    now = utcnow()
    with harness.db.scope() as session:
        for _ in range(3):
            login_guard.reserve(session, username="Clerk9", policy=policy, now=now)
        with pytest.raises(LoginLocked) as locked:
            login_guard.reserve(session, username="clerk9 ", policy=policy, now=now + timedelta(seconds=9))
        assert locked.value.retry_after == 1
        later = now + timedelta(
            seconds=11
        )  # the wait is over: one more try, and the next wait is twice as long
        login_guard.reserve(session, username="clerk9", policy=policy, now=later)
        with pytest.raises(LoginLocked) as again:
            login_guard.reserve(session, username="clerk9", policy=policy, now=later + timedelta(seconds=1))
        assert again.value.retry_after == 19
        login_guard.succeeded(session, username="CLERK9")
        login_guard.reserve(session, username="clerk9", policy=policy, now=later + timedelta(seconds=2))


def test_concurrent_guesses_are_counted_before_any_is_checked(live_api: LiveApi) -> None:
    """20 guesses at once on a real server and database: exactly five get a password check (401); the
    rest wait (429) — none slips past the count while others are being verified."""
    live_api.account("clerk_guess", Role.CLERK)
    barrier = threading.Barrier(20)

    def guess(i: int) -> int:
        barrier.wait()
        with httpx.Client(base_url=live_api.url, timeout=60) as http:
            r = http.post(f"{V1}/auth/token", data={"username": "clerk_guess", "password": f"guess-{i}"})
            return r.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = sorted(pool.map(guess, range(20)))
    assert codes == [401] * 5 + [429] * 15
