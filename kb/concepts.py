"""Which concept a question describes without naming it ("材料差一份能不能先收下" is 容缺受理).

People who do not know a concept's name describe it, in words neither its title nor its other names
hold, and such a question sits far from the stored phrasings: the confidence model rightly doubts it,
as it doubts any question it cannot place. What places it is what the concept *says*: the sentences of
its definition (staff maintain them, so they change with every edit) and the hall's everyday wordings of
it (corpus/term_wordings.yaml, written from the definitions), seen two ways that rarely agree by chance:

* meaning: the mean cosine of the question to the term's ``depth`` closest sentences (e5; one close
  sentence may be a likeness of a single clause, several say what the concept is about);
* wording: the question's character pairs found in the term's sentences, each weighted by its rarity
  over the terms (idf), so 原件 counts for 复印件核验原件 and 材料 counts for nothing.

A question describes a term when that term leads both: first by meaning, clearly ahead of the second
term (``lead``), and first by wording. kb/search.py then answers with it (kb/desk.py keeps its asking
back and routing first: a goal or a matter each item settles its own way is no concept).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from kb.cues import ASKS_MEANING, term_names
from kb.embed import Embedder
from kb.fusion import Fused
from kb.goals import asks_item
from kb.index import KnowledgeIndex
from kb.text import bigram_tokens, normalize

__all__ = ["Described", "TermDescriptions", "put_first"]

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
_SHORTEST = 6  # a sentence shorter than this says too little to describe a concept


@dataclass(frozen=True, slots=True)
class _Sentences:
    """One build: each live term's sentences, their vectors (rows of ``matrix``, ``owner`` saying whose)
    and character pairs, with the pairs' idf over the terms."""

    key: tuple[int, tuple[int, ...]] | None
    targets: list[str]
    owner: np.ndarray
    matrix: np.ndarray | None
    grams: list[set[str]]
    idf: dict[str, float]


class Described(BaseModel):
    target: str  # term:<词条>
    meaning: float  # the mean cosine of its closest sentences
    lead: float  # ahead of the second term by meaning
    wording: float  # the summed idf of the question's pairs found in its sentences
    wording_first: bool  # no other term shares as much of the question's wording


