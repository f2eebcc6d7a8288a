"""Homophone typo repair against the knowledge base's own vocabulary.

People type with pinyin input methods, so slips are same-sound characters (授全 for 授权).
A query span is rewritten only when it is not a word itself (not in the vocabulary, rare in
jieba's general dictionary), lines up with segmentation boundaries, and sounds exactly like a
vocabulary word. Two-character spans must match with tones too: tone-blind two-syllable matches
collide too often (做表 / 坐标).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pydantic import BaseModel

from kb.text import WordSegmenter

_COMMON_WORD_FREQ = 50  # a span jieba knows this well is a real word, not a slip


@lru_cache(maxsize=65536)
def _pinyin(text: str, tones: bool) -> str:
    from pypinyin import Style, lazy_pinyin

    style = Style.TONE3 if tones else Style.NORMAL
    return " ".join(lazy_pinyin(text, style=style))


class Correction(BaseModel):
    wrong: str
    right: str


class HomophoneCorrector:
    def __init__(self, *, segmenter: WordSegmenter, max_len: int = 4) -> None:
        self._seg = segmenter
        self._max_len = max_len
        self._vocab: dict[str, int] = {}
        self._by_sound: dict[tuple[str, bool], str] = {}

    def add_vocabulary(self, words: Iterable[str]) -> None:
        for word in words:
            if not 2 <= len(word) <= self._max_len or not all("\u4e00" <= c <= "\u9fff" for c in word):
                continue
            self._vocab[word] = self._vocab.get(word, 0) + 1
            for tones in (True, False):
                key = (_pinyin(word, tones), tones)
                best = self._by_sound.get(key)
                if best is None or self._vocab[word] > self._vocab.get(best, 0):
                    self._by_sound[key] = word

    def correct(self, text: str) -> tuple[str, list[Correction]]:
        tokens = self._seg.cut(text)
        out: list[str] = []
        fixes: list[Correction] = []
        i = 0
        while i < len(tokens):
            hit = self._longest_fix(tokens, i)
            if hit is None:
                out.append(tokens[i])
                i += 1
                continue
            span, right, width = hit
            out.append(right)
            fixes.append(Correction(wrong=span, right=right))
            i += width
        return "".join(out), fixes

    def _longest_fix(self, tokens: list[str], start: int) -> tuple[str, str, int] | None:
        for width in range(min(3, len(tokens) - start), 0, -1):
            span = "".join(tokens[start : start + width])
            if not 2 <= len(span) <= self._max_len or not all("\u4e00" <= c <= "\u9fff" for c in span):
                continue
            if span in self._vocab or self._seg.word_freq(span) >= _COMMON_WORD_FREQ:
                continue
            right = self._by_sound.get((_pinyin(span, len(span) == 2), len(span) == 2))
            if right is not None and right != span:
                return span, right, width
        return None
