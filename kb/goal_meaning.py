"""Which item a goal needs, read from what each item lets a person do (the finder's ``described`` view).

A person says what they want to do ("买了两台大货车想帮人拉货") and rarely in the words of any cue list or
stored goal. Each item's card carries whole everyday sentences of what the item is for, who needs it and
the typical activities (corpus/finder.yaml ``says``, written from the standards); the question's vector
against them (the mean cosine of each item's closest sentences, ``ItemFinder.described``) says which
item the goal is about, and how far ahead of the next item it is. Two checks keep it honest:

* the lead over the second item (``lead``): a goal between two items (a pharmacy reads a little like a
  restaurant and a little like a chemicals shop) points to neither;
* the lead over the off-topic cohort (``cohort``: everyday questions and other departments' licences):
  a goal that another office handles ("开个理发店", "开诊所") sits as near those as near any item.

Used three times by kb/search.py: a question the knowledge base answers with no confidence, no asking back
and no item named (or that asks for the item) is routed to the item its meaning points to when it clears
both checks (``route``), or else to the item of the KB's own best entry when this view puts that item's
family first clearly and nearer the items than the cohort (``agrees``: two views found apart that agree,
whatever cosine level the writer's style lands the question at); and a route the desk found by meaning
alone (no item named) stays a sure answer only when this view agrees on the item's family and the goal is
nearer the items than the cohort or clearly ahead of the other items (``backs``).
The thresholds were chosen on half A (even ids) of the dev sets and checked on half B.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

__all__ = ["GoalMeaning", "MeaningRouter"]


class GoalMeaning(BaseModel):
    """The items' sentences' view of a question."""

    best: str | None = None  # the item whose sentences are closest
    score: float = 0.0  # its mean cosine
    lead: float = 0.0  # ahead of the second item
    above_cohort: float = 0.0  # ahead of the off-topic cohort's level

    @classmethod
    def read(cls, described: Mapping[str, float], cohort: float) -> GoalMeaning:
        if not described:
            return cls()
        ranked = sorted(described, key=lambda c: (-described[c], c))
        best = ranked[0]
        second = described[ranked[1]] if len(ranked) > 1 else 0.0
        return cls(
            best=best,
            score=described[best],
            lead=described[best] - second,
            above_cohort=described[best] - cohort,
        )


class MeaningRouter:
    def __init__(
        self,
        *,
        floor: float = 0.9,
        lead: float = 0.008,
        cohort: float = 0.0,
        backed: float = 0.0,
        clear: float = 0.01,
    ) -> None:
        """``floor``, ``lead``, ``cohort``: what a goal's best item needs to be routed to by meaning (its
        score, its lead over the second item, its lead over the cohort); ``backed`` or ``clear``: the lead
        over the cohort, or else over the second item, a route found by meaning alone needs to stay sure."""
        self.floor = floor
        self.lead = lead
        self.cohort = cohort
        self.backed = backed
        self.clear = clear

    def route(self, meaning: GoalMeaning) -> str | None:
        """The item a goal's meaning points to clearly enough to answer with it, if any."""
        if meaning.best is None or meaning.score < self.floor or meaning.lead < self.lead:
            return None
        return meaning.best if meaning.above_cohort >= self.cohort else None

    def backs(self, meaning: GoalMeaning, code: str, family: Mapping[str, str]) -> bool:
        """Does the meaning agree with a route to ``code`` (the same item, or the same 一件事 family: the
        restaurant bundle covers its company registration), and either sit nearer the items than the cohort
        or lead the other items clearly (``clear``)? The cohort holds other offices'
        licences ("水路运输许可证"), so a transport goal may sit near it and still be plainly one item's."""
        if meaning.best is None:
            return False
        same = family.get(meaning.best, meaning.best) == family.get(code, code)
        return same and (meaning.above_cohort >= self.backed or meaning.lead >= self.clear)

    def agrees(self, meaning: GoalMeaning, code: str, family: Mapping[str, str]) -> bool:
        """Do the items' sentences put ``code``'s family first clearly (``clear``) and nearer the items than
        the cohort (``backed``)? Read against the item of the knowledge base's own best entry, a second view
        found apart from it: two views that agree on one item, one of them clearly, rarely do so by chance,
        whatever cosine level a writer's style lands the question at (a long, rambling question sits lower
        on every item, so ``floor`` alone leaves it unrouted)."""
        if meaning.best is None or meaning.above_cohort < self.backed:
            return False
        return family.get(meaning.best, meaning.best) == family.get(code, code) and meaning.lead >= self.clear

    def vouches(
        self, meaning: GoalMeaning, code: str, family: Mapping[str, str], *, alone: bool = False
    ) -> bool:
        """Does the meaning place the goal with ``code``'s family clearly ahead of the other items? The whole
        question by ``clear``; the business it names read on its own (``alone``: "理发店") by the lead a goal
        needs to be routed at all (``lead``). Nearness to the cohort is no help here: a goal of a kind no card
        mentions ("开间理发店") sits near the items by its shape ("开…店要办啥") alone (kb/business.py)."""
        if meaning.best is None:
            return False
        same = family.get(meaning.best, meaning.best) == family.get(code, code)
        return same and meaning.lead >= (self.lead if alone else self.clear)
