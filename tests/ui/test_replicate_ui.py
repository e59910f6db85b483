"""In the app: the title bar says when replication last caught up, and `O` opens another
board read-only beside this one."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SAMPLE

from planboard.core import Store, replica
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal
from planboard.ui.screens.board import BoardScreen
from planboard.ui.screens.boards import CompareBoardsScreen


def title(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#title").render())


def write_status(board: Path, caught_up: datetime) -> Path:
    path = replica.state_dir(board) / replica.STATUS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "url": "file:///replicas/board",
                "pid": os.getpid(),  # a live process: replication is running
                "running": True,
                "started_at": (caught_up - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "caught_up_at": caught_up.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    )
    return path


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANBOARD_STATE_DIR", str(tmp_path / "state"))


async def test_the_title_bar_says_when_replication_caught_up_and_warns_when_behind(
    tmp_path: Path,
) -> None:
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    app = PlanboardApp(Store.open(board))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.7)
        assert "replica" not in title(app)  # nothing replicates it
        recent = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
        path = write_status(board, recent)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        screen._poll_replica()
        await pilot.pause()
        assert f"⇄ replicated {recent:%H:%M:%S} UTC" in title(app)
        old = recent - timedelta(minutes=2)
        write_status(board, old)
        screen._poll_replica()
        await pilot.pause()
        assert f"⚠ replica behind since {old:%H:%M:%S} UTC" in title(app)
        # stopped on purpose: the title says nothing more
        path.write_text(json.dumps({**json.loads(path.read_text()), "running": False}))
        screen._poll_replica()
        await pilot.pause()
        assert "replica" not in title(app)


async def test_O_opens_another_board_read_only_beside_this_one(tmp_path: Path) -> None:
    board = tmp_path / "sales.db"
    other = tmp_path / "ops.db"
    shutil.copyfile(SAMPLE, board)
    shutil.copyfile(SAMPLE, other)
    before = other.read_bytes()
    app = PlanboardApp(Store.open(board))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("O")
        assert isinstance(app.screen, FormModal)
        await pilot.press(*"nowhere.db")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)  # refused, with a message; still open
        said = str(app.screen.query_one(".form-error").render())
        assert "nowhere.db does not exist (check the name)" in said, said
        await pilot.press(*["backspace"] * len("nowhere.db"), *"ops.db", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CompareBoardsScreen)
        assert app.screen.other.readonly
        panes = [str(p.border_title) for p in app.screen.query(".board-pane")]
        assert panes == ["sales", "ops (read-only)"]
        text = "\n".join(str(s.render()) for s in app.screen.query(".board-pane Static"))
        assert text.count("2026-Q2") == 2 and "Key account churn early warning" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    assert other.read_bytes() == before
