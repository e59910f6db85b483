"""`planboard serve` prints the board's file name cleaned: a name holding escape
sequences went raw to the facilitator's (shared) terminal."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "sample.db"


def test_a_file_name_with_escape_sequences_is_printed_clean(tmp_path: Path) -> None:
    board = tmp_path / "x\x1b[31mRED\x1b[0m.db"
    shutil.copyfile(SAMPLE, board)
    process = subprocess.Popen(
        [sys.executable, "-m", "planboard", "serve", str(board), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # (its first line, printed once it listens)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert first.startswith(b"Serving "), first
    assert b"\x1b" not in first and b"RED" in first, first


def test_a_refusal_prints_the_file_name_clean(tmp_path: Path) -> None:
    folder = tmp_path / "x\x1b[31mRED\x1b[0m.db"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "planboard", "serve", str(folder), "--port", "0"],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert b"\x1b" not in done.stderr and b"RED" in done.stderr, done.stderr


def test_the_pages_title_has_no_bidi_override_from_the_file_name(tmp_path: Path) -> None:
    """A file name with a right-to-left override (U+202E) went as it was into the page's
    title and the live channel's, turning the tab's name round; the terminal printed it
    clean. Both are cleaned as the terminal's name is."""
    from planboard.serve.server import BoardServer

    board = tmp_path / "a\u202egpj.db"
    shutil.copyfile(SAMPLE, board)
    server = BoardServer(board, port=0, host="127.0.0.1")
    assert server.title == "agpj.db · planboard"  # (the live channel sends it too)
