"""A durable-rules host that evaluates one case at a time, synchronously, with no state left behind.

durable-rules keeps rulesets in a C engine with per-``sid`` state. Creating a state costs about as
much as matching a whole case (the engine sets up memory for every rule node), so each ruleset keeps
one state open: an evaluation asserts its facts, runs the actions that fired, and retracts the same
facts again, which leaves the state as it found it. Actions are taken from the engine directly
(``start_action_for_state`` / ``complete_and_start_action``) and recorded before the call returns;
the background dispatch threads of ``durable.engine.Host`` are switched off. The C engine is not
thread-safe, so one lock serialises every call into it. As every evaluation starts from the same state,
the answer to a payload is a function of it: ``remembered`` keeps the answers to recent payloads.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
from durable import engine as _durable

from rules.values import encode as encode
from rules.values import payload as payload

Fired = tuple[str, dict[str, Any]]  # (action name, matched facts by pattern name)

_native = _durable.durable_rules_engine
# Facts carry no sid: every evaluation of a ruleset uses its one open state (the engine's default "0").
_SID = "0"
# durable_rules_engine 2.0.28 segfaults in delete_state for a state in which no rule ever fired; each
# ruleset gets a rule that fires on a sentinel fact, asserted once when its state is opened and kept.
_SENTINEL = "$end"


class RuleHost(_durable.Host):  # type: ignore[misc]
    # An open state holds 1.5–2 MB of engine memory: only the rulesets used most recently keep one
    # (the 7 seed items need 14; rule versions being tested and superseded ones fall out).
    max_open = 32

    def __init__(self, *, remember: bool = True) -> None:
        """``remember``: keep the answers to recent payloads (``remembered``); off, every payload is put
        to the engine (what a case with facts no earlier case gave costs: bench/rules.py)."""
        self._remember = remember
        self._lock = threading.RLock()
        self._open: OrderedDict[str, None] = OrderedDict()  # rulesets whose state holds only the sentinel
        self._handles: dict[str, Any] = {}  # ruleset -> its engine handle (registered rulesets stay)
        self._answers: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (ruleset, payload) -> fired
        super().__init__()

    def _run(self) -> None:
        """No background dispatch: every action runs inside ``evaluate``."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        # durable's Ruleset wants a callable per rule; actions are read from the engine instead.
        def unused(_c: Any) -> None:
            raise RuntimeError(f"rule action {action_name} dispatched outside RuleHost.evaluate")

        return unused

    def register(self, name: str, definition: dict[str, Any]) -> None:
        with self._lock:
            if name not in self._ruleset_directory:
                sentinel = {_SENTINEL: {"all": [{"m": {"t": _SENTINEL}}], "run": _SENTINEL}}
                # durable takes the rules apart as it registers them: it gets its own copy, so that one
                # compiled item (rules.compile caches them) can be registered on several hosts.
                self.register_rulesets({name: copy.deepcopy({**definition, **sentinel})})

    def has(self, name: str) -> bool:
        return name in self._ruleset_directory

    def evaluate(self, ruleset: str, facts: list[dict[str, Any]]) -> list[Fired]:
        """The rules that fire on these facts, in the engine's order, each with the facts it matched."""
        fired = self.evaluate_encoded(ruleset, encode(facts)) if facts else []
        return [(name, matched(message)) for name, message in fired]

    def evaluate_encoded(self, ruleset: str, payload: str) -> list[tuple[str, str]]:
        """The rules that fire on facts already encoded with ``encode`` (a case judged again reuses
        them), each with its message: ``matched`` reads the facts it matched when they are wanted."""
        if payload == "[]":
            return []
        with self._lock:
            handle = self._handles.get(ruleset)
            if handle is None:
                handle = self._handles[ruleset] = self.get_ruleset(ruleset)._handle
            self._ensure_open(ruleset, handle)
            clean = False
            try:
                fired = _drain(handle, _native.assert_facts(handle, payload)[1])
                _native.retract_facts(handle, _retraction(payload))
                clean = True
            finally:
                if not clean:
                    self._close(ruleset, handle)
            return [f for f in fired if f[0] != _SENTINEL]

    def remembered(self, ruleset: str, payload: str) -> list[tuple[str, str]]:
        """``evaluate_encoded``, its answer remembered for the next same payload (a bounded table): every
        evaluation starts from the same state (the sentinel alone), so the same facts fire the same
        rules with the same messages. Payloads recur across cases: phase 1's declared and case facts
        with names and numbers given placeholders (rules.declared.with_case), phase 2's of complete cases."""
        if not self._remember:
            return self.evaluate_encoded(ruleset, payload)
        key = (ruleset, payload)
        fired = self._answers.get(key)
        if fired is None:
            fired = self.evaluate_encoded(ruleset, payload)
            if len(self._answers) >= 4096:
                self._answers.clear()
            self._answers[key] = fired
        return fired

    def _ensure_open(self, ruleset: str, handle: Any) -> None:
        if ruleset in self._open:
            self._open.move_to_end(ruleset)
            return
        _drain(handle, _native.assert_facts(handle, encode([{"t": _SENTINEL, "id": _SENTINEL}]))[1])
        self._open[ruleset] = None
        while len(self._open) > self.max_open:
            oldest = next(iter(self._open))
            self._close(oldest, self.get_ruleset(oldest)._handle)

    def _close(self, ruleset: str, handle: Any) -> None:
        """Drop a ruleset's state (after a failure it may hold facts or pending actions); the next
        evaluation opens a new one."""
        if ruleset in self._open:
            del self._open[ruleset]
            _native.delete_state(handle, _SID)


