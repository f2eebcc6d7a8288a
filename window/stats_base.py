"""What every statistics figure shares: the period it counts (whole local days of the hall, on the
case's arrival, optionally one department's items), the ``Table`` it returns, and the filter and fetch
that apply the period to a statement."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col

from window.models import Case
from window.workdays import HALL_ZONE


class Period(BaseModel):
    since: date
    until: date
    department: str | None = None
    today: date | None = None  # for the overdue figure; the day of the request by default

    def bounds(self) -> tuple[datetime, datetime]:
        start = datetime.combine(self.since, time(), HALL_ZONE).astimezone(UTC)
        end = datetime.combine(self.until + timedelta(days=1), time(), HALL_ZONE).astimezone(UTC)
        return start, end


class Table(BaseModel):
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


def in_period(stmt: Any, period: Period) -> Any:
    start, end = period.bounds()
    stmt = stmt.where(col(Case.created_at) >= start, col(Case.created_at) < end)
    if period.department is not None:
        stmt = stmt.where(col(Case.department) == period.department)
    return stmt


def fetch_rows(session: Session, stmt: Any) -> list[list[Any]]:
    return [list(r) for r in session.execute(stmt).all()]
