"""The history shows what another program writes within a second, as the board does: a
rationale changed stayed as it was, a quarter added never appeared, and one another
planboard deleted stayed listed (Enter on it opened another quarter without a word)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_history_ui import open_history

from planboard.core import Store
from planboard.ui.app import PlanboardApp


async def test_a_rationale_and_a_quarter_written_meanwhile_show(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        history = await open_history(pilot)
        await pilot.press("j")  # 2026-Q2, decided
        await pilot.pause()
        q2 = store.quarter_by_name("2026-Q2").id
        with sqlite3.connect(sample_copy, isolation_level=None) as conn:
            conn.execute(
                "UPDATE decisions SET rationale = 'Rewritten by another program' "
                "WHERE quarter_id = ?",
                (q2,),
            )
            conn.execute(
                "INSERT INTO quarters (name, status, vision, created_at) "
                "VALUES ('2027-Q3', 'preparing', '', '2026-12-01T10:00:00Z')"
            )
        await pilot.pause(1.2)  # (the app looks at the file twice a second)
        assert [q.name for q in history.quarters][:2] == ["2027-Q3", "2026-Q3"]
        assert history.quarter is not None and history.quarter.name == "2026-Q2"
        detail = str(history.query_one("#history-detail").render())
        assert "Rewritten by another program" in detail, detail
        # A quarter gone: the highlight goes to the one in its place.
        await pilot.press("k", "k")
        await pilot.pause()
        assert history.quarter is not None and history.quarter.name == "2027-Q3"
        with sqlite3.connect(sample_copy, isolation_level=None) as conn:
            conn.execute("DELETE FROM quarters WHERE name = '2027-Q3'")
        await pilot.pause(1.2)
        assert history.quarters[0].name == "2026-Q3"
        assert history.quarter is not None and history.quarter.name == "2026-Q3"


async def test_a_big_comparison_is_worked_out_while_the_screen_answers(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From `COMPARE_THREAD_FROM` items (made 0 here) the matching runs in a thread, the
    status line saying so: at 30,000 items it held the screen for 6 s."""
    from planboard.core.history import compare
    from planboard.ui.screens import history as history_screen
    from planboard.ui.screens.history import CompareScreen

    monkeypatch.setattr(history_screen, "COMPARE_THREAD_FROM", 0)
    store = Store.open(sample_copy)
    q1, q2 = store.quarter_by_name("2026-Q1"), store.quarter_by_name("2026-Q2")
    expected = compare(store, q1.id, q2.id)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        history = await open_history(pilot)
        await pilot.press("j", "x")  # 2026-Q2, compared with the quarter before
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, CompareScreen):
                break
        screen = app.screen
        assert isinstance(screen, CompareScreen), str(history.status_line.render())
        assert (screen.data.earlier.name, screen.data.later.name) == ("2026-Q1", "2026-Q2")
        assert [m.later.id for m in screen.data.carried_over] == [
            m.later.id for m in expected.carried_over
        ]


async def test_a_comparison_done_under_another_screen_is_not_put_over_it(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`x`, then `c` while the matching ran: the comparison opened over the coverage."""
    import time

    from planboard.ui.screens import history as history_screen
    from planboard.ui.screens.history import CompareScreen, CoverageScreen

    slow = history_screen.compared

    def compared(read):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return slow(read)

    monkeypatch.setattr(history_screen, "COMPARE_THREAD_FROM", 0)
    monkeypatch.setattr(history_screen, "compared", compared)
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        history = await open_history(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause(1.0)
        assert isinstance(app.screen, CoverageScreen)
        assert not any(isinstance(s, CompareScreen) for s in app.screen_stack)
        assert "x compares again" in str(history.status_line.render())
