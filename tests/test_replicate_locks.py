"""One replication per board and one board per folder replica, whatever state folder each
`planboard replicate` keeps (`PLANBOARD_STATE_DIR`, `XDG_STATE_HOME`: a service's
environment is not the user's). The check read the state folder alone: a second board
wrote into a replica another board was replicating to, and a board was replicated twice,
while both said "replicated" and "the replica holds every change"."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_harness import SAMPLE, fresh_copy
from test_replicate import LITESTREAM, Replicating, cli
from test_replicate import s3_server as s3_server  # (the fixtures)
from test_replicate import state as state

from planboard.core import Store, replica

pytestmark = pytest.mark.skipif(not LITESTREAM, reason="Litestream is not installed")


def test_another_state_folder_neither_shares_a_replica_nor_replicates_a_board_twice(
    tmp_path: Path,
) -> None:
    first = fresh_copy(SAMPLE, tmp_path)
    second = tmp_path / "copy.db"
    shutil.copyfile(first, second)
    shared = tmp_path / "replica"
    running = Replicating(first, f"file://{shared}")
    elsewhere = {"PLANBOARD_STATE_DIR": str(tmp_path / "service-state")}
    said = cli(
        "replicate", str(second), "--to", str(shared), "--background", env=elsewhere, check=False
    )
    assert "another planboard replicate" in said and str(first) in said, said
    assert "two boards writing one replica lose changes" in said, said
    said = cli(
        "replicate",
        str(first),
        "--to",
        str(tmp_path / "other-replica"),
        "--background",
        env=elsewhere,
        check=False,
    )
    assert f"{first} is already being replicated" in said, said
    assert f"process {running.process.pid}" in said, said
    assert not (tmp_path / "other-replica").exists()
    running.stop()
    # Free once it stopped: the locks go with the process that held them.
    out = cli("replicate", str(second), "--to", str(shared), "--background", env=elsewhere)
    assert "in the background" in out
    assert "Stopped replicating" in cli("replicate", str(second), "--stop", env=elsewhere)
    assert not replica._alive((replica.read_status(first) or {}).get("pid"))


def test_a_second_name_of_the_same_file_is_not_replicated_twice(tmp_path: Path) -> None:
    """A hard link is the same board under another name: Litestream's folder beside
    each name differs, so the lock there let both replicate it."""
    first = fresh_copy(SAMPLE, tmp_path)
    (tmp_path / "elsewhere").mkdir()
    other_name = tmp_path / "elsewhere" / "team.db"
    other_name.hardlink_to(first)
    running = Replicating(first, f"file://{tmp_path / 'replica'}")
    said = cli(
        "replicate",
        str(other_name),
        "--to",
        str(tmp_path / "other-replica"),
        "--background",
        env={"PLANBOARD_STATE_DIR": str(tmp_path / "service-state")},
        check=False,
    )
    assert f"{other_name} is already being replicated under another of its names" in said
    assert not (tmp_path / "other-replica").exists()
    # Refused before it is opened: nothing beside the second name (SQLite's `-wal` and
    # `-shm` of a name are its own: a second journal of one file), and with the state
    # folder of the first, the first is named.
    said = cli("replicate", str(other_name), "--to", str(tmp_path / "r2"), check=False)
    assert f"planboard replicate {first} --stop" in said, said
    assert sorted(p.name for p in other_name.parent.iterdir()) == ["team.db"]
    running.stop()


def test_one_replica_in_a_store_however_its_url_is_written() -> None:
    """The check compared the URL as text: `…/team-a.db/`, `bucket//team-a/…` and an
    endpoint of `localhost` for `127.0.0.1` were each a second replica."""
    key = replica.replica_key
    base = "s3://planning/team-a/team-a.db?endpoint=http://127.0.0.1:5599"
    for same in (
        "s3://planning/team-a/team-a.db/?endpoint=http://127.0.0.1:5599",
        "s3://planning//team-a/team-a.db?endpoint=http://127.0.0.1:5599/",
        "S3://planning/team-a/team-a.db?endpoint=http://localhost:5599",
        "s3://planning/team-a/team-a.db?region=us-east-1&endpoint=HTTP://127.0.0.1:5599",
    ):
        assert key(same) == key(base), same
    for other in (
        "s3://planning/team-b/team-a.db?endpoint=http://127.0.0.1:5599",
        "s3://planning/team-a/team-a.db?endpoint=http://127.0.0.1:5600",
        "s3://other/team-a/team-a.db?endpoint=http://127.0.0.1:5599",
        "s3://planning/team-a/team-a.db",
    ):
        assert key(other) != key(base), other
    assert key("s3://b/p") == key("s3://b/p?endpoint=") != key("s3://b/p?endpoint=https://x")
    # (The review's: a store's own port said or not, a password or none: one replica.)
    assert key("sftp://u@host/p") == key("sftp://u@host:22/p") == key("sftp://u:pw@host/p")
    assert key("sftp://u@host/p") != key("sftp://v@host/p") != key("sftp://u@host:2222/p")


def test_a_restore_sweeps_its_own_board_s_work_folders_only(tmp_path: Path) -> None:
    """`team.db`'s sweep took `.team.db.2024.<pid>.….restore`, a restore of
    `team.db.2024` (its "pid" read as 2024) that may still run."""
    theirs = tmp_path / ".team.db.2024.999999.abcd1234.restore"
    mine = tmp_path / ".team.db.999999.abcd1234.restore"
    for folder in (theirs, mine):
        folder.mkdir()
    replica.sweep_restores(tmp_path, "team.db")
    assert theirs.exists() and not mine.exists()


def test_two_boards_into_one_store_replica_from_two_state_folders_are_refused(
    tmp_path: Path, s3_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two boards replicated into one S3 prefix at once, each with its own state
    folder: both said "replicated", and the replica held the second board's changes
    alone. The second is refused, naming the first, however the URL is written."""
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "t"), ("AWS_SECRET_ACCESS_KEY", "t")):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(
        Bucket="planning"
    )
    first = fresh_copy(SAMPLE, tmp_path)
    second = tmp_path / "copy.db"
    shutil.copyfile(first, second)
    url = f"s3://planning/team-a/team-a.db?endpoint={s3_server}"
    running = Replicating(first, url)
    elsewhere = {"PLANBOARD_STATE_DIR": str(tmp_path / "service-state")}
    written = url.replace("team-a.db?", "team-a.db/?").replace("127.0.0.1", "localhost")
    for target, env in ((url, elsewhere), (written, None), (written, elsewhere)):
        said = cli("replicate", str(second), "--to", target, "--background", env=env, check=False)
        assert "two boards writing one replica lose changes" in said, said
        assert str(first) in said, said
    running.stop()
    out = cli("replicate", str(second), "--to", written, "--background", env=elsewhere)
    assert "in the background" in out
    assert "Stopped replicating" in cli("replicate", str(second), "--stop", env=elsewhere)


