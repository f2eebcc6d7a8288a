"""Which item a goal needs by what each item lets a person do (kb/goal_meaning.py): the best item, its
lead over the second item and over the off-topic cohort; a route by meaning, and whether a route found
by meaning alone is backed."""

from __future__ import annotations

import pytest

from kb.goal_meaning import GoalMeaning, MeaningRouter

FAMILY = {"SC": "BUNDLE", "BUNDLE": "BUNDLE", "JT": "JT", "SL": "SL"}


def test_the_best_item_with_its_lead_over_the_second_and_over_the_cohort() -> None:
    meaning = GoalMeaning.read({"JT": 0.92, "SL": 0.90, "SC": 0.88}, cohort=0.89)
    assert meaning.best == "JT"
    assert meaning.score == pytest.approx(0.92)
    assert meaning.lead == pytest.approx(0.02)
    assert meaning.above_cohort == pytest.approx(0.03)
    assert GoalMeaning.read({}, cohort=0.5).best is None  # no item sentences: no view
    assert GoalMeaning.read({"JT": 0.91}, cohort=0.0).lead == pytest.approx(0.91)  # no second item


def test_a_goal_is_routed_only_when_clearly_one_items_and_nearer_the_items_than_the_cohort() -> None:
    router = MeaningRouter(floor=0.9, lead=0.008, cohort=0.0)
    assert router.route(GoalMeaning.read({"JT": 0.92, "SL": 0.90}, cohort=0.89)) == "JT"
    assert router.route(GoalMeaning.read({"JT": 0.92, "SL": 0.915}, cohort=0.89)) is None  # between two
    assert router.route(GoalMeaning.read({"JT": 0.89, "SL": 0.85}, cohort=0.80)) is None  # nothing close
    # another office's matter: as near the off-topic cohort as near any item
    assert router.route(GoalMeaning.read({"JT": 0.92, "SL": 0.90}, cohort=0.93)) is None
    assert router.route(GoalMeaning()) is None


def test_a_route_by_meaning_alone_is_backed_by_the_same_family_nearer_the_items_than_the_cohort() -> None:
    router = MeaningRouter(backed=0.0, clear=0.01)
    bundle = GoalMeaning.read({"BUNDLE": 0.91, "SC": 0.905, "JT": 0.88}, cohort=0.90)
    assert router.backs(bundle, "BUNDLE", FAMILY)
    assert router.backs(bundle, "SC", FAMILY)  # the bundle covers its own item
    assert not router.backs(bundle, "JT", FAMILY)  # the items' sentences point elsewhere
    elsewhere = GoalMeaning.read({"BUNDLE": 0.90, "SL": 0.897}, cohort=0.905)
    assert not router.backs(elsewhere, "BUNDLE", FAMILY)  # nearer the cohort, barely ahead: another office's
    clear = GoalMeaning.read({"JT": 0.90, "SL": 0.88}, cohort=0.905)
    assert router.backs(clear, "JT", FAMILY)  # near the cohort's other licences, yet plainly one item's
    assert not router.backs(GoalMeaning(), "JT", FAMILY)


def test_a_kind_no_card_mentions_is_vouched_for_only_by_a_clear_lead() -> None:
    router = MeaningRouter(lead=0.008, clear=0.01)
    shape_only = GoalMeaning.read({"BUNDLE": 0.911, "SC": 0.903, "JT": 0.89}, cohort=0.80)
    assert not router.vouches(shape_only, "BUNDLE", FAMILY)  # near the cohort is no help here
    assert router.vouches(shape_only, "BUNDLE", FAMILY, alone=True)  # the business alone: the route's lead
    clear = GoalMeaning.read({"JT": 0.92, "SL": 0.90}, cohort=0.95)
    assert router.vouches(clear, "JT", FAMILY) and not router.vouches(clear, "SL", FAMILY)
    assert not router.vouches(GoalMeaning(), "JT", FAMILY)


def test_the_kbs_best_item_is_agreed_by_a_clear_lead_nearer_the_items_than_the_cohort() -> None:
    router = MeaningRouter(floor=0.9, backed=0.0, clear=0.01)
    # below the route's floor (a long question sits lower on every item), yet clearly the item's family
    low = GoalMeaning.read({"SC": 0.893, "JT": 0.88, "SL": 0.87}, cohort=0.885)
    assert router.route(low) is None
    assert router.agrees(low, "SC", FAMILY) and router.agrees(low, "BUNDLE", FAMILY)  # one family
    assert not router.agrees(low, "JT", FAMILY)  # the KB's best entry is another item's
    close = GoalMeaning.read({"SC": 0.893, "JT": 0.887}, cohort=0.88)
    assert not router.agrees(close, "SC", FAMILY)  # first, but not clearly
    nearer_cohort = GoalMeaning.read({"SC": 0.893, "JT": 0.87}, cohort=0.90)
    assert not router.agrees(nearer_cohort, "SC", FAMILY)  # another office's matter, however clear
    assert not router.agrees(GoalMeaning(), "SC", FAMILY)
