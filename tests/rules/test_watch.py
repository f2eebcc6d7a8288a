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
    assert wanted[_KEY] == ((("$ex", "end"), ("$lt", ("end", "review")), ("st", "ok")),)


def test_a_fact_is_wanted_when_its_comparison_with_the_case_fact_holds() -> None:
    wanted = watch.wanted(watch.watched({"r": _EXPIRED}, {}))
    case = {"t": "c", "review": 739660}
    assert watch.wants(wanted, _fact(end=739659), case)  # ended the day before the review
    assert not watch.wants(wanted, _fact(end=739660), case)  # ends on the review date: in order
    assert not watch.wants(wanted, _fact(d=739000), case)  # no end: the pattern needs one
    # without the case fact the comparison is left to the engine
    assert watch.wants(wanted, _fact(end=739660))
    # a value that is not an integer is compared by durable in its own way: kept
    assert watch.wants(wanted, _fact(end="2026"), case)


def test_a_comparison_with_another_pattern_than_the_case_fact_is_no_literal() -> None:
    """Only the pattern that is the case fact (``{"t": "c"}``) is the same for every fact of a case."""
    rule = {
        "all": [
            {"c": {"t": "d"}},
            {"x": {"$and": [{"t": "f"}, {"m": "M3"}, {"f": "有效期限"}, {"$lt": {"end": {"c": "review"}}}]}},
        ],
        "run": "r",
    }
    wanted = watch.wanted(watch.watched({"r": rule}, {}))
    assert wanted is not None
    assert wanted[_KEY] == frozenset({""})
