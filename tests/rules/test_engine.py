"""The durable-rules host: one open state per ruleset, left as it was found after every evaluation."""

from __future__ import annotations

import json
from typing import Any

import pytest

import rules.engine as engine
from rules.engine import RuleHost

RULES: dict[str, Any] = {
    "one": {"all": [{"a": {"t": "a"}}], "run": "one"},
    "pair": {"all": [{"a": {"t": "a"}}, {"b": {"$and": [{"t": "b"}, {"v": {"a": "v"}}]}}], "run": "pair"},
}


def _host() -> RuleHost:
    host = RuleHost()
    host.register("r", json.loads(json.dumps(RULES)))
    return host


def _names(fired: list[engine.Fired]) -> list[str]:
    return [name for name, _ in fired]


def test_actions_fire_with_the_matched_facts() -> None:
    fired = _host().evaluate("r", [{"t": "a", "v": 1}, {"t": "b", "v": 1}, {"t": "unused"}])
    assert fired == [
        ("one", {"a": {"t": "a", "v": 1}}),
        ("pair", {"a": {"t": "a", "v": 1}, "b": {"t": "b", "v": 1}}),
    ]


def test_nothing_is_left_in_the_state() -> None:
    host = _host()
    host.evaluate("r", [{"t": "a", "v": 1}])
    assert _names(host.evaluate("r", [{"t": "b", "v": 1}])) == []  # the earlier a is gone
    handle = host.get_ruleset("r")._handle
    sentinel = {"t": engine._SENTINEL, "id": engine._SENTINEL}
    assert json.loads(engine._native.get_facts(handle, engine._SID)) == [sentinel]


def test_a_sequence_matches_fresh_hosts() -> None:
    cases = [
        [{"t": "a", "v": 1}, {"t": "a", "v": 1}],  # a duplicate is seen once
        [{"t": "a", "v": 2}, {"t": "b", "v": 2}, {"t": "b", "v": 2}],
        [{"t": "b", "v": 2}],
        [{"t": "a", "v": 1}, {"t": "a", "v": 1, "w": 1}, {"t": "b", "v": 1}],
    ]
    host = _host()
    for facts in cases * 2:
        assert host.evaluate("r", [dict(f) for f in facts]) == _host().evaluate("r", [dict(f) for f in facts])


def test_numbered_facts_retracted_by_number_leave_nothing_behind() -> None:
    """A payload numbered by position is retracted by the numbers alone: no fact and no partial match
    (an a waiting for its b) is left to join with the next case's facts."""
    host = _host()
    cases = [
        [{"t": "a", "v": 1}, {"t": "b", "v": 2}],  # a pair that does not join: the a waits
        [{"t": "b", "v": 1}],
        [{"t": "a", "v": 3, "s": '{"id":9,'}, {"t": "b", "v": 3}],
    ]
    for facts in cases * 2:
        text = engine.payload([engine.encode(f) for f in facts])
        assert engine._retraction(text).count("id") == len(facts)
        fired = [(name, engine.matched(m)) for name, m in host.evaluate_encoded("r", text)]
        assert fired == _host().evaluate("r", [{"id": k, **f} for k, f in enumerate(facts)])
    handle = host.get_ruleset("r")._handle
    sentinel = {"t": engine._SENTINEL, "id": engine._SENTINEL}
    assert json.loads(engine._native.get_facts(handle, engine._SID)) == [sentinel]


def test_no_facts_fire_nothing() -> None:
    assert _host().evaluate("r", []) == []


def test_a_failed_evaluation_drops_the_state(monkeypatch: pytest.MonkeyPatch) -> None:
    host = _host()
    host.evaluate("r", [{"t": "a", "v": 1}])

    def broken(handle: Any, state: Any) -> list[engine.Fired]:
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setattr(engine, "_drain", broken)
        with pytest.raises(RuntimeError):
            host.evaluate("r", [{"t": "a", "v": 1}, {"t": "b", "v": 1}])
    assert "r" not in host._open
    assert _names(host.evaluate("r", [{"t": "b", "v": 1}])) == []
    assert _names(host.evaluate("r", [{"t": "a", "v": 3}, {"t": "b", "v": 3}])) == ["one", "pair"]


def test_only_the_most_recently_used_states_stay_open() -> None:
    host = RuleHost()
    host.max_open = 2
    for name in ("r1", "r2", "r3"):
        host.register(name, json.loads(json.dumps(RULES)))
    for name in ("r1", "r2", "r1", "r3"):
        assert _names(host.evaluate(name, [{"t": "a", "v": 1}])) == ["one"]
    assert list(host._open) == ["r1", "r3"]
    assert _names(host.evaluate("r2", [{"t": "a", "v": 1}, {"t": "b", "v": 1}])) == ["one", "pair"]


def test_a_remembered_answer_is_the_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same payload fires the same rules: asked again, the answer is remembered, not the engine's."""
    host = _host()
    text = engine.payload([engine.encode({"t": "a", "v": 1}), engine.encode({"t": "b", "v": 1})])
    first = host.remembered("r", text)
    assert first == host.evaluate_encoded("r", text)
    calls: list[str] = []
    monkeypatch.setattr(host, "evaluate_encoded", lambda ruleset, payload: calls.append(payload) or [])
    assert host.remembered("r", text) == first
    assert host.remembered("r", engine.payload([engine.encode({"t": "a", "v": 2})])) == []
    assert len(calls) == 1  # only the payload not seen before went to the engine


def test_a_host_that_remembers_nothing_asks_the_engine_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """``remember=False`` (bench/rules.py's column for cases unlike any before): the same answer, from
    the engine each time."""
    host = RuleHost(remember=False)
    host.register("r", json.loads(json.dumps(RULES)))
    text = engine.payload([engine.encode({"t": "a", "v": 1}), engine.encode({"t": "b", "v": 1})])
    first = host.remembered("r", text)
    assert [name for name, _ in first] == ["one", "pair"]
    calls: list[str] = []
    real = host.evaluate_encoded
    monkeypatch.setattr(
        host, "evaluate_encoded", lambda ruleset, payload: calls.append(payload) or real(ruleset, payload)
    )
    assert host.remembered("r", text) == first
    assert host.remembered("r", text) == first
    assert calls == [text, text]
