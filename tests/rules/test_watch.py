"""rules.watch: which phase-2 facts a pattern can match, comparisons with the case fact among them."""

from __future__ import annotations

from typing import Any

from rules import watch

# An EXPIRED check as rules.compile writes it: a period's end before the case's review date.
_EXPIRED = {
    "all": [
        {"c": {"t": "c"}},
        {
            "x": {
                "$and": [
                    {"t": "f"},
                    {"m": "M3"},
                    {"f": "有效期限"},
                    {"st": "ok"},
                    {"$ex": {"end": 1}},
                    {"$lt": {"end": {"c": "review"}}},
                ]
            }
        },
    ],
    "run": "M3/4.0.0",
}
_KEY = ("f", "M3", "有效期限")


def _fact(**props: Any) -> dict[str, Any]:
    return {"t": "f", "m": "M3", "i": 0, "f": "有效期限", "st": "ok", "v": "x", **props}


def test_a_comparison_with_the_case_fact_is_a_literal_of_its_pattern() -> None:
    wanted = watch.wanted(watch.watched({"r": _EXPIRED}, {}))
    assert wanted is not None
    assert wanted[_KEY] == ((("$ex", "end"), ("$lt", ("end", "c", "review")), ("st", "ok")),)


def test_a_fact_is_wanted_when_its_comparison_with_the_case_fact_holds() -> None:
    wanted = watch.wanted(watch.watched({"r": _EXPIRED}, {}))
    case = {"c": {"t": "c", "review": 739660}}
    assert watch.wants(wanted, _fact(end=739659), case)  # ended the day before the review
    assert not watch.wants(wanted, _fact(end=739660), case)  # ends on the review date: in order
    assert not watch.wants(wanted, _fact(d=739000), case)  # no end: the pattern needs one
    # without the case fact the comparison is left to the engine
    assert watch.wants(wanted, _fact(end=739660))
    # a value that is not an integer is compared by durable in its own way: kept
    assert watch.wants(wanted, _fact(end="2026"), case)


def test_a_comparison_with_a_fact_other_than_the_case_or_declared_one_is_no_literal() -> None:
    """Only the case and the declared fact are one per case: another fact's property may differ."""
    rule = {
        "all": [
            {"o": {"$and": [{"t": "f"}, {"m": "M4"}, {"f": "有效期限"}]}},
            {"x": {"$and": [{"t": "f"}, {"m": "M3"}, {"f": "有效期限"}, {"$lt": {"end": {"o": "end"}}}]}},
        ],
        "run": "r",
    }
    wanted = watch.wanted(watch.watched({"r": rule}, {}))
    assert wanted is not None
    assert wanted[_KEY] == frozenset({""})


def test_a_material_fact_is_wanted_when_its_count_compares_with_the_declared_one() -> None:
    """A count check: fewer sets than the declared number (rules.compile count_subject)."""
    rule = {
        "all": [
            {"d": {"$and": [{"t": "d"}, {"$ex": {"driver_count": 1}}]}},
            {"m": {"$and": [{"t": "m"}, {"m": "M8"}, {"st": "ok"}, {"$lt": {"n": {"d": "driver_count"}}}]}},
        ],
        "run": "r",
    }
    wanted = watch.wanted(watch.watched({"r": rule}, {}))
    assert wanted is not None
    fact = {"t": "m", "m": "M8", "st": "ok", "n": 2}
    assert watch.wants(wanted, fact, {"d": {"t": "d", "driver_count": 3}})
    assert not watch.wants(wanted, fact, {"d": {"t": "d", "driver_count": 2}})
    assert not watch.wants(wanted, fact, {"d": {"t": "d"}})  # nothing declared: the rule needs it
    assert watch.wants(wanted, fact, {"d": {"t": "d", "driver_count": 2.5}})  # left to durable
