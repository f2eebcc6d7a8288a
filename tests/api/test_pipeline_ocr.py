"""The real pre-review pipeline (OCR worker processes) behind the API, on a public sample case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.fixtures.api_app import make_settings
from tests.fixtures.samples import public_case
from window import Runner, ThreadDispatcher

pytestmark = pytest.mark.ocr

V1 = "/api/v1"


@pytest.mark.parametrize("name", ["JT-P01"])
def test_public_case_through_the_api(tmp_path: Path, name: str) -> None:
    folder = public_case(name)
    spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    settings = make_settings(
        tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'ocr.db'}",
        max_file_bytes=30 * 1024 * 1024,
        max_case_bytes=200 * 1024 * 1024,
        max_pixels=60_000_000,
    )

    def one_thread(runner: Runner) -> ThreadDispatcher:  # the real Prereviewer: none is given
        return ThreadDispatcher(runner, threads=1)

    with TestClient(create_app(settings=settings, dispatcher=one_thread, knowledge_base=False)) as client:
        case = client.post(
            f"{V1}/cases",
            json={"item": spec["item"], "declared": spec["declared"], "review_date": spec["review_date"]},
        ).json()
        me = {"X-Case-Token": case["token"]}
        for f in spec["files"]:
            path = folder / f["path"]
            params = {"slot": f["slot"]} if f.get("slot") else {}
            r = client.post(
                f"{V1}/cases/{case['id']}/files",
                params=params,
                headers=me,
                files=[("files", (path.name, path.read_bytes(), "application/octet-stream"))],
            )
            assert r.status_code == 201, r.text
        r = client.post(f"{V1}/cases/{case['id']}/runs", params={"wait": 110}, headers=me)
        run = r.json()
        for _ in range(5):
            if run["status"] in ("done", "failed"):
                break
            run = client.get(f"{V1}/cases/{case['id']}/runs/1", params={"wait": 60}, headers=me).json()
        assert run["status"] == "done", run
        assert len(run["files"]) == len(spec["files"]) and all(not f.get("error") for f in run["files"])
        answer = client.get(f"{V1}/cases/{case['id']}/answer", headers=me).json()
        assert answer["verdict"] == expected["verdict"]
        pairs = {(f.get("material") or f.get("condition"), f["code"]) for f in answer["findings"]}
        assert pairs == {(f.get("material") or f.get("condition"), f["code"]) for f in expected["findings"]}
