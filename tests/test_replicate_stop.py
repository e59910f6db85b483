"""Stopping a replication says what happened: `--stop` returns once the process (and
its Litestream) has exited, saying whether the replica holds every change; a store that
does not answer is said at once; a Litestream error is printed once; `--status` reads
as a sentence."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from crash_harness import SAMPLE, fresh_copy
from test_replicate import LITESTREAM, SYNC, Replicating, _free_port, cli, titles
from test_replicate import state as state  # the state folder of every test here

from planboard.core import PlanboardError, Store, replica

pytestmark = pytest.mark.skipif(not LITESTREAM, reason="Litestream is not installed")

DUMMY_S3 = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_CA_BUNDLE": "",
}


def test_stop_returns_once_stopped_and_says_the_replica_holds_everything(
    tmp_path: Path,
) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    cli("replicate", str(board), "--to", url, "--sync-interval", SYNC, "--background")
    with Store.open(board) as store:
        store.add_item(store.default_quarter().id, None, "Made before the stop")
    status = replica.read_status(board)
    assert status is not None
    out = cli("replicate", str(board), "--stop")
    assert not replica._alive(status["pid"]) and not replica._alive(status["litestream_pid"])
    assert "the replica holds every change made before" in out
    # Said before the wait (it can last up to a minute), then what came of it.
    assert out.index("Stopping the replication of") < out.index("Stopped replicating")
    assert "Made before the stop" in titles(wait_or_restore(url, tmp_path))


def wait_or_restore(url: str, folder: Path) -> Path:
    out = folder / "restored.db"
    replica.restore_to(url, out)
    return out


def test_an_unreachable_store_is_said_at_once_and_stop_waits_for_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in DUMMY_S3.items():
        monkeypatch.setenv(key, value)
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"s3://planning/a/board.db?endpoint=http://127.0.0.1:{_free_port()}"
    begin = time.monotonic()
    said = cli("replicate", str(board), "--to", url, "--background")
    assert "does not answer" in said and "127.0.0.1" in said
    assert time.monotonic() - begin < 15
    status = replica.read_status(board)
    assert status is not None
    with Store.open(board) as store:
        store.add_item(store.default_quarter().id, None, "Never replicated")
    time.sleep(1)
    out = cli("replicate", str(board), "--stop", check=False)
    # when it says so, it has stopped, Litestream too
    if "Stopped replicating" in out:
        assert not replica._alive(status["pid"])
        assert not replica._alive(status["litestream_pid"])
        assert "may lack the last changes" in out
    else:
        assert "still finishing" in out
    assert "Stopped replicating" in out, out


def test_a_litestream_error_is_printed_once(tmp_path: Path) -> None:
    fake = tmp_path / "litestream"
    fake.write_text(
        "#!/bin/sh\n"
        'echo "time=2026-12-01T12:00:00Z level=INFO msg=litestream version=0.5.17"\n'
        'echo "Error: cannot open store: the disk is on fire"\n'
        "sleep 0.5\n"
        "exit 1\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    board = fresh_copy(SAMPLE, tmp_path)
    out = cli(
        "replicate",
        str(board),
        "--to",
        str(tmp_path / "replica"),
        env={"PLANBOARD_LITESTREAM": str(fake)},
        check=False,
    )
    assert out.count("the disk is on fire") == 1, out
    assert "Traceback" not in out


def test_status_while_not_caught_up_ends_with_one_ellipsis(tmp_path: Path) -> None:
    board = fresh_copy(SAMPLE, tmp_path)
    path = replica.state_dir(board) / replica.STATUS_FILE
    path.parent.mkdir(parents=True)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    path.write_text(
        json.dumps(
            {
                "url": "file:///r",
                "pid": os.getpid(),
                "running": True,
                "started_at": now,
                "caught_up_at": None,
            }
        )
    )
    out = cli("replicate", str(board), "--status")
    assert "replicating…" in out and "…." not in out


def test_a_board_replaced_while_replicated_is_never_called_caught_up(tmp_path: Path) -> None:
    """After `mv other.db b.db`, Litestream still follows the file it opened, and the
    replica gets none of the new board's changes; `--status` said "replicated" (its time
    advancing) and `--stop` "the replica holds every change made before". It says the
    board was replaced, and that the replica lacks its changes."""
    board = fresh_copy(SAMPLE, tmp_path)
    other = tmp_path / "other.db"
    other.write_bytes(SAMPLE.read_bytes())
    url = f"file://{tmp_path / 'replica'}"
    cli("replicate", str(board), "--to", url, "--sync-interval", SYNC, "--background")
    os.replace(other, board)
    # (No planboard writes to it meanwhile: the old file's `-wal` is still beside it, and
    # is refused once the replication has noted whose it is; see the next test.)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = replica.read_status(board) or {}
        if "replaced" in str(status.get("error") or ""):
            break
        time.sleep(0.2)
    out = cli("replicate", str(board), "--status", check=False)
    assert "replaced" in out and re.search(r"replicated \d", out) is None, out
    out = cli("replicate", str(board), "--stop", check=False)
    assert "holds every change" not in out
    assert "replaced" in out


def test_the_old_files_wal_never_reaches_the_board_that_replaced_it(tmp_path: Path) -> None:
    """`mv other.db b.db` while replicated: the `-wal` Litestream wrote for the old file
    stayed beside the new one after `--stop`, and the first `sqlite3` to open it applied
    the old file's pages to it (an attacker's run: "Rowid 201 out of order"). While it
    runs, a planboard refuses that `-wal` (its owner is noted); once stopped, it is moved
    aside, kept, and the new board opens whole, as it was moved in."""
    board = fresh_copy(SAMPLE, tmp_path)
    other = fresh_copy(SAMPLE, tmp_path, "other.db")
    with Store.open(other) as store:
        store.add_item(store.default_quarter().id, None, "Only in the new file")
    expected = titles(other)
    cli(
        "replicate",
        str(board),
        "--to",
        f"file://{tmp_path / 'replica'}",
        "--sync-interval",
        SYNC,
        "--background",
    )
    wal = board.with_name(board.name + "-wal")
    deadline = time.monotonic() + 20  # (Litestream's own tables, written into the `-wal`)
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size <= 32):
        time.sleep(0.1)
    while time.monotonic() < deadline and not board.with_name(f".{board.name}.wal-owner").exists():
        time.sleep(0.1)
    os.replace(other, board)
    while time.monotonic() < deadline and not (replica.read_status(board) or {}).get("replaced"):
        time.sleep(0.1)
    with pytest.raises(PlanboardError, match="belongs to the file that was at"):
        Store.open(board).close()
    out = cli("replicate", str(board), "--stop")
    assert "moved aside" in out and "replaced-" in out, out
    kept = list(tmp_path.glob(f"{board.name}-wal.replaced-*"))
    assert len(kept) == 1 and kept[0].stat().st_size > 32
    assert not wal.exists()
    conn = sqlite3.connect(board)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name LIKE '_litestream%'"
        ).fetchall()
    finally:
        conn.close()
    assert titles(board) == expected


def _replica_holding(folder: Path, title: str) -> str:
    """The URL of a replica of a copy of the sample, with an item of that title."""
    board = fresh_copy(SAMPLE, folder)
    url = f"file://{folder / 'replica'}"
    cli("replicate", str(board), "--to", url, "--sync-interval", SYNC, "--background")
    with Store.open(board) as store:
        store.add_item(store.default_quarter().id, None, title)
    cli("replicate", str(board), "--stop")
    return url


def test_a_restore_killed_half_way_leaves_no_copy_after_the_next(tmp_path: Path) -> None:
    """A `restore --from` killed with -9 left its whole copy of the board in a hidden
    folder beside it (`.b.db.<random>.restore`), for good. The next restore into that
    folder removes what a restore no longer running left; one still running keeps its."""
    url = _replica_holding(tmp_path, "In the replica")
    out = tmp_path / "new.db"
    dead = tmp_path / f".{out.name}.{2**22 + 12345}.abcd.restore"  # (no such process)
    alive = tmp_path / f".{out.name}.{os.getpid()}.efgh.restore"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / out.name).write_bytes(SAMPLE.read_bytes())
    replica.restore_to(url, out)
    assert "In the replica" in titles(out)
    assert not dead.exists() and alive.exists()
    assert sorted(p.name for p in tmp_path.glob(f".{out.name}.*")) == [alive.name]


def test_a_restore_into_a_dangling_link_writes_the_file_it_names(tmp_path: Path) -> None:
    """`-o d.db`, d.db a link to a file still to be made: the link was replaced by the
    restored file, and the file it names never written. As every output of planboard
    through a link: the file the link names is written, and the link stays."""
    url = _replica_holding(tmp_path, "In the replica")
    (tmp_path / "there").mkdir()
    target, link = tmp_path / "there" / "tgt.db", tmp_path / "d.db"
    link.symlink_to(target)
    replica.restore_to(url, link)
    assert link.is_symlink() and target.is_file()
    assert "In the replica" in titles(target)


def test_a_board_missing_for_a_moment_is_not_called_replaced(tmp_path: Path) -> None:
    """A board renamed away and back (a sync tool does), or missing for a moment, is the
    same file Litestream follows: only another file at its path is a replacement."""
    from planboard.core.replica.replicator import Replicator
    from planboard.core.wal import identity

    board = fresh_copy(SAMPLE, tmp_path)
    said: list[str] = []
    runner = Replicator(board, f"file://{tmp_path / 'replica'}", say=said.append)
    runner._file = identity(board)  # (as `start` notes it, before Litestream runs)
    aside = tmp_path / "aside.db"
    os.replace(board, aside)
    assert runner.replaced() == ""  # missing for now
    os.replace(aside, board)
    assert runner.replaced() == "" and not said
    other = tmp_path / "other.db"
    other.write_bytes(SAMPLE.read_bytes())
    os.replace(other, board)
    assert "replaced by another file" in runner.replaced() and len(said) == 1


def test_a_board_replaced_before_its_wal_was_first_seen_still_has_it_set_aside(
    tmp_path: Path,
) -> None:
    """Replaced within the first five seconds (before a look found Litestream's `-wal`):
    nothing was noted, and the old file's `-wal` stayed beside the new board at the
    stop. Those there when the replacement is seen are the old file's (Litestream holds
    them open): they are noted then."""
    from planboard.core.replica.replicator import Replicator
    from planboard.core.wal import identity

    board = fresh_copy(SAMPLE, tmp_path)
    runner = Replicator(board, f"file://{tmp_path / 'replica'}", say=lambda _: None)
    runner._file = identity(board)  # (as `start` notes it, before Litestream runs)
    assert runner.replaced() == ""  # (a look before Litestream made its `-wal`)
    holder = sqlite3.connect(board)  # (as Litestream: the old file open, written)
    holder.execute("CREATE TABLE written_by_the_holder (x)")
    holder.commit()
    wal = board.with_name(board.name + "-wal")
    old_wal = identity(wal)
    assert old_wal is not None
    other = fresh_copy(SAMPLE, tmp_path, "other.db")
    os.replace(other, board)
    assert "replaced" in runner.replaced()
    assert runner._sidecars["-wal"] == old_wal
    # The note names the file the holder opened, not the new one (it named the new
    # one, and a planboard then applied the old `-wal` to it).
    note = board.with_name(f".{board.name}.wal-owner").read_text().split()
    assert tuple(map(int, note[:2])) == runner._file != identity(board)
    with pytest.raises(PlanboardError, match="belongs to the file that was at"):
        Store.open(board).close()
    runner._leave_files()  # (as the stop does once Litestream has ended)
    kept = runner.set_aside
    holder.close()
    assert [p.name.startswith(f"{board.name}-wal.replaced-") for p in kept] == [True]
    conn = sqlite3.connect(board)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'written_by_the_holder'"
        ).fetchall()
    finally:
        conn.close()


def test_a_board_put_back_after_a_replacement_keeps_its_own_wal_at_the_stop(
    tmp_path: Path,
) -> None:
    """Replaced, then the file Litestream follows put back at its path, and changed
    there: the stop moved the board's own `-wal` aside, with the change in it."""
    from planboard.core.replica.replicator import Replicator
    from planboard.core.wal import identity

    board = fresh_copy(SAMPLE, tmp_path)
    runner = Replicator(board, f"file://{tmp_path / 'replica'}", say=lambda _: None)
    runner._file = identity(board)
    holder = sqlite3.connect(board)  # (as Litestream: the board open, written)
    holder.execute("CREATE TABLE written_by_the_holder (x)")
    holder.commit()
    assert runner.replaced() == ""
    aside = tmp_path / "aside.db"
    os.replace(board, aside)
    os.replace(fresh_copy(SAMPLE, tmp_path, "other.db"), board)
    assert "replaced" in runner.replaced()
    os.replace(board, tmp_path / "other-again.db")
    os.replace(aside, board)  # (put back)
    with Store.open(board) as store:
        store.add_item(store.default_quarter().id, None, "Written once it was back")
    runner._leave_files()
    holder.close()
    assert runner.set_aside == []
    assert not list(tmp_path.glob(f"{board.name}-wal.replaced-*"))
    assert "Written once it was back" in titles(board)


def test_a_foreground_replication_stopped_after_a_replacement_says_what_the_replica_lacks(
    tmp_path: Path,
) -> None:
    """Ctrl+C on `planboard replicate` (not in the background) after `mv other.db b.db`
    said "the replica may lack the last changes (the next planboard replicate sends
    them)"."""
    board = fresh_copy(SAMPLE, tmp_path)
    other = tmp_path / "other.db"
    other.write_bytes(SAMPLE.read_bytes())
    running = Replicating(board, f"file://{tmp_path / 'replica'}")
    os.replace(other, board)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (replica.read_status(board) or {}).get("replaced"):
        time.sleep(0.1)
    out = running.stop()
    assert "the replica lacks the changes made since it was replaced" in out, out
    assert "the next planboard replicate sends them" not in out
