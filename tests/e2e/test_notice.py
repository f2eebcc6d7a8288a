"""The printed notice as people read it: an applicant's 补正告知书 on a phone (390×844: no sideways
scrolling, the defect table as one card per defect, readable type) and the clerk's official notice on a
desktop (numbered, with the receipt, clerk and phone lines, the case's number and no internal ids)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Accounts, Live
from tests.fixtures.samples import public_case

V1 = "/api/v1"


def _case_with_one_file(live: Live, headers: dict[str, str]) -> dict[str, Any]:
    """A JT-001 case (the sample's declared facts) with only its application form: a 补正 case."""
    sample = public_case("JT-P01")
    declared = json.loads((sample / "case.json").read_text(encoding="utf-8"))["declared"]
    with live.http() as http:
        r = http.post(f"{V1}/cases", json={"item": "JT-001", "declared": declared}, headers=headers)
        assert r.status_code == 201, r.text
        case = dict(r.json())
        key = {"X-Case-Token": case["token"]} if case.get("token") else headers
        pdf = (sample / "files" / "file_01.pdf").read_bytes()
        files = {"files": ("申请表.pdf", pdf, "application/pdf")}
        assert http.post(
            f"{V1}/cases/{case['id']}/files", params={"slot": "M1"}, files=files, headers=key
        ).is_success
        r = http.post(f"{V1}/cases/{case['id']}/runs", params={"wait": 60}, headers=key, timeout=90)
        assert r.status_code == 202 and r.json()["status"] == "done", r.text
    return case


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the notice is {width}px wide"


def test_applicants_notice_on_a_phone(
    page_for: Callable[..., Any], live: Live, shots: Callable[..., Path]
) -> None:
    case = _case_with_one_file(live, {})
    page = page_for(390, 844, is_mobile=True, has_touch=True)
    page.set_extra_http_headers({"X-Case-Token": case["token"]})
    page.goto(f"{V1}/cases/{case['id']}/notice?format=html")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "补正材料一次性告知书"
    _no_sideways_scroll(page)
    # one card per defect, its column names beside each value (the table's header is for screen readers)
    rows = page.locator("tbody tr")
    assert rows.count() >= 3
    first = rows.first.bounding_box()
    assert first is not None and first["width"] <= 390
    assert page.evaluate("getComputedStyle(document.querySelector('td')).display") == "block"
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 15
    text = page.inner_text("main")
    assert "不作为正式文书" in text and case["number"] in text and case["id"] not in text
    assert not re.search(r"materials\[|checks\[|required_facts|[a-z]+_[a-z]+", text)
    shots("phone-top", full_page=False)
    shots("phone-full")


def test_clerks_official_notice_on_a_desktop(
    page_for: Callable[..., Any], live: Live, accounts: Accounts, shots: Callable[..., Path]
) -> None:
    clerk = accounts.headers("clerk1")
    case = _case_with_one_file(live, clerk)
    with live.http() as http:
        r = http.post(f"{V1}/cases/{case['id']}/decision", json={"verdict": "CORRECTION"}, headers=clerk)
        assert r.status_code in (200, 201), r.text
    page = page_for(1440, 900)
    page.set_extra_http_headers(clerk)
    page.goto(f"{V1}/cases/{case['id']}/notice?format=html")
    page.wait_for_selector("h1")
    _no_sideways_scroll(page)
    assert page.evaluate("getComputedStyle(document.querySelector('td')).display") == "table-cell"
    number = page.inner_text(".number")
    assert re.fullmatch(r"安和综窗〔\d{4}〕补字第\d{6}号", number), number
    text = page.inner_text("main")
    for line in ("申请人（签收）", "经办人", "联系电话", f"案件编号：{case['number']}"):
        assert line in text, line
    assert "不作为正式文书" not in text and case["id"] not in text
    shots("desktop")
    page.reload()
    assert page.inner_text(".number") == number  # printed again: the same number
