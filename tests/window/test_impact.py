"""The impact preview replays runs from their stored engine input as it would from their facts, and
stores the engine input of the runs it had to prepare."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from core.db import Database
from rules.evaluate import Evaluator
from rules.live import RuleLibrary
from rules.models import utcnow
from rules.scenarios import case_of, load_scenarios
from rules.stored import StoredCase
from tests.fixtures.past_runs import add_past_run
from tests.fixtures.window_db import CORPUS
from window.impact import FactsCache, latest_runs, preview
from window.models import Run

ITEM = "HB-001"


def _seed(session: Session, current: Evaluator, *, stored: bool) -> None:
    """A clerk case with one finished run per scenario of the item; half of them (or none) with their
    engine input."""
    file = load_scenarios(CORPUS / "scenarios" / f"{ITEM}.yaml")
    now = utcnow()
    for n, scenario in enumerate(file.scenarios):
        case_id = f"{n:032x}"
        facts = case_of(file, scenario).model_copy(update={"case_id": case_id})
        created = now - timedelta(minutes=n)
        record = current.engine_input(facts) if stored and n % 2 else None
        add_past_run(
            session, facts, item=ITEM, department="安和市生态环境局", created=created, engine_input=record
        )


def _drafts(library: RuleLibrary) -> dict[str, Evaluator]:
    context = library.context
    text = (CORPUS / "rules" / f"{ITEM}.yaml").read_text(encoding="utf-8")
    texts = {
        "period": text.replace("    tolerance_days: 10\n", "    tolerance_days: 7\n", 1),
        # a draft that drops a check: the facts prepared for the rules in effect serve it
        "check": "".join(
            line
            for line in text.splitlines(keepends=True)
            if not line.lstrip().startswith("- FIELD_EMPTY: {fields: [编制单位名称")
        ),
    }
    return {
        name: Evaluator(
            items={ITEM: context.parse(t, name=f"{ITEM}.yaml")},
            catalog=context.catalog,
            host=context.host,
            reuse_fired=True,
        )
        for name, t in texts.items()
    }


def test_runs_replayed_from_their_engine_input_change_as_from_their_facts(
    window_db: Database, library: RuleLibrary
) -> None:
    current = library.evaluator_for(ITEM, utcnow().date())
    with window_db.scope() as session:
        _seed(session, current, stored=True)
        runs = latest_runs(session, item=ITEM)
        cases = FactsCache().cases(session, runs, stored=current, item=ITEM)
        assert sum(isinstance(c, StoredCase) for c in cases) == len(runs) // 2
    for name, draft in _drafts(library).items():
        assert current.compiled(ITEM).covers(draft.compiled(ITEM)), name
        with window_db.scope() as session:
            replayed = preview(session, item=ITEM, current=current, draft=draft, cache=FactsCache())
            session.rollback()  # nothing stored: the runs without engine input stay without
        with window_db.scope() as session:
            judged = preview(session, item=ITEM, current=current, draft=current, cache=FactsCache())
            assert judged.changed == 0
            session.rollback()
        # the same draft judged on every run's whole case, with evaluators of their own
        fresh = Evaluator(items=current.items, catalog=library.context.catalog, host=library.context.host)
        with window_db.scope() as session:
            for run in session.exec(select(Run)):
                run.engine_key, run.engine_input = "", None
                session.add(run)
            session.flush()
            from_facts = preview(session, item=ITEM, current=fresh, draft=draft, cache=FactsCache())
            session.rollback()
        assert replayed.replayed == from_facts.replayed > 100, name
        assert replayed.model_dump() == from_facts.model_dump(), name
        assert replayed.changed > 0, name


def test_a_preview_stores_the_engine_input_of_the_runs_it_prepared(
    window_db: Database, library: RuleLibrary
) -> None:
    current = library.evaluator_for(ITEM, utcnow().date())
    with window_db.scope() as session:
        _seed(session, current, stored=False)
    draft = _drafts(library)["period"]
    with window_db.scope() as session:
        first = preview(session, item=ITEM, current=current, draft=draft, cache=FactsCache())
    with window_db.scope() as session:
        keys = {run.engine_key for run in session.exec(select(Run))}
        assert keys == {current.stored_key(ITEM)}
        again = preview(session, item=ITEM, current=current, draft=draft, cache=FactsCache())
    assert again.model_dump() == first.model_dump() and first.deadlines_moved > 0
