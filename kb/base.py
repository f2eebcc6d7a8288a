"""The knowledge base as the app holds it: built once at start-up, kept in step with the database.

``KnowledgeBase.open`` (call it from the app's lifespan, or the CLI) loads the stored index,
checks it against the database and applies the difference (or builds from scratch when the
model, its dimension or the token scheme changed); afterwards every ``search`` first replays the
change log, so an entry saved in any worker is searchable within ``catch_up_interval``. All
heavy work is CPU-bound and synchronous: the API calls it from a thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

from sqlmodel import Session

from kb import service, store
from kb.concepts import TermDescriptions
from kb.confidence import ConfidenceModel, Features, fit, load_calibration, save_calibration
from kb.embed import Embedder
from kb.feed import ChangeCursor
from kb.finder import ItemCard, ItemFinder
from kb.glossary import Glossary
from kb.hit_test import evaluate
from kb.index import KnowledgeIndex, Progress
from kb.intent import SectionIntent
from kb.schemas import HitTestCase, HitTestReport, SearchResult, SyncReport
from kb.search import Mode, Searcher
from kb.service_staff import COHORT_CHANGE, GLOSSARY_CHANGE
from kb.spell import HomophoneCorrector
from kb.text import Tokenizer, WordSegmenter, domain_words

log = logging.getLogger(__name__)
_VOCAB_CHARS = 2_000_000  # cap on text segmented for the typo vocabulary (start-up time)


def _concepts(
    index: KnowledgeIndex, embedder: Embedder, wordings: Mapping[str, Sequence[str]] | None
) -> TermDescriptions:
    """The terms' describing sentences, embedded now (through the passage cache while it is open)."""
    concepts = TermDescriptions(embedder=embedder, wordings=wordings)
    concepts.prepare(index)
    return concepts


