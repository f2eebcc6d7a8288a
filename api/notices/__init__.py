"""The four notices of standards README §10 as HTML (Jinja2) and A4 PDF (reportlab, CJK font embedded)."""
