"""Would a meaning signal trained on these very pairs reach the target? (development only)

    python scripts/learn_map.py vectors.npy
    python scripts/eval_matcher.py heldout --ceiling vectors.npy

Learns a linear map of the shipped model's title vectors (128 by 128, started at the
identity) from the tune part's pairs alone: every pair across lists, the true ones
weighted up to as many as the others, a logistic loss on the cosine of the mapped
vectors, and a pull of strength `lambda` back towards the identity. `lambda` is chosen
by two-fold cross-validation inside the tune part (its groups split in two by a hash of
their names: learn on one half, measure the ceiling on the other), never by looking at
the held-out part. The map learned on the whole tune part then writes one unit row per
request of the fixture, in its order, for `eval_matcher.py --ceiling`.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import sys
import zlib

import numpy as np
from eval_matcher import FIXTURE, ceiling, load

from planboard.core.similar import Entry, Similarity

LAMBDAS = (1.0, 0.1, 0.03, 0.01, 0.003, 0.001)
STEPS = 300
SHARPNESS = 10.0  # the cosine's scale in the logistic loss
RATE = 0.01  # Adam's step


def shipped_vectors(items: list[dict[str, str]]) -> np.ndarray:
    """The shipped model's unit vector of each request, in the fixture's order."""
    sim = Similarity([Entry(n, item["title"], item["owner"]) for n, item in enumerate(items)])
    at = {entry.key: n for n, entry in enumerate(sim.entries)}
    return np.stack([np.asarray(sim.rows(at[n]), dtype=np.float64) for n in range(len(items))])


def learn(vectors, items, keys, truth, strength):
    """The map learned from the pairs across lists among `keys`."""
    pairs = [
        (a, b, frozenset((a, b)) in truth)
        for a, b in itertools.combinations(sorted(keys), 2)
        if items[a]["owner"] != items[b]["owner"]
    ]
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    sign = np.array([1.0 if p[2] else -1.0 for p in pairs])
    weight = np.where(sign > 0, (sign < 0).sum() / max((sign > 0).sum(), 1), 1.0)
    weight /= weight.sum()
    size = vectors.shape[1]
    mapping, bias = np.eye(size), -5.0
    moments = [np.zeros_like(mapping), np.zeros_like(mapping), 0.0, 0.0]
    for step in range(1, STEPS + 1):
        mapped = vectors @ mapping.T
        norms = np.linalg.norm(mapped, axis=1, keepdims=True)
        unit = mapped / norms
        cosine = (unit[a] * unit[b]).sum(1)
        slope = -sign / (1 + np.exp(sign * (SHARPNESS * cosine + bias))) * weight
        along = SHARPNESS * slope[:, None]
        grad = np.zeros_like(mapped)
        np.add.at(grad, a, (unit[b] - cosine[:, None] * unit[a]) / norms[a] * along)
        np.add.at(grad, b, (unit[a] - cosine[:, None] * unit[b]) / norms[b] * along)
        grads = (grad.T @ vectors + 2 * strength * (mapping - np.eye(size)), slope.sum())
        for n, g in enumerate(grads):
            moments[2 * n] = 0.9 * moments[2 * n] + 0.1 * g
            moments[2 * n + 1] = 0.999 * moments[2 * n + 1] + 0.001 * g**2
        mean = [moments[n] / (1 - 0.9**step) for n in (0, 2)]
        var = [moments[n] / (1 - 0.999**step) for n in (1, 3)]
        mapping = mapping - RATE * mean[0] / (np.sqrt(var[0]) + 1e-8)
        bias = bias - RATE * mean[1] / (np.sqrt(var[1]) + 1e-8)
    mapped = vectors @ mapping.T
    return mapped / np.linalg.norm(mapped, axis=1, keepdims=True)


def best_f1(entries, truth, vectors) -> float:
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        ceiling(entries, truth, vectors)
    found = re.search(r"best F1 ([\d.]+)", said.getvalue())
    return float(found.group(1)) if found else 0.0


def main(out: str) -> None:
    items = json.loads(FIXTURE.read_text())["items"]
    entries, truth = load("tune")
    vectors = shipped_vectors(items)

    def half(entry: Entry) -> int:
        return zlib.crc32(str(items[entry.key]["group"] or entry.key).encode()) % 2

    scores: dict[float | None, float] = {}
    for strength in (None, *LAMBDAS):
        fold_scores = []
        for k in (0, 1):
            learn_on = {e.key for e in entries if half(e) != k}
            judged = [e for e in entries if half(e) == k]
            keys = {e.key for e in judged}
            their = {p for p in truth if p <= keys}
            mapped = (
                vectors if strength is None else learn(vectors, items, learn_on, truth, strength)
            )
            fold_scores.append(best_f1(judged, their, mapped))
        scores[strength] = sum(fold_scores) / 2
        name = "shipped vectors" if strength is None else f"lambda {strength}"
        print(f"{name}: best F1 on the other half {fold_scores[0]:.2f}, {fold_scores[1]:.2f}")
    chosen = max(LAMBDAS, key=lambda s: scores[s])
    print(f"chosen lambda {chosen} (cross-validated best F1 {scores[chosen]:.3f}, ", end="")
    print(f"shipped vectors {scores[None]:.3f})")
    np.save(out, learn(vectors, items, {e.key for e in entries}, truth, chosen).astype(np.float32))
    print(f"{len(items)} rows -> {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
