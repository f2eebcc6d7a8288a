"""One item finder: from what a person says ("想开个小饭馆", "取水证", "qsxk") to the item(s).

Shared by the consultation desk (routing a goal to its item) and the self-check's item search.
kb knows nothing of rule files: the caller hands in one :class:`ItemCard` per item, with the
names, goals and facts the rule files and the hall's navigation data give (api builds them).

A match is scored from several signals, the strongest counting:

* literal: the code, the official name, a common name or a goal inside the question (or the
  question inside them, for a search box that gets "货运"), weighted by how much of the name
  the question covers;
* pinyin: the same in toneless pinyin, so homophone slips (取水许可 → 去水许可) still hit, and
  initials ("qsxk") for a search box;
* meaning: the question's vector against "我想{goal}" and the names (e5), for goals nobody
  wrote down in those words.

Apart from the match, ``described`` reads the question against each item's whole everyday sentences of
what it lets a person do (``ItemCard.says``): the desk's cue-free view of which item a goal needs
(kb/goal_meaning.py).

Ties go to the item the hall handles most (case counts). A bundle whose goal matches comes
before the single items it contains (一件事 first).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field
from pypinyin import Style, lazy_pinyin

from kb.embed import Embedder
from kb.term_names import ABBREVIATED, TermNames
from kb.text import bigram_tokens, everyday_freq, normalize

__all__ = ["ItemCard", "ItemFinder", "ItemMatch"]

_MEANING_FLOOR = 0.86  # e5 cosines below this are noise between any two Chinese phrases
_MEANT_CHARS = 5
_SHORT_CHARS = 3  # a shortened name of two characters reads into too many questions
_SHARED_NAME = 0.75  # a name that is also other items' material: a hint, below a name said outright
_NON_WORD = re.compile(r"[\W_]+")


class ItemCard(BaseModel):
    """What the finder knows of one item (plain data; built by the caller from the rule files)."""

    code: str
    name: str
    department: str
    bundle: bool = False
    members: list[str] = Field(default_factory=list, description="A bundle's single items.")
    names: list[str] = Field(default_factory=list, description="Common names and abbreviations.")
    goals: list[str] = Field(default_factory=list, description="What people say they want to do.")
    says: list[str] = Field(
        default_factory=list,
        description="What the item lets a person do, in whole everyday sentences (no names): matched by "
        "meaning only, to tell which item a goal in new words needs (``ItemFinder.described``).",
    )
    events: list[str] = Field(default_factory=list, description="Life / business events, for browsing.")
    about: list[str] = Field(
        default_factory=list,
        description="What the item's own guide says it covers (scope, result, sub-items, who may apply): "
        "matched by meaning only, so a goal nobody listed still finds its item.",
    )
    results: str = ""
    promise: str = ""
    promise_days: int = 0
    window: str = ""
    prepare: list[str] = Field(default_factory=list, description="The materials to bring, by name.")
    cases: int = Field(default=0, description="How many cases the hall handled: ties go to the common one.")


class ItemMatch(BaseModel):
    card: ItemCard
    score: float
    why: str = Field(description="What matched: 编码 / 名称 / 俗称 / 办事目标 / 拼音 / 语义 / 事项说明.")
    matched: str = ""


class ItemFinder:
    def __init__(self, cards: Sequence[ItemCard], *, embedder: Embedder | None = None) -> None:
        self.cards = list(cards)
        self.embedder = embedder
        self._phrases: list[tuple[int, str, str]] = []  # (card, kind, text)
        for i, c in enumerate(self.cards):
            self._phrases.append((i, "名称", c.name))
            self._phrases.extend((i, "俗称", n) for n in c.names)
            self._phrases.extend((i, "办事目标", g) for g in c.goals)
        # the guide's own words are long and full of common words: as vectors only, never literally
        guide = [(i, "事项说明", a) for i, c in enumerate(self.cards) for a in c.about]
        self._pinyin = [_pinyin(t) for _, _, t in self._phrases]
        # goals only: names and guide clauses share procedure words (登记, 注册, 备案) with other offices'
        # matters, while a goal is what people say they want to do (扩建车间, 卖油漆溶剂)
        self._grams = [{b for t in c.goals for b in bigram_tokens(normalize(t))} for c in self.cards]
        df: dict[str, int] = {}
        for g in self._grams:
            for b in g:
                df[b] = df.get(b, 0) + 1
        self._idf = {b: float(np.log(len(self.cards) / n)) for b, n in df.items()}
        # a name that is also another item's material (执照 in 营业执照（申请人）) does not say which
        # item the question is about: "营业执照复印件没带" may be asked of any of them
        self._shared = [self._is_material_elsewhere(i, t) for i, _, t in self._phrases]
        # a name shortened the way Chinese shortens names, its first and last characters kept ("人资许可"
        # for 人力资源许可): a hint, not a name said
        names = [
            (i, [t for j, kind, t in self._phrases if j == i and kind != "办事目标"])
            for i in range(len(cards))
        ]
        self._names = dict(names)
        self._short = TermNames(names, everyday=everyday_freq)
        self._vectors: np.ndarray | None = None
        # short names (营业证, 环评) are matched literally only: as vectors they sit near any question
        # with 证 or 评 in it
        self._meant = [p for p in self._phrases if p[1] != "俗称" or len(p[2]) >= _MEANT_CHARS] + guide
        if embedder is not None and self._meant:
            texts = [f"我想{t}" if kind == "办事目标" else t for _, kind, t in self._meant]
            self._vectors = np.asarray(embedder.embed_passages(texts), dtype=np.float32)
        self._says = [(i, t) for i, c in enumerate(self.cards) for t in c.says]
        self._says_vectors: np.ndarray | None = None
        if embedder is not None and self._says:
            self._says_vectors = np.asarray(
                embedder.embed_passages([t for _, t in self._says]), dtype=np.float32
            )

    def _shortens(self, i: int, short: str) -> bool:
        """Is ``short`` one of the item's names shortened with its first and last characters kept?"""
        return any(
            n[0] == short[0] and n[-1] == short[-1] and _in_order(short, n) for n in self._names[i] if n
        )

    def _is_material_elsewhere(self, i: int, phrase: str) -> bool:
        own = self.cards[i]
        return any(
            phrase in material
            for c in self.cards
            if c is not own and own.code not in c.members and c.code not in own.members
            for material in c.prepare
        )

    def card(self, code: str) -> ItemCard | None:
        return next((c for c in self.cards if c.code == code), None)

    def departments(self) -> list[str]:
        return sorted({c.department for c in self.cards})

    def events(self) -> list[str]:
        return sorted({e for c in self.cards for e in c.events})

    def browse(self, *, department: str | None = None, event: str | None = None) -> list[ItemCard]:
        """Items of a department or life event, the most handled first (bundles before their members)."""
        shown = [
            c
            for c in self.cards
            if (department is None or c.department == department) and (event is None or event in c.events)
        ]
        return sorted(shown, key=lambda c: (not c.bundle, -c.cases, c.code))

    def find(
        self, query: str, *, qvec: np.ndarray | None = None, limit: int = 10, by_meaning: bool = True
    ) -> list[ItemMatch]:
        """Items the query points to, best first; an empty query lists the most handled items.
        ``by_meaning=False`` matches words and pinyin only: the encoder is not run (keyword searches)."""
        text = _squash(normalize(query))
        if not text:
            return [ItemMatch(card=c, score=0.0, why="常办") for c in self.browse()][:limit]
        best: dict[int, ItemMatch] = {}

        def offer(i: int, score: float, why: str, matched: str) -> None:
            if score > 0 and (i not in best or score > best[i].score):
                best[i] = ItemMatch(card=self.cards[i], score=round(score, 4), why=why, matched=matched)

        for i, c in enumerate(self.cards):
            if _squash(c.code) in text.upper():
                offer(i, 1.0, "编码", c.code)
        qpy = _pinyin(text)
        for (i, kind, phrase), py, shared in zip(self._phrases, self._pinyin, self._shared, strict=True):
            said = _SHARED_NAME if shared else 1.0
            offer(i, said * _literal(text, _squash(phrase)), kind, phrase)
            offer(i, said * 0.9 * _literal(qpy, py, unit=" "), "拼音", phrase)
            if text.isascii() and len(text) >= 2:  # typed in pinyin: initials (qsxk) or whole (qushui)
                if _initials(phrase).startswith(text.lower()):
                    offer(i, 0.7, "拼音", phrase)
                elif len(text) >= 4 and text.lower() in py.replace(" ", ""):
                    offer(i, 0.6 + 0.2 * min(1.0, len(text) / len(py.replace(" ", ""))), "拼音", phrase)
        for m in self._short.mentions(text):
            short = text[m.start : m.end]
            if m.strength == ABBREVIATED and len(short) >= _SHORT_CHARS and self._shortens(m.entry, short):
                offer(m.entry, ABBREVIATED, "俗称", short)
        if (
            by_meaning
            and qvec is None
            and self._vectors is not None
            and self.embedder is not None
            and not text.isascii()
        ):
            qvec = self.embedder.embed_queries([text])[0]
        if qvec is not None and self._vectors is not None:
            sims = self._vectors @ qvec
            for p in np.argsort(-sims)[:8]:
                i, kind, phrase = self._meant[int(p)]
                offer(i, _meaning(float(sims[p])), "语义", phrase)
        return self._order(list(best.values()))[:limit]

    def wording(self, query: str) -> dict[str, float]:
        """Per item, how much of the question's wording its goals use: the summed rarity (idf over the
        items) of the question's character pairs found in them ("扩建个喷涂车间" shares 扩建 and 车间 with
        "扩建车间" though the goal is not in it literally)."""
        grams = set(bigram_tokens(normalize(query)))
        out: dict[str, float] = {}
        for c, g in zip(self.cards, self._grams, strict=True):
            v = sum(self._idf[b] for b in grams & g)
            if v > 0:
                out[c.code] = v
        return out

    def families(self) -> dict[str, str]:
        """Each item's family head: a 一件事 bundle for itself and its own single items (its answer
        covers theirs), every other item for itself."""
        heads = {c.code: c.code for c in self.cards}
        for c in self.cards:
            if c.bundle:
                heads.update({m: c.code for m in c.members if m in heads})
        return heads

    def meaning(self, qvec: np.ndarray | None, *, depth: int = 3) -> dict[str, float]:
        """Per item, the mean cosine of the question to its ``depth`` closest phrases (goals, long names,
        the guide's own clauses): one close phrase may be a chance likeness ("开理发店" near "开饭店"),
        several close ones say what the item is about."""
        if qvec is None or self._vectors is None:
            return {}
        sims = self._vectors @ qvec
        per: dict[str, list[float]] = {}
        for (i, _, _), sim in zip(self._meant, sims.tolist(), strict=True):
            per.setdefault(self.cards[i].code, []).append(sim)
        return {code: float(np.mean(sorted(v, reverse=True)[:depth])) for code, v in per.items()}

    def described(self, qvec: np.ndarray | None, *, depth: int = 2) -> dict[str, float]:
        """Per item, the mean cosine of the question to its ``depth`` closest everyday sentences of what
        the item lets a person do (``ItemCard.says``): whole sentences, so a question that describes an
        activity in its own words ("买了两台大货车帮人拉货") sits near the item's, not near a short goal."""
        if qvec is None or self._says_vectors is None:
            return {}
        sims = self._says_vectors @ qvec
        per: dict[str, list[float]] = {}
        for (i, _), sim in zip(self._says, sims.tolist(), strict=True):
            per.setdefault(self.cards[i].code, []).append(sim)
        return {code: float(np.mean(sorted(v, reverse=True)[:depth])) for code, v in per.items()}

    def _order(self, matches: list[ItemMatch]) -> list[ItemMatch]:
        """Score first, ties to the most handled item; a bundle before a member it (nearly) ties."""
        matches.sort(key=lambda m: (-m.score, -m.card.cases, m.card.code))
        by_code = {m.card.code: m for m in matches}
        for m in list(matches):
            if not m.card.bundle:
                continue
            for member in m.card.members:
                other = by_code.get(member)
                if other is not None and m.score >= other.score - 0.05 and m.score < other.score:
                    m.score = other.score
        matches.sort(key=lambda m: (-m.score, not m.card.bundle, -m.card.cases, m.card.code))
        return matches


