"""A list of choices and the pane that shows the highlighted one, drawn in one frame.

Textual's `OptionList` says that its highlight moved with a message, which the screen
takes in a turn of its own: the list was drawn with its new highlight in one frame, the
pane that shows that choice in the next (and a pane whose height follows what it shows
asked for a second layout, a third frame). A key took 33-65 ms to settle where a frame
takes 10."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import OptionList, Static

from .laid_out_once import ColumnScrollView, _SizedInPlace


class Choices(OptionList, ColumnScrollView):
    """An `OptionList` that calls `shown` as soon as its highlight moves (before the
    frame that draws it), as well as posting its message; its scrollbar is repainted
    only when what it shows changes (the pane's new height laid the screen out again,
    and every scrollbar was painted once more, in a frame of its own)."""

    def __init__(self, shown: Callable[[], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown = shown

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is not None and self.is_mounted:
            self._shown()

    def _on_mount(self, event: events.Mount) -> None:
        # A highlight given before the list was mounted (a screen's `on_mount` may run
        # before its list's) called no watcher: its choice shows now. (Textual calls
        # each class's own `_on_mount`: `Widget`'s still runs.)
        if self.highlighted is not None:
            self._shown()


class ChoicePane(_SizedInPlace, Static):
    """The pane beside `Choices`: laid out once for what it shows (the layout that
    gives it its new height places its lines already)."""
