"""Restoring over a board: a board open in another planboard is refused before the
question (and before anything is fetched), and a restore from a file in WAL mode leaves
nothing beside that file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_harness import SAMPLE, fresh_copy
from test_replicate import LITESTREAM, board_tables
from test_replicate import state as state  # the state folder of every test here

from planboard.core import Store, replica

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


def test_a_restore_killed_half_way_leaves_neither_litestream_nor_its_folder(
    tmp_path: Path,
) -> None:
    """`kill -9` of `planboard restore BOARD --from …` left a hidden folder beside the
    board (80 MB each, five kills 400 MB), which no later restore removed, and its
    Litestream ran on, writing. Litestream ends with it; the next restore removes
    the folder."""
    board = fresh_copy(SAMPLE, tmp_path)
    before = board.read_bytes()
    (tmp_path / "replica").mkdir()
    started = tmp_path / "litestream.pid"
    fake = tmp_path / "litestream"  # (a Litestream that writes half a restore, then waits)
    fake.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, time\n"
        "out = sys.argv[sys.argv.index('-o') + 1]\n"
        "open(out, 'wb').write(b'half a board')\n"
        f"open({str(started)!r}, 'w').write(str(os.getpid()))\n"
        "time.sleep(60)\n"
    )
    fake.chmod(0o755)
    env = {**os.environ, "PLANBOARD_LITESTREAM": str(fake)}
    command = [sys.executable, "-m", "planboard", "restore", str(board)]
    restoring = subprocess.Popen(
        [*command, "--from", str(tmp_path / "replica"), "--yes"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(3000):
        if started.exists() and started.read_text():
            break
        time.sleep(0.01)
    litestream = int(started.read_text())
    assert [p.name for p in tmp_path.glob(f".{board.name}.*")], "no work folder seen"
    restoring.kill()
    restoring.wait()
    for _ in range(500):
        if not replica._alive(litestream):
            break
        time.sleep(0.01)
    assert not replica._alive(litestream), "Litestream outlived the restore"
    assert board.read_bytes() == before
    said = planboard(*command[3:], "--from", str(tmp_path / "replica"), "--yes")
    assert said.returncode != 0  # (an empty replica: nothing to restore)
    assert not list(tmp_path.glob(f".{board.name}.*")), list(tmp_path.iterdir())


@needs_litestream
def test_a_restore_beside_a_board_with_a_long_name_is_refused_in_words(tmp_path: Path) -> None:
    """A board named with 243 characters replicates; restoring over it failed with a
    traceback ("File name too long": its work folder's name is longer)."""
    board = tmp_path / ("b" * 240 + ".db")
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    (tmp_path / "replica").mkdir()
    said = planboard("restore", str(board), "--from", str(tmp_path / "replica"), "--yes")
    assert said.returncode == 2, said.stderr
    assert "Traceback" not in said.stderr and "Cannot restore beside" in said.stderr, said.stderr
    assert board.read_bytes() == before
