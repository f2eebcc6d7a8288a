"""Knowledge base: FAQs and service-guide sections, hybrid search, staff maintenance.

Public surface: ``kb.models`` (tables), ``kb.schemas`` (values), ``kb.service`` (operations),
``kb.base.KnowledgeBase`` (the search index, built once at start-up), ``kb.hit_test``
(命中测试 scoring) and ``kb.cli`` (typer app). Modules starting with ``_`` are the engine.
"""
