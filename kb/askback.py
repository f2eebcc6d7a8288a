"""Asking back: which items to offer when the answer depends on the item the question never named.

Three ways a question turns out to depend on its item (kb/desk.py tries them in this order):

* close: the best entries of several items sit near the best one and answer the same matter (their
  matched passages are close: 委托 in SC-001 and in YJS-001);
* per item: a matter every item settles its own way (fee, time, what to bring, an agent), asked
  without naming an item or a term;
* shared matter: the best entry has counterparts in other items (kb/matter.py).

A mixin of :class:`kb.desk.DeskPolicy`, which holds the thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from kb.cues import ASKS_CONCEPT, PER_ITEM, THAT_THING, said_term
from kb.finder import ItemMatch
from kb.fusion import Fused
from kb.index import Entry, KnowledgeIndex
from kb.matter import counterparts, item_specific
from kb.schemas import ClarifyOption

__all__ = ["SAID", "AskingBack", "family_of"]

SAID = ("编码", "名称", "俗称", "办事目标", "拼音")  # the item was named, not guessed from meaning


class AskingBack:
    # set by DeskPolicy.__init__
    clarify_ratio: float
    clarify_max: int
    same_matter: float
    clarify_gap: float
    clarify_depth: int
    generic_depth: int
    agree: int
    hint_floor: float
    own_share: float
    own_least: int
    counterpart: float

    def _shared_matter(
        self,
        query: str,
        fused: Sequence[Fused],
        index: KnowledgeIndex,
        items: Sequence[ItemMatch],
        family: Mapping[str, str],
        mask: np.ndarray,
    ) -> list[ClarifyOption]:
        """A question that names no item and uses no item's own words, whose best entry (an item's, not
        a term) has counterparts in other items — their passages say nearly the same as the one the
        question matched (``counterpart``) — asks about a matter each of those items answers its own
        way: the items are offered, the best entry's first. A question that names its item, or uses
        words only one item's entries use (注册资本), is that item's."""
        top = index.entries[fused[0].entry]
        if top.kind == "term" or not top.item or (items and items[0].score >= self.hint_floor):
            return []
        # another item's own words say nothing about the best entry's item ("后一" reads as one item's
        # by chance): only words of the best entry's own family tie the question to it
        if self._own_words(query, fused, index, family):
            return []
        others = counterparts(fused[0], index, family, mask=mask, close=self.counterpart)
        options = {top.item: _option(top)} | {e.item: _option(e) for e in others}
        return self._offered(options)

    def _hint_agrees(
        self,
        *,
        fused: Sequence[Fused],
        index: KnowledgeIndex,
        items: Sequence[ItemMatch],
        family: Mapping[str, str],
    ) -> bool:
        """Does the question say something of one item (a name said in part: 执照) and is the best entry
        that belongs to an item that item's, or its 一件事's? Then entries of other items close behind
        ("执照当天能拿吗" near another item's 执照 material) are no choice the person is facing."""
        if not self._hinted(items):
            return False
        top = _first_item_entry(fused, index)
        return top is not None and family.get(top.item, top.item) in family_of(items[0], items, family)

    def _hinted(self, items: Sequence[ItemMatch]) -> bool:
        return bool(items) and items[0].why in SAID and items[0].score >= self.hint_floor

    def _hint_disagrees(
        self,
        *,
        query: str,
        items: Sequence[ItemMatch],
        fused: Sequence[Fused],
        index: KnowledgeIndex,
        family: Mapping[str, str],
    ) -> list[ClarifyOption] | None:
        """The question says something of one item (a name, common name or goal, said in part: 执照 is
        SC-001's and every item's material), yet the best entry that belongs to an item is another
        item's, and the question uses none of that item's own words: the person may mean either, so the
        best entry is no sure answer ("执照上经营范围有要求没": a company's 经营范围, or an agency's
        licence?). The two items are offered when the hinted one has an entry among the candidates;
        otherwise nothing is offered, but the answer is not sure (``[]``). None: no such disagreement."""
        if not self._hinted(items):
            return None
        if not fused or index.entries[fused[0].entry].kind == "term":
            return None  # the question is about the concept the term names, whatever the item
        top = _first_item_entry(fused, index)
        kin = family_of(items[0], items, family)
        if top is None or family.get(top.item, top.item) in kin:
            return None
        if self._own_words(query, fused, index, family):
            return None
        hinted = next(
            (
                index.entries[f.entry]
                for f in fused[: self.clarify_depth]
                if family.get(index.entries[f.entry].item, "") in kin
            ),
            None,
        )
        if hinted is None:
            return []
        return self._offered({top.item: _option(top), hinted.item: _option(hinted)})

    def _thing_in_mind(
        self,
        *,
        query: str,
        fused: Sequence[Fused],
        index: KnowledgeIndex,
        items: Sequence[ItemMatch],
        family: Mapping[str, str],
        meant: bool,
    ) -> list[ClarifyOption] | None:
        """A document pointed at and not named ("那份评估报告找谁盖章"), in a question that names no item,
        that no item's meaning claims (``meant``) and that uses none of the best item entry's own words:
        the person has an item in mind, and the best entry's item is only the search's guess (a report or
        a set of rules is asked for by several items, each its own). The items of the best-ranked entries
        are offered (``[]``: one item only, yet no sure answer). None: no such question, or a term first
        (the question is about a concept: "那张样表在哪领" is 材料样本)."""
        if not THAT_THING.search(query) or not fused or self._hinted(items) or meant:
            return None
        if index.entries[fused[0].entry].kind == "term" or self._own_words(query, fused, index, family):
            return None
        return self._per_item(list(fused), index)

    def _denied_answers(
        self, *, fused: Sequence[Fused], index: KnowledgeIndex, denied: Sequence[str]
    ) -> list[ClarifyOption] | None:
        """The best item entry belongs to an item the question denies ("一个人不开公司能办吗" finds the
        one-person company FAQ): that is no answer to the person, whose matter is another item's; the
        other items of the best-ranked entries are offered (``[]``: none, yet nothing is sure). None:
        the best item entry is not a denied item's."""
        top = _first_item_entry(fused, index)
        if top is None or top.item not in denied:
            return None
        return self._per_item([f for f in fused if index.entries[f.entry].item not in denied], index)

    def _depends_on_item(
        self,
        query: str,
        fused: Sequence[Fused],
        index: KnowledgeIndex,
        family: Mapping[str, str],
        items: Sequence[ItemMatch],
    ) -> bool:
        """ "收不收费", "要带什么": a matter each item settles its own way, asked without naming a term
        or what a concept means, nor in the best entry's item's own words ("办公场地" beside 人力资源),
        and the best entries do not all come from one item."""
        return (
            bool(PER_ITEM.search(query))
            and not ASKS_CONCEPT.search(query)
            and not said_term(query, fused, index)
            and not self._one_item(fused, index, items)
            and not self._own_words(query, fused, index, family)
        )

    def _own_words(
        self, query: str, fused: Sequence[Fused], index: KnowledgeIndex, family: Mapping[str, str]
    ) -> bool:
        """Does the question use words only the best item entry's family uses (kb/matter.py)?"""
        top = _first_item_entry(fused, index)
        if top is None:
            return False
        ours = family.get(top.item, top.item)
        return ours in item_specific(query, index, family, share=self.own_share, least=self.own_least)

    def _one_item(self, fused: Sequence[Fused], index: KnowledgeIndex, items: Sequence[ItemMatch]) -> bool:
        """Do the best entries that belong to an item all belong to the same one, and is that item among
        the finder's matches? Then the question is that item's, even if it never named it ("打新井还得交啥
        材料" finds only SL-001, and so does the finder). One item's FAQ that happens to word the matter
        best ("委托别人来办") while the finder sees other items is no such sign."""
        first = [index.entries[f.entry].item for f in fused if index.entries[f.entry].item][: self.agree]
        seen = {m.card.code for m in items} | {c for m in items for c in m.card.members}
        return len(first) == self.agree and len(set(first)) == 1 and first[0] in seen

    def _per_item(self, fused: list[Fused], index: KnowledgeIndex) -> list[ClarifyOption]:
        """The items to choose from for a matter every item handles its own way, in the order their
        best entries rank (the most likely item first), however unsure the search is: a generic
        question ("收不收费") resembles nothing closely, yet it is the hall's question."""
        options: dict[str, ClarifyOption] = {}
        for f in fused[: self.generic_depth]:
            entry = index.entries[f.entry]
            if entry.kind == "term" or not entry.item or entry.item in options:
                continue
            options[entry.item] = _option(entry)
        return self._offered(options)

    def _offered(self, options: dict[str, ClarifyOption]) -> list[ClarifyOption]:
        """The items to choose from, if there is a choice."""
        return list(options.values())[: self.clarify_max] if len(options) >= 2 else []

    def _clarify(self, fused: list[Fused], index: KnowledgeIndex) -> list[ClarifyOption]:
        """The items to ask about: those whose best entry is near the best one (by fused score, or by
        cosine within ``clarify_gap`` of the best: a generic question's candidates sit close) *and* answers
        the same matter (its matched passage is close to the best one's: 委托 in SC-001 and in
        YJS-001), so that two items that merely both came up (执照 in one item's FAQ, 执照 as
        another's material) are not offered as a choice."""
        if not fused or index.entries[fused[0].entry].kind == "term":
            return []
        floor = fused[0].score * self.clarify_ratio
        near = max((f.vector.score for f in fused if f.vector is not None), default=1.0) - self.clarify_gap
        first = _matched_vector(fused[0], index)
        options: dict[str, ClarifyOption] = {}
        for f in fused[: self.clarify_depth]:
            if f.score < floor and (f.vector is None or f.vector.score < near):
                continue
            entry = index.entries[f.entry]
            if entry.kind == "term" or entry.item in options:
                continue
            here = _matched_vector(f, index)
            if options and first is not None and here is not None and float(first @ here) < self.same_matter:
                continue
            options[entry.item] = _option(entry)
        return self._offered(options)


def family_of(match: ItemMatch, items: Sequence[ItemMatch], family: Mapping[str, str]) -> set[str]:
    """The family heads of an item match: its own, and those of the 一件事 bundles it is part of."""
    code = match.card.code
    heads = {family.get(code, code), *(family.get(m, m) for m in match.card.members)}
    return heads | {family.get(m.card.code, m.card.code) for m in items if code in m.card.members}


def _first_item_entry(fused: Sequence[Fused], index: KnowledgeIndex) -> Entry | None:
    """The best entry that belongs to an item (terms belong to none)."""
    return next((index.entries[f.entry] for f in fused if index.entries[f.entry].item), None)


def _option(entry: Entry) -> ClarifyOption:
    return ClarifyOption(item=entry.item, item_name=entry.item_name, target=entry.target, title=entry.title)


def _matched_vector(f: Fused, index: KnowledgeIndex) -> np.ndarray | None:
    """The vector of the passage through which the entry matched the question (None: keywords only)."""
    return None if f.vector is None else index.vectors.vector(f.vector.detail)
