"""Files under stress: two processes, a damaged file, a full disk, a busy file."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planboard.core import BusyError, Place, PlanboardError, Store
from planboard.core.backup import read_only_uri
from planboard.core.lock import OTHER_WRITER, writer_is_active


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_opening_is_a_viewer(board_path: Path, store: Store) -> None:
    q = store.default_quarter().id
    viewer = Store.open(board_path)
    try:
        assert viewer.readonly and viewer.viewer and viewer.readonly_reason == OTHER_WRITER
        version = viewer.data_version()
        store.add_item(q, None, "Written by the writer")
        assert viewer.data_version() != version  # cheap to poll, and it moved
        assert [i.title for i in viewer.items_at(q, store.board(q).places.__iter__().__next__())]
        assert not viewer.take_over()  # the writer is still there
    finally:
        viewer.close()


def test_the_lock_vanishes_with_a_killed_writer(board_path: Path) -> None:
    Store.open(board_path).close()
    code = (
        "import sys, time; from planboard.core import Store; "
        "s = Store.open(sys.argv[1]); print('ready', flush=True); time.sleep(60)"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(board_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        assert writer_is_active(board_path)
        viewer = Store.open(board_path)
        assert viewer.viewer
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
        deadline = time.monotonic() + 5
        while not viewer.take_over() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not viewer.readonly
        change = viewer.add_item(viewer.default_quarter().id, None, "Now I write")
        assert change.event_id is not None
        viewer.close()
    finally:
        if writer.poll() is None:
            writer.kill()


def test_a_busy_file_gives_a_message_not_a_traceback(board_path: Path, store: Store) -> None:
    q = store.default_quarter().id
    other = sqlite3.connect(board_path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    store.conn.execute("PRAGMA busy_timeout = 100")
    try:
        with pytest.raises(BusyError, match="busy: another program is writing"):
            store.add_item(q, None, "Blocked")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.items_at(q, store.board(q).places.__iter__().__next__()) == []
    assert store.add_item(q, None, "Fine now").event_id is not None


def test_a_full_disk_changes_nothing_and_says_so(board_path: Path, store: Store) -> None:
    q = store.default_quarter().id
    store.add_item(q, None, "Before")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
    before = store.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    with pytest.raises(PlanboardError, match="disk is full"):
        for n in range(200):  # until a page is needed
            store.add_item(q, None, f"A long title that takes room, number {n}" * 4)
    after = store.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    events = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    items = store.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    assert after >= before and events >= items  # every item that went in has its event
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _damage(path: Path) -> None:
    store = Store.open(path)
    q = store.default_quarter().id
    for n in range(300):
        store.add_item(q, None, f"Item {n} " + "x" * 150)
    store.conn.execute("PRAGMA journal_mode = DELETE")
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 6, page * 6 + 400):  # scribble over a page of items
        data[offset] = 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_file_opens_read_only_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    _damage(path)
    before = digest(path)
    try:
        store = Store.open(path)
    except PlanboardError as error:  # too damaged to show at all: refused, with a message
        assert "damaged" in str(error)
    else:
        try:
            assert store.readonly and store.readonly_reason.startswith("the file is damaged")
            with pytest.raises(PlanboardError, match="read-only"):
                store.add_item(store.default_quarter().id, None, "No")
        finally:
            store.close()
    assert digest(path) == before


def test_the_cli_refuses_a_damaged_file_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    _damage(path)
    before = digest(path)
    code = (
        "import sys; from planboard.core import Store, PlanboardError\n"
        "try:\n    s = Store.open(sys.argv[1]); print(s.readonly_reason)\n"
        "except PlanboardError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert "damaged" in out.stdout and "Traceback" not in out.stderr
    assert digest(path) == before


def _damage_readably(path: Path) -> None:
    """Damage a page so that SQLite still reads the file but `quick_check` complains."""
    _damage(path)
    path.unlink()
    store = Store.open(path)
    q = store.default_quarter().id
    for n in range(300):
        store.add_item(q, None, f"Item {n} " + "x" * 150)
    store.conn.execute("PRAGMA journal_mode = DELETE")
    store.close()
    good = path.read_bytes()
    for page in range(2, len(good) // 4096):
        data = bytearray(good)
        for offset in range(page * 4096 + 100, page * 4096 + 116):
            data[offset] ^= 0x55
        path.write_bytes(bytes(data))
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            if [r[0] for r in conn.execute("PRAGMA quick_check")] != ["ok"]:
                return
        except sqlite3.DatabaseError:
            pass
        finally:
            conn.close()
    raise AssertionError("could not damage the file readably")


def test_a_readable_damaged_file_opens_read_only(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    _damage_readably(path)
    before = digest(path)
    store = Store.open(path)
    try:
        assert store.readonly
        assert store.readonly_reason.startswith("the file is damaged (")
        assert "\n" not in store.readonly_reason
        with pytest.raises(PlanboardError, match="read-only"):
            store.add_item(store.default_quarter().id, None, "No")
    finally:
        store.close()
    assert digest(path) == before


def test_backups_keep_the_newest_ten(board_path: Path, store: Store) -> None:
    from planboard.core.backup import KEEP, backup_board, backups_of

    for n in range(KEEP + 3):
        backup_board(store.conn, board_path, f"label-{n}")
    kept = backups_of(board_path)
    assert len(kept) == KEEP
    assert not list(board_path.parent.glob("*.partial"))
    other = board_path.with_name("board.old.db")  # another board's backups are not ours
    other.write_bytes(b"")
    backup_board(store.conn, other, "mine")
    assert len(backups_of(board_path)) == KEEP


def test_files_named_like_backups_that_are_not_are_never_listed_nor_pruned(
    board_path: Path, store: Store
) -> None:
    """A text file, an empty file and another program's database named as this board's
    backups are: `restore` refused each as "not a planboard backup", yet they were
    listed and, once more than ten backups were written, deleted. A link to the board
    itself is not a backup of it either."""
    from planboard.core.backup import KEEP, backup_board, backups_of

    odd = {
        "20200101-000000": b"someone's notes\n",
        "20200101-000001": b"",
        "20200101-000002": None,  # another program's SQLite file
        "20200101-000004": "a board",  # a board of today whose identity was removed
    }
    for stamp, content in odd.items():
        path = board_path.with_name(f"{board_path.name}.before-restore.{stamp}.backup.db")
        if content is None:
            other = sqlite3.connect(path)
            other.execute("CREATE TABLE notes (text)")
            other.commit()
            other.close()
        elif content == "a board":
            store.conn.execute(f"VACUUM INTO '{path}'")
            other = sqlite3.connect(path)
            other.execute("DELETE FROM settings WHERE key = 'board_id'")
            other.commit()
            other.close()
        else:
            path.write_bytes(content)
    link = board_path.with_name(f"{board_path.name}.before-restore.20200101-000003.backup.db")
    link.symlink_to(board_path.name)
    before = {p: p.read_bytes() for p in board_path.parent.glob("*.20200101-00000[0-24].*")}
    assert backups_of(board_path) == []
    for n in range(KEEP + 2):
        backup_board(store.conn, board_path, f"label-{n}")
    assert len(backups_of(board_path)) == KEEP
    assert {p: p.read_bytes() for p in before} == before  # all there, as they were
    assert link.is_symlink()
    assert not any("20200101" in b.name for b in backups_of(board_path))


def test_backups_made_in_the_same_second_are_listed_in_the_order_they_were_made(
    board_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second backup of a second is named `…-2`, which sorts before the first by
    name (`-` before `.`): `restore b.db N` took the wrong one, and pruning could remove
    a newer backup than the ones it kept."""
    from datetime import UTC, datetime

    from planboard.core import backup as backup_module

    second = datetime(2026, 12, 5, 2, 30, 9, tzinfo=UTC)
    made = backup_module.backup_path
    monkeypatch.setattr(
        backup_module, "backup_path", lambda board, label, at=None: made(board, label, second)
    )
    written = []
    for n in range(3):
        store.conn.execute("UPDATE quarters SET vision = ?", (f"state {n}",))
        store.conn.commit()
        written.append(backup_module.backup_board(store.conn, board_path, "manual"))
    assert [p.name.split(".")[-3] for p in written] == [
        "20261205-023009",
        "20261205-023009-2",
        "20261205-023009-3",
    ]
    assert backup_module.backups_of(board_path) == written
    # Another label in that second (each label counts its own): by when it was made.
    later = backup_module.backup_board(store.conn, board_path, "2026-Q3-live")
    assert backup_module.backups_of(board_path) == [*written, later]


