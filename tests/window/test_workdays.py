"""Working days as standards README §2.4 counts them, and what happens in a year without the schedule."""

from __future__ import annotations

from datetime import date

from window.workdays import WorkCalendar


def test_weekend_is_skipped() -> None:
    # the README's example: accepted on a Friday, N = 5, no holiday -> the next Friday
    assert WorkCalendar().add(date(2026, 3, 6), 5).day == date(2026, 3, 13)


def test_holidays_and_swapped_working_days() -> None:
    # 2026: 中秋 on Fri 25 September, 国庆 1-7 October, Saturday 10 October a working day
    counted = WorkCalendar().add(date(2026, 9, 24), 5)
    assert counted.day == date(2026, 10, 9) and not counted.provisional
    assert WorkCalendar().add(date(2026, 10, 8), 2).day == date(2026, 10, 10)


def test_same_day_items_are_due_on_the_day() -> None:
    assert WorkCalendar().add(date(2026, 3, 6), 0).day == date(2026, 3, 6)


def test_year_without_schedule_is_provisional_with_its_reason() -> None:
    counted = WorkCalendar().add(date(2026, 12, 24), 10)
    assert counted.provisional
    assert "2027 年" in counted.note and "尚未载入" in counted.note
    assert counted.day == date(2027, 1, 7)  # Monday to Friday, New Year's Day not known yet


def test_loaded_schedule_is_used_and_no_longer_provisional() -> None:
    loaded = {date(2027, 1, 1): False, date(2027, 1, 4): False}
    counted = WorkCalendar(loaded=loaded).add(date(2026, 12, 24), 10)
    assert not counted.provisional
    assert counted.day == date(2027, 1, 11)


def test_days_left_and_overdue() -> None:
    cal = WorkCalendar()
    assert cal.left(date(2026, 3, 9), date(2026, 3, 13)) == 4
    assert cal.left(date(2026, 3, 13), date(2026, 3, 13)) == 0
    assert cal.left(date(2026, 3, 16), date(2026, 3, 13)) == -1
    assert cal.between(date(2026, 3, 6), date(2026, 3, 10)) == 2  # Fri and Mon held
