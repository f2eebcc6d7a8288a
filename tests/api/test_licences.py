"""电子证照库调取 through the HTTP interface, with the local library (imported by an administrator) as the
source: found, expired, not found, revoked; the self-check never looks anything up; every fetch audited;
the licence file only for roles that may see identity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.config import Settings
from tests.api.test_cases import new_case, run, upload
from tests.fixtures.api_app import JT_DECLARED, ApiHarness, People, make_settings, pdf_bytes

V1 = "/api/v1"
DUE_BUT_M2 = ["M1", "M3", "M7", "M8", "M9"]  # JT_DECLARED: no vehicles yet, no agent


@pytest.fixture
def api_settings(tmp_path: Path, kb_index_dir: Path) -> Settings:
    return make_settings(tmp_path / "data", kb_index_dir=kb_index_dir, licence_source="local")


def import_licence(client: TestClient, people: People, **over: str) -> Any:
    fields = {
        "licence_type": "营业执照",
        "number": "L-0001",
        "holder": JT_DECLARED["applicant_name"],
        "holder_code": JT_DECLARED["uscc"],
        "issuer": "安和市市场监督管理局",
        "issued_on": "2020-05-01",
        "valid_from": "2020-05-01",
        "valid_until": "2040-04-30",
        "status": "valid",
        **over,
    }
    files = {"files": ("licence.pdf", pdf_bytes("营业执照"), "application/pdf")}
    return client.post(f"{V1}/licences", data=fields, files=files, headers=people.admin)


def clerk_case_without_m2(client: TestClient, people: People) -> str:
    case = new_case(client, people.clerk)
    for slot in DUE_BUT_M2:
        assert upload(client, case["id"], people.clerk, slot, f"{slot}.pdf").status_code == 201
    return str(case["id"])


def findings(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["material"], f["code"]) for f in result["findings"]]


def test_found_licence_counts_as_submitted_and_is_audited(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    assert import_licence(client, people).status_code == 201
    case_id = clerk_case_without_m2(client, people)
    result = run(client, case_id, people.clerk)
    assert result["status"] == "done"
    assert ("M2", "MISSING") not in findings(result)
    assert result["verdict"] == "ACCEPT", result["findings"]
    fetches = client.get(f"{V1}/cases/{case_id}/licences", headers=people.clerk).json()
    assert [(f["material"], f["outcome"]) for f in fetches] == [("M2", "found")]
    assert fetches[0]["licence"]["number"] == "L-0001" and fetches[0]["has_file"]
    file = client.get(f"{V1}/cases/{case_id}/licences/{fetches[0]['id']}/file", headers=people.clerk)
    assert file.status_code == 200 and file.content.startswith(b"%PDF")
    # the consultation desk reads the case, but not the licence (identity)
    masked = client.get(f"{V1}/cases/{case_id}/licences", headers=people.consult).json()
    assert masked[0]["licence"] is None and not masked[0]["has_file"]
    refused = client.get(f"{V1}/cases/{case_id}/licences/{fetches[0]['id']}/file", headers=people.consult)
    assert refused.status_code == 403
    events = client.get(f"{V1}/admin/audit", params={"action": "licence.fetch"}, headers=people.admin).json()
    mine = [e for e in events if e["target"] == f"case:{case_id}"]
    assert mine and mine[0]["actor"] == "clerk1" and mine[0]["after"]["number"] == "L-0001"


def test_expired_licence_is_expired(client: TestClient, people: People) -> None:
    assert import_licence(client, people, valid_until="2025-12-31", status="expired").status_code == 201
    case_id = clerk_case_without_m2(client, people)
    result = run(client, case_id, people.clerk)
    assert findings(result) == [("M2", "EXPIRED")]
    assert "已通过电子证照库调取" in result["findings"][0]["message"]
    notice = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk)
    assert notice.status_code == 200 and "已通过电子证照库调取" in notice.text


def test_not_found_or_revoked_must_be_uploaded(client: TestClient, people: People) -> None:
    case_id = clerk_case_without_m2(client, people)
    result = run(client, case_id, people.clerk)
    assert findings(result) == [("M2", "MISSING")]
    notice = client.get(f"{V1}/cases/{case_id}/notice", params={"format": "html"}, headers=people.clerk)
    assert "电子证照库中未查到该证照，请上传" in notice.text
    assert import_licence(client, people, number="L-0002", status="revoked").status_code == 201
    again = clerk_case_without_m2(client, people)
    assert findings(run(client, again, people.clerk)) == [("M2", "MISSING")]
    fetches = client.get(f"{V1}/cases/{again}/licences", headers=people.clerk).json()
    assert [f["outcome"] for f in fetches] == ["not_valid"]


def test_self_check_never_looks_anything_up(client: TestClient, people: People) -> None:
    assert import_licence(client, people).status_code == 201
    case = new_case(client)
    me = {"X-Case-Token": case["token"]}
    for slot in DUE_BUT_M2:
        assert upload(client, case["id"], me, slot, f"{slot}.pdf").status_code == 201
    result = run(client, case["id"], me)
    assert findings(result) == [("M2", "MISSING")]
    assert client.get(f"{V1}/cases/{case['id']}/licences", headers=me).json() == []
    checklist = client.get(f"{V1}/items/JT-001/checklist").json()
    m2 = next(e for e in checklist["entries"] if e["material"] == "M2")
    assert m2["shared"] == "可由窗口通过电子证照库调取"


def test_import_refuses_bad_fields_and_files(client: TestClient, people: People) -> None:
    bad = import_licence(client, people, issued_on="not a date")
    assert bad.status_code == 422 and "issued_on" in bad.json()["message"]
    files = {"files": ("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}
    disguised = client.post(
        f"{V1}/licences", data={"licence_type": "营业执照"}, files=files, headers=people.admin
    )
    assert disguised.status_code == 415
    assert import_licence(client, people).status_code == 201
    assert client.post(f"{V1}/licences", headers=people.clerk).status_code == 403
    listed = client.get(f"{V1}/licences", headers=people.admin).json()
    assert [row["number"] for row in listed] == ["L-0001"]