def test_a_damaged_backup_is_refused_saying_so_once(board_path: Path, store: Store) -> None:
    from planboard.core.backup import backup_board

    q = store.default_quarter().id
    store.add_item(q, None, "Still here")
    backup = backup_board(store.conn, board_path, "damaged")
    assert backup is not None
    backup.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"not a database" * 100)
    before = backup.read_bytes()
    with pytest.raises(PlanboardError) as refused:
        store.restore(backup)
    message = str(refused.value)
    assert message.startswith(f"The backup {backup.name} can't be read: ")
    assert message.endswith(". Nothing was restored.")
    assert "can't be restored" not in message
    assert [i.title for i in store.items_at(q, Place.team())] == ["Still here"]
    assert backup.read_bytes() == before


def test_restore_from_the_command_line(board_path: Path, store: Store) -> None:
    q = store.default_quarter().id
    store.add_item(q, None, "Kept in the backup")
    _, backup = store.start_meeting(q)
    store.end_meeting(q)
    store.add_item(q, None, "Added after the backup")
    # While a planboard is editing the board, restoring is refused and changes nothing.
    busy = subprocess.run(
        [sys.executable, "-m", "planboard", "restore", str(board_path), "1", "--yes"],
        capture_output=True,
        text=True,
    )
    assert busy.returncode != 0 and "is open in another planboard" in busy.stderr
    assert "Traceback" not in busy.stderr
    assert len(store.items_at(q, Place.team())) == 2
    store.close()
    listing = subprocess.run(
        [sys.executable, "-m", "planboard", "restore", str(board_path)],
        capture_output=True,
        text=True,
    )
    assert listing.returncode == 0 and backup is not None and backup.name in listing.stdout
    done = subprocess.run(
        [sys.executable, "-m", "planboard", "restore", str(board_path), "1", "--yes"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "The board as it was is kept in board.db.before-restore." in done.stdout
    reopened = Store.open(board_path)
    try:
        titles = [i.title for items in reopened.board(q).places.values() for i in items]
        assert titles == ["Kept in the backup"]
        assert reopened.quarter(q).status == "preparing"
        # The board as it was before the restore is itself a backup that opens.
        (safety,) = [b for b in reopened.backups() if "before-restore" in b.name]
        assert safety.name in done.stdout
    finally:
        reopened.close()
    kept = Store.open(safety, readonly=True)
    try:
        titles = sorted(i.title for items in kept.board(q).places.values() for i in items)
        assert titles == ["Added after the backup", "Kept in the backup"]
    finally:
        kept.close()
    bad = subprocess.run(
        [sys.executable, "-m", "planboard", "restore", str(board_path), "99", "--yes"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "There is no backup 99" in bad.stderr
    for word in ("-1", "last"):  # (said "-1 does not exist")
        odd = subprocess.run(
            [sys.executable, "-m", "planboard", "restore", str(board_path), word, "--yes"],
            capture_output=True,
            text=True,
        )
        assert odd.returncode == 2, odd.stderr
        assert f"{word} is neither a backup's number (1 to " in odd.stderr, odd.stderr


@pytest.mark.parametrize("then", ["quit", "restore"])
def test_a_killed_sessions_changes_go_into_the_file_at_the_next_quit_while_a_reader_stays(
    tmp_path: Path, then: str
) -> None:
    """A planboard killed after a move, with `serve` reading the board: its changes
    were in the -wal. The next planboard quit without writing anything, and left them
    there (it wrote the -wal into the file only after changes of its own), so the file
    alone lacked them. A restore under a reader alike left the restored board in the
    -wal, the file as it was."""
    import shutil
    import sqlite3

    path = tmp_path / "board.db"
    store = Store.open(path)
    q = store.default_quarter().id
    store.add_item(q, None, "Before the backup")
    _, backup = store.start_meeting(q)  # (the event's backup, made first)
    store.end_meeting(q)
    store.close()
    reader = sqlite3.connect(path)
    reader.execute("SELECT count(*) FROM items").fetchone()
    killed = (
        "import os, sys\nfrom planboard.core import Store\n"
        "s = Store.open(sys.argv[1])\nq = s.default_quarter().id\n"
        "s.add_item(q, None, 'Written, then killed')\nos._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", killed, str(path)], check=False, timeout=60)
    if then == "quit":
        Store.open(path).close()  # (looked at, nothing written)
        expected = ["Before the backup", "Written, then killed"]
    else:
        done = subprocess.run(
            [sys.executable, "-m", "planboard", "restore", str(path), str(backup), "--yes"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        expected = ["Before the backup"]
    alone = tmp_path / "alone" / "board.db"
    alone.parent.mkdir()
    shutil.copyfile(path, alone)  # the file alone, without its -wal
    with sqlite3.connect(alone) as copy:
        titles = [r[0] for r in copy.execute("SELECT title FROM items ORDER BY id")]
    assert titles == expected
    reader.close()


def test_a_read_only_look_during_which_another_planboard_wrote_leaves_nothing_beside(
    tmp_path: Path,
) -> None:
    """`planboard --read-only` open while another planboard wrote and quit (a restore,
    say): on quitting, the `-wal`, the `-shm` and the note of whose `-wal` it is stayed
    beside the board, as if something were left to save."""
    path = tmp_path / "board.db"
    Store.open(path).close()
    looking = Store.open(path, readonly=True)
    q = looking.default_quarter().id
    written = (
        "import sys\nfrom planboard.core import Store\n"
        "s = Store.open(sys.argv[1])\ns.add_item(s.default_quarter().id, None, 'Later')\n"
        "s.close()\n"
    )
    subprocess.run([sys.executable, "-c", written, str(path)], check=True, timeout=60)
    assert [i.title for i in looking.items_at(q, Place.team())] == ["Later"]
    looking.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.db"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT title FROM items").fetchall() == [("Later",)]


def test_a_read_only_look_after_a_killed_writer_changes_nothing(tmp_path: Path) -> None:
    """A look (`--read-only`) at a board a killed planboard left with its `-wal`: the
    look leaves the file's bytes and that `-wal` as they were (the next planboard that
    edits the board writes them into it)."""
    path = tmp_path / "board.db"
    Store.open(path).close()
    killed = (
        "import os, sys\nfrom planboard.core import Store\n"
        "s = Store.open(sys.argv[1])\ns.add_item(s.default_quarter().id, None, 'Kept')\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", killed, str(path)], check=False, timeout=60)
    wal = path.with_name("board.db-wal")
    assert wal.stat().st_size > 0
    before, wal_before = digest(path), digest(wal)
    looking = Store.open(path, readonly=True)
    q = looking.default_quarter().id
    assert [i.title for i in looking.items_at(q, Place.team())] == ["Kept"]
    looking.close()
    assert digest(path) == before and digest(wal) == wal_before


def test_closing_writes_the_changes_into_the_file_while_another_reader_stays(
    tmp_path: Path,
) -> None:
    """With `planboard serve` (or a viewer) still reading the board, quitting planboard
    left every change of the session in `board.db-wal`: the file alone, copied or sent,
    was hours out of date (a decided quarter still preparing). Closing writes them into
    the file; the reader's connection still works."""
    import shutil
    import sqlite3

    path = tmp_path / "board.db"
    store = Store.open(path)
    q = store.default_quarter().id
    reader = sqlite3.connect(path)
    reader.execute("SELECT count(*) FROM items").fetchone()
    store.add_item(q, None, "Written before quitting")
    store.close()
    alone = tmp_path / "alone" / "board.db"
    alone.parent.mkdir()
    shutil.copyfile(path, alone)  # the file alone, without its -wal
    with sqlite3.connect(alone) as copy:
        titles = [r[0] for r in copy.execute("SELECT title FROM items")]
    assert titles == ["Written before quitting"]
    assert reader.execute("SELECT count(*) FROM items").fetchone() == (1,)
    reader.close()


@pytest.mark.parametrize("command", ["export", "report"])
def test_no_room_beside_the_board_is_said_so_and_leaves_nothing_beside(
    tmp_path: Path, command: str
) -> None:
    """On a nearly full disk, SQLite can't make the `-shm` it reads a board through:
    every command, the read-only ones too, said the board "looks damaged: disk I/O
    error", and left an empty `-wal` and a cut `-shm` beside it. (A file size limit
    stands in for the full disk here: SQLite meets the same refusal.)"""
    import resource

    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    before = digest(board)

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    run = subprocess.run(
        [sys.executable, "-m", "planboard", command, str(board)],
        capture_output=True,
        text=True,
        preexec_fn=limited,
    )
    assert run.returncode == 2, run.stderr
    assert "looks damaged" not in run.stderr, run.stderr
    assert "needs room beside it for its -wal and -shm" in run.stderr, run.stderr
    assert "nothing was changed" in run.stderr, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.db"]
    assert digest(board) == before


@pytest.mark.parametrize("command", ["export", "serve"])
def test_a_board_another_program_holds_locked_is_not_called_damaged(
    tmp_path: Path, command: str
) -> None:
    """A board another program held in an exclusive lock (`locking_mode=exclusive`)
    was said to "look damaged: database is locked", inviting a restore over an intact
    board. It is said to be locked, and nothing is changed."""
    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    holder = sqlite3.connect(board, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE quarters SET vision = 'held' WHERE id = 1")
    holder.execute("COMMIT")  # (the lock stays: exclusive locking mode)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "planboard", command, str(board)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.close()
    assert run.returncode == 2, run.stderr
    assert "looks damaged" not in run.stderr, run.stderr
    assert "is locked by another program" in run.stderr, run.stderr
