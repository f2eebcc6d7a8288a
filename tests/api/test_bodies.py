"""Request bodies over the caps get a clear 4xx in Chinese before any handler runs: too large (also when
streamed without a length), too deeply nested, numbers too long or not finite; a case's declared facts
have a cap of their own. Nothing of it reaches the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from tests.fixtures.api_app import JT_DECLARED, ApiHarness, People
from window import Case

V1 = "/api/v1"


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def _cases(harness: ApiHarness) -> int:
    with harness.db.scope() as session:
        return int(session.exec(select(func.count()).select_from(Case)).one())


def test_deep_long_and_odd_json_is_refused(client: TestClient, harness: ApiHarness, people: People) -> None:
    before = _cases(harness)
    r = client.post(f"{V1}/cases", json={"item": "JT-001", "declared": _nested(400)})
    assert r.status_code == 422 and r.json() == {
        "error": "bad_json",
        "message": "请求内容的嵌套层数超过 32 层",
    }
    deep = client.post(
        f"{V1}/cases",
        content=b'{"declared":' * 5000 + b"1" + b"}" * 5000,
        headers={"Content-Type": "application/json"},
    )
    assert deep.status_code == 422 and "嵌套层数" in deep.json()["message"]
    digits = '{"item": "JT-001", "declared": {"driver_count": ' + "9" * 4000 + "}}"
    r = client.post(f"{V1}/cases", content=digits, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "超过 18 位" in r.json()["message"]
    for odd in ("NaN", "Infinity", "1e999", "-" + "1" * 40 + ".5"):
        body = '{"item": "JT-001", "declared": {"driver_count": ' + odd + "}}"
        r = client.post(f"{V1}/cases", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["error"] == "bad_json", odd
    r = client.post(f"{V1}/items/JT-001/checklist", json={"declared": _nested(100)})  # every JSON body
    assert r.status_code == 422
    r = client.post(
        f"{V1}/kb/hit-test",
        content="[" * 50 + "]" * 50,
        headers={**people.staff_jt, "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["error"] == "bad_json"
    assert _cases(harness) == before


def test_large_bodies_are_refused_while_they_stream(client: TestClient, harness: ApiHarness) -> None:
    before = _cases(harness)
    big = {"item": "JT-001", "declared": {**JT_DECLARED, "note": "字" * 7_000_000}}  # ~20 MB
    r = client.post(f"{V1}/cases", json=big)
    assert r.status_code == 413 and r.json() == {
        "error": "body_too_large",
        "message": "请求内容超过 1 MB 的上限",
    }

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"item": "JT-001", "declared": {"note": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}}'

    r = client.post(f"{V1}/cases", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    r = client.post(f"{V1}/auth/token", data={"username": "u", "password": "p" * 2_000_000})
    assert r.status_code == 413  # a form is a body too
    assert _cases(harness) == before


def test_declared_facts_have_their_own_cap(client: TestClient, harness: ApiHarness) -> None:
    before = _cases(harness)
    r = client.post(
        f"{V1}/cases", json={"item": "JT-001", "declared": {**JT_DECLARED, "note": "x" * 200_000}}
    )
    assert r.status_code == 422 and r.json()["message"].startswith("申报事实过长")
    assert _cases(harness) == before
    ok = client.post(
        f"{V1}/cases", json={"item": "JT-001", "declared": {**JT_DECLARED, "driver_count": 10**17}}
    )
    assert ok.status_code == 201, ok.text  # 18 digits: within the caps, and no 500 further on
    assert client.post(f"{V1}/cases", json={"item": "JT-001", "declared": JT_DECLARED}).status_code == 201
