"""A file refused at start-up is refused at once: the screens' code is not loaded for it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from planboard.cli import board as cli_board
from planboard.core.store import Store


@pytest.mark.parametrize("content", [b"hello", b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_file_that_is_not_a_board_is_refused_without_loading_the_screens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    """Textual's import (about 0.2 s) runs beside the first read of a board; a file that
    is refused never gets that far, and the refusal does not wait for it."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    started = threading.Event()
    monkeypatch.setattr(cli_board, "_import_the_screens", started.set)
    assert cli_board.run_board([str(bad)]) == 2
    assert not started.is_set()
    assert bad.read_bytes() == content  # (refused: left as it was)


def test_the_board_runs_with_the_interpreters_own_switch_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the screens' code is imported beside the first read, the interpreter hands
    itself over more often (the read's statements each wait for it); the board runs,
    and `run_board` returns, with the switch interval as it was, refused file or not."""
    import io
    import sys

    import planboard.ui.app

    path = tmp_path / "b.db"
    Store.open(path).close()
    seen: list[float] = []

    class Board:
        return_code = None

        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def run(self) -> None:
            seen.append(sys.getswitchinterval())

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    reads: list[float] = []
    first_screen = Store.first_screen

    def read(self: Store, *args: Any) -> Any:
        reads.append(sys.getswitchinterval())
        return first_screen(self, *args)

    before = sys.getswitchinterval()
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(planboard.ui.app, "PlanboardApp", Board)
    monkeypatch.setattr(Store, "first_screen", read)
    assert cli_board.run_board([str(path)]) == 0
    assert reads == [pytest.approx(cli_board.STARTING_SWITCH_S)] and seen == [before]
    assert sys.getswitchinterval() == before
    # A quarter the file does not have: refused after the thread started.
    assert cli_board.run_board([str(path), "--quarter", "1999-Q1"]) == 2
    assert sys.getswitchinterval() == before
