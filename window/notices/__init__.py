"""The four notices of standards README §10: what a case's notice says (``compose``, ``build_notice``),
as HTML (Jinja2) and A4 PDF (reportlab, CJK font embedded)."""

from window.notices.content import Notice, build_notice
from window.notices.extension import build_extension_notice
from window.notices.render import html, pdf, style_hashes
from window.notices.service import compose

__all__ = ["Notice", "build_extension_notice", "build_notice", "compose", "html", "pdf", "style_hashes"]
