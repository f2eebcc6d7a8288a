"""Dates as the standards count them (README §2): month arithmetic, working days, ages."""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def months_before(day: date, months: int) -> date:
    """民法典第二百零二条: the corresponding day N months back, or that month's last day if there is none."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def window_start(review: date, *, days: int = 0, months: int = 0, years: int = 0) -> date:
    """First day of the closed window [review − N, review] of README §2.3."""
    if days:
        return review - timedelta(days=days)
    return months_before(review, months + 12 * years)


@lru_cache(maxsize=4096)  # every case reviewed on one day has the same 容缺 deadline: counted once
def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (start itself not counted), by the State Council's calendar."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start
    left = n
    while left:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # Years the package does not cover yet: weekdays are working days, weekends are not.
        return day.weekday() < 5


def age_on(born: date, on: date) -> int:
    """周岁 on ``on`` (README §2.5); someone born on 29 February has the birthday on 1 March in common
    years."""
    if born.month == 2 and born.day == 29 and not _cal.isleap(on.year):
        birthday = date(on.year, 3, 1)
    else:
        birthday = date(on.year, born.month, born.day)
    return on.year - born.year - (0 if on >= birthday else 1)
