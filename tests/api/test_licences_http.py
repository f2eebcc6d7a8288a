"""电子证照库调取 from an HTTP platform (tests/fixtures/licence_server.py): found through the contract; a
platform that is down or slow costs the case nothing — it is judged on its uploads, the material is asked
for with the reason, and the look-up is recorded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.config import Settings
from tests.api.test_cases import run
from tests.api.test_licences import clerk_case_without_m2, findings
from tests.fixtures.api_app import JT_DECLARED, People, make_settings
from tests.fixtures.licence_server import TOKEN, LicencePlatform
from tests.window.test_licences import ENTRY

V1 = "/api/v1"


@pytest.fixture
def api_settings(tmp_path: Path, kb_index_dir: Path, licence_platform: LicencePlatform) -> Settings:
    return make_settings(
        tmp_path / "data",
        kb_index_dir=kb_index_dir,
        licence_source="http",
        licence_url=licence_platform.url,
        licence_token=TOKEN,
        licence_timeout_s=0.5,
        licence_retries=1,
    )


def test_found_through_the_contract(
    client: TestClient, people: People, licence_platform: LicencePlatform
) -> None:
    licence_platform.add(
        {**ENTRY, "holder_code": JT_DECLARED["uscc"], "valid_until": "2040-01-01", "status": "valid"}
    )
    case_id = clerk_case_without_m2(client, people)
    result = run(client, case_id, people.clerk)
    assert result["verdict"] == "ACCEPT", result["findings"]
    assert licence_platform.requests[-1]["holder_code"] == JT_DECLARED["uscc"]


@pytest.mark.parametrize("mode", ["fail", "hang"])
def test_down_or_slow_platform_still_judges_the_case(
    client: TestClient, people: People, licence_platform: LicencePlatform, mode: str
) -> None:
    licence_platform.mode, licence_platform.hang_s = mode, 1.5
    case_id = clerk_case_without_m2(client, people)
    started = time.monotonic()
    result = run(client, case_id, people.clerk)
    assert time.monotonic() - started < 5.0  # 2 tries of 0.5 s, not the platform's 1.5 s each
    assert result["status"] == "done" and findings(result) == [("M2", "MISSING")]
    assert "电子证照库暂时无法调取，请上传" in result["findings"][0]["message"]
    fetches = client.get(f"{V1}/cases/{case_id}/licences", headers=people.clerk).json()
    assert [f["outcome"] for f in fetches] == ["unavailable"] and fetches[0]["reason"]
    files = client.get(f"{V1}/cases/{case_id}", headers=people.clerk).json()["files"]
    assert len(files) == 5  # nothing lost
