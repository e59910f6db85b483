"""`planboard import` and `planboard similar`, as real processes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from planboard.core import Place, Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LISTS = FIXTURES / "import"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planboard", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def board(tmp_path: Path) -> Path:
    """A board on disk with one stakeholder and one team item, closed."""
    path = tmp_path / "board.db"
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    store.add_stakeholder("Head of Sales", "Sales", quarter_id=q)
    store.add_item(q, None, "Single customer view")
    store.close()
    return path


def titles(path: Path, owner: str | None) -> list[str]:
    with Store.open(path, readonly=True) as store:
        q = store.default_quarter().id
        ref = None
        if owner is not None:
            ref = next(s.id for s in store.stakeholders() if s.name == owner)
        return [i.title for i in store.items_at(q, Place.of_list(ref))]


def event_count(path: Path) -> int:
    with Store.open(path, readonly=True) as store:
        return len(store.events(limit=10_000))


# ------------------------------------------------------------------ import


def test_import_into_a_new_stakeholder_says_it_was_created(board: Path) -> None:
    before = event_count(board)
    result = run_cli("import", board, LISTS / "email.md", "--stakeholder", "Head of Marketing")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "email.md: 5 items (Markdown), 5 blank lines skipped" in result.stdout
    assert "Created stakeholder “Head of Marketing”." in result.stdout
    assert "Imported 5 items into Head of Marketing's list from email.md" in result.stdout
    assert titles(board, "Head of Marketing") == [
        "Weekly pipeline coverage by region",
        "Which of my accounts pay late",
        "Win rate by `segment`",  # (the emphasis marks go, as the bullet does)
        "Quota attainment per rep",
        "Forecast vs. actuals",
    ]
    assert event_count(board) == before + 1


def test_import_into_an_existing_stakeholder_any_case(board: Path) -> None:
    result = run_cli("import", board, LISTS / "spreadsheet.csv", "-s", "head of sales")
    assert result.returncode == 0, result.stderr
    assert "Created stakeholder" not in result.stdout
    assert "1 duplicate: line 8 repeats line 2 (“CHURN REPORT, by region”)" in result.stdout
    assert "Imported 5 items into Head of Sales's list" in result.stdout
    assert len(titles(board, "Head of Sales")) == 5


def test_import_into_the_team_list(board: Path) -> None:
    result = run_cli("import", board, LISTS / "plain.txt", "--team", "--quarter", "2026-Q3")
    assert result.returncode == 0, result.stderr
    assert "Imported 4 items into the team's list from plain.txt" in result.stdout
    assert titles(board, None) == [
        "Single customer view",
        "Churn report",
        "Pipeline by region",
        "churn REPORT",
        "Refund reasons",
    ]


def test_dry_run_writes_nothing_and_prints_the_report(board: Path) -> None:
    before = digest(board)
    result = run_cli("import", board, LISTS / "spreadsheet.csv", "-s", "CFO", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("spreadsheet.csv: 5 items (CSV), 1 blank line skipped")
    assert "  line 2: Churn report, by region  (5 days)  (+2 lines of notes)" in result.stdout
    assert "Would create stakeholder “CFO”." in result.stdout
    assert "Nothing was written" in result.stdout
    assert digest(board) == before
    assert event_count(board) == 1 + 2  # the board's creation, the stakeholder, the item


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: LISTS / "latin1.txt", "latin1.txt is not UTF-8 text: line 2"),
        (
            lambda d: LISTS / "no-title.csv",
            "Line 1: the CSV has no title column (found: Topic, Owner",
        ),
        (lambda d: d / "missing.csv", "missing.csv does not exist."),
        (
            lambda d: _write(d / "notes.xlsx", b"PK\x03\x04" + bytes(range(256))),
            "notes.xlsx is not a text file (it looks binary); export it as CSV first.",
        ),
        (lambda d: _write(d / "empty.txt", b"\n\n"), "nothing to import"),
        (
            lambda d: _write(d / "long.txt", b"ok\n" + b"x" * 240 + b"\n"),
            "Line 2: The title is 240 characters long; keep it to 200 or fewer.",
        ),
        (
            lambda d: _write(d / "hole.csv", b"Title,Notes\r\nA,\r\n,notes only\r\n"),
            "Line 3: this row has no title",
        ),
    ],
)
def test_bad_input_exits_2_and_leaves_the_board_as_it_was(
    board: Path, tmp_path: Path, make: object, message: str
) -> None:
    source = make(tmp_path)  # type: ignore[operator]
    before = digest(board)
    for extra in ([], ["--dry-run"]):
        result = run_cli("import", board, source, "--team", *extra)
        assert result.returncode == 2
        assert result.stderr.startswith("planboard: ")
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert digest(board) == before


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_board_that_does_not_exist_is_not_created(tmp_path: Path) -> None:
    board = tmp_path / "nothing.db"
    result = run_cli("import", board, LISTS / "plain.txt", "--team")
    assert result.returncode == 2
    assert "nothing.db does not exist" in result.stderr
    assert not board.exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = run_cli("import", empty, LISTS / "plain.txt", "--team")
    assert result.returncode == 2 and "empty" in result.stderr
    assert empty.read_bytes() == b""


def test_a_file_that_is_not_a_board_is_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "list.db"
    other.write_text("- churn report\n")
    before = digest(other)
    result = run_cli("import", other, LISTS / "plain.txt", "--team")
    assert result.returncode == 2 and "not a planboard file" in result.stderr
    assert digest(other) == before


def test_decided_quarter_is_refused(board: Path) -> None:
    with Store.open(board) as store:
        q = store.default_quarter().id
        item = store.add_item(q, None, "Pipeline by region").item_id or 0
        block = store.add_block(q, "Sales cockpit", item_ids=[item]).block_id or 0
        store.choose_block(block, 1)
        store.decide(q, "Sales first.")
    before = digest(board)
    for dry in ([], ["--dry-run"]):
        result = run_cli("import", board, LISTS / "plain.txt", "--team", *dry)
        assert result.returncode == 2
        assert "planboard: 2026-Q3 is decided, so its board is read-only." in result.stderr
        assert result.stdout == ""  # (what the list holds, said first, read as begun)
    assert digest(board) == before


def test_unknown_quarter_is_refused(board: Path) -> None:
    before = digest(board)
    result = run_cli("import", board, LISTS / "plain.txt", "--team", "-q", "1999-Q1")
    assert result.returncode == 2 and "no quarter '1999-Q1'" in result.stderr
    assert digest(board) == before


def test_stakeholder_or_team_is_required(board: Path) -> None:
    result = run_cli("import", board, LISTS / "plain.txt")
    assert result.returncode == 2 and "--stakeholder" in result.stderr


@pytest.fixture
def held(board: Path) -> Iterator[Path]:
    """The board, open in another planboard process."""
    code = (
        "from planboard.core import Store; "
        f"s = Store.open({str(board)!r}); print('ready', flush=True); "
        "import time; time.sleep(30)"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )
    try:
        assert other.stdout is not None
        assert other.stdout.readline().strip() == "ready"
        yield board
    finally:
        other.kill()
        other.wait(timeout=10)


def test_import_while_another_planboard_has_the_board_open_is_refused(held: Path) -> None:
    before = digest(held)
    result = run_cli("import", held, LISTS / "plain.txt", "--team")
    assert result.returncode == 2
    assert "is open in another planboard (or another import is writing to it)" in result.stderr
    assert "Traceback" not in result.stderr
    # (What the list holds is said once the board can take it: said before the refusal,
    # "plain.txt: 3 items" read as if the import had begun.)
    assert result.stdout == "", result.stdout
    assert digest(held) == before
    # A dry run only reads: it works all the same, and says the import itself would be
    # refused while the board is open (it said "Would import 3 items", then the import
    # failed).
    result = run_cli("import", held, LISTS / "plain.txt", "--team", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "is open in another planboard now: the import itself is refused" in result.stdout
    assert digest(held) == before


# ----------------------------------------------------------------- similar


@pytest.fixture
def overlap_board(tmp_path: Path) -> Path:
    """The requests of tests/fixtures/overlap.json on one board, one list per owner."""
    data = json.loads((FIXTURES / "overlap.json").read_text())
    path = tmp_path / "overlap.db"
    with Store.open(path, first_quarter="2026-Q3") as store:
        q = store.default_quarter().id
        owners: dict[str, int | None] = {"Team": None}
        for entry in data["items"]:
            if entry["owner"] not in owners:
                store.add_stakeholder(entry["owner"], quarter_id=q)
                owners[entry["owner"]] = next(
                    s.id for s in store.stakeholders() if s.name == entry["owner"]
                )
        for entry in data["items"]:
            store.add_item(q, owners[entry["owner"]], entry["title"])
        ids = {i.title: i.id for p in store.board(q).places.values() for i in p}
        block = store.add_block(q, "Payments").block_id or 0
        store.move_item(ids["Which of my accounts pay late"], Place.block(block))
        store.drop_item(ids["List of buyers with overdue invoices"], "Covered by the CFO's")
    return path


def paragraphs(text: str) -> list[list[str]]:
    return [p.splitlines() for p in text.strip().split("\n\n")]


def test_similar_prints_groups(overlap_board: Path) -> None:
    result = run_cli("similar", overlap_board)
    assert result.returncode == 0, result.stderr
    groups = paragraphs(result.stdout)[1:]
    assert len(groups) >= 5
    for group in groups:
        items = [line for line in group if "[#" in line]
        reasons = [line for line in group if "[#" not in line]
        assert len(items) >= 2 and all(line.startswith("  ") for line in items)
        # every group says why its items match: "#12 ~ #15: late; customers ≈ accounts"
        assert reasons and all(line.startswith("    #") and " ~ #" in line for line in reasons)
    pipeline = next(g for g in groups if any("Weekly pipeline coverage" in line for line in g))
    pipeline = [line for line in pipeline if "[#" in line]
    assert [line.split("  [#")[0] for line in pipeline] == [
        "  Sales: Weekly pipeline coverage by region",
        "  Team: Regional pipeline snapshot, refreshed weekly",
    ]
    late = next(g for g in groups if any("pay their invoices late" in line for line in g))
    assert any("Sales: Which of my accounts pay late" in line for line in late)  # in a block
    assert "overdue invoices" not in result.stdout  # dropped: not an open item


def test_similar_json(overlap_board: Path) -> None:
    result = run_cli("similar", overlap_board, "--json", "--quarter", "2026-Q3")
    assert result.returncode == 0, result.stderr
    groups = json.loads(result.stdout)
    assert isinstance(groups, list) and groups
    # One group a line, between the array's brackets.
    lines = result.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert [json.loads(line.strip().rstrip(",")) for line in lines[1:-1]] == groups
    for group in groups:
        assert set(group) == {"items", "pairs"}
        for item in group["items"]:
            assert {"id", "title", "owner", "place"} <= set(item)
            assert item["place"] in ("list", "block")
        ids = {item["id"] for item in group["items"]}
        assert group["pairs"]
        for pair in group["pairs"]:
            assert {pair["a"], pair["b"]} <= ids and pair["why"]
    late = next(
        g["items"]
        for g in groups
        if any(i["title"] == "Customers who pay their invoices late" for i in g["items"])
    )
    by_title = {i["title"]: i for i in late}
    assert by_title["Which of my accounts pay late"]["place"] == "block"
    assert by_title["Which of my accounts pay late"]["owner"] == "Sales"
    assert by_title["Customers who pay their invoices late"]["place"] == "list"


def test_similar_leaves_out_items_on_a_list_the_board_does_not_show(
    overlap_board: Path,
) -> None:
    """A row another program wrote with a stakeholder that does not exist is on no list
    the board shows: `similar` neither calls it the team's nor pairs it with them."""
    import sqlite3

    with sqlite3.connect(overlap_board) as conn:
        quarter, title = conn.execute(
            "SELECT quarter_id, title FROM items WHERE stakeholder_id IS NULL LIMIT 1"
        ).fetchone()
        conn.execute(
            "INSERT INTO items (quarter_id, stakeholder_id, title, position) VALUES (?, 999, ?, 0)",
            (quarter, title),
        )
        # and one in a block, with an owner no one knows: shown in the block, so kept
        block = conn.execute("SELECT id FROM blocks LIMIT 1").fetchone()[0]
        conn.execute(
            "INSERT INTO items (quarter_id, stakeholder_id, title, block_id, place_position)"
            " VALUES (?, 998, ?, ?, 9)",
            (quarter, "Customers who pay their invoices late, by region", block),
        )
    conn.close()
    result = run_cli("similar", overlap_board, "--json")
    assert result.returncode == 0, result.stderr
    rows = [item for group in json.loads(result.stdout) for item in group["items"]]
    assert all(item["stakeholder_id"] != 999 for item in rows)
    stranger = [item for item in rows if item["stakeholder_id"] == 998]
    assert stranger and all(item["owner"] == "stakeholder #998" for item in stranger)
    assert all(item["owner"] == "Team" for item in rows if item["stakeholder_id"] is None)
    assert all(item["owner"] != "Team" for item in rows if item["stakeholder_id"] is not None)


