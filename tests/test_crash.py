"""kill -9 at any moment loses nothing shown as done (a handful of trials here;
`python scripts/crash_trials.py 200` runs many)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_harness import (
    FIXTURE_V1,
    SAMPLE,
    Terminal,
    actions_trial,
    backup_trial,
    fresh_copy,
    startup_trial,
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_during_actions(tmp_path: Path, seed: int) -> None:
    trial = actions_trial(tmp_path, seed)
    assert trial.ok, str(trial)


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_during_startup(tmp_path: Path, seed: int) -> None:
    trial = startup_trial(tmp_path, seed)
    assert trial.ok, str(trial)


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_during_migration(tmp_path: Path, seed: int) -> None:
    trial = startup_trial(tmp_path, seed, FIXTURE_V1, "migration")
    assert trial.ok, str(trial)


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_during_the_backup_before_an_event(tmp_path: Path, seed: int) -> None:
    trial = backup_trial(tmp_path, seed)
    assert trial.ok, str(trial)


@pytest.mark.parametrize("how", ["window closed", "SIGTERM"])
def test_a_closed_terminal_or_sigterm_closes_the_board_whole(tmp_path: Path, how: str) -> None:
    """Closing the terminal's window (the pseudo-terminal's other end goes: SIGHUP) or a
    SIGTERM quits as Ctrl+Q does: the file holds the last move itself, with no `-wal`,
    `-shm` or lock file left beside it. Python's own answer ended the process where it
    stood: the move was in the `-wal` alone, a copy of the board without it lacked it."""
    import os
    import signal
    import sqlite3
    import time

    from crash_harness import SAMPLE, Terminal, fresh_copy

    path = fresh_copy(SAMPLE, tmp_path)
    conn = sqlite3.connect(path)
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()  # (an open connection here would keep the -wal: the last one deletes it)
    term = Terminal([str(path)], tmp_path)
    try:
        assert term.wait_for("Team ·")
        term.send("1")
        assert term.wait_for("Moved")
        if how == "SIGTERM":
            os.kill(term.pid, signal.SIGTERM)
        else:
            os.close(term.fd)  # (the window closed: the kernel hangs up its processes)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(term.pid, os.WNOHANG)
            if pid:
                break
            if how == "SIGTERM":
                term.pump(0.05)
            else:
                time.sleep(0.05)
        else:
            raise AssertionError(f"planboard still runs 20 s after the {how}")
    finally:
        term.kill()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    copy = tmp_path.parent / f"{tmp_path.name}-copy.db"  # (the file alone, as copied)
    copy.write_bytes(path.read_bytes())
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == events + 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
        copy.unlink()


@contextlib.contextmanager
def _board_shown(tmp_path: Path, settle: float) -> Iterator[Terminal]:
    """planboard on a copy of sample.db in a pseudo-terminal, its board drawn, then
    `settle` seconds on, with what it wrote so far forgotten (ended when done)."""
    path = fresh_copy(SAMPLE, tmp_path)
    term = Terminal([str(path)], tmp_path)
    try:
        assert term.wait_for("Team ·")
        term.pump(settle)
        term.raw = ""
        yield term
    finally:
        term.kill()


def test_a_sigcont_without_a_stop_leaves_the_terminal_alone(tmp_path: Path) -> None:
    """The system sends SIGCONT just after the SIGHUP of a closed window, to a process
    that never stopped. Textual set its terminal up again on it (the screen switched
    anew, a second writer thread): after a closed window, the quit then waited for that
    writer for ever, now and then. A SIGCONT without a SIGTSTP before it changes nothing;
    stopped (SIGTSTP) and continued, the board sets its screen up again and answers
    keys; the whole board is drawn again at once, before any key (the screen it sets
    up is a blank one: Textual's resize to the same size drew nothing)."""
    import os
    import signal
    import time

    with _board_shown(tmp_path, settle=0.5) as term:
        os.kill(term.pid, signal.SIGCONT)
        term.pump(0.5)
        assert "\x1b[?1049h" not in term.raw  # (the screen was not set up again)
        term.send("1")
        assert term.wait_for("Moved")
        os.kill(term.pid, signal.SIGTSTP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # (stopped: its state says T)
            with open(f"/proc/{term.pid}/stat") as stat:
                if stat.read().split(") ", 1)[1].startswith("T"):
                    break
            term.pump(0.05)
        else:
            raise AssertionError("planboard did not stop on SIGTSTP")
        term.raw = ""
        os.kill(term.pid, signal.SIGCONT)
        term.pump(0.5)
        assert "\x1b[?1049h" in term.raw  # (the screen set up again)
        assert term.wait_for("Team ·", timeout=5)  # (drawn again, with no key sent)
        assert "Vision" in term.text()
        term.send("u")
        assert term.wait_for("Undid")  # (and the board answers keys)


def _state(pid: int) -> str:
    """The process's state letter (T: stopped)."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("apart", [0.0, 0.03], ids=["back to back", "30 ms apart"])
def test_stops_and_continues_sent_back_to_back_end_continued(tmp_path: Path, apart: float) -> None:
    """`for i in 1 2 3; do kill -TSTP $P; kill -CONT $P; done` left planboard stopped
    for good, or running on a blank screen that ignored keys (and, its window closed, a
    stopped process holding the board): Python runs a SIGCONT's handler before a
    SIGTSTP's that arrived with it, and a SIGCONT arriving while the screen was given
    back continued nothing; ten pairs 30 ms apart left the screen drawn but for its
    columns, now and then. After the pairs, planboard runs, its board drawn again
    whole (before any key) and answering keys."""
    import os
    import signal
    import time

    from crash_harness import ANSI

    with _board_shown(tmp_path, settle=0.3) as term:
        for _ in range(3 if not apart else 10):
            os.kill(term.pid, signal.SIGTSTP)
            term.pump(apart)
            os.kill(term.pid, signal.SIGCONT)
            term.pump(apart)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:  # (running, not stopped, a second on)
            assert _state(term.pid) != "T", "planboard stopped, with nothing to continue it"
            term.pump(0.05)
        # The screen set up again (if it was given back at all) is drawn whole again.
        again = term.raw.rfind("\x1b[?1049h")
        if again >= 0:
            drawn = ANSI.sub("", term.raw[again:])
            assert "Vision" in drawn and "Help" in drawn, "a screen drawn in part"
        term.send("1")
        assert term.wait_for("Moved", timeout=10), term.text()[-500:]
