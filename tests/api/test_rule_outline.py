"""The readable form of a rule version (GET /rules/{item}/versions/{id}/outline), through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.fixtures.api_app import CORPUS, People

V1 = "/api/v1"
JT_YAML = (CORPUS / "rules" / "JT-001.yaml").read_text(encoding="utf-8")


def _published(client: TestClient, people: People, item: str) -> int:
    versions = client.get(f"{V1}/rules/{item}/versions", headers=people.staff_jt).json()
    return int(next(v["id"] for v in versions if v["status"] == "published"))


def _outline(client: TestClient, people: People, item: str, vid: int) -> dict[str, Any]:
    r = client.get(f"{V1}/rules/{item}/versions/{vid}/outline", headers=people.staff_jt)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_outline_of_the_published_jt_rules(client: TestClient, people: People) -> None:
    out = _outline(client, people, "JT-001", _published(client, people, "JT-001"))
    assert out["code"] == "JT-001" and out["department"] == "安和市交通运输局" and out["bundle"] is False
    assert out["basic"]["承诺工作日"] == 5
    facts = {f["fact"]: f for f in out["required_facts"]}  # by their 栏目, the key kept for the hover
    assert facts["applicant_type"]["label"] == "申请人类型" and all(
        f["label"] != f["fact"] for f in facts.values()
    )
    c4 = next(c for c in out["conditions"] if c["id"] == "C4")
    assert c4["require"] == "住所所在区域为本市各区" and c4["refer_to"]  # in words, not the rule syntax
    materials = {m["id"]: m for m in out["materials"]}
    assert materials["M1"]["necessity"] == "required" and materials["M2"]["tolerance_days"] == 3
    assert (
        materials["M4"]["necessity"] == "conditional"
        and materials["M4"]["when"] == "是否委托代理人（经办人、指定代表）办理：是"
    )
    m3 = {c["code"]: c for c in materials["M3"]["checks"]}
    assert (
        m3["PAGES_MISSING"]["text"].startswith("人像面、国徽面")
        and m3["PAGES_MISSING"]["label"] == "缺面缺页"
    )
    assert m3["NAME_MISMATCH"]["text"] == "姓名 须与 法定代表人 一致"  # the fact by its 栏目
    m8 = {c["code"]: c for c in materials["M8"]["checks"]}
    assert "份数不少于 driver_count" in m8["PAGES_MISSING"]["text"]
    assert out["manual_checks"] and out["fact_labels"]["applicant_type"]


def test_outline_of_a_bundle_shows_the_copied_checks(client: TestClient, people: People) -> None:
    versions = client.get(f"{V1}/rules/YJS-001/versions", headers=people.clerk).json()
    vid = next(v["id"] for v in versions if v["status"] == "published")
    out = client.get(f"{V1}/rules/YJS-001/versions/{vid}/outline", headers=people.clerk).json()
    assert out["bundle"] is True
    copied = [m for m in out["materials"] if m["same_as"]]
    assert copied and all(m["checks"] for m in copied)


def test_outline_of_a_broken_draft_lists_the_problems(client: TestClient, people: People) -> None:
    broken = JT_YAML.replace("- EXPIRED: 有效期限", "- EXPIRED: 没有这个字段", 1)
    r = client.post(f"{V1}/rules/JT-001/versions", json={"yaml_text": broken}, headers=people.staff_jt)
    vid = r.json()["id"]
    r = client.get(f"{V1}/rules/JT-001/versions/{vid}/outline", headers=people.staff_jt)
    assert r.status_code == 422 and r.json()["error"] == "rule_file_invalid"
    assert any("checks" in p["where"] for p in r.json()["detail"])


def test_outline_needs_a_login(client: TestClient, people: People) -> None:
    vid = _published(client, people, "JT-001")
    assert client.get(f"{V1}/rules/JT-001/versions/{vid}/outline").status_code == 401
    assert client.get(f"{V1}/rules/JT-001/versions/{vid}/outline", headers=people.admin).status_code == 403
    assert (
        client.get(f"{V1}/rules/JT-001/versions/999999/outline", headers=people.staff_jt).status_code == 404
    )
