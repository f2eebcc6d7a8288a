"""The case clock through the HTTP API on SQLite and PostgreSQL: it starts when the official notice is
printed, 容缺 补交 closed by a later upload, the one extension with its notice, reminders, the holiday
schedule, the outbox and the statistics' CSV."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
from fastapi.testclient import TestClient

from tests.api.test_cases import ALL_JT, new_case, run, upload
from tests.fixtures.api_app import HB, JT, People

V1 = "/api/v1"


def accepted(
    client: TestClient, people: People, slots: list[str] = ALL_JT, on: str = "2026-02-12"
) -> tuple[str, dict[str, Any]]:
    """A JT-001 case judged on ``on`` (default Thursday 12 February 2026), decided as suggested, its
    notice printed."""
    case_id = new_case(client, people.clerk, review_date=on)["id"]
    for slot in slots:
        upload(client, case_id, people.clerk, slot, f"{slot}.pdf")
    verdict = run(client, case_id, people.clerk)["verdict"]
    r = client.post(f"{V1}/cases/{case_id}/decision", json={"verdict": verdict}, headers=people.clerk)
    assert r.status_code == 201, r.text
    assert client.get(f"{V1}/cases/{case_id}/clock", headers=people.clerk).status_code == 409  # not yet
    notice = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk)
    assert notice.status_code == 200
    r = client.get(f"{V1}/cases/{case_id}/clock", headers=people.clerk)
    assert r.status_code == 200, r.text
    return case_id, r.json()


def test_printing_the_acceptance_notice_starts_the_clock(client: TestClient, people: People) -> None:
    case_id, clock = accepted(client, people)
    # the notice's 承诺办结日, across the Spring Festival holiday and its weekends
    assert (clock["accepted_on"], clock["due_on"], clock["promise_days"]) == ("2026-02-12", "2026-02-26", 5)
    assert clock["view"]["state"] == "overdue" and clock["stage"] == "accepted"
    staff = client.get(f"{V1}/cases/{case_id}/clock", headers=people.staff_jt)
    assert staff.status_code == 200
    assert client.get(f"{V1}/cases/{case_id}/clock", headers=people.staff_hb).status_code == 403
    r = client.post(f"{V1}/cases/{case_id}/clock/pause", json={"reason": "专家评审"}, headers=people.clerk)
    assert r.status_code == 422 and "没有可暂停计时的环节" in r.json()["message"]
    r = client.post(f"{V1}/cases/{case_id}/clock/transfer", json={}, headers=people.clerk)
    assert r.json()["stage"] == "transferred" and r.json()["transferred_to"] == JT
    for stage in ("done", "result_ready", "notified", "collected"):
        r = client.post(f"{V1}/cases/{case_id}/clock/stage", json={"stage": stage}, headers=people.staff_jt)
        assert r.status_code == 200 and r.json()["stage"] == stage
        waiting = client.get(
            f"{V1}/clocks?stage=done&stage=result_ready&stage=notified", headers=people.clerk
        )
        assert (case_id in {c["case_id"] for c in waiting.json()}) is (stage != "collected")
    assert client.get(f"{V1}/clocks?stage=done", headers=people.staff_hb).json() == []
    assert r.json()["view"]["state"] == "done"
    outbox = client.get(f"{V1}/notifications", headers=people.admin).json()
    ready = [n for n in outbox if n["case_id"] == case_id and n["kind"] == "result_ready"]
    assert len(ready) == 1 and ready[0]["status"] == "pending"
    sent = client.post(f"{V1}/notifications/{ready[0]['id']}/sent", headers=people.admin).json()
    assert sent["status"] == "sent" and sent["sent_at"]


def test_tolerance_closed_by_a_later_upload(client: TestClient, people: People) -> None:
    case_id, clock = accepted(client, people, slots=[s for s in ALL_JT if s != "M2"])
    assert clock["verdict"] == "TOLERANCE"
    assert (clock["tolerance_materials"], clock["tolerance_deadline"]) == (["M2"], "2026-02-24")
    reminders = client.get(f"{V1}/reminders", headers=people.staff_jt).json()
    assert "tolerance_lapsed" in [r["kind"] for r in reminders if r["case_id"] == case_id]
    files = [("files", ("M7.pdf", b"%PDF-1.4", "application/pdf"))]
    r = client.post(
        f"{V1}/cases/{case_id}/supplements", params={"material": "M7"}, files=files, headers=people.clerk
    )
    assert r.status_code == 422 and "不是本案待补交的容缺材料" in r.json()["message"]
    from tests.fixtures.api_app import pdf_bytes

    files = [("files", ("M2-补交.pdf", pdf_bytes("营业执照"), "application/pdf"))]
    r = client.post(
        f"{V1}/cases/{case_id}/supplements", params={"material": "M2"}, files=files, headers=people.clerk
    )
    assert r.status_code == 201, r.text
    clock = client.get(f"{V1}/cases/{case_id}/clock", headers=people.staff_jt).json()
    (supplement,) = clock["supplements"]
    assert clock["tolerance_state"] == "submitted"
    assert supplement["precheck"] == {"done": True, "failed": False, "findings": [], "uncertain": []}
    # the official notice is still the 容缺受理 one, not the pre-check's suggestion
    h = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk).text
    assert "容缺受理通知书" in h and "自助预检" not in h
    path = f"{V1}/cases/{case_id}/supplements/{supplement['id']}/decision"
    assert client.post(path, json={"accept": True}, headers=people.clerk).status_code == 403
    r = client.post(path, json={"accept": True, "note": "原件已核对"}, headers=people.staff_jt)
    assert r.status_code == 200 and r.json()["tolerance_state"] == "met"
    reminders = client.get(f"{V1}/reminders", headers=people.staff_jt).json()
    assert "tolerance_lapsed" not in [r["kind"] for r in reminders if r["case_id"] == case_id]


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "".join((p.extract_text() or "") for p in doc.pages).replace(" ", "").replace("\n", "")


def test_one_extension_with_its_notice_then_refused(client: TestClient, people: People) -> None:
    case_id, _ = accepted(client, people)
    path = f"{V1}/cases/{case_id}/clock/extension"
    # ten working days after 26 February: Saturday 28 February is a working day (the Spring Festival swap)
    r = client.post(path, json={"reason": "需组织现场核查", "days": 10}, headers=people.staff_jt)
    assert r.status_code == 200 and r.json()["due_on"] == "2026-03-11" and r.json()["extension_days"] == 10
    r = client.post(path, json={"reason": "再延一次", "days": 5}, headers=people.staff_jt)
    assert r.status_code == 409 and "只能延期一次，不能再次延期" in r.json()["message"]
    notice = f"{V1}/cases/{case_id}/clock/extension/notice"
    h = client.get(notice, params={"format": "html"}, headers=people.clerk)
    assert h.status_code == 200 and "延长办理期限告知书" in h.text and "需组织现场核查" in h.text
    assert "2026年03月11日" in h.text and "2026年02月26日" in h.text
    pdf = client.get(notice, headers=people.clerk)
    assert pdf.headers["content-type"] == "application/pdf"
    text = _text(pdf.content)
    assert "延长办理期限告知书" in text and "2026年03月11日" in text and "第四十二条" in text
    assert client.get(notice, headers=people.staff_jt).status_code == 403  # identity: clerks only


def test_reminders_per_department(client: TestClient, people: People) -> None:
    case_id, _ = accepted(client, people)
    mine = client.get(f"{V1}/reminders", headers=people.clerk).json()
    row = next(r for r in mine if r["case_id"] == case_id)
    assert row["kind"] == "overdue" and row["days_left"] < 0 and row["applicant"] == "安和市宏远货运有限公司"
    masked = client.get(f"{V1}/reminders", headers=people.staff_jt).json()
    assert case_id in {r["case_id"] for r in masked}
    assert client.get(f"{V1}/reminders", headers=people.staff_hb).json() == []
    r = client.get(f"{V1}/reminders", params={"department": JT}, headers=people.staff_hb)
    assert r.status_code == 403
    assert client.get(f"{V1}/reminders", headers=people.consult).status_code == 403


def test_provisional_due_date_on_the_notice_until_the_schedule_is_loaded(
    client: TestClient, people: People
) -> None:
    case_id, clock = accepted(client, people, on="2026-12-28")
    assert clock["provisional"] and clock["due_on"] == "2027-01-04"  # Monday to Friday: 1 January not known
    assert "2027 年的国务院节假日安排尚未载入" in clock["provisional_note"]
    h = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk).text
    assert "承诺办结日：2027年01月04日" in h and "暂定日期" in h
    body = {"year": 2027, "days": [{"day": "2027-01-01", "workday": False, "name": "元旦"}]}
    assert client.put(f"{V1}/holidays/2027", json=body, headers=people.admin).json()["recomputed"] >= 1
    clock = client.get(f"{V1}/cases/{case_id}/clock", headers=people.clerk).json()
    assert (clock["provisional"], clock["due_on"]) == (False, "2027-01-05")
    h = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk).text
    assert "承诺办结日：2027年01月05日" in h and "暂定日期" not in h


def test_holiday_schedule_loaded_by_an_administrator(client: TestClient, people: People) -> None:
    before = client.get(f"{V1}/holidays/2027", headers=people.clerk).json()
    assert before == {"year": 2027, "known": False, "days": [], "recomputed": 0}
    body = {"year": 2027, "days": [{"day": "2027-01-01", "workday": False, "name": "元旦"}]}
    assert client.put(f"{V1}/holidays/2027", json=body, headers=people.clerk).status_code == 403
    wrong = {"year": 2027, "days": [{"day": "2028-01-01", "workday": False}]}
    assert client.put(f"{V1}/holidays/2027", json=wrong, headers=people.admin).status_code == 422
    r = client.put(f"{V1}/holidays/2027", json=body, headers=people.admin)
    assert r.status_code == 200 and r.json()["known"]
    assert client.get(f"{V1}/holidays/2027", headers=people.clerk).json()["days"][0]["name"] == "元旦"


def test_statistics_and_csv(client: TestClient, people: People) -> None:
    accepted(client, people)
    params = {"since": "2026-01-01", "until": "2026-12-31"}
    everything = client.get(f"{V1}/stats", params=params, headers=people.admin).json()
    names = [f["name"] for f in everything["figures"]]
    assert names[:3] == ["by_item", "by_department", "by_channel"] and "trust" in names
    by_item = next(f for f in everything["figures"] if f["name"] == "by_item")
    assert ["JT-001", 1] in by_item["rows"]
    r = client.get(f"{V1}/stats/by_verdict.csv", params=params, headers=people.staff_jt)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.lstrip("\ufeff").splitlines() == ["结论,案件数", "受理,1"]
    hb = client.get(f"{V1}/stats", params=params, headers=people.staff_hb).json()
    assert hb["department"] == HB and all(f["rows"] == [] for f in hb["figures"] if f["name"] == "by_item")
    bad = client.get(
        f"{V1}/stats", params={"since": "2026-05-01", "until": "2026-01-01"}, headers=people.admin
    )
    assert bad.status_code == 422 and "起始日期" in bad.json()["message"]
