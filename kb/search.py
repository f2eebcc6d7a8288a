"""Hybrid search over the in-memory index: one typed ``run()``, no database.

Pipeline for a query: homophone repair against the index's vocabulary (授全 → 授权) →
glossary rewrite (执照 → 营业执照) → BM25 over character unigrams+bigrams and dense retrieval
over e5 vectors, both limited by the filters → z-score fusion → collapse to entries →
confidence from the dense match and the off-topic cohort.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Literal

import numpy as np

from kb.business import business_named, mentions
from kb.concepts import TermDescriptions, put_first
from kb.confidence import ConfidenceModel, Features
from kb.cues import ASKS_CASES, ASKS_CONCEPT, HELD_LICENCE, term_names
from kb.desk import DeskPolicy
from kb.embed import QueryCache
from kb.finder import ItemFinder, ItemMatch
from kb.fusion import Fused, fuse
from kb.glossary import Glossary
from kb.goal_meaning import GoalMeaning, MeaningRouter
from kb.goals import foreign_licence, says_goal, wants_item
from kb.hits import asks_about_term, hit_of, item_named_as_concept, near_term
from kb.index import KnowledgeIndex
from kb.intent import SectionIntent
from kb.schemas import RouteAnswer, SearchResult
from kb.spell import HomophoneCorrector
from kb.text import normalize

Mode = Literal["hybrid", "keyword", "dense"]


class Searcher:
    def __init__(
        self,
        *,
        index: KnowledgeIndex,
        glossary: Glossary,
        corrector: HomophoneCorrector,
        confidence: ConfidenceModel,
        cohort: np.ndarray | None = None,
        intent: SectionIntent | None = None,
        finder: ItemFinder | None = None,
        desk: DeskPolicy | None = None,
        concepts: TermDescriptions | None = None,
        goals: MeaningRouter | None = None,
        mode: Mode = "hybrid",
        keyword_weight: float = 0.35,
        candidates: int = 50,
        query_cache: int = 256,
        term_lead: float = 1.0,
    ) -> None:
        self.index = index
        self.glossary = glossary
        self.corrector = corrector
        self.confidence = confidence
        self.cohort = cohort if cohort is not None else np.zeros((0, index.embedder.dim), np.float32)
        self.intent = intent
        self.finder = finder or ItemFinder([])
        self.desk = desk or DeskPolicy()
        self.concepts = concepts
        self.goals = goals or MeaningRouter()
        self.mode = mode
        self.keyword_weight = keyword_weight
        self.candidates = candidates
        self.term_lead = term_lead  # fused z-scores a term confirmed by its sentences leads the next by
        self.query_vectors = QueryCache(query_cache)
        # one thread: a question's encoding already runs on the encoder's own threads (embedding_threads);
        # concurrent encodings would only contend for the same cores
        self._encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-encode")

    def run(
        self,
        *,
        query: str,
        k: int = 10,
        item: str | None = None,
        department: str | None = None,
        today: date | None = None,
        mode: Mode | None = None,
    ) -> SearchResult:
        started = time.perf_counter()
        mode = mode or self.mode
        index = self.index  # one index for the whole query, even if a reindex swaps it meanwhile
        # typos first: the glossary's terms are part of the vocabulary slips are repaired to
        repaired, fixes = self.corrector.correct(normalize(query))
        expansion = self.glossary.expand(repaired)
        rewritten = expansion.text
        encoding: Future[np.ndarray] | None = None
        if mode != "keyword":  # the encoder (C or torch code, GIL released) runs beside BM25
            encoding = self._encoder.submit(self.query_vectors.embed, index.embedder, rewritten)
        mask = index.entry_mask(item=item, department=department, today=today or date.today())
        keyword, vector, features, tokens = [], [], Features(), []
        qvec: np.ndarray | None = None
        cohort = 0.0
        if mode != "dense":
            tokens = index.tokenizer.tokens(" ".join([rewritten, *expansion.extra]))
            keyword = index.keyword_search(tokens, k=self.candidates, mask=mask)
            best = keyword[0].score if keyword else 0.0
            features.cover = best / max(index.bm25.max_score(tokens), 1e-9)
        if encoding is not None:
            qvec = encoding.result()
            vector = index.vector_search(qvec, k=self.candidates, mask=mask)
            features.top = vector[0].score if vector else 0.0
            cohort = self._cohort_level(qvec)
            features.margin = features.top - cohort
        weight = {"hybrid": self.keyword_weight, "keyword": 1.0, "dense": 0.0}[mode]
        fused = fuse(keyword, vector, keyword_weight=weight)
        if self.intent is not None and qvec is not None:
            fused = self.intent.rerank(fused, index, qvec)
        p = self.confidence.probability(features) if fused else 0.0
        # the item finder reads what was said (typos repaired), before glossary terms replace words
        items = self.finder.find(repaired, qvec=qvec, limit=3, by_meaning=mode != "keyword")
        meaning = self.finder.meaning(qvec)
        goal = GoalMeaning.read(self.finder.described(qvec), cohort)
        decision = self.desk.decide(
            query=repaired,
            fused=fused,
            index=index,
            items=items,
            confidence=p,
            meaning=meaning,
            family=self.finder.families(),
            mask=mask,
            wording=self.finder.wording(repaired),
        )
        fused = decision.fused
        if keyword:
            shown = [f.keyword for f in fused[:k] if f.keyword is not None]
            index.explain_keywords(tokens, shown)
        routed = decision.routed
        if routed is not None:  # a route is as sure as the desk found it, whatever the entries say
            confident = self._route_sure(repaired, routed, decision.routed_sure, items=items, goal=goal)
        else:
            sure = self.confidence.confident(p) or self.desk.named_term_first(
                fused, index, query=repaired, confidence=p
            )
            confident = sure and self.desk.settled(fused, index, query=repaired, confidence=p)
            if confident and self.concepts is not None and asks_about_term(fused, index, repaired):
                # a concept asked about without its name: the term it describes, not the nearest wording
                meant_term = self.concepts.compared(query=repaired, qvec=qvec, index=index)
                if meant_term is not None:
                    fused = put_first(fused, index, meant_term)
            if confident and item_named_as_concept(fused, index, repaired, self.desk.names_item(items)):
                # "这算啥说法" asks for a concept's name: the concept it describes, else the best-ranked
                # concept near the top; an item's entry is no answer to it
                term = self._described(repaired, qvec, index) or near_term(fused, index)
                confident = term is not None
                fused = put_first(fused, index, term) if term is not None else fused
            if not (confident or decision.clarify or decision.unsure or self.desk.names_item(items)):
                described = self._described(repaired, qvec, index)
                if described is not None:  # a concept described without its name: the term answers it
                    fused, confident = put_first(fused, index, described), True
        clarify = decision.clarify
        # a term first by far that its own sentences confirm is the concept asked about, even in words of a
        # matter each item settles its own way (how a validity date is counted is one rule for every item);
        # not when the question asks which situations: each item lists its own cases
        overrides = not clarify or not ASKS_CASES.search(repaired)
        confirmed = routed is None and (
            (
                overrides
                and (not confident or bool(clarify))
                and self._term_confirmed(repaired, qvec, fused, index, items)
            )
            or (
                not confident
                and not clarify
                and not decision.unsure
                and p >= self.desk.clarify_floor
                and self._named_item_leads(fused, index, items)
            )
        )
        if confirmed:  # an entry first by far, and backed by a second view: it answers the question
            confident, clarify = True, []
        # "which item do I need" is not answered by "which item do you mean": a question that asks for the
        # item is routed by its meaning even where the asking-back rules found several items' entries
        if not confident and (not clarify or wants_item(repaired)):
            meant = self._meant_route(repaired, goal, items=items, index=index) or self._agreed_route(
                repaired, goal, fused=fused, items=items, index=index
            )
            # a goal in new words: the item its meaning points to answers it (the desk's own unsure route
            # when that is the same item or 一件事: a bundle before its own items)
            family = self.finder.families()
            if (
                meant is not None
                and (routed is None or self.goals.backs(goal, routed, family))
                and self._kind_backs(repaired, meant, goal)
            ):
                routed, clarify = routed or meant, []
                fused, confident = self.desk.routed_first(repaired, fused, index, routed), True
        confident = bool(fused) and confident
        return SearchResult(
            query=query,
            rewritten=rewritten,
            expansions=expansion.applied,
            corrections={f.wrong: f.right for f in fixes},
            confident=confident and not clarify and (routed is not None or confirmed or not decision.unsure),
            confidence=round(p, 4),
            hits=[hit_of(index, f) for f in fused[:k]],
            clarify=clarify,
            route=self._route(routed),
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def _described(self, query: str, qvec: np.ndarray | None, index: KnowledgeIndex) -> str | None:
        if self.concepts is None or not index.terms:
            return None
        return self.concepts.answers(query=query, qvec=qvec, index=index)

    def _term_confirmed(
        self,
        query: str,
        qvec: np.ndarray | None,
        fused: list[Fused],
        index: KnowledgeIndex,
        items: list[ItemMatch],
    ) -> bool:
        """Is the best entry a term clearly ahead of the next (``term_lead`` fused z-scores), in a question
        that names no item, and the term its sentences say the question describes (kb/concepts.py)? A
        concept described in a complaint sits far from every stored phrasing, so the confidence model
        doubts it, and one asked about in words that also ask for a department is vetoed as a route
        question; yet two views that agree on one term, one of them by far, are no chance likeness; the
        caller lets them stand over the desk's asking back from a per-item word, unless the question asks
        which situations (``ASKS_CASES``)."""
        if self.concepts is None or not fused or self.desk.names_item(items):
            return False
        first = index.entries[fused[0].entry]
        if first.kind != "term":
            return False
        if len(fused) > 1 and fused[0].score - fused[1].score < self.term_lead:
            return False
        return self.concepts.confirms(query=query, qvec=qvec, index=index, target=first.target)

    def _named_item_leads(self, fused: list[Fused], index: KnowledgeIndex, items: list[ItemMatch]) -> bool:
        """Does the question name its item (said, not guessed), and that item's entry lead the next by
        ``term_lead``? A case told in the applicant's own words sits far from the stored phrasings, so
        the confidence model doubts it; the item said outright and its entry far ahead of any other is
        the answer a desk colleague gives (the caller asks the KB to be somewhat sure, ``clarify_floor``,
        and the desk to have asked nothing back)."""
        if not fused or not self.desk.names_item(items):
            return False
        if index.entries[fused[0].entry].item != items[0].card.code:
            return False
        return len(fused) < 2 or fused[0].score - fused[1].score >= self.term_lead

    def _meant_route(
        self, query: str, goal: GoalMeaning, *, items: list[ItemMatch], index: KnowledgeIndex
    ) -> str | None:
        """The item an unanswered goal's meaning points to (kb/goal_meaning.py), for a question that says a
        goal (``says_goal``), names no item or asks for one, asks no concept, names no term and no licence
        the item never mentions."""
        if not says_goal(query) or (self.desk.names_item(items) and not wants_item(query)):
            return None
        if ASKS_CONCEPT.search(query) or HELD_LICENCE.search(query) or term_names(index).named(query):
            return None
        code = self.goals.route(goal)
        card = self.finder.card(code) if code else None
        if card is None or foreign_licence(query, card):
            return None
        return card.code

    def _agreed_route(
        self,
        query: str,
        goal: GoalMeaning,
        *,
        fused: list[Fused],
        items: list[ItemMatch],
        index: KnowledgeIndex,
    ) -> str | None:
        """The item of the KB's best item entry, when the items' sentences agree on its family
        (``MeaningRouter.agrees``), for a question that says a goal or asks what it takes (not the materials
        alone), asks no concept, names no term, no other item and no licence the item never mentions."""
        if (
            not says_goal(query, materials=False)
            or ASKS_CONCEPT.search(query)
            or term_names(index).named(query)
        ):
            return None
        best = self.desk._best_item(fused, index)
        card = self.finder.card(best) if best else None
        if card is None or foreign_licence(query, card):
            return None
        family, code = self.finder.families(), card.code
        named = items[0].card.code if self.desk.names_item(items) else code
        if family.get(named, named) != family.get(code, code):
            return None
        return code if self.goals.agrees(goal, code, family) else None

    def _route_sure(
        self, query: str, routed: str, sure: bool, *, items: list[ItemMatch], goal: GoalMeaning
    ) -> bool:
        """The desk's route stays as sure as the desk found it, unless it was found by meaning alone and the
        items' own sentences do not back it, or the business named is of a kind the item's cards never
        mention; and an unsure route is sure when the business is of a kind only its family's cards
        mention ("招聘网站": the agency licence's)."""
        if HELD_LICENCE.search(query):  # a licence already held (its annual review): no application answers
            return False
        family = self.finder.families()
        if self._kind_names(query) == family.get(routed, routed):
            return True
        if not sure or self.desk.names_item(items):
            return sure
        return self.goals.backs(goal, routed, family) and self._kind_backs(query, routed, goal)

    def _kind_backs(self, query: str, code: str, goal: GoalMeaning) -> bool:
        """A route found by meaning for a business of a kind no card of the item's family mentions
        (kb/business.py: "想开间理发店") is sure only when the items' sentences place it clearly with that
        family: the whole question, or else the business named on its own (one more encoding, only then)."""
        business = business_named(query)
        if business is None:
            return True
        family = self.finder.families()
        head = family.get(code, code)
        cards = [c for c in self.finder.cards if family.get(c.code, c.code) == head]
        if mentions(cards, business) or self.goals.vouches(goal, code, family):
            return True
        vec = self.query_vectors.embed(self.index.embedder, business.phrase)
        alone = GoalMeaning.read(self.finder.described(vec), self._cohort_level(vec))
        return self.goals.vouches(alone, code, family, alone=True)

    def _kind_names(self, query: str) -> str | None:
        """The one item family whose cards speak of the kind of business the question names ("开家人才招聘
        的公司": only the agency licence's card says 招聘), if exactly one does."""
        business = business_named(query)
        if business is None:
            return None
        family = self.finder.families()
        heads = {family.get(c.code, c.code) for c in self.finder.cards if mentions([c], business)}
        return heads.pop() if len(heads) == 1 else None

    def _route(self, code: str | None) -> RouteAnswer | None:
        card = self.finder.card(code) if code else None
        if card is None:
            return None
        return RouteAnswer(
            item=card.code,
            item_name=card.name,
            department=card.department,
            bundle=card.bundle,
            promise=card.promise,
            window=card.window,
            prepare=card.prepare,
        )

    def _cohort_level(self, qvec: np.ndarray) -> float:
        if len(self.cohort) == 0:
            return 0.0
        sims = self.cohort @ qvec
        top = np.sort(sims)[-3:]
        return float(top.mean())
