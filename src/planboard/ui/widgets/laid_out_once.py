"""Widgets that a resize lays out once.

When a change resizes the columns (an undo that takes a long list away, a redo that
brings it back), Textual lays the whole screen out and paints it; then every widget whose
size changed marks itself for another layout, and the screen is laid out and painted a
second time although nothing moved. The columns' containers and scrollbars have nothing
inside them to lay out again, so they take their new size without asking for it.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from math import ceil
from typing import Self

from rich.console import RenderableType
from textual import events, messages, on
from textual.cache import LRUCache
from textual.containers import Container
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

# A screen laid on top is removed within this time after the screen below comes back.
_REMOVAL_S = 0.5


class _SizedInPlace(Widget):
    """Takes a new size without asking for another layout pass: the pass that resized
    it placed what it holds already."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class Stack(_SizedInPlace, Container):
    """A container of columns whose new size needs no second layout pass. (Not for a
    container sized by what it holds, `height: auto`: there the second pass is what
    fits it.)"""


class ColumnScrollBar(_SizedInPlace, ScrollBar):
    """A column's scrollbar: its size follows the column's without a second layout
    pass, and it is not painted twice for one change. When the focus moves to another
    column its scrollbar takes the new colours and asks the screen for a repaint; if the
    board is painted whole before the screen comes to that request (a form closing
    paints it whole), that paint drew it already: `CalmResume` lets the request go (it
    cost a frame of its own, 30 ms after the first)."""

    drawn_since_asked = False
    _drawn: LRUCache[Hashable, list[Strip]] | None = None  # lines drawn, by what they show

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        self.drawn_since_asked = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render(self) -> RenderableType:
        self.drawn_since_asked = True  # (as it is now: after the last change asked)
        return super().render()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The bar's lines; kept for the last few looks it had (a focus change gives it
        other colours, and its undo the first again). A move changes the column's length
        by a row, which rarely moves the thumb by an eighth of a cell: the bar is then not
        drawn again (each bar took 1.5 ms of a move)."""
        if crop != self.size.region:  # (a line the mouse is over, asked for its style)
            return super().render_lines(crop)
        if self._drawn is None:
            self._drawn = LRUCache(4)
        key = (self.size, self._looks())
        lines = self._drawn.get(key)
        if lines is None:
            # Drawn afresh: the lines Textual kept may be from another look (a column
            # that takes the focus restyles its bar after it first draws it).
            self._styles_cache.clear()
            self._dirty_regions.add(self.size.region)
            lines = self._drawn[key] = super().render_lines(crop)
        self.drawn_since_asked = True
        return lines

    def _looks(self) -> Hashable:
        """What the drawn bar depends on: its colours, its state (grabbed, hovered), and
        the thumb's ends in eighths of a cell, worked out as `ScrollBarRender.render_bar`
        does (Textual 8.2)."""
        parent = self.parent
        assert isinstance(parent, Widget)
        styles = parent.styles
        colours = (
            styles.scrollbar_background,
            styles.scrollbar_color,
            styles.scrollbar_background_hover,
            styles.scrollbar_color_hover,
            styles.scrollbar_background_active,
            styles.scrollbar_color_active,
            self.background_colors,
            self.rich_style,  # (the bar's own, worked out from the nodes above it)
            self.screen.styles.scrollbar_color.a == 0,
        )
        return (
            colours,
            self.grabbed is not None,
            self.mouse_over,
            self.thickness,
            self.vertical,
            _thumb(self),
        )


def _thumb(bar: ScrollBar) -> tuple[int, int] | None:
    """Where the thumb of `bar` starts and ends, in eighths of a cell (None: no thumb),
    as `ScrollBarRender.render_bar` works it out."""
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0
    window_size, virtual_size = ceil(window), ceil(bar.window_virtual_size)
    size = bar.size.height if bar.vertical else bar.size.width
    if not (window_size and size and virtual_size and size != virtual_size):
        return None
    thumb_size = max(1, window_size / (virtual_size / size))
    position = (size - thumb_size) * (bar.position / (virtual_size - window_size))
    start = int(position * 8)
    return (start, start + ceil(thumb_size * 8))


class ColumnScrollView(ScrollView):
    """A column that scrolls up and down: its scrollbar is a `ColumnScrollBar`, repainted
    only when what it shows changes."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's, as a `ColumnScrollBar`: resizing the column lays it out once."""
        if self._vertical_scrollbar is None:
            bar = ColumnScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def _scroll_update(self, virtual_size: Size) -> None:
        """Textual's, less the repaint of a scrollbar that shows what it showed: the
        layout that resized the column painted its scrollbar already (a repaint of every
        scrollbar would be a frame of its own). A scrollbar whose length or window
        changed repaints itself."""
        self._refresh_scrollbars()
        width, height = self.container_size
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = virtual_size.height
            bar.window_size = height - self.scrollbar_size_horizontal
        if self.show_horizontal_scrollbar and self.styles.scrollbar_size_horizontal:
            bar = self.horizontal_scrollbar
            bar.window_virtual_size = virtual_size.width
            bar.window_size = width - self.scrollbar_size_vertical
        self.scroll_x = self.validate_scroll_x(self.scroll_x)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)


