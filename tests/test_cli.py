"""The command: refusals before any screen, and a real process in a real terminal."""

from __future__ import annotations

import hashlib
import io
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planboard.core import Store
from planboard.core.model import next_quarter_name

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planboard", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_not_sqlite_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "list.db"
    path.write_text("- churn report\n- pipeline report\n")
    before = digest(path)
    result = run_cli(str(path))
    assert result.returncode == 2
    assert "not an SQLite database" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(path) == before


def test_other_sqlite_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE deals (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = digest(path)
    result = run_cli(str(path))
    assert result.returncode == 2
    assert "not a planboard board" in result.stderr
    assert digest(path) == before


def test_newer_file_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(path)
    result = run_cli(str(path))
    assert result.returncode == 2 and "newer planboard" in result.stderr
    assert digest(path) == before


@pytest.mark.parametrize("command", [[], ["export", "--format", "csv"]], ids=["open", "export"])
def test_a_negative_schema_version_is_refused_as_damage(tmp_path: Path, command: list[str]) -> None:
    """`PRAGMA user_version = -1` written by another program: opening it said "Cannot
    prepare …: table quarters already exists", and an export that it was "written by an
    older planboard", to be upgraded by opening it."""
    path = tmp_path / "negative.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = -1")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(path)
    result = run_cli(*command[:1], str(path), *command[1:])
    assert result.returncode == 2, result.stderr
    assert "schema version (-1) is not one planboard writes" in result.stderr, result.stderr
    assert "older" not in result.stderr and "already exists" not in result.stderr
    assert digest(path) == before


def test_unknown_quarter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    Store.open(path, first_quarter="2026-Q3").close()
    result = run_cli(str(path), "--quarter", "1999-Q1")
    assert result.returncode == 2 and "no quarter '1999-Q1'" in result.stderr


class Terminal:
    """A planboard process in a pseudo-terminal, read as plain text."""

    def __init__(self, args: list[str], cwd: Path, size: tuple[int, int] = (120, 40)) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.chdir(cwd)
            os.environ.update(TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
            # Ctrl+C works as in a person's terminal, even when the suite itself was
            # started in the background (which ignores it, and children inherit that).
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execv(sys.executable, [sys.executable, "-m", "planboard", *args])
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.output = ""

    def read_until(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536).decode(errors="replace")
                except OSError:
                    break
                self.output += chunk
                if text in ANSI.sub("", self.output):
                    return self.output
        raise AssertionError(f"{text!r} never showed; saw: {ANSI.sub('', self.output)[-2000:]}")

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.1)
                if ready:  # (a read with nothing to read would wait for ever)
                    os.read(self.fd, 65536)
            except OSError:
                pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("planboard did not exit")


def test_new_board_in_a_real_terminal(tmp_path: Path) -> None:
    """`python -m planboard` alone opens planboard.db in the current folder, creating it
    and saying so; keys work; quitting leaves a board with what was typed."""
    term = Terminal([], cwd=tmp_path)
    term.read_until("New board planboard.db created")
    # It starts on the current quarter; the next one is a key away (a first-time lead
    # planned a quarter nearly over before seeing it).
    with Store.open(tmp_path / "planboard.db", readonly=True) as looked:
        upcoming = next_quarter_name(looked.default_quarter().name)
    term.read_until(f"to plan {upcoming}: o, then + New quarter")
    term.send("n")
    term.read_until("Whose list")
    term.send("Churn risk by segment")
    term.send("\x13")  # ctrl+s
    term.read_until("Added “Churn risk by segment”")
    term.send("\x11")  # ctrl+q
    assert term.wait() == 0
    store = Store.open(tmp_path / "planboard.db")
    try:
        quarter = store.default_quarter()
        titles = [i.title for items in store.board(quarter.id).places.values() for i in items]
        assert titles == ["Churn risk by segment"]
    finally:
        store.close()


def test_read_only_file_says_so_on_screen(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    store = Store.open(path)
    store.conn.execute("PRAGMA journal_mode = DELETE")
    store.close()
    path.chmod(0o444)
    before = digest(path)
    try:
        term = Terminal([str(path)], cwd=tmp_path)
        term.read_until("READ-ONLY")
        term.send("n")
        term.read_until("open read-only")
        term.send("\x11")
        assert term.wait() == 0
        assert digest(path) == before
    finally:
        path.chmod(0o644)


def test_the_exit_status_is_1_when_the_board_stopped_on_an_unexpected_error(
    tmp_path: Path, monkeypatch
) -> None:
    """The app prints the traceback of an error it did not expect and stops; `planboard`
    then exits 1, not 0, so a script running it sees it failed."""
    import planboard.ui.app
    from planboard.cli.board import run_board

    path = tmp_path / "b.db"
    Store.open(path).close()

    def with_return_code(code: int | None) -> type:
        class Stopped:
            return_code = code

            def __init__(self, *args: object, **kwargs: object) -> None:
                pass

            def run(self) -> None:
                pass

        return Stopped

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())  # (the board is shown in a terminal)
    monkeypatch.setattr(sys, "__stderr__", Terminal())  # (drawn on its error stream)
    monkeypatch.setattr(planboard.ui.app, "PlanboardApp", with_return_code(1))
    assert run_board([str(path)]) == 1
    monkeypatch.setattr(planboard.ui.app, "PlanboardApp", with_return_code(None))
    assert run_board([str(path)]) == 0


