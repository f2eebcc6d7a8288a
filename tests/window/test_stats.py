"""The statistics on a seeded history of 10,000 cases, on SQLite and PostgreSQL: each figure agrees with
a count made in Python from the same rows, and filters by period and department."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date

import pytest
from sqlmodel import select

from core.db import Database, create_all, make_engine
from tests.fixtures.api_app import pg_schema_scope, pg_url
from tests.fixtures.hall_history import seed_history
from window import Case, CaseClock, ClerkDecision, stats

PERIOD = stats.Period(since=date(2026, 1, 1), until=date(2026, 6, 30), today=date(2026, 7, 1))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The history seeded once per database for the module: the figures only read it."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('stats') / 'stats.db'}"
        else:
            url = pg_url(stack.enter_context(pg_schema_scope("stats_test")))
        engine = make_engine(url)
        stack.callback(engine.dispose)
        create_all(engine)
        db = Database(engine)
        with db.scope() as session:
            counts = seed_history(session, cases=10_000, start=date(2026, 1, 1), days=181)
        assert counts["case"] == 10_000
        yield db


def table(db: Database, name: str, period: stats.Period = PERIOD) -> dict[str, list[object]]:
    with db.scope() as session:
        t = stats.figure(session, name=name, period=period)
    return {str(r[0]): r[1:] for r in t.rows}


def test_counts_by_item_department_channel(history: Database) -> None:
    with history.scope() as session:
        cases = session.exec(select(Case)).all()
    assert {k: v[0] for k, v in table(history, "by_item").items()} == Counter(c.item for c in cases)
    assert sum(v[0] for v in table(history, "by_channel").values()) == 10_000  # type: ignore[misc]
    assert {k: v[0] for k, v in table(history, "by_department").items()} == Counter(
        c.department for c in cases
    )
    days = table(history, "by_day")
    assert len(days) == 181 and sum(v[0] + v[1] for v in days.values()) == 10_000  # type: ignore[operator]
    weeks = table(history, "by_week")
    assert 26 <= len(weeks) <= 28 and sum(v[0] + v[1] for v in weeks.values()) == 10_000  # type: ignore[operator]
    assert all(date.fromisoformat(w).weekday() == 0 for w in weeks)  # named by their Mondays


def test_verdicts_first_pass_and_time(history: Database) -> None:
    with history.scope() as session:
        decisions = session.exec(select(ClerkDecision)).all()
    verdicts = {k: v[0] for k, v in table(history, "by_verdict").items()}
    labels = {"ACCEPT": "受理", "CORRECTION": "补正", "TOLERANCE": "容缺受理", "REJECT": "不予受理"}
    assert verdicts == {labels[k]: n for k, n in Counter(d.verdict for d in decisions).items()}
    passed = table(history, "first_pass")
    total = sum(int(v[0]) for v in passed.values())  # type: ignore[call-overload]
    assert total == len(decisions)
    assert sum(int(v[1]) for v in passed.values()) == sum(
        d.verdict in ("ACCEPT", "TOLERANCE") for d in decisions
    )  # type: ignore[call-overload]
    for n, avg, within15, within30, longest in table(history, "time_to_decision").values():
        assert 5 <= avg <= 90 and within15 <= within30 <= n and longest < 90  # type: ignore[operator]


def test_findings_trust_conversion_overdue(history: Database) -> None:
    findings = stats_rows(history, "findings")
    assert findings and findings[0][3] >= findings[-1][3]  # most frequent first
    trust = stats_rows(history, "trust")
    rates = [r[6] for r in trust]
    assert rates == sorted(rates, reverse=True) and any(r[7] for r in trust)  # worst first, with reasons
    assert sum(r[5] for r in trust) > 0  # overrides counted on their review points
    conversion = stats_rows(history, "conversion")
    assert all(r[2] <= r[1] for r in conversion)
    with history.scope() as session:
        clocks = session.exec(select(CaseClock)).all()
    overdue = {r[0]: r for r in stats_rows(history, "overdue")}
    for department, row in overdue.items():
        mine = [c for c in clocks if c.department == department]
        assert row[1] == len(mine)
        assert row[3] == sum(c.stage == "transferred" and c.due_on < date(2026, 7, 1) for c in mine)


def test_department_and_period_filter(history: Database) -> None:
    one = stats.Period(since=date(2026, 2, 1), until=date(2026, 2, 28), department="安和市水利局")
    assert set(table(history, "by_item", one)) == {"SL-001"}
    days = table(history, "by_day", one)
    assert min(days) == "2026-02-01" and max(days) == "2026-02-28"


def stats_rows(db: Database, name: str) -> list[list[object]]:
    with db.scope() as session:
        return stats.figure(session, name=name, period=PERIOD).rows
