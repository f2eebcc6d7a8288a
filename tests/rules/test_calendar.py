from datetime import date

import pytest

from rules.calendar import add_working_days, age_on, months_before, window_start


def test_months_before_takes_month_end_when_no_corresponding_day() -> None:
    assert months_before(date(2025, 5, 31), 3) == date(2025, 2, 28)  # README §2.3 example
    assert months_before(date(2024, 5, 31), 3) == date(2024, 2, 29)


def test_window_start_in_days_months_years() -> None:
    review = date(2026, 3, 31)
    assert window_start(review, days=30) == date(2026, 3, 1)
    assert window_start(review, months=1) == date(2026, 2, 28)
    assert window_start(review, years=3) == date(2023, 3, 31)


def test_working_days_follow_the_official_calendar() -> None:
    assert add_working_days(date(2025, 6, 6), 5) == date(2025, 6, 13)  # Friday + 5 = next Friday (§2.4)
    # 2026 National Day: 1–7 October off, Saturday 10 October worked (国办发明电〔2025〕7号).
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_working_days_need_a_positive_count() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), 0)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1965, 6, 12), date(2026, 6, 11), 60),
        (date(1965, 6, 12), date(2026, 6, 12), 61),
        (date(1964, 2, 29), date(2025, 2, 28), 60),  # birthday is 1 March in common years
        (date(1964, 2, 29), date(2025, 3, 1), 61),
        (date(1964, 2, 29), date(2024, 2, 29), 60),
    ],
)
def test_age(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age
