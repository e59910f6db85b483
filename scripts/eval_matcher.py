"""Precision and recall of the matcher on the labelled requests (development only).

    python scripts/eval_matcher.py [tune|heldout] [--words-only] [--grid | --ceiling [VECTORS.npy]]

`--ceiling VECTORS.npy` ranks by the words and another model's title vectors instead of
the shipped model's: one unit row per request of the fixture, in its order (see
`scripts/encode_fixture.py`).

Pairs are judged as the overlap screen shows them: two items on different lists that
the matcher says ask for the same thing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from planboard.core import similar  # noqa: E402
from planboard.core.similar import Entry, Similarity, pair_set  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "requests.json"


def load(split: str) -> tuple[list[Entry], set[frozenset[object]]]:
    data = json.loads(FIXTURE.read_text())["items"]
    entries, labelled = [], {}
    for n, item in enumerate(data):
        if item["split"] != split:
            continue
        entries.append(Entry(n, item["title"], item["owner"]))
        if item["group"]:
            labelled.setdefault(item["group"], []).append(n)
    truth = {p for p in pair_set(labelled.values()) if len({data[k]["owner"] for k in p}) == 2}
    return entries, truth


def measure(entries, truth, meaning=None, threshold=None, verbose=False):
    sim = Similarity(entries, meaning=meaning)
    found_pos = sim.pairs(threshold)
    found = {frozenset((sim.entries[a].key, sim.entries[b].key)) for a, b in found_pos}
    hits = len(found & truth)
    p = hits / len(found) if found else 1.0
    r = hits / len(truth) if truth else 1.0
    if verbose:
        data = json.loads(FIXTURE.read_text())["items"]
        for pair in sorted(truth - found, key=sorted):
            a, b = sorted(pair)
            print("MISS", data[a]["title"], "|", data[b]["title"])
        for pair in sorted(found - truth, key=sorted):
            a, b = sorted(pair)
            print("FALSE", data[a]["title"], "|", data[b]["title"])
    return p, r, len(found), len(truth)


def ceiling(entries, truth, vectors=None):
    """The best any mix of the two signals could do: every pair across lists ranked by
    share * words + (1 - share) * meaning cosine, for shares 0, 0.05, ... 1; the best F1
    and the most recall at precision 0.85 or more. `vectors`: another model's rows, one
    per request of the fixture (the shipped model's without)."""
    import itertools

    import numpy as np

    sim = Similarity(entries)

    def cosine(a, b):
        if vectors is None:
            return float(sim.rows(a) @ sim.rows(b))
        return float(vectors[sim.entries[a].key] @ vectors[sim.entries[b].key])

    words, meaning, true = [], [], []
    for a, b in itertools.combinations(range(len(sim.entries)), 2):
        if sim.entries[a].owner == sim.entries[b].owner:
            continue
        words.append(sim.word_score(a, b))
        meaning.append(cosine(a, b))
        true.append(frozenset((sim.entries[a].key, sim.entries[b].key)) in truth)
    w, m, y = np.array(words), np.array(meaning), np.array(true)
    best_f, best_recall = (0.0, 0.0, 0.0, 0.0), 0.0
    alone = (0.0, 0.0)
    for share in np.linspace(0, 1, 21):
        order = np.argsort(-(share * w + (1 - share) * m), kind="stable")
        hits = np.cumsum(y[order])
        precision, recall = hits / np.arange(1, len(y) + 1), hits / y.sum()
        f = 2 * precision * recall / (precision + recall + 1e-9)
        at = int(f.argmax())
        if f[at] > best_f[0]:
            best_f = (float(f[at]), float(share), float(precision[at]), float(recall[at]))
        sure = precision >= 0.85
        best_recall = max(best_recall, float(recall[sure].max()) if sure.any() else 0.0)
        if share == 0:
            alone = (float(f[at]), float(recall[sure].max()) if sure.any() else 0.0)
    print(
        f"{len(y)} pairs across lists, {int(y.sum())} true: best F1 {best_f[0]:.2f} "
        f"(words share {best_f[1]:.2f}: precision {best_f[2]:.2f}, recall {best_f[3]:.2f}); "
        f"most recall at precision >= 0.85: {best_recall:.2f}; "
        f"meaning alone: best F1 {alone[0]:.2f}, recall at precision >= 0.85: {alone[1]:.2f}"
    )


if __name__ == "__main__":
    split = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "tune"
    meaning = False if "--words-only" in sys.argv else None
    entries, truth = load(split)
    if not entries:
        sys.exit(f"No requests in the part {split!r}: the parts are 'tune' and 'heldout'.")
    if "--ceiling" in sys.argv:
        after = sys.argv[sys.argv.index("--ceiling") + 1 :]
        vectors = None
        if after and after[0].endswith(".npy"):
            import numpy as np

            vectors = np.load(after[0])
        ceiling(entries, truth, vectors)
    elif "--grid" in sys.argv:
        for share in (0.3, 0.4, 0.5, 0.6, 0.7):
            for floor in (0.3, 0.35, 0.4, 0.45):
                for span in (0.3, 0.4, 0.5):
                    similar.WORD_SHARE, similar.MEANING_FLOOR, similar.MEANING_SPAN = (
                        share,
                        floor,
                        span,
                    )
                    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5):
                        p, r, n, t = measure(entries, truth, meaning, threshold)
                        print(
                            f"{share} {floor} {span} {threshold}  P {p:.2f} R {r:.2f} "
                            f"F {2 * p * r / (p + r + 1e-9):.3f}"
                        )
    else:
        p, r, n, t = measure(entries, truth, meaning, verbose="-v" in sys.argv)
        print(f"{split}: {n} found, {t} true pairs: precision {p:.2f}, recall {r:.2f}")
