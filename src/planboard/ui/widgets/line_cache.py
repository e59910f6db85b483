"""A column's drawn lines, kept for each state of its focus while its look stays."""

from __future__ import annotations

from collections.abc import Hashable

from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widget import Widget

Look = tuple[object, ...]


class LineCache:
    """Lines drawn by a column, a set for each of its focus (and hover) states, all
    drawn in one look: the style sheet's rules, the theme and the classes the column's
    styles are worked out from.

    A focus change restyles the column: its background and cursor change, so every line
    is drawn again. A move takes the focus from one column to another and its undo
    brings it back: the lines each column drew the last time it had (or had not) the
    focus are then still good, and are used again instead of being drawn anew. Another
    look (a theme, a class such as the light mode's) drops every set.

    The state and the look are taken at the first line drawn after the column's styles
    were worked out (`restyled`): lines are kept by what they were drawn with, even if the
    focus changed before its styles followed. Not in the look: the pseudo-classes of the
    nodes above the column (`App:blur`, `:focus-within`) and the column's others (`:odd`);
    no rule for the columns uses one (a test says so), and one that did would need them
    added to `look_of`."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._sets: dict[Hashable, LRUCache[Hashable, Strip]] = {}
        # The styles each set's lines are drawn with (by their component classes),
        # worked out once for the set: good for as long as its lines are.
        self._styles: dict[Hashable, dict[Hashable, Style]] = {}
        self._current: dict[Hashable, Style] = {}  # those of the set `lines` last returned
        self._look: Look = ()
        self._styled: tuple[Hashable, Look] | None = None

    def clear(self) -> None:
        """What the column shows changed: every line is drawn again, in any state."""
        self._sets.clear()

    def restyled(self) -> None:
        """The column's styles were worked out again (a focus change, a theme)."""
        self._styled = None

    def lines(self, column: Widget) -> LRUCache[Hashable, Strip]:
        """The lines `column` drew in its state and look (none yet if the look changed)."""
        if self._styled is None:
            self._styled = (column._pseudo_classes_cache_key, look_of(column))
        state, look = self._styled
        if not _same(look, self._look):
            self._sets.clear()
            self._styles.clear()
            self._look = look
        lines = self._sets.get(state)
        if lines is None:
            lines = self._sets[state] = LRUCache(self._size)
        styles = self._styles.get(state)
        self._current = styles if styles is not None else self._styles.setdefault(state, {})
        return lines

    def style(self, column: Widget, names: tuple[str, ...]) -> Style:
        """`column`'s style with the component classes `names`, as Textual works it out,
        once for the set of lines `lines` last returned (for the line being drawn): it
        is good for as long as they are. (A row asked Textual for three to five styles
        each time it was drawn.)"""
        found = self._current.get(names)
        if found is None:
            found = self._current[names] = column.get_visual_style(*names).rich_style
        return found


def look_of(column: Widget) -> Look:
    """What a column's styles are worked out from, but for its own focus (or hover): the
    style sheet's rules (new with a new theme), the theme, and the classes of the column
    and of each node above it."""
    app = column.app
    return (app.stylesheet.rules, app.theme, *(node.classes for node in column.ancestors_with_self))


def _same(look: Look, other: Look) -> bool:
    """Whether two looks are the same: the rules (first) by identity, as a new style
    sheet is a new list of them (compared by value they would take long)."""
    return bool(look) and bool(other) and look[0] is other[0] and look[1:] == other[1:]
