"""Cases through the HTTP interface, for every role: applicant (case token), clerk, consultation desk,
department staff, administrator — including the refusals."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from rules.models import utcnow
from tests.fixtures.api_app import JT_DECLARED, ApiHarness, People, pdf_bytes
from tests.fixtures.samples import public_case

V1 = "/api/v1"
ALL_JT = ["M1", "M2", "M3", "M6", "M7", "M8", "M9"]


def new_case(client: TestClient, headers: dict[str, str] | None = None, **over: Any) -> dict[str, Any]:
    body = {"item": "JT-001", "declared": JT_DECLARED, "review_date": "2026-02-12", **over}
    r = client.post(f"{V1}/cases", json=body, headers=headers or {})
    assert r.status_code == 201, r.text
    return dict(r.json())


def upload(client: TestClient, case_id: str, headers: dict[str, str], slot: str | None, *names: str) -> Any:
    files = [("files", (name, pdf_bytes(name), "application/pdf")) for name in names]
    params = {"slot": slot} if slot else {}
    return client.post(f"{V1}/cases/{case_id}/files", params=params, files=files, headers=headers)


def run(client: TestClient, case_id: str, headers: dict[str, str]) -> dict[str, Any]:
    r = client.post(f"{V1}/cases/{case_id}/runs", params={"wait": 5}, headers=headers)
    assert r.status_code == 202, r.text
    return dict(r.json())


def test_applicant_self_check_flow(client: TestClient) -> None:
    case = new_case(client)
    assert case["channel"] == "applicant" and case["token"] and case["expires_at"]
    me = {"X-Case-Token": case["token"]}
    for slot in ALL_JT:
        if slot != "M2":
            assert upload(client, case["id"], me, slot, f"{slot}.pdf").status_code == 201
    assert upload(client, case["id"], me, None, "pile.pdf").status_code == 201  # an unsorted pile
    result = run(client, case["id"], me)
    assert result["status"] == "done"
    assert result["verdict"] == "TOLERANCE" and result["tolerance_deadline"] == "2026-02-24"
    assert [(f["material"], f["code"]) for f in result["findings"]] == [("M2", "MISSING")]
    assert result["rule_hash"] and result["files"][0]["name"] == "M1.pdf"
    answer = client.get(f"{V1}/cases/{case['id']}/answer", headers=me).json()
    assert answer == {
        "case_id": case["id"],
        "verdict": "TOLERANCE",
        "findings": [{"material": "M2", "code": "MISSING"}],
        "uncertain": [],
        "tolerance_deadline": "2026-02-24",
    }
    detail = client.get(f"{V1}/cases/{case['id']}", headers=me).json()
    assert detail["token"] is None and len(detail["files"]) == 7 and len(detail["runs"]) == 1
    assert detail["declared"]["legal_rep_id"] == JT_DECLARED["legal_rep_id"]  # the applicant's own facts


def test_case_numbers_per_hall_and_year(client: TestClient, people: People, harness: ApiHarness) -> None:
    """A case is numbered when created, in the hall's format: window cases and self-checks each in a
    sequence of their own; the number is shown and searchable, the id stays the key."""
    hall = harness.services.hall
    year = hall.year_of(utcnow())
    first, second = new_case(client, people.clerk), new_case(client, people.clerk)
    mine = new_case(client)  # an applicant's self-check
    assert first["number"] == f"安和综窗〔{year}〕第000001号"
    assert second["number"] == f"安和综窗〔{year}〕第000002号"
    assert mine["number"] == f"安和预检〔{year}〕第000001号"
    shown = client.get(f"{V1}/cases/{second['id']}", headers=people.clerk).json()
    assert shown["number"] == second["number"] and len(shown["id"]) == 32
    found = client.get(f"{V1}/cases", params={"q": "第000002号"}, headers=people.clerk).json()
    assert [c["id"] for c in found] == [second["id"]] and found[0]["number"] == second["number"]


def test_applicant_cannot_reach_another_case(client: TestClient) -> None:
    mine, theirs = new_case(client), new_case(client)
    me = {"X-Case-Token": mine["token"]}
    assert client.get(f"{V1}/cases/{theirs['id']}", headers=me).status_code == 404
    assert upload(client, theirs["id"], me, "M1", "x.pdf").status_code == 404
    assert client.post(f"{V1}/cases/{theirs['id']}/runs", headers=me).status_code == 404
    assert client.get(f"{V1}/cases/{theirs['id']}/notice", headers=me).status_code == 404
    assert client.get(f"{V1}/cases/{mine['id']}", headers={"X-Case-Token": "forged"}).status_code == 404
    assert client.get(f"{V1}/cases/nonexistent", headers=me).status_code == 404
    assert client.get(f"{V1}/cases/{mine['id']}").status_code == 401
    assert client.get(f"{V1}/cases", headers=me).status_code == 401  # no listing without an account


def test_rerun_after_correction_keeps_history(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    case = new_case(client, people.clerk)
    assert case["channel"] == "clerk" and case["token"] is None
    upload(client, case["id"], people.clerk, "M1", "M1.pdf")
    first = run(client, case["id"], people.clerk)
    assert first["verdict"] == "CORRECTION" and first["number"] == 1
    for slot in ALL_JT[1:]:
        upload(client, case["id"], people.clerk, slot, f"{slot}-new.pdf")
    second = run(client, case["id"], people.clerk)
    assert second["verdict"] == "ACCEPT" and second["number"] == 2
    runs = client.get(f"{V1}/cases/{case['id']}/runs", headers=people.clerk).json()
    assert [(r["number"], r["verdict"]) for r in runs] == [(1, "CORRECTION"), (2, "ACCEPT")]
    assert all(r["rule_hash"] == runs[0]["rule_hash"] for r in runs)
    assert len(runs[0]["file_ids"]) == 1 and len(runs[1]["file_ids"]) == 7
    # withdraw a file: the next run no longer has it
    fid = client.get(f"{V1}/cases/{case['id']}", headers=people.clerk).json()["files"][1]["id"]
    assert (
        client.delete(f"{V1}/cases/{case['id']}/files/{fid}", headers=people.clerk).json()["active"] is False
    )
    third = run(client, case["id"], people.clerk)
    assert third["verdict"] == "TOLERANCE" and fid not in third["file_ids"]
    one = client.get(f"{V1}/cases/{case['id']}/runs/1", headers=people.clerk).json()
    assert one["verdict"] == "CORRECTION"
    assert client.get(f"{V1}/cases/{case['id']}/runs/9", headers=people.clerk).status_code == 404


def test_clerk_decision_and_override(client: TestClient, people: People) -> None:
    case = new_case(client, people.clerk, declared={**JT_DECLARED, "heavy_vehicle_count": 0})
    assert (
        client.post(
            f"{V1}/cases/{case['id']}/decision", json={"verdict": "REJECT"}, headers=people.clerk
        ).status_code
        == 409
    )  # no run yet
    result = run(client, case["id"], people.clerk)
    assert result["verdict"] == "REJECT"
    assert ("C3", "NOT_ELIGIBLE") in [(f["condition"], f["code"]) for f in result["findings"]]
    r = client.post(f"{V1}/cases/{case['id']}/decision", json={"verdict": "CORRECTION"}, headers=people.clerk)
    assert r.status_code == 422  # overriding needs a reason
    reason = "申请人当场更正了车辆总质量申报"
    r = client.post(
        f"{V1}/cases/{case['id']}/decision",
        headers=people.clerk,
        json={"verdict": "CORRECTION", "reason": reason},
    )
    assert r.status_code == 422 and "至少勾选或添加一项" in r.json()["message"]  # a notice with nothing in it
    r = client.post(
        f"{V1}/cases/{case['id']}/decision",
        headers=people.clerk,
        json={"verdict": "CORRECTION", "reason": reason, "listed": [{"subject": "M5", "code": "MISSING"}]},
    )
    assert r.status_code == 201 and r.json()["overridden"] is True and r.json()["suggested"] == "REJECT"
    agree = client.post(f"{V1}/cases/{case['id']}/decision", json={"verdict": "REJECT"}, headers=people.clerk)
    assert agree.status_code == 201 and agree.json()["overridden"] is False  # corrected before printing
    events = client.get(
        f"{V1}/admin/audit", params={"target": f"case:{case['id']}"}, headers=people.admin
    ).json()
    actions = [e["action"] for e in events]
    assert actions == ["decision.correct", "override", "verdict"]
    override = events[1]
    assert override["actor"] == "clerk1" and override["before"] == {"suggested": "REJECT"}
    assert override["after"]["verdict"] == "CORRECTION" and override["after"]["reason"]
    for who in (people.consult, people.staff_jt, people.admin):
        r = client.post(f"{V1}/cases/{case['id']}/decision", json={"verdict": "REJECT"}, headers=who)
        assert r.status_code == 403


def test_roles_reading_cases(client: TestClient, people: People) -> None:
    jt = new_case(client, people.clerk)
    hb = new_case(
        client, people.clerk, item="HB-001", declared={"applicant_name": "安和市某环保科技有限公司"}
    )
    listing = client.get(f"{V1}/cases", headers=people.clerk).json()
    assert {c["id"] for c in listing} >= {jt["id"], hb["id"]}
    # the consultation desk reads, masked
    seen = client.get(f"{V1}/cases/{jt['id']}", headers=people.consult).json()
    assert seen["declared"]["legal_rep_id"] == "362321********3830"
    assert (
        client.get(f"{V1}/cases/{jt['id']}", headers=people.clerk).json()["declared"]["legal_rep_id"]
        == JT_DECLARED["legal_rep_id"]
    )
    # department staff: their department's cases only, masked
    assert [c["id"] for c in client.get(f"{V1}/cases", headers=people.staff_jt).json()] == [jt["id"]]
    assert (
        client.get(f"{V1}/cases/{jt['id']}", headers=people.staff_jt)
        .json()["declared"]["legal_rep_id"]
        .count("*")
        == 8
    )
    assert client.get(f"{V1}/cases/{jt['id']}", headers=people.staff_hb).status_code == 403
    assert upload(client, jt["id"], people.staff_jt, "M1", "x.pdf").status_code == 403
    assert upload(client, jt["id"], people.consult, "M1", "x.pdf").status_code == 403
    # the administrator does no business
    assert client.get(f"{V1}/cases", headers=people.admin).status_code == 403
    assert client.get(f"{V1}/cases/{jt['id']}", headers=people.admin).status_code == 403
    assert client.post(f"{V1}/cases", json={"item": "JT-001"}, headers=people.admin).status_code == 403
    assert client.post(f"{V1}/cases", json={"item": "JT-001"}, headers=people.consult).status_code == 403
    assert client.get(f"{V1}/cases", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_bad_case_requests(client: TestClient, people: People) -> None:
    assert client.post(f"{V1}/cases", json={"item": "XX-001"}).status_code == 404
    assert client.post(
        f"{V1}/cases", json={"item": "JT-001", "declared": {"no_such_fact": 1}}
    ).status_code in (201, 422)
    case = new_case(client, people.clerk)
    assert client.get(f"{V1}/cases/{case['id']}/answer", headers=people.clerk).status_code == 409
    r = upload(client, case["id"], people.clerk, "M99", "x.pdf")
    assert r.status_code == 422 and r.json()["reason"] == "unknown_slot"


def test_rate_limit_for_applicants(client: TestClient, harness: ApiHarness) -> None:
    harness.services.limiter.per_minute = 3
    codes = [client.post(f"{V1}/cases", json={"item": "JT-001"}).status_code for _ in range(5)]
    assert codes[:3] == [201, 201, 201] and codes[-1] == 429


def test_retention_purges_applicant_uploads(client: TestClient, harness: ApiHarness) -> None:
    from datetime import timedelta

    from sqlmodel import select

    from api.startup import sweep
    from rules.models import utcnow
    from window import Case, Run

    case = new_case(client)
    me = {"X-Case-Token": case["token"]}
    upload(client, case["id"], me, "M1", "M1.pdf")
    assert run(client, case["id"], me)["findings"][0]["message"]
    sha = client.get(f"{V1}/cases/{case['id']}", headers=me).json()["files"][0]["sha256"]
    assert harness.services.store.exists(sha)
    with harness.db.scope() as session:
        row = session.get(Case, case["id"])
        assert row is not None
        row.expires_at = utcnow() - timedelta(minutes=1)
        session.add(row)
    sweep(harness.services)  # what the service's retention sweeper runs every ten minutes
    assert not harness.services.store.exists(sha)
    with harness.db.scope() as session:
        runs = session.exec(select(Run).where(Run.case_id == case["id"])).all()
        assert [(r.facts, r.engine_key, r.engine_input) for r in runs] == [(None, "", None)]
    detail = client.get(f"{V1}/cases/{case['id']}", headers=me).json()
    assert detail["status"] == "purged" and detail["files"] == [] and detail["declared"] == {}
    assert detail["applicant_name"] == ""
    (kept,) = detail["runs"]  # the verdict and its defects' codes stay; nothing read from the files does
    assert kept["verdict"] and kept["files"] == [] and kept["findings"]
    allowed = {"code", "material", "condition", "rule", "tolerable", "set_index"}
    assert all(set(f) <= allowed for f in kept["findings"])
    assert upload(client, case["id"], me, "M1", "M1.pdf").status_code == 409


def test_bundle_case(client: TestClient, people: People) -> None:
    declared = json.loads((public_case("YJS-P01") / "case.json").read_text(encoding="utf-8"))["declared"]
    case = new_case(client, people.clerk, item="YJS-001", declared=declared, review_date="2026-09-29")
    assert case["department"] == "安和市行政审批服务局"
    assert (
        upload(client, case["id"], people.clerk, None, "一堆扫描件.pdf").status_code == 201
    )  # an unsorted pile
    result = run(client, case["id"], people.clerk)
    assert result["status"] == "done" and result["verdict"] == "CORRECTION"
    assert all(f["message"] for f in result["findings"]) and result["files"][0]["materials"] == []
    checklist = client.post(
        f"{V1}/items/YJS-001/checklist", json={"declared": declared, "on": "2026-09-29"}
    ).json()
    assert {e["material"] for e in checklist["entries"] if e["due"] == "yes"} >= {"M1"}
