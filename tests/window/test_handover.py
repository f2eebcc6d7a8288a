"""The 预检码 itself (``window.handover``): what a clerk types or a scanner sends is read the same way,
and the code never holds a character that reads as another."""

from __future__ import annotations

from window import handover


def test_code_alphabet_has_no_look_alikes() -> None:
    for a, b in ("0O", "1I", "1L", "2Z", "5S", "8B"):
        assert not (a in handover.ALPHABET and b in handover.ALPHABET), (a, b)
    assert len(set(handover.ALPHABET)) == len(handover.ALPHABET) >= 20


def test_typed_and_scanned_codes_read_alike() -> None:
    assert handover.pretty("7KQM3HXC") == "7KQM-3HXC"
    for typed in ("7kqm-3hxc", " 7KQM 3HXC ", "7KQM—3HXC", "7kqm3hxc"):
        assert handover.normalise(typed) == "7KQM3HXC"
