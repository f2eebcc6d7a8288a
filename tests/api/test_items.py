from __future__ import annotations

from fastapi.testclient import TestClient

from tests.fixtures.api_app import JT_DECLARED

V1 = "/api/v1"


def test_list_and_search_items(client: TestClient) -> None:
    r = client.get(f"{V1}/items")
    assert r.status_code == 200
    codes = [i["code"] for i in r.json()]
    assert codes == ["HB-001", "JT-001", "RS-001", "SC-001", "SL-001", "YJ-001", "YJS-001"]
    r = client.get(f"{V1}/items", params={"q": "交通运输"})
    assert [i["code"] for i in r.json()] == ["JT-001"]
    assert r.json()[0]["version"] == "v1" and len(r.json()[0]["rule_hash"]) == 16


def test_item_current_rules(client: TestClient) -> None:
    r = client.get(f"{V1}/items/JT-001")
    assert r.status_code == 200
    body = r.json()
    assert body["department"] == "安和市交通运输局"
    assert body["basic"]["承诺工作日"] == 5
    assert {m["id"] for m in body["materials"]} >= {"M1", "M2", "M3"}
    assert body["yaml_text"].startswith("#") or "code: JT-001" in body["yaml_text"]
    assert client.get(f"{V1}/items/XX-999").status_code == 404


def test_checklist_for_declared_facts(client: TestClient) -> None:
    r = client.get(f"{V1}/items/JT-001/checklist")
    assert r.status_code == 200
    assert {e["due"] for e in r.json()["entries"]} <= {"yes", "depends"}
    r = client.post(f"{V1}/items/JT-001/checklist", json={"declared": JT_DECLARED, "on": "2026-02-12"})
    assert r.status_code == 200
    entries = {e["material"]: e for e in r.json()["entries"]}
    assert entries["M1"]["due"] == "yes"
    assert (
        entries["M2"]["tolerance_days"] == 3
        or entries["M2"]["tolerance_days"] is None
        or entries["M2"]["due"]
    )
    assert any(e["due"] == "no" for e in entries.values())  # the agent's papers: by_agent is false
    assert r.json()["rule_hash"]


def test_checklist_names_facts_of_the_wrong_type(client: TestClient) -> None:
    r = client.post(
        f"{V1}/items/JT-001/checklist", json={"declared": {**JT_DECLARED, "driver_count": "many"}}
    )
    assert r.status_code == 200
    assert any("驾驶人员数量" in p for p in r.json()["problems"])


def test_questions_put_the_facts_deciding_materials_first(client: TestClient) -> None:
    r = client.get(f"{V1}/items/JT-001/questions")
    assert r.status_code == 200
    body = r.json()
    by_fact = {q["fact"]: q for q in body}
    assert by_fact["by_agent"]["decides"] == ["M4", "M5"] and by_fact["by_agent"]["type"] == "bool"
    assert by_fact["existing_vehicle_count"]["decides"] == ["M6"]
    assert by_fact["applicant_type"]["values"] == ["enterprise", "individual_business", "natural_person"]
    assert by_fact["cargo_includes_dangerous_goods"]["group"] == "conditions"
    assert by_fact["agent_name"]["ask_when"] == [[{"fact": "by_agent", "op": "==", "value": True}]]
    groups = [q["group"] for q in body]
    assert groups == sorted(groups, key=["materials", "conditions", "details"].index)
    assert client.get(f"{V1}/items/XX-999/questions").status_code == 404
