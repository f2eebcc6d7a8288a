"""Which glossary terms a question names, and how plainly.

People name a concept by its title or one of its other names (别称), but as often by a piece of one
("综合窗口" for 无差别综合窗口, "信用代码" for 统一社会信用代码) or an abbreviation made the way Chinese
abbreviations are made, keeping the first character and some of the rest in order ("首问制" for
首问负责制, "综窗" for 综合窗口, "告承制" for 告知承诺制). Nobody can list every such name, so they
are derived from the names staff maintain:

* said: the title or another name (at least 2 characters) is in the question;
* clipped: a piece that starts or ends a name and is at least half of it, of at least 3 characters
  (2 for a name of 4 or more: 一窗, 并联);
* abbreviated: 2–4 characters of a name in order, the first one included, not contiguous in it.

A piece or abbreviation that jieba's general dictionary knows as an everyday word (承诺, 材料, 一次,
好评) names no concept, nor one that sits inside a name said outright in the question (受理后 inside
先受理后补交 is no piece of 前台受理后台审批). Clipped and abbreviated names score below a name said.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

__all__ = ["ABBREVIATED", "CLIPPED", "SAID", "Mention", "TermNames"]

SAID, CLIPPED, ABBREVIATED = 1.0, 0.8, 0.7
_EVERYDAY = 100  # jieba frequency at or above which a piece is an everyday word, not a name
_ABBREV_MAX = 4
_NOTE = re.compile(r"[（(][^）)]*[）)]")  # "授全委托书（常见错字）": the note is no part of the name
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass(frozen=True, slots=True)
class Mention:
    entry: int
    strength: float  # SAID, CLIPPED or ABBREVIATED
    start: int  # where in the question
    end: int


class TermNames:
    """The names of the terms, said, clipped and abbreviated; built once per set of term entries."""

    def __init__(self, terms: Iterable[tuple[int, Sequence[str]]], *, everyday: Callable[[str], int]) -> None:
        """``terms``: (entry, its title and other names); ``everyday``: a word's general frequency."""
        self._exact: dict[str, set[int]] = {}
        self._loose: dict[str, tuple[float, set[int]]] = {}
        names = [(entry, name) for entry, given in terms for name in map(_clean, given) if len(name) >= 2]
        for entry, name in names:
            self._exact.setdefault(name, set()).add(entry)
        for entry, name in names:
            if not _CJK.match(name):
                continue
            for piece, strength in _pieces(name):
                if piece in self._exact or everyday(piece) >= _EVERYDAY:
                    continue
                known, entries = self._loose.get(piece, (0.0, set()))
                if strength > known:  # the plainer reading wins (a clipped name over an abbreviation)
                    self._loose[piece] = (strength, {entry})
                elif strength == known:
                    entries.add(entry)
        self._longest = max((len(n) for n in [*self._exact, *self._loose]), default=0)

    def named(self, query: str) -> dict[int, float]:
        """Each term entry the question names, with how plainly (SAID, CLIPPED or ABBREVIATED)."""
        out: dict[int, float] = {}
        for m in self.mentions(query):
            out[m.entry] = max(out.get(m.entry, 0.0), m.strength)
        return out

    def mentions(self, query: str) -> list[Mention]:
        """Every place the question names a term; longer names first, a loose name never inside a
        name said outright."""
        out: list[Mention] = []
        sizes = range(min(self._longest, len(query)), 1, -1)
        for size in sizes:
            for start in range(len(query) - size + 1):
                for entry in self._exact.get(query[start : start + size], ()):
                    out.append(Mention(entry, SAID, start, start + size))
        said = [(m.start, m.end) for m in out]
        for size in sizes:
            for start in range(len(query) - size + 1):
                found = self._loose.get(query[start : start + size])
                if found is None or any(s <= start and start + size <= e for s, e in said):
                    continue
                out.extend(Mention(entry, found[0], start, start + size) for entry in found[1])
        return out


def _clean(name: str) -> str:
    return _NOTE.sub("", name).strip()


def _pieces(name: str) -> list[tuple[str, float]]:
    """The clipped pieces and the abbreviations of one name."""
    out: list[tuple[str, float]] = []
    n = len(name)
    for size in range(max(2 if n >= 4 else 3, (n + 1) // 2), n):
        out.extend([(name[:size], CLIPPED), (name[n - size :], CLIPPED)])
    for size in range(2, min(_ABBREV_MAX, n - 1) + 1):
        for rest in combinations(range(1, n), size - 1):
            if rest[-1] - rest[0] == size - 2 and rest[0] == 1:
                continue  # contiguous from the start: a prefix, a clipped piece if anything
            out.append((name[0] + "".join(name[i] for i in rest), ABBREVIATED))
    return out
