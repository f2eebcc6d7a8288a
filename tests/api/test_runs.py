"""A run whose stored upload is gone from disk fails, naming the file, with no verdict (the hall's
storage failed, not the applicant's material); the operator's log says what is missing; uploading the
file again lets the next run judge it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_cases import new_case
from tests.fixtures.api_app import ApiHarness, People, pdf_bytes

V1 = "/api/v1"


def test_a_missing_stored_file_fails_the_run_and_names_it(
    client: TestClient, harness: ApiHarness, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    case = new_case(client, people.clerk)
    scans = {slot: pdf_bytes(slot) for slot in ("M1", "M2")}
    for slot, data in scans.items():
        assert _upload(client, case["id"], people.clerk, slot, data).status_code == 201
    files = client.get(f"{V1}/cases/{case['id']}", headers=people.clerk).json()["files"]
    lost = next(f for f in files if f["name"] == "M2.pdf")
    path = harness.services.store.path(lost["sha256"])
    path.unlink()  # the storage lost it
    calls = harness.services.prereviewer.calls  # type: ignore[union-attr]
    with caplog.at_level(logging.ERROR, logger="yichuang.runs"):
        r = client.post(f"{V1}/cases/{case['id']}/runs", params={"wait": 5}, headers=people.clerk)
    run = r.json()
    assert run["status"] == "failed" and run["verdict"] is None and run["findings"] == []
    assert "「M2.pdf」" in run["error"] and "不是材料的问题" in run["error"] and "请重新上传" in run["error"]
    assert harness.services.prereviewer.calls == calls  # type: ignore[union-attr]  # never judged without it
    assert lost["sha256"] in caplog.text and str(path) in caplog.text
    events = client.get(
        f"{V1}/admin/audit",
        params={"target": f"case:{case['id']}", "action": "verdict"},
        headers=people.admin,
    ).json()
    assert events == []
    assert (
        _upload(client, case["id"], people.clerk, "M2", scans["M2"]).status_code == 201
    )  # the same file again
    again = client.post(f"{V1}/cases/{case['id']}/runs", params={"wait": 5}, headers=people.clerk).json()
    assert again["status"] == "done" and again["verdict"] and harness.services.store.exists(lost["sha256"])


def test_a_new_scan_replaces_a_lost_file_once_the_lost_one_is_withdrawn(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    case = new_case(client, people.clerk)
    assert _upload(client, case["id"], people.clerk, "M1", pdf_bytes("M1")).status_code == 201
    (lost,) = client.get(f"{V1}/cases/{case['id']}", headers=people.clerk).json()["files"]
    harness.services.store.path(lost["sha256"]).unlink()
    assert _upload(client, case["id"], people.clerk, "M1", pdf_bytes("M1 again")).status_code == 201
    run = client.post(f"{V1}/cases/{case['id']}/runs", params={"wait": 5}, headers=people.clerk).json()
    assert (
        run["status"] == "failed" and "「M1.pdf」" in run["error"]
    )  # the lost one is still part of the case
    assert (
        client.delete(f"{V1}/cases/{case['id']}/files/{lost['id']}", headers=people.clerk).status_code == 200
    )
    run = client.post(f"{V1}/cases/{case['id']}/runs", params={"wait": 5}, headers=people.clerk).json()
    assert run["status"] == "done" and run["verdict"]


def _upload(client: TestClient, case_id: str, headers: dict[str, str], slot: str, data: bytes) -> Any:
    return client.post(
        f"{V1}/cases/{case_id}/files",
        params={"slot": slot},
        headers=headers,
        files=[("files", (f"{slot}.pdf", data, "application/pdf"))],
    )


def test_runs_in_progress_per_address_are_capped_coarsely(
    client: TestClient, harness: ApiHarness, people: People
) -> None:
    """Only a coarse guard (kiosks share an address): runs without an account queued or running at once
    from one address; clerks are not counted."""
    from rules.models import utcnow
    from window import Run, RunStatus

    harness.services.settings.max_active_runs_per_address = 2
    cases = [new_case(client) for _ in range(3)]
    with harness.db.scope() as session:  # two self-checks from this address are still being read
        for case in cases[:2]:
            session.add(
                Run(
                    case_id=case["id"],
                    number=1,
                    review_date=utcnow().date(),
                    status=RunStatus.RUNNING.value,
                    client_address="testclient",
                )
            )
    r = client.post(f"{V1}/cases/{cases[2]['id']}/runs", headers={"X-Case-Token": cases[2]["token"]})
    assert (
        r.status_code == 429
        and r.json()["message"] == "本地址同时进行中的预审已有 2 个，请等其中一个完成后再提交"
    )
    mine = new_case(client, people.clerk)
    assert client.post(f"{V1}/cases/{mine['id']}/runs", headers=people.clerk).status_code == 202
    harness.services.settings.max_active_runs_per_address = 0  # off
    assert (
        client.post(
            f"{V1}/cases/{cases[2]['id']}/runs", headers={"X-Case-Token": cases[2]["token"]}
        ).status_code
        == 202
    )
