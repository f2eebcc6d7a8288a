"""window.licences: the HTTP source against a local platform (found, not found, down, slow, refused,
garbage; retries and the circuit breaker), and the circuit breaker alone."""

from __future__ import annotations

import time

from tests.fixtures.licence_server import TOKEN, LicencePlatform
from window.licences import CircuitBreaker, HttpSource, LicenceStatus, LookupOutcome

ENTRY = {
    "licence_type": "营业执照",
    "number": "L-9",
    "holder": "安和市宏远货运有限公司",
    "holder_code": "9136110129PE803C31",
    "issuer": "安和市市场监督管理局",
    "issued_on": "2020-05-01",
    "valid_from": "2020-05-01",
    "valid_until": "2025-04-30",
    "status": "expired",
}


def source(platform: LicencePlatform, **over: object) -> HttpSource:
    values: dict[str, object] = {"base_url": platform.url, "token": TOKEN, "timeout_s": 0.5, "retries": 1}
    values.update(over)
    return HttpSource(**values)  # type: ignore[arg-type]


def ask(src: HttpSource, code: str = ENTRY["holder_code"]):  # type: ignore[no-untyped-def]
    return src.lookup(licence_type="营业执照", holder_code=code, case_ref="case-1", requested_by="clerk1")


def test_found_with_catalogue_and_file(licence_platform: LicencePlatform) -> None:
    licence_platform.add(ENTRY, content=b"%PDF-1.4 the licence")
    found = ask(source(licence_platform))
    assert found.outcome is LookupOutcome.FOUND and found.file is not None and found.entry is not None
    assert found.file.content == b"%PDF-1.4 the licence"
    assert found.entry.status is LicenceStatus.EXPIRED and found.entry.number == "L-9"
    assert found.entry.catalogue()["有效期"] == "2020年05月01日至2025年04月30日"
    sent = licence_platform.requests[-1]
    assert (
        sent["auth"] == f"Bearer {TOKEN}"
        and sent["case_ref"] == "case-1"
        and sent["requested_by"] == "clerk1"
    )


def test_not_found(licence_platform: LicencePlatform) -> None:
    assert ask(source(licence_platform), "91XXXXXXXXXXXXXXXX").outcome is LookupOutcome.NOT_FOUND


def test_down_is_retried_then_unavailable(licence_platform: LicencePlatform) -> None:
    licence_platform.mode = "fail"
    answer = ask(source(licence_platform, retries=2))
    assert answer.outcome is LookupOutcome.UNAVAILABLE and "500" in answer.reason
    assert len(licence_platform.requests) == 3


def test_slow_source_times_out(licence_platform: LicencePlatform) -> None:
    licence_platform.mode, licence_platform.hang_s = "hang", 2.0
    started = time.monotonic()
    answer = ask(source(licence_platform, timeout_s=0.3, retries=0))
    assert answer.outcome is LookupOutcome.UNAVAILABLE and "无响应" in answer.reason
    assert time.monotonic() - started < 1.5


def test_refused_token_is_not_retried(licence_platform: LicencePlatform) -> None:
    answer = ask(source(licence_platform, token="wrong", retries=3))
    assert answer.outcome is LookupOutcome.UNAVAILABLE and "401" in answer.reason
    assert len(licence_platform.requests) == 1


def test_garbage_answer_is_unavailable(licence_platform: LicencePlatform) -> None:
    licence_platform.mode = "garbage"
    assert ask(source(licence_platform, retries=0)).outcome is LookupOutcome.UNAVAILABLE


def test_answer_for_another_holder_is_not_believed(licence_platform: LicencePlatform) -> None:
    licence_platform.add(ENTRY)
    licence_platform.licences[("营业执照", "91OTHER")] = licence_platform.licences[
        ("营业执照", ENTRY["holder_code"])
    ]
    assert ask(source(licence_platform, retries=0), "91OTHER").outcome is LookupOutcome.UNAVAILABLE


def test_circuit_opens_after_failures_and_closes_after_a_good_trial(
    licence_platform: LicencePlatform,
) -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=2, reset_s=30.0, clock=lambda: now[0])
    src = source(licence_platform, retries=0, breaker=breaker)
    licence_platform.mode = "fail"
    ask(src)
    ask(src)
    assert breaker.open
    seen = len(licence_platform.requests)
    short = ask(src)
    assert short.outcome is LookupOutcome.UNAVAILABLE and "熔断" in short.reason
    assert len(licence_platform.requests) == seen  # not even asked
    licence_platform.mode = "ok"
    licence_platform.add(ENTRY)
    now[0] = 31.0
    assert ask(src).outcome is LookupOutcome.FOUND and not breaker.open


def test_dead_address_is_unavailable() -> None:
    src = HttpSource(base_url="http://127.0.0.1:9", timeout_s=0.3, retries=0)
    assert ask(src).outcome is LookupOutcome.UNAVAILABLE
