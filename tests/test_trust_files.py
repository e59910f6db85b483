"""Trust at the edges: awkward paths, backups tied to their board, a file replaced
while open, hangs and races, and a first run that leaves everything as it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from planboard.core import Place, PlanboardError, ReadOnlyError, Store
from planboard.core.backup import backup_board, backups_of
from planboard.core.schema import SCHEMA_VERSION

AWKWARD = ["team#1", "what?", "100%", "with space", "équipe ünï", "a#b?c%20d é"]


def run_cli(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("timeout", 60)
    return subprocess.run(
        [sys.executable, "-m", "planboard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        **kwargs,
    )


def read_only_uri(path: Path) -> str:
    return f"file:{quote(os.fsencode(path.resolve()))}?mode=ro"


def titles_in(path: Path) -> list[str]:
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT title FROM items"))
    finally:
        conn.close()


def board_id(path: Path) -> str:
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return conn.execute("SELECT value FROM settings WHERE key = 'board_id'").fetchone()[0]
    finally:
        conn.close()


# ----------------------------------------------------------------- awkward paths


def board_with_a_backup(path: Path) -> int:
    """A board with one item in a backup beside it (made as an event starts) and one
    added after it; returns its quarter's id."""
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    store.add_item(q, None, "Kept in the backup")
    _, backup = store.start_meeting(q)
    store.end_meeting(q)
    store.add_item(q, None, "Added after the backup")
    store.close()
    assert backup is not None and backup.parent == path.parent
    return q


@pytest.mark.parametrize("folder", AWKWARD)
def test_restore_in_a_folder_with_awkward_characters(tmp_path: Path, folder: str) -> None:
    where = tmp_path / folder
    where.mkdir()
    path = where / f"b {folder}.db"
    q = board_with_a_backup(path)
    before = set(os.listdir(tmp_path))
    done = run_cli("restore", str(path), "1", "--yes")
    assert done.returncode == 0, done.stderr
    assert titles_in(path) == ["Kept in the backup"]
    reopened = Store.open(path)
    try:
        assert reopened.quarter(q).name == "2026-Q3"
    finally:
        reopened.close()
    assert set(os.listdir(tmp_path)) == before  # no stray file at a cut-off path
    assert not list(where.glob("*.partial")) and not list(where.glob(".*.partial"))


@pytest.mark.parametrize("name", ["b#1.db", "b?.db", "b%41.db", "b é.db"])
def test_a_viewer_and_a_reader_open_awkward_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / "x#y?z%" / name
    path.parent.mkdir()
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    store.add_item(q, None, "Seen by the viewer")
    try:
        viewer = Store.open(path)
        try:
            assert viewer.viewer
            assert [i.title for i in viewer.items_at(q, Place.team())] == ["Seen by the viewer"]
        finally:
            viewer.close()
    finally:
        store.close()
    reader = Store.open(path, readonly=True)
    try:
        assert [i.title for i in reader.items_at(q, Place.team())] == ["Seen by the viewer"]
    finally:
        reader.close()
    assert sorted(os.listdir(path.parent)) == [name]


# A name written by a system in another encoding (Latin-1 `é`): not UTF-8, so Python
# holds it with a surrogate, which a SQLite URI must carry as the bytes on disk.
NOT_UTF8 = os.fsdecode(b"caf\xe9 #1")


def test_commands_on_a_board_whose_folder_name_is_not_utf8(tmp_path: Path) -> None:
    where = tmp_path / NOT_UTF8
    try:
        where.mkdir()
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes UTF-8 names only")
    path = where / f"{NOT_UTF8}.db"
    q = board_with_a_backup(path)
    listed = where / f"{NOT_UTF8}.txt"
    listed.write_text("From a file of that folder\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for args in (
        ["report", str(path)],
        ["report", str(where)],
        ["export", str(path), "-q", "2026-Q3", "-f", "csv", "-o", str(where / "out.csv")],
        ["export", str(path), "-q", "2026-Q3", "-f", "md"],
        ["export", str(where), "-f", "json", "-o", str(where / "all.json")],
        ["export", str(where), "-f", "json"],
        ["restore", str(path)],
        ["restore", str(path), "1", "--yes"],
        ["import", str(path), str(listed), "--team"],
    ):
        done = run_cli(*args, env=env, errors="surrogateescape")
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert titles_in(path) == ["From a file of that folder", "Kept in the backup"]
    assert "Kept in the backup" in (where / "out.csv").read_text(encoding="utf-8")
    assert "caf\ufffd #1" in (where / "all.json").read_text(encoding="utf-8")
    reader = Store.open(path, readonly=True)
    try:
        assert "caf\ufffd #1.txt" in reader.events(q)[0].summary
    finally:
        reader.close()


# ------------------------------------------------------- backups tied to a board


