"""The hall statistics' speed: each figure on a seeded history, on SQLite and PostgreSQL (target < 1 s).

    .venv/bin/python bench/stats.py [--cases 10000] [--days 365]

The history (tests/fixtures/hall_history.py) is inserted into a fresh database made by the migrations
(SQLite in a temporary directory; PostgreSQL at 127.0.0.1:5432, database test, in a schema of its own
dropped afterwards, when reachable). Each figure is computed three times over the whole period; the
table prints the best and the worst time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import secrets
import tempfile
import time
from datetime import date, timedelta

from rich.console import Console
from rich.table import Table
from sqlalchemy import text
from sqlalchemy.engine import Engine

from api.migrate import upgrade
from core.db import Database, make_engine
from tests.fixtures.hall_history import seed_history
from window import stats

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def measure(engine: Engine, *, cases: int, days: int) -> dict[str, tuple[float, float, int]]:
    upgrade(engine)
    db = Database(engine)
    start = date(2026, 1, 1)
    with db.scope() as session:
        seed_history(session, cases=cases, start=start, days=days)
    period = stats.Period(
        since=start, until=start + timedelta(days=days - 1), today=start + timedelta(days=days)
    )
    out: dict[str, tuple[float, float, int]] = {}
    for name in stats.FIGURES:
        times = []
        for _ in range(3):
            with db.scope() as session:
                t0 = time.perf_counter()
                rows = stats.figure(session, name=name, period=period).rows
                times.append(time.perf_counter() - t0)
        out[name] = (min(times), max(times), len(rows))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    results: dict[str, dict[str, tuple[float, float, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        results["sqlite"] = measure(engine, cases=args.cases, days=args.days)
        engine.dispose()
    try:
        admin = make_engine(PG)
        schema = f"bench_stats_{secrets.token_hex(3)}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            engine = make_engine(f"{PG}?options=-csearch_path%3D{schema}")
            results["postgresql"] = measure(engine, cases=args.cases, days=args.days)
            engine.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    except Exception as exc:  # no server: the SQLite column alone
        Console().print(f"PostgreSQL skipped: {exc}")
    table = Table(title=f"statistics on {args.cases:,} cases over {args.days} days (best / worst of 3, ms)")
    table.add_column("figure")
    for backend in results:
        table.add_column(backend, justify="right")
    table.add_column("rows", justify="right")
    for name in stats.FIGURES:
        cells = [f"{results[b][name][0] * 1000:.1f} / {results[b][name][1] * 1000:.1f}" for b in results]
        table.add_row(name, *cells, str(results["sqlite"][name][2]))
    worst = max(r[1] for b in results.values() for r in b.values())
    Console().print(table)
    Console().print(
        f"slowest figure: {worst * 1000:.0f} ms ({'within' if worst < 1 else 'OVER'} the 1 s target)"
    )


if __name__ == "__main__":
    main()
