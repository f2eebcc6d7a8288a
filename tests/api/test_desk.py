"""The desk's routes: the item finder (shared with the self-check), concepts maintained by the hall's
department (versioned, audited), and a search that returns a term with its 依据."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from api.models import Role
from tests.fixtures.api_app import JT, ApiHarness, People, add_user

V1 = "/api/v1"
HALL = "安和市政务服务中心"


def test_item_finder_without_the_knowledge_base(client: TestClient) -> None:
    found = client.get(f"{V1}/items/find", params={"q": "取水证"}).json()
    assert found[0]["code"] == "SL-001" and found[0]["why"] == "俗称"
    assert found[0]["prepare"] and found[0]["promise_days"] == 20
    assert client.get(f"{V1}/items/find", params={"q": "qsxk"}).json()[0]["code"] == "SL-001"
    goal = client.get(f"{V1}/items/find", params={"q": "想开饭店"}).json()
    assert goal[0]["code"] == "YJS-001" and goal[0]["bundle"]
    browsed = client.get(f"{V1}/items/find", params={"event": "企业开办"}).json()
    assert browsed[0]["code"] == "YJS-001" and {"SC-001", "RS-001"} <= {b["code"] for b in browsed}
    by_dept = client.get(f"{V1}/items/find", params={"department": JT}).json()
    assert [b["code"] for b in by_dept] == ["JT-001"]
    assert client.get(f"{V1}/items/find", params={"q": "x" * 101}).status_code == 422


def test_terms_are_the_halls_and_versioned(kb_on: bool, harness: ApiHarness, people: People) -> None:
    client = harness.client
    listed = {t["target"]: t for t in client.get(f"{V1}/kb/terms").json()}
    assert listed["term:容缺受理"]["department"] == HALL and listed["term:容缺受理"]["basis"]
    path = f"{V1}/kb/terms/{quote('term:工作日')}"
    body = {"aliases": ["工作天", "上班日"], "expected_version": 1}
    assert client.patch(path, json=body, headers=people.staff_jt).status_code == 403
    hall = add_user(harness.db, "desk_lead", Role.STAFF, HALL)
    r = client.patch(path, json=body, headers=hall)
    assert (
        r.status_code == 200 and r.json()["pending"] and r.json()["fields"]["aliases"] == ["工作天", "上班日"]
    )
    assert client.post(f"{path}/publish", json={}, headers=hall).json()["entry"]["version"] == 2
    stale = client.patch(path, json=body, headers=hall)
    assert stale.status_code == 409
    assert [v["action"] for v in client.get(f"{path}/history", headers=people.consult).json()] == [
        "create",
        "publish",
    ]
    events = client.get(f"{V1}/admin/audit", params={"target": "term:工作日"}, headers=people.admin).json()
    assert [e["action"] for e in events] == ["term.publish", "term.draft"]


def test_search_answers_a_term_with_its_basis(kb_on: bool, client: TestClient) -> None:
    result = client.get(f"{V1}/kb/search", params={"q": "首问负责制是什么意思"}).json()
    top = result["hits"][0]
    assert top["target"] == "term:首问负责制" and top["kind"] == "term"
    assert top["basis"].startswith("《平桥区政务服务中心管理制度》") and top["answer"]
    assert "clarify" in result


def test_a_referred_question_comes_back_answered_as_an_faq_draft(
    kb_on: bool, harness: ApiHarness, people: People
) -> None:
    client = harness.client
    body = {"query": "挂靠车辆能不能换到公司名下再申请？电话13812345678", "department": JT, "item": "JT-001"}
    assert client.post(f"{V1}/kb/referrals", json=body).status_code == 401
    r = client.post(f"{V1}/kb/referrals", json=body, headers=people.consult)
    assert r.status_code == 201, r.text
    ref = r.json()
    assert ref["status"] == "open" and not ref["overdue"] and "13812345678" not in ref["query"]
    assert ref["due_on"] > ref["created_at"][:10]  # working days ahead
    mine = client.get(f"{V1}/kb/referrals", params={"mine": True}, headers=people.consult).json()
    assert [m["id"] for m in mine] == [ref["id"]]
    assert client.get(f"{V1}/kb/referrals", headers=people.staff_hb).json() == []  # not HB's
    assert [m["id"] for m in client.get(f"{V1}/kb/referrals", headers=people.staff_jt).json()] == [ref["id"]]
    answer = {"answer": "可以，先办理车辆过户，行驶证登记为本企业后再申请。"}
    path = f"{V1}/kb/referrals/{ref['id']}/answer"
    assert client.post(path, json=answer, headers=people.staff_hb).status_code == 403
    done = client.post(path, json=answer, headers=people.staff_jt).json()
    assert done["status"] == "answered" and done["faq_target"].startswith("JT-001#Q")
    back = client.get(f"{V1}/kb/referrals", params={"mine": True}, headers=people.consult).json()[0]
    assert back["answer"] == answer["answer"]
    draft = client.get(f"{V1}/kb/faqs", params={"item": "JT-001"}, headers=people.staff_jt).json()
    assert any(f["target"] == done["faq_target"] and f["status"] == "draft" for f in draft)
    assert client.post(path, json=answer, headers=people.staff_jt).status_code == 409


def test_overdue_referrals_are_visible(kb_on: bool, harness: ApiHarness, people: People) -> None:
    from datetime import date

    from kb.models import Referral

    with harness.db.scope() as session:
        session.add(Referral(query="逾期的问题", department=JT, asked_by="consult1", due_on=date(2020, 1, 2)))
    late = harness.client.get(f"{V1}/kb/referrals", params={"overdue": True}, headers=people.consult).json()
    assert [r["query"] for r in late] == ["逾期的问题"] and late[0]["overdue"]
