"""An incremental BM25 index over integer document slots.

Postings are compact ``array('i')`` lists appended in slot order, so they stay sorted and a
term's numpy view is free; deleting a document only clears its ``alive`` bit (document
frequencies keep counting it until :meth:`compact`, as in Lucene: a few stale counts move idf
by a hair). Scoring is one vectorised pass per query term over that term's postings.

At 100k documents the character unigrams of a question touch ~0.5M postings, so the per-query
work is kept to one scatter-add per term (``np.add.at``: numpy 2's is twice as fast as fancy
``+=`` and ``bincount`` here): postings are cached with native-width indices (numpy would
convert int32 indices on every use) and idf-weighted impacts (no temporary per term).
Dynamic pruning (MaxScore) was measured and lost: common characters carry too much of the score
for their postings to be skipped, and candidate look-ups cost more than the scatter they save.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class KeywordHit:
    slot: int
    score: float


class BM25Index:
    def __init__(self, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._term_ids: dict[str, int] = {}
        self._slots: list[array[int]] = []  # per term: document slots (ascending)
        self._tfs: list[array[int]] = []  # per term: term frequency in that slot
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._cache_avgdl = 0.0
        self._cache_n = 0
        self._doc_len = array("f")
        self._alive = array("b")
        self._dead = 0
        self._total_len = 0.0

    def __len__(self) -> int:
        return len(self._doc_len)

    @property
    def live_count(self) -> int:
        return int(sum(self._alive))

    def add(self, tokens: Sequence[str]) -> int:
        """Index one document; returns its slot."""
        slot = len(self._doc_len)
        for term, tf in Counter(tokens).items():
            tid = self._term_ids.get(term)
            if tid is None:
                tid = self._term_ids[term] = len(self._slots)
                self._slots.append(array("i"))
                self._tfs.append(array("i"))
            self._slots[tid].append(slot)
            self._tfs[tid].append(tf)
            self._cache.pop(tid, None)
        self._doc_len.append(float(len(tokens)))
        self._alive.append(1)
        self._total_len += len(tokens)
        return slot

    def remove(self, slot: int) -> None:
        if self._alive[slot]:
            self._alive[slot] = 0
            self._dead += 1

    def is_alive(self, slot: int) -> bool:
        return bool(self._alive[slot])

    def idf(self, term: str) -> float:
        tid = self._term_ids.get(term)
        return self._idf(0 if tid is None else len(self._slots[tid]), len(self._doc_len))

    @staticmethod
    def _idf(df: int, n: int) -> float:
        return math.log(1.0 + (max(n, 1) - df + 0.5) / (df + 0.5))

    def _avgdl(self) -> float:
        return max(self._total_len / max(len(self._doc_len), 1), 1.0)

    def _postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        """A term's slots and their idf-weighted saturated tf "impacts", cached until the term changes.

        Impacts depend on the average length and idf on the document count too; the whole cache
        is dropped once either drifts by more than 2 %, which bulk loading does and single edits
        do not.
        """
        avgdl, n = self._avgdl(), len(self._doc_len)
        if abs(avgdl - self._cache_avgdl) > 0.02 * avgdl or abs(n - self._cache_n) > 0.02 * n:
            self._cache.clear()
            self._cache_avgdl, self._cache_n = avgdl, n
        hit = self._cache.get(tid)
        if hit is None:
            slots = np.frombuffer(self._slots[tid], dtype=np.int32).astype(np.intp)
            tfs = np.frombuffer(self._tfs[tid], dtype=np.int32).astype(np.float32)
            doc_len = np.frombuffer(self._doc_len, dtype=np.float32)[slots]
            norm = self.k1 * (1.0 - self.b + self.b * doc_len / self._cache_avgdl)
            idf = self._idf(len(slots), self._cache_n)
            hit = self._cache[tid] = (
                slots,
                (tfs * (idf * (self.k1 + 1.0)) / (tfs + norm)).astype(np.float32),
            )
        return hit

    def scores(self, query_tokens: Sequence[str], weights: dict[str, float] | None = None) -> np.ndarray:
        """Dense score vector over all slots (dead slots score 0)."""
        n = len(self._doc_len)
        out = np.zeros(n, dtype=np.float32)
        if n == 0:
            return out
        for term, qtf in Counter(query_tokens).items():
            tid = self._term_ids.get(term)
            if tid is None:
                continue
            slots, impacts = self._postings(tid)
            w = (weights or {}).get(term, 1.0) * (1.0 + math.log(qtf))
            np.add.at(out, slots, impacts if w == 1.0 else np.float32(w) * impacts)
        if self._dead:
            out *= np.frombuffer(self._alive, dtype=np.int8)
        return out

    def max_score(self, query_tokens: Sequence[str], weights: dict[str, float] | None = None) -> float:
        """What a document containing every query term once, at average length, would score.

        Dividing by it turns BM25 into a rough "share of the question covered" in [0, ~1.5].
        """
        total = 0.0
        for term, qtf in Counter(query_tokens).items():
            total += self.idf(term) * (weights or {}).get(term, 1.0) * (1.0 + math.log(qtf))
        return total

    def search(
        self,
        query_tokens: Sequence[str],
        *,
        k: int,
        mask: np.ndarray | None = None,
        weights: dict[str, float] | None = None,
    ) -> list[KeywordHit]:
        """Top-k slots by score (which terms matched: :meth:`matched_terms`, for the few shown)."""
        scores = self.scores(query_tokens, weights)
        if mask is not None:
            scores *= mask[: len(scores)]
        positive = int(np.count_nonzero(scores > 0))
        k = min(k, positive)
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [KeywordHit(slot=int(s), score=float(scores[s])) for s in top]

    def slots(self, term: str) -> np.ndarray | None:
        """The slots a term occurs in (dead ones too), or None for a term never indexed."""
        tid = self._term_ids.get(term)
        return None if tid is None else self._postings(tid)[0]

    def matched_terms(self, query_tokens: Sequence[str], slots: Sequence[int]) -> dict[int, list[str]]:
        """Which query terms each of ``slots`` contains: one binary search per term."""
        wanted = np.asarray(slots, dtype=np.int32)
        out: dict[int, list[str]] = {int(s): [] for s in wanted}
        if not len(wanted):
            return out
        for term in sorted(set(query_tokens)):
            tid = self._term_ids.get(term)
            if tid is None:
                continue
            posting, _ = self._postings(tid)
            at = np.minimum(np.searchsorted(posting, wanted), len(posting) - 1)
            for s in wanted[posting[at] == wanted]:
                out[int(s)].append(term)
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat arrays for ``np.savez``: terms, CSR-style postings, lengths, liveness."""
        lengths = np.array([len(a) for a in self._slots], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return {
            "terms": np.array(list(self._term_ids), dtype=str),
            "offsets": offsets,
            "slots": _flat(self._slots),
            "tfs": _flat(self._tfs),
            "doc_len": np.frombuffer(self._doc_len, dtype=np.float32).copy(),
            "alive": np.frombuffer(self._alive, dtype=np.int8).copy(),
            "params": np.array([self.k1, self.b], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray]) -> BM25Index:
        k1, b = (float(x) for x in data["params"])
        index = cls(k1=k1, b=b)
        offsets, slots, tfs = data["offsets"], data["slots"], data["tfs"]
        for i, term in enumerate(data["terms"]):
            index._term_ids[str(term)] = i
            index._slots.append(array("i", slots[offsets[i] : offsets[i + 1]].tobytes()))
            index._tfs.append(array("i", tfs[offsets[i] : offsets[i + 1]].tobytes()))
        index._doc_len = array("f", data["doc_len"].astype(np.float32).tobytes())
        index._alive = array("b", data["alive"].astype(np.int8).tobytes())
        index._dead = int((data["alive"] == 0).sum())
        index._total_len = float(data["doc_len"].sum())
        return index

    def memory_bytes(self) -> int:
        postings = sum(len(a) * 8 for a in self._slots)
        return postings + len(self._doc_len) * 5 + len(self._term_ids) * 120


def _flat(arrays: list[array[int]]) -> np.ndarray:
    if not arrays:
        return np.zeros(0, np.int32)
    return np.concatenate([np.frombuffer(a, dtype=np.int32) for a in arrays])
