"""The shape of the server: read-only by construction, and light."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from planboard.core.store import Store

SERVE = Path(__file__).resolve().parents[2] / "src" / "planboard" / "serve"
SOURCES = {path.name: path.read_text() for path in SERVE.rglob("*.py")}


def store_writes() -> set[str]:
    """Every method of the store that writes (they return a `Change`), and its helpers."""
    writes = {"_write", "_finish", "restore", "take_over"}
    for name, member in inspect.getmembers(Store, inspect.isfunction):
        if "Change" in str(inspect.signature(member).return_annotation):
            writes.add(name)
    return writes


def test_the_server_calls_no_write_of_the_store_and_runs_no_sql() -> None:
    writes = store_writes()
    assert {"move_item", "set_votes", "decide", "edit_block"} <= writes
    for name, text in SOURCES.items():
        for method in writes:
            assert not re.search(rf"\.{method}\(", text), f"{name} calls Store.{method}"
        assert not re.search(r"\.execute\(|sqlite3|\bINSERT\b|\bUPDATE\b|\bDELETE\b", text), name


def test_the_server_opens_the_board_read_only_only() -> None:
    opens = re.findall(r"Store\.open\(([^)]*)\)", "".join(SOURCES.values()))
    assert opens and all("readonly=True" in args and "create=False" in args for args in opens)


def test_serving_imports_no_textual() -> None:
    code = (
        "import sys, planboard.cli, planboard.serve.command, planboard.serve.server;"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('textual', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    ("left", "running", "said"),
    [(-50.0, False, "paused"), (0.0, False, "paused"), (0.0, True, "time is up")],
)
def test_the_page_says_of_the_timer_what_the_terminal_says(
    left: float, running: bool, said: str
) -> None:
    """A timer paused with no time left (another program wrote `timer_remaining =
    -50`) read "time is up" in the page and "paused" in the terminal."""
    from planboard.core.live import LiveTimer, LiveView
    from planboard.serve import page

    view = LiveView("2026-Q3", "live", "", [], 0, 0, event=True, timer=LiveTimer(left, running, 10))
    assert f'<span class="state">{said}</span>' in page.fragment(view, now=0.0)


def test_the_page_keeps_an_opened_list_by_the_block_not_its_number(tmp_path: Path) -> None:
    """The page kept which blocks' item lists were open by their numbers: blocks swapped
    on the board, another block's list was open. Its cards carry each block's id."""
    import shutil

    from conftest import SAMPLE

    from planboard.core.live import live_view
    from planboard.serve import page

    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    with Store.open(board, readonly=True) as store:
        view = live_view(store)
        ids = [block.id for block in store.blocks(store.default_quarter().id)]
    found = [int(n) for n in re.findall(r'data-block="(\d+)"', page.fragment(view, now=0.0))]
    assert found == ids and found != list(range(1, len(ids) + 1))
