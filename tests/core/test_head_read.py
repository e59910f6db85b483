"""The first screen of a big quarter: each place's first items, the whole board's counts
(`Store.first_screen`), read without reading every item."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from planboard.core import Place, Store
from planboard.core.model import HEAD_FROM, Board, Item, PlaceWidths, askers
from planboard.core.sample import generate_board
from planboard.core.store import head as head_module
from planboard.core.store import reading as reading_module

ROWS = 20


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A board of 1,500 items, read as a big one (its head first)."""
    monkeypatch.setattr(head_module, "HEAD_FROM", 1000)
    path = tmp_path / "big.db"
    generate_board(path, items=1500, stakeholders=8, blocks=5)
    store = Store.open(path)
    yield store
    store.close()


def _line(item: Item) -> int:
    """An item line's cells, as the columns measure it (a plain title)."""
    return len(item.title) + (2 + len(f"{item.effort:g}d") if item.effort is not None else 0)


def _shown(board: Board) -> list[Place]:
    return [place for place in board.places if board.shows(place)]


def _assert_a_head_of(head: Board, whole: Board) -> None:
    assert head.partial and not whole.partial
    assert (head.quarter, head.stakeholders, head.blocks) == (
        whole.quarter,
        whole.stakeholders,
        whole.blocks,
    )
    assert head.merged == whole.merged
    for place in _shown(whole):
        items, first = whole.items_at(place), head.items_at(place)
        assert len(first) == len(items), place  # (counts, titles, scroll bars)
        read = [item for item in first if not item.unread]
        assert read == items[: len(read)], place  # the first items, in order
        assert all(item.unread for item in first[len(read) :]), place
        # Whose they are (the owner tags' width) and how wide their lines are (the
        # columns' widths), as the whole board's items say.
        assert Counter(i.stakeholder_id for i in first) == Counter(
            i.stakeholder_id for i in items
        ), place
        widths = head.line_widths.get(place, PlaceWidths())
        plain = [i for i in items if i.title.isascii()]
        assert widths.plain == Counter(min(_line(i), 200) for i in plain), place
        others = [(i.title, i.effort) for i in items if i not in plain]
        assert sorted(widths.other) == sorted(others), place
    for block in whole.blocks:
        items = whole.items_at(Place.block(block.id))
        expected = sum(1 for who in askers(items, whole.merged) if who is not None)
        assert head.asked.get(block.id, 0) == expected, block.name


def test_a_quarter_under_the_threshold_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    generate_board(path, items=300, stakeholders=6, blocks=3)
    assert HEAD_FROM > 300
    with Store.open(path) as store:
        quarter = store.default_quarter().id
        first = store.first_screen(quarter, ROWS)
        assert not first.partial
        assert first == store.board(quarter)


def test_a_big_quarter_shows_its_head_with_the_whole_boards_counts(big: Store) -> None:
    quarter = big.default_quarter().id
    head, whole = big.first_screen(quarter, ROWS), big.board(quarter)
    _assert_a_head_of(head, whole)
    # What a first screen can show is read: each column's first group, and the next
    # ones while a screenful is not filled.
    for place in (Place.team(), Place.of_list(whole.stakeholders[0].id)):
        assert len([i for i in head.items_at(place) if not i.unread]) == min(
            ROWS, len(whole.items_at(place))
        )
    assert not head.items_at(Place.block(whole.blocks[0].id))[0].unread
    # ...and no more: far fewer items than the board holds.
    read = sum(1 for items in head.places.values() for i in items if not i.unread)
    assert read <= 6 * ROWS < whole.item_count // 5


def test_a_request_merged_into_a_block_item_counts_who_asked(big: Store) -> None:
    quarter = big.default_quarter().id
    whole = big.board(quarter)
    block = whole.blocks[-1]
    survivor = whole.items_at(Place.block(block.id))[0]
    big.add_stakeholder("Someone new", quarter_id=quarter)
    stranger = next(s.id for s in big.stakeholders(quarter) if s.name == "Someone new")
    request = big.add_item(quarter, stranger, "Une demande — 数据 ☕", effort=2.5).item_id
    assert request is not None
    big.merge_items(survivor.id, [request])
    head, whole = big.first_screen(quarter, ROWS), big.board(quarter)
    assert whole.merged
    _assert_a_head_of(head, whole)


