"""Undo and redo from a screen, asking first when the replay would reveal the event's
hidden tally."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from ..core.errors import PlanboardError
from ..core.store import Store


def replay_asking(
    screen: Screen[Any],
    store: Store,
    quarter_id: int,
    *,
    undo: bool,
    go: Callable[[], object],
    say: Callable[[str], object],
) -> None:
    """Undo or redo (`go`), asking first when it would reveal the event's hidden tally, as
    `r` does: a stray `U` must not end the secret vote (the counts can't be unseen).
    Kept hidden, `say` tells so (the key was not lost)."""
    try:
        reveals = store.replay_reveals(quarter_id, undo=undo)
    except PlanboardError:
        reveals = False  # (the replay itself says what is wrong)
    if not reveals:
        go()
        return
    from .modals import ConfirmModal  # (here: the dialogs' code loads when one is asked)

    verb = "Undo" if undo else "Redo"

    def answered(yes: bool | None) -> None:
        if yes:
            go()
        else:
            say(f"{verb} not done: the tally stays hidden.")

    screen.app.push_screen(
        ConfirmModal(
            f"{verb} reveals the tally: every block's dots show on the event's screen"
            f"{attendees_too(screen.app)}.",
            yes=f"{verb} and reveal",
            no="Not yet",
        ),
        answered,
    )


def attendees_too(app: object) -> str:
    """ ", and to the attendees in the browser" while the board is shared in a browser
    (`Ctrl+P`, "share in browser"), else "": the question to reveal the tally spoke of
    a browser when nothing was shared."""
    return ", and to the attendees in the browser" if getattr(app, "shared", None) else ""
