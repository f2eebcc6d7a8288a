"""预检码 through the HTTP interface: a finished self-check gives a code and its QR; only a signed-in clerk
redeems it, once, into a clerk case with the files, facts and judged run; wrong codes are limited; the
self-check's retention still deletes what was not taken over."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from api.models import Role
from api.startup import sweep
from rules.models import utcnow
from tests.api.test_cases import new_case, run, upload
from tests.fixtures.api_app import JT_DECLARED, ApiHarness, People, add_user
from window import Case, Run, handover

V1 = "/api/v1"


def _self_check(client: TestClient) -> tuple[str, dict[str, str]]:
    case = new_case(client)
    me = {"X-Case-Token": case["token"]}
    for slot in ("M1", "M3"):
        assert upload(client, case["id"], me, slot, f"{slot}.pdf").status_code == 201
    return str(case["id"]), me


def test_code_turns_a_self_check_into_a_clerk_case(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    source, me = _self_check(client)
    r = client.post(f"{V1}/cases/{source}/handover", headers=me)
    assert r.status_code == 409 and "先完成预审" in r.json()["message"]
    judged = run(client, source, me)
    r = client.post(f"{V1}/cases/{source}/handover", headers=me)
    assert r.status_code == 201, r.text
    out = r.json()
    code = out["code"]
    assert len(code) == 9 and code[4] == "-" and set(code.replace("-", "")) <= set(handover.ALPHABET)
    assert out["qr"].startswith("data:image/png;base64,") and out["expires_at"]
    # only a signed-in clerk redeems
    assert client.post(f"{V1}/handover", json={"code": code}).status_code == 401
    assert client.post(f"{V1}/handover", json={"code": code}, headers=me).status_code == 401
    assert client.post(f"{V1}/handover", json={"code": code}, headers=people.consult).status_code == 403
    typed = code.lower().replace("-", " ")  # as a clerk might type it
    taken = client.post(f"{V1}/handover", json={"code": typed}, headers=people.clerk)
    assert taken.status_code == 201, taken.text
    case_id = taken.json()["case_id"]
    assert case_id != source
    case = client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()
    assert case["channel"] == "clerk" and case["status"] == "open"
    assert case["declared"] == JT_DECLARED and case["applicant_name"] == JT_DECLARED["applicant_name"]
    assert sorted(f["name"] for f in case["files"]) == ["M1.pdf", "M3.pdf"]
    (first,) = case["runs"]
    assert first["status"] == "done" and first["verdict"] == judged["verdict"]
    assert first["findings"] == judged["findings"]
    assert sorted(first["file_ids"]) == sorted(f["id"] for f in case["files"])
    with harness.db.scope() as session:
        copied = session.get(Run, _run_id(harness, case_id))
        original = session.get(Run, _run_id(harness, source))
        assert copied is not None and original is not None and copied.facts == original.facts
        assert copied.engine_input == original.engine_input and copied.engine_key == original.engine_key
    # spent: a second redemption fails, and the applicant cannot make a new code for a taken-over check
    again = client.post(f"{V1}/handover", json={"code": code}, headers=people.clerk)
    assert again.status_code == 404
    # the clerk decides on it at once: nothing to read again
    r = client.post(
        f"{V1}/cases/{case_id}/decision/preview", json={"verdict": judged["verdict"]}, headers=people.clerk
    )
    assert r.status_code == 200, r.text
    # the self-check's retention still holds: its files go, the clerk case's stay
    with harness.db.scope() as session:
        row = session.get(Case, source)
        assert row is not None
        row.expires_at = utcnow() - timedelta(minutes=1)
        session.add(row)
    sweep(harness.services)
    assert client.get(f"{V1}/cases/{source}", headers=me).json()["status"] == "purged"
    for f in case["files"]:
        assert harness.services.store.exists(f["sha256"])
    events = client.get(f"{V1}/admin/audit", params={"action": "handover"}, headers=people.admin).json()
    assert {e["target"] for e in events} == {f"case:{source}", f"case:{case_id}"}


def _run_id(harness: ApiHarness, case_id: str) -> int:
    from sqlmodel import select

    with harness.db.scope() as session:
        found = session.exec(select(Run.id).where(Run.case_id == case_id)).first()
        assert found is not None
        return found


def test_wrong_codes_are_limited(client: TestClient, harness: ApiHarness, people: People) -> None:
    source, me = _self_check(client)
    run(client, source, me)
    code = client.post(f"{V1}/cases/{source}/handover", headers=me).json()["code"]
    limit = harness.services.settings.handover_misses_per_hour
    for _ in range(limit):
        r = client.post(f"{V1}/handover", json={"code": "AAAA-AAAA"}, headers=people.clerk)
        assert r.status_code == 404 and "预检码不正确" in r.json()["message"]
    r = client.post(f"{V1}/handover", json={"code": code}, headers=people.clerk)
    assert r.status_code == 429 and r.headers["Retry-After"]  # even the right code waits now
    # another clerk is not held up by this one's misses
    other = add_user(harness.db, "clerk2", Role.CLERK)
    assert client.post(f"{V1}/handover", json={"code": code}, headers=other).status_code == 201


def test_code_of_an_expired_self_check_is_refused(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    source, me = _self_check(client)
    run(client, source, me)
    code = client.post(f"{V1}/cases/{source}/handover", headers=me).json()["code"]
    with harness.db.scope() as session:
        row = session.get(Case, source)
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    assert client.post(f"{V1}/handover", json={"code": code}, headers=people.clerk).status_code == 404
    assert client.post(f"{V1}/cases/{source}/handover", headers=me).status_code == 409
    clerk_case = new_case(client, people.clerk)
    r = client.post(f"{V1}/cases/{clerk_case['id']}/handover", headers=people.clerk)
    assert r.status_code == 403
