"""Why two titles match, in words: the parts `Similarity.explain` joins ("churn ≈
leave; customer", "GMV ≈ Gross merchandise value")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .words import written_at

if TYPE_CHECKING:
    from .pairs import Similarity


def shared_words(similarity: Similarity, a: int, b: int) -> list[str]:
    """The words two entries share, the weightiest first, as `_joined` says them."""
    ids, weights, surfaces = similarity.word_ids, similarity.weights, similarity.surfaces
    start, end = similarity.starts[b], similarity.starts[b + 1]
    theirs = ids[start:end]
    # a's words that b has too, the weightiest first (ids follow the words'
    # spelling: ties go by the word, as they always did).
    shared = [n for n in range(similarity.starts[a], similarity.starts[a + 1]) if ids[n] in theirs]
    if len(shared) > 1:
        shared.sort(key=lambda n: (-weights[n], ids[n]))
    stem = similarity.analyser.stem
    sides: list[tuple[str, str]] = []
    for n in shared:
        x, y = surfaces[n], surfaces[start + theirs.index(ids[n])]
        same = x == y or x.lower() == y.lower() or stem(x) == stem(y)
        sides.append((x, x) if same else (x, y))
    entries, spelt = similarity.entries, similarity.analyser.spelt
    return _joined(sides, entries[a].text, entries[b].text, spelt)


def _joined(
    sides: list[tuple[str, str]], first: str, second: str, spelt: Callable[[str], list[str]]
) -> list[str]:
    """Why two titles match, said once each: `x` where both wrote it, `x ≈ y` where
    they name one thing differently; an abbreviation against what it stands for is
    one part, that stretch of the other title as written (`GMV ≈ Gross merchandise
    value`, `YoY ≈ year-over-year`). `spelt`: what an abbreviation stands for."""
    lefts = [x for x, _ in sides]
    if lefts == [y for _, y in sides]:  # (most often: the same words on both sides)
        return list(dict.fromkeys(lefts))
    lefts, rights = [x for x, y in sides if x != y], [y for x, y in sides if x != y]
    parts: list[str] = []
    for x, y in dict.fromkeys(sides):  # (in order, each pair once)
        if x == y:
            part = x
        elif lefts.count(x) > 1 or spelt(x):
            theirs = [b for a, b in sides if a == x]
            others = [b for a, b in sides if a != x]
            part = f"{x} ≈ {_stretch(second, spelt(x), theirs, others)}"
        elif rights.count(y) > 1 or spelt(y):
            ours = [a for a, b in sides if b == y]
            others = [a for a, b in sides if b != y]
            part = f"{_stretch(first, spelt(y), ours, others)} ≈ {y}"
        else:
            part = f"{x} ≈ {y}"
        if part not in parts:
            parts.append(part)
    return parts


def _stretch(title: str, spelt: list[str], words: list[str], others: list[str]) -> str:
    """What of a title an abbreviation on the other side stands for: its words as the
    title writes them; else the stretch from the first of `words` (the ones they share)
    to the last, when little stands between them and none of `others` (words that
    match on their own); else those words in order."""
    found = written_at(title, " ".join(spelt)) if spelt else None
    if found is not None:
        return found.group(0)
    unique = list(dict.fromkeys(words))
    at = [found for found in (written_at(title, word) for word in unique) if found]
    if at and len(at) == len(unique):
        stretch = title[min(m.start() for m in at) : max(m.end() for m in at)]
        if len(stretch.split()) <= len(at) + 2 and not any(
            written_at(stretch, other) for other in others if other not in unique
        ):
            return stretch
    return " ".join(sorted(unique, key=lambda word: _at(title, word)))


def _at(title: str, word: str) -> int:
    found = written_at(title, word.lower())
    return found.start() if found else len(title)
