"""planboard in a terminal that gives no size, or with its output sent elsewhere: the
board is drawn once and stays still (it was drawn again and again, at 100% of a core,
for as long as it ran: Textual read the size in two ways that disagreed there)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from crash_harness import SAMPLE, Terminal, fresh_copy


@pytest.mark.parametrize(
    ("size", "redirected"),
    [((0, 0), False), ((100, 30), True)],
    ids=["a terminal of no size", "standard output to a file"],
)
def test_the_board_is_drawn_and_stays_still(
    tmp_path: Path, size: tuple[int, int], redirected: bool
) -> None:
    path = fresh_copy(SAMPLE, tmp_path)
    out = tmp_path / "out.txt"
    term = Terminal([str(path)], tmp_path, size, stdout=str(out) if redirected else None)
    try:
        assert term.wait_for("Team ·")
        assert term.settles(), "the screen is drawn again and again"
        term.raw = ""
        term.send("j", pause=2.0)  # a key still answers: the cursor moves
        assert term.raw, "no answer to a key"
        assert term.settles()
        assert term.quit() == 0
    finally:
        term.kill()
    assert not os.path.exists(f"{path}-wal")
