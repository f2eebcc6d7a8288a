from __future__ import annotations

from pathlib import Path

import pytest

from rules.book import RuleBook
from rules.evaluate import Evaluator

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return RuleBook.load(CORPUS / "rules")


@pytest.fixture(scope="session")
def evaluator(book: RuleBook) -> Evaluator:
    return Evaluator(items=book.items, catalog=book.catalog)
