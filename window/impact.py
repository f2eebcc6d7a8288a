"""The impact of a rule draft on real cases: the latest run of each recent clerk case of an item, judged
again from the facts it stored (``Run.facts``) under the rules in effect and under the draft.

Self-checks are not replayed (their files and facts go at their retention). A run's stored facts never
change, so the cases made from them are kept per process (``FactsCache``): a staff member previewing
one draft after another pays for reading and preparing them once.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from cachetools import LRUCache
from pydantic import ValidationError
from sqlalchemy import Text, cast, func, update
from sqlmodel import Session, col, select

from core.memory import paused_gc
from rules.casefacts import CaseFacts
from rules.evaluate import Evaluator
from rules.impact import Impact, replay
from rules.models import utcnow
from rules.stored import StoredCase
from window.models import Case, Channel, Run, RunStatus

__all__ = ["DAYS", "LIMIT", "FactsCache", "latest_runs", "preview"]

DAYS = 90
LIMIT = 10_000


class FactsCache:
    """Cases made from stored runs, by run id and the rules their stored engine input is read for (a
    run's facts are written once)."""

    def __init__(self, maxsize: int = 2 * LIMIT) -> None:
        self._cases: LRUCache[tuple[int, str], CaseFacts] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def cases(
        self,
        session: Session,
        runs: list[tuple[int, str]],
        *,
        stored: Evaluator | None = None,
        item: str = "",
        unstored: list[tuple[int, CaseFacts]] | None = None,
    ) -> list[CaseFacts]:
        """The cases of ``runs`` ((run id, case id), newest first), reading only those not held. With
        ``stored``, a run whose engine input was stored for ``stored``'s rules of ``item`` is replayed
        from it (rules.stored: neither its readings read nor its facts prepared again); the others, and
        every run without ``stored``, from their facts — those read for ``stored`` added to ``unstored``."""
        key = stored.stored_key(item) if stored is not None else ""
        with self._lock:
            held = {rid: self._cases[(rid, key)] for rid, _ in runs if (rid, key) in self._cases}
        missing = [rid for rid, _ in runs if rid not in held]
        if stored is not None and missing:
            ids = {rid: cid for rid, cid in runs}
            missing = self._read_stored(session, missing, stored.stored_keys(item), stored, ids, held)
        for start in range(0, len(missing), 1000):
            chunk = missing[start : start + 1000]
            # The facts as the stored JSON text, validated by pydantic's own JSON parser: several times
            # faster than decoding them into Python objects first and validating those.
            text = cast(col(Run.facts), Text)
            rows = session.exec(select(Run.id, text).where(col(Run.id).in_(chunk)))
            for rid, facts in rows:
                case = _case(facts)
                if case is not None and rid is not None:
                    held[rid] = case
                    if stored is not None and unstored is not None:
                        unstored.append((rid, case))
        with self._lock:
            for rid, case in held.items():
                self._cases[(rid, key)] = case
        out: list[CaseFacts] = []
        for rid, case_id in runs:
            case = held.get(rid)
            if case is not None:
                # The stored facts name the case as it was judged; links need the case's id.
                out.append(case if case.case_id == case_id else _with_id(case, case_id, held, rid))
        return out

    def _read_stored(
        self,
        session: Session,
        runs: list[int],
        keys: tuple[str, ...],
        stored: Evaluator,
        ids: dict[int, str],
        held: dict[int, CaseFacts],
    ) -> list[int]:
        """Cases of the runs whose engine input is stored under one of ``keys`` (``Evaluator.stored_keys``),
        restored for ``stored``, into ``held``; the runs left to read from their facts."""
        bind = session.get_bind()
        for start in range(0, len(runs), 1000):
            chunk = runs[start : start + 1000]
            stmt = select(Run.id, Run.engine_input).where(
                col(Run.id).in_(chunk), col(Run.engine_key).in_(keys)
            )
            for rid, text in session.exec(stmt):
                if rid is None or not text:
                    continue
                record = json.loads(text)
                case = StoredCase.of(record, case_id=ids[rid], load=partial(_load, bind, rid, ids[rid]))
                stored.restore(case, record)
                held[rid] = case
        return [rid for rid in runs if rid not in held]


def _load(bind: Any, rid: int, case_id: str) -> CaseFacts:
    """A run's whole case, for rules its stored engine input was not made for (rare: see ``preview``)."""
    with Session(bind) as session:
        text = session.exec(select(cast(col(Run.facts), Text)).where(col(Run.id) == rid)).first()
    case = _case(text)
    if case is None:
        raise LookupError(f"run {rid} keeps no facts")
    return case.model_copy(update={"case_id": case_id})


def _with_id(case: CaseFacts, case_id: str, held: dict[int, CaseFacts], rid: int) -> CaseFacts:
    fixed = case.model_copy(update={"case_id": case_id})
    held[rid] = fixed
    return fixed


def _case(facts: str | None) -> CaseFacts | None:
    if not facts or facts == "null":
        return None
    try:
        return CaseFacts.model_validate_json(facts)
    except ValidationError:
        return None  # facts of an older shape: not replayed


def latest_runs(
    session: Session, *, item: str, days: int = DAYS, limit: int = LIMIT
) -> list[tuple[int, str]]:
    """(run id, case id) of the latest finished run with stored facts of each clerk case of ``item``
    created in the last ``days`` days, newest first, at most ``limit``."""
    since = utcnow() - timedelta(days=days)
    latest = (
        select(Run.case_id, func.max(Run.number).label("number"))
        .join(Case, col(Case.id) == col(Run.case_id))
        .where(
            Case.item == item,
            Case.channel == Channel.CLERK.value,
            col(Case.created_at) >= since,
            Run.status == RunStatus.DONE.value,
            col(Run.facts).is_not(None),
        )
        .group_by(col(Run.case_id))
        .subquery()
    )
    stmt = (
        select(Run.id, Run.case_id)
        .join(latest, (col(Run.case_id) == latest.c.case_id) & (col(Run.number) == latest.c.number))
        .order_by(col(Run.created_at).desc(), col(Run.id).desc())
        .limit(limit)
    )
    return [(rid, cid) for rid, cid in session.exec(stmt) if rid is not None]


def preview(
    session: Session,
    *,
    item: str,
    current: Evaluator,
    draft: Evaluator,
    cache: FactsCache,
    days: int = DAYS,
    limit: int = LIMIT,
) -> Impact:
    """What the draft changes on the item's recent clerk cases."""
    runs = latest_runs(session, item=item, days=days, limit=limit)
    # Thousands of cases and their prepared facts are made and kept: the collector would walk them
    # again and again (core.memory); the cache keeps them, so they are frozen out of its sight.
    # Runs replayed from their stored engine input (rules.stored) need no facts prepared when the draft's
    # rules take the facts prepared for the rules in effect (a draft that changes a period, a name, or
    # drops a check); for other drafts they are prepared from the runs' facts.
    loaded = current.compiled(item) if item in current.items else None
    takes = loaded is not None and item in draft.items and loaded.covers(draft.compiled(item))
    unstored: list[tuple[int, CaseFacts]] = []
    with paused_gc(keep=True):
        stored = current if takes else None
        cases: Iterable[CaseFacts] = cache.cases(session, runs, stored=stored, item=item, unstored=unstored)
        impact = replay(cases, current=current, draft=draft)
        _store_inputs(session, current, unstored)
    return impact


def _store_inputs(session: Session, current: Evaluator, runs: list[tuple[int, CaseFacts]]) -> None:
    """Keep with each run the engine input of the rules in effect, which the preview has just prepared:
    runs stored before those rules took effect (or before engine inputs were) are then replayed from it
    by the next preview, in any process."""
    rows = []
    for rid, case in runs:
        record = current.engine_input(case)
        rows.append(
            {"id": rid, "engine_key": record["key"], "engine_input": json.dumps(record, ensure_ascii=False)}
        )
    for start in range(0, len(rows), 1000):
        session.execute(update(Run), rows[start : start + 1000])  # by primary key, in bulk
