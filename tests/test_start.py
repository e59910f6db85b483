"""A file refused at start-up is refused at once: the screens' code is not loaded for it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from planboard.cli import board as cli_board


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