def test_rows_another_program_wrote_are_counted_as_the_whole_board_reads_them(
    big: Store,
) -> None:
    quarter = big.default_quarter().id
    whole = big.board(quarter)
    in_block = whole.items_at(Place.block(whole.blocks[0].id))
    on_list = whole.items_at(Place.team())
    conn = sqlite3.connect(big.path, isolation_level=None)  # (its foreign keys off)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    # Text where a number goes (read as none: on its list), a real number (read as
    # the whole number), a status planboard never writes (read as open), a merge into
    # text (none), a list position missing (last).
    conn.execute("UPDATE items SET block_id = 'three' WHERE id = ?", (in_block[0].id,))
    conn.execute(
        "UPDATE items SET block_id = ? WHERE id = ?", (whole.blocks[1].id + 0.0, on_list[0].id)
    )
    conn.execute("UPDATE items SET status = 'parked' WHERE id = ?", (in_block[1].id,))
    conn.execute("UPDATE items SET merged_into = 'x' WHERE id = ?", (on_list[1].id,))
    conn.execute("UPDATE items SET position = NULL WHERE id = ?", (on_list[2].id,))
    conn.execute("UPDATE items SET effort = 0.25 WHERE id = ?", (on_list[3].id,))
    conn.execute("UPDATE items SET effort = 'lots', title = 42 WHERE id = ?", (on_list[4].id,))
    conn.execute("UPDATE items SET title = 'Café — 数据 ☕' WHERE id = ?", (on_list[5].id,))
    # Ids the indexes can't find where they read: an owner 49.7 is owner 49, text is
    # the team, a block 1.5 is block 1.
    first = whole.stakeholders[0].id
    theirs = whole.items_at(Place.of_list(first))
    conn.execute("UPDATE items SET stakeholder_id = ? WHERE id = ?", (first + 0.7, theirs[1].id))
    conn.execute("UPDATE items SET stakeholder_id = 'abc' WHERE id = ?", (theirs[2].id,))
    conn.execute(
        "UPDATE items SET block_id = ? WHERE id = ?", (whole.blocks[0].id + 0.5, in_block[2].id)
    )
    conn.close()
    _assert_a_head_of(big.first_screen(quarter, ROWS), big.board(quarter))


def _traced(conn: sqlite3.Connection, read: Callable[[], object]) -> list[str]:
    ran: list[str] = []
    conn.set_trace_callback(ran.append)
    try:
        read()
    finally:
        conn.set_trace_callback(None)
    return ran


def test_a_board_planboard_wrote_is_counted_in_one_pass_each(big: Store) -> None:
    """The counts (whose, how wide) of a board whose rows are all as planboard writes
    them are made in one pass over its rows each, keyed by one number; nothing is read
    apart. One title not in ASCII has its line measured by the screen, and is the only
    row the widths read again."""
    quarter = big.default_quarter().id
    odd_query = f"{head_module._NOT_MERGED} AND ({head_module._ODD})"
    apart = f"({head_module._WIDTHS[0]}) IS NOT 1"  # (the rows the screen measures)
    ran = _traced(big.conn, lambda: big.first_screen(quarter, ROWS))
    assert not [sql for sql in ran if "LIMIT -1" in sql or apart in sql or odd_query in sql]
    conn = sqlite3.connect(big.path)
    try:
        assert not [
            sql
            for sql in _traced(conn, lambda: head_module._line_widths(conn, quarter))
            if apart in sql
        ]
        team = big.board(quarter).items_at(Place.team())
        big.edit_item(team[3].id, title="Café crème — 数据 ☕")
        found: list[dict[Place, PlaceWidths]] = []
        ran = _traced(conn, lambda: found.append(head_module._line_widths(conn, quarter)))
        assert [sql for sql in ran if apart in sql]
        assert found[0][Place.team()].other == [("Café crème — 数据 ☕", team[3].effort)]
    finally:
        conn.close()
    _assert_a_head_of(big.first_screen(quarter, ROWS), big.board(quarter))


