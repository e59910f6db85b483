"""The palette's "Screenshot": a picture of the screen (SVG), written beside the board,
and said where. (Textual's own entry wrote nowhere a terminal could tell, and said only
"Failed to save screenshot".)"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.errors import PlanboardError
from ..core.outcome import write_atomically
from ..core.text import path_text


def _free_name(folder: Path, stem: str) -> Path:
    """`<stem>.svg`, or `<stem>-2.svg`, `-3`… when taken (two in the same second)."""
    target, n = folder / f"{stem}.svg", 2
    while target.exists() or target.is_symlink():
        target, n = folder / f"{stem}-{n}.svg", n + 1
    return target


def save_picture(app: Any) -> None:
    """Write the screen as it is now to `<board>.screen-<time>.svg` beside the board (in
    the home folder when the board's folder can't be written), and say where. Written
    as every export is (`write_atomically`): never through a link onto a board."""
    board: Path = app.store.path
    stem = f"{board.stem}.screen-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    picture = app.export_screenshot()
    written: Path | None = None
    problem = ""
    for folder in (board.parent, Path.home()):
        try:
            written = write_atomically(_free_name(folder, stem), picture, board=board)
            break
        except (OSError, PlanboardError) as refused:
            problem = getattr(refused, "strerror", None) or str(refused)
    screen = app.screen
    say = getattr(screen, "say", None)
    if written is not None:
        message, error = f"Saved a picture of the screen to {path_text(written)}", False
    else:
        message, error = f"Could not save a picture of the screen: {problem}.", True
    if callable(say):
        say(message, error=error)
    else:
        app.notify(message, timeout=10, markup=False, severity="error" if error else "information")
