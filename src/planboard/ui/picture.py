"""The palette's "Screenshot": a picture of the screen (SVG), written beside the board,
and said where. (Textual's own entry wrote nowhere a terminal could tell, and said only
"Failed to save screenshot".)"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.text import path_text


def save_picture(app: Any) -> None:
    """Write the screen as it is now to `<board>.screen-<time>.svg` beside the board (in
    the home folder when the board's folder can't be written), and say where."""
    board: Path = app.store.path
    name = f"{board.stem}.screen-{datetime.now().strftime('%Y%m%d-%H%M%S')}.svg"
    written = ""
    problem = ""
    for folder in (board.parent, Path.home()):
        try:
            written = app.save_screenshot(filename=name, path=str(folder))
            break
        except OSError as refused:
            problem = refused.strerror or str(refused)
    screen = app.screen
    say = getattr(screen, "say", None)
    if written:
        message, error = f"Saved a picture of the screen to {path_text(written)}", False
    else:
        message, error = f"Could not save a picture of the screen: {problem}.", True
    if callable(say):
        say(message, error=error)
    else:
        app.notify(message, timeout=10, markup=False, severity="error" if error else "information")
