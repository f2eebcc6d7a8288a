"""Uncertain points (请核对) through the HTTP interface: shown apart from the findings in runs, answers and
cases; settled by the clerk one point at a time (confirm: the verdict is made again; dismiss), changeable
until the decision, stored and audited per review point; the decision refused while any is open and
measured against the settled suggestion; the 补正 notice listing the confirmed points; every other role
reading, masked, and none settling.

FakePrereviewer (tests/fixtures/api_app.py) makes the uncertain points from markers in file names.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from tests.api.test_cases import ALL_JT, new_case, run, upload
from tests.fixtures.api_app import JT_DECLARED, ApiHarness, People
from window import Run, Settlement

V1 = "/api/v1"
OTHERS = [s for s in ALL_JT if s not in ("M1", "M2")]


def _doubtful_case(client: TestClient, people: People, *, m1: str = "M1~unsigned~unsealed.pdf") -> str:
    """JT-001 with every material uploaded but M2; M1's signature and seal judged on faint marks and a
    pile page that may be M2: three uncertain points, no finding (the findings alone say 受理)."""
    case = new_case(client, people.clerk)
    for slot in OTHERS:
        assert upload(client, case["id"], people.clerk, slot, f"{slot}.pdf").status_code == 201
    assert upload(client, case["id"], people.clerk, "M1", m1).status_code == 201
    assert upload(client, case["id"], people.clerk, None, "扫描件~maybe-M2.pdf").status_code == 201
    return str(case["id"])


def _settle(
    client: TestClient, who: dict[str, str], case_id: str, point: str, action: str, **body: Any
) -> Any:
    return client.put(
        f"{V1}/cases/{case_id}/settlements/{point}", json={"action": action, **body}, headers=who
    )


def _audit(client: TestClient, people: People, case_id: str, action: str) -> list[dict[str, Any]]:
    events = client.get(
        f"{V1}/admin/audit", params={"target": f"case:{case_id}"}, headers=people.admin
    ).json()
    return [e for e in reversed(events) if e["action"] == action]


def test_uncertain_points_are_apart_from_findings(client: TestClient, people: People) -> None:
    case_id = _doubtful_case(client, people)
    result = run(client, case_id, people.clerk)
    assert result["verdict"] == "ACCEPT" and result["findings"] == []
    points = {(f["material"], f["code"]): f for f in result["uncertain"]}
    assert set(points) == {("M1", "NOT_SIGNED"), ("M1", "NOT_SEALED"), ("M2", "MISSING")}
    signed = points[("M1", "NOT_SIGNED")]
    assert "很淡" in signed["doubt"] and signed["message"].startswith("M1 道路货物运输经营申请表")
    assert signed["evidence"] == [
        {
            "file": "M1~unsigned~unsealed.pdf",
            "page": 0,
            "text": "负责人（签字）：邹军哲",
            "box": [72.0, 700.0, 260.0, 730.0],
        }
    ]
    answer = client.get(f"{V1}/cases/{case_id}/answer", headers=people.clerk).json()
    assert answer["verdict"] == "ACCEPT" and answer["findings"] == []
    contract = {(u["material"], u["code"]): u for u in answer["uncertain"]}
    assert set(contract) == set(points)
    assert "可能就是这份材料" in contract[("M2", "MISSING")]["reason"]
    assert contract[("M1", "NOT_SIGNED")]["evidence"][0]["text"] == "负责人（签字）：邹军哲"
    assert contract[("M1", "NOT_SIGNED")]["messages"] == [signed["message"]]
    case = client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()
    assert case["settlements"] == []
    assert case["suggestion"] == {
        "run": 1,
        "verdict": "ACCEPT",
        "verdict_label": "受理",
        "tolerance_deadline": None,
        "uncertain": 3,
        "open": 3,
        "settled": False,
        "confirmed": [],
        "dismissed": [],
    }
    audit = _audit(client, people, case_id, "verdict")[0]["after"]
    assert (
        sorted(audit["uncertain"]) == ["M1 NOT_SEALED", "M1 NOT_SIGNED", "M2 MISSING"]
        and audit["findings"] == []
    )


def test_clerk_settles_each_point_then_decides(client: TestClient, people: People) -> None:
    case_id = _doubtful_case(client, people)
    run(client, case_id, people.clerk)
    refused = client.post(f"{V1}/cases/{case_id}/decision", json={"verdict": "ACCEPT"}, headers=people.clerk)
    assert refused.status_code == 409 and "还有 3 个待核对" in refused.json()["message"]

    one = _settle(client, people.clerk, case_id, "M2/MISSING", "confirm", run=1)
    assert one.status_code == 200, one.text
    s = one.json()["suggestion"]
    assert (s["verdict"], s["tolerance_deadline"], s["open"], s["settled"]) == (
        "TOLERANCE",
        "2026-02-24",
        2,
        False,
    )
    assert s["confirmed"] == [{"material": "M2", "code": "MISSING"}]
    again = _settle(client, people.clerk, case_id, "M2/MISSING", "confirm", run=1)  # the same step twice
    assert again.json() == one.json()
    _settle(client, people.clerk, case_id, "M1/NOT_SIGNED", "dismiss", note="原件上有签字，当面核对")
    three = _settle(client, people.clerk, case_id, "M1/NOT_SEALED", "confirm").json()
    assert (three["suggestion"]["verdict"], three["suggestion"]["open"], three["suggestion"]["settled"]) == (
        "CORRECTION",
        0,
        True,
    )
    rows = {(r["material"], r["code"]): r for r in three["settlements"]}
    assert (
        rows[("M1", "NOT_SIGNED")]["action"] == "dismiss"
        and rows[("M1", "NOT_SIGNED")]["note"] == "原件上有签字，当面核对"
    )
    assert all(r["run"] == 1 and r["settled_by"] and r["settled_at"] for r in rows.values())
    changed = _settle(
        client, people.clerk, case_id, "M1/NOT_SEALED", "dismiss"
    ).json()  # changed before deciding
    assert changed["suggestion"]["verdict"] == "TOLERANCE" and len(changed["settlements"]) == 3
    assert client.get(f"{V1}/cases/{case_id}/settlements", headers=people.clerk).json() == changed

    # the suggestion an override is measured against is the settled one
    r = client.post(f"{V1}/cases/{case_id}/decision", json={"verdict": "ACCEPT"}, headers=people.clerk)
    assert r.status_code == 422
    decided = client.post(
        f"{V1}/cases/{case_id}/decision", json={"verdict": "TOLERANCE"}, headers=people.clerk
    )
    assert (
        decided.status_code == 201
        and decided.json()["suggested"] == "TOLERANCE"
        and not decided.json()["overridden"]
    )
    late = _settle(client, people.clerk, case_id, "M1/NOT_SEALED", "confirm")
    assert late.status_code == 409 and "收件决定" in late.json()["message"]

    settles = _audit(client, people, case_id, "settle")
    assert [(e["after"]["point"], e["after"]["action"], e["after"]["suggested"]) for e in settles] == [
        ("M2 MISSING", "confirm", "TOLERANCE"),
        ("M1 NOT_SIGNED", "dismiss", "TOLERANCE"),
        ("M1 NOT_SEALED", "confirm", "CORRECTION"),
        ("M1 NOT_SEALED", "dismiss", "TOLERANCE"),
    ]
    assert settles[0]["before"] is None and settles[-1]["before"] == {"action": "confirm", "note": ""}
    decision = _audit(client, people, case_id, "decision")[0]["after"]
    assert decision["suggested"] == "TOLERANCE" and decision["run_verdict"] == "ACCEPT"
    assert decision["confirmed"] == ["M2 MISSING"] and sorted(decision["dismissed"]) == [
        "M1 NOT_SEALED",
        "M1 NOT_SIGNED",
    ]


def test_correction_notice_lists_the_confirmed_points(client: TestClient, people: People) -> None:
    case = new_case(client, people.clerk)
    for slot in ALL_JT:
        name = {"M1": "M1~unsigned.pdf", "M9": "M9~unsealed.pdf"}.get(slot, f"{slot}.pdf")
        upload(client, case["id"], people.clerk, slot, name)
    assert run(client, case["id"], people.clerk)["verdict"] == "ACCEPT"

    def notice(kind: str) -> str:
        r = client.get(
            f"{V1}/cases/{case['id']}/notice", params={"format": "html", "kind": kind}, headers=people.clerk
        )
        assert r.status_code == 200
        return r.text

    assert "未签字" not in notice("CORRECTION")  # before settling: the findings alone (none)
    _settle(client, people.clerk, case["id"], "M1/NOT_SIGNED", "confirm")
    _settle(client, people.clerk, case["id"], "M9/NOT_SEALED", "dismiss")
    assert (
        client.post(
            f"{V1}/cases/{case['id']}/decision", json={"verdict": "CORRECTION"}, headers=people.clerk
        ).status_code
        == 201
    )
    text = client.get(f"{V1}/cases/{case['id']}/notice", params={"format": "html"}, headers=people.clerk).text
    assert "补正材料一次性告知书" in text and "M1 道路货物运输经营申请表" in text
    assert "未签字" in text and "请由相关人员签字后提交" in text
    assert "未盖章" not in text and "M9 安全生产管理制度文本" not in text  # the dismissed point is no defect


def test_a_new_run_starts_with_every_point_open(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    case_id = _doubtful_case(client, people, m1="M1~unsigned.pdf")
    run(client, case_id, people.clerk)
    _settle(client, people.clerk, case_id, "M2/MISSING", "dismiss")
    upload(client, case_id, people.clerk, "M2", "营业执照.pdf")  # the applicant brought the licence
    second = run(client, case_id, people.clerk)
    assert second["number"] == 2 and [(u["material"], u["code"]) for u in second["uncertain"]] == [
        ("M1", "NOT_SIGNED")
    ]
    case = client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()
    assert case["settlements"] == [] and case["suggestion"]["run"] == 2 and case["suggestion"]["open"] == 1
    stale = _settle(client, people.clerk, case_id, "M2/MISSING", "dismiss", run=1)
    assert stale.status_code == 409 and "第 2 次预审" in stale.json()["message"]
    gone = _settle(client, people.clerk, case_id, "M2/MISSING", "dismiss")
    assert gone.status_code == 404 and "没有待核对的问题" in gone.json()["message"]
    with harness.db.scope() as session:  # the first run's settlement is kept, for the statistics
        kept = session.exec(select(Settlement).where(Settlement.case_id == case_id)).all()
        assert [(r.subject, r.code, r.action) for r in kept] == [("M2", "MISSING", "dismiss")]


def test_who_reads_and_who_settles(client: TestClient, people: People) -> None:
    case_id = _doubtful_case(client, people)
    run(client, case_id, people.clerk)
    _settle(
        client,
        people.clerk,
        case_id,
        "M1/NOT_SIGNED",
        "dismiss",
        note="负责人邹军哲当面补签，电话13812345678",
    )
    for reader in (people.staff_jt, people.consult):
        seen = client.get(f"{V1}/cases/{case_id}/settlements", headers=reader).json()
        assert seen["settlements"][0]["note"] == "负责人邹*哲当面补签，电话138****5678"
        case = client.get(f"{V1}/cases/{case_id}", headers=reader).json()
        signed = next(u for u in case["runs"][0]["uncertain"] if u["code"] == "NOT_SIGNED")
        assert signed["evidence"][0]["text"] == "负责人（签字）：邹*哲"  # masked like the findings
        answer = client.get(f"{V1}/cases/{case_id}/answer", headers=reader).json()
        assert (
            "邹*哲"
            in next(u for u in answer["uncertain"] if u["code"] == "NOT_SIGNED")["evidence"][0]["text"]
        )
        assert case["suggestion"]["open"] == 2
        assert _settle(client, reader, case_id, "M1/NOT_SEALED", "confirm").status_code == 403
    clerk_view = client.get(f"{V1}/cases/{case_id}/settlements", headers=people.clerk).json()
    assert "邹军哲" in clerk_view["settlements"][0]["note"]
    assert client.get(f"{V1}/cases/{case_id}/settlements", headers=people.staff_hb).status_code == 403
    assert _settle(client, people.admin, case_id, "M1/NOT_SEALED", "confirm").status_code == 403
    assert _settle(client, {}, case_id, "M1/NOT_SEALED", "confirm").status_code == 401
    for bad in ("X1/NOT_SEALED", "M1/NO_SUCH_CODE"):
        assert _settle(client, people.clerk, case_id, bad, "confirm").status_code == 422
    assert _settle(client, people.clerk, case_id, "M1/NOT_SEALED", "maybe").status_code == 422
    assert _settle(client, people.clerk, case_id, "M3/EXPIRED", "confirm").status_code == 404


def test_applicant_reads_but_does_not_settle(client: TestClient, people: People) -> None:
    case = new_case(client)
    me = {"X-Case-Token": case["token"]}
    upload(client, case["id"], me, "M1", "申请表~unsigned.pdf")
    result = run(client, case["id"], me)
    assert [(u["material"], u["code"]) for u in result["uncertain"]] == [("M1", "NOT_SIGNED")]
    assert ("M1", "NOT_SIGNED") not in [(f.get("material"), f["code"]) for f in result["findings"]]
    assert client.get(f"{V1}/cases/{case['id']}/settlements", headers=me).json()["suggestion"]["open"] == 1
    assert _settle(client, me, case["id"], "M1/NOT_SIGNED", "dismiss").status_code == 401
    refused = _settle(client, people.clerk, case["id"], "M1/NOT_SIGNED", "dismiss")
    assert refused.status_code == 409 and "自助预检" in refused.json()["message"]


def test_a_run_without_uncertain_points_keeps_its_stored_verdict(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    """A run stored before the decision kept the 容缺 days (and the uncertain points) is not judged again."""

    case = new_case(client, people.clerk)
    for slot in OTHERS:
        upload(client, case["id"], people.clerk, slot, f"{slot}.pdf")
    upload(client, case["id"], people.clerk, "M1", "M1.pdf")
    assert run(client, case["id"], people.clerk)["verdict"] == "TOLERANCE"
    with harness.db.scope() as session:
        stored = session.exec(select(Run).where(Run.case_id == case["id"])).one()
        stored.decision = {
            k: v for k, v in (stored.decision or {}).items() if k not in ("tolerance", "uncertain")
        }
        session.add(stored)
    seen = client.get(f"{V1}/cases/{case['id']}", headers=people.clerk).json()["suggestion"]
    assert (seen["verdict"], seen["tolerance_deadline"], seen["settled"]) == ("TOLERANCE", "2026-02-24", True)
    r = client.post(f"{V1}/cases/{case['id']}/decision", json={"verdict": "TOLERANCE"}, headers=people.clerk)
    assert r.status_code == 201 and r.json()["overridden"] is False


def test_purged_self_check_keeps_no_reading_of_its_uncertain_points(
    client: TestClient, harness: ApiHarness
) -> None:
    from datetime import timedelta

    from api.startup import sweep
    from rules.models import utcnow
    from window import Case

    case = new_case(client, declared={**JT_DECLARED})
    me = {"X-Case-Token": case["token"]}
    upload(client, case["id"], me, "M1", "M1~unsigned.pdf")
    assert run(client, case["id"], me)["uncertain"][0]["evidence"]
    with harness.db.scope() as session:
        row = session.get(Case, case["id"])
        assert row is not None
        row.expires_at = utcnow() - timedelta(minutes=1)
        session.add(row)
    sweep(harness.services)
    (kept,) = client.get(f"{V1}/cases/{case['id']}", headers=me).json()["runs"]
    assert [(u["material"], u["code"]) for u in kept["uncertain"]] == [("M1", "NOT_SIGNED")]
    assert all(
        set(u) <= {"code", "material", "condition", "rule", "tolerable", "set_index"}
        for u in kept["uncertain"]
    )
