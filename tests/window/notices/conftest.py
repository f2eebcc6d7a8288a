"""Every scenario of the corpus judged once per session, and notices of it: what the notice tests print."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings
from rules.book import RuleBook
from rules.codes import Verdict
from rules.evaluate import Evaluator
from rules.scenarios import case_of, load_scenarios
from rules.spec import FactCatalog, Item
from rules.verdict import Decision
from window import Hall, build_hall
from window.notices import Notice, build_notice

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


@dataclass(frozen=True)
class Judged:
    name: str  # "JT-001 C5 驾驶员满 61 周岁"
    item: Item
    decision: Decision
    declared: dict[str, Any]
    catalog: FactCatalog


@pytest.fixture(scope="session")
def judged() -> list[Judged]:
    book = RuleBook.load(CORPUS / "rules")
    evaluator = Evaluator(items=book.items, catalog=book.catalog)
    out = []
    for path in sorted((CORPUS / "scenarios").glob("*.yaml")):
        file = load_scenarios(path)
        for scenario in file.scenarios:
            facts = case_of(file, scenario)
            decision = evaluator.evaluate(facts)
            name = f"{file.item} {scenario.name}"
            out.append(Judged(name, book.items[file.item].item, decision, facts.declared, book.catalog))
    return out


@pytest.fixture(scope="session")
def notice_hall() -> Hall:
    return build_hall(Settings(window_phone="0791-88880000", window_address="安和市青山湖区行政中心一楼"))


def notice_of(j: Judged, hall: Hall, *, draft: bool = False, kind: Verdict | None = None) -> Notice:
    return build_notice(
        kind=(kind or j.decision.verdict).value,
        item=j.item,
        decision=j.decision,
        hall=hall,
        applicant="安和市示例有限公司",
        case_number="安和综窗〔2026〕第000123号",
        number="" if draft else "安和综窗〔2026〕补字第000045号",
        draft=draft,
        declared=j.declared,
        catalog=j.catalog,
    )


def first_of_each_verdict(judged: list[Judged], per_item: int = 1) -> list[Judged]:
    """The first ``per_item`` scenarios of each item and verdict."""
    taken: dict[tuple[str, Verdict], int] = {}
    out = []
    for j in judged:
        key = (j.item.code, j.decision.verdict)
        if taken.get(key, 0) < per_item:
            taken[key] = taken.get(key, 0) + 1
            out.append(j)
    return out
