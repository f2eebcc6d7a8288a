"""Whose matter the question is, from the ranking itself (kb/matter.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from kb.fusion import Fused
from kb.matter import entry_lead


def _ranked(*rows: tuple[str, float]) -> tuple[list[Fused], Any]:
    """Fused entries in rank order over a stand-in index whose entries carry only their item ("" a term)."""
    index = SimpleNamespace(entries=[SimpleNamespace(item=item) for item, _ in rows])
    return [Fused(entry=n, score=score) for n, (_, score) in enumerate(rows)], index


def test_an_items_entries_ahead_of_every_other_item_and_term() -> None:
    fused, index = _ranked(("YJ", 2.7), ("YJ", 2.5), ("YJS", 1.4), ("", 0.9))
    assert entry_lead(fused, index, {"YJ"}) == pytest.approx(1.3)  # its own second entry is no rival


def test_a_term_close_behind_is_a_rival() -> None:
    fused, index = _ranked(("JT", 3.1), ("", 2.6), ("JT", 2.5))
    assert entry_lead(fused, index, {"JT"}) == pytest.approx(0.5)


def test_no_lead_when_the_best_entry_is_anothers() -> None:
    fused, index = _ranked(("SL", 1.7), ("HB", 1.1))
    assert entry_lead(fused, index, {"HB"}) == 0.0