def test_boards_sharing_a_stem_keep_their_own_backups(tmp_path: Path) -> None:
    plan_db, plan_sqlite = tmp_path / "plan.db", tmp_path / "plan.sqlite"
    one = Store.open(plan_db, first_quarter="2026-Q3")
    two = Store.open(plan_sqlite, first_quarter="2026-Q1")
    try:
        mine = backup_board(one.conn, plan_db, "mine")
        for n in range(12):  # more than are kept: pruning one must not touch the other
            backup_board(two.conn, plan_sqlite, f"theirs-{n}")
        assert backups_of(plan_db) == [mine] and mine.exists()
        assert mine.name.startswith("plan.db.")
        theirs = backups_of(plan_sqlite)
        assert len(theirs) == 10 and mine not in theirs
        # A backup of another board is refused by name, and changes nothing.
        q = one.default_quarter().id
        one.add_item(q, None, "Still here")
        with pytest.raises(PlanboardError, match="another board"):
            one.restore(theirs[-1])
        assert [i.title for i in one.items_at(q, Place.team())] == ["Still here"]
    finally:
        one.close()
        two.close()
    listing = run_cli("restore", str(plan_db))
    assert listing.returncode == 0 and mine.name in listing.stdout
    assert "plan.sqlite" not in listing.stdout
    refused = run_cli("restore", str(plan_db), str(theirs[0]), "--yes")
    assert refused.returncode == 2 and "another board" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert titles_in(plan_db) == ["Still here"]
    # Without --yes: refused before the question, not after a yes.
    asked = run_cli("restore", str(plan_db), str(theirs[0]), input="y\n")
    assert asked.returncode == 2 and "another board" in asked.stderr
    assert "Replace" not in asked.stdout
    assert titles_in(plan_db) == ["Still here"]


def test_a_backup_whose_identity_was_removed_is_not_taken_for_this_boards(
    tmp_path: Path,
) -> None:
    """Another board's backup, its `board_id` row deleted and renamed after this board:
    it was restored as this board's (only backups from before boards had an identity
    carry none; every planboard since writes one)."""
    import sqlite3

    board, other = tmp_path / "r.db", tmp_path / "o.db"
    Store.open(board, first_quarter="2026-Q3").close()
    with Store.open(other, first_quarter="2026-Q4") as theirs:
        q = theirs.default_quarter().id
        _, backup = theirs.start_meeting(q)
        theirs.end_meeting(q)
    assert backup is not None
    disguised = board.with_name(backup.name.replace("o.db", "r.db"))
    backup.rename(disguised)
    other.unlink()
    with sqlite3.connect(disguised) as conn:
        conn.execute("DELETE FROM settings WHERE key = 'board_id'")
    conn.close()
    before = board.read_bytes()
    refused = run_cli("restore", str(board), str(disguised), "--yes")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "carries no identity" in refused.stderr and "Traceback" not in refused.stderr
    assert board.read_bytes() == before


def test_two_copies_of_one_board_do_not_restore_each_others_backups(tmp_path: Path) -> None:
    """`cp sample.db plan.db; cp sample.db plan.sqlite`: one identity, two boards."""
    sample = Path(__file__).resolve().parent.parent / "sample.db"
    plan_db, plan_sqlite = tmp_path / "plan.db", tmp_path / "plan.sqlite"
    shutil.copyfile(sample, plan_db)
    shutil.copyfile(sample, plan_sqlite)
    with Store.open(plan_sqlite) as theirs:
        q = theirs.default_quarter().id
        _, backup = theirs.start_meeting(q)
        theirs.end_meeting(q)
    assert backup is not None and backups_of(plan_db) == []
    before = titles_in(plan_db)
    refused = run_cli("restore", str(plan_db), str(backup), "--yes")
    assert refused.returncode == 2 and "a backup of another board, plan.sqlite" in refused.stderr
    assert titles_in(plan_db) == before
    # A board renamed since its backup was taken: its backups are still its own.
    renamed = tmp_path / "renamed.sqlite"
    plan_sqlite.rename(renamed)
    done = run_cli("restore", str(renamed), str(backup), "--yes")
    assert done.returncode == 0, done.stderr


def test_a_copy_of_another_board_renamed_like_a_backup_is_not_listed(tmp_path: Path) -> None:
    """Backups written before backups were named by the full file name (`plan.<label>…`)
    are listed when they carry the board's identity; one of another board is not."""
    plan_db, other = tmp_path / "plan.db", tmp_path / "other.db"
    Store.open(plan_db, first_quarter="2026-Q3").close()
    Store.open(other, first_quarter="2026-Q3").close()
    old_style = tmp_path / "plan.old-label.20260101-120000.backup.db"
    shutil.copyfile(plan_db, old_style)
    foreign = tmp_path / "plan.foreign.20260101-120001.backup.db"
    shutil.copyfile(other, foreign)
    assert board_id(old_style) == board_id(plan_db) != board_id(foreign)
    assert backups_of(plan_db) == [old_style]


