"""Query-time glossary: abbreviations and colloquial names rewritten to the knowledge base's terms.

Applied to the query, not the index, so staff edits take effect on the next search. A term is
expanded only where it does not already sit inside one of its expansions (执照 inside 营业执照).
Longer terms win over shorter ones they overlap (危化证 before 危化).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field


class Expansion(BaseModel):
    text: str = Field(description="The query with each term replaced by its first expansion.")
    extra: list[str] = Field(default_factory=list, description="Further expansions, for keyword search only.")
    applied: dict[str, str] = Field(default_factory=dict)


class Glossary:
    def __init__(self, terms: Mapping[str, Sequence[str]]) -> None:
        self._terms = {t: list(e) for t, e in terms.items() if t and e}
        self._order = sorted(self._terms, key=len, reverse=True)

    def __len__(self) -> int:
        return len(self._terms)

    def words(self) -> list[str]:
        return [w for t, exps in self._terms.items() for w in (t, *exps)]

    def expand(self, query: str) -> Expansion:
        taken = [False] * len(query)
        spans: list[tuple[int, int, str]] = []
        for term in self._order:
            start = query.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(taken[start:end]) and not self._inside_expansion(query, start, end, term):
                    spans.append((start, end, term))
                    taken[start:end] = [True] * len(term)
                start = query.find(term, end)
        if not spans:
            return Expansion(text=query)
        out, extra, applied, pos = [], [], {}, 0
        for start, end, term in sorted(spans):
            first, *rest = self._terms[term]
            out.append(query[pos:start] + first)
            extra.extend(rest)
            applied[term] = first
            pos = end
        out.append(query[pos:])
        return Expansion(text="".join(out), extra=extra, applied=applied)

    def _inside_expansion(self, query: str, start: int, end: int, term: str) -> bool:
        for exp in self._terms[term]:
            offset = exp.find(term)
            while offset >= 0:
                s = start - offset
                if s >= 0 and query[s : s + len(exp)] == exp:
                    return True
                offset = exp.find(term, offset + 1)
        return False