def _retraction(payload: str) -> str:
    """What retracts a payload's facts. The engine finds a retracted fact by its ``id`` alone (it reads
    no other property: the fact's matches are found from the stored fact), so the facts of a payload
    numbered by position (rules.values.payload) are retracted by their numbers, which spares it
    parsing every fact a second time. A fact is numbered in its text as ``{"id":k,``, which no JSON
    string can hold (its quotes would be escaped); other payloads are retracted as they are."""
    if not payload.startswith('[{"id":0,'):
        return payload
    last = payload.rfind('{"id":') + 6  # the last fact's number, counted from the end: its text only
    n = int(payload[last : payload.index(",", last)]) + 1
    found = _RETRACTIONS.get(n)
    if found is None:
        found = _RETRACTIONS[n] = "[" + ",".join([f'{{"id":{k}}}' for k in range(n)]) + "]"
    return found


# fact count -> the numbers of that many facts to retract; a payload has at most a few hundred facts
_RETRACTIONS: dict[int, str] = {}


def _drain(handle: Any, state: Any) -> list[tuple[str, str]]:
    """Run the actions queued for a state, in order; an action only records its message, which is
    ``{"<rule name>": {<pattern>: <fact>, …}}`` — read back by ``matched`` when it is wanted."""
    fired: list[tuple[str, str]] = []
    started = _native.start_action_for_state(handle, state)
    message = started[1] if started else None
    while message:
        # One action per message: durable's own dispatcher reads only the first entry too.
        fired.append((_rule_name(message), message))
        message = _native.complete_and_start_action(handle, state)
    return fired


def _rule_name(message: str) -> str:
    # Rule names are made by rules.compile without quotes or escapes; anything else is decoded properly.
    end = message.find('"', 2)
    name = message[2:end]
    if message.startswith('{"') and message[end : end + 2] == '":' and "\\" not in name:
        return name
    return str(next(iter(json.loads(message))))


def matched(message: str) -> dict[str, dict[str, Any]]:
    """The facts a fired rule matched, by pattern name (read with orjson: a finding on a set reads
    its message, and the standard decoder took a tenth of judging a case again)."""
    try:
        decoded = orjson.loads(message)
    except orjson.JSONDecodeError:  # what orjson refuses (an integer beyond 64 bits) the standard one reads
        decoded = json.loads(message)
    body = next(iter(decoded.values()))
    return {k: v for k, v in body.items() if isinstance(v, dict)}
