"""The clerk's decision through the HTTP interface: refused when its notice could not say it, previewed
with the notice it will print, the defects or 容缺 materials the notice lists chosen by the clerk, and
corrected until the official notice is printed — every step audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_cases import ALL_JT, new_case, run, upload
from tests.fixtures.api_app import People

V1 = "/api/v1"


def _case(client: TestClient, people: People, slots: list[str]) -> str:
    case = new_case(client, people.clerk)
    for slot in slots:
        upload(client, case["id"], people.clerk, slot, f"{slot}.pdf")
    run(client, case["id"], people.clerk)
    return str(case["id"])


def _decide(client: TestClient, people: People, case_id: str, path: str = "", **body: Any) -> Any:
    return client.post(f"{V1}/cases/{case_id}/decision{path}", json=body, headers=people.clerk)


def _audit(client: TestClient, people: People, case_id: str) -> list[dict[str, Any]]:
    r = client.get(f"{V1}/admin/audit", params={"target": f"case:{case_id}"}, headers=people.admin)
    return list(reversed(r.json()))


def test_a_verdict_the_notice_cannot_express_is_refused(client: TestClient, people: People) -> None:
    case_id = _case(client, people, ALL_JT)  # nothing missing: 受理
    r = _decide(client, people, case_id, verdict="TOLERANCE", reason="申请人承诺补交")
    assert r.status_code == 422 and "没有缺少的容缺材料" in r.json()["message"]
    # not a 容缺 material: refused with the material's name
    r = _decide(
        client,
        people,
        case_id,
        verdict="TOLERANCE",
        reason="申请人承诺补交",
        listed=[{"subject": "M1", "code": "MISSING"}],
    )
    assert r.status_code == 422 and "不是可容缺的材料" in r.json()["message"]
    r = _decide(client, people, case_id, verdict="CORRECTION", reason="身份证复印件模糊")
    assert r.status_code == 422 and "至少勾选或添加一项" in r.json()["message"]
    r = _decide(
        client,
        people,
        case_id,
        verdict="CORRECTION",
        reason="材料有误",
        listed=[{"subject": "M99", "code": "EXPIRED"}],
    )
    assert r.status_code == 422 and "没有材料 M99" in r.json()["message"]
    detail = client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()
    assert detail["status"] == "open" and detail["decisions"] == []  # nothing recorded
    assert [e["action"] for e in _audit(client, people, case_id)] == ["verdict"]


def test_tolerance_lists_the_chosen_materials(client: TestClient, people: People) -> None:
    case_id = _case(client, people, ALL_JT)  # recognition found M2; the clerk sees it is not there
    listed = [{"subject": "M2", "code": "MISSING", "note": ""}]
    preview = _decide(
        client, people, case_id, "/preview", verdict="TOLERANCE", reason="营业执照未带", listed=listed
    )
    assert preview.status_code == 200, preview.text
    notice = preview.json()["notice"]
    assert notice["title"] == "容缺受理通知书" and notice["draft"] is True
    assert [row["material"].split()[0] for row in notice["missing"]] == ["M2"] and notice["deadline"]
    r = _decide(client, people, case_id, verdict="TOLERANCE", reason="营业执照未带", listed=listed)
    assert r.status_code == 201 and r.json()["listed"] == listed
    html = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk)
    assert html.status_code == 200 and "容缺受理通知书" in html.text and "M2" in html.text


def test_correction_prefilled_chosen_and_corrected_until_printed(client: TestClient, people: People) -> None:
    case_id = _case(client, people, ["M1"])  # 补正: everything but M1 is missing
    preview = _decide(client, people, case_id, "/preview", verdict="CORRECTION").json()
    assert preview["overridden"] is False and preview["correcting"] is False
    prefilled = [(r["subject"], r["code"]) for r in preview["listed"]]
    assert ("M2", "MISSING") in prefilled and ("M3", "MISSING") in prefilled
    assert client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()["decisions"] == []
    # the clerk keeps two of the defects and adds one the pre-review could not see
    chosen = [
        {"subject": "M3", "code": "MISSING", "note": ""},
        {"subject": "M1", "code": "NOT_SIGNED", "note": "申请表第 2 页法定代表人未签字"},
    ]
    first = _decide(client, people, case_id, verdict="CORRECTION", listed=chosen)
    assert first.status_code == 201 and first.json()["overridden"] is False
    html = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.staff_jt)
    assert html.status_code == 403  # (staff never see notices)
    # a correction before printing: the list changes, the first decision stays on record
    chosen2 = [*chosen, {"subject": "M2", "code": "MISSING", "note": ""}]
    second = _decide(client, people, case_id, verdict="CORRECTION", listed=chosen2)
    assert second.status_code == 201
    detail = client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()
    assert len(detail["decisions"]) == 2 and detail["decisions"][-1]["printed_at"] is None
    pdf = client.get(f"{V1}/cases/{case_id}/notice", headers=people.clerk)  # the official notice leaves
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    html = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk).text
    assert "申请表第 2 页法定代表人未签字" in html and "M3" in html and "M2" in html
    assert "M6" not in html  # found by the run, not chosen by the clerk
    late = _decide(client, people, case_id, verdict="CORRECTION", listed=chosen)
    assert late.status_code == 409 and "已经打印" in late.json()["message"]
    detail = client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()
    assert detail["decisions"][-1]["printed_at"] is not None
    events = _audit(client, people, case_id)
    assert [e["action"] for e in events] == ["verdict", "decision", "decision.correct", "notice.print"]
    assert events[2]["before"]["listed"] == chosen and events[2]["after"]["listed"] == chosen2


def test_only_clerks_decide_and_preview(client: TestClient, people: People) -> None:
    case_id = _case(client, people, ["M1"])
    for who in (people.consult, people.staff_jt, people.admin):
        r = client.post(f"{V1}/cases/{case_id}/decision/preview", json={"verdict": "ACCEPT"}, headers=who)
        assert r.status_code == 403
    applicant = new_case(client)
    me = {"X-Case-Token": applicant["token"]}
    r = client.post(f"{V1}/cases/{applicant['id']}/decision/preview", json={"verdict": "ACCEPT"}, headers=me)
    assert r.status_code in (401, 403)
