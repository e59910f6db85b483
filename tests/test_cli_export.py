"""`planboard export` and `planboard report`, as real processes (and a few failures that
only a patched process can produce)."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import pty
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planboard import cli
from planboard.core import Store
from planboard.core.backup import read_only_uri
from planboard.core.export import FORMATS, LABELS, export

ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The command's output as bytes: the CSV's CRLF line ends arrive as written."""
    return subprocess.run(
        [sys.executable, "-m", "planboard", *map(str, args)],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )


def out(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8")


def err(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stderr.decode("utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def quarters_of(board: Path) -> list[tuple[int, str, str]]:
    # immutable: the file is closed; read it as it is, leaving no -wal or -shm beside it
    conn = sqlite3.connect(read_only_uri(board) + "&immutable=1", uri=True)
    try:
        return list(conn.execute("SELECT id, name, status FROM quarters ORDER BY name"))
    finally:
        conn.close()


def expected(board: Path, quarter: str, fmt: str) -> str:
    with Store.open(board, readonly=True, create=False) as store:
        return export(store, store.quarter_by_name(quarter).id, fmt)


@pytest.fixture
def board(sample_copy: Path) -> Path:
    return sample_copy


@pytest.fixture
def newest_decided(board: Path) -> str:
    return [name for _, name, status in quarters_of(board) if status == "decided"][-1]


# ------------------------------------------------------------------------------ export


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_prints_each_format(board: Path, newest_decided: str, fmt: str) -> None:
    before = digest(board)
    result = run_cli("export", board, "--format", fmt)
    assert result.returncode == 0, err(result)
    assert err(result) == ""
    assert out(result) == expected(board, newest_decided, fmt)
    assert digest(board) == before
    if fmt == "json":
        assert json.loads(out(result))["quarter"]["name"] == newest_decided
    if fmt == "csv":
        assert result.stdout.count(b"\r\n") > 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_each_format_to_a_file(board: Path, newest_decided: str, fmt: str) -> None:
    target = board.parent / f"outcome.{fmt}"
    result = run_cli("export", board, "--format", fmt, "-o", target)
    assert result.returncode == 0, err(result)
    assert target.read_bytes().decode("utf-8") == expected(board, newest_decided, fmt)
    assert out(result).strip() == (
        f"Wrote {newest_decided} (the newest decided quarter) as {LABELS[fmt]} to {target}."
    )
    assert names_in(board.parent) == sorted([board.name, target.name])  # no temporary file


def test_export_of_a_named_quarter_and_a_format_from_the_file_name(board: Path) -> None:
    target = board.parent / "q3.html"
    result = run_cli("export", board, "--quarter", "2026-Q3", "--output", target)
    assert result.returncode == 0, err(result)
    assert out(result).strip() == f"Wrote 2026-Q3 as HTML to {target}."
    page = target.read_text(encoding="utf-8")
    assert page == expected(board, "2026-Q3", "html")
    assert "2026-Q3 is still being prepared: nothing is decided yet" in page
    default = run_cli("export", board, "-q", "2026-Q3")  # stdout: Markdown by default
    assert out(default) == expected(board, "2026-Q3", "md")
    typed = run_cli("export", board, "-q", " 2026-q3", "--format", "json")  # (as typed)
    assert json.loads(out(typed))["quarter"]["name"] == "2026-Q3"
    # Quarters another program named alike: each is found by its own name.
    with sqlite3.connect(board) as conn:
        conn.execute("INSERT INTO quarters (name) VALUES ('2026-q3')")
    conn.close()
    exact = run_cli("export", board, "-q", "2026-q3", "--format", "json")
    assert json.loads(out(exact))["quarter"]["name"] == "2026-q3", err(exact)


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_output_name_is_refused_not_printed(board: Path, empty: str) -> None:
    """`-o "$OUT"` with OUT unset printed the export, as if no -o was given."""
    before = names_in(board.parent)
    result = run_cli("export", board, "-o", empty)
    assert result.returncode == 2
    assert "-o is empty" in err(result) and out(result) == ""
    assert names_in(board.parent) == before


def test_export_replaces_an_existing_file(board: Path) -> None:
    target = board.parent / "out.json"
    target.write_text("old")
    result = run_cli("export", board, "-o", target)
    assert result.returncode == 0, err(result)
    assert json.loads(target.read_text())["format"] == "planboard-quarter"


def test_export_without_a_decided_quarter_says_which(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store.open(path, first_quarter="2026-Q3").close()
    result = run_cli("export", path, "-o", tmp_path / "new.md")
    assert result.returncode == 0, err(result)
    assert "2026-Q3 (no quarter is decided yet; 2026-Q3 is preparing)" in out(result)
    # To the standard output too: said on the error stream, the export alone on stdout.
    printed = run_cli("export", path, "--format", "md")
    assert printed.returncode == 0, err(printed)
    assert "no quarter is decided yet; exported 2026-Q3, which is preparing" in err(printed)
    assert "no quarter is decided" not in out(printed)


def test_export_and_report_work_while_the_board_is_open_elsewhere(board: Path) -> None:
    writer = Store.open(board, create=False)
    try:
        assert not writer.readonly
        exported = run_cli("export", board, "-f", "json")
        assert exported.returncode == 0, err(exported)
        assert json.loads(out(exported))["format"] == "planboard-quarter"
        reported = run_cli("report", board)
        assert reported.returncode == 0, err(reported)
    finally:
        writer.close()


def test_export_help(board: Path) -> None:
    result = run_cli("export", "--help")
    assert result.returncode == 0
    assert "planboard export PATH [--quarter Q] [--format md|html|csv|json] [-o FILE]" in out(
        result
    )


# ------------------------------------------------------------------------------ report


def test_report_piped_is_plain_text(board: Path) -> None:
    before = digest(board)
    for env in ({}, {"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}):
        result = run_cli("report", board, env=env)
        assert result.returncode == 0, err(result)
        text = out(result)
        assert "\x1b" not in text, env
        assert all(len(line) <= 100 for line in text.splitlines())
    for _, name, _ in quarters_of(board):
        assert name in text
    assert "Stakeholder coverage" in text and "■" in text and "✗" in text
    assert "cut off 2 decided quarters in a row" in text
    assert digest(board) == before


def test_report_in_a_terminal_has_colour(board: Path) -> None:
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "LINES": "40", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "planboard", "report", str(board)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(leader)
    assert process.wait(timeout=30) == 0
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in text and "Stakeholder coverage" in text


# ------------------------------------------------------------------------ bad input


def assert_refused(result: subprocess.CompletedProcess[bytes], *needles: str) -> None:
    assert result.returncode == 2, (out(result), err(result))
    assert "Traceback" not in err(result)
    for needle in needles:
        assert needle in err(result), err(result)


def test_unknown_quarter_lists_the_quarters(board: Path) -> None:
    target = board.parent / "out.md"
    result = run_cli("export", board, "--quarter", "2026-Q9", "-o", target)
    known = ", ".join(name for _, name, _ in quarters_of(board))
    assert_refused(result, "There is no quarter '2026-Q9'", f"(quarters: {known})")
    assert not target.exists()
    assert names_in(board.parent) == [board.name]


def test_unknown_format_is_refused(board: Path) -> None:
    target = board.parent / "out.xml"
    result = run_cli("export", board, "--format", "xml", "-o", target)
    assert_refused(result, "invalid choice: 'xml'", "'md', 'html', 'csv', 'json'")
    assert names_in(board.parent) == [board.name]
    guessed = run_cli("export", board, "-o", target)
    assert_refused(guessed, "Cannot tell the format from the name out.xml", "--format")
    assert names_in(board.parent) == [board.name]


def test_missing_folder_is_refused(board: Path) -> None:
    target = board.parent / "nowhere" / "out.md"
    result = run_cli("export", board, "-o", target)
    assert_refused(result, f"the folder {target.parent} does not exist")
    assert names_in(board.parent) == [board.name]


def test_a_folder_as_output_is_refused(board: Path) -> None:
    folder = board.parent / "exports.md"
    folder.mkdir()
    result = run_cli("export", board, "-o", folder)
    assert_refused(result, "it is a folder")
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_another_board_or_a_backup_as_output_is_refused(board: Path) -> None:
    """`export b.db -o other.db` wrote CSV over another board (and over a backup of
    this one): an SQLite database at the output is refused, and left as it was. An
    export written before is replaced, as any output file is."""
    other = board.parent / "other.db"
    shutil.copyfile(board, other)
    backup = board.parent / "b.db.2026-Q3-live.20260101-090000.backup.db"
    shutil.copyfile(board, backup)
    for target in (other, backup):
        before = digest(target)
        result = run_cli("export", board, "--format", "csv", "-o", target)
        assert_refused(result, "is an SQLite database", "choose another file")
        assert digest(target) == before
    earlier = board.parent / "out.csv"
    earlier.write_text("an earlier export\n")
    assert run_cli("export", board, "--format", "csv", "-o", earlier).returncode == 0
    assert "an earlier export" not in earlier.read_text()


def test_the_board_itself_as_output_is_refused(board: Path) -> None:
    before = digest(board)
    result = run_cli("export", board, "--format", "md", "-o", board)
    assert_refused(result, "that is the board file itself")
    assert digest(board) == before
    Store.open(board, readonly=True, create=False).close()  # still a board


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_refused(board: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run_cli("export", board, "-o", folder / "out.md")
        assert_refused(result, "read-only")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_read_only_folder_message(
    board: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The same refusal, for runs as root (who may write anywhere): the folder is
    reported read-only by `os.access`."""
    folder = tmp_path / "locked"
    folder.mkdir()
    real = os.access
    monkeypatch.setattr(
        "planboard.cli.os.access", lambda path, mode: real(path, mode) and Path(path) != folder
    )
    assert cli.main(["export", str(board), "-o", str(folder / "out.md")]) == 2
    assert f"the folder {folder} is read-only" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_missing_board_and_not_a_board_are_refused(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    for command in (["export", missing], ["report", missing]):
        assert_refused(run_cli(*command), "does not exist")
    assert not missing.exists()
    text = tmp_path / "list.db"
    text.write_text("- churn report\n")
    for command in (["export", text], ["report", text]):
        assert_refused(run_cli(*command), "not an SQLite database")
    assert text.read_text() == "- churn report\n"


# ------------------------------------------- failures while writing (patched, in-process)


@pytest.fixture
def in_folder(board: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(board.parent)
    yield board.parent


def test_a_folder_refusing_the_temporary_file_leaves_nothing(
    board: Path, in_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("planboard.core.outcome.tempfile.mkstemp", refuse)
    assert cli.main(["export", str(board), "-o", "out.md"]) == 2
    message = capsys.readouterr().err
    assert "Cannot write out.md: Permission denied. Nothing was written." in message
    assert names_in(in_folder) == [board.name]


@pytest.mark.parametrize("existing", [False, True])
def test_a_write_failing_half_way_leaves_nothing_half_written(
    board: Path,
    in_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    existing: bool,
) -> None:
    target = in_folder / "out.html"
    if existing:
        target.write_text("the previous export")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("planboard.core.outcome.os.fsync", full)
    assert cli.main(["export", str(board), "-o", str(target)]) == 2
    assert "No space left on device. Nothing was written." in capsys.readouterr().err
    if existing:
        assert target.read_text() == "the previous export"
        assert names_in(in_folder) == sorted([board.name, target.name])
    else:
        assert names_in(in_folder) == [board.name]


def test_commands_are_dispatched() -> None:
    assert {"export", "report"} <= set(cli.COMMANDS)
    assert {"meeting", "restore", "import", "similar"} <= set(cli.COMMANDS)


def test_export_onto_a_pipe_or_a_device_is_refused_and_leaves_it_as_it_was(
    board: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_cli("export", board, "--format", "md", "-o", fifo)
    assert_refused(result, "not a regular file")
    assert fifo.is_fifo()
    # The function every export and the minutes write through refuses it too.
    from planboard.core.outcome import write_atomically

    with pytest.raises(OSError, match="not a regular file"):
        write_atomically(fifo, "text")
    assert fifo.is_fifo() and not [n for n in names_in(tmp_path) if n.startswith(".pipe")]


def test_export_through_a_link_writes_the_file_it_names_and_keeps_the_link(
    board: Path, tmp_path: Path, newest_decided: str
) -> None:
    target = tmp_path / "target.md"
    target.write_text("original\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    result = run_cli("export", board, "--format", "md", "-o", link)
    assert result.returncode == 0, err(result)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text() == expected(board, newest_decided, "md")


def test_export_onto_a_link_loop_says_so(board: Path, tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = run_cli("export", board, "--format", "md", "-o", tmp_path / "a")
    assert result.returncode != 0 and "Traceback" not in err(result)
    assert "Cannot write" in err(result)


def test_an_export_never_replaces_another_boards_wal_or_shm(tmp_path: Path) -> None:
    """`planboard export a.db -o b.db-wal` (b.db open in planboard) wrote Markdown over
    b.db's write-ahead log: after a crash, b.db's last changes were gone; over its
    `-shm`, two programs writing it overwrote each other's rows. Only a.db's own files
    were refused. A file SQLite keeps beside any database, and a file that is a
    write-ahead log, are refused and left as they were; the same through the palette's
    and the minutes' writer."""
    from planboard.core.outcome import WouldReplaceDatabase, write_atomically

    a, b = tmp_path / "a.db", tmp_path / "b.db"
    Store.open(a, first_quarter="2026-Q3").close()
    Store.open(b, first_quarter="2026-Q3").close()
    store = Store.open(b)  # (open: it has its -wal and -shm)
    try:
        store.add_item(store.default_quarter().id, None, "Precious new item")
        wal, shm = Path(f"{b}-wal"), Path(f"{b}-shm")
        assert wal.exists() and shm.exists()
        for part in (wal, shm, Path(f"{b}-journal")):
            before = part.read_bytes() if part.exists() else None
            done = run_cli("export", a, "--format", "md", "-o", part)
            assert done.returncode != 0, err(done)
            assert "part of an SQLite database" in err(done) and b.name in err(done), err(done)
            assert (part.read_bytes() if part.exists() else None) == before
            with pytest.raises(WouldReplaceDatabase):
                write_atomically(part, "# Minutes\n", board=a)
            assert (part.read_bytes() if part.exists() else None) == before
        # A write-ahead log, whatever it is called (a copy of one, moved aside).
        moved = tmp_path / "notes.md"
        shutil.copyfile(wal, moved)
        done = run_cli("export", a, "--format", "md", "-o", moved)
        assert done.returncode != 0 and "part of an SQLite database" in err(done), err(done)
        assert moved.read_bytes() == wal.read_bytes()
    finally:
        store.close()
    assert "Precious new item" in out(run_cli("export", b, "--format", "csv"))


def test_items_the_board_does_not_show_are_left_out_and_named(board: Path) -> None:
    """An item another program put in a block that is not there, or on the list of a
    stakeholder who is not there, is on no column of the board: the exports leave it
    out too (the JSON listed it with "place": "block" and a block it does not list),
    and say which rows they left out, on the error stream."""
    conn = sqlite3.connect(board)
    with conn:
        q, a, b = conn.execute(
            "SELECT quarter_id, min(id), max(id) FROM items WHERE quarter_id = "
            "(SELECT id FROM quarters WHERE name = '2026-Q3') AND status = 'open' "
            "AND merged_into IS NULL"
        ).fetchone()
        conn.execute("UPDATE items SET block_id = 99 WHERE id = ?", (a,))
        conn.execute("UPDATE items SET stakeholder_id = 77, block_id = NULL WHERE id = ?", (b,))
        shown = {r[0] for r in conn.execute("SELECT id FROM items WHERE quarter_id = ?", (q,))}
    conn.close()
    shown -= {a, b}
    for fmt in ("json", "csv", "md"):
        result = run_cli("export", board, "--quarter", "2026-Q3", "--format", fmt)
        assert result.returncode == 0, err(result)
        said = err(result)
        assert f"items row {a}: block_id names block 99" in said
        assert f"items row {b}: stakeholder_id names stakeholder 77" in said
        assert "left out" in said
        if fmt == "json":
            data = json.loads(out(result))
            blocks = {block["id"] for block in data["blocks"]}
            assert {item["id"] for item in data["items"]} == shown
            assert all(i["block_id"] in blocks for i in data["items"] if i["place"] == "block")
            on_lists = sum(1 for i in data["items"] if i["place"] == "list")
        if fmt == "md":  # (the newsletter's count of what is still on the lists, alike)
            assert f"{on_lists} requests still on the lists" in out(result)
        if fmt == "csv":
            ids = {int(row[1]) for row in list(csv.reader(io.StringIO(out(result))))[1:]}
            assert ids == shown
    written = run_cli("export", board, "--quarter", "2026-Q3", "-o", board.parent / "q.json")
    assert written.returncode == 0 and f"items row {a}" in err(written)


def test_the_word_about_items_left_out_says_how_many_it_did_not_name(board: Path) -> None:
    """Five rows are named at most; the rest were "and more", with no count (3,000
    rows left out: five named). The word now says how many more, and the export holds
    every other item."""
    conn = sqlite3.connect(board)
    with conn:
        q = conn.execute("SELECT id FROM quarters WHERE name = '2026-Q3'").fetchone()[0]
        lost = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM items WHERE quarter_id = ? AND status = 'open' "
                "AND merged_into IS NULL ORDER BY id LIMIT 8",
                (q,),
            )
        ]
        conn.executemany("UPDATE items SET block_id = 99 WHERE id = ?", [(i,) for i in lost])
        total = conn.execute("SELECT count(*) FROM items WHERE quarter_id = ?", (q,)).fetchone()
    conn.close()
    result = run_cli("export", board, "--quarter", "2026-Q3", "--format", "json")
    assert result.returncode == 0, err(result)
    said = err(result)
    assert said.count("block_id names block 99") == 5
    assert "and 3 more (8 items in all)" in said, said
    assert len(json.loads(out(result))["items"]) == total[0] - 8


def test_a_big_count_of_items_left_out_is_said_with_thousands_marked(capsys) -> None:
    """Thousands as the rest of planboard says them ("2,995", not "2995")."""
    from planboard.cli.export import _say_left_out

    _say_left_out(["a", "b", "c", "d", "e"], 3000)
    assert "; and 2,995 more (3,000 items in all)." in capsys.readouterr().err


@pytest.mark.parametrize("stderr", ["closed", "full"])
def test_a_word_beside_the_export_never_spoils_it(board: Path, stderr: str) -> None:
    """The error stream closed (`2>&-`): the word about the items left out went into
    the export, before its JSON; the error stream full (`2>/dev/full`): the export was
    lost, with exit status 1. The export is whole either way, the word let go."""
    conn = sqlite3.connect(board)
    with conn:
        conn.execute(
            "UPDATE items SET block_id = 99 WHERE id = (SELECT min(id) FROM items WHERE "
            "quarter_id = (SELECT id FROM quarters WHERE name = '2026-Q3') AND status = 'open')"
        )
    conn.close()
    args = [sys.executable, "-m", "planboard", "export", str(board), "-q", "2026-Q3", "-f", "json"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    if stderr == "closed":
        result = subprocess.run(
            args, stdout=subprocess.PIPE, env=env, timeout=60, preexec_fn=lambda: os.close(2)
        )
    else:
        with open("/dev/full", "w") as full:
            result = subprocess.run(args, stdout=subprocess.PIPE, stderr=full, env=env, timeout=60)
    assert result.returncode == 0
    assert json.loads(result.stdout)["quarter"]["name"] == "2026-Q3"