def shipped_cohort() -> list[str]:
    text = (Path(__file__).parent / "cohort.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


class KnowledgeBase:
    def __init__(
        self,
        *,
        index: KnowledgeIndex,
        index_dir: Path | None,
        searcher: Searcher,
        seq: int,
        catch_up_interval: float = 0.5,
    ) -> None:
        self.index_dir = index_dir
        self.searcher = searcher
        self.catch_up_interval = catch_up_interval
        self.changes = ChangeCursor(seq)
        self._checked_at = time.monotonic()
        self._dirty = False
        self._lock = threading.Lock()

    @property
    def index(self) -> KnowledgeIndex:
        return self.searcher.index

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        session: Session,
        *,
        embedder: Embedder,
        index_dir: Path | None,
        mode: Mode = "hybrid",
        keyword_weight: float = 0.35,
        approx_above: int = 50_000,
        query_cache: int = 256,
        progress: Progress | None = None,
        items: Sequence[ItemCard] = (),
        wordings: Mapping[str, Sequence[str]] | None = None,
    ) -> KnowledgeBase:
        """``items``: what the item finder knows of each item (the caller reads the rule files);
        ``wordings``: the hall's everyday wordings of each term, by title (corpus/term_wordings.yaml)."""
        glossary = Glossary(service.glossary_terms(session))
        segmenter = WordSegmenter(glossary.words())
        tokenizer = Tokenizer(fields=("char", "bigram"), segmenter=segmenter)
        seq = service.last_change(session)  # before reading: a change racing us is replayed, not lost
        docs = service.index_documents(session)
        index: KnowledgeIndex | None = None
        if index_dir is None:
            index = KnowledgeIndex(embedder=embedder, tokenizer=tokenizer, approx_above=approx_above)
            index.sync(docs, progress=progress)
        else:
            with store.writer_lock(index_dir):
                try:
                    index = store.load(
                        index_dir, embedder=embedder, tokenizer=tokenizer, approx_above=approx_above
                    )
                except store.IndexMismatch as why:
                    log.info("building the KB index from scratch: %s", why)
                    index = KnowledgeIndex(embedder=embedder, tokenizer=tokenizer, approx_above=approx_above)
                report = index.sync(docs, progress=progress)
                rebuild = not index.built_as(docs)
                if rebuild:  # what was stored and caught up answers as a build from scratch does
                    index = index.rebuilt(docs, progress=progress)
                changed = rebuild or report.added or report.updated or report.removed
                if changed or store.current_generation(index_dir) is None:
                    store.save(index, index_dir)
        calibration = (
            load_calibration(index_dir / "calibration.json", embedder.model_id) if index_dir else None
        )
        searcher = Searcher(
            index=index,
            glossary=glossary,
            corrector=_corrector(index, segmenter, glossary),
            confidence=ConfidenceModel(model_id=embedder.model_id, calibration=calibration),
            cohort=embedder.embed_passages(shipped_cohort() + service.out_of_scope_questions(session)),
            intent=SectionIntent(embedder),
            finder=ItemFinder(items or _cards_from_index(index), embedder=embedder),
            concepts=_concepts(index, embedder, wordings),
            mode=mode,
            keyword_weight=keyword_weight,
            query_cache=query_cache,
        )
        return cls(index=index, index_dir=index_dir, searcher=searcher, seq=seq)

    def save(self, *, force: bool = False) -> bool:
        """Persist the in-memory index if it changed since it was loaded or saved."""
        if self.index_dir is None or not (self._dirty or force):
            return False
        with store.writer_lock(self.index_dir):
            store.save(self.index, self.index_dir)
        self._dirty = False
        return True

    def reindex(self, session: Session, *, progress: Progress | None = None) -> SyncReport:
        """Rebuild from the database into a new index; searches use the old one until the swap.

        The new generation is on disk before it becomes current, so a crash mid-way leaves the
        previous index in use (and on disk).
        """
        old = self.index
        seq = service.last_change(session)
        docs = service.index_documents(session)
        fresh = KnowledgeIndex(
            embedder=old.embedder,
            tokenizer=old.tokenizer,
            chunk_chars=old.chunk_chars,
            approx_above=old.vectors.approx_above,
        )
        report = fresh.sync(docs, progress=progress)
        if self.index_dir is not None:
            with store.writer_lock(self.index_dir):
                store.save(fresh, self.index_dir)
        with self._lock:
            self.searcher.index = fresh
            self.changes.rewind(seq)
            self._dirty = False
        self.catch_up(session, force=True)
        return report

    @property
    def finder(self) -> ItemFinder:
        return self.searcher.finder

    def set_items(self, items: Sequence[ItemCard]) -> None:
        """New item cards (the rules in effect changed): the finder is rebuilt, then swapped in."""
        self.searcher.finder = ItemFinder(items, embedder=self.index.embedder)

    # -- keeping in step ---------------------------------------------------------------------

    def catch_up(self, session: Session, *, force: bool = False) -> int:
        """Apply changes other sessions committed since the last look; returns how many targets."""
        now = time.monotonic()
        if not force and now - self._checked_at < self.catch_up_interval:
            return 0
        with self._lock:
            self._checked_at = now
            rows = service.changes_since(session, seq=self.changes.read_from)
            fresh = self.changes.unseen(n for n, _ in rows)
            if not fresh:
                self.changes.advance(())  # lets go of holes older than any transaction
                return 0
            targets = {target for n, target in rows if n in fresh}
            if GLOSSARY_CHANGE in targets:
                self._reload_glossary(session)
            if COHORT_CHANGE in targets:
                emb = self.index.embedder
                self.searcher.cohort = emb.embed_passages(
                    shipped_cohort() + service.out_of_scope_questions(session)
                )
            entries = {t for t in targets if not t.startswith("@")}
            docs = service.index_documents(session, targets=entries)
            self.index.upsert(docs)
            self.index.remove(entries - {d.target for d in docs})
            self.changes.advance(fresh)
            self._dirty = True
            return len(targets)

    def _reload_glossary(self, session: Session) -> None:
        glossary = Glossary(service.glossary_terms(session))
        if self.index.tokenizer.segmenter is not None:
            self.index.tokenizer.segmenter.add_words(glossary.words())
        self.searcher.glossary = glossary
        self.searcher.corrector.add_vocabulary(glossary.words())

    # -- searching ---------------------------------------------------------------------------

    def search(
        self,
        session: Session | None,
        *,
        query: str,
        k: int = 10,
        item: str | None = None,
        department: str | None = None,
        today: date | None = None,
        log_unanswered: bool = True,
        mode: Mode | None = None,
    ) -> SearchResult:
        if session is not None:
            self.catch_up(session)
        result = self.searcher.run(query=query, k=k, item=item, department=department, today=today, mode=mode)
        if session is not None and log_unanswered and not result.confident:
            best = result.hits[0].target if result.hits else None
            service.log_unanswered(
                session,
                query=query,
                item=item,
                department=department,
                best_target=best,
                best_confidence=result.confidence,
            )
        return result

    def hit_test(
        self,
        cases: list[HitTestCase],
        *,
        k: int = 10,
        mode: Mode | None = None,
        on_result: Callable[[HitTestCase, SearchResult], None] | None = None,
    ) -> HitTestReport:
        results = []
        for case in cases:
            result = self.searcher.run(query=case.query, k=k, mode=mode)
            if on_result:
                on_result(case, result)
            results.append(result)
        return evaluate(cases, results, k=k)

    def calibrate(self, cases: list[HitTestCase], *, threshold: float = 0.5) -> HitTestReport:
        """Fit the confidence model to labelled questions (both kinds needed) and keep it."""
        feats: list[Features] = []
        for case in cases:
            run = self.searcher.run(query=case.query, k=1, mode="dense")
            top = run.hits[0].why.vector_score if run.hits else 0.0
            qvec = self.index.embedder.embed_queries([run.rewritten])[0]
            feats.append(Features(top=top, margin=(top or 0.0) - self.searcher._cohort_level(qvec)))
        cal = fit(self.index.model_id, feats, [bool(c.targets) for c in cases], threshold=threshold)
        self.searcher.confidence = ConfidenceModel(model_id=cal.model_id, calibration=cal)
        if self.index_dir is not None:
            save_calibration(self.index_dir / "calibration.json", cal)
        return self.hit_test(cases)


def _cards_from_index(index: KnowledgeIndex) -> list[ItemCard]:
    """Without the caller's item cards (the CLI, which reads no rule file), the items the entries name:
    an item's official name said in a question still tells the search which item it is about."""
    cards: dict[str, ItemCard] = {}
    for entry in index.entries:
        if entry.alive and entry.item and entry.item_name and entry.item not in cards:
            cards[entry.item] = ItemCard(code=entry.item, name=entry.item_name, department=entry.department)
    return list(cards.values())


def _corrector(index: KnowledgeIndex, segmenter: WordSegmenter, glossary: Glossary) -> HomophoneCorrector:
    corrector = HomophoneCorrector(segmenter=segmenter)
    words: list[str] = []
    for phrase in [*domain_words(), *glossary.words()]:
        words.extend(segmenter.cut_for_search(phrase))
    budget = _VOCAB_CHARS
    for text in index.vocabulary_texts():
        if budget <= 0:
            break
        budget -= len(text)
        words.extend(segmenter.cut(text))
    corrector.add_vocabulary(words)
    return corrector
