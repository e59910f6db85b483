"""The dialogs' and the other screens' styles (`styles/screens.tcss`) are read when the
first of them opens, not before the board's first frame; they then style that screen as
when they were read at the start, and a theme changed later keeps them."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from planboard.core import Store
from planboard.ui import app as app_module
from planboard.ui import styles
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import HelpScreen
from planboard.ui.styles import later_stylesheet


def _read(app: PlanboardApp) -> bool:
    return app.stylesheet.has_source(str(later_stylesheet()), "")


async def test_the_dialogs_styles_are_read_when_the_first_dialog_opens(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    Store.open(path).close()
    app = PlanboardApp(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not _read(app)  # (the board's first frame did without them)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and _read(app)
        # `.dialog { … border: thick $accent; &.-wide { width: 90; } }` and the
        # sections' rule, from screens.tcss, on the help that opened.
        dialog = app.screen.query_one(".dialog")
        assert dialog.styles.border_top[0] == "thick"
        assert dialog.outer_size.width == 90
        section = app.screen.query(".help-section").first(Static)
        assert section.styles.margin.top == 1
        await pilot.press("escape")
        app.theme = "textual-light"  # (every source parsed again)
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query_one(".dialog").styles.border_top[0] == "thick"


async def test_a_dialog_opens_styled_when_the_style_files_are_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The styles are read from their files when planboard starts: a dialog opened
    after an upgrade (or a checkout switched) under it neither ends planboard nor takes
    another version's styles (found in review: it ended with FileNotFoundError)."""
    path = tmp_path / "b.db"
    Store.open(path).close()
    app = PlanboardApp(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        real_open = builtins.open

        def gone_open(file: Any, *args: Any, **kwargs: Any) -> Any:
            if str(file).endswith(".tcss"):
                raise FileNotFoundError(file)
            return real_open(file, *args, **kwargs)

        def gone(*args: Any, **kwargs: Any) -> Any:
            raise FileNotFoundError("planboard's stylesheets are missing")

        monkeypatch.setattr(builtins, "open", gone_open)
        monkeypatch.setattr(Path, "read_text", gone)
        monkeypatch.setattr(styles, "styles_dir", gone)
        monkeypatch.setattr(app_module, "later_stylesheet", gone)
        for _ in range(2):
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert app.screen.query_one(".dialog").styles.border_top[0] == "thick"
            await pilot.press("escape")
            await pilot.pause()
    assert app.return_code in (None, 0)


def test_the_dialogs_code_loads_with_the_first_dialog_not_with_the_first_undo() -> None:
    """`u` asks first only when an undo would reveal the event's hidden tally: the
    first undo of a session loaded the dialogs' code (and Textual's text area with it)
    on the screen's turn all the same, 10-20 ms that held the next key."""
    import subprocess
    import sys

    code = (
        "import sys, planboard.ui.app, planboard.ui.board.screen, planboard.ui.replay; "
        "print(sorted(m for m in ('planboard.ui.modals', 'textual.widgets._text_area') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
