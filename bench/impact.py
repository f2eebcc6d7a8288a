"""Impact preview of a rule draft over 10,000 stored runs: load their facts, judge each under the rules
in effect and under the draft, compare — the time the staff page waits.

    .venv/bin/python bench/impact.py [--runs 10000] [--db sqlite|postgresql://…]

The runs are seeded into a fresh database (SQLite file by default) as clerk cases of HB-001 made from
its scenario file's cases (each case its own id; review dates as the scenarios give them). Two drafts:
M7's 容缺 period 10 → 7 working days (rules compile alike: the engine's rulesets and the prepared facts
are shared) and a draft that drops a review point of M2 (new rulesets, facts prepared for them).
Each run is stored as a worker stores it: its facts and its engine input (rules.stored), made by an
evaluator of its own; ``--without-input`` seeds runs with their facts only (runs stored before the
engine input was, or made under other rules), which the preview prepares again.
"first" is a process that has not read these runs yet; "again" the same draft previewed once more (the
runs' cases are kept).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ would be first on sys.path and this file would shadow the rules package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.fixtures

import argparse
import gc
import os
import tempfile
import time
from datetime import timedelta

from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from api.migrate import upgrade
from core.db import make_engine
from rules import publishing
from rules.engine import RuleHost
from rules.evaluate import Evaluator
from rules.models import utcnow
from rules.scenarios import case_of, load_scenarios
from rules.service import RuleContext
from tests.fixtures.past_runs import add_past_run
from window.impact import FactsCache, preview

ROOT = Path(__file__).resolve().parent.parent / "corpus"
ITEM = "HB-001"


def seed(session: Session, runs: int, evaluator: Evaluator | None) -> None:
    """``runs`` clerk cases of the item, each with a finished run and the facts it judged; with
    ``evaluator`` (the rules in effect) also their engine input, as a run stores it (window.runs)."""
    file = load_scenarios(ROOT / "scenarios" / f"{ITEM}.yaml")
    cases = [case_of(file, s) for s in file.scenarios]
    now = utcnow()
    for n in range(runs):
        case_id = f"{n:032x}"
        facts = cases[n % len(cases)].model_copy(update={"case_id": case_id})
        created = now - timedelta(minutes=n * 10)
        stored = evaluator.engine_input(facts) if evaluator is not None else None
        add_past_run(
            session, facts, item=ITEM, department="安和市生态环境局", created=created, engine_input=stored
        )
        if n % 1000 == 999:
            session.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--db", default="", help="a database URL (default: a new SQLite file)")
    parser.add_argument(
        "--without-input", action="store_true", help="runs stored without their engine input (older runs)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.db or f"sqlite:///{tmp}/impact.db")
        upgrade(engine)
        context = RuleContext.from_corpus(ROOT / "rules")
        text = (ROOT / "rules" / f"{ITEM}.yaml").read_text(encoding="utf-8")
        current = Evaluator(
            items={ITEM: context.parse(text, name=f"{ITEM}.yaml")}, catalog=context.catalog, host=context.host
        )
        # Seeded by a process of its own (a worker stores runs; the preview's process has not read them).
        seeder = Evaluator(
            items={ITEM: context.parse(text, name=f"{ITEM}.yaml")}, catalog=context.catalog, host=RuleHost()
        )
        with Session(engine) as session:
            publishing.seed(session, rules_dir=ROOT / "rules", context=context)
            seed(session, args.runs, None if args.without_input else seeder)
            session.commit()
        gc.collect()
        drafts = {
            "M7 容缺 10 → 7 个工作日": text.replace("    tolerance_days: 10\n", "    tolerance_days: 7\n", 1),
            "M2 删去「编制单位」栏目未填的审查要点": _without_check(
                text, "- FIELD_EMPTY: {fields: [编制单位名称"
            ),
        }
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        kept = "facts only" if args.without_input else "facts and engine input"
        table = Table(
            title=f"impact preview, {args.runs:,} stored runs ({kept}; load average {load} on "
            f"{os.cpu_count()} cores)"
        )
        for col in (
            "draft",
            "preview",
            "replayed",
            "changed",
            "deadlines moved",
            "verdicts flipped",
            "wall s",
            "CPU s",
        ):
            table.add_column(col, justify="right")
        for label, draft_text in drafts.items():
            draft = Evaluator(
                items={ITEM: context.parse(draft_text, name=f"{ITEM}.yaml")},
                catalog=context.catalog,
                host=context.host,
                reuse_fired=True,
            )
            cache = FactsCache()
            for run in ("first", "again"):
                wall, cpu = time.perf_counter(), time.process_time()
                with Session(engine) as session:
                    impact = preview(session, item=ITEM, current=current, draft=draft, cache=cache)
                    session.commit()  # as the API's request does before it answers
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                table.add_row(
                    label,
                    run,
                    f"{impact.replayed:,}",
                    f"{impact.changed:,}",
                    f"{impact.deadlines_moved:,}",
                    f"{impact.verdicts_flipped:,}",
                    f"{wall:.2f}",
                    f"{cpu:.2f}",
                )
        Console().print(table)
        engine.dispose()


def _without_check(text: str, start: str) -> str:
    """The rule text without the first check line that starts with ``start``."""
    lines = text.splitlines(keepends=True)
    drop = next(i for i, line in enumerate(lines) if line.lstrip().startswith(start))
    return "".join(lines[:drop] + lines[drop + 1 :])


if __name__ == "__main__":
    main()