class TermDescriptions:
    """The sentences that describe each live term, embedded once per text (an edit embeds only what
    it changed), rebuilt when the index's terms change."""

    def __init__(
        self,
        *,
        embedder: Embedder,
        wordings: Mapping[str, Sequence[str]] | None = None,
        depth: int = 2,
        floor: float = 0.905,
        lead: float = 0.0,
        wording: float = 4.5,
    ) -> None:
        """``floor``, ``lead``: the meaning a described term needs, and its lead over the second term;
        ``wording``: the summed idf of the question's pairs it needs in its sentences."""
        self.embedder = embedder
        self.wordings = {k: list(v) for k, v in (wordings or {}).items()}
        self.depth = depth
        self.floor = floor
        self.lead = lead
        self.wording = wording
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}  # by text: an edit embeds only what it changed
        self._built = _Sentences(
            key=None, targets=[], owner=np.zeros(0, np.int64), matrix=None, grams=[], idf={}
        )

    def prepare(self, index: KnowledgeIndex) -> _Sentences:
        """The sentences of the index's live terms, built again only when they change (an edit makes a
        new entry); a search holds one snapshot, whatever a concurrent rebuild does."""
        key = (id(index), tuple(sorted(index.terms.values())))
        built = self._built
        if built.key == key:
            return built
        with self._lock:
            if self._built.key != key:
                self._built = self._build(index, key)
            return self._built

    def _build(self, index: KnowledgeIndex, key: tuple[int, tuple[int, ...]]) -> _Sentences:
        texts: list[str] = []
        owner: list[int] = []
        targets: list[str] = []
        grams: list[set[str]] = []
        for n, entry in enumerate(index.entries[i] for i in key[1]):
            said = sentences(entry.body) + self.wordings.get(entry.title, [])
            targets.append(entry.target)
            grams.append({b for s in said for b in bigram_tokens(normalize(s))})
            texts.extend(said)
            owner.extend([n] * len(said))
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = np.asarray(self.embedder.embed_passages(missing), dtype=np.float32)
            self._vectors.update(zip(missing, fresh, strict=True))
        rows = [self._vectors[t] for t in texts]
        df: dict[str, int] = {}
        for own in grams:
            for b in own:
                df[b] = df.get(b, 0) + 1
        return _Sentences(
            key=key,
            targets=targets,
            owner=np.asarray(owner, dtype=np.int64),
            matrix=np.stack(rows) if rows else None,
            grams=grams,
            idf={b: float(np.log(len(grams) / n)) for b, n in df.items()},
        )

    def scores(self, query: str, qvec: np.ndarray, index: KnowledgeIndex) -> dict[str, tuple[float, float]]:
        """Per term: (meaning, wording) as the module docstring says."""
        built = self.prepare(index)
        if built.matrix is None:
            return {}
        sims = built.matrix @ qvec
        grams = set(bigram_tokens(normalize(query)))
        out: dict[str, tuple[float, float]] = {}
        for n, target in enumerate(built.targets):
            own = np.sort(sims[built.owner == n])[::-1][: self.depth]
            wording = sum(built.idf.get(b, 0.0) for b in grams & built.grams[n])
            out[target] = (float(own.mean()) if len(own) else 0.0, wording)
        return out

    def described(self, query: str, qvec: np.ndarray | None, index: KnowledgeIndex) -> Described | None:
        """The term the question's meaning points to first, with how far ahead and its wording."""
        if qvec is None:
            return None
        per = self.scores(query, qvec, index)
        if not per:
            return None
        ranked = sorted(per, key=lambda t: -per[t][0])
        best = ranked[0]
        second = per[ranked[1]][0] if len(ranked) > 1 else 0.0
        top_wording = max(w for _, w in per.values())
        return Described(
            target=best,
            meaning=per[best][0],
            lead=per[best][0] - second,
            wording=per[best][1],
            wording_first=per[best][1] > 0 and per[best][1] >= top_wording,
        )

    def answers(self, *, query: str, qvec: np.ndarray | None, index: KnowledgeIndex) -> str | None:
        """The term a question describes without naming any: first by meaning (at least ``floor``, ahead
        of the second by ``lead``) and by wording (at least ``wording``). None for a question that asks
        for the item ("要办什么") or names a term (the name rules answer it)."""
        if asks_item(query) and not ASKS_MEANING.search(query):
            return None
        if term_names(index).named(query):
            return None
        found = self.described(query, qvec, index)
        if found is None or not found.wording_first:
            return None
        if found.meaning < self.floor or found.lead < self.lead or found.wording < self.wording:
            return None
        return found.target

    def confirms(self, *, query: str, qvec: np.ndarray | None, index: KnowledgeIndex, target: str) -> bool:
        """Does the question describe ``target`` as :meth:`answers` asks (first by meaning, at least
        ``floor``, and first by wording, at least ``wording``), whatever names it says? The search that
        ranks a term first by far is then confirmed by the term's own sentences, two views that rarely
        agree by chance (a complaint about being sent back for one new defect each visit is 一次性告知
        both ways)."""
        found = self.described(query, qvec, index)
        return (
            found is not None
            and found.target == target
            and found.wording_first
            and found.meaning >= self.floor
            and found.lead >= self.lead
            and found.wording >= self.wording
        )

    def compared(self, *, query: str, qvec: np.ndarray | None, index: KnowledgeIndex) -> str | None:
        """The term a concept question that names none describes most closely by meaning (at least
        ``floor``): "改了再来…跟直接不给办是一回事吗" asks about 不予受理 though the search ranks the closest
        stored term first by its words (一次性告知)."""
        if term_names(index).named(query):
            return None
        found = self.described(query, qvec, index)
        return found.target if found is not None and found.meaning >= self.floor else None


def put_first(fused: Sequence[Fused], index: KnowledgeIndex, target: str) -> list[Fused]:
    """The ranking with ``target`` first (added when the search did not find it)."""
    at = index.by_target[target]
    top = fused[0].score if fused else 0.0
    first = next((f for f in fused if f.entry == at), None) or Fused(entry=at, score=top)
    first.score = top + 1.0
    return [first, *(f for f in fused if f.entry != at)]


def sentences(definition: str) -> list[str]:
    """A definition's sentences, each long enough to say something."""
    return [s.strip() for s in _SENTENCE_END.split(definition) if len(s.strip()) >= _SHORTEST]
