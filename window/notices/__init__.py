"""The notices of standards README §10 (and any kind added to ``KINDS``): what a case's notice says
(``compose``, ``build_notice``), worded and laid out by the templates as HTML, and printed from that HTML
as A4 PDF (reportlab, CJK font embedded, Chinese line breaking)."""

from window.notices.content import (
    EXTENSION,
    KINDS,
    ConditionRow,
    DefectRow,
    Notice,
    NoticeKind,
    SampleLink,
    build_notice,
)
from window.notices.extension import build_extension_notice
from window.notices.render import html, pdf, style_hashes
from window.notices.service import compose, decided, notice_number, noticed_run

__all__ = [
    "EXTENSION",
    "KINDS",
    "ConditionRow",
    "DefectRow",
    "Notice",
    "NoticeKind",
    "SampleLink",
    "build_extension_notice",
    "build_notice",
    "compose",
    "decided",
    "html",
    "notice_number",
    "noticed_run",
    "pdf",
    "style_hashes",
]
