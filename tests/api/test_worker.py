"""Runs off the request path: the in-process thread pool, recovery after a restart, and the
procrastinate queue on PostgreSQL (a worker process that dies loses no case)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.services import Services
from core.db import Database, make_engine
from prereview.pipeline import PrereviewResult
from tests.api.test_cases import ALL_JT
from tests.fixtures.api_app import (
    JT_DECLARED,
    make_settings,
    pdf_bytes,
    pg_schema_scope,
    pg_url,
)
from tests.fixtures.fake_prereviewer import FakePrereviewer
from window import InlineDispatcher, Run, Runner, ThreadDispatcher, run_worker

V1 = "/api/v1"


class Parked:
    """A dispatcher that accepts runs and never executes them: the process 'dies' with them queued."""

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, run_id: int) -> None:
        self.submitted.append(run_id)

    def close(self) -> None:
        return None


def _submit_case(client: TestClient, *, slots: list[str], started: tuple[str, ...] = ("queued",)) -> str:
    case = client.post(
        f"{V1}/cases", json={"item": "JT-001", "declared": JT_DECLARED, "review_date": "2026-02-12"}
    ).json()
    me = {"X-Case-Token": case["token"]}
    for slot in slots:
        r = client.post(
            f"{V1}/cases/{case['id']}/files",
            params={"slot": slot},
            headers=me,
            files=[("files", (f"{slot}.pdf", pdf_bytes(slot), "application/pdf"))],
        )
        assert r.status_code == 201
    r = client.post(f"{V1}/cases/{case['id']}/runs", headers=me)
    assert r.status_code == 202 and r.json()["status"] in started
    return f"{case['id']}:{case['token']}"


def _threads(runner: Runner) -> ThreadDispatcher:
    return ThreadDispatcher(runner, threads=2)


class Broken(FakePrereviewer):
    """A pre-review engine that fails every run (a reader crashed, a model could not load)."""

    def run(self, **_: Any) -> PrereviewResult:
        self.calls += 1
        raise RuntimeError("the OCR worker died")


def test_thread_pool_and_restart_recovery(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'svc.db'}")
    parked = Parked()
    app = create_app(
        settings=settings, prereviewer=FakePrereviewer, dispatcher=lambda _: parked, knowledge_base=False
    )
    with TestClient(app) as first:
        cases = [_submit_case(first, slots=ALL_JT) for _ in range(3)]
        assert len(parked.submitted) == 3
    db = Database(make_engine(settings.effective_database_url))
    with db.scope() as session:  # the process was killed in the middle of the first run
        run = session.get(Run, parked.submitted[0])
        assert run is not None
        run.status = "running"
        session.add(run)
    app = create_app(
        settings=settings, prereviewer=FakePrereviewer, dispatcher=_threads, knowledge_base=False
    )
    with TestClient(app) as second:
        for ref in cases:
            case_id, token = ref.split(":")
            out = second.get(
                f"{V1}/cases/{case_id}/runs/1", params={"wait": 10}, headers={"X-Case-Token": token}
            ).json()
            assert out["status"] == "done" and out["verdict"] == "ACCEPT"
        # a new run is executed by the pool, and the request does not wait for it unless asked
        # (a free pool thread may pick the run up before the response is written)
        case_id, token = _submit_case(second, slots=["M1"], started=("queued", "running")).split(":")
        out = second.get(
            f"{V1}/cases/{case_id}/runs/1", params={"wait": 10}, headers={"X-Case-Token": token}
        ).json()
        assert out["status"] == "done" and out["verdict"] == "CORRECTION"


@pytest.fixture
def pg_service_url() -> Iterator[str]:
    with pg_schema_scope("api_queue") as schema:
        yield pg_url(schema)


@pytest.mark.postgres
def test_procrastinate_queue(tmp_path: Path, pg_service_url: str) -> None:
    settings = make_settings(tmp_path / "data", database_url=pg_service_url, queue="procrastinate")
    app = create_app(settings=settings, knowledge_base=False)
    with TestClient(app) as client:
        services: Services = app.state.services
        refs = [_submit_case(client, slots=ALL_JT) for _ in range(2)]
        with services.db.scope() as session:
            jobs = session.execute(
                text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
            ).scalar_one()
            assert jobs == 2
            # a worker died mid-run and its job is gone: the run must still be picked up
            session.execute(
                text("DELETE FROM procrastinate_jobs WHERE id = (SELECT min(id) FROM procrastinate_jobs)")
            )
        fake = FakePrereviewer(services.library)
        runner = Runner(db=services.db, store=services.store, prereviewer=fake)
        run_worker(runner, database_url=settings.effective_database_url, concurrency=1, wait=False)
        for ref in refs:
            case_id, token = ref.split(":")
            out = client.get(
                f"{V1}/cases/{case_id}/runs/1", params={"wait": 5}, headers={"X-Case-Token": token}
            ).json()
            assert out["status"] == "done" and out["verdict"] == "ACCEPT", out
        assert fake.calls == 2


def test_failed_run_and_waiting_on_a_queued_one(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'svc.db'}")
    parked = Parked()
    app = create_app(
        settings=settings, prereviewer=FakePrereviewer, dispatcher=lambda _: parked, knowledge_base=False
    )
    with TestClient(app) as client:
        case_id, token = _submit_case(client, slots=["M1"]).split(":")
        me = {"X-Case-Token": token}
        r = client.get(f"{V1}/cases/{case_id}/runs/1", params={"wait": 0.5}, headers=me)
        assert r.status_code == 200 and r.json()["status"] == "queued"
        again = client.post(f"{V1}/cases/{case_id}/runs", headers=me)
        assert again.status_code == 409  # one run at a time
    # the pre-review engine fails: the run fails with a message, the service stays up
    app = create_app(settings=settings, prereviewer=Broken, dispatcher=InlineDispatcher, knowledge_base=False)
    with TestClient(app) as c:
        out = c.get(f"{V1}/cases/{case_id}/runs/1", headers={"X-Case-Token": token}).json()
        assert out["status"] == "failed" and out["error"] == "预审执行失败，请稍后重新提交预审"
        assert (
            c.post(f"{V1}/cases/{case_id}/runs", params={"wait": 1}, headers={"X-Case-Token": token}).json()[
                "number"
            ]
            == 2
        )