def _squash(text: str) -> str:
    return _NON_WORD.sub("", text)


def _pinyin(text: str) -> str:
    return " ".join(lazy_pinyin(_squash(text), style=Style.NORMAL, errors="ignore"))


def _initials(text: str) -> str:
    return "".join(p[0] for p in lazy_pinyin(_squash(text), style=Style.NORMAL, errors="ignore") if p)


def _literal(query: str, phrase: str, *, unit: str = "") -> float:
    """How well a phrase is literally in the query (or, for a short search, the query in the phrase)."""
    if not phrase or not query:
        return 0.0
    if unit:  # pinyin: whole syllables only
        query, phrase = f" {query} ", f" {phrase} "
    if phrase in query:
        return 0.8 + 0.2 * min(1.0, len(phrase) / max(len(query), 1))
    if len(query) >= 2 * max(len(unit), 1) and query.strip() in phrase:
        return 0.6 + 0.3 * len(query) / len(phrase)
    return 0.0


def _in_order(short: str, name: str) -> bool:
    """Are the characters of ``short`` in ``name``, in order?"""
    rest = iter(name)
    return all(ch in rest for ch in short)


def _meaning(cosine: float) -> float:
    """Cosine to a 0–0.75 score: a paraphrase never outranks a name said outright."""
    return max(0.0, min(0.75, (cosine - _MEANING_FLOOR) * 7.5))
