"""The notices of standards README §10 (and any kind added to ``KINDS``): what a case's notice says
(``compose``, ``build_notice``), worded and laid out by the templates as HTML, and printed from that HTML
as A4 PDF (reportlab, CJK font embedded, Chinese line breaking)."""

from window.notices.content import (
    KINDS,
    ConditionRow,
    DefectRow,
    Notice,
    NoticeKind,
    SampleLink,
    build_notice,
)
from window.notices.render import html, pdf, style_hashes
from window.notices.service import compose, decided, notice_number

__all__ = [
    "KINDS",
    "ConditionRow",
    "DefectRow",
    "Notice",
    "NoticeKind",
    "SampleLink",
    "build_notice",
    "compose",
    "decided",
    "html",
    "notice_number",
    "pdf",
    "style_hashes",
]
