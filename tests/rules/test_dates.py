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
        ("2025-02-30", None),
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
    ],
)
def test_parse_period(text: str, end: date | None, open_ended: bool) -> None:
    period = parse_period(text)
    assert period is not None
    assert period[1] == end
    assert period[2] is open_ended


def test_unreadable_period() -> None:
    assert parse_period("2016.08.1?-20?6") is None
