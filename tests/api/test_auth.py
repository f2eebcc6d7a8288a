"""Logging in (argon2), tokens, accounts (administrator only), the first administrator from the CLI."""

from __future__ import annotations

from pathlib import Path

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
    assert client.post(f"{V1}/auth/token", data={"username": "nobody", "password": PASSWORD}).status_code == 401
    r = client.post(f"{V1}/auth/token", data={"username": "clerk9", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["role"] == "clerk"
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    me = client.get(f"{V1}/auth/me", headers=headers).json()
    assert me["username"] == "clerk9" and "password_hash" not in me
    assert client.post(f"{V1}/auth/logout", headers=headers).status_code == 204
    assert client.get(f"{V1}/auth/me", headers=headers).status_code == 401
    assert client.get(f"{V1}/auth/me").status_code == 401


def test_password_is_stored_as_argon2(harness: ApiHarness, client: TestClient, people: People) -> None:
    r = client.post(f"{V1}/admin/users", json={"username": "clerk2", "password": "a-long-secret", "role": "clerk"},
                    headers=people.admin)  # fmt: skip
    assert r.status_code == 201
    with harness.db.scope() as session:
        stored = session.execute(text("SELECT password_hash FROM app_user WHERE username = 'clerk2'")).scalar_one()
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
    client.post(f"{V1}/admin/users", json={"username": "c3", "password": "password-123", "role": "clerk"},
                headers=people.admin)  # fmt: skip
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
        staff = runner.invoke(app, ["admin", "create-user", "s1", "--role", "staff", "--department", "安和市水利局",
                                    "--password", "password-123"])  # fmt: skip
        assert staff.exit_code == 0, staff.output
    finally:
        get_settings.cache_clear()
