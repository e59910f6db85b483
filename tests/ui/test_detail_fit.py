"""The detail pane under the board has a fixed height: what does not fit says so with
"…", never stops mid-line with no sign of it."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.content import Content

from planboard.core import Place, Store
from planboard.ui.app import PlanboardApp
from planboard.ui.widgets.board_list import BoardList
from planboard.ui.widgets.fitted import fit_rows

MARKED = "Contact-reason taxonomy for service tickets, version 2"  # marked x2 in sample.db


async def _detail_rows(sample_copy: Path, size: tuple[int, int]) -> tuple[list[str], int, int]:
    store = Store.open(sample_copy)
    item = next(
        i for i in store.items_at(store.default_quarter().id, Place.team()) if i.title == MARKED
    )
    app = PlanboardApp(store)
    async with app.run_test(size=size) as pilot:
        team = app.screen.query_one("#team", BoardList)
        for _ in range(200):  # the overlap pass marks it
            await pilot.pause(0.02)
            if team.marks.get(item.id):
                break
        team.focus()
        team.select_item(item.id, key=Place.team())
        await pilot.pause()
        detail = app.screen.query_one("#detail")
        rows = str(detail.render()).split("\n")
        return rows, detail.content_size.width, detail.content_size.height


async def test_a_short_pane_cuts_who_else_asks_with_an_ellipsis(sample_copy: Path) -> None:
    rows, width, height = await _detail_rows(sample_copy, (80, 24))
    assert height == 3 and len(rows) == 3
    assert rows[0] == MARKED
    assert rows[2].startswith("Asked by 2 lists, also: ") and rows[2].endswith("…")
    assert all(cell_len(row) <= width for row in rows)


async def test_a_taller_pane_shows_it_all(sample_copy: Path) -> None:
    rows, _width, height = await _detail_rows(sample_copy, (100, 30))
    assert height == 5
    text = " ".join(rows)
    assert "Asked by 2 lists, also: " in text and "No notes." in text and "…" not in text


def test_fit_rows_keeps_what_fits_and_ends_what_does_not_with_an_ellipsis() -> None:
    short = Content("Title\nfacts")
    assert fit_rows(short, 20, 3) is short
    long = Content("Title\nfacts\n" + "word " * 12 + "\nnotes")
    # 5 rows: the long line keeps two rows, its second ended with "…"
    rows = fit_rows(long, 20, 5).plain.split("\n")
    assert rows[:2] == ["Title", "facts"] and rows[-1] == "notes"
    assert len(rows) == 5 and rows[3].endswith("…") and rows[2].startswith("word")
    # 3 rows: one row for the long line; the notes do not fit
    rows = fit_rows(long, 20, 3).plain.split("\n")
    assert rows[:2] == ["Title", "facts"] and len(rows) == 3 and rows[2].endswith("…")
    assert all(cell_len(row) <= 20 for row in rows)


def test_fit_rows_takes_any_text_and_marks_lines_left_out() -> None:
    """Rows a tab made unlike the line's own text raised ValueError (the pane shows any
    text, `show_text`); lines past the last row left no sign that they were there."""
    tabbed = Content("a\tb " * 40 + "\nx\ny")
    rows = fit_rows(tabbed, 30, 4).plain.split("\n")
    assert len(rows) <= 4 and all(cell_len(row) <= 30 for row in rows)
    many = Content("one\ntwo\nthree\nfour")
    rows = fit_rows(many, 20, 2).plain.split("\n")
    assert rows == ["one", "two …"]