def test_a_backup_before_board_ids_is_matched_by_full_name(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parent / "fixtures" / "schema-v4.db"
    plan = tmp_path / "plan.db"
    Store.open(plan, first_quarter="2026-Q3").close()
    by_full_name = tmp_path / "plan.db.before-schema-v5.20260101-120000.backup.db"
    by_stem = tmp_path / "plan.before-schema-v5.20260101-120000.backup.db"
    shutil.copyfile(fixture, by_full_name)
    shutil.copyfile(fixture, by_stem)
    assert backups_of(plan) == [by_full_name]
    listing = run_cli("restore", str(plan))
    assert by_full_name.name in listing.stdout
    assert "1 older backup named after “plan”" in listing.stdout
    assert f"e.g. {by_stem.name}" in listing.stdout
    done = run_cli("restore", str(plan), str(by_stem), "--yes")  # by its name: fine
    assert done.returncode == 0, done.stderr


def test_an_old_schema_backup_is_restored_and_upgraded(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parent / "fixtures" / "schema-v4.db"
    path = tmp_path / "old.db"
    shutil.copyfile(fixture, path)
    store = Store.open(path)  # upgraded, after a before-schema-vN backup
    q = store.default_quarter().id
    identity = board_id(path)
    count = len(store.board(q).places[Place.team()])
    store.add_item(q, None, "Added after the upgrade")
    store.close()
    listing = run_cli("restore", str(path))
    assert f"before-schema-v{SCHEMA_VERSION}" in listing.stdout, listing.stdout
    done = run_cli("restore", str(path), "1", "--yes")
    assert done.returncode == 0, done.stderr
    assert "before-restore" in done.stdout
    reopened = Store.open(path)
    try:
        assert reopened.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        team = [i.title for i in reopened.board(q).places[Place.team()]]
        assert len(team) == count and "Added after the upgrade" not in team
        assert board_id(path) == identity  # still the same board, not a new one
        safety = [b for b in reopened.backups() if "before-restore" in b.name]
        assert len(safety) == 1
    finally:
        reopened.close()
    assert "Added after the upgrade" in titles_in(safety[0])


# ------------------------------------------------ the file replaced while open


def test_a_file_replaced_while_open_refuses_every_write(tmp_path: Path) -> None:
    path, other = tmp_path / "b.db", tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q1").close()
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    try:
        store.add_item(q, None, "Before the swap")
        assert store.check_file() == ""
        os.replace(other, path)
        # Even before the poll notices, a write is refused, never reported done.
        with pytest.raises(ReadOnlyError, match="replaced"):
            store.add_item(q, None, "After the swap")
        assert "replaced" in store.check_file()
        assert store.readonly
        # The `-wal` it wrote to holds changes: kept aside, out of the new file's way.
        kept = list(tmp_path.glob("b.db-wal.replaced-*"))
        assert len(kept) == 1 and kept[0].stat().st_size > 32
        with pytest.raises(ReadOnlyError):
            store.add_block(q, "Nope")
        assert not store.take_over()
        copy = tmp_path / "saved.db"
        store.save_copy(copy)
    finally:
        store.close()
    assert titles_in(copy) == ["Before the swap"]
    saved = Store.open(copy)
    try:
        assert saved.readonly is False
        assert [i.title for i in saved.items_at(q, Place.team())] == ["Before the swap"]
    finally:
        saved.close()
    # The board that took its place is whole and is still the other board.
    reopened = Store.open(path)
    try:
        assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [x.name for x in reopened.quarters()] == ["2026-Q1"]
        assert reopened.items_at(reopened.default_quarter().id, Place.team()) == []
    finally:
        reopened.close()


@pytest.mark.parametrize("how", ["replaced", "removed"])
def test_a_file_replaced_during_a_long_action_refuses_it(tmp_path: Path, how: str) -> None:
    """The file checked before a write is checked again before it is committed: an
    import of 200,000 lines (7 s) with the file replaced (or removed) meanwhile said
    "Imported 200000 items" while the board at the path held none of them (they were
    in a `-wal` moved aside)."""
    from planboard.core.model import ImportItem

    path, other = tmp_path / "b.db", tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q1").close()
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    store.add_item(q, None, "Before the import")
    items = [ImportItem(f"Imported {n}", line=n + 1) for n in range(500)]

    def swap_halfway(done: int, total: int) -> None:
        if done >= total // 2 and other.exists():
            if how == "replaced":
                os.replace(other, path)
            else:
                path.unlink()
                other.unlink()

    try:
        with pytest.raises(ReadOnlyError, match=how):
            store.import_items(q, None, items, source="big.txt", progress=swap_halfway)
        assert store.readonly
        copy = tmp_path / "saved.db"
        store.save_copy(copy)  # (what the board held: the import is not in it)
    finally:
        store.close()
    assert titles_in(copy) == ["Before the import"]


def test_a_folder_removed_while_open_refuses_every_write(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    store = Store.open(folder / "b.db", first_quarter="2026-Q3")
    q = store.default_quarter().id
    try:
        store.add_item(q, None, "Shown before")
        shutil.rmtree(folder)
        with pytest.raises(ReadOnlyError, match="removed"):
            store.add_item(q, None, "Lost if accepted")
        copy = tmp_path / "rescued.db"
        store.save_copy(copy)
    finally:
        store.close()
    assert titles_in(copy) == ["Shown before"]


def test_save_copy_refuses_to_overwrite(tmp_path: Path, store: Store) -> None:
    target = tmp_path / "exists.db"
    target.write_bytes(b"keep me")
    with pytest.raises(PlanboardError, match="already exists"):
        store.save_copy(target)
    assert target.read_bytes() == b"keep me"


# ------------------------------------------------------------ hangs and races


def _in_thread(call, timeout: float = 15.0):
    """Run `call` in a thread; fail (instead of hanging the suite) if it blocks."""
    import threading

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "it blocked"
    return outcome


def test_import_of_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    from planboard.core.importer import read_list

    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    fifo = tmp_path / "list.txt"
    os.mkfifo(fifo)
    outcome = _in_thread(lambda: read_list(fifo))
    assert isinstance(outcome.get("error"), PlanboardError)
    assert "not a regular file" in str(outcome["error"])
    try:
        result = run_cli("import", str(board), str(fifo), "--team", timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("planboard import waited on a named pipe")
    assert result.returncode == 2 and f"{fifo} is not a regular file" in result.stderr
    assert "Traceback" not in result.stderr
    devnull = run_cli("import", str(board), "/dev/null", "--team", timeout=20)
    assert "/dev/null is not a regular file" in devnull.stderr  # (it said "null")


def test_a_device_or_pipe_is_not_a_board_and_nothing_is_left(tmp_path: Path) -> None:
    journal = Path("/dev/null-journal")
    there = journal.exists()
    try:
        result = run_cli("/dev/null", timeout=20, stdin=subprocess.DEVNULL)
        assert result.returncode == 2 and "not a regular file" in result.stderr
        assert not journal.exists() or there
        assert not Path("/dev/null-wal").exists()
    finally:
        if not there:
            journal.unlink(missing_ok=True)
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    outcome = _in_thread(lambda: Store.open(fifo))
    assert isinstance(outcome.get("error"), PlanboardError)
    assert sorted(os.listdir(tmp_path)) == ["pipe.db"]
    board = tmp_path / "b.db"
    store = Store.open(board, first_quarter="2026-Q3")
    try:
        outcome = _in_thread(lambda: store.restore(fifo))  # a pipe given as the backup
        assert isinstance(outcome.get("error"), PlanboardError)
        assert "not a regular file" in str(outcome["error"])
    finally:
        store.close()


def test_unfinished_backups_are_cleaned_up_on_the_next_open(tmp_path: Path) -> None:
    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    mine = tmp_path / ".b.db.2026-Q3-live.20260101-120000.backup.db.k3j_x9.partial"
    # (SQLite's journal of that half-written file, left by the same kill)
    journal = tmp_path / ".b.db.2026-Q3-live.20260101-120000.backup.db.k3j_x9.partial-journal"
    theirs = tmp_path / ".b.sqlite.2026-Q3-live.20260101-120000.backup.db.a1b2c3.partial"
    their_journal = theirs.with_name(theirs.name + "-journal")
    unrelated = tmp_path / ".b.db.notes.partial"
    for path in (mine, journal, theirs, their_journal, unrelated):
        path.write_bytes(b"half a backup")
    viewer_first = Store.open(board, readonly=True)  # a look changes nothing
    viewer_first.close()
    assert mine.exists() and journal.exists()
    Store.open(board).close()
    assert not mine.exists() and not journal.exists()
    assert theirs.exists() and their_journal.exists() and unrelated.exists()


def test_a_backup_killed_midway_leaves_nothing_after_the_next_open(tmp_path: Path) -> None:
    """A real kill -9 while the backup is written (its temporary file made, not yet
    renamed): the next open removes the leftover."""
    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    code = (
        "import os, signal, sys\n"
        "from planboard.core import Store\n"
        "os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
        "s = Store.open(sys.argv[1])\n"
        "s.start_meeting(s.default_quarter().id)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(board)], timeout=60)
    assert proc.returncode == -9
    left = [p for p in os.listdir(tmp_path) if p.endswith(".partial")]
    assert len(left) == 1
    Store.open(board).close()
    assert [p for p in os.listdir(tmp_path) if p.endswith(".partial")] == []


def _killed_writer_leaves_a_wal(path: Path, title: str) -> None:
    code = (
        "import os, signal, sys\n"
        "from planboard.core import Store\n"
        "s = Store.open(sys.argv[1], first_quarter='2026-Q3')\n"
        "s.add_item(s.default_quarter().id, None, sys.argv[2])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(path), title], timeout=60)
    assert proc.returncode == -9
    assert path.with_name(path.name + "-wal").stat().st_size > 32


def test_a_real_wal_with_committed_changes_is_used_not_refused(tmp_path: Path) -> None:
    board = tmp_path / "b.db"
    _killed_writer_leaves_a_wal(board, "Committed before the crash")
    store = Store.open(board)
    try:
        q = store.default_quarter().id
        assert [i.title for i in store.items_at(q, Place.team())] == ["Committed before the crash"]
    finally:
        store.close()


def test_a_wal_without_its_board_is_refused_and_kept(tmp_path: Path) -> None:
    """A `-wal` left beside a path whose board is gone: SQLite would delete it unread."""
    source = tmp_path / "src" / "b.db"
    source.parent.mkdir()
    _killed_writer_leaves_a_wal(source, "Only in the wal")
    board = tmp_path / "b.db"
    wal = tmp_path / "b.db-wal"
    shutil.copyfile(source.with_name("b.db-wal"), wal)
    kept = wal.read_bytes()
    with pytest.raises(PlanboardError, match=r"b\.db-wal"):
        Store.open(board)
    assert wal.read_bytes() == kept and not board.exists()
    board.write_bytes(b"")  # an empty file: the same
    with pytest.raises(PlanboardError, match=r"b\.db-wal"):
        Store.open(board)
    assert wal.read_bytes() == kept and board.read_bytes() == b""


def test_a_wal_beside_a_file_not_in_wal_mode_is_refused(tmp_path: Path) -> None:
    """A backup (rollback journal mode) restored by hand with `cp` beside the `-wal` a
    crashed planboard left: the `-wal` is another file's, and would damage it."""
    source = tmp_path / "src" / "b.db"
    source.parent.mkdir()
    _killed_writer_leaves_a_wal(source, "Only in the wal")
    other = tmp_path / "other.db"
    store = Store.open(other, first_quarter="2026-Q1")
    backup_file = backup_board(store.conn, other, "copy")  # a self-contained file
    store.close()
    board = tmp_path / "b.db"
    shutil.copyfile(backup_file, board)
    wal = tmp_path / "b.db-wal"
    shutil.copyfile(source.with_name("b.db-wal"), wal)
    before, kept = board.read_bytes(), wal.read_bytes()
    with pytest.raises(PlanboardError, match=r"b\.db-wal"):
        Store.open(board)
    assert board.read_bytes() == before and wal.read_bytes() == kept
    result = run_cli("report", str(board))
    assert result.returncode == 2 and "b.db-wal" in result.stderr


def test_the_wal_of_a_killed_planboard_is_not_applied_to_the_file_that_replaced_it(
    tmp_path: Path,
) -> None:
    """planboard killed (or the laptop died) with changes in `b.db-wal`, then `mv other.db
    b.db`: SQLite would apply that `-wal` to other.db's pages. Refused, naming it."""
    board, other = tmp_path / "b.db", tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q1").close()
    _killed_writer_leaves_a_wal(board, "Only in the wal")
    os.replace(other, board)
    before, kept = board.read_bytes(), (tmp_path / "b.db-wal").read_bytes()
    with pytest.raises(PlanboardError, match=r"b\.db-wal belongs to the file that was at"):
        Store.open(board)
    assert board.read_bytes() == before and (tmp_path / "b.db-wal").read_bytes() == kept
    (tmp_path / "b.db-wal").rename(tmp_path / "kept-wal")
    store = Store.open(board)  # once moved away: the other board, whole
    try:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [q.name for q in store.quarters()] == ["2026-Q1"]
    finally:
        store.close()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".wal-owner")]


def test_two_planboards_started_at_once_on_a_new_path(tmp_path: Path) -> None:
    """A real race, many rounds: one creates the board, the other opens it as a viewer."""
    code = (
        "import sys, time\n"
        "from planboard.core import Store\n"
        "start = float(sys.argv[2])\n"
        "while time.time() < start: pass\n"
        "s = Store.open(sys.argv[1])\n"
        "print('viewer' if s.viewer else 'writer', len(s.quarters()), flush=True)\n"
        "time.sleep(1.0)\n"
        "s.close()\n"
    )
    import time

    for round_ in range(16):
        path = tmp_path / f"race-{round_}.db"
        start = time.time() + 1.0
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(path), repr(start)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=60) for p in procs]
        codes = [p.returncode for p in procs]
        assert codes == [0, 0], (round_, outs)
        assert sorted(o[0].strip() for o in outs) == ["viewer 1", "writer 1"], (round_, outs)
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            assert conn.execute("SELECT count(*) FROM quarters").fetchone()[0] == 1
        finally:
            conn.close()


# ----------------------------------------------------------- mistyped commands


def test_a_mistyped_command_says_so_and_creates_nothing(tmp_path: Path) -> None:
    result = run_cli("nonsense-subcommand", cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "no such command: nonsense-subcommand" in result.stderr
    assert os.listdir(tmp_path) == []
    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    before = board.read_bytes()
    typo = run_cli("exprot", "b.db", "--format", "md", cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert typo.returncode == 2 and "no such command: exprot" in typo.stderr
    assert "Did you mean “planboard export”?" in typo.stderr
    assert sorted(os.listdir(tmp_path)) == ["b.db"] and board.read_bytes() == before
    assert "Traceback" not in typo.stderr + result.stderr


def test_a_new_board_without_a_board_suffix_needs_new(tmp_path: Path) -> None:
    result = run_cli("notes.txt", cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "--new" in result.stderr
    assert os.listdir(tmp_path) == []


def test_asked_first_in_a_terminal_and_no_creates_nothing(tmp_path: Path) -> None:
    from test_cli import Terminal

    term = Terminal(["notes.txt"], tmp_path)
    term.read_until("Create a new board there? [y/N]")
    term.send("n\r")
    assert term.wait() == 2
    assert os.listdir(tmp_path) == []
    term = Terminal(["notes.txt"], tmp_path)
    term.read_until("Create a new board there? [y/N]")
    term.send("y\r")
    term.read_until("New board notes.txt created")
    term.send("\x11")  # Ctrl+Q
    assert term.wait() == 0
    assert (tmp_path / "notes.txt").is_file()
    term = Terminal(["plan", "--new"], tmp_path)
    term.read_until("New board plan created")
    term.send("\x11")
    assert term.wait() == 0
    assert sorted(os.listdir(tmp_path)) == ["notes.txt", "plan"]


def test_a_board_name_beside_one_spelled_nearly_the_same_is_asked_about(tmp_path: Path) -> None:
    """`planboard smaple.db` beside sample.db made a new, empty board at once."""
    from test_cli import Terminal

    Store.open(tmp_path / "sample.db", first_quarter="2026-Q3").close()
    term = Terminal(["smaple.db"], tmp_path)
    term.read_until("Did you mean sample.db? Open it? [Y/n]")
    term.send("n\r")
    term.read_until("Create a new board smaple.db? [y/N]")
    term.send("\r")
    assert term.wait() == 2
    assert os.listdir(tmp_path) == ["sample.db"]
    for command in (["serve"], ["restore"], ["meeting"], ["report"]):
        result = run_cli(*command, "smaple.db", cwd=tmp_path)
        assert result.returncode == 2 and "Did you mean sample.db?" in result.stderr, command
    assert os.listdir(tmp_path) == ["sample.db"]


def test_the_board_spelled_nearly_the_same_is_opened_on_enter(tmp_path: Path) -> None:
    """The prompt offered only to make a new board: the lead who typed a slip had to
    quit and type the name again. Enter opens the board meant; no, then yes, makes the
    new one."""
    from test_cli import Terminal

    Store.open(tmp_path / "sample.db", first_quarter="2026-Q3").close()
    term = Terminal(["smaple.db"], tmp_path)
    term.read_until("Open it? [Y/n]")
    term.send("\r")
    term.read_until("sample.db")  # (the board's own screen: its title names the file)
    term.read_until("2026-Q3")
    term.send("\x11")  # Ctrl+Q
    assert term.wait() == 0
    assert sorted(os.listdir(tmp_path)) == ["sample.db"]
    term = Terminal(["smaple.db"], tmp_path)
    term.read_until("Open it? [Y/n]")
    term.send("n\r")
    term.read_until("Create a new board smaple.db? [y/N]")
    term.send("y\r")
    term.read_until("New board smaple.db created")
    term.send("\x11")
    assert term.wait() == 0
    assert sorted(os.listdir(tmp_path)) == ["sample.db", "smaple.db"]


# ------------------------------------------------------- the same file twice


def test_importing_the_same_file_twice_skips_what_is_there(tmp_path: Path) -> None:
    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    first = tmp_path / "sales.txt"
    first.write_text("Churn report\nPipeline by region\n")
    done = run_cli("import", str(board), str(first), "--stakeholder", "Head of Sales")
    assert done.returncode == 0, done.stderr
    second = tmp_path / "sales-v2.txt"
    second.write_text("churn  REPORT\nPipeline by region\nWin rate\n")
    again = run_cli("import", str(board), str(second), "--stakeholder", "head of sales")
    assert again.returncode == 0, again.stderr
    assert "2 lines already on Head of Sales's list" in again.stdout
    assert "line 1 “churn REPORT”" in again.stdout and "line 2" in again.stdout
    assert titles_in(board) == ["Churn report", "Pipeline by region", "Win rate"]
    same = run_cli("import", str(board), str(first), "--stakeholder", "Head of Sales")
    assert same.returncode == 0 and "every line is already on it" in same.stdout
    assert len(titles_in(board)) == 3
    repeats = run_cli(
        "import", str(board), str(first), "--stakeholder", "Head of Sales", "--allow-repeats"
    )
    assert repeats.returncode == 0 and "imported again" in repeats.stdout
    assert titles_in(board).count("Churn report") == 2
    # The team's list is a list of its own: the same titles there are not repeats.
    team = run_cli("import", str(board), str(first), "--team")
    assert team.returncode == 0 and "already on" not in team.stdout
    assert titles_in(board).count("Churn report") == 3


# ------------------------------------------------- the first run changes nothing

SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"


def test_opening_the_sample_and_quitting_leaves_it_byte_for_byte(tmp_path: Path) -> None:
    """The README's first command, in a real terminal: open, look, quit."""
    from test_cli import Terminal

    board = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    term = Terminal(["sample.db"], tmp_path)
    term.read_until("2026-Q3")
    term.read_until("Stakeholders")
    term.send("jjl")  # move around: reading changes nothing
    term.send("\x11")  # Ctrl+Q
    assert term.wait() == 0
    assert board.read_bytes() == before
    assert os.listdir(tmp_path) == ["sample.db"]


@pytest.mark.parametrize(
    "command",
    [
        ["report", "sample.db"],
        ["similar", "sample.db"],
        ["export", "sample.db", "--quarter", "2026-Q2", "--format", "md"],
        ["import", "sample.db", "list.txt", "--team", "--dry-run"],
    ],
)
def test_reading_commands_leave_nothing_behind(tmp_path: Path, command: list[str]) -> None:
    board = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, board)
    (tmp_path / "list.txt").write_text("One thing\n")
    before = board.read_bytes()
    result = run_cli(*command, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert board.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["list.txt", "sample.db"]


def test_a_look_with_read_only_leaves_nothing_behind(tmp_path: Path) -> None:
    board = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    store = Store.open(board, readonly=True)
    store.board(store.default_quarter().id)
    store.close()
    assert board.read_bytes() == before and os.listdir(tmp_path) == ["sample.db"]


def _no_write_bits_copy(tmp_path: Path) -> Path:
    board = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, board)
    board.chmod(0o444)  # an archived board: nobody may write it
    return board


def test_a_look_at_a_file_no_one_may_write_leaves_nothing_behind(tmp_path: Path) -> None:
    board = _no_write_bits_copy(tmp_path)
    before = board.read_bytes()
    store = Store.open(board)
    assert store.readonly and store.readonly_reason == "the file is read-only"
    store.board(store.default_quarter().id)
    store.close()
    assert board.read_bytes() == before and os.listdir(tmp_path) == ["sample.db"]
    done = run_cli("report", str(board), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert board.read_bytes() == before and os.listdir(tmp_path) == ["sample.db"]


def test_a_look_at_a_read_only_file_keeps_what_another_program_uses(tmp_path: Path) -> None:
    board = _no_write_bits_copy(tmp_path)
    store = Store.open(board)  # this look makes the -wal and -shm
    store.board(store.default_quarter().id)
    other = subprocess.Popen(  # then another program opens the board too
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
            "c.execute('SELECT count(*) FROM items').fetchone(); print('ready', flush=True);"
            "sys.stdin.readline(); print(c.execute('SELECT count(*) FROM items').fetchone()[0])",
            str(board),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == "ready\n"
        store.close()
        # The other program still has the board open: its -shm stays where it is.
        assert (tmp_path / "sample.db-shm").exists()
        out, _ = other.communicate("go\n", timeout=30)
        assert other.returncode == 0 and int(out) > 0
    finally:
        if other.poll() is None:
            other.kill()


def test_a_look_here_keeps_what_another_look_here_uses(tmp_path: Path) -> None:
    board = _no_write_bits_copy(tmp_path)
    first = Store.open(board)
    quarter = first.default_quarter().id
    second = Store.open(board)
    before = second.board(quarter)
    first.close()
    assert (tmp_path / "sample.db-shm").exists()  # the second still uses it
    assert second.board(quarter) == before  # and reads as before
    second.close()


@pytest.mark.parametrize("mode", [0o644, 0o444])
def test_the_browser_view_stopping_leaves_nothing_behind(tmp_path: Path, mode: int) -> None:
    from planboard.core.db import read_only_connection, tidy_after_serving

    board = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, board)
    board.chmod(mode)
    before = board.read_bytes()
    conn = read_only_connection(board)  # as `planboard serve` reads it
    conn.execute("SELECT count(*) FROM items").fetchone()
    conn.close()
    assert (tmp_path / "sample.db-shm").exists()
    tidy_after_serving(board)
    assert board.read_bytes() == before and os.listdir(tmp_path) == ["sample.db"]


def test_restore_with_no_one_to_answer_changes_nothing_and_says_why(tmp_path: Path) -> None:
    board = tmp_path / "b.db"
    board_with_a_backup(board)
    before = board.read_bytes()
    done = run_cli("restore", str(board), "1", stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "no answer could be read" in done.stdout and "-y" in done.stdout
    assert board.read_bytes() == before


def test_restore_refuses_a_board_open_elsewhere_before_asking(tmp_path: Path) -> None:
    board = tmp_path / "b.db"
    board_with_a_backup(board)
    store = Store.open(board)  # another planboard has it open
    try:
        done = run_cli("restore", str(board), "1", input="y\n")
    finally:
        store.close()
    assert done.returncode == 2
    assert "open in another planboard" in done.stderr
    assert "Replace" not in done.stdout  # refused before the question
    assert titles_in(board) == ["Added after the backup", "Kept in the backup"]


@pytest.mark.parametrize("name", [".", "./", "/"])  # ("": refused as empty, test_cli)
def test_a_folder_named_as_the_board_gets_a_message(tmp_path: Path, name: str) -> None:
    for command in ([name], ["--read-only", name], ["meeting", name]):
        done = run_cli(*command, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr and "folder" in done.stderr, done.stderr
    assert os.listdir(tmp_path) == []


def test_a_board_path_that_loops_gets_a_message(tmp_path: Path) -> None:
    (tmp_path / "loop1.db").symlink_to(tmp_path / "loop2.db")
    (tmp_path / "loop2.db").symlink_to(tmp_path / "loop1.db")
    for command in (["loop1.db"], ["--read-only", "loop1.db"], ["report", "loop1.db"]):
        done = run_cli(*command, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert "loop1.db" in done.stderr, done.stderr
    assert sorted(os.listdir(tmp_path)) == ["loop1.db", "loop2.db"]


def test_a_quarter_asked_of_a_new_board_outside_a_terminal_creates_nothing(
    tmp_path: Path,
) -> None:
    """(In a terminal it makes the board with that quarter: tests/test_cli.py.)"""
    done = run_cli("--quarter", "2026-Q1", "q.db", cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "run it in a terminal" in done.stderr, done.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("end", ["-wal", "-shm"])
def test_a_pipe_where_the_board_keeps_its_wal_is_refused_and_kept(tmp_path: Path, end: str) -> None:
    board = tmp_path / "w.db"
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    os.mkfifo(tmp_path / f"w.db{end}")
    for command in (["report", "w.db"], ["export", "w.db"], ["--read-only", "w.db"], ["w.db"]):
        done = run_cli(*command, cwd=tmp_path, stdin=subprocess.DEVNULL)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert f"w.db{end}" in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert (tmp_path / f"w.db{end}").is_fifo()
    assert board.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == sorted(["w.db", f"w.db{end}"])


def test_a_pipe_given_as_the_board_to_a_command_is_named_as_such(tmp_path: Path) -> None:
    """`planboard similar PIPE` (and export, report, import) said "PIPE is empty, not a
    board", as for an empty file; the board's own command said what it is."""
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    listed = tmp_path / "l.txt"
    listed.write_text("One\n")
    for command in (
        ["similar", str(fifo)],
        ["export", str(fifo)],
        ["report", str(fifo)],
        ["import", str(fifo), str(listed), "--team"],
        ["similar", "/dev/null"],
    ):
        done = run_cli(*command, timeout=20)
        assert done.returncode == 2, (command, done.stderr)
        assert "is not a regular file, so it can't be a board" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert fifo.is_fifo()


def test_the_writer_and_a_viewer_quitting_together_leave_no_wal(tmp_path: Path) -> None:
    """Two planboards on one board quit at the same moment: the writer closed while the
    viewer still read (so SQLite kept the -wal for it), then the viewer, which may not
    write, closed too: the board's last changes were left in the -wal alone."""
    board = tmp_path / "n.db"
    writer = Store.open(board)
    viewer = Store.open(board)
    assert viewer.viewer and not writer.readonly
    writer.add_item(writer.default_quarter().id, None, "Saved by the writer")
    viewer.board(viewer.default_quarter().id)
    writer.close()
    assert (tmp_path / "n.db-wal").exists()  # the viewer still has the board open
    viewer.close()
    assert sorted(os.listdir(tmp_path)) == ["n.db"]
    assert "Saved by the writer" in titles_in(board)


@pytest.mark.parametrize("content", [b"hello\n", b"not a write-ahead log at all, " * 4])
def test_a_file_at_the_wal_path_sqlite_cannot_read_is_named_and_kept(
    tmp_path: Path, content: bytes
) -> None:
    """Something that is not a write-ahead log where SQLite keeps the board's: SQLite
    would take it for an empty one and delete it on closing (`report` also left a -shm
    beside it). It is named, the board refused, and both files left as they were."""
    board = tmp_path / "w.db"
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    (tmp_path / "w.db-wal").write_bytes(content)
    for command in (["report", "w.db"], ["export", "w.db"], ["w.db"]):
        done = run_cli(*command, cwd=tmp_path, stdin=subprocess.DEVNULL)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "w.db-wal" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert (tmp_path / "w.db-wal").read_bytes() == content
    assert board.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["w.db", "w.db-wal"]


@pytest.mark.parametrize("command", [["b.db"], ["--read-only", "b.db"], ["meeting", "b.db"]])
def test_without_a_terminal_planboard_says_so_and_leaves_the_board_as_it_was(
    tmp_path: Path, command: list[str]
) -> None:
    """Started with its input not a terminal (a script, cron, `</dev/null`, a pipe), the
    board can't be shown: planboard says so and how to read a board from a script. It
    ran on unseen, taking a whole core, until it was killed."""
    board = tmp_path / "b.db"
    shutil.copyfile(SAMPLE, board)
    before = board.read_bytes()
    for stdin in (subprocess.DEVNULL, subprocess.PIPE):
        try:
            done = run_cli(*command, cwd=tmp_path, stdin=stdin, timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("planboard ran on without a terminal")
        assert done.returncode == 2, (done.stdout[-300:], done.stderr[-300:])
        assert "terminal" in done.stderr and "planboard export" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert board.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["b.db"]


def test_without_a_terminal_no_new_board_is_made(tmp_path: Path) -> None:
    done = run_cli("new.db", cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=30)
    assert done.returncode == 2 and "terminal" in done.stderr, done.stderr
    assert os.listdir(tmp_path) == []


def test_restore_from_odd_files_names_what_is_wrong(tmp_path: Path) -> None:
    """`restore b.db fifo.txt` said "fifo.txt does not exist" (and so did `/dev/zero`
    and `.`); `restore b.db b.db` "restored" the board from itself, writing a backup
    for nothing."""
    board = tmp_path / "b.db"
    board_with_a_backup(board)
    before = board.read_bytes()
    os.mkfifo(tmp_path / "fifo.txt")
    for source, said in (
        ("fifo.txt", "fifo.txt is not a regular file"),
        (".", ". is a folder"),
        ("/dev/zero", "/dev/zero is not a regular file"),
        ("missing.db", "missing.db does not exist"),
        ("b.db", "is the board itself"),
    ):
        done = run_cli("restore", "b.db", source, "--yes", cwd=tmp_path)
        assert done.returncode == 2, (source, done.stdout, done.stderr)
        assert said in done.stderr and "Traceback" not in done.stderr, (source, done.stderr)
    assert board.read_bytes() == before
    assert len(backups_of(board)) == 1
