"""Material samples through the HTTP interface: the seeded samples are public; a department uploads and
annotates its draft's samples, which take effect when the draft is published; other departments and
published versions are refused; a 补正 notice links the samples with a short link and a QR code."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from api.models import Role
from tests.api.test_cases import new_case, run, upload
from tests.fixtures.api_app import ApiHarness, People, add_user, pdf_bytes, png_bytes

V1 = "/api/v1"


def draft(client: TestClient, people: People, item: str = "JT-001") -> dict[str, Any]:
    current = client.get(f"{V1}/rules/{item}/versions", headers=people.staff_jt).json()[0]
    full = client.get(f"{V1}/rules/{item}/versions/{current['id']}", headers=people.staff_jt).json()
    body = {"yaml_text": full["yaml_text"], "based_on": full["id"], "note": "样本"}
    r = client.post(f"{V1}/rules/{item}/versions", json=body, headers=people.staff_jt)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_seeded_samples_are_public(client: TestClient) -> None:
    rows = client.get(f"{V1}/samples/JT-001").json()
    assert [r["material"] for r in rows] == [f"M{i}" for i in range(1, 10)]
    m1 = rows[0]
    assert m1["material_name"] == "道路货物运输经营申请表" and m1["link"] == "/s/JT-001/M1"
    assert {n["code"] for n in m1["notes"]} >= {"NOT_SEALED", "NOT_SIGNED", "FIELD_EMPTY"}
    page = client.get(m1["pages"][0])
    assert page.status_code == 200 and page.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(page.content)).size == (620, 877)
    assert client.get(f"{V1}/samples/JT-001/M99").status_code == 404
    assert client.get("/s/JT-001/M1").status_code == 200  # the public page


def test_staff_upload_annotate_publish(client: TestClient, people: People) -> None:
    version = draft(client, people)
    base = f"{V1}/rules/JT-001/versions/{version['id']}/samples/M2"
    # the draft shows the samples in effect until it has its own
    inherited = client.get(
        f"{V1}/rules/JT-001/versions/{version['id']}/samples", headers=people.staff_jt
    ).json()
    assert len(inherited) == 9
    files = {"files": ("营业执照样本.pdf", pdf_bytes("营业执照（样本）"), "application/pdf")}
    up = client.put(base, files=files, headers=people.staff_jt)
    assert up.status_code == 200, up.text
    sample = up.json()
    assert len(sample["pages"]) == 1 and sample["name"] == "营业执照样本.pdf"
    page = client.get(sample["pages"][0], headers=people.staff_jt)
    assert page.status_code == 200 and page.content.startswith(b"\x89PNG")
    assert client.get(sample["pages"][0]).status_code == 404  # a draft's sample is not public yet
    notes = [
        {"page": 1, "box": [0.6, 0.7, 0.9, 0.9], "note": "此处加盖执照所载主体的公章", "code": "NOT_SEALED"},
        {"page": 1, "box": [0.1, 0.1, 0.5, 0.2], "note": "名称与申请人一致"},
    ]
    saved = client.put(f"{base}/notes", json={"notes": notes}, headers=people.staff_jt)
    assert saved.status_code == 200, saved.text
    assert [n["note"] for n in saved.json()["notes"]] == [n["note"] for n in notes]
    before = client.get(f"{V1}/samples/JT-001/M2").json()
    assert before["name"] == "M2.png"  # the public still sees the seed version's
    pub = client.post(f"{V1}/rules/JT-001/versions/{version['id']}/publish", json={}, headers=people.staff_jt)
    assert pub.status_code == 200, pub.text
    after = client.get(f"{V1}/samples/JT-001/M2").json()
    assert after["name"] == "营业执照样本.pdf" and after["version"] == version["label"]
    assert after["notes"][0]["code"] == "NOT_SEALED"
    assert client.get(after["pages"][0]).status_code == 200  # public now
    assert client.get(f"{V1}/samples/JT-001/M1").json()["name"] == "M1.png"  # the others carried over
    # a published version's samples do not change any more
    again = client.put(base, files=files, headers=people.staff_jt)
    assert again.status_code == 409 and "新建草稿" in again.json()["message"]


def test_other_department_and_bad_input_refused(client: TestClient, people: People) -> None:
    version = draft(client, people)
    base = f"{V1}/rules/JT-001/versions/{version['id']}/samples/M1"
    png = {"files": ("a.png", png_bytes(200, 280), "image/png")}
    assert client.put(base, files=png, headers=people.staff_hb).status_code == 403
    assert client.put(f"{base}/notes", json={"notes": []}, headers=people.staff_hb).status_code == 403
    assert client.put(base, files=png, headers=people.clerk).status_code == 403
    disguised = {"files": ("a.png", b"MZ\x90\x00 this is not an image" * 10, "image/png")}
    assert client.put(base, files=disguised, headers=people.staff_jt).status_code == 415
    assert client.put(base, files=png, headers=people.staff_jt).status_code == 200
    outside = {"notes": [{"page": 1, "box": [0.5, 0.5, 1.5, 0.6], "note": "x"}]}
    assert client.put(f"{base}/notes", json=outside, headers=people.staff_jt).status_code == 422
    foreign = {"notes": [{"page": 1, "box": [0.1, 0.1, 0.2, 0.2], "note": "x", "code": "STALE"}]}
    r = client.put(f"{base}/notes", json=foreign, headers=people.staff_jt)
    assert r.status_code == 422 and "不是 M1 的审查要点" in r.json()["message"]
    page2 = {"notes": [{"page": 2, "box": [0.1, 0.1, 0.2, 0.2], "note": "x"}]}
    assert client.put(f"{base}/notes", json=page2, headers=people.staff_jt).status_code == 422
    assert (
        client.put(
            f"{V1}/rules/JT-001/versions/{version['id']}/samples/M77", files=png, headers=people.staff_jt
        ).status_code
        == 404
    )


def test_correction_notice_links_samples_with_qr(client: TestClient, people: People) -> None:
    case = new_case(client, people.clerk)
    for slot in ["M1", "M2", "M3", "M8", "M9"]:  # M7 missing: not tolerable → 补正
        assert upload(client, case["id"], people.clerk, slot, f"{slot}.pdf").status_code == 201
    result = run(client, case["id"], people.clerk)
    assert result["verdict"] == "CORRECTION"
    html = client.get(f"{V1}/cases/{case['id']}/notice", params={"format": "html"}, headers=people.clerk).text
    assert "http://testserver/s/JT-001/M7" in html and "data:image/png;base64," in html
    pdf = client.get(f"{V1}/cases/{case['id']}/notice", headers=people.clerk)
    assert pdf.status_code == 200 and b"/Subtype /Image" in pdf.content


def test_bundle_samples_belong_to_its_lead_department(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    lead = add_user(harness.db, "staff_lead", Role.STAFF, "安和市行政审批服务局")
    current = client.get(f"{V1}/rules/YJS-001/versions", headers=lead).json()[0]
    full = client.get(f"{V1}/rules/YJS-001/versions/{current['id']}", headers=lead).json()
    body = {"yaml_text": full["yaml_text"], "based_on": full["id"]}
    version = client.post(f"{V1}/rules/YJS-001/versions", json=body, headers=lead).json()
    base = f"{V1}/rules/YJS-001/versions/{version['id']}/samples/M1"
    png = {"files": ("a.png", png_bytes(200, 280), "image/png")}
    assert client.put(base, files=png, headers=lead).status_code == 200
    refused = client.put(base, files=png, headers=people.staff_jt)  # a member department of the bundle
    assert refused.status_code == 403 and "安和市行政审批服务局" in refused.json()["message"]
