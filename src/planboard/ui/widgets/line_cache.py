"""A column's drawn lines, kept for each state of its focus while its look stays."""

from __future__ import annotations

from collections.abc import Hashable

from textual.cache import LRUCache
from textual.strip import Strip

Look = tuple[object, ...]


class LineCache:
    """Lines drawn by a column, a set for each of its focus (and hover) states, all
    drawn in one look: the style sheet's rules, the theme and the classes the column's
    styles are worked out from.

    A focus change restyles the column: its background and cursor change, so every line
    is drawn again. A move takes the focus from one column to another and its undo
    brings it back: the lines each column drew the last time it had (or had not) the
    focus are then still good, and are used again instead of being drawn anew. Another
    look (a theme, a class such as the light mode's) drops every set."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._sets: dict[Hashable, LRUCache[Hashable, Strip]] = {}
        self._look: Look = ()

    def clear(self) -> None:
        """What the column shows changed: every line is drawn again, in any state."""
        self._sets.clear()

    def lines(self, state: Hashable, look: Look) -> LRUCache[Hashable, Strip]:
        """The lines drawn in `state` and `look` (none yet if the look changed)."""
        if not _same(look, self._look):
            self._sets.clear()
            self._look = look
        lines = self._sets.get(state)
        if lines is None:
            lines = self._sets[state] = LRUCache(self._size)
        return lines


def _same(look: Look, other: Look) -> bool:
    """Whether two looks are the same: the rules (first) by identity, as a new style
    sheet is a new list of them (compared by value they would take long)."""
    return bool(look) and bool(other) and look[0] is other[0] and look[1:] == other[1:]
