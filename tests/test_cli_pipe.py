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

    def interrupted(argv: list[str]) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, f"run_{command}", interrupted)
    assert cli.main([command, "board.db"]) == 130
    assert capsys.readouterr() == ("", "")
