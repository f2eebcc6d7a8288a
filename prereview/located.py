"""A recognised page as assembly sees it, and how marks are looked for on a page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prereview.documents import Mark, Page
from prereview.recognise import PageLabel, PageView

__all__ = ["Located", "MarkFinder"]

MarkFinder = Callable[[Page, str], list[Mark]]  # (page, "seal" | "signature") -> marks found


@dataclass
class Located:
    view: PageView
    label: PageLabel
    file_name: str
