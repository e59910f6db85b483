"""Meaning: titles as vectors of the shipped static word-vector model (needs numpy)."""

from __future__ import annotations

import functools
from collections.abc import Hashable, Sequence
from typing import Any, overload

from ..text import install_hint
from .words import _words_for

# Names the shipped meaning model, and how titles are read into its words, in stored
# vectors: v2 reads the broader lexicon's phrases and abbreviations, so vectors
# stored by v1 are worked out again.
MODEL_NAME = "minilm-static-128-v2"


class MeaningUnavailable(RuntimeError):
    """Matching by meaning needs numpy: the `meaning` extra (see `MEANING_MISSING`)."""


MEANING_MISSING = (
    "Matching by meaning is off: similar items are found by their words alone. It "
    f"needs numpy: {install_hint('meaning')}."
)


@functools.cache
def meaning_model() -> Any:
    """The shipped static model, or `MeaningUnavailable` without numpy."""
    try:
        import numpy as np
    except ImportError as error:
        raise MeaningUnavailable(MEANING_MISSING) from error
    from importlib import resources

    try:
        with (resources.files("planboard.core") / "data" / "meaning-en.npz").open("rb") as data:
            loaded = np.load(data)
            vocab = str(loaded["words"]).split("\n")
            vectors = loaded["vectors"], loaded["scale"].astype(np.float32)
    except (OSError, KeyError, ValueError) as error:
        raise MeaningUnavailable(
            f"Matching by meaning is off: its model can't be read ({error})."
        ) from error
    return _Meaning(vocab, vectors)


def meaning_available() -> bool:
    try:
        meaning_model()
    except MeaningUnavailable:
        return False
    return True


class _Meaning:
    def __init__(self, vocab: list[str], vectors: tuple[Any, Any]) -> None:
        import numpy as np

        self.np = np
        self.index = {w: i for i, w in enumerate(vocab)}
        # As shipped, a byte a number and a scale a word (a quarter of the memory of
        # float32 rows): a title's rows are scaled when it is embedded.
        self.codes, self.scale = vectors
        self.dims = self.codes.shape[1]
        self.words = _words_for("en")
        # Every known word counts the same (little words are left out before): on the
        # tune part this did better than weighing words by their rarity.
        self.weights = np.ones(len(vocab), dtype=np.float32)

    def embed(self, titles: Sequence[str]) -> Any:
        """One unit vector per title (zeros for a title with no known word)."""
        np = self.np
        out = np.zeros((len(titles), self.dims), dtype=np.float32)
        stem_of = self.words.lexicon.canon
        heads = self.words.lexicon.shown
        for row, title in enumerate(titles):
            found = []
            for word in self.words.plain(title):
                position = self.index.get(word)
                if position is None:
                    canonical = stem_of.get(word) or stem_of.get(self.words.stem(word))
                    if canonical is not None:
                        position = self.index.get(heads.get(canonical, ""))
                if position is not None:
                    found.append(position)
            if found:
                picked = np.array(found)
                rows = self.codes[picked].astype(np.float32) * self.scale[picked, None]
                vector = (rows * self.weights[picked, None]).sum(0)
                norm = float(np.linalg.norm(vector))
                if norm > 0:
                    out[row] = vector / norm
        return out


def rows_to_embed(np: Any, matrix: Any, filled: list[bool]) -> list[int]:
    """The rows of `matrix` (float16) to work out: those no stored vector filled, and
    stored ones that are not unit vectors, as another program may write them (a pair
    "close in meaning (139741.28)"). Stored zeros too: a title of no known word embeds
    to zeros, but so would a row another program zeroed hide a title's meaning (the
    few titles that truly have none are quick to look at again; see `same_zeros`)."""
    norms = np.zeros(len(matrix), dtype=np.float32)
    for start in range(0, len(matrix), 2048):  # (as float32 a slice at a time: 1 MB)
        block = matrix[start : start + 2048].astype(np.float32)
        norms[start : start + len(block)] = np.sqrt(np.einsum("ij,ij->i", block, block))
    with np.errstate(invalid="ignore"):
        unit = np.abs(norms - 1) <= 0.01
    good = np.asarray(filled, dtype=bool) & np.isfinite(norms) & unit
    return [int(n) for n in np.flatnonzero(~good)]


def same_zeros(matrix: Any, filled: list[bool], worked_out: list[int]) -> list[int]:
    """Of the rows worked out again, those that were stored as zeros and still are (a
    title of no known word): nothing new to store."""
    return [n for n in worked_out if filled[n] and not matrix[n].any()]


EMBED_AT_ONCE = 4096  # titles embedded at a time (their float32 rows: 2 MB)


class NewVectors(Sequence[tuple[Hashable, str, bytes]]):
    """The vectors a pass worked out, to store: (key, title hash, float16 bytes), made
    when asked from the rows of the matcher's matrix (held as tuples, 50,000 of them
    were 20 MB of the pass's process). `clear()` lets them go."""

    def __init__(self, entries: Sequence[Any] = (), matrix: Any = None, at: Any = ()) -> None:
        self._entries, self._matrix, self._at = entries, matrix, [int(p) for p in at]

    def __len__(self) -> int:
        return len(self._at)

    @overload
    def __getitem__(self, index: int) -> tuple[Hashable, str, bytes]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Hashable, str, bytes]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._one(position) for position in self._at[index]]
        return self._one(self._at[index])

    def _one(self, position: int) -> tuple[Hashable, str, bytes]:
        entry = self._entries[position]
        return entry.key, title_hash(entry.text), self._matrix[position].tobytes()

    def clear(self) -> None:
        self._entries, self._matrix, self._at = (), None, []

    def __eq__(self, other: object) -> bool:
        """The same vectors, in the same order, as another sequence of them."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # (as a list's)


def title_hash(title: str) -> str:
    """What a stored vector is keyed by, besides the item: the title and the model."""
    return _sha1(f"{MODEL_NAME}\n{title}".encode()).hexdigest()[:16]


def _sha1_maker() -> Any:
    """SHA-1 as Python builds it in, where it does: the same digests as `hashlib`'s,
    without loading OpenSSL (3.6 MB of the overlap pass's process, for this alone)."""
    try:
        from _sha1 import sha1  # type: ignore[import-not-found]
    except ImportError:  # (a Python built without it)
        from hashlib import sha1
    return sha1


_sha1 = _sha1_maker()


def embed_titles(titles: Sequence[str]) -> list[bytes]:
    """Meaning vectors of titles as float16 bytes (to store in the file)."""
    model = meaning_model()
    return [row.astype(model.np.float16).tobytes() for row in model.embed(titles)]
