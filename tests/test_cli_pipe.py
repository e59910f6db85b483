"""Commands piped into a reader that goes away (`| head`) stop quietly: no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "tests" / "fixtures" / "import"


@pytest.fixture
def board(tmp_path: Path) -> Path:
    path = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, path)
    return path


def run_into_closed_pipe(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """Run planboard with its stdout on a pipe whose reader has already gone."""
    process = subprocess.Popen(
        [sys.executable, "-m", "planboard", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the child has started: its first write finds no reader
    stderr = process.stderr.read()
    process.wait(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, b"", stderr)


@pytest.mark.parametrize(
    "command",
    [
        ["similar"],
        ["similar", "--json"],
        ["export", "--quarter", "2026-Q2", "--format", "md"],
        ["report"],
    ],
    ids=["similar", "similar-json", "export", "report"],
)
def test_reader_gone_stops_quietly(board: Path, command: list[str]) -> None:
    result = run_into_closed_pipe(command[0], board, *command[1:])
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert b"BrokenPipeError" not in result.stderr
    assert result.returncode == 0


def test_import_dry_run_into_gone_reader_changes_nothing(board: Path) -> None:
    before = board.read_bytes()
    result = run_into_closed_pipe(
        "import", board, LISTS / "spreadsheet.csv", "-s", "Head of Sales", "--dry-run"
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert result.returncode == 0
    assert board.read_bytes() == before


@pytest.mark.parametrize("command", ["similar", "export", "report", "import"])
def test_ctrl_c_stops_a_command_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Ctrl+C while a command works (a big board's `similar` takes seconds): it stops
    with the status a shell expects, 130, and no traceback."""
    import planboard.cli as cli

    def interrupted(argv: list[str], **options: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, f"run_{command}", interrupted)
    assert cli.main([command, "board.db"]) == 130
    assert capsys.readouterr() == ("", "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [["similar"], ["similar", "--json"], ["export", "--format", "json"], ["report"]],
    ids=["similar", "similar-json", "export", "report"],
)
def test_output_to_a_full_disk_is_said_once(board: Path, command: list[str]) -> None:
    """`> /dev/full`: one line that says the output could not be written, status 1,
    no traceback, and the board as it was."""
    before = board.read_bytes()
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "planboard", command[0], str(board), *command[1:]],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "planboard: the output could not be written: No space left on device"
    ]
    assert board.read_bytes() == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command", [["--help"], ["--version"], ["export", "--help"], ["meeting", "--help"]]
)
def test_help_to_a_full_disk_is_said(command: list[str]) -> None:
    """`planboard --help > /dev/full` ended with status 0 and no word: the help was
    lost, and a script reading it would think it had it."""
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "planboard", *command],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "planboard: the output could not be written: No space left on device"
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["similar", "--quarter", b"20\xff26-Q3"],
        ["export", "--quarter", b"\xff", "--format", "json"],
        ["import", "LIST", "--stakeholder", b"Sales \xff"],
    ],
    ids=["similar", "export", "import"],
)
def test_a_name_in_bytes_that_are_not_text_is_refused(
    board: Path, tmp_path: Path, command: list[str | bytes]
) -> None:
    """A name typed in another encoding (bytes that are not UTF-8) is refused with a
    message naming the argument, and nothing is written."""
    listing = tmp_path / "list.txt"
    listing.write_text("Churn model\nRevenue by region\n")
    before = board.read_bytes()
    args = [listing if part == "LIST" else part for part in command[1:]]
    result = subprocess.run(
        [sys.executable, "-m", "planboard", command[0], board, *args],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"holds bytes that are not UTF-8 text" in result.stderr
    assert board.read_bytes() == before


@pytest.mark.parametrize(
    "command",
    [
        ["similar"],
        ["similar", "--json"],
        ["export", "--format", "md"],
        ["report"],
        ["import", str(LISTS / "spreadsheet.csv"), "-s", "Head of Sales"],
        ["restore", "--list"],
    ],
    ids=["similar", "similar-json", "export", "report", "import", "restore-list"],
)
def test_a_command_run_with_its_output_closed_says_so_and_does_nothing(
    board: Path, command: list[str]
) -> None:
    """`planboard similar board.db >&-`: the output can't be written, as into a full
    disk: one line, status 1, and the board as it was (an import imported, with status
    0; `export` and `report` stopped on a traceback)."""
    import os

    before = board.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "planboard", command[0], str(board), *command[1:]],
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
        timeout=60,
    )
    error = result.stderr.decode()
    assert "Traceback" not in error, error
    assert result.returncode == 1, error
    assert error.count("\n") == 1 and "output is closed" in error, error
    assert board.read_bytes() == before
