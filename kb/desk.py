"""What an experienced desk colleague does with the ranked entries: route a goal, or ask back.

* Routing: a person names a goal ("想开个小饭馆", "公司要拉货") and asks what to do or where to
  go. When the question asks that and the item finder points to one item, the answer is that
  item's basic information (its department, window, time limit, fee), a 一件事 bundle before
  its single items, followed by its materials section when the question also asks what to bring.
  A goal that names no item is a sure route when the best entries agree on one item, or the finder's
  guess is backed by both views of each item (kb/goals.py's ``goal_route``). The routing itself
  lives in kb/routing.py.
* Asking back: when the question names no item, and the best entries come from several items
  (the same matter handled differently, e.g. who may act for the applicant), the search says so
  and offers those items instead of answering from one of them; so does a question that names no
  item and uses no item's own words when its best entry has counterparts in other items (kb/matter.py).
  The asking back itself lives in kb/askback.py; the question's wording cues in kb/cues.py.
  A question that names its item or goal, or asks what a term means, is answered.

The thresholds were set on the project's own dev questions (tests/fixtures/kb_desk_dev_queries.jsonl,
kb_desk_dev2_queries.jsonl, kb_desk_dev3_queries.jsonl, kb_desk_dev4_queries.jsonl, the first half of
kb_desk_dev5_queries.jsonl and kb_dev_queries.jsonl) and checked against the public ones, never on the
held-out files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, Field

from kb.askback import SAID, AskingBack
from kb.cues import ASKS_CONCEPT, ASKS_MEANING, ASKS_ROUTE, THIS_ITEM, negated, term_named
from kb.finder import ItemMatch
from kb.fusion import Fused
from kb.goals import asks_item
from kb.index import KnowledgeIndex
from kb.matter import item_evidence
from kb.routing import Routing, kin
from kb.schemas import ClarifyOption

__all__ = ["DeskDecision", "DeskPolicy"]

_SAID = SAID


class DeskDecision(BaseModel):
    fused: list[Fused] = Field(default_factory=list)
    routed: str | None = Field(default=None, description="The item a goal was routed to.")
    routed_sure: bool = Field(
        default=False,
        description="The route is a sure answer: the goal was said outright, or the knowledge base's own "
        "best entries agree with the item the finder guessed from the goal's meaning.",
    )
    clarify: list[ClarifyOption] = Field(default_factory=list)
    unsure: bool = Field(default=False, description="No sure answer, though nothing is asked back.")

    model_config = {"arbitrary_types_allowed": True}


class DeskPolicy(AskingBack, Routing):
    def __init__(
        self,
        *,
        route_floor: float = 0.2,
        route_sure: float = 0.15,
        route_margin: float = 0.08,
        named_floor: float = 0.8,
        named_boost: float = 0.5,
        clarify_ratio: float = 0.55,
        clarify_floor: float = 0.1,
        clarify_max: int = 4,
        same_matter: float = 0.9,
        clarify_gap: float = 0.01,
        clarify_depth: int = 10,
        generic_depth: int = 20,
        agree: int = 3,
        route_agree: int = 3,
        route_depth: int = 5,
        tie: float = 0.06,
        unsaid_term: float = 0.9,
        evidence_depth: int = 5,
        evidence_route: float = 0.01,
        evidence_sure: float = 0.02,
        hint_floor: float = 0.6,
        own_share: float = 0.9,
        own_least: int = 3,
        counterpart: float = 0.94,
        kb_lead: int = 4,
        kb_floor: float = 0.17,
        kb_margin: float = 0.005,
        item_lead: float = 1.0,
    ) -> None:
        """Scores are fused z-scores (kb/fusion.py); ratios are of the best entry's score."""
        self.route_floor = route_floor
        self.route_sure = route_sure
        self.route_margin = route_margin
        self.named_floor = named_floor
        self.clarify_ratio = clarify_ratio
        self.named_boost = named_boost
        self.tie = tie
        self.unsaid_term = unsaid_term
        self.clarify_floor = clarify_floor
        self.clarify_max = clarify_max
        self.same_matter = same_matter
        self.clarify_gap = clarify_gap
        self.clarify_depth = clarify_depth
        self.generic_depth = generic_depth
        self.agree = agree
        self.route_agree = route_agree
        self.route_depth = route_depth
        self.evidence_depth = evidence_depth
        self.evidence_route = evidence_route
        self.evidence_sure = evidence_sure
        self.hint_floor = hint_floor
        self.own_share = own_share
        self.own_least = own_least
        self.counterpart = counterpart
        self.kb_lead = kb_lead
        self.kb_floor = kb_floor
        self.kb_margin = kb_margin
        self.item_lead = item_lead

    def decide(
        self,
        *,
        query: str,
        fused: Sequence[Fused],
        index: KnowledgeIndex,
        items: Sequence[ItemMatch],
        confidence: float,
        meaning: dict[str, float] | None = None,
        family: Mapping[str, str] | None = None,
        mask: np.ndarray | None = None,
        wording: Mapping[str, float] | None = None,
    ) -> DeskDecision:
        """``confidence``: how sure the search is that the KB answers the question at all; below
        ``clarify_floor`` the question is most likely not the KB's, and asking which item would
        only send the person down a wrong path, unless it asks about a matter every item settles
        its own way (fee, time, what to bring, an agent): such a question is generic, not foreign."""
        fused = list(fused)
        # an item named only to deny it ("不开公司") is not the item asked about
        denied = [m.card.code for m in items if m.why in _SAID and negated(query, m.matched)]
        items = [m for m in items if m.card.code not in denied]
        evidence = item_evidence(fused, index, meaning or {}, depth=self.evidence_depth)
        routed, sure = self.route(
            query=query,
            fused=fused,
            index=index,
            items=items,
            confidence=confidence,
            evidence=evidence,
            meaning=meaning or {},
            family=family or {},
            wording=wording or {},
        )
        if routed is not None:
            code = routed.card.code
            ranked = self.routed_first(query, fused, index, code)
            return DeskDecision(fused=ranked, routed=code, routed_sure=sure)
        named = self._named(items)
        if named is not None:  # the question names its item: that item's entries answer it
            boosted = self._boost(fused, index, named)
            # unless even then another item's entry leads: the name was a material or a condition of
            # that item ("还没有营业执照能申请吗"), not the item the person is asking about
            best = self._best_item(boosted, index)
            if best is None or best in kin(items[0], items):
                return DeskDecision(
                    fused=boosted, unsure=self._term_over_item(query, boosted, index, items[0])
                )
        # the items that answer the same matter closely come first; failing those (a generic question
        # sits near nothing, or its best entry is a term), a matter every item settles its own way
        if ASKS_CONCEPT.search(query):  # what a concept means is the same whatever the item
            return DeskDecision(fused=fused)
        close = self._clarify(fused, index) if confidence >= self.clarify_floor else []
        if (
            close
            and not asks_item(query)
            and self._hint_agrees(fused=fused, index=index, items=items, family=family or {})
        ):
            close = []  # the person's own words point to the best entry's item: the others' are not theirs
        if (
            not close
            and not self._meant(items)
            and self._depends_on_item(query, fused, index, family or {}, items)
        ):
            close = self._per_item(fused, index)
        if not close and fused and mask is not None and confidence >= self.clarify_floor:
            close = self._shared_matter(query, fused, index, items, family or {}, mask)
        unsure = False
        if not close and denied:
            offered = self._denied_answers(fused=fused, index=index, denied=denied)
            close, unsure = offered or [], offered == []
        # the item the question hints at is not the best entry's: ask, or be unsure
        if not close and not unsure and fused:
            hinted = self._hint_disagrees(
                query=query, fused=fused, index=index, items=items, family=family or {}
            )
            close, unsure = hinted or [], hinted == []
        if (
            not close
            and not unsure
            and THIS_ITEM.search(query)
            and confidence >= self.clarify_floor
            and not self._meant(items)
            and not self._one_item(fused, index, items)
        ):
            # "this item" of a question that names none, and that nothing else ties to one item ("四米二的
            # 小厢货…这证" is the freight licence): which one is the person's to say, even when they ask
            # where it is handled ("这个事到底在哪个窗口办")
            return DeskDecision(fused=fused, clarify=self._per_item(fused, index))
        if not close and not unsure and confidence >= self.clarify_floor:
            pointed = self._thing_in_mind(
                query=query,
                fused=fused,
                index=index,
                items=items,
                family=family or {},
                meant=self._meant(items),
            )
            close, unsure = pointed or [], pointed == []
        if close and ASKS_ROUTE.search(query):
            # "which item do I need" is not answered by "which item do you mean": no choice is offered,
            # yet the entries of several items close together are no sure answer either
            return DeskDecision(fused=fused, unsure=True)
        return DeskDecision(fused=fused, clarify=close, unsure=unsure)

    @staticmethod
    def _term_over_item(query: str, fused: Sequence[Fused], index: KnowledgeIndex, named: ItemMatch) -> bool:
        """A question that names its item, asks no concept, and still finds a term first, named by no
        words outside the item's name ("餐饮一件事 哪些材料…" holds 一件事 of 一件事一次办): the item's own
        entries should answer it, so the term is no sure answer."""
        if not fused or index.entries[fused[0].entry].kind != "term" or ASKS_CONCEPT.search(query):
            return False
        return not term_named(
            fused[0].entry, query.replace(named.matched, " ") if named.matched else query, index
        )

    def _boost(self, fused: list[Fused], index: KnowledgeIndex, named: str) -> list[Fused]:
        """The named item's entries moved up (a copy: the ranking stays as it was if the name is no item)."""
        out = [Fused(entry=f.entry, score=f.score, keyword=f.keyword, vector=f.vector) for f in fused]
        for f in out:
            if index.entries[f.entry].item == named:
                f.score += self.named_boost
        out.sort(key=lambda f: (-f.score, f.entry))
        return out

    def _meant(self, items: Sequence[ItemMatch]) -> bool:
        """Does the question point to one item by meaning, clearly ahead of the others ("打新井" is
        SL-001's goal)? Then it is that item's matter, not a generic one."""
        if not items or items[0].why in _SAID:
            return False
        second = items[1].score if len(items) > 1 else 0.0
        return items[0].score >= self.route_floor and items[0].score - second >= self.route_margin

    def names_item(self, items: Sequence[ItemMatch]) -> bool:
        """Does the question name its item (a name, common name or goal said outright)?"""
        return self._named(items) is not None

    def settled(
        self, fused: Sequence[Fused], index: KnowledgeIndex, *, query: str = "", confidence: float = 1.0
    ) -> bool:
        """Is the best entry clearly ahead of the next? Two entries neck and neck is no sure answer,
        unless both are terms (a question comparing two concepts is answered by both) or the first is a
        term the question names (kb/term_names.py). Nor is a term
        the person never said, when they ask what to do or where to go ("需要做什么审批" is not a
        question about 并联审批); and a term found only by resemblance, never named nor asked what it
        means, is sure only when the KB is all but certain (``unsaid_term``): "大厅几点上班" resembles
        工作日, yet the hall's opening hours are no entry's matter."""
        top = index.entries[fused[0].entry] if fused else None
        if self.named_term_first(fused, index, query=query):
            return True  # the person asked about the term they named: an entry close behind is no rival
        if top is not None and top.kind == "term" and query:
            if ASKS_ROUTE.search(query) and not ASKS_MEANING.search(query):
                return False
            if not ASKS_CONCEPT.search(query) and confidence < self.unsaid_term:
                return False
        if len(fused) < 2 or fused[0].score - fused[1].score >= self.tie:
            return True
        return all(index.entries[f.entry].kind == "term" for f in fused[:2])

    def named_term_first(
        self, fused: Sequence[Fused], index: KnowledgeIndex, *, query: str, confidence: float = 1.0
    ) -> bool:
        """Is the best entry a term the question names (its title, another name, a piece or an
        abbreviation of one), and the KB at least somewhat sure the question is its own
        (``clarify_floor``)? Then that term answers it: a name nobody listed ("首问制管不管这事")
        sits far from the stored phrasings, so the confidence model alone would abstain."""
        if not fused or not query or confidence < self.clarify_floor:
            return False
        return index.entries[fused[0].entry].kind == "term" and term_named(fused[0].entry, query, index)
