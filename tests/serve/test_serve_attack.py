"""`planboard serve` attacked: values of the wrong type written into the file by another
program, half-open requests, malformed requests, and the files SQLite keeps beside a
board. Every network test stays on 127.0.0.1, with few connections and bounded waits."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import aiohttp
import pytest
from conftest import SAMPLE
from serving import Live, base, live_meeting, serving
from test_serve_hostile import check_markup

MARKUP = "<i>injected</i>"


@pytest.fixture
def board(tmp_path: Path) -> Path:
    target = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, target)
    return target


def write_unchecked(path: Path, sql: str, *args: object) -> None:
    """A write by another program that ignores the schema's CHECK constraints."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    with conn:
        conn.execute(sql, args)
    conn.close()


async def served(path: Path) -> list[tuple[str, bool]]:
    """The whole page and the first live message."""
    with serving(path) as server:
        async with aiohttp.ClientSession() as session:
            async with session.get(base(server) + "/") as response:
                assert response.status == 200
                whole = await response.text()
            async with session.get(base(server) + "/live") as response:
                message = await Live(response).message()
    return [(whole, True), (message["html"], False)]


async def test_markup_in_numeric_columns_shows_as_text(board: Path) -> None:
    live_meeting(board, hidden=True)
    write_unchecked(board, "UPDATE blocks SET choice = ? WHERE position = 0", MARKUP)
    write_unchecked(board, "UPDATE meetings SET dot_budget = ?", MARKUP)
    for document, whole in await served(board):
        assert "<i>" not in document
        shown = check_markup(document, whole=whole)
        assert shown.count(MARKUP) == 2  # the card's badge and the event's dot budget
    write_unchecked(board, "UPDATE blocks SET choice = NULL, chosen_rank = ?", MARKUP)
    for document, whole in await served(board):
        assert "<i>" not in document
        assert MARKUP in check_markup(document, whole=whole)


@pytest.mark.parametrize(
    "stored", ["", "no", b"", None, 2, -1], ids=["empty", "no", "blob", "null", "two", "minus"]
)
async def test_a_tally_is_shown_only_when_the_file_says_revealed(
    board: Path, stored: object
) -> None:
    live_meeting(board, hidden=True)
    conn = sqlite3.connect(board)
    if stored is None:  # the column is NOT NULL: only a rebuilt table can hold a NULL
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = replace(sql, 'tally_hidden INTEGER NOT NULL', "
            "'tally_hidden INTEGER') WHERE name = 'meetings'"
        )
        conn.commit()
        conn.close()
        conn = sqlite3.connect(board)
    with conn:
        conn.execute("UPDATE meetings SET tally_hidden = ?", (stored,))
    conn.close()
    for document, _ in await served(board):
        if stored in (2, -1):  # any number but 0 hides it, as planboard writes 1
            assert "tally hidden" in document
        assert 'class="dots"' not in document and "●" not in document
    # The same file with 0 shows the dots: the checks above can see them.
    with sqlite3.connect(board) as conn:
        conn.execute("UPDATE meetings SET tally_hidden = 0")
    conn.close()
    document = (await served(board))[0][0]
    assert 'class="dots"' in document and "●●●●●●●" in document
