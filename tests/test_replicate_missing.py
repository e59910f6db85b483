"""What `restore --from` and `replicate` say of what is not there: a replica folder that
does not exist (Litestream would only say it holds nothing), and a board name with a
typing slip beside the board meant (`--stop`, `--status`, and `planboard --read-only`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_harness import SAMPLE, fresh_copy
from test_replicate import LITESTREAM, board_tables
from test_replicate import state as state  # the state folder of every test here

from planboard.cli import main
from planboard.core import replica

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


def test_stop_and_status_of_a_mistyped_board_name_the_board_meant(
    tmp_path: Path, state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    board = fresh_copy(SAMPLE, tmp_path).rename(tmp_path / "form.db")
    slip = tmp_path / "Form.db"
    for option in ("--stop", "--status"):
        assert main(["replicate", str(slip), option]) == 2, option
        assert f"{slip} does not exist. Did you mean {board}?" in capsys.readouterr().err
    nowhere = tmp_path / "other.db"  # (no name near it: said as before, status 0, so a
    assert main(["replicate", str(nowhere), "--stop"]) == 0  # script's stop stays calm)
    assert f"Nothing replicates {nowhere} now." in capsys.readouterr().out
    assert main(["replicate", str(nowhere), "--status"]) == 0
    assert "never been replicated" in capsys.readouterr().out
    assert sorted(os.listdir(tmp_path)) == ["form.db"]  # (no state folder either)
    assert not state.exists()


def test_status_of_a_board_moved_away_while_replicated_is_still_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = tmp_path / "gone.db"
    status = replica.state_dir(gone) / replica.STATUS_FILE
    status.parent.mkdir(parents=True)
    status.write_text('{"running": false, "url": "file:///r"}')
    assert main(["replicate", str(gone), "--status"]) == 0
    assert f"Not replicating {gone} now (last to file:///r)." in capsys.readouterr().out
    assert main(["replicate", str(gone), "--stop"]) == 0
    assert f"Nothing replicates {gone} now." in capsys.readouterr().out


def test_read_only_of_a_mistyped_board_names_the_board_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    board = fresh_copy(SAMPLE, tmp_path).rename(tmp_path / "sample.db")
    monkeypatch.chdir(tmp_path)
    assert main(["--read-only", "smaple.db"]) == 2
    assert "smaple.db does not exist. Did you mean sample.db?" in capsys.readouterr().err
    assert main(["--read-only", "nothing.db"]) == 2
    assert "nothing.db does not exist" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == [board.name]


def test_a_quarter_of_a_mistyped_board_names_the_board_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    board = fresh_copy(SAMPLE, tmp_path).rename(tmp_path / "sample.db")
    monkeypatch.chdir(tmp_path)
    assert main(["smaple.db", "--quarter", "2026-Q3"]) == 2
    said = capsys.readouterr().err
    assert "smaple.db does not exist. Did you mean sample.db?" in said, said
    # (A name like no board's is a new board, started on that quarter: in a terminal.)
    assert main(["nothing.db", "--quarter", "2026-Q3"]) == 2
    assert "run it in a terminal" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == [board.name]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # (`--status --stop` stopped it, saying nothing of the status; `--to` with
        # `--status` was left out without a word.)
        (["--status", "--stop"], "not allowed with argument"),
        (["--status", "--to", "elsewhere"], "--status and --stop take no --to"),
        (["--stop", "--background"], "--status and --stop take no --to"),
        # (`0s` is a duration: it was said not to be one.)
        (["--to", "r", "--sync-interval", "0s"], "--sync-interval must be longer than 0"),
        (["--to", "r", "--retention=0s"], "--retention must be longer than 0"),
    ],
)
def test_replicate_options_that_do_not_go_together_are_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    before = board.read_bytes()
    with pytest.raises(SystemExit) if said.startswith("not allowed") else _nothing():
        assert main(["replicate", str(board), *args]) == 2
    assert said in capsys.readouterr().err
    assert board.read_bytes() == before
    assert not (tmp_path / "r").exists()


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


def test_a_file_url_whose_path_is_not_utf8_is_taken_as_typed() -> None:
    """A `file://` URL typed with bytes that are not UTF-8 (a folder from a system in
    another encoding) ended `restore --from` and `replicate --to` with a traceback."""
    typed = "file:///tmp/" + os.fsdecode(b"\xffrep")
    assert replica.replica_url(typed) == "file:///tmp/%FFrep"


def test_restoring_from_a_folder_litestream_would_read_under_another_name_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder whose name has characters a URL escapes: Litestream reads the escaped
    name (`%FFrep`), which does not exist. It said "There is no folder …/%FFrep" of a
    folder the user could see was there, named as they typed it."""
    folder = tmp_path / os.fsdecode(b"\xffrep")
    folder.mkdir()
    for typed in (str(folder), "file://" + str(folder)):
        assert main(["restore", "--from", typed, "--list"]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert "Litestream can't read a replica from" in err and "%FFrep" in err, err
        assert "There is no folder" not in err
