"""Compile an Item into two durable-rules rulesets (JSON form, named actions) — rules stay data.

Phase 1 runs on the declared facts alone: failed conditions, missing mandatory facts, invalid
declared numbers and which conditional materials are due. Phase 2 runs on everything read from the
materials: MISSING / UNREADABLE / WRONG_DOCUMENT per material, the checks, and conditions that
look at material fields. Each rule's action name is a key into ``CompiledItem.actions``, which says
what finding it stands for; the engine resolves names to one recorder.

Fact shapes (all carry the evaluation's ``sid``):
  c  {t:"c", review, w_90d, …}            the case: review date and STALE window starts (ordinals)
  d  {t:"d", <fact>: value, <fact>__ok, <list>__<value>}   declared facts, normalised
  m  {t:"m", m, st, n}                    a due material: st ∈ ok|missing|unreadable|wrong, n sets
  f  {t:"f", m, i, f, st, v, ok, d, end, noend, age, x<k>, has<k>}   one field of one set
  p  {t:"p", m, i, p, has}                a part of one set
  s  {t:"s", m, i, sealed, signed}        one set's marks
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from typing import Any

from cachetools import LRUCache

from rules import idle, watch
from rules.codes import Code
from rules.compiled import ActionSpec, CompiledItem, Counterpart
from rules.expr import Cmp, FactRef
from rules.identity import normalize_name
from rules.patterns import PatternMaker
from rules.spec import Check, FactCatalog, Item, Material
from rules.wording import humanise

Json = dict[str, Any]


class _Builder(PatternMaker):
    def __init__(self, item: Item, catalog: FactCatalog) -> None:
        super().__init__(catalog)
        self.item = item
        self.p1: Json = {}
        self.p2: Json = {}
        self.actions: dict[str, ActionSpec] = {}
        self.windows: dict[str, tuple[int, int]] = {}
        self.targets: dict[str, Counterpart] = {}

    def add(self, phase: Json, name: str, patterns: list[Json], action: ActionSpec) -> None:
        phase[name] = {"all": patterns, "run": name}
        self.actions[name] = action

    # -- phase 1 -----------------------------------------------------------------------------
    def conditions(self) -> None:
        for cond in self.item.conditions:
            action = ActionSpec(
                kind="finding",
                code=Code.NOT_ELIGIBLE,
                condition=cond.id,
                rule=f"conditions[{cond.id}]",
                note=cond.text,
            )
            for w, when in enumerate(self.dnf(cond.when)):
                for k, conj in enumerate(self.dnf(cond.require, negate=True)):
                    terms = when + conj
                    uses_material = any(not isinstance(c.ref, FactRef) for c in terms)
                    phase = self.p2 if uses_material else self.p1
                    self.add(phase, f"{cond.id}/{w}.{k}", self.patterns(terms), action)

    def required_facts(self) -> None:
        carrier = self.item.carrier
        for req in self.item.required_facts:
            spec = self.catalog.get(req.fact)
            label = spec.label if spec else req.fact
            missing = ActionSpec(
                kind="fact_missing",
                code=Code.FIELD_EMPTY,
                material=carrier,
                fact=req.fact,
                field=label,
                rule=f"required_facts[{req.fact}]",
            )
            for w, when in enumerate(self.dnf(req.when)):
                pats = self.patterns(when) or [{"d": {"t": "d"}}]
                d = next((p for p in pats if "d" in p), None)
                if d is None:
                    d = {"d": {"t": "d"}}
                    pats = [d, *pats]
                d["d"] = {"$and": [d["d"], {"$nex": {req.fact: 1}}]}
                self.add(self.p1, f"fact:{req.fact}/{w}", pats, missing)
                for k, bad_value in enumerate(self.dnf(req.must, negate=True) if req.must else []):
                    self.add(self.p1, f"must:{req.fact}/{w}.{k}", self.patterns(when + bad_value), missing)
                if spec is not None and spec.type in ("id_number", "uscc"):
                    code = Code.INVALID_ID if spec.type == "id_number" else Code.INVALID_USCC
                    bad = ActionSpec(
                        kind="finding",
                        code=code,
                        material=carrier,
                        fact=req.fact,
                        field=label,
                        rule=f"required_facts[{req.fact}]",
                    )
                    pats2 = self.patterns(when) or [{"d": {"t": "d"}}]
                    d2 = next((p for p in pats2 if "d" in p), None)
                    if d2 is None:
                        d2 = {"d": {"t": "d"}}
                        pats2 = [d2, *pats2]
                    d2["d"] = {"$and": [d2["d"], {f"{req.fact}__ok": False}]}
                    self.add(self.p1, f"bad:{req.fact}/{w}", pats2, bad)

    def necessity(self) -> None:
        for material in self.item.materials:
            if material.when is None:
                continue
            due = ActionSpec(kind="due", material=material.id, rule=f"materials[{material.id}].when")
            for k, conj in enumerate(self.dnf(material.when)):
                self.add(self.p1, f"due:{material.id}/{k}", self.patterns(conj), due)

    # -- phase 2 -----------------------------------------------------------------------------
    def material_states(self, material: Material) -> None:
        mid = material.id
        for code, state in (
            (Code.MISSING, "missing"),
            (Code.UNREADABLE, "unreadable"),
            (Code.WRONG_DOCUMENT, "wrong"),
        ):
            note = next((c.accept for c in material.checks if c.code is code and c.accept), "")
            note = humanise(note, catalog=self.catalog)  # the message applicants and notices read
            action = ActionSpec(kind="finding", code=code, material=mid, rule=f"materials[{mid}]", note=note)
            self.add(
                self.p2, f"{mid}:{state}", [{"m": {"$and": [{"t": "m"}, {"m": mid}, {"st": state}]}}], action
            )

    def checks(self, material: Material) -> None:
        mid = material.id
        for j, check in enumerate(material.checks):
            action = ActionSpec(
                kind="finding",
                code=check.code,
                material=mid,
                rule=f"materials[{mid}].checks[{j}]",
                note=humanise(check.note or check.accept or check.who, catalog=self.catalog),
            )
            for n, subject in enumerate(self.subjects(material, j, check)):
                for w, when in enumerate(self.dnf(check.when)):
                    # No "material ok" pattern: the facts of a material's sets are made only when it
                    # is there and due (rules.prepare), and the engine would join it with every rule.
                    pats = [*subject, *self.patterns(when, same_set_as=mid)]
                    field = _subject_field(subject) or (
                        check.who if check.code in (Code.NOT_SEALED, Code.NOT_SIGNED) else ""
                    )
                    spec = action if not field else action.model_copy(update={"field": field})
                    self.add(self.p2, f"{mid}/{j}.{n}.{w}", pats, spec)
                    if check.code in (Code.EXPIRED, Code.STALE) and check.field:
                        self.unreadable_date(mid, j, check.field, when)

    def unreadable_date(self, mid: str, j: int, field: str, when: list[Cmp]) -> None:
        """README §2.2: an illegible date field is UNREADABLE (naming the field)."""
        name = f"{mid}/{j}.date"
        if name in self.p2:
            return
        pats = [
            {"x": {"$and": [{"t": "f"}, {"m": mid}, {"f": field}, {"st": "unreadable"}]}},
            *self.patterns(when, same_set_as=mid),
        ]
        self.add(
            self.p2,
            name,
            pats,
            ActionSpec(
                kind="finding",
                code=Code.UNREADABLE,
                material=mid,
                field=field,
                rule=f"materials[{mid}].checks[{j}]",
            ),
        )

    def subjects(self, material: Material, j: int, check: Check) -> list[list[Json]]:
        """Alternative subject patterns (pattern name ``x``) whose match means the check failed."""
        mid, code = material.id, check.code

        def field(f: str, *preds: Json, state: str = "ok") -> list[Json]:
            return [{"x": {"$and": [{"t": "f"}, {"m": mid}, {"f": f}, {"st": state}, *preds]}}]

        if code is Code.WRONG_DOCUMENT:
            return []  # decided by the material state (phase 2 material_states)
        if code is Code.UNREADABLE:
            return [field(f, state="unreadable") for f in check.fields]
        if code is Code.FIELD_EMPTY:
            return [field(f, state="empty") for f in check.fields]
        if code in (Code.INVALID_ID, Code.INVALID_USCC):
            return [field(check.field, {"ok": False})]
        if code is Code.EXPIRED:
            return [
                [
                    {"c": {"t": "c"}},
                    *field(check.field, {"$ex": {"end": 1}}, {"$lt": {"end": {"c": "review"}}}),
                ]
            ]
        if code is Code.STALE:
            key = self.window(check.within)
            early = field(check.field, {"$ex": {"d": 1}}, {"$lt": {"d": {"c": key}}})
            late = field(check.field, {"$ex": {"d": 1}}, {"$gt": {"d": {"c": "review"}}})
            return [[{"c": {"t": "c"}}, *early], [{"c": {"t": "c"}}, *late]]
        if code in (Code.NAME_MISMATCH, Code.ID_MISMATCH):
            key = f"x{len(self.targets)}"
            self.targets[key] = Counterpart(material=mid, field=check.field, equals=check.equals)
            return [field(check.field, {"$ex": {key: 1}}, {"$neq": {"v": {"$m": key}}})]
        if code is Code.PAGES_MISSING:
            kind = "pa" if check.across_sets else "p"  # pa: the part in any set of the material
            parts = [
                [{"x": {"$and": [{"t": kind}, {"m": mid}, {"p": part}, {"has": False}]}}]
                for part in check.parts
            ]
            if check.count_at_least:
                parts.append(self.count_subject(mid, check.count_at_least))
            return parts
        if code is Code.NOT_SEALED:
            return [[{"x": {"$and": [{"t": "s"}, {"m": mid}, {"sealed": False}]}}]]
        if code is Code.NOT_SIGNED:
            return [[{"x": {"$and": [{"t": "s"}, {"m": mid}, {"signed": False}]}}]]
        return []

    def count_subject(self, mid: str, at_least: str) -> list[Json]:
        """Fewer sets than a declared count or than another material's sets."""
        # One fact cannot match two patterns of a rule: this pattern replaces the "material ok" one.
        counted = re.fullmatch(r"count\((M\d+)\)", at_least)
        if counted:
            other = {"o": {"$and": [{"t": "m"}, {"m": counted.group(1)}, {"st": "ok"}]}}
            return [
                other,
                {"m": {"$and": [{"t": "m"}, {"m": mid}, {"st": "ok"}, {"$lt": {"n": {"o": "n"}}}]}},
            ]
        return [
            {"d": {"$and": [{"t": "d"}, {"$ex": {at_least: 1}}]}},
            {"m": {"$and": [{"t": "m"}, {"m": mid}, {"st": "ok"}, {"$lt": {"n": {"d": at_least}}}]}},
        ]

    def window(self, within: str) -> str:
        n, unit = int(within[:-1]), within[-1]
        key = f"w_{within}"
        self.windows[key] = (n, 0) if unit == "d" else (0, n * (12 if unit == "y" else 1))
        return key

    def build(self) -> CompiledItem:
        self.conditions()
        self.required_facts()
        self.necessity()
        for material in self.item.materials:
            self.material_states(material)
            self.checks(material)
        base = (
            self.windows,
            self.targets,
            self.contains,
            {m.id: (m.fields, m.parts) for m in self.item.materials},
        )
        return CompiledItem(
            code=self.item.code,
            phase1=self.p1,
            phase2=self.p2,
            digest1=_digest(self.p1),
            digest2=_digest(self.p2),
            facts_key=_digest(self.p1, self.p2, base),
            facts_base=_digest(base),
            declared1=frozenset(_names(self.p1)),
            declared2=frozenset(_names(self.p2)),
            present1=_presence_only(self.p1),
            present2=_presence_only(self.p2),
            actions=self.actions,
            windows=self.windows,
            counterparts=self.targets,
            contains=self.contains,
            **self.lookups(),
        )

    def lookups(self) -> dict[str, Any]:
        contains_at: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        for key, (mid, field, literal) in self.contains.items():
            contains_at[(mid, field)] = (*contains_at.get((mid, field), ()), (key, normalize_name(literal)))
        counterparts_of: dict[str, tuple[tuple[str, Counterpart], ...]] = {}
        for key, counterpart in self.targets.items():
            counterparts_of[counterpart.material] = (
                *counterparts_of.get(counterpart.material, ()),
                (key, counterpart),
            )
        watched = watch.watched(self.p2, {m.id: (list(m.fields), m.parts) for m in self.item.materials})
        return {
            "watched_states": watch.states(watched),
            "wanted": watch.wanted(watched),
            "contains_at": contains_at,
            "counterparts_of": counterparts_of,
            "material_needs": idle.needs(self.p2),
            "single_needs": idle.single_needs(self.p2),
        }


