"""Every timestamp the API sends carries its zone (UTC, with an offset): the pages show each in the
reader's local time as it is, with nothing to guess."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.api.test_cases import ALL_JT, new_case, run, upload
from tests.fixtures.api_app import People

V1 = "/api/v1"


def _timestamps(value: Any, key: str = "") -> list[str]:
    """Every value under a key ending in ``_at`` or named ``at``, anywhere in ``value``."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _timestamps(v, k)]
    if isinstance(value, list):
        return [t for v in value for t in _timestamps(v, key)]
    return [value] if isinstance(value, str) and (key == "at" or key.endswith("_at")) else []


def _all_utc(stamps: list[str]) -> bool:
    return all(datetime.fromisoformat(s).utcoffset() == timedelta(0) for s in stamps)


def test_case_run_decision_and_account_timestamps_are_utc_with_an_offset(
    client: TestClient, people: People
) -> None:
    case = new_case(client, people.clerk)
    for slot in ALL_JT:
        upload(client, case["id"], people.clerk, slot, f"{slot}.pdf")
    suggested = run(client, case["id"], people.clerk)["verdict"]
    r = client.post(f"{V1}/cases/{case['id']}/decision", json={"verdict": suggested}, headers=people.clerk)
    assert r.status_code == 201
    self_check = new_case(client)  # an applicant's: its expires_at too
    reads = [
        client.get(f"{V1}/cases/{case['id']}", headers=people.clerk).json(),
        client.get(f"{V1}/cases/{self_check['id']}", headers={"X-Case-Token": self_check["token"]}).json(),
        client.get(f"{V1}/cases", headers=people.clerk).json(),
        client.get(f"{V1}/admin/users", headers=people.admin).json(),
        client.get(f"{V1}/admin/audit", headers=people.admin).json(),
        client.get(f"{V1}/rules/JT-001/versions", headers=people.staff_jt).json(),
    ]
    stamps = _timestamps(reads)
    keys = {"created_at", "started_at", "finished_at", "decided_at", "expires_at", "published_at", "at"}
    assert keys <= {k for r in reads for k in _keys(r)} and stamps
    assert _all_utc(stamps), stamps


def test_knowledge_base_timestamps_are_utc_with_an_offset(
    kb_on: bool, client: TestClient, people: People
) -> None:
    client.get(f"{V1}/kb/search", params={"q": "火星签证怎么办理"})
    questions = client.get(f"{V1}/kb/unanswered", headers=people.consult).json()
    faq = client.get(f"{V1}/kb/faqs", params={"item": "JT-001"}).json()[0]
    history = client.get(f"{V1}/kb/faqs/{quote(faq['target'])}/history", headers=people.consult).json()
    stamps = _timestamps([questions, history])
    assert any(q.get("last_at") for q in questions) and history[0]["at"]
    assert _all_utc(stamps), stamps


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {k for k in value if k == "at" or k.endswith("_at")} | {
            x for v in value.values() for x in _keys(v)
        }
    if isinstance(value, list):
        return {x for v in value for x in _keys(v)}
    return set()