def test_a_board_of_plain_rows_is_counted_by_width_without_asking_it_of_each_row(
    big: Store,
) -> None:
    """Every row as planboard writes it (the index of owners says so in a lookup): the
    count by width does not check each row for what another program may have written
    (half its work at 50,000 items), and each row's number is worked out once. One row
    another program wrote: each row is checked again. The widths are the whole
    board's either way."""
    quarter = big.default_quarter().id
    plain_check = head_module._PLAIN_ROW

    def count() -> tuple[str, dict[Place, PlaceWidths]]:
        found: list[dict[Place, PlaceWidths]] = []
        ran = [
            sql
            for sql in _traced(
                big.conn, lambda: found.append(head_module._line_widths(big.conn, quarter))
            )
            if "GROUP BY g" in sql
        ]
        assert len(ran) == 1
        return ran[0], found[0]

    sql, _ = count()
    assert plain_check not in sql
    assert sql.count("CAST(title AS BLOB)") == 2  # (the check, and the key: once each)
    _assert_a_head_of(big.first_screen(quarter, ROWS), big.board(quarter))
    team = big.board(quarter).items_at(Place.team())
    conn = sqlite3.connect(big.path)
    conn.execute("UPDATE items SET block_id = 'later' WHERE id = ?", (team[2].id,))
    conn.commit()
    conn.close()
    sql, _ = count()
    assert plain_check in sql
    _assert_a_head_of(big.first_screen(quarter, ROWS), big.board(quarter))


def test_the_count_by_width_reads_one_state_of_the_file(big: Store) -> None:
    """Whether every row is plain, and the count that relies on it, are read in one
    transaction: a row another program writes between the two statements is not
    counted as a plain one (it would be counted in a block that does not exist)."""
    quarter = big.default_quarter().id
    whole = big.board(quarter)
    before = head_module._line_widths(big.conn, quarter)
    team = whole.items_at(Place.team())
    other = sqlite3.connect(big.path)
    wrote: list[str] = []

    def write_between(sql: str) -> None:
        if "GROUP BY g" in sql and not wrote:
            other.execute("UPDATE items SET block_id = 'later' WHERE id = ?", (team[2].id,))
            other.commit()
            wrote.append(sql)

    big.conn.set_trace_callback(write_between)
    try:
        found = head_module._line_widths(big.conn, quarter)
    finally:
        big.conn.set_trace_callback(None)
        other.close()
    assert wrote  # (the other program did write, between the two)
    assert found == before
    assert not big.conn.in_transaction
    assert Place.block(0) not in head_module._line_widths(big.conn, quarter)


def _width_count(conn: sqlite3.Connection, quarter: int) -> tuple[str, str]:
    """The statement that counts a quarter's lines by width, and how SQLite reads it."""
    found: list[dict[Place, PlaceWidths]] = []
    ran = [
        sql
        for sql in _traced(conn, lambda: found.append(head_module._line_widths(conn, quarter)))
        if "GROUP BY g" in sql
    ]
    assert len(ran) == 1
    args = (quarter,) if "?" in ran[0] else ()
    plan = " ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {ran[0]}", args))
    return ran[0], plan


