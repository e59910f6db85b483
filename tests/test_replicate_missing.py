"""What `restore --from` says of a replica folder that does not exist (Litestream would
only say it holds nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from crash_harness import SAMPLE, fresh_copy
from test_replicate import LITESTREAM, board_tables
from test_replicate import state as state  # the state folder of every test here

from planboard.cli import main

needs_litestream = pytest.mark.skipif(not LITESTREAM, reason="Litestream is not installed")


@needs_litestream
def test_a_replica_folder_that_does_not_exist_is_said_and_nothing_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--list` said "holds nothing yet" with status 0; a restore said Litestream found
    no backup files."""
    board = fresh_copy(SAMPLE, tmp_path)
    before = board_tables(board)
    missing = tmp_path / "no" / "such"
    url = f"file://{missing}"
    said = f"There is no folder {missing}, so no replica at {url}; check the path."
    out = tmp_path / "new.db"
    for args in (
        ["--list"],
        ["-o", str(out)],
        ["--at", "2026-12-04 10:31", "-o", str(out)],
        [str(board), "--yes"],
        [str(board)],  # (said before asking)
    ):
        assert main(["restore", "--from", url, *args]) == 2, args
        captured = capsys.readouterr()
        assert said in captured.err, (args, captured.err)
        assert "holds nothing" not in captured.err + captured.out
        assert "Replace" not in captured.out
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("board.db")] == []
    assert board_tables(board) == before
    # A file where the folder should be: said too.
    assert main(["restore", "--from", f"file://{board}", "--list"]) == 2
    assert f"{board} is a file, not a replica's folder" in capsys.readouterr().err
    # An existing empty folder is a replica that holds nothing yet.
    (tmp_path / "empty").mkdir()
    assert main(["restore", "--from", f"file://{tmp_path / 'empty'}", "--list"]) == 0
    assert "holds nothing yet" in capsys.readouterr().out
