"""The driver planboard gives Textual: Textual's own for this system, with planboard's
answer to stops and continues (`quitting.guard_stops`) and the terminal's size read one
way, from the terminal the screen is drawn on; and a screen that lets go of a resize
the terminal's size has already overtaken (`_drop_overtaken_resizes`)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any

from .quitting import guard_stops

if TYPE_CHECKING:
    from textual import events
    from textual.driver import Driver

_made: dict[type[Driver], type[Driver]] = {}


def planboard_driver(base: type[Driver]) -> type[Driver]:
    """`base`, made to put planboard's handlers of SIGTSTP and SIGCONT in place as soon
    as it has set Textual's own, and to read the terminal's size as said below."""
    _drop_overtaken_resizes()
    if base not in _made:
        parts: dict[str, Any] = {"__init__": _init}
        if hasattr(base, "_get_terminal_size"):
            parts["_get_terminal_size"] = _terminal_size
        _made[base] = type(base.__name__, (base,), parts)
    return _made[base]


def _init(driver: Driver, *args: Any, **kwargs: Any) -> None:
    super(type(driver), driver).__init__(*args, **kwargs)
    # The size known from the start (Textual asked the console for it when the screen
    # wanted it before the terminal's first size arrived: a second reading, which
    # differs from the driver's where the terminal gives no size, or where standard
    # output is not the terminal; the screen then laid itself out at one size and the
    # other in turn, for ever, at 100% of a core).
    if driver._size is None and "_get_terminal_size" in type(driver).__dict__:
        driver._size = driver._get_terminal_size()  # type: ignore[attr-defined]
    guard_stops(driver)


def _terminal_size(driver: Driver) -> tuple[int, int]:
    """The size of the terminal the screen is drawn on (Textual draws on standard
    error, and read the size of standard output: 80x24 with it sent to a file); else
    of standard input or output; else 80x24. (Not `COLUMNS` and `LINES`, which Textual
    read there: 100000 of each took 1.7 GB in five seconds, and Ctrl+Q no answer.)"""
    for stream in (getattr(driver, "_file", None), sys.__stdin__, sys.__stdout__):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            columns, lines = os.get_terminal_size(stream.fileno())  # type: ignore[union-attr]
            if columns > 0 and lines > 0:
                return columns, lines
    return 80, 24


def _drop_overtaken_resizes() -> None:
    """Every screen lets go of a Resize whose size is no longer the terminal's. Sizes
    that come in quick succession (a window dragged while planboard starts) reach a
    screen after the app has taken the next: laid out at the old size, the screen sends
    itself a Resize of that size (its own size changed), then, at the new size, one of
    the new; each undoes the other, for ever, at 100% of a core, deaf to Ctrl+Q and
    SIGTERM (4 starts in 9 under twenty resizes 0.1 s apart). The last size always
    comes after: the screen ends laid out at it. (Once, for Textual's `Screen`: its own
    screens too, the command palette's.)"""
    from textual.screen import Screen

    textual_on_resize = Screen._on_resize
    if getattr(textual_on_resize, "_planboard", False):
        return

    async def _on_resize(screen: Screen[Any], event: events.Resize) -> None:
        app = screen.app
        if event.size != app.size and not app.is_inline:
            event.stop()
            return
        await textual_on_resize(screen, event)

    _on_resize._planboard = True  # type: ignore[attr-defined]
    Screen._on_resize = _on_resize  # type: ignore[method-assign, assignment]
