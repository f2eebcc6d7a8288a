"""Logging in (argon2), tokens, accounts (administrator only), the first administrator from the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from api.models import Role
from tests.fixtures.api_app import PASSWORD, ApiHarness, People, add_user

V1 = "/api/v1"


def test_login_me_logout(client: TestClient, harness: ApiHarness) -> None:
    add_user(harness.db, "clerk9", Role.CLERK)
    bad = client.post(f"{V1}/auth/token", data={"username": "clerk9", "password": "wrong-password"})
    assert bad.status_code == 401 and bad.json()["error"] == "login_required"
    assert (
        client.post(f"{V1}/auth/token", data={"username": "nobody", "password": PASSWORD}).status_code == 401
    )
    r = client.post(f"{V1}/auth/token", data={"username": "clerk9", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["role"] == "clerk"
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    me = client.get(f"{V1}/auth/me", headers=headers).json()
    assert me["username"] == "clerk9" and "password_hash" not in me
    assert client.post(f"{V1}/auth/logout", headers=headers).status_code == 204
    assert client.get(f"{V1}/auth/me", headers=headers).status_code == 401
    assert client.get(f"{V1}/auth/me").status_code == 401


def test_password_is_stored_as_argon2(harness: ApiHarness, client: TestClient, people: People) -> None:
    r = client.post(
        f"{V1}/admin/users",
        json={"username": "clerk2", "password": "a-long-secret", "role": "clerk"},
        headers=people.admin,
    )
    assert r.status_code == 201
    with harness.db.scope() as session:
        stored = session.execute(
            text("SELECT password_hash FROM app_user WHERE username = 'clerk2'")
        ).scalar_one()
    assert stored.startswith("$argon2id$") and "a-long-secret" not in stored


def test_admin_manages_accounts(client: TestClient, people: People) -> None:
    body = {"username": "staff_sl", "password": "password-123", "role": "staff", "department": "安和市水利局"}
    r = client.post(f"{V1}/admin/users", json=body, headers=people.admin)
    assert r.status_code == 201 and r.json()["department"] == "安和市水利局"
    assert client.post(f"{V1}/admin/users", json=body, headers=people.admin).status_code == 409
    nodept = {**body, "username": "staff_x", "department": None}
    assert client.post(f"{V1}/admin/users", json=nodept, headers=people.admin).status_code == 422
    users = client.get(f"{V1}/admin/users", headers=people.admin).json()
    assert "staff_sl" in [u["username"] for u in users]
    uid = r.json()["id"]
    off = client.patch(f"{V1}/admin/users/{uid}", json={"active": False}, headers=people.admin)
    assert off.status_code == 200 and off.json()["active"] is False
    login = client.post(f"{V1}/auth/token", data={"username": "staff_sl", "password": "password-123"})
    assert login.status_code == 401  # deactivated
    audit = client.get(f"{V1}/admin/audit", params={"target": "user:staff_sl"}, headers=people.admin).json()
    assert [e["action"] for e in audit] == ["user.update", "user.create"]
    for who in (people.clerk, people.staff_jt, people.consult):
        assert client.get(f"{V1}/admin/users", headers=who).status_code == 403
        assert client.post(f"{V1}/admin/users", json=body, headers=who).status_code == 403
        assert client.get(f"{V1}/admin/audit", headers=who).status_code == 403
    assert client.get(f"{V1}/admin/audit").status_code == 401


def test_audit_log_is_append_only(harness: ApiHarness, people: People, client: TestClient) -> None:
    client.post(
        f"{V1}/admin/users",
        json={"username": "c3", "password": "password-123", "role": "clerk"},
        headers=people.admin,
    )
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"), harness.db.scope() as session:
            session.execute(text(statement))


def test_cli_creates_the_first_administrator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import app
    from core.config import get_settings

    monkeypatch.setenv("YICHUANG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YICHUANG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["admin", "create-user", "root", "--password", "first-admin-pw"])
        assert r.exit_code == 0, r.output
        assert "created admin root" in r.output
        again = runner.invoke(app, ["admin", "create-user", "root", "--password", "first-admin-pw"])
        assert again.exit_code == 1 and "已存在" in again.output
        short = runner.invoke(app, ["admin", "create-user", "x", "--password", "short"])
        assert short.exit_code == 1
        staff = runner.invoke(
            app,
            [
                "admin",
                "create-user",
                "s1",
                "--role",
                "staff",
                "--department",
                "安和市水利局",
                "--password",
                "password-123",
            ],
        )
        assert staff.exit_code == 0, staff.output
    finally:
        get_settings.cache_clear()


def _login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    return client.post(f"{V1}/auth/token", data={"username": username, "password": password})


def _bearer(r: Any) -> dict[str, str]:
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_reset_and_deactivation_revoke_every_token(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    add_user(harness.db, "clerk7", Role.CLERK)
    uid = next(
        u["id"]
        for u in client.get(f"{V1}/admin/users", headers=people.admin).json()
        if u["username"] == "clerk7"
    )
    first, second = _bearer(_login(client, "clerk7")), _bearer(_login(client, "clerk7"))
    r = client.patch(f"{V1}/admin/users/{uid}", json={"password": "a-new-password"}, headers=people.admin)
    assert r.status_code == 200
    for old in (first, second):  # issued before the reset: no longer valid
        assert client.get(f"{V1}/auth/me", headers=old).status_code == 401
    assert _login(client, "clerk7").status_code == 401
    fresh = _bearer(_login(client, "clerk7", "a-new-password"))
    assert (
        client.patch(f"{V1}/admin/users/{uid}", json={"active": False}, headers=people.admin).status_code
        == 200
    )
    assert (
        client.patch(f"{V1}/admin/users/{uid}", json={"active": True}, headers=people.admin).status_code
        == 200
    )
    assert client.get(f"{V1}/auth/me", headers=fresh).status_code == 401  # reactivation revives nothing
    assert (
        client.get(f"{V1}/auth/me", headers=_bearer(_login(client, "clerk7", "a-new-password"))).status_code
        == 200
    )
    events = client.get(f"{V1}/admin/audit", params={"target": "user:clerk7"}, headers=people.admin).json()
    assert [e["after"]["tokens_revoked"] for e in events] == [
        0,
        1,
        3,
    ]  # newest first (add_user made one more)


def test_changing_ones_password_ends_every_session(client: TestClient, harness: ApiHarness) -> None:
    add_user(harness.db, "consult7", Role.CONSULT)
    here, elsewhere = _bearer(_login(client, "consult7")), _bearer(_login(client, "consult7"))
    wrong = client.post(
        f"{V1}/auth/password",
        json={"current_password": "not-it", "new_password": "another-pass-1"},
        headers=here,
    )
    assert wrong.status_code == 403 and wrong.json()["message"] == "当前密码不正确"
    short = client.post(
        f"{V1}/auth/password", json={"current_password": PASSWORD, "new_password": "short"}, headers=here
    )
    assert short.status_code == 422
    r = client.post(
        f"{V1}/auth/password",
        json={"current_password": PASSWORD, "new_password": "another-pass-1"},
        headers=here,
    )
    assert r.status_code == 204
    for old in (here, elsewhere):
        assert client.get(f"{V1}/auth/me", headers=old).status_code == 401
    assert _login(client, "consult7", "another-pass-1").status_code == 200
    assert (
        client.post(
            f"{V1}/auth/password", json={"current_password": "x", "new_password": "yyyyyyyy"}
        ).status_code
        == 401
    )


def test_unknown_names_cost_the_same_argon2_work(
    client: TestClient, harness: ApiHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """User enumeration by timing: what runs for a name that does not exist is what runs for a wrong
    password of one that does — one argon2 verification of a hash made with the same parameters."""
    from api import security

    add_user(harness.db, "clerk8", Role.CLERK)
    verified: list[str] = []
    real = security._hasher

    class Counting:  # the real hasher, each verification noted
        def verify(self, password_hash: str, password: str) -> bool:
            verified.append(password_hash)
            return bool(real.verify(password_hash, password))

        def hash(self, password: str) -> str:
            return str(real.hash(password))

    monkeypatch.setattr(security, "_hasher", Counting())
    assert _login(client, "clerk8", "wrong-password").status_code == 401
    assert _login(client, "no-such-user", "wrong-password").status_code == 401
    assert len(verified) == 2
    known, unknown = verified
    assert unknown != known and unknown.split("$")[:4] == known.split("$")[:4]  # argon2id, same m/t/p
