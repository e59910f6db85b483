"""The array passes of the matcher on big boards: which vectors to compare with
which (cells of nearest centroids), and candidate pairs made and handed on a slice at a
time, so that memory stays flat however many pairs a board makes."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

SLICE = 25_000  # candidate pairs made and scored at a time (their vectors 4,096 at a time)


def cells(matrix: Any, np: Any) -> list[Any]:
    """Groups of rows to compare with each other (arrays of row numbers, ascending):
    all rows for a few thousand; beyond that, each row in the cells of its two nearest
    centroids (a few rounds of k-means from evenly spaced rows), so the work grows with
    N·√N, not N². The rows may be float16: they are read as float32, a slice at a time."""
    count = len(matrix)
    if count <= 4000:
        return [np.arange(count, dtype=np.int64)]
    cell_count = int(math.sqrt(count) / 2)
    centroids = matrix[np.linspace(0, count - 1, cell_count).astype(int)].astype(np.float32)
    for _ in range(3):
        nearest = _nearest_centroids(matrix, centroids, np, 1).ravel()
        for cell, members in enumerate(_split_by(np, nearest, cell_count)):
            if len(members):
                centre = matrix[members].astype(np.float32).mean(0)
                centroids[cell] = centre / (np.linalg.norm(centre) or 1.0)
    top = _nearest_centroids(matrix, centroids, np, 2)
    rows = np.repeat(np.arange(count, dtype=np.int64), 2)
    return [rows[at] for at in _split_by(np, top.ravel(), cell_count)]


def _nearest_centroids(matrix: Any, centroids: Any, np: Any, many: int) -> Any:
    """Each row's `many` nearest centroids (1: the nearest; 2: the two nearest, in no
    order), about 2,048 rows at a time. (Slices of one size: a product over a few rows
    can differ in its last bit from the same rows among many, and move a row's cell.)"""
    found = []
    for rows in np.array_split(np.arange(len(matrix)), max(1, -(-len(matrix) // 2048))):
        sims = matrix[rows[0] : rows[-1] + 1].astype(np.float32) @ centroids.T
        if many == 1:
            found.append(np.argmax(sims, axis=1)[:, None])
        else:
            # (A copy: the view would keep every row's whole ordering.)
            found.append(np.argpartition(-sims, 1, axis=1)[:, :2].copy())
    return np.concatenate(found)


def _split_by(np: Any, labels: Any, count: int) -> list[Any]:
    """For each label 0 … count-1, where it occurs in `labels`, in ascending order."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    return [order[bounds[n] : bounds[n + 1]] for n in range(count)]


def word_pairs(np: Any, postings: list[list[int]]) -> tuple[Any, Any]:
    """Every pair within each posting list (its items in ascending order)."""
    firsts: list[Any] = [np.zeros(0, dtype=np.int64)]
    seconds: list[Any] = [np.zeros(0, dtype=np.int64)]
    for first, second in word_pair_slices(np, postings, SLICE):
        firsts.append(first)
        seconds.append(second)
    return np.concatenate(firsts), np.concatenate(seconds)


def word_pair_slices(np: Any, postings: list[list[int]], size: int) -> Iterator[tuple[Any, Any]]:
    """`word_pairs`, about `size` pairs at a time: the lists of one length together,
    as one array, so millions of pairs take no Python loop."""
    by_length: dict[int, list[list[int]]] = defaultdict(list)
    for found in postings:
        by_length[len(found)].append(found)
    for length, lists in by_length.items():
        table = np.asarray(lists, dtype=np.int64)
        x, y = np.triu_indices(length, 1)
        step = max(1, size // len(x))
        for start in range(0, len(table), step):
            part = table[start : start + step]
            yield part[:, x].ravel(), part[:, y].ravel()


def gathered(np: Any, chunks: Iterator[tuple[Any, Any]], size: int) -> Iterator[tuple[Any, Any]]:
    """Small chunks of pairs joined into about `size` at a time."""
    firsts: list[Any] = []
    seconds: list[Any] = []
    held = 0
    for first, second in chunks:
        firsts.append(first)
        seconds.append(second)
        held += len(first)
        if held >= size:
            yield np.concatenate(firsts), np.concatenate(seconds)
            firsts, seconds, held = [], [], 0
    if firsts:
        yield np.concatenate(firsts), np.concatenate(seconds)
