"""A case's facts as the engine took them, kept with the run that judged it, so that judging the run
again (an impact preview, rules.impact) neither reads everything found in its files nor prepares it
for the engine once more.

The record (``Evaluator.engine_input``) holds the phase-1 facts, the declared fact, the phase-2 facts
for the materials that were due and, for another due set, every material's facts before idle ones are
left out (rules.idle), all as rules.prepare made them — and the case's *outline*: what a finding's doubt
is read from (rules.doubt: statuses, doubts, parts, the doubtful readings), not the readings. A case
replayed from it (``StoredCase``) carries no evidence: a replay compares verdicts, findings and 容缺
deadlines, which evidence does not change.

A record serves only the rules it was made for: its ``key`` names the compiled rules' facts key, the fact
catalogue and ``VERSION``, the version of the preparing code. A change to any of them makes it stale;
a stale or missing record is prepared from the run's facts as before.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any

from pydantic import PrivateAttr

from rules.casefacts import CaseFacts, MaterialEvidence, MaterialSet
from rules.spec import FactCatalog

__all__ = ["COMPATIBLE", "VERSION", "StoredCase", "key", "keys", "outline"]

# Raise with any change to what rules.prepare, rules.idle or rules.evaluate put into the engine's facts,
# or to this record's shape: every record stored before is then prepared anew, unless its version is
# one of ``COMPATIBLE``.
VERSION = 4
# Versions whose records hold this version's facts and others no pattern can match, and are replayed as
# they are (the engine drops the others; what fires is the same): version 2 also asserted every period
# and date read, whether or not its comparison with the case fact (an end before the review date) held,
# a material's fact whose count a pattern compares with the declared one (fewer sets than declared), and
# the declared and the case fact in phase 2 when no rule on them could fire (its phase-2 payload);
# versions 2 and 3 asserted the declared fact's values where a phase tests only for presence (a name or
# number: version 4 asserts a placeholder, rules.declared.with_case), which fires alike.
COMPATIBLE = (3, 2)

_catalogs: dict[int, tuple[FactCatalog, str]] = {}
_lock = threading.Lock()


def key(facts_key: str, catalog: FactCatalog) -> str:
    """What a record made for these rules and this fact catalogue is stored under."""
    return f"{VERSION}.{facts_key}.{_catalog_key(catalog)}"


def keys(facts_key: str, catalog: FactCatalog) -> tuple[str, ...]:
    """``key``, and what records of the ``COMPATIBLE`` versions for the same rules were stored under."""
    tail = f".{facts_key}.{_catalog_key(catalog)}"
    return tuple(f"{version}{tail}" for version in (VERSION, *COMPATIBLE))


def _catalog_key(catalog: FactCatalog) -> str:
    with _lock:
        hit = _catalogs.get(id(catalog))
        if hit is None or hit[0] is not catalog:
            text = catalog.model_dump_json().encode("utf-8")
            # the catalogue is kept so that its id is not reused while it is in this table
            hit = _catalogs[id(catalog)] = (catalog, hashlib.sha256(text).hexdigest()[:16])
    return hit[1]


def outline(case: CaseFacts) -> dict[str, Any]:
    """What rules.doubt and a finding's field value read of the case, without the readings."""
    out: dict[str, Any] = {"item": case.item, "review_date": case.review_date.isoformat()}
    if case.absence_doubts:
        out["absence_doubts"] = case.absence_doubts
    # A material in which nothing is in doubt is left out: no finding on it is doubtful whether it is
    # there or not, and it has no field value to give (see ``_set``).
    materials = {mid: _material(evidence) for mid, evidence in case.materials.items()}
    out["materials"] = {mid: m for mid, m in materials.items() if m is not None}
    return out


def _material(evidence: MaterialEvidence) -> dict[str, Any] | None:
    sets = [_set(one) for one in evidence.sets]
    if not (evidence.doubt or evidence.count_doubt or evidence.apart_doubt) and not any(
        one["fields"] or "doubts" in one for one in sets
    ):
        return None
    out: dict[str, Any] = {"status": evidence.status.value, "sets": sets}
    if evidence.doubt:
        out["doubt"] = evidence.doubt
    if evidence.count_doubt:
        out["count_doubt"] = evidence.count_doubt
    if evidence.apart_doubt:
        out["apart_doubt"] = evidence.apart_doubt
    return out


def _set(one: MaterialSet) -> dict[str, Any]:
    # A field without doubt is left out: its finding's doubt is then looked for where it would be for
    # a sure reading (rules.doubt), and a replay lists no evidence.
    fields = {
        name: {"state": value.state.value, "doubt": value.doubt, "unlike_declared": value.unlike_declared}
        for name, value in one.fields.items()
        if value.doubt or value.unlike_declared
    }
    out: dict[str, Any] = {"fields": fields}
    if one.parts is not None:
        out["parts"] = list(one.parts)
    if one.doubts:
        out["doubts"] = one.doubts
    return out


class StoredCase(CaseFacts):
    """A run's case replayed from its stored record: its outline, and how to fetch the whole case when
    its facts must be prepared anew (rules the record was not made for)."""

    _load: Callable[[], CaseFacts] | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, record: dict[str, Any], *, case_id: str, load: Callable[[], CaseFacts]) -> StoredCase:
        case = cls.model_validate({**record["case"], "case_id": case_id})
        case._load = load
        return case

    def full(self) -> CaseFacts:
        if self._load is None:
            raise LookupError(f"the facts of case {self.case_id} are not at hand")
        return self._load()
