"""Rules administration through the API: draft, validate, scenarios, diff, publish (effective-dated),
rollback — department staff for their own department only; every publish and rollback audited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_cases import ALL_JT, new_case, run, upload
from tests.fixtures.api_app import CORPUS, People

V1 = "/api/v1"
JT_YAML = (CORPUS / "rules" / "JT-001.yaml").read_text(encoding="utf-8")


def _draft(client: TestClient, people: People, text: str = JT_YAML, **extra: object) -> dict[str, object]:
    r = client.post(f"{V1}/rules/JT-001/versions", json={"yaml_text": text, **extra}, headers=people.staff_jt)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_draft_validate_diff_publish(client: TestClient, people: People) -> None:
    versions = client.get(f"{V1}/rules/JT-001/versions", headers=people.staff_jt).json()
    assert [(v["label"], v["status"]) for v in versions] == [("v1", "published")]
    changed = JT_YAML.replace("承诺工作日: 5", "承诺工作日: 3").replace(
        "承诺时限: 5 个工作日", "承诺时限: 3 个工作日"
    )
    draft = _draft(client, people, changed, note="承诺时限压缩为 3 个工作日")
    assert draft["status"] == "draft" and draft["label"] == "v2"
    vid = draft["id"]
    valid = client.post(f"{V1}/rules/JT-001/versions/{vid}/validate", headers=people.staff_jt).json()
    assert valid["valid"] is True and valid["rule_hash"]
    diff = client.get(f"{V1}/rules/JT-001/versions/{vid}/diff", headers=people.staff_jt).text
    assert "-  承诺工作日: 5" in diff and "+  承诺工作日: 3" in diff and diff.startswith("---")
    scen = client.post(f"{V1}/rules/JT-001/versions/{vid}/scenarios", headers=people.staff_jt).json()
    assert scen["failed"] == 0 and scen["passed"] > 5
    r = client.post(f"{V1}/rules/JT-001/versions/{vid}/publish", json={}, headers=people.staff_jt)
    assert r.status_code == 200 and r.json()["status"] == "published"
    item = client.get(f"{V1}/items/JT-001").json()
    assert (
        item["basic"]["承诺工作日"] == 3
        and item["version"] == "v2"
        and item["rule_hash"] == valid["rule_hash"]
    )
    # a published version is frozen
    assert (
        client.patch(
            f"{V1}/rules/JT-001/versions/{vid}", json={"note": "x"}, headers=people.staff_jt
        ).status_code
        == 409
    )
    events = client.get(f"{V1}/admin/audit", params={"action": "rule.publish"}, headers=people.admin).json()
    assert events[0]["target"] == "rule:JT-001" and events[0]["actor"] == "staff_jt"
    assert events[0]["before"]["version"] == "v1" and events[0]["after"]["version"] == "v2"


def test_invalid_draft_cannot_be_published(client: TestClient, people: People) -> None:
    broken = JT_YAML.replace("- EXPIRED: 有效期限", "- EXPIRED: 没有这个字段", 1)
    vid = _draft(client, people, broken)["id"]
    out = client.post(f"{V1}/rules/JT-001/versions/{vid}/validate", headers=people.staff_jt).json()
    assert out["valid"] is False and out["problems"]
    r = client.post(f"{V1}/rules/JT-001/versions/{vid}/publish", json={}, headers=people.staff_jt)
    assert r.status_code == 422 and r.json()["error"] == "rule_file_invalid"
    bad_yaml = _draft(client, people, "code: JT-001\nname: [unclosed\n")["id"]
    out = client.post(f"{V1}/rules/JT-001/versions/{bad_yaml}/validate", headers=people.staff_jt).json()
    assert out["valid"] is False and "YAML" in out["problems"][0]["problem"]


def test_failing_scenario_blocks_publishing(client: TestClient, people: People) -> None:
    # M2 no longer 容缺: the scenario "缺营业执照可容缺" now gets CORRECTION
    changed = JT_YAML.replace("    tolerance_days: 3\n", "", 1)
    assert changed != JT_YAML
    vid = _draft(client, people, changed)["id"]
    scen = client.post(f"{V1}/rules/JT-001/versions/{vid}/scenarios", headers=people.staff_jt).json()
    assert scen.get("failed", 0) >= 1, scen
    r = client.post(f"{V1}/rules/JT-001/versions/{vid}/publish", json={}, headers=people.staff_jt)
    assert r.status_code == 409 and r.json()["error"] == "scenario_failed" and r.json()["detail"]
    assert client.get(f"{V1}/items/JT-001").json()["version"] == "v1"


def test_effective_dated_publish_and_rollback(client: TestClient, people: People) -> None:
    changed = JT_YAML.replace("承诺工作日: 5", "承诺工作日: 4")
    vid = _draft(client, people, changed)["id"]
    r = client.post(
        f"{V1}/rules/JT-001/versions/{vid}/publish",
        json={"effective_from": "2099-01-01"},
        headers=people.staff_jt,
    )
    assert r.status_code == 200 and r.json()["effective_from"] == "2099-01-01"
    assert client.get(f"{V1}/items/JT-001").json()["basic"]["承诺工作日"] == 5
    assert client.get(f"{V1}/items/JT-001", params={"on": "2099-01-02"}).json()["basic"]["承诺工作日"] == 4
    # cases are judged by the version in effect on their review date
    case = new_case(client, people.clerk, review_date="2099-01-05")
    for slot in ALL_JT:
        upload(client, case["id"], people.clerk, slot, f"{slot}.pdf")
    future = run(client, case["id"], people.clerk)
    assert (
        future["rule_hash"]
        == client.get(f"{V1}/items/JT-001", params={"on": "2099-01-02"}).json()["rule_hash"]
    )
    # roll back to v1: a new version with v1's text, in effect from today; the future one is retired
    v1 = next(
        v
        for v in client.get(f"{V1}/rules/JT-001/versions", headers=people.staff_jt).json()
        if v["label"] == "v1"
    )
    r = client.post(f"{V1}/rules/JT-001/rollback", json={"to_version": v1["id"]}, headers=people.staff_jt)
    assert r.status_code == 200
    back = r.json()
    assert (
        back["rule_hash"] == v1["rule_hash"]
        and back["status"] == "published"
        and back["based_on"] == v1["id"]
    )
    statuses = {
        v["label"]: v["status"]
        for v in client.get(f"{V1}/rules/JT-001/versions", headers=people.staff_jt).json()
    }
    assert statuses["v2"] == "retired"
    assert (
        client.get(f"{V1}/items/JT-001", params={"on": "2099-01-02"}).json()["rule_hash"] == v1["rule_hash"]
    )
    events = client.get(f"{V1}/admin/audit", params={"action": "rule.rollback"}, headers=people.admin).json()
    assert events[0]["after"]["to_version"] == v1["id"]


def test_department_boundaries(client: TestClient, people: People) -> None:
    # staff of the environment bureau cannot draft, publish or roll back transport rules
    r = client.post(f"{V1}/rules/JT-001/versions", json={"yaml_text": JT_YAML}, headers=people.staff_hb)
    assert r.status_code == 403 and r.json()["error"] == "not_your_department"
    vid = _draft(client, people)["id"]
    for path in (
        f"versions/{vid}/publish",
        f"versions/{vid}/validate",
        f"versions/{vid}/scenarios",
        "rollback",
    ):
        body = {"to_version": vid} if path == "rollback" else {}
        assert (
            client.post(f"{V1}/rules/JT-001/{path}", json=body, headers=people.staff_hb).status_code == 403
        ), path
    assert (
        client.patch(
            f"{V1}/rules/JT-001/versions/{vid}", json={"note": "x"}, headers=people.staff_hb
        ).status_code
        == 403
    )
    # nor move an item to their department by editing the file
    hijack = JT_YAML.replace("department: 安和市交通运输局", "department: 安和市生态环境局")
    assert (
        client.post(
            f"{V1}/rules/JT-001/versions", json={"yaml_text": hijack}, headers=people.staff_jt
        ).status_code
        == 403
    )
    # other roles: read only, or nothing
    assert client.get(f"{V1}/rules/JT-001/versions", headers=people.clerk).status_code == 200
    assert (
        client.post(
            f"{V1}/rules/JT-001/versions", json={"yaml_text": JT_YAML}, headers=people.clerk
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{V1}/rules/JT-001/versions", json={"yaml_text": JT_YAML}, headers=people.admin
        ).status_code
        == 403
    )
    assert client.get(f"{V1}/rules/JT-001/versions", headers=people.admin).status_code == 403
    assert client.get(f"{V1}/rules/JT-001/versions").status_code == 401
    # a draft for another item code than the URL's
    r = client.post(f"{V1}/rules/HB-001/versions", json={"yaml_text": JT_YAML}, headers=people.staff_hb)
    assert r.status_code == 422


def test_checking_the_editor_text_saves_nothing(client: TestClient, people: People) -> None:
    v1 = client.get(f"{V1}/rules/JT-001/versions", headers=people.staff_jt).json()[0]
    broken = JT_YAML.replace("- EXPIRED: 有效期限", "- EXPIRED: 没有这个字段", 1)
    out = client.post(
        f"{V1}/rules/JT-001/versions/{v1['id']}/validate", json={"yaml_text": broken}, headers=people.staff_jt
    ).json()
    assert out["valid"] is False and out["problems"]
    changed = JT_YAML.replace("    tolerance_days: 3\n", "", 1)
    scen = client.post(
        f"{V1}/rules/JT-001/versions/{v1['id']}/scenarios",
        json={"yaml_text": changed},
        headers=people.staff_jt,
    ).json()
    failed = [o for o in scen["outcomes"] if not o["passed"]]
    assert failed and any("预期 容缺受理 → 现在 补正" in p for o in failed for p in o["problems"]), failed
    versions = client.get(f"{V1}/rules/JT-001/versions", headers=people.staff_jt).json()
    assert [(v["label"], v["status"]) for v in versions] == [("v1", "published")]
    assert (
        client.get(f"{V1}/rules/JT-001/versions/{v1['id']}", headers=people.staff_jt).json()["yaml_text"]
        == JT_YAML
    )


def test_impact_preview_lists_the_cases_a_draft_changes(client: TestClient, people: People) -> None:
    # Two clerk cases judged by the rules in effect: one complete, one without M2 (容缺 3 working days).
    ids = []
    for missing in ("", "M2"):
        case = new_case(client, people.clerk)
        for slot in ALL_JT:
            if slot != missing:
                assert upload(client, case["id"], people.clerk, slot, f"{slot}.pdf").status_code == 201
        assert run(client, case["id"], people.clerk)["status"] == "done"
        ids.append(case["id"])
    longer = JT_YAML.replace("    tolerance_days: 3\n", "    tolerance_days: 5\n", 1)
    vid = _draft(client, people, longer)["id"]
    out = client.post(f"{V1}/rules/JT-001/versions/{vid}/impact", headers=people.staff_jt).json()
    assert out["replayed"] == 2 and out["changed"] == 1 and out["deadlines_moved"] == 1, out
    (change,) = out["cases"]
    assert change["case_id"] == ids[1] and change["verdict_before"] == change["verdict_after"] == "TOLERANCE"
    assert change["deadline_before"] < change["deadline_after"]
    # The editor's unsaved text is previewed the same way: dropping the 容缺 flips the verdict.
    stricter = JT_YAML.replace("    tolerance_days: 3\n", "", 1)
    out = client.post(
        f"{V1}/rules/JT-001/versions/{vid}/impact", json={"yaml_text": stricter}, headers=people.staff_jt
    ).json()
    assert out["verdicts_flipped"] == 1 and out["flips"] == {"容缺受理 → 补正": 1}, out
    assert client.post(f"{V1}/rules/JT-001/versions/{vid}/impact", headers=people.clerk).status_code == 403


def test_a_scenario_accepts_the_new_result_with_who_and_why(client: TestClient, people: People) -> None:
    changed = JT_YAML.replace("    tolerance_days: 3\n", "    tolerance_days: 5\n", 1)
    vid = _draft(client, people, changed)["id"]
    scen = client.post(f"{V1}/rules/JT-001/versions/{vid}/scenarios", headers=people.staff_jt).json()
    failed = [o for o in scen["outcomes"] if not o["passed"]]
    assert failed and all("补交期限：预期" in " ".join(o["problems"]) for o in failed), failed
    r = client.post(f"{V1}/rules/JT-001/versions/{vid}/publish", json={}, headers=people.staff_jt)
    assert r.status_code == 409
    for outcome in failed:
        body = {"name": outcome["name"], "reason": "营业执照容缺期限改为 5 个工作日"}
        r = client.post(
            f"{V1}/rules/JT-001/versions/{vid}/scenarios/accept", json=body, headers=people.staff_jt
        )
        assert r.status_code == 200, r.text
    text = r.json()["scenarios_yaml"]
    assert (
        text.count("# 已接受新结果（staff_jt，") == len(failed) and "营业执照容缺期限改为 5 个工作日" in text
    )
    scen = client.post(f"{V1}/rules/JT-001/versions/{vid}/scenarios", headers=people.staff_jt).json()
    assert scen["failed"] == 0
    events = client.get(
        f"{V1}/admin/audit", params={"action": "rule.scenario_accept"}, headers=people.admin
    ).json()
    assert len(events) == len(failed) and events[0]["actor"] == "staff_jt"
    assert events[0]["after"]["reason"] == "营业执照容缺期限改为 5 个工作日"
    no_reason = {"name": failed[0]["name"], "reason": ""}
    r = client.post(
        f"{V1}/rules/JT-001/versions/{vid}/scenarios/accept", json=no_reason, headers=people.staff_jt
    )
    assert r.status_code == 422
    r = client.post(f"{V1}/rules/JT-001/versions/{vid}/publish", json={}, headers=people.staff_jt)
    assert r.status_code == 200 and r.json()["status"] == "published"
