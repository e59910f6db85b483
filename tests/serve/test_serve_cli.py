"""`planboard serve` as a user runs it: a real process in a pseudo-terminal."""

from __future__ import annotations

import os
import re
import shutil
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import SAMPLE
from test_cli import ANSI, Terminal

from planboard.core.store import Store

URL = re.compile(r"http://[^\s]+/(?:\?token=[A-Za-z0-9_\-%]+)?")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_prints_the_address_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    term = Terminal(["serve", str(board), "--port", "0"], tmp_path)
    out = ANSI.sub("", term.read_until("Ctrl+C stops the server"))
    url = URL.search(out)
    assert url is not None and url.group(0).startswith("http://127.0.0.1:")
    assert "?token=" not in url.group(0)  # on this computer only: no token needed
    # a phone can't open 127.0.0.1: no QR code for it (a phone scanning it opened
    # its own address), and the output says how to reach the room
    assert "▀" not in out and "▄" not in out
    assert "works on this computer only" in out and "--host 0.0.0.0" in out
    status, body = fetch(url.group(0))
    assert status == 200 and "Weekly commercial pulse" in body
    term.send("\x03")
    assert term.wait() == 0
    assert board.read_bytes() == before


def test_serve_on_every_address_makes_a_token_and_asks_for_it(tmp_path: Path) -> None:
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    term = Terminal(["serve", str(board), "--host", "0.0.0.0", "--port", "0"], tmp_path)
    try:
        out = ANSI.sub("", term.read_until("Ctrl+C stops the server"))
        url = URL.search(out)
        assert url is not None and "?token=" in url.group(0)
        assert "▀" in out or "▄" in out  # the QR code, drawn in block characters
        assert "works on this computer only" not in out
        port = re.search(r":(\d+)/", url.group(0))
        assert port is not None
        local = f"http://127.0.0.1:{port.group(1)}/"
        status, body = fetch(local)
        assert status == 401 and "Weekly" not in body
        status, _ = fetch(local + "?token=wrong")
        assert status == 401
        token = url.group(0).split("?token=", 1)[1]
        status, body = fetch(f"{local}?token={token}")
        assert status == 200 and "Weekly commercial pulse" in body
    finally:
        term.send("\x03")
        assert term.wait() == 0


def test_serve_stopped_by_sigterm_stops_cleanly_and_leaves_nothing_beside(
    tmp_path: Path,
) -> None:
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    Store.open(board).close()  # as planboard leaves a board: WAL mode, nothing beside it
    before = board.read_bytes()
    term = Terminal(["serve", str(board), "--port", "0", "--no-qr"], tmp_path)
    out = ANSI.sub("", term.read_until("Ctrl+C stops the server"))
    url = URL.search(out)
    assert url is not None
    assert fetch(url.group(0))[0] == 200
    os.kill(term.pid, signal.SIGTERM)  # as a service manager stops it
    assert term.wait() == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.db"]
    assert board.read_bytes() == before


def _served_url(args: list[str], cwd: Path) -> str:
    term = Terminal(["serve", *args, "--port", "0", "--no-qr"], cwd)
    try:
        out = ANSI.sub("", term.read_until("Ctrl+C stops the server"))
        url = URL.search(out)
        assert url is not None, out
        return url.group(0)
    finally:
        term.send("\x03")
        assert term.wait() == 0


def test_serve_started_again_gives_the_same_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restarted with `--host`, serve made a new token: every page open in the room
    got 401 for good ("reconnecting…"), and nothing told the attendees why. The token
    is kept for the board; `--new-token` makes another (and keeps it)."""
    monkeypatch.setenv("PLANBOARD_STATE_DIR", str(tmp_path / "state"))
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    token = re.compile(r"\?token=([A-Za-z0-9_\-]+)")
    first = token.search(_served_url([str(board), "--host", "0.0.0.0"], tmp_path))
    again = token.search(_served_url([str(board), "--host", "0.0.0.0"], tmp_path))
    assert first is not None and again is not None and first.group(1) == again.group(1)
    kept = list((tmp_path / "state" / "serve").iterdir())
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o077 == 0  # this user's alone
    # (and the folder: its listing said which boards have tokens to other users)
    assert (tmp_path / "state" / "serve").stat().st_mode & 0o077 == 0
    other = tmp_path / "other.db"
    shutil.copyfile(SAMPLE, other)
    theirs = token.search(_served_url([str(other), "--host", "0.0.0.0"], tmp_path))
    assert theirs is not None and theirs.group(1) != first.group(1)  # one per board
    fresh = _served_url([str(board), "--host", "0.0.0.0", "--new-token"], tmp_path)
    renewed = token.search(fresh)
    assert renewed is not None and renewed.group(1) != first.group(1)
    later = token.search(_served_url([str(board), "--host", "0.0.0.0"], tmp_path))
    assert later is not None and later.group(1) == renewed.group(1)


def test_serve_shows_the_quarter_asked_for(tmp_path: Path) -> None:
    """Once the next quarter is started, the page follows it, and the decided one's page
    was out of reach: `--quarter` serves that one. A quarter the board does not have is
    refused before anything is served, naming those it has."""
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    term = Terminal(["serve", str(board), "--port", "0", "--quarter", "2026-q2"], tmp_path)
    out = ANSI.sub("", term.read_until("Ctrl+C stops the server"))
    assert "2026-Q2" in out
    url = URL.search(out)
    assert url is not None
    status, body = fetch(url.group(0))
    assert status == 200 and '<h1 class="quarter">2026-Q2</h1>' in body
    assert "What was chosen" in body or "chosen" in body.lower()
    # Under "Chosen", a card says its choice, not its place on the board ("3 Supplier
    # delivery reliability ★ Choice 2" read as two numbers).
    chosen = body.split("<h2>Chosen</h2>", 1)[1].split("<h2>Why</h2>", 1)[0]
    assert "★ Choice 1" in chosen and 'class="num"' not in chosen
    term.send("\x03")
    assert term.wait() == 0
    term = Terminal(["serve", str(board), "--port", "0", "--quarter", "1999-Q1"], tmp_path)
    out = ANSI.sub("", term.read_until("1999-Q1"))
    assert term.wait() == 2
    assert "There is no quarter" in out and "2026-Q3" in out
    assert board.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("board")) == ["board.db"]


def test_serve_on_host_0_prints_a_link_others_can_open(tmp_path: Path) -> None:
    """`--host 0` listens on every network, as 0.0.0.0 does, but printed
    `http://0:PORT/…` (and put it in the QR code), which no attendee can open."""
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    url = _served_url([str(board), "--host", "0"], tmp_path)
    assert not url.startswith("http://0:"), url
    assert "?token=" in url
