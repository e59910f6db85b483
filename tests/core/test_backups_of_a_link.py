"""A board opened through a symbolic link keeps its backups beside the file itself, named
after it, as SQLite keeps its `-wal`: they were written beside the link, named after the
link, and `planboard restore` of the file itself said it had no backups (and of the link,
did not list the file's)."""

from __future__ import annotations

import os
from pathlib import Path

from planboard.core import Store
from planboard.core.backup import backups_of, describe


def test_a_board_opened_through_a_link_keeps_its_backups_beside_the_file(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    board = real / "x.db"
    Store.open(board, first_quarter="2026-Q3").close()
    (tmp_path / "w").mkdir()
    link = tmp_path / "w" / "link.db"
    os.symlink(board, link)
    store = Store.open(link)
    try:
        _, backup = store.start_meeting(store.default_quarter().id)
    finally:
        store.close()
    assert backup is not None
    assert backup.parent == real and backup.name.startswith("x.db.2026-Q3-live.")
    assert backups_of(board) == [backup]
    assert backups_of(link) == [backup]
    assert describe(link, backup)[0] == "2026-Q3-live"
    assert not list((tmp_path / "w").glob("*.backup.db"))