def test_the_count_by_width_reads_the_table_in_order_when_the_quarter_is_most_of_it(
    big: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quarter that holds most of the file's items is counted by width in one read
    of the table, in order: through the quarter's index, each row was a lookup by its
    id (at 50,000 items 120 ms, against 75 for the table). A quarter that is a small
    part of a bigger file is still read through its index. The widths are the same
    either way, and the whole board's."""
    quarter = big.default_quarter().id
    conn = sqlite3.connect(big.path)
    try:
        sql, plan = _width_count(conn, quarter)
        assert "NOT INDEXED" in sql and "SCAN items" in plan
        by_table = head_module._line_widths(conn, quarter)
        share = reading_module.READ_WHOLE_FROM
        monkeypatch.setattr(reading_module, "READ_WHOLE_FROM", 2.0)  # (never the table)
        sql, plan = _width_count(conn, quarter)
        assert "NOT INDEXED" not in sql and "USING INDEX" in plan
        assert head_module._line_widths(conn, quarter) == by_table
        monkeypatch.setattr(reading_module, "READ_WHOLE_FROM", share)
        # The same items five times more in other quarters: this one is a sixth.
        columns = [row[1] for row in conn.execute("PRAGMA table_info(items)")]
        rest = ", ".join(c for c in columns if c not in ("id", "quarter_id"))
        for n in range(5):
            other = big.create_quarter(f"{2031 + n}-Q1").quarter_id
            conn.execute(
                f"INSERT INTO items (quarter_id, {rest}) "
                f"SELECT ?, {rest} FROM items WHERE quarter_id = ?",
                (other, quarter),
            )
            conn.commit()
        sql, plan = _width_count(conn, quarter)
        assert "NOT INDEXED" not in sql and "USING INDEX" in plan
        assert head_module._line_widths(conn, quarter) == by_table
    finally:
        conn.close()
    _assert_a_head_of(big.first_screen(quarter, ROWS), big.board(quarter))


@pytest.mark.parametrize(
    ("column", "value"),
    [("stakeholder_id", 2 << 25), ("stakeholder_id", -4), ("block_id", 1 << 25), ("block_id", -1)],
)
def test_ids_beyond_what_one_number_keys_are_counted_apart(
    big: Store, column: str, value: int
) -> None:
    """An owner or a block stored as a whole number too big (or below zero) for the
    counts' one-number keys (another program wrote it): counted as the whole board
    reads it, with the rows that fit counted by their keys. (Past 2^25, a key would
    carry into the block or the dropped area: an existing one, here.)"""
    quarter = big.default_quarter().id
    whole = big.board(quarter)
    item = whole.items_at(Place.of_list(whole.stakeholders[0].id))[0]
    if value > 0:
        value += whole.stakeholders[0].id if column == "stakeholder_id" else whole.blocks[0].id
    conn = sqlite3.connect(big.path, isolation_level=None)  # (its foreign keys off)
    conn.execute(
        f"UPDATE items SET {column} = ?, place_position = ? WHERE id = ?",
        (value, 0 if column == "block_id" else None, item.id),
    )
    conn.close()
    _assert_a_head_of(big.first_screen(quarter, ROWS), big.board(quarter))


def test_a_row_with_no_status_shows_in_the_head_where_the_whole_read_has_it(big: Store) -> None:
    """A status of NULL (a table another tool rebuilt without NOT NULL) reads as open:
    the head reads that row where the whole read has it, neither skipped by the
    indexes' reading nor by the reading apart."""
    quarter = big.default_quarter().id
    item = big.board(quarter).items_at(Place.team())[2]
    conn = sqlite3.connect(big.path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = replace(sql, '\"status\" TEXT NOT NULL', "
        "'\"status\" TEXT') WHERE name = 'items'"
    )
    conn.close()
    conn = sqlite3.connect(big.path, isolation_level=None)
    conn.execute("UPDATE items SET status = NULL WHERE id = ?", (item.id,))
    conn.close()
    with Store.open(big.path) as store:
        _assert_a_head_of(store.first_screen(quarter, ROWS), store.board(quarter))


def test_the_rest_read_on_a_connection_of_its_own_is_the_board(tmp_path: Path) -> None:
    """`rest_of`: the whole board, read on a read-only connection of its own; None once
    the path names another file (what it read there would be that file's)."""
    path = tmp_path / "b.db"
    generate_board(path, items=300, stakeholders=4, blocks=3)
    with Store.open(path) as store:
        quarter = store.default_quarter().id
        assert store.rest_of(quarter) == store.board(quarter)
        other = tmp_path / "other.db"
        generate_board(other, items=50, stakeholders=2, blocks=1, seed=3)
        path.rename(tmp_path / "away.db")
        other.rename(path)
        assert store.rest_of(quarter) is None
        path.unlink()
        assert store.rest_of(quarter) is None