def test_similar_reads_a_board_open_elsewhere_and_writes_nothing(held: Path) -> None:
    before = digest(held)
    result = run_cli("similar", held)
    assert result.returncode == 0, result.stderr
    assert "No items ask for the same thing in 2026-Q3." in result.stdout
    assert digest(held) == before


def test_similar_on_a_missing_board(tmp_path: Path) -> None:
    result = run_cli("similar", tmp_path / "nope.db")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert not (tmp_path / "nope.db").exists()


def test_lines_an_earlier_quarter_had_are_said_with_what_became_of_them(
    sample_copy: Path, tmp_path: Path
) -> None:
    """A list sent again for the next quarter brought back last quarter's chosen and
    dropped requests unremarked. They are still imported (the lead decides), and said."""
    sent = tmp_path / "sales.txt"
    sent.write_text(
        "Move the CRM sync from nightly to hourly\nSomething nobody asked for before\n",
        encoding="utf-8",
    )
    for dry in (["--dry-run"], []):
        done = run_cli("import", sample_copy, sent, "--stakeholder", "Head of Sales", *dry)
        assert done.returncode == 0, done.stderr
        assert (
            "1 line was on an earlier quarter's board: line 1 “Move the CRM sync from nightly "
            "to hourly” (dropped in 2026-Q2: Nobody on the lists needs hourly data yet"
        ) in done.stdout
    assert "Move the CRM sync from nightly to hourly" in titles(sample_copy, "Head of Sales")


