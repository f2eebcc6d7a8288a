"""What readers who may not see identity read of a case (through the API), and what the audit log and
the unanswered questions keep, masked as written."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from api.startup import sweep
from core.privacy import digest
from rules.models import utcnow
from tests.api.test_cases import ALL_JT, new_case, run, upload
from tests.fixtures.api_app import JT_DECLARED, ApiHarness, People
from window import AuditEvent

V1 = "/api/v1"
PERSON = {
    **JT_DECLARED,
    "legal_rep_name": "邹军哲",
    "contact_phone": "+86 138-1234-5678",
    "applicant_name": "张三明",
}
REASON = "申请人张三明本人到场，身份证 362321 19761026 3830，电话 +86 138 1234 5678，同意受理"


def _decided(client: TestClient, people: People) -> str:
    case = new_case(client, people.clerk, declared=PERSON)
    for slot in ALL_JT:
        upload(client, case["id"], people.clerk, slot, f"邹军哲{slot}.pdf")
    suggested = run(client, case["id"], people.clerk)["verdict"]
    other = "REJECT" if suggested != "REJECT" else "ACCEPT"
    r = client.post(
        f"{V1}/cases/{case['id']}/decision", json={"verdict": other, "reason": REASON}, headers=people.clerk
    )
    assert r.status_code == 201, r.text
    return str(case["id"])


def test_roles_that_may_not_see_identity_read_it_masked(client: TestClient, people: People) -> None:
    case_id = _decided(client, people)
    clerk = client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()
    assert clerk["applicant_name"] == "张三明" and clerk["decisions"][0]["reason"] == REASON
    for who in (people.consult, people.staff_jt):
        listed = next(c for c in client.get(f"{V1}/cases", headers=who).json() if c["id"] == case_id)
        assert listed["applicant_name"] == "张*明"  # the list as the detail
        seen = client.get(f"{V1}/cases/{case_id}", headers=who).json()
        assert seen["applicant_name"] == "张*明"
        assert (
            seen["declared"]["contact_phone"] == "+86 138****5678"
            and seen["declared"]["legal_rep_name"] == "邹*哲"
        )
        assert (
            seen["decisions"][0]["reason"]
            == "申请人张*明本人到场，身份证 362321********3830，电话 +86 138****5678，同意受理"
        )
        assert {f["name"] for f in seen["files"]} == {f"邹*哲{slot}.pdf" for slot in ALL_JT}
        text = json.dumps(seen, ensure_ascii=False)
        for secret in ("张三明", "邹军哲", "19761026", "1234 5678", "1234-5678"):
            assert secret not in text, secret
        r = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=who)
        assert r.status_code == 403  # a notice states the applicant's identity in full


def test_the_audit_log_is_masked_when_written_and_keeps_a_digest(
    client: TestClient, people: People, harness: ApiHarness
) -> None:
    case_id = _decided(client, people)
    (event,) = client.get(
        f"{V1}/admin/audit", params={"target": f"case:{case_id}", "action": "override"}, headers=people.admin
    ).json()
    assert (
        event["after"]["reason"]
        == "申请人张*明本人到场，身份证 362321********3830，电话 +86 138****5678，同意受理"
    )
    with harness.db.scope() as session:  # masked in the table itself, not only on the way out
        stored = session.exec(select(AuditEvent).where(AuditEvent.id == event["id"])).one()
        assert "19761026" not in json.dumps(stored.after, ensure_ascii=False)
    original = {"before": event["before"], "after": {**event["after"], "reason": REASON}}
    assert event["digest"] == digest(original)


def test_unanswered_questions_are_masked_when_written_and_expire(
    kb_on: bool, client: TestClient, people: People, harness: ApiHarness
) -> None:
    from kb import service as kb_service
    from kb.models import Feedback, UnansweredQuestion

    asked = "火星签证怎么办理？我叫张三明"
    assert client.get(f"{V1}/kb/search", params={"q": asked}).json()["confident"] is False
    rows = client.get(f"{V1}/kb/unanswered", headers=people.consult).json()
    row = next(r for r in rows if "火星签证" in r["query"])
    assert row["query"] == "火星签证怎么办理？我叫张*明" and "张三明" not in row["key"]
    with harness.db.scope() as session:  # what the search notes, numbers included, is masked on the way in
        noted = kb_service.log_unanswered(
            session, query="月球护照？身份证362321197610263830，电话+86 138-1234-5678"
        )
        assert noted is not None and noted.query == "月球护照？身份证362321********3830，电话+86 138****5678"
        assert "19761026" not in noted.key
    r = client.post(
        f"{V1}/kb/feedback",
        json={
            "query": "我是张三明",
            "target": "JT-001#Q1",
            "helpful": False,
            "comment": "我的电话 13907910000",
        },
    )
    assert r.status_code == 201
    with harness.db.scope() as session:
        feedback = session.get(Feedback, r.json()["id"])
        assert (
            feedback is not None
            and "张三明" not in feedback.query
            and feedback.comment == "我的电话 139****0000"
        )
        # retention: not asked again for 90 days -> deleted; an out-of-scope one stays (the off-topic cohort)
        stored = session.get(UnansweredQuestion, row["id"])
        assert stored is not None
        stored.last_at = utcnow() - timedelta(days=91)
        session.add(stored)
        cohort = UnansweredQuestion(
            key="养蜜蜂要办什么证",
            query="养蜜蜂要办什么证",
            status="out_of_scope",
            last_at=utcnow() - timedelta(days=400),
        )
        session.add(cohort)
        session.flush()
        cohort_id = cohort.id
    sweep(harness.services)
    with harness.db.scope() as session:
        assert session.get(UnansweredQuestion, row["id"]) is None
        assert session.get(UnansweredQuestion, cohort_id) is not None
