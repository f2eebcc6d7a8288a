"""Routing: the item a person's goal needs ("想开个小饭馆" → the restaurant bundle), and whether the
route is a sure answer. A mixin of :class:`kb.desk.DeskPolicy`, which holds the thresholds; the
goal cues and the KB-led routes live in kb/goals.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kb.askback import SAID
from kb.cues import ASKS_CONCEPT, ASKS_MATERIALS
from kb.finder import ItemMatch
from kb.fusion import Fused
from kb.goals import asks_item, foreign_licence, goal_route, kb_led
from kb.index import KnowledgeIndex
from kb.matter import entry_lead, leads

__all__ = ["Routing", "kin"]


class Routing:
    # set by DeskPolicy.__init__
    route_floor: float
    route_sure: float
    route_margin: float
    named_floor: float
    route_agree: int
    route_depth: int
    evidence_route: float
    evidence_sure: float
    kb_lead: int
    kb_floor: float
    kb_margin: float
    item_lead: float

    def _named(self, items: Sequence[ItemMatch]) -> str | None:
        if items and items[0].why in SAID and items[0].score >= self.named_floor:
            return items[0].card.code
        return None

    def route(
        self,
        *,
        query: str,
        fused: list[Fused],
        index: KnowledgeIndex,
        items: Sequence[ItemMatch],
        confidence: float,
        evidence: dict[str, float],
        meaning: Mapping[str, float],
        family: Mapping[str, str],
        wording: Mapping[str, float],
    ) -> tuple[ItemMatch | None, bool]:
        """The item a goal question is routed to, if any, and whether that is a sure answer."""
        routed = self._route_to(query, items, confidence, self._best_item(fused, index), evidence)
        worded = False
        if routed is None:
            routed = self._worded(query, items, meaning, wording)
            worded = routed is not None
        if routed is None and asks_item(query) and not self._named(items) and not ASKS_CONCEPT.search(query):
            # a goal the finder's view splits, while most of the KB's own best entries are one item's and
            # both views together (the evidence) put it first
            routed = kb_led(
                fused,
                index,
                items,
                family,
                depth=self.route_depth,
                least=self.kb_lead,
                floor=self.kb_floor,
            )
            if routed is not None and (
                not leads(evidence, kin(routed, items), self.kb_margin) or foreign_licence(query, routed.card)
            ):
                routed = None
        sure = routed is not None and (
            self._said(routed)
            or self._kb_agrees(fused, index, routed, items)
            # the KB's best entries are the item's, far ahead of any other item's or term: its matter, however
            # few of the first entries are the item's
            or (not worded and entry_lead(fused, index, kin(routed, items)) >= self.item_lead)
            # found by its wording and first by the finder's meaning, the two views together (the evidence)
            # put it first too: three views agree, though the KB's own entries alone are another item's
            or (worded and leads(evidence, kin(routed, items), self.evidence_route))
            # a goal found by meaning alone: the evidence puts it first by more (``evidence_sure``)
            or (not worded and leads(evidence, kin(routed, items), self.evidence_sure))
        )
        agree = None
        if not sure and not self._named(items):
            agree = goal_route(
                query,
                fused=fused,
                index=index,
                items=items,
                family=family,
                evidence=evidence,
                meant=None if worded else routed,
                floor=self.route_floor,
                lead=self.kb_margin,
            )
        if agree is not None:  # the KB's best entries and the evidence agree on the goal's item (kb/goals.py)
            routed, sure = agree, True
        return routed, sure

    @staticmethod
    def _best_item(fused: Sequence[Fused], index: KnowledgeIndex) -> str | None:
        """The item of the best entry that belongs to one (terms belong to none)."""
        return next((index.entries[f.entry].item for f in fused if index.entries[f.entry].item), None)

    def _said(self, match: ItemMatch) -> bool:
        return match.why in SAID and match.score >= self.named_floor

    def _kb_agrees(
        self, fused: Sequence[Fused], index: KnowledgeIndex, routed: ItemMatch, items: Sequence[ItemMatch]
    ) -> bool:
        """Do most of the knowledge base's own best entries (``route_agree`` of the first ``route_depth``
        that belong to an item) come from the item the finder guessed by meaning, or from the 一件事
        it is part of or its own single items? A guess by meaning alone is often near another item
        ("开药店" sits near both the restaurant bundle and the chemicals licence): it is offered, but it
        is no sure answer unless what the KB finds for the question points the same way."""
        family = kin(routed, items)
        first = [e.item for e in (index.entries[f.entry] for f in fused) if e.item][: self.route_depth]
        return sum(item in family for item in first) >= self.route_agree

    def _route_to(
        self,
        query: str,
        items: Sequence[ItemMatch],
        confidence: float,
        best: str | None,
        evidence: dict[str, float],
    ) -> ItemMatch | None:
        """A goal is routed when the item was named, or its meaning points to one item, clearly ahead
        of the others or agreeing with the KB's best entry, and the KB is at least somewhat sure the
        question is its own (``route_sure``): "去哪办" about a marriage certificate resembles every
        item a little and must not be routed to one."""
        if not items or not asks_item(query):
            return None
        top = items[0]
        said = top.why in SAID and top.score >= self.named_floor
        if not said:
            top = self._member_meant(items)
        # a bundle's own single items are not rivals: the bundle covers them
        rivals = [m for m in items if m is not top and m.card.code not in top.card.members]
        second = max((m.score for m in rivals if top.card.code not in m.card.members), default=0.0)
        ahead = top.score - second >= self.route_margin or top.card.code == best
        meant = top.score >= self.route_floor and ahead
        # the KB unsure whether the question is the hall's at all: both views of what each item is about
        # (its goals and guide clauses, its own entries) must then point to it
        if said or (
            meant and (confidence >= self.route_sure or leads(evidence, kin(top, items), self.evidence_route))
        ):
            return top
        return None

    def _worded(
        self,
        query: str,
        items: Sequence[ItemMatch],
        meaning: Mapping[str, float],
        wording: Mapping[str, float],
    ) -> ItemMatch | None:
        """A goal in everyday words that the meaning match alone leaves too close to call (a paint shop
        may sit as near the water permit as the chemicals licence to e5): routed when the question asks
        for the item, one item's goals share more of its wording than any other's (``ItemFinder.wording``),
        and the same item is first by the finder's meaning (``ItemFinder.meaning``). Two views, one by
        characters and one by meaning, that rarely agree by chance."""
        if not asks_item(query) or not wording or not meaning:
            return None
        ranked = sorted(wording.values(), reverse=True)
        code = max(wording, key=lambda c: wording[c])
        if (len(ranked) > 1 and ranked[1] >= ranked[0]) or max(meaning, key=lambda c: meaning[c]) != code:
            return None
        return next((m for m in items if m.card.code == code), None)

    def _member_meant(self, items: Sequence[ItemMatch]) -> ItemMatch:
        """A bundle found by meaning alone, through a clause of its guide that is one of its own items
        ("企业设立登记（…同 SC-001）"), with that item as close (within ``route_margin``), is no goal
        said: "开个小公司" reads like the 一件事's company registration, yet the person means that item."""
        top = items[0]
        member = next((m for m in items[1:] if m.card.code in top.card.members), None)
        through = member is not None and (member.card.code in top.matched or member.card.name in top.matched)
        if member is not None and through and top.score - member.score < self.route_margin:
            return member
        return top

    def routed_first(self, query: str, fused: list[Fused], index: KnowledgeIndex, code: str) -> list[Fused]:
        """The ranking with the item's basic section first, then its materials when the question asks
        what to bring."""
        wanted = [f"{code}#basic"]
        if ASKS_MATERIALS.search(query):
            wanted.append(f"{code}#materials")
        top = fused[0].score if fused else 0.0
        front: list[Fused] = []
        for n, target in enumerate(wanted):
            at = index.by_target.get(target)
            if at is None:
                continue
            found = next((f for f in fused if f.entry == at), None)
            f = found or Fused(entry=at, score=0.0)
            f.score = top + len(wanted) - n
            front.append(f)
        rest = [f for f in fused if f not in front]
        return front + rest


def kin(match: ItemMatch, items: Sequence[ItemMatch]) -> set[str]:
    """The item with the 一件事 it is part of (among the matches) and the bundle's own items."""
    code = match.card.code
    return {code, *match.card.members, *(m.card.code for m in items if code in m.card.members)}
