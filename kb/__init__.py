"""Knowledge base: FAQs and service-guide sections, hybrid search, staff maintenance.

Public surface: ``kb.models`` (tables), ``kb.schemas`` (values), ``kb.service`` (operations),
``kb.base.KnowledgeBase`` (the search index, built once at start-up), ``kb.hit_test``
(命中测试 scoring), ``kb.embed`` (the embedding models, ``make_embedder``), ``kb.passages`` (passage
vectors cached per model) and ``kb.cli`` (typer app). The other modules are the search engine's parts
(tokenizer, BM25, dense index, fusion, confidence, section intent); other packages use them through
``KnowledgeBase``.
"""
