"""Restoring over a board: a board open in another planboard is refused before the
question (and before anything is fetched), and a restore from a file in WAL mode leaves
nothing beside that file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from crash_harness import SAMPLE, fresh_copy
from test_replicate import LITESTREAM, board_tables
from test_replicate import state as state  # the state folder of every test here

from planboard.core import Store

needs_litestream = pytest.mark.skipif(not LITESTREAM, reason="Litestream is not installed")


def planboard(*args: str, answer: str = "y\n") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planboard", *args],
        input=answer,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


@needs_litestream
def test_a_board_open_elsewhere_is_refused_before_the_question(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    (tmp_path / "replica").mkdir()
    url = f"file://{tmp_path / 'replica'}"
    with Store.open(board) as store:  # this planboard is the board's writer
        assert not store.readonly
        before = board_tables(board)
        result = planboard("restore", str(board), "--from", url)
    said = result.stdout + result.stderr
    assert result.returncode == 2
    assert "is open in another planboard" in said
    assert "Replace" not in said
    assert board_tables(board) == before


def test_restoring_from_a_board_in_wal_mode_leaves_nothing_beside_it(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    source = tmp_path / "source" / "copy.db"
    source.parent.mkdir()
    shutil.copyfile(board, source)
    conn = sqlite3.connect(source)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert sorted(p.name for p in source.parent.iterdir()) == ["copy.db"]
    result = planboard("restore", str(board), str(source), "--yes")
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout
    assert sorted(p.name for p in source.parent.iterdir()) == ["copy.db"]
    assert board_tables(board) == board_tables(source)
