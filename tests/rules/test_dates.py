from datetime import date

import pytest

from rules.dates import parse_date, parse_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年3月1日", date(2025, 3, 1)),
        ("2025.03.01", date(2025, 3, 1)),
        ("2025-03-01", date(2025, 3, 1)),
        ("2025/3/1", date(2025, 3, 1)),
        ("20250301", date(2025, 3, 1)),
        ("二〇二五年三月一日", date(2025, 3, 1)),
        ("二〇二五年十二月三十一日", date(2025, 12, 31)),
        ("检验有效期至2025年06月", date(2025, 6, 30)),  # month only: last day
        ("2025年", date(2025, 12, 31)),  # year only: 31 December
        ("二零二四年十二月三十一日", date(2024, 12, 31)),
        ("1995 年 1 月 21 日", date(1995, 1, 21)),  # ID card print
        ("2024年2月", date(2024, 2, 29)),
        ("2025.06", date(2025, 6, 30)),
        ("２０２５年３月１日", date(2025, 3, 1)),  # full-width digits
        ("2025.O3.0l", date(2025, 3, 1)),  # OCR look-alikes in a date's digits
        ("签署日期：2026年2月25日", date(2026, 2, 25)),
        ("2025年2月30日", None),
        ("2025-02-30", None),
        ("2016.08.1?", None),  # half-legible: not 1 August
        ("13812345678", None),
        ("", None),
        ("无", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "end", "open_ended"),
    [
        ("2016.08.15-2036.08.15", date(2036, 8, 15), False),
        ("2016年8月15日至2036年8月15日", date(2036, 8, 15), False),
        ("2020-01-01至2026-01-01", date(2026, 1, 1), False),
        ("2016.08.15-长期", None, True),
        ("长期", None, True),
        ("自2026年1月1日至本事项办结之日止", None, True),
        ("2019年05月06日至无固定期限", None, True),
        ("2016-08-15-2036-08-15", date(2036, 8, 15), False),
        ("2016.08.15 — 2036.08.15", date(2036, 8, 15), False),
        ("2013.11.19-长期有效", None, True),
        ("至2027年2月25日", date(2027, 2, 25), False),  # an end without a start
        ("2018-11-222028-11-22", date(2028, 11, 22), False),  # OCR lost the 至 between the dates
        ("2004年12月31日至2024年12月30日", date(2024, 12, 30), False),
    ],
)
def test_parse_period(text: str, end: date | None, open_ended: bool) -> None:
    period = parse_period(text)
    assert period is not None
    assert period[1] == end
    assert period[2] is open_ended


def test_unreadable_period() -> None:
    assert parse_period("2016.08.1?-20?6") is None
    assert parse_period("2018-11-2220289") is None  # glued, but the second part is no date


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2016年8月15日至2036年8月15日", date(2016, 8, 15)),
        ("自2026年2月26日起至本事项办结之日止", date(2026, 2, 26)),
        ("2021.04.20-长期", date(2021, 4, 20)),
        ("至2027年2月25日", None),
    ],
)
def test_period_start(text: str, start: date | None) -> None:
    period = parse_period(text)
    assert period is not None
    assert period[0] == start
