"""Normalisation of names and numbers before comparison (standards README §7.1).

Deliberately narrow: whitespace, full-width ASCII and full-width brackets only. Anything further
(simplified/traditional, 有限公司 vs 有限责任公司, typos) is a real difference and must stay one.
"""

from __future__ import annotations

import re

from rules import identity as rules_identity

_SPACE = re.compile(r"\s+")
_FULLWIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E are U+0021..U+007E shifted by this


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (Ａ１（：) and the ideographic space to their half-width forms."""
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULLWIDTH_OFFSET))
        else:
            out.append(ch)
    return "".join(out)


def strip_spaces(text: str) -> str:
    return _SPACE.sub("", text.replace("\u3000", " "))


# The comparison itself is the contract's and lives with the rules; extraction uses the same one.
normalize_name = rules_identity.normalize_name
normalize_number = rules_identity.normalize_number


def same_name(a: str, b: str) -> bool:
    return normalize_name(a) == normalize_name(b)


def same_number(a: str, b: str) -> bool:
    return normalize_number(a) == normalize_number(b)
