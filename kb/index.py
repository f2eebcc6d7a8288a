"""The in-memory search index: entries, their BM25 slots and their vectors.

Entries are replaced, never edited in place: an edit tombstones the old slots and vectors and
appends new ones. One lock guards reads and writes alike: numpy views of the growing arrays
would block their resizing, and the locked part of a search (after the query is embedded)
takes milliseconds.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from kb.bm25 import BM25Index
from kb.chunk import units_for
from kb.embed import Embedder
from kb.schemas import IndexDoc, SyncReport
from kb.text import Tokenizer
from kb.vectors import VectorStore

Progress = Callable[[int, int], None]
_NEVER = date.max.toordinal()
_USING_KEPT = 50_000  # items_using answers kept (bigrams of questions asked) before they are dropped


@dataclass(slots=True)
class Entry:
    target: str
    kind: str
    item: str
    item_name: str
    department: str
    title: str
    body: str
    valid_from: int  # date ordinal; 0 = always
    valid_until: int  # date ordinal; _NEVER = open-ended
    content_hash: str
    basis: str = ""  # a term's 依据
    aliases: list[str] = field(default_factory=list)  # a term's other names (别称), as people say them
    slots: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    alive: bool = True


@dataclass(slots=True)
class EntryHit:
    entry: int
    score: float
    rank: int  # 1-based among entries
    detail: int  # the BM25 slot or vector position that scored best
    terms: list[str] = field(default_factory=list)


class KnowledgeIndex:
    def __init__(
        self, *, embedder: Embedder, tokenizer: Tokenizer, chunk_chars: int = 240, approx_above: int = 50_000
    ) -> None:
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.chunk_chars = chunk_chars
        self.entries: list[Entry] = []
        self.by_target: dict[str, int] = {}
        # the live term entries by target: the desk derives the names questions use from them, and
        # must not walk every entry of a large index to find the few terms
        self.terms: dict[str, int] = {}
        self.bm25 = BM25Index()
        self.vectors = VectorStore(embedder.dim, approx_above=approx_above)
        self.slot_entry = array("i")
        self.pos_entry = array("i")
        self.pos_text: list[str] = []
        # per entry, for vectorised filter masks
        self._e_alive = array("b")
        self._e_from = array("i")
        self._e_until = array("i")
        self._e_item = array("i")
        self._e_dept = array("i")
        self._codes: dict[str, int] = {}
        self._names: list[str] = []  # code -> name
        self._write_lock = threading.RLock()
        # items_using per (term, top), until the entries change: the desk asks it for every bigram of
        # many questions, and at 100k entries one common bigram costs ~2 ms of numpy
        self._using: dict[tuple[str, int], tuple[dict[str, int], int]] = {}

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    def __len__(self) -> int:
        return len(self.by_target)

    def hashes(self) -> dict[str, str]:
        return {t: self.entries[i].content_hash for t, i in self.by_target.items()}

    def entry(self, target: str) -> Entry | None:
        i = self.by_target.get(target)
        return None if i is None else self.entries[i]

    # -- writing ---------------------------------------------------------------------------

    def upsert(
        self, docs: Sequence[IndexDoc], *, progress: Progress | None = None, batch: int = 64
    ) -> SyncReport:
        """Add or replace entries; unchanged ones (same content hash) are skipped."""
        report = SyncReport()
        # Compared under the write lock: a hit test (kb.preview) holds it while a draft stands in for its
        # entry, and a change compared against the draft would be skipped and then lost at the restore.
        with self._write_lock:
            todo = [d for d in docs if self.hashes_get(d.target) != d.content_hash]
        done = 0
        for start in range(0, len(todo), batch):
            part = todo[start : start + batch]
            units = [units_for(d, max_chars=self.chunk_chars) for d in part]
            vecs = self.embedder.embed_passages([t for u in units for t in u.embed_texts])
            keyword = [[self.tokenizer.tokens(t) for t in u.keyword_texts] for u in units]
            with self._write_lock:
                offset = 0
                for doc, unit, toks in zip(part, units, keyword, strict=True):
                    n = len(unit.embed_texts)
                    existed = self._drop(doc.target)
                    self._append(doc, toks, unit.embed_texts, vecs[offset : offset + n])
                    offset += n
                    (report.updated if existed else report.added).append(doc.target)
            done += len(part)
            if progress:
                progress(done, len(todo))
        return report

    def hashes_get(self, target: str) -> str | None:
        i = self.by_target.get(target)
        return None if i is None else self.entries[i].content_hash

    def _append(self, doc: IndexDoc, tokens: list[list[str]], texts: list[str], vecs: np.ndarray) -> None:
        self._using.clear()
        idx = len(self.entries)
        entry = Entry(
            target=doc.target,
            kind=doc.kind,
            item=doc.item,
            item_name=doc.item_name,
            department=doc.department,
            title=doc.title,
            body=doc.body,
            valid_from=doc.valid_from.toordinal() if doc.valid_from else 0,
            valid_until=doc.valid_until.toordinal() if doc.valid_until else _NEVER,
            content_hash=doc.content_hash,
            basis=doc.basis,
            aliases=list(doc.alternatives) if doc.kind == "term" else [],
        )
        for toks in tokens:
            entry.slots.append(self.bm25.add(toks))
            self.slot_entry.append(idx)
        positions = self.vectors.add(vecs)
        entry.positions.extend(int(p) for p in positions)
        self.pos_entry.extend([idx] * len(positions))
        self.pos_text.extend(texts)
        self.entries.append(entry)
        self._e_alive.append(1)
        self._e_from.append(entry.valid_from)
        self._e_until.append(entry.valid_until)
        self._e_item.append(self._code(entry.item))
        self._e_dept.append(self._code(entry.department))
        self.by_target[doc.target] = idx
        if entry.kind == "term":
            self.terms[doc.target] = idx

    def restore_entries(self, entries: list[Entry]) -> None:
        """Install entries read back from disk (their slots and positions already loaded)."""
        with self._write_lock:
            self._using.clear()
            self.entries = []
            self.by_target = {}
            self.terms = {}
            for i, entry in enumerate(entries):
                self.entries.append(entry)
                self._e_alive.append(1 if entry.alive else 0)
                self._e_from.append(entry.valid_from)
                self._e_until.append(entry.valid_until)
                self._e_item.append(self._code(entry.item))
                self._e_dept.append(self._code(entry.department))
                if entry.alive:
                    self.by_target[entry.target] = i
                    if entry.kind == "term":
                        self.terms[entry.target] = i

    def _code(self, name: str) -> int:
        code = self._codes.get(name)
        if code is None:
            code = self._codes[name] = len(self._names)
            self._names.append(name)
        return code

    def _drop(self, target: str) -> bool:
        idx = self.by_target.pop(target, None)
        if idx is None:
            return False
        self._using.clear()
        self.terms.pop(target, None)
        entry = self.entries[idx]
        entry.alive = False
        self._e_alive[idx] = 0
        for slot in entry.slots:
            self.bm25.remove(slot)
        self.vectors.remove(entry.positions)
        return True

    def remove(self, targets: Iterable[str]) -> list[str]:
        with self._write_lock:
            return [t for t in targets if self._drop(t)]

    def sync(self, docs: Sequence[IndexDoc], *, progress: Progress | None = None) -> SyncReport:
        """Make the index hold exactly ``docs``: the start-up check against the database."""
        wanted = {d.target for d in docs}
        report = self.upsert(docs, progress=progress)
        report.removed = self.remove([t for t in list(self.by_target) if t not in wanted])
        return report

    def built_as(self, docs: Sequence[IndexDoc]) -> bool:
        """Whether this index is what a build of ``docs`` from scratch makes: no tombstones, the
        entries in the documents' order. An edit leaves its old slots counted in BM25's statistics
        and its new entry last (ties then break another way), so a loaded and caught-up index
        would answer differently from a built one."""
        with self._write_lock:
            return len(self.entries) == len(docs) and all(
                e.alive and e.target == d.target and e.content_hash == d.content_hash
                for e, d in zip(self.entries, docs, strict=True)
            )

    def rebuilt(self, docs: Sequence[IndexDoc], *, progress: Progress | None = None) -> KnowledgeIndex:
        """A new index built from ``docs`` as from scratch, the passages this one holds taking their
        stored vectors instead of being embedded again."""
        with self._write_lock:
            stored = self.vectors.vectors()
            known = {self.pos_text[p]: stored[p] for e in self.entries if e.alive for p in e.positions}
        fresh = KnowledgeIndex(
            embedder=_StoredPassages(self.embedder, known),
            tokenizer=self.tokenizer,
            chunk_chars=self.chunk_chars,
            approx_above=self.vectors.approx_above,
        )
        fresh.sync(docs, progress=progress)
        fresh.embedder = self.embedder
        return fresh

    # -- reading ---------------------------------------------------------------------------

    def entry_mask(self, *, item: str | None, department: str | None, today: date) -> np.ndarray:
        with self._write_lock:
            return self._entry_mask(item=item, department=department, today=today)

    def _entry_mask(self, *, item: str | None, department: str | None, today: date) -> np.ndarray:
        day = today.toordinal()
        n = len(self._e_alive)
        mask = np.frombuffer(self._e_alive, dtype=np.int8)[:n] > 0
        mask &= np.frombuffer(self._e_from, dtype=np.int32)[:n] <= day
        mask &= np.frombuffer(self._e_until, dtype=np.int32)[:n] >= day
        for value, codes in ((item, self._e_item), (department, self._e_dept)):
            if value is not None:
                mask &= np.frombuffer(codes, dtype=np.int32)[:n] == self._codes.get(value, -1)
        return mask.copy()

    def items_using(self, term: str, *, top: int = 8) -> tuple[dict[str, int], int]:
        """How many live entries of each item contain a BM25 term (a character or a bigram), for the
        ``top`` items with most, and how many entries of any item do; entries of no item (terms) are
        left out. Vectorised: a common bigram has postings in most entries."""
        with self._write_lock:
            known = self._using.get((term, top))
            if known is not None:
                return dict(known[0]), known[1]
            if len(self._using) >= _USING_KEPT:
                self._using.clear()
            used, total = self._items_using(term, top)
            self._using[(term, top)] = (used, total)
            return dict(used), total

    def _items_using(self, term: str, top: int) -> tuple[dict[str, int], int]:
        slots = self.bm25.slots(term)
        if slots is None:
            return {}, 0
        entries = np.unique(np.frombuffer(self.slot_entry, dtype=np.int32)[slots])
        entries = entries[np.frombuffer(self._e_alive, dtype=np.int8)[entries] > 0]
        codes = np.frombuffer(self._e_item, dtype=np.int32)[entries]
        codes = codes[codes != self._codes.get("", -1)]
        found, counts = np.unique(codes, return_counts=True)
        most = np.argsort(-counts, kind="stable")[:top]
        used = {self._names[int(found[i])]: int(counts[i]) for i in most}
        return used, int(counts.sum())

    def keyword_search(
        self, tokens: list[str], *, k: int, mask: np.ndarray, weights: dict[str, float] | None = None
    ) -> list[EntryHit]:
        with self._write_lock:
            return self._keyword_search(tokens, k=k, mask=mask, weights=weights)

    def _keyword_search(
        self, tokens: list[str], *, k: int, mask: np.ndarray, weights: dict[str, float] | None
    ) -> list[EntryHit]:
        slot_entry = np.frombuffer(self.slot_entry, dtype=np.int32)
        slot_mask = None if mask.all() else mask[slot_entry]  # dead slots score 0 anyway
        hits = self.bm25.search(tokens, k=k * 3, mask=slot_mask, weights=weights)
        out: dict[int, EntryHit] = {}
        for h in hits:
            e = int(slot_entry[h.slot])
            if e not in out:
                out[e] = EntryHit(entry=e, score=h.score, rank=len(out) + 1, detail=h.slot)
        return list(out.values())[:k]

    def explain_keywords(self, tokens: list[str], hits: list[EntryHit]) -> None:
        """Fill in the matched query terms of the hits that will be shown."""
        with self._write_lock:
            terms = self.bm25.matched_terms(tokens, [h.detail for h in hits])
        for h in hits:
            h.terms = terms.get(h.detail, [])

    def vector_search(self, query: np.ndarray, *, k: int, mask: np.ndarray) -> list[EntryHit]:
        with self._write_lock:
            return self._vector_search(query, k=k, mask=mask)

    def _vector_search(self, query: np.ndarray, *, k: int, mask: np.ndarray) -> list[EntryHit]:
        pos_entry = np.frombuffer(self.pos_entry, dtype=np.int32)
        allowed = None if mask.all() else mask[pos_entry]
        ids, scores = self.vectors.search(query, k=k * 4, allowed=allowed)
        out: dict[int, EntryHit] = {}
        for pos, score in zip(ids, scores, strict=True):
            e = int(pos_entry[pos])
            if e not in out:
                out[e] = EntryHit(entry=e, score=float(score), rank=len(out) + 1, detail=int(pos))
        return list(out.values())[:k]

    def vocabulary_texts(self) -> Iterable[str]:
        for idx in self.by_target.values():
            e = self.entries[idx]
            yield e.item_name
            yield e.title
            yield e.body

    def memory_bytes(self) -> int:
        text = sum(len(e.body) * 3 + len(e.title) * 3 + 400 for e in self.entries)
        return (
            self.bm25.memory_bytes()
            + self.vectors.memory_bytes()
            + text
            + sum(len(t) * 3 for t in self.pos_text)
        )


class _StoredPassages:
    """An embedder that answers passages it was given the vectors of, and asks ``inner`` for the rest."""

    def __init__(self, inner: Embedder, known: dict[str, np.ndarray]) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.known = known

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.known]
        if todo:
            self.known.update(zip(todo, np.asarray(self.inner.embed_passages(todo), np.float32), strict=True))
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self.known[t] for t in texts])
