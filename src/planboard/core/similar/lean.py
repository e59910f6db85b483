"""What a lean pass (the board's, in a process of its own) lets go of, and when: the
matcher's tables it no longer reads, given back to the system between its steps, so
that no two steps' memory is held at once."""

from __future__ import annotations

import contextlib
from array import array
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from .cells import give_back_memory
from .entry import KeysAndOwners
from .meaning import NewVectors, meaning_model
from .words import _words_for

if TYPE_CHECKING:
    from .pairs import Similarity


def load_first() -> None:
    """The modules a lean pass loads as it goes (numpy, the model's archive reader,
    the stemmer, the fuzzy matcher), loaded before the question is read: loaded among
    the titles and the word tables, their objects, which stay, kept the blocks of
    memory around them from going back to the system once those were let go."""
    for name in (
        "numpy",
        "zipfile",
        "encodings.cp437",
        "importlib.readers",
        "importlib.resources.readers",
        "snowballstemmer",
        "rapidfuzz.fuzz",
        "rapidfuzz.process",
    ):
        with contextlib.suppress(ImportError):
            __import__(name)


def travel_light(similarity: Similarity) -> None:
    """Let go what the scoring does not read, once the words are weighed and the new
    vectors sent: the titles, the language's word frequencies, lexicon, stemmer and
    words read, and the meaning model (asked for again, each is read again)."""
    import gc
    import re

    from ..lexicon import frequencies, lexicon, stemmer, stopwords

    keys_and_owners = KeysAndOwners.of(similarity.entries)
    similarity.entries, similarity.names = [], []  # (no word by name: the scoring reads ids)
    for cached in (_words_for, frequencies, stemmer, lexicon, stopwords, meaning_model):
        cached.cache_clear()
    similarity.__dict__.pop("analyser", None)
    re.purge()  # (the patterns that found how titles wrote their phrases)
    # (And Python's free lists of small objects, which a full collection empties: the
    # floats, lists and tuples last let go stay there, each holding a block.)
    gc.collect()
    # What stays is made again once the rest has gone: the memory freed is given back
    # to the system in whole blocks (Python's of 1 MB), and one small object made while
    # the titles were read, and kept, holds a block.
    similarity.entries = keys_and_owners.again()
    similarity.new_vectors, similarity.index = NewVectors(), defaultdict(list)
    similarity.word_count = int(str(similarity.word_count))  # (`int()` gives the same)
    give_back_memory()


def scored(similarity: Similarity) -> None:
    """Its pairs scored (once: `Similarity._best_in_bulk` refuses a second time), a
    pass that travelled light lets go of what only the scoring read (the matrix and
    the words' tables, 18 MB at 50,000 items) before it ranks the pairs both ways."""
    similarity._spent = True
    similarity.meaning = similarity._as_float32 = similarity._postings = None
    similarity.starts, similarity.word_ids = array("q", [0]), array("q")
    similarity.weights = array("d")
    give_back_memory()


class Aside:
    """The meaning vectors (a float16 matrix) out of memory while the words are
    weighed, which do not read them: at 50,000 items 13 MB, beside the titles and the
    words' tables at their largest. In a temporary file with no name (`Spill`), read
    back whole; where none can be written, `matrix` keeps them."""

    def __init__(self, matrix: Any) -> None:
        from ..spill import Spill

        self._spill: Spill | None = Spill()
        self._shape, self._dtype = matrix.shape, matrix.dtype
        self._at = self._spill.put(memoryview(matrix).cast("B")) if matrix.size else -1
        self.matrix = matrix if self._at < 0 else None
        if self._at < 0:
            self._spill = None

    def back(self) -> Any:
        """The matrix, as it was (read-only, once read back from the file)."""
        if self.matrix is not None or self._spill is None:
            return self.matrix
        import numpy as np

        spill, self._spill = self._spill, None
        size = int(np.prod(self._shape)) * self._dtype.itemsize
        data = spill.get(self._at, size)
        return np.frombuffer(data, dtype=self._dtype).reshape(self._shape)
