"""Keep the KB's service-guide sections in step with the rule files (one source of truth)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml
from sqlmodel import Session

from kb import service as kb_service
from kb.finder import ItemCard
from kb.schemas import GuideSectionIn
from rules.book import RuleBook
from rules.guide import guide_sections
from rules.spec import Item


def sync_guides(session: Session, *, book: RuleBook) -> int:
    """Render every item's guide sections and store them; returns how many sections changed."""
    changed = 0
    for loaded in book.items.values():
        item = loaded.item
        sections = [
            GuideSectionIn(**s.model_dump(exclude={"department"}))
            for s in guide_sections(item, catalog=book.catalog)
        ]
        report = kb_service.sync_guide(
            session, item=item.code, department=item.department, sections=sections, item_name=item.name
        )
        changed += len(report.added) + len(report.updated) + len(report.removed)
    return changed


def load_navigation(path: Path) -> dict[str, dict[str, list[str]]]:
    """The hall's navigation data (corpus/finder.yaml): common names, goals, events per item."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        str(code): {k: [str(v) for v in vs or []] for k, vs in (row or {}).items()}
        for code, row in data.items()
    }


_NOT_COVERED = ("不含", "不包括", "按其他", "按另一", "不属于")


def _about(item: Item) -> list[str]:
    """What the item's guide says it covers, in its own words: the scope, the result, the sub-items and
    the first acceptance condition unless it only says who may apply; cut into clauses, leaving out
    the sentences that say what the item does not cover."""
    said = [item.basic.scope, item.basic.result, item.basic.sub_items]
    if item.conditions and not item.conditions[0].text.startswith("申请人"):
        said.append(item.conditions[0].text)
    clauses = [c.strip(" ，,①②③④") for text in said for t in text.split("。") for c in _clauses(t)]
    return list(dict.fromkeys(c for c in clauses if len(c) >= 5))


def _split(text: str, marks: str) -> list[str]:
    """``text`` cut at any of ``marks`` outside brackets."""
    out, depth, start = [], 0, 0
    for n, ch in enumerate(text):
        depth += 1 if ch in "（(" else -1 if ch in "）)" else 0
        if depth == 0 and ch in marks:
            out.append(text[start:n])
            start = n + 1
    return [*out, text[start:]]


def _clauses(text: str) -> list[str]:
    """Clauses at ；and ： (but not those saying what is not covered), and at 、 where every part
    is a phrase of its own (a list of activities, not of nouns such as 江河、湖泊)."""
    parts = []
    for clause in _split(text, "；;：:"):
        if any(w in clause for w in _NOT_COVERED):
            continue
        pieces = _split(clause, "、")
        parts.extend(pieces if all(len(p) >= 4 for p in pieces) else [clause])
    return parts


def item_cards(
    book: RuleBook,
    *,
    navigation: Mapping[str, Mapping[str, Sequence[str]]],
    glossary: Mapping[str, Sequence[str]],
    cases: Mapping[str, int],
) -> list[ItemCard]:
    """What the item finder knows of each item: the rule file's facts, the hall's names and goals for
    it, and the glossary's colloquial names of what the item issues (执照 → 营业执照)."""
    cards = []
    for loaded in book.items.values():
        item, nav = loaded.item, navigation.get(loaded.item.code, {})
        # a bundle issues its members' results too: only its own name gives it their colloquial names
        said = item.name if item.bundle else f"{item.name} {item.basic.result}"
        colloquial = [t for t, exps in glossary.items() if any(e and e in said for e in exps) and len(t) >= 2]
        cards.append(
            ItemCard(
                code=item.code,
                name=item.name,
                department=item.department,
                bundle=item.bundle,
                members=list(nav.get("members", [])),
                names=list(dict.fromkeys([*nav.get("names", []), *colloquial])),
                goals=list(nav.get("goals", [])),
                says=list(nav.get("says", [])),
                events=list(nav.get("events", [])),
                about=_about(item),
                results=item.basic.result,
                promise=item.basic.promise,
                promise_days=item.basic.promise_days,
                window=item.basic.window,
                prepare=[m.name for m in item.materials if m.when is None],
                cases=int(cases.get(item.code, 0)),
            )
        )
    return cards
