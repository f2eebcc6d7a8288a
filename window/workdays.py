"""Working days as standards README §2.4 counts them, knowing where the State Council's schedule is
missing: chinese-calendar's data ends at its last published year; an administrator loads the next
year's schedule (``HolidayDay`` rows), and until then a date in such a year is counted with Monday to
Friday as working days and marked provisional — never guessed silently."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import chinese_calendar
from pydantic import BaseModel
from sqlmodel import Session, col, select

from window.models import HolidayDay

__all__ = ["HALL_ZONE", "Counted", "WorkCalendar", "calendar_of", "hall_today"]


class Counted(BaseModel):
    """A date counted in working days, and whether a year without the official schedule was crossed."""

    day: date
    provisional: bool = False
    note: str = ""  # why it is provisional, in the words the pages show


@dataclass(frozen=True)
class WorkCalendar:
    """chinese-calendar's data, overlaid by the days an administrator loaded (``loaded``: day → working)."""

    loaded: Mapping[date, bool] = field(default_factory=dict)

    @property
    def loaded_years(self) -> frozenset[int]:
        return frozenset(d.year for d in self.loaded)

    def known(self, year: int) -> bool:
        """Whether the official schedule of ``year`` is there (shipped or loaded)."""
        if year in self.loaded_years:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        if day in self.loaded:
            return self.loaded[day]
        if day.year in self.loaded_years:  # a loaded year lists its exceptions only
            return day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def add(self, start: date, n: int) -> Counted:
        """The n-th working day after ``start`` (``start`` not counted); n = 0 is ``start`` itself
        (当场办结)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, left = start, n
        while left:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return self._counted(day, self._years(start, day))

    def between(self, start: date, end: date) -> int:
        """Working days in [start, end): how long a pause that began on ``start`` and ended on ``end``
        held the clock."""
        count, day = 0, start
        while day < end:
            count += self.is_workday(day)
            day += timedelta(days=1)
        return count

    def left(self, today: date, due: date) -> int:
        """Working days from today to the due date: 0 on the due day, negative when overdue."""
        if today <= due:
            return self.between(today + timedelta(days=1), due + timedelta(days=1))
        return -self.between(due + timedelta(days=1), today + timedelta(days=1))

    def _years(self, start: date, end: date) -> Iterable[int]:
        return range(start.year, end.year + 1)

    def _counted(self, day: date, years: Iterable[int]) -> Counted:
        missing = [y for y in years if not self.known(y)]
        if not missing:
            return Counted(day=day)
        names = "、".join(f"{y} 年" for y in missing)
        return Counted(
            day=day,
            provisional=True,
            note=f"{names}的国务院节假日安排尚未载入，暂按周一至周五为工作日计算；管理员载入后自动重算",
        )


def calendar_of(session: Session) -> WorkCalendar:
    """The calendar with every day the administrators loaded."""
    rows = session.exec(select(col(HolidayDay.day), col(HolidayDay.workday))).all()
    return WorkCalendar(loaded={day: bool(work) for day, work in rows})


HALL_ZONE = timezone(timedelta(hours=8))  # China Standard Time: the hall's days


def hall_today() -> date:
    return datetime.now(HALL_ZONE).date()
