"""A durable-rules host that evaluates one case at a time, synchronously, with no state left behind.

durable-rules keeps rulesets in a C engine with per-``sid`` state. Each evaluation gets a fresh sid,
its actions run before the call returns (the background dispatch threads of ``durable.engine.Host``
are switched off so no action runs later on another thread) and its state is deleted afterwards.
The C engine is not thread-safe, so one lock serialises every call into it.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from durable import engine as _durable

Fired = tuple[str, dict[str, Any]]  # (action name, matched facts by pattern name)

# durable_rules_engine 2.0.28 segfaults in delete_state for a state in which no rule ever fired;
# every ruleset gets a rule that always fires on a sentinel fact, whose action is then dropped.
_SENTINEL = "$end"


class RuleHost(_durable.Host):  # type: ignore[misc]
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._fired: dict[str, list[Fired]] = {}
        super().__init__()

    def _run(self) -> None:
        """No background dispatch: every action runs inside ``evaluate``."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        def record(c: Any) -> None:
            raw = getattr(c, "_m", None)
            matched = {k: dict(v) for k, v in raw.items() if isinstance(v, dict)} if isinstance(raw, dict) else {}
            self._fired.setdefault(str(c.s["sid"]), []).append((action_name, matched))

        return record

    def register(self, name: str, definition: dict[str, Any]) -> None:
        with self._lock:
            if name not in self._ruleset_directory:
                sentinel = {_SENTINEL: {"all": [{"m": {"t": _SENTINEL}}], "run": _SENTINEL}}
                self.register_rulesets({name: {**definition, **sentinel}})

    def has(self, name: str) -> bool:
        return name in self._ruleset_directory

    def evaluate(self, ruleset: str, facts: list[dict[str, Any]]) -> list[Fired]:
        with self._lock, self._session() as sid:
            for fact in facts:
                fact["sid"] = sid
            facts = [*facts, {"t": _SENTINEL, "sid": sid}]
            rules = self.get_ruleset(ruleset)
            result = _durable.durable_rules_engine.assert_facts(rules._handle, json.dumps(facts, ensure_ascii=False))
            errors: list[BaseException] = []

            def done(error: BaseException | None, _state: Any) -> None:
                if error:
                    errors.append(error)

            # Facts no rule looks at make the engine report "not handled"; the matched ones still wait.
            rules.do_actions(result[1], done)
            state = rules.get_state(sid)
            if errors or state.get("exception"):
                raise RuntimeError(f"rule action failed: {errors or state.get('exception')}")
            fired = [f for f in self._fired.pop(sid, []) if f[0] != _SENTINEL]
            rules.delete_state(sid)
            return fired

    @contextmanager
    def _session(self) -> Iterator[str]:
        sid = f"e{next(self._ids)}"
        try:
            yield sid
        finally:
            self._fired.pop(sid, None)