@pytest.mark.parametrize(
    ("name", "said"),
    [("team", "names the team's own list"), ("\u200b", "stakeholder name can't be empty")],
    ids=["team", "zero-width"],
)
def test_a_dry_run_refuses_a_name_as_the_import_does(
    board: Path, tmp_path: Path, name: str, said: str
) -> None:
    """`-s Team --dry-run` said "Would import 1 item into Team's list", and `-s
    $'\\u200b' --dry-run` "Would create stakeholder “”", exit 0; the import itself
    refuses both names. The dry run asks the store's own rules: both refuse, and write
    nothing."""
    sent = tmp_path / "list.txt"
    sent.write_text("One request\n", encoding="utf-8")
    before = digest(board)
    for dry in (["--dry-run"], []):
        done = run_cli("import", board, sent, "--stakeholder", name, *dry)
        assert done.returncode == 2 and said in done.stderr
        assert "Would" not in done.stdout
    assert digest(board) == before


def test_paths_in_error_messages_never_reach_the_terminal_as_escapes(tmp_path: Path) -> None:
    """A list named with an escape sequence (`no<ESC>[31mRED`), or a folder named
    `d<ESC>[2J`, was printed as it was in "does not exist" and "is a folder": the
    terminal turned red, or was cleared. Messages go out without control characters."""
    board = tmp_path / "b.db"
    Store.open(board, first_quarter="2026-Q3").close()
    folder = tmp_path / "d\x1b[2J"
    folder.mkdir()
    for given in (tmp_path / "no\x1b[31mRED", folder):
        done = run_cli("import", board, given, "--team")
        assert done.returncode != 0
        assert "\x1b" not in done.stderr, done.stderr
        assert "[31mRED does not exist" in done.stderr or "[2J is a folder" in done.stderr
    done = run_cli("restore", board, folder)
    assert done.returncode != 0 and "\x1b" not in done.stderr, done.stderr
