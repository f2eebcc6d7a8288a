"""The knowledge base as the service runs it: seeded and kept in step with the rules in effect on
start, its index opened once, its retention applied by the sweeper."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import Session, func, select

from api.guides import item_cards, load_navigation, sync_guides
from core.config import Settings
from core.db import Database
from kb import service as kb_service
from kb import terms as kb_terms
from kb.base import KnowledgeBase
from kb.embed import Embedder, make_embedder
from kb.finder import ItemCard
from kb.passages import passage_cache
from rules.book import RuleBook
from rules.live import RuleLibrary
from rules.loader import LoadedItem
from rules.models import utcnow
from window.models import Case

log = logging.getLogger("yichuang.api.kb")


def prepare(db: Database, *, settings: Settings, library: RuleLibrary) -> None:
    """Seed the shipped FAQs and glossary, and the service-guide sections of the rules in effect (under
    the startup lock; the tables come from the migrations, which the start runs first)."""
    with db.scope() as session:
        if not kb_service.list_faqs(session):
            n = kb_service.seed_faqs(session, faq_dir=settings.corpus_dir / "faq")
            log.info("seeded %d FAQs", n)
        kb_service.seed_glossary(session)
        glossary = settings.corpus_dir / "glossary.md"
        if glossary.exists():
            n = kb_terms.seed_terms(session, path=glossary, department=settings.hall_department)
            log.info("seeded %d terms", n)
    with db.scope() as session:
        sync_item_guides(session, library=library, items=library.items_on(utcnow().date()))


def sync_item_guides(session: Session, *, library: RuleLibrary, items: dict[str, LoadedItem]) -> int:
    """Render the guide sections of these loaded items (the rules in effect) into the KB."""
    return sync_guides(session, book=RuleBook(catalog=library.context.catalog, items=items, errors=[]))


def purge_questions(session: Session, *, older_than: timedelta) -> int:
    """The retention of the unanswered questions (kb.service.purge_unanswered)."""
    return int(kb_service.purge_unanswered(session, before=utcnow() - older_than))


def current_items(session: Session, *, settings: Settings, library: RuleLibrary) -> list[ItemCard]:
    """The item finder's cards for the rules in effect today, with the hall's navigation data and the
    number of cases handled per item."""
    book = RuleBook(catalog=library.context.catalog, items=library.items_on(utcnow().date()), errors=[])
    return book_items(session, settings=settings, book=book)


def book_items(session: Session, *, settings: Settings, book: RuleBook) -> list[ItemCard]:
    """The item finder's cards for the items of ``book``, with the hall's navigation data and the
    number of cases handled per item (also what ``yichuang kb`` commands search and export with)."""
    counts = dict(session.exec(select(Case.item, func.count()).group_by(Case.item)).all())
    return item_cards(
        book,
        navigation=load_navigation(settings.corpus_dir / "finder.yaml"),
        glossary=kb_service.glossary_terms(session),
        cases=counts,
    )


def refresh_item(
    kb: KnowledgeBase, session: Session, *, settings: Settings, library: RuleLibrary, loaded: LoadedItem
) -> None:
    """A new rule version took effect: the item finder's card of that item follows it."""
    book = RuleBook(catalog=library.context.catalog, items={loaded.item.code: loaded}, errors=[])
    old = kb.finder.card(loaded.item.code)
    fresh = item_cards(
        book,
        navigation=load_navigation(settings.corpus_dir / "finder.yaml"),
        glossary=kb_service.glossary_terms(session),
        cases={loaded.item.code: old.cases if old else 0},
    )
    kb.set_items([*(c for c in kb.finder.cards if c.code != loaded.item.code), *fresh])


def open_index(
    db: Database, *, settings: Settings, library: RuleLibrary | None = None, embedder: Embedder | None = None
) -> KnowledgeBase:
    """Open the KB index (embedding what changed since it was saved); ``embedder`` instead of the
    configured model (tests)."""
    embedder = embedder or make_embedder(
        backend=settings.embedding_backend,
        model_path=settings.embedding_model_path,
        query_prefix=settings.embedding_query_prefix,
        passage_prefix=settings.embedding_passage_prefix,
        threads=settings.embedding_threads,
    )
    # passages embedded before (shipped with the corpus, or by an earlier build) are not embedded again
    cache = passage_cache(embedder, corpus_dir=settings.corpus_dir, cache_dir=settings.effective_kb_index_dir)
    try:
        with db.scope() as session:
            items = current_items(session, settings=settings, library=library) if library else []
            return KnowledgeBase.open(
                session,
                embedder=cache,
                index_dir=settings.effective_kb_index_dir,
                keyword_weight=settings.kb_keyword_weight,
                approx_above=settings.kb_approx_above,
                query_cache=settings.kb_query_cache,
                items=items,
                wordings=kb_terms.load_wordings(settings.corpus_dir / "term_wordings.yaml"),
            )
    finally:
        cache.close()
