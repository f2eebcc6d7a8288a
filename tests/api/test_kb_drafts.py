"""Drafts are drafts, through the HTTP client: saving keeps the live FAQ serving, publishing hit-tests
first and refuses with the per-question report; terms belong to the hall's own department; referrals
are answered by their own department only and the hall sees every overdue one."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from api.models import Role
from kb.models import Referral
from tests.fixtures.api_app import HB, JT, ApiHarness, People, add_user

V1 = "/api/v1"


def _top(harness: ApiHarness, q: str) -> dict[str, object]:
    """The first hit, with the index caught up with the last commit (workers catch up twice a second)."""
    assert harness.services.kb is not None
    harness.services.kb.catch_up_interval = 0.0
    hits = harness.client.get(f"{V1}/kb/search", params={"q": q}).json()["hits"]
    return dict(hits[0])


def test_an_faq_edit_is_a_draft_until_its_hit_test_passes(
    kb_on: bool, harness: ApiHarness, people: People
) -> None:
    client = harness.client
    body = {"item": "JT-001", "department": JT, "question": "道路运输证遗失了怎么补办",
            "answer": "携带营业执照到交通运输专窗申请补发，当场办结。"}  # fmt: skip
    target = client.post(f"{V1}/kb/faqs", json=body, headers=people.staff_jt).json()["target"]
    path = f"{V1}/kb/faqs/{quote(target)}"
    assert client.post(f"{path}/check", json={}, headers=people.staff_hb).status_code == 403
    check = client.post(f"{path}/check", json={}, headers=people.staff_jt).json()
    assert check["ok"] and check["checks"][0]["rank"] == 1
    assert client.post(f"{path}/publish", json={}, headers=people.staff_jt).status_code == 200
    assert _top(harness, "道路运输证遗失了怎么补办")["target"] == target

    saved = client.patch(
        path, json={"answer": "改为网上申请补发，三个工作日内寄出。"}, headers=people.staff_jt
    )
    assert saved.status_code == 200 and saved.json()["pending"]
    assert _top(harness, "道路运输证遗失了怎么补办")["answer"].startswith("携带营业执照")  # type: ignore[union-attr]
    listed = client.get(f"{V1}/kb/faqs", params={"item": "JT-001"}, headers=people.staff_jt).json()
    assert next(f for f in listed if f["target"] == target)["pending"]
    assert (
        client.get(f"{path}/draft", headers=people.staff_jt).json()["fields"]["answer"].startswith("改为网上")
    )

    rival = client.get(f"{V1}/kb/faqs", params={"item": "JT-001"}).json()[0]
    refused = client.post(f"{path}/publish", json={"questions": [rival["question"]]}, headers=people.staff_jt)
    assert refused.status_code == 409 and "命中测试未通过" in refused.json()["message"]
    miss = [c for c in refused.json()["detail"]["checks"] if not c["ok"]]
    assert miss[0]["winner"] == rival["target"] and miss[0]["why"]
    assert _top(harness, "道路运输证遗失了怎么补办")["answer"].startswith("携带营业执照")  # type: ignore[union-attr]

    done = client.post(f"{path}/publish", json={}, headers=people.staff_jt)
    assert done.status_code == 200 and done.json()["check"]["ok"]
    assert _top(harness, "道路运输证遗失了怎么补办")["answer"].startswith("改为网上")  # type: ignore[union-attr]
    events = client.get(f"{V1}/admin/audit", params={"target": f"faq:{target}"}, headers=people.admin).json()
    assert [e["action"] for e in events][:2] == ["faq.publish", "faq.draft"]
    assert all(e["actor"] == "staff_jt" for e in events[:2])


def test_terms_are_drafted_and_published_by_the_halls_own_staff(
    kb_on: bool, harness: ApiHarness, people: People
) -> None:
    client = harness.client
    hall = add_user(harness.db, "staff_hall", Role.STAFF, harness.services.settings.hall_department)
    path = f"{V1}/kb/terms/{quote('term:容缺受理')}"
    body = {"aliases": ["容缺", "容缺办理", "缺件受理", "缺材料先受理"]}
    assert client.patch(path, json=body, headers=people.staff_jt).status_code == 403
    assert client.post(f"{path}/publish", json={}, headers=people.staff_jt).status_code == 403
    saved = client.patch(path, json=body, headers=hall)
    assert saved.status_code == 200 and saved.json()["pending"]
    live = {t["target"]: t for t in client.get(f"{V1}/kb/terms").json()}["term:容缺受理"]
    assert "缺材料先受理" not in live["aliases"]
    listed = {t["target"]: t for t in client.get(f"{V1}/kb/terms/manage", headers=hall).json()}
    assert listed["term:容缺受理"]["pending"]
    done = client.post(f"{path}/publish", json={}, headers=hall)
    assert done.status_code == 200, done.text
    assert done.json()["entry"]["aliases"] == body["aliases"] and done.json()["check"]["ok"]
    history = client.get(f"{path}/history", headers=people.consult).json()
    assert history[-1]["actor"] == "staff_hall" and history[-1]["action"] == "publish"

    new = {
        "term": "窗口专员",
        "definition": "综合窗口负责某一类事项收件和答复的工作人员。",
        "aliases": ["专窗人员"],
    }
    assert client.post(f"{V1}/kb/terms", json=new, headers=people.staff_jt).status_code == 403
    made = client.post(f"{V1}/kb/terms", json=new, headers=hall)
    assert made.status_code == 201 and made.json()["status"] == "draft"
    assert "term:窗口专员" not in {t["target"] for t in client.get(f"{V1}/kb/terms").json()}


def test_referrals_are_answered_by_their_department_and_the_hall_sees_overdue_ones(
    kb_on: bool, harness: ApiHarness, people: People
) -> None:
    client = harness.client
    hall = add_user(harness.db, "staff_hall", Role.STAFF, harness.services.settings.hall_department)
    with harness.db.scope() as session:
        session.add(
            Referral(query="逾期未答的问题", department=JT, asked_by="consult1", due_on=date(2020, 1, 2))
        )
        session.add(Referral(query="环保的问题", department=HB, asked_by="consult1", due_on=date(2020, 1, 2)))
    own = client.get(f"{V1}/kb/referrals", headers=people.staff_jt).json()
    assert [r["query"] for r in own] == ["逾期未答的问题"] and own[0]["overdue"]
    assert client.get(f"{V1}/kb/referrals", headers=hall).json() == []  # none referred to the hall
    late = client.get(f"{V1}/kb/referrals", params={"overdue": True}, headers=hall).json()
    assert {r["query"] for r in late} == {"逾期未答的问题", "环保的问题"}
    assert [r["query"] for r in client.get(f"{V1}/kb/referrals", params={"overdue": True},
                                           headers=people.staff_hb).json()] == ["环保的问题"]  # fmt: skip
    answer = {"answer": "可以，先办理车辆过户后再申请。", "item": "JT-001"}
    path = f"{V1}/kb/referrals/{own[0]['id']}/answer"
    assert client.post(path, json=answer, headers=people.staff_hb).status_code == 403
    done = client.post(path, json=answer, headers=people.staff_jt).json()
    draft = client.get(f"{V1}/kb/faqs/{quote(done['faq_target'])}/draft", headers=people.staff_jt).json()
    assert draft["status"] == "draft" and draft["source"] == f"referral:{own[0]['id']}"


def test_without_the_index_nothing_is_published_untested(harness: ApiHarness, people: People) -> None:
    client = harness.client
    harness.services.kb = None
    body = {
        "item": "JT-001",
        "department": JT,
        "question": "道路运输证遗失了怎么补办",
        "answer": "到专窗补发。",
    }
    target = client.post(f"{V1}/kb/faqs", json=body, headers=people.staff_jt).json()["target"]
    refused = client.post(f"{V1}/kb/faqs/{quote(target)}/publish", json={}, headers=people.staff_jt)
    assert refused.status_code == 503 and "命中测试" in refused.json()["message"]
    faqs = client.get(f"{V1}/kb/faqs", params={"item": "JT-001"}, headers=people.staff_jt).json()
    assert next(f for f in faqs if f["target"] == target)["status"] == "draft"
