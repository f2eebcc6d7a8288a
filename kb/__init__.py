"""Knowledge base: FAQs and service-guide sections, hybrid search, staff maintenance.

Public surface: ``kb.models`` (tables), ``kb.schemas`` (values), ``kb.service`` (operations),
``kb.search`` (:class:`~kb.search.KnowledgeBase`, built once at start-up), ``kb.cli`` (typer app).
"""
