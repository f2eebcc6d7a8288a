"""The rules in effect, read from the rule versions table: an Evaluator that judges each case by the
version of its item in effect on the case's review date.

``RuleLibrary`` asks ``resolve(on)`` for the rule texts in effect on a date (the service reads the
database, so every process sees a publication within ``ttl`` seconds) and caches what it parsed and
compiled by content, so a text is parsed and compiled once per process whatever its version row.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from cachetools import TTLCache

from rules.casefacts import CaseFacts
from rules.errors import UnknownItem
from rules.evaluate import Evaluator
from rules.loader import LoadedItem
from rules.service import RuleContext, is_bundle
from rules.verdict import Decision, Finding

Resolver = Callable[[date], Mapping[str, str]]  # date -> {item code: yaml text in effect}

_on: contextvars.ContextVar[date | None] = contextvars.ContextVar("rules_on", default=None)


def _today() -> date:
    return datetime.now(UTC).date()


class RuleLibrary:
    def __init__(self, *, context: RuleContext, resolve: Resolver, ttl: float = 2.0) -> None:
        self.context = context
        self._resolve = resolve
        self._lock = threading.RLock()
        self._texts: TTLCache[date, Mapping[str, str]] = TTLCache(maxsize=64, ttl=ttl)
        self._evaluators: dict[tuple[str, str], Evaluator] = {}

    def invalidate(self) -> None:
        with self._lock:
            self._texts.clear()

    def texts_on(self, on: date) -> Mapping[str, str]:
        with self._lock:
            hit = self._texts.get(on)
        if hit is not None:
            return hit
        texts = self._resolve(on)
        with self._lock:
            self._texts[on] = texts
        return texts

    def items_on(self, on: date) -> dict[str, LoadedItem]:
        texts = self.texts_on(on)
        out: dict[str, LoadedItem] = {}
        for code in sorted(texts, key=lambda c: is_bundle(texts[c])):
            siblings = (
                {c: li for c, li in out.items() if not li.item.bundle} if is_bundle(texts[code]) else {}
            )
            out[code] = self.context.parse(texts[code], name=f"{code}.yaml", siblings=siblings)
        return out

    def loaded(self, code: str, on: date) -> LoadedItem:
        items = self.items_on(on)
        if code not in items:
            raise UnknownItem(f"没有事项 {code!r}（{on} 生效的事项：{', '.join(sorted(items))}）")
        return items[code]

    def evaluator_for(self, code: str, on: date) -> Evaluator:
        """An evaluator holding only ``code`` as in effect on ``on`` (shared rule host, cached by hash)."""
        loaded = self.loaded(code, on)
        key = (code, loaded.rule_hash)
        with self._lock:
            evaluator = self._evaluators.get(key)
            if evaluator is None:
                evaluator = Evaluator(
                    items={code: loaded}, catalog=self.context.catalog, host=self.context.host
                )
                self._evaluators[key] = evaluator
            return evaluator

    def evaluator(self) -> LiveEvaluator:
        return LiveEvaluator(self)


class LiveEvaluator(Evaluator):
    """An Evaluator over the rule versions table: ``evaluate`` uses the version in effect on the case's
    review date; ``loaded``/``items`` the one in effect on the date set with ``at`` (default today)."""

    def __init__(self, library: RuleLibrary) -> None:
        super().__init__(items={}, catalog=library.context.catalog, host=library.context.host)
        self.library = library

    @staticmethod
    @contextmanager
    def at(on: date) -> Iterator[None]:
        token = _on.set(on)
        try:
            yield
        finally:
            _on.reset(token)

    @staticmethod
    def _date(review: Any = None) -> date:
        if isinstance(review, date):
            return review
        return _on.get() or _today()

    @property
    def items(self) -> dict[str, LoadedItem]:
        return self.library.items_on(self._date())

    def loaded(self, code: str) -> LoadedItem:
        return self.library.loaded(code, self._date())

    def due(self, code: str, declared: dict[str, Any], review: Any) -> tuple[set[str], list[Finding]]:
        return self.library.evaluator_for(code, self._date(review)).due(code, declared, review)

    def evaluate(self, case: CaseFacts, *, facts_of: Evaluator | None = None) -> Decision:
        return self.library.evaluator_for(case.item, case.review_date).evaluate(case, facts_of=facts_of)

    def engine_input(self, case: CaseFacts) -> dict[str, Any]:
        return self.library.evaluator_for(case.item, case.review_date).engine_input(case)
