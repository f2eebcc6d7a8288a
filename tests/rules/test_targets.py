"""Counterparts of a mismatch check: which targets name the declared persons."""

from __future__ import annotations

from rules.targets import person_key


def test_person_targets_name_their_key_and_others_none() -> None:
    assert person_key("shareholders.name") == "name"
    assert person_key("shareholders.id_number") == "id_number"
    assert person_key("shareholders.uscc") == "uscc"
    assert person_key("applicant_name") is None
    assert person_key("M1「名称」") is None
