"""The four notices as A4 PDF (Chinese font embedded) and HTML, with what §10 says they must state."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pytest
from fastapi.testclient import TestClient

from rules.models import utcnow
from tests.api.test_cases import ALL_JT, new_case, run, upload
from tests.fixtures.api_app import JT_DECLARED, ApiHarness, People

V1 = "/api/v1"


def _decided_case(client: TestClient, people: People, *, slots: list[str], **declared: Any) -> str:
    case = new_case(client, people.clerk, declared={**JT_DECLARED, **declared})
    for slot in slots:
        upload(client, case["id"], people.clerk, slot, f"{slot}.pdf")
    run(client, case["id"], people.clerk)
    return str(case["id"])


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def _fonts_embedded(data: bytes) -> bool:
    return b"/FontFile2" in data and b"WenQuanYi" in data


@pytest.mark.parametrize(
    ("slots", "declared", "title", "must"),
    [
        (ALL_JT, {}, "受理通知书", ["受理日", "承诺办结日：2026年02月26日", "出件"]),
        (["M1"], {}, "补正材料一次性告知书", ["未提交", "M2", "可容缺", "行政许可法", "重新提交"]),
        (
            [s for s in ALL_JT if s != "M2"],
            {},
            "容缺受理通知书",
            ["补交截止日", "2026年02月24日", "容缺补交承诺书", "逾期"],
        ),
        (
            ALL_JT,
            {"heavy_vehicle_count": 0},
            "不予受理决定书",
            ["C3", "道路运输条例", "行政复议", "行政诉讼"],
        ),
    ],
)
def test_notice_pdf_and_html(
    client: TestClient,
    people: People,
    slots: list[str],
    declared: dict[str, Any],
    title: str,
    must: list[str],
) -> None:
    case_id = _decided_case(client, people, slots=slots, **declared)
    r = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "pdf"}, headers=people.clerk)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert _fonts_embedded(r.content)
    text = _pdf_text(r.content).replace(" ", "").replace("\n", "")
    assert title in text and "安和市宏远货运有限公司" in text
    for word in must:
        assert word in text, word
    h = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk)
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert title in h.text and "自助预检" in h.text  # no clerk decision yet: marked, not official


def test_official_notice_after_decision_and_refer_to(client: TestClient, people: People) -> None:
    case_id = _decided_case(client, people, slots=ALL_JT, location_area="county")
    suggested = client.get(f"{V1}/cases/{case_id}/runs/1", headers=people.clerk).json()
    assert suggested["verdict"] == "REJECT"
    client.post(f"{V1}/cases/{case_id}/decision", json={"verdict": "REJECT"}, headers=people.clerk)
    h = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk).text
    assert "不予受理决定书" in h and "自助预检" not in h
    assert "交通运输主管部门" in h and "提出申请" in h


def test_override_notice_kind_and_refusals(client: TestClient, people: People) -> None:
    case_id = _decided_case(client, people, slots=ALL_JT)
    r = client.get(f"{V1}/cases/{case_id}/notice", params={"kind": "TOLERANCE"}, headers=people.clerk)
    assert r.status_code == 409  # nothing tolerable is missing
    r = client.get(f"{V1}/cases/{case_id}/notice", params={"kind": "REJECT"}, headers=people.clerk)
    assert r.status_code == 409  # no unmet condition and no reason
    client.post(
        f"{V1}/cases/{case_id}/decision",
        headers=people.clerk,
        json={"verdict": "REJECT", "reason": "申请人不具备经营资格", "refer_to": "安和市市场监督管理局"},
    )
    h = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk).text
    assert "申请人不具备经营资格" in h and "安和市市场监督管理局" in h
    fresh = new_case(client, people.clerk)
    assert client.get(f"{V1}/cases/{fresh['id']}/notice", headers=people.clerk).status_code == 409


def test_applicant_gets_marked_copy(client: TestClient) -> None:
    case = new_case(client)
    me = {"X-Case-Token": case["token"]}
    upload(client, case["id"], me, "M1", "M1.pdf")
    run(client, case["id"], me)
    h = client.get(f"{V1}/cases/{case['id']}/notice", params={"format": "html"}, headers=me)
    assert h.status_code == 200 and "补正材料一次性告知书" in h.text and "不作为正式文书" in h.text


def test_official_notice_numbered_once_per_kind(
    client: TestClient, people: People, harness: ApiHarness
) -> None:
    """An official notice takes its number from the kind's counter when first printed; printing it again
    (HTML or PDF) shows the same number; the case's own number is printed, not its id."""
    year = harness.services.hall.year_of(utcnow())
    first = _decided_case(client, people, slots=ALL_JT)
    second = _decided_case(client, people, slots=ALL_JT)
    for case_id in (first, second):
        client.post(f"{V1}/cases/{case_id}/decision", json={"verdict": "ACCEPT"}, headers=people.clerk)

    def page(case_id: str) -> str:
        r = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk)
        assert r.status_code == 200, r.text
        return r.text

    assert f"安和综窗〔{year}〕受字第000001号" in page(first)
    assert f"安和综窗〔{year}〕受字第000002号" in page(second)
    assert f"安和综窗〔{year}〕受字第000001号" in page(first)  # printed again: the same number
    pdf = client.get(f"{V1}/cases/{first}/notice", params={"format": "pdf"}, headers=people.clerk)
    assert "受字第000001号" in _pdf_text(pdf.content).replace(" ", "")
    number = client.get(f"{V1}/cases/{first}", headers=people.clerk).json()["number"]
    assert f"案件编号：{number}" in page(first) and first not in page(first)
    params = {"format": "html", "kind": "CORRECTION"}
    r = client.get(f"{V1}/cases/{first}/notice", params=params, headers=people.clerk)
    assert f"安和综窗〔{year}〕补字第000001号" in r.text  # each kind its own sequence