def test_a_folder_replica_that_cannot_be_written_is_refused_before_it_starts(
    tmp_path: Path,
) -> None:
    """A replica in a folder nobody may write into started "in the background", and
    `--status` said "replicating" while Litestream failed every second: refused at
    once, with the reason, and nothing left behind."""
    board = fresh_copy(SAMPLE, tmp_path)
    before = board.read_bytes()
    locked = tmp_path / "locked"
    locked.mkdir()
    with _unwritable(locked):
        for target in (locked / "replica", locked):
            said = cli("replicate", str(board), "--to", str(target), "--background", check=False)
            assert "Litestream can't write the replica into" in said, said
            assert not replica._alive((replica.read_status(board) or {}).get("pid"))
        assert not (locked / "replica").exists()
    assert board.read_bytes() == before


@contextlib.contextmanager
def _unwritable(folder: Path) -> Iterator[None]:
    """A folder this process may not write into: its mode, or (root writes whatever the
    mode says) the immutable flag."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("root, and chattr +i does not work here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_litestream_errors_with_a_second_level_field_are_said() -> None:
    """Litestream's "compaction failed" line has a `level=9` of its own (the level of
    its files): read as the line's level, it was left out, and the status said
    "Litestream stopped without saying why" while it failed every second."""
    line = (
        'time=2026-12-06T00:52:40.079Z level=ERROR msg="compaction failed" system=store '
        'db=b.db level=9 error="mkdir /r/ro/r: operation not permitted"'
    )
    text = replica.explain(line, "file:///r/ro/r")
    assert "compaction failed: mkdir /r/ro/r: operation not permitted" in text, text
    assert "without saying why" not in text
    assert "Permission denied" in text
    bucket = replica.explain("NoSuchBucket: The specified bucket does not exist", "s3://b/p")
    assert "without saying why" not in bucket and "The bucket does not exist" in bucket


def test_a_folder_replica_of_another_board_is_not_written_into(tmp_path: Path) -> None:
    """A folder that held another board's replica was taken by a second board without
    a word, once the first had stopped: its history and the other's were then one
    replica, and the first board could no longer be restored from it."""
    first = fresh_copy(SAMPLE, tmp_path)
    folder = tmp_path / "replica"
    Replicating(first, f"file://{folder}").stop()
    other = tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q3").close()
    said = cli("replicate", str(other), "--to", str(folder), "--background", check=False)
    assert "holds the replica of another board" in said and str(first) in said, said
    assert not replica._alive((replica.read_status(other) or {}).get("pid"))
    # The board it holds goes on replicating there; a new folder takes the other.
    Replicating(first, f"file://{folder}").stop()
    out = cli("replicate", str(other), "--to", str(tmp_path / "its-own"), "--background")
    assert "in the background" in out
    assert "Stopped replicating" in cli("replicate", str(other), "--stop")


def test_a_board_whose_name_is_too_long_for_litestream_is_refused_naming_it(
    tmp_path: Path,
) -> None:
    """A board named with 246 characters (SQLite opens it) was refused with "Cannot
    keep the replication's state in …/state (PLANBOARD_STATE_DIR): File name too long",
    blaming the state folder; Litestream can't keep its folder beside it either."""
    board = tmp_path / ("b" * 241 + ".db")
    shutil.copyfile(SAMPLE, board)
    said = cli("replicate", str(board), "--to", str(tmp_path / "replica"), check=False)
    assert "Rename the board to 243 characters or fewer" in said, said
    assert "PLANBOARD_STATE_DIR" not in said
    shutil.copyfile(SAMPLE, tmp_path / ("b" * 240 + ".db"))
    Replicating(tmp_path / ("b" * 240 + ".db"), f"file://{tmp_path / 'replica'}").stop()


def test_starts_at_the_same_moment_say_each_their_own(tmp_path: Path) -> None:
    """Four `--background` starts of one board at once: one won (rightly), but the
    others printed the winner's log lines run together with their refusal ("Replication
    did not start: Replicating … Ctrl+C stops. planboard: … already being
    replicated"), and their refusals went into the winner's log."""
    import concurrent.futures

    board = fresh_copy(SAMPLE, tmp_path)
    target = str(tmp_path / "replica")
    start = ["replicate", str(board), "--to", target, "--background"]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        said = list(pool.map(lambda _: cli(*start, check=False), range(4)))
    try:
        won = [s for s in said if "in the background" in s]
        assert len(won) == 1, said
        for lost in (s for s in said if s not in won):
            assert "already being replicated" in lost, lost
            assert "Ctrl+C stops" not in lost and "Replicating" not in lost, lost
            assert lost.count("planboard:") == 1, lost
        log = replica.state_dir(board) / "replicate.log"
        written = log.read_text(encoding="utf-8")
        assert "already being replicated" not in written, written
        assert "did not start" not in written
    finally:
        cli("replicate", str(board), "--stop", check=False)