class CalmResume(Screen[None]):
    """A screen that is not painted twice when one on top of it closes.

    Coming back, it is painted whole once (the screen on top dimmed it). The one on top
    is then removed, a few dozen milliseconds later, once its widgets have stopped; that
    removal asks the screen below for a layout and marks the whole of it to be painted
    again, although removing another screen changes nothing on it: a second full frame
    after every form closed with Enter (and the columns a move resized in place painted
    once more by that layout). Such requests, in the moment after it came back, are let
    go: its widgets ask for their own layout and repaint when what they show changes."""

    _resumed_at: float = 0.0
    #: What the screen on top covered, when it is closing and left the rest as it was
    #: (a form that does not dim the board): all that is painted again on coming back.
    _uncovered: Region | None = None

    _covering: bool = False  # a form that does not dim it is opening over it

    def cover(self) -> None:
        """A form that leaves it as it is around itself opens over it: Textual paints
        the screen below whole as a screen opens over it (for one that dims it), and
        that paint is let go (the one asked as it opens: until the next frame)."""
        self._covering = True

        def done() -> None:
            self._covering = False

        self.call_after_refresh(done)

    def _repaint_under(self, region: Region) -> None:
        """Paint again what lies under `region` of the screen, and what was marked on
        the screen itself while it was under the form, through the widgets there: a
        screen marked to be painted is painted alone (Textual then drops what its
        widgets asked, such as the status line an action changed)."""
        regions = [region]
        if self._repaint_required:
            regions.extend(self._exchange_repaint_regions())
            self._repaint_required = False
        for child in self.children:
            if not isinstance(child, Widget) or not child.display:
                continue
            where, content = child.region, child.content_offset
            for marked in regions:
                if where.overlaps(marked):
                    inside = marked.intersection(where)
                    x, y = inside.x - where.x - content.x, inside.y - where.y - content.y
                    child.refresh(Region(x, y, inside.width, inside.height))
                    # (In the frame the screen paints next, with what the action changed,
                    # not in one of its own after the widget asks.)
                    self._dirty_widgets.add(child)

    def uncover(self, region: Region) -> None:
        """The screen on top, which covered only `region`, is closing: until the next
        frame, painting this screen whole paints that region."""
        self._uncovered = region

        def done() -> None:
            self._uncovered = None

        self.call_after_refresh(done)

    async def _on_update(self, message: messages.Update) -> None:
        widget = message.widget
        if isinstance(widget, ColumnScrollBar) and widget.drawn_since_asked:
            message.prevent_default()  # (painted as it is now since it asked)

    @on(events.ScreenResume)
    def _note_resume(self) -> None:
        self._resumed_at = time.monotonic()

    def refresh(
        self, *regions: object, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> CalmResume:
        bare = repaint and not (regions or layout or recompose)
        if bare and self._covering:
            self._covering = False
            return self
        uncovered = self._uncovered
        if uncovered is not None and bare and self.app.screen is self:
            # Coming back from a form that covered only this: the rest is as it was.
            self._repaint_under(uncovered)
            return self
        if (
            layout
            and repaint
            and not regions
            and not recompose
            and time.monotonic() - self._resumed_at < _REMOVAL_S
            and self.app.screen is self
        ):
            return self  # nothing of this screen changed: no layout, no repaint
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)  # type: ignore[arg-type]
        return self