def test_an_empty_path_or_quarter_is_refused_as_empty(tmp_path: Path) -> None:
    """`planboard similar ''` is not "`.` is a folder", and `--quarter ''` is not the
    default quarter: an empty argument is named as empty, and nothing is written."""
    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    before = digest(board)
    for args in (
        [""],
        ["similar", ""],
        ["import", "", str(board)],
        ["replicate", ""],
        ["meeting", ""],
        ["similar", str(board), "--quarter", ""],
        ["import", str(board), str(board), "--quarter", " "],
        [str(board), "--quarter", ""],
        ["export", ""],
        ["export", str(board), "--quarter", ""],
        ["report", ""],
    ):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "is empty" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert digest(board) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.db"]


def test_a_board_path_ending_with_a_slash_is_refused(tmp_path: Path) -> None:
    """`planboard team.db/` made the file team.db without asking, and `newdir/` asked
    to create a board named newdir: a name written as a folder's is refused, nothing
    made."""
    for args in (["team.db/"], ["newdir/"], ["import", "team.db/", "list.txt"]):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "ends with a slash, as a folder does" in result.stderr, (args, result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_a_mistyped_board_name_is_said_with_the_board_meant(tmp_path: Path) -> None:
    """`report smaple.db` beside sample.db: the message named the path and offered to
    make a new board there."""
    from planboard.core import Store

    Store.open(tmp_path / "sample.db", first_quarter="2026-Q3").close()
    typo = run_cli("report", "smaple.db", cwd=tmp_path)
    assert typo.returncode == 2
    assert "smaple.db does not exist. Did you mean sample.db?" in typo.stderr
    far = run_cli("export", "nosuch.db", cwd=tmp_path)
    assert far.returncode == 2 and "Did you mean" not in far.stderr
    assert "nosuch.db does not exist (check the name)" in far.stderr
    assert sorted(os.listdir(tmp_path)) == ["sample.db"]
    # A file of another program named alike is no board to offer (it did offer it).
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE x (y)")
    other.close()
    slip = run_cli("report", "othre.db", cwd=tmp_path)
    assert slip.returncode == 2 and "Did you mean" not in slip.stderr, slip.stderr
    assert "othre.db does not exist" in slip.stderr


def test_a_new_board_starts_on_the_quarter_asked_for(tmp_path: Path) -> None:
    """`planboard fresh.db --quarter 2027-q1` makes the board with that quarter (a lead
    planning next quarter had to make it, then delete the current one); it was refused:
    "fresh.db does not exist, so it has no quarter '2027-Q1'"."""
    term = Terminal(["fresh.db", "--quarter", "2027-q1"], cwd=tmp_path)
    # (The quarter asked for is the one to plan: no "to plan 2027-Q2: o, then + New
    # quarter", which told the lead who had just named it to make another.)
    term.read_until("New board fresh.db created, with quarter 2027-Q1. Press ? for help.")
    term.send("\x11")  # ctrl+q
    assert term.wait() == 0
    with Store.open(tmp_path / "fresh.db", readonly=True) as made:
        assert [q.name for q in made.quarters()] == ["2027-Q1"]


def test_a_new_boards_quarter_that_is_not_one_is_refused_and_nothing_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planboard.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["fresh.db", "--quarter", "next"]) == 2
    assert "A quarter is named like 2026-Q3, not “next”." in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_board_path_whose_links_loop_is_said_so_not_missing(tmp_path: Path) -> None:
    """`export loop1.db`, two links leading to each other: "does not exist; “planboard
    loop1.db” would make a new board", where no board can be made."""
    (tmp_path / "loop1.db").symlink_to(tmp_path / "loop2.db")
    (tmp_path / "loop2.db").symlink_to(tmp_path / "loop1.db")
    for command in ("export", "report", "similar", "meeting"):
        result = run_cli(command, "loop1.db", cwd=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        assert "Cannot open loop1.db: Too many levels of symbolic links" in result.stderr
        assert "would make a new board" not in result.stderr


def test_a_board_just_made_and_open_elsewhere_is_offered_for_a_slip(tmp_path: Path) -> None:
    """A board open in another planboard since it was made has its tables in its -wal
    alone: it is a board to offer for "taem.db" (read as the file is, it looked empty)."""
    from planboard.cli.common import boards_named_alike
    from planboard.core import Store

    store = Store.open(tmp_path / "team.db", first_quarter="2026-Q3")
    try:
        assert (tmp_path / "team.db-wal").exists()
        assert boards_named_alike(tmp_path / "taem.db") == str(tmp_path / "team.db")
    finally:
        store.close()
    assert boards_named_alike(tmp_path / "taem.db") == str(tmp_path / "team.db")
    assert sorted(os.listdir(tmp_path)) == ["team.db"]  # (looking made nothing beside it)


def test_a_board_path_alone_is_read_as_the_parser_reads_it() -> None:
    """`planboard PATH` alone is read without argparse (not loaded before the first
    frame): the same names and values the board's parser gives, for every argument it
    takes that way; anything else (an option, a path it refuses) goes to the parser."""
    import subprocess
    import sys

    from planboard.cli.board import _board_parser, _plain_open

    for argv in (["b.db"], ["team board.db"], ["./b"], ["b.sqlite3"], ["é.db"], ["x=y.db"]):
        plain = _plain_open(argv)
        assert plain is not None and vars(plain) == vars(_board_parser().parse_args(argv))
    for argv in ([], ["-q", "2026-Q3", "b.db"], ["b.db", "--read-only"], ["--new", "b"]):
        assert _plain_open(argv) is None, argv
    for argv in ([""], ["  "], ["-"], ["--"], ["-h"], ["--version"], ["a" * 300 + ".db"]):
        assert _plain_open(argv) is None, argv
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from planboard.cli.board import _plain_open; "
            "_plain_open(['b.db']); print('argparse' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded == "False"
