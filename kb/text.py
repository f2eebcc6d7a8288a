"""Text normalisation and the keyword tokens BM25 indexes.

Chinese has no spaces, so which tokens to index is a measured choice: character unigrams plus
bigrams beat jieba words on colloquial questions (segmentation of slang and typos is unstable,
overlapping bigrams are not), so they are the default; jieba words with the domain dictionary
are an optional extra field. Latin words and numbers are kept whole.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.text import halfwidth

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:\.[0-9]+)?")
_CJK_RUN = re.compile(rf"[{_CJK}]+")

# Question particles and fillers: they carry no topic, and counting them would make any chatty
# off-topic question look "covered" by any answer.
STOP_CHARS = frozenset(
    "的了吗呢吧啊呀嘛么哦哈是我你他她它们这那个些和与及或在就都也还要会能可想去来有没不啥咋怎么吗么"
)
_STOP_WORDS_TEXT = """我们 你们 他们 什么 怎么 怎样 为什么 哪些 哪个 可以 能不能 是不是 要不要 有没有 需要
一下
请问 这个 那个 这样 那样 如果 还是 或者 就是 但是 现在 已经 的话 一个 还要 还能 可不可以"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

TOKEN_FIELDS = ("char", "bigram", "word")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, single spaces."""
    text = halfwidth(text).lower()
    return re.sub(r"\s+", " ", text).strip()


def cjk_runs(text: str) -> list[str]:
    return _CJK_RUN.findall(text)


def char_tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in _RUN.findall(text):
        if run[0].isascii():
            out.append(run)
        else:
            out.extend(c for c in run if c not in STOP_CHARS)
    return out


def bigram_tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


class WordSegmenter:
    """jieba with the domain dictionary, one private instance so it never touches the global one."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        import jieba

        base = _base_jieba()
        self._jieba = jieba.Tokenizer()
        # a copy of the loaded dictionary: loading it again costs a second, copying milliseconds
        self._jieba.FREQ, self._jieba.total = dict(base.FREQ), base.total
        self._jieba.initialized = True
        self._lock = threading.Lock()
        self.add_words(extra_words)

    def add_words(self, words: Iterable[str]) -> None:
        with self._lock:
            for word in words:
                if len(word) >= 2:
                    self._jieba.add_word(word, freq=2000)

    def cut(self, text: str) -> list[str]:
        with self._lock:
            return [w for w in self._jieba.lcut(text) if w.strip()]

    def cut_for_search(self, text: str) -> list[str]:
        """Words plus their dictionary sub-words (授权委托书 → 授权, 委托, 委托书, 授权委托书)."""
        with self._lock:
            return [w for w in self._jieba.lcut_for_search(text) if w.strip()]

    def word_freq(self, word: str) -> int:
        return int(self._jieba.FREQ.get(word, 0) or 0)

    def words(self, text: str) -> list[str]:
        """Content words: no punctuation, no stop words."""
        return [
            w for w in self.cut(text) if _RUN.fullmatch(w) and w not in STOP_WORDS and w not in STOP_CHARS
        ]


@lru_cache(maxsize=1)
def _base_jieba() -> Any:
    import jieba

    tok = jieba.Tokenizer()
    tok.initialize()
    for word in domain_words():
        _GENERAL.setdefault(word, int(tok.FREQ.get(word, 0) or 0))
        tok.add_word(word, freq=2000)
    return tok


_GENERAL: dict[str, int] = {}  # jieba's own frequency of each domain word, before the domain dictionary


def everyday_freq(word: str) -> int:
    """How often jieba's general dictionary says the word is used, ignoring the domain words this
    package adds: a name's piece that everyday speech uses often (承诺, 材料) names no concept."""
    base = _base_jieba()
    return _GENERAL.get(word, int(base.FREQ.get(word, 0) or 0))


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    text = (Path(__file__).parent / "domain_dict.txt").read_text(encoding="utf-8")
    return tuple(line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#"))


class Tokenizer:
    """Text to BM25 tokens; each field's tokens are tagged so they never collide."""

    def __init__(self, *, fields: Sequence[str] = ("char", "bigram"), segmenter: WordSegmenter | None = None):
        unknown = set(fields) - set(TOKEN_FIELDS)
        if unknown:
            raise ValueError(f"unknown token fields: {sorted(unknown)}")
        if "word" in fields and segmenter is None:
            segmenter = WordSegmenter()
        self.fields = tuple(fields)
        self.segmenter = segmenter

    def tokens(self, text: str) -> list[str]:
        text = normalize(text)
        out: list[str] = []
        if "char" in self.fields:
            out.extend(char_tokens(text))
        if "bigram" in self.fields:
            out.extend(bigram_tokens(text))
        if "word" in self.fields and self.segmenter is not None:
            out.extend("w:" + w for w in self.segmenter.words(text))
        return out
