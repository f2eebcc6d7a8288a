"""Keep the KB's service-guide sections in step with the rule files (one source of truth)."""

from __future__ import annotations

from sqlmodel import Session

from kb import service as kb_service
from kb.schemas import GuideSectionIn
from rules.book import RuleBook
from rules.guide import guide_sections


def sync_guides(session: Session, *, book: RuleBook) -> int:
    """Render every item's guide sections and store them; returns how many sections changed."""
    changed = 0
    for loaded in book.items.values():
        item = loaded.item
        sections = [
            GuideSectionIn(**s.model_dump(exclude={"department"}))
            for s in guide_sections(item, catalog=book.catalog)
        ]
        report = kb_service.sync_guide(
            session, item=item.code, department=item.department, sections=sections, item_name=item.name
        )
        changed += len(report.added) + len(report.updated) + len(report.removed)
    return changed
