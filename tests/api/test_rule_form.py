"""The rule form through the API: read the common fields of a rule file, write the form's changes back
into the text (only the changed lines differ), validation in Chinese with line and column; other
departments' staff refused."""

from __future__ import annotations

import difflib

from fastapi.testclient import TestClient

from tests.fixtures.api_app import CORPUS, People

V1 = "/api/v1"
JT_YAML = (CORPUS / "rules" / "JT-001.yaml").read_text(encoding="utf-8")


def _changed(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_form_reads_and_writes_only_what_changed(client: TestClient, people: People) -> None:
    r = client.post(f"{V1}/rules/JT-001/form", json={"yaml_text": JT_YAML}, headers=people.staff_jt)
    assert r.status_code == 200, r.text
    form = r.json()["form"]
    assert r.json()["changed"] is False and form["basic"]["承诺工作日"] == 5
    m2 = next(m for m in form["materials"] if m["id"] == "M2")
    assert m2["tolerance_days"] == 3 and {c["code"] for c in form["catalogue"]} >= {"FIELD_EMPTY", "STALE"}
    fee = next(ln for ln in JT_YAML.splitlines() if ln.startswith("  收费:"))
    edits = [
        {"op": "set", "material": "M2", "key": "tolerance_days", "value": 5},
        {"op": "set", "key": "收费", "value": "不收费（工本费除外）"},
    ]
    out = client.post(
        f"{V1}/rules/JT-001/form", json={"yaml_text": JT_YAML, "edits": edits}, headers=people.staff_jt
    ).json()
    assert out["changed"] is True
    assert sorted(_changed(JT_YAML, out["yaml_text"])) == sorted(
        [f"-{fee}", "-    tolerance_days: 3", "+  收费: 不收费（工本费除外）", "+    tolerance_days: 5"]
    )
    assert next(m for m in out["form"]["materials"] if m["id"] == "M2")["tolerance_days"] == 5


def test_validation_names_the_material_with_line_and_column(client: TestClient, people: People) -> None:
    vid = client.get(f"{V1}/rules/JT-001/versions", headers=people.staff_jt).json()[0]["id"]
    text = JT_YAML.replace("    tolerance_days: 3\n", "    tolerance_days: 三天\n", 1)
    out = client.post(
        f"{V1}/rules/JT-001/versions/{vid}/validate", json={"yaml_text": text}, headers=people.staff_jt
    ).json()
    assert out["valid"] is False
    (problem,) = out["problems"]
    line = text.splitlines().index("    tolerance_days: 三天") + 1
    assert problem["line"] == line and problem["column"] == 21
    assert problem["message"].startswith("材料 M2《") and problem["message"].endswith("的 容缺天数 应为整数")
    broken = JT_YAML.replace("\nname:", "\n name:", 1)
    out = client.post(
        f"{V1}/rules/JT-001/versions/{vid}/validate", json={"yaml_text": broken}, headers=people.staff_jt
    ).json()
    (problem,) = out["problems"]
    assert problem["message"].startswith("YAML 格式错误：")
    assert problem["line"] == broken.count("\n", 0, broken.index(" name:")) + 1


def test_other_departments_cannot_use_the_form(client: TestClient, people: People) -> None:
    r = client.post(f"{V1}/rules/JT-001/form", json={"yaml_text": JT_YAML}, headers=people.staff_hb)
    assert r.status_code == 403