def _subject_field(subject: list[Json]) -> str:
    for pattern in subject:
        body = pattern.get("x")
        if isinstance(body, dict):
            for pred in body.get("$and", []):
                if isinstance(pred, dict) and isinstance(pred.get("f"), str):
                    return str(pred["f"])
    return ""


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=lambda o: o.model_dump(mode="json"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _names(node: Any) -> set[str]:
    """Every key and string value in a ruleset: a declared fact's name appears in some of them when a
    pattern tests it (as a property, or as the right-hand side of a comparison with another fact)."""
    if isinstance(node, dict):
        return set(node).union(*(_names(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_names(v) for v in node))
    return {node} if isinstance(node, str) else set()


def _presence_only(phase: Json) -> frozenset[str]:
    """The names a phase's patterns test only for presence (``$ex`` / ``$nex``), never for a value nor
    as the other side of a comparison: a declared fact's value under such a name cannot change what
    fires (rules.declared asserts a placeholder for it)."""
    tested: dict[str, int] = {}
    everywhere: dict[str, int] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("$ex", "$nex") and isinstance(v, dict):
                    for name in v:
                        tested[name] = tested.get(name, 0) + 1
                everywhere[k] = everywhere.get(k, 0) + 1
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            everywhere[node] = everywhere.get(node, 0) + 1

    walk(phase)
    return frozenset(name for name, n in tested.items() if everywhere.get(name) == n)


_compiled: LRUCache[tuple[str, str, int], tuple[FactCatalog, CompiledItem]] = LRUCache(maxsize=256)
_compiled_lock = threading.Lock()


def compile_item(item: Item, catalog: FactCatalog, *, rule_hash: str = "") -> CompiledItem:
    """The item's rulesets; with ``rule_hash`` (the loaded file's content hash) compiled once per process."""
    if not rule_hash:
        return _Builder(item, catalog).build()
    key = (item.code, rule_hash, id(catalog))
    with _compiled_lock:
        hit = _compiled.get(key)
    if hit is not None and hit[0] is catalog:
        return hit[1]
    compiled = _Builder(item, catalog).build()
    with _compiled_lock:
        _compiled[key] = (catalog, compiled)  # the catalog is kept so that its id is not reused
    return compiled
