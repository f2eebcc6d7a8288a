"""Knowledge base: FAQs and service-guide sections, hybrid search, staff maintenance.

Public modules (what other packages import; tests/test_packages.py holds them to it): ``models``
(tables), ``schemas`` (values), ``service`` and ``service_staff`` (operations), ``base``
(``KnowledgeBase``, the search index, built once at start-up), ``embed`` (the embedding models,
``make_embedder``), ``passages`` (passage vectors cached per model), ``finder`` (the one item finder:
``ItemCard``, ``ItemFinder``), ``terms`` (glossary terms, kept by the hall's own department),
``referrals`` (首问负责: questions referred to the owning department), ``drafts`` (drafts of FAQs and terms,
hit-tested against the knowledge base as it would be after publishing, then published) and ``cli``
(typer app). The other modules are the search engine's parts (tokenizer, BM25, dense index, fusion,
confidence, section intent, 命中测试 scoring, ``preview``: searching as if a draft were published);
other packages use them through ``KnowledgeBase`` and ``service``.
"""

__all__ = [
    "base",
    "cli",
    "drafts",
    "embed",
    "finder",
    "models",
    "passages",
    "referrals",
    "schemas",
    "service",
    "service_staff",
    "terms",
]
