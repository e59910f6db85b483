"""Paths as people type them: `~name` for a user this computer does not have, and a
name longer than file systems allow, get a message, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_trust_files import run_cli

from planboard.core import PlanboardError, Store
from planboard.core.paths import user_path

LONG = "a" * 300 + ".db"
NOBODY = "~no-such-user-here/x.db"


@pytest.mark.parametrize(
    "args",
    [
        ["export", LONG],
        [LONG],
        ["report", LONG],
        ["similar", LONG],
        ["restore", LONG],
        ["import", LONG, "list.txt", "--team"],
        ["replicate", "b.db", "--to", "~no-such-user-here/rep"],
        ["restore", "--from", "~no-such-user-here/rep", "--list"],
        ["export", "b.db", "-o", "a" * 300 + ".md"],
        ["restore", "--from", "rep", "-o", LONG],
    ],
)
def test_a_path_no_file_system_takes_is_refused_with_a_message(
    tmp_path: Path, args: list[str]
) -> None:
    shutil.copyfile(Path(__file__).resolve().parent.parent / "sample.db", tmp_path / "b.db")
    (tmp_path / "list.txt").write_text("One request\n", encoding="utf-8")
    before = (tmp_path / "b.db").read_bytes()
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "longer than" in done.stderr or "no user" in done.stderr, done.stderr
    assert (tmp_path / "b.db").read_bytes() == before


def test_typed_paths_say_what_is_wrong_with_them(tmp_path: Path) -> None:
    assert user_path("~/x.db") == Path.home() / "x.db"
    with pytest.raises(PlanboardError, match="no user “no-such-user-here”"):
        user_path(NOBODY)
    with pytest.raises(PlanboardError, match="longer than file systems allow"):
        user_path(str(tmp_path / LONG))


@pytest.mark.parametrize("dest", [NOBODY, LONG])
def test_save_a_copy_to_such_a_path_says_why_not(sample_copy: Path, dest: str) -> None:
    """`Ctrl+S` (save a copy) with such a name ended planboard (RuntimeError, or
    `OSError: File name too long`)."""
    with Store.open(sample_copy) as store, pytest.raises(PlanboardError) as refused:
        store.save_copy(dest if dest == NOBODY else str(sample_copy.parent / dest))
    assert "no user" in str(refused.value) or "longer than" in str(refused.value)


async def test_the_import_form_says_why_not_for_such_a_file(sample_copy: Path) -> None:
    """`i` with a file at `~name/…` of a user this computer does not have ended planboard."""
    from planboard.ui.app import PlanboardApp
    from planboard.ui.modals import FormModal

    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-path").value = "~no-such-user-here/list.csv"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert "no user “no-such-user-here”" in str(form.query_one(".form-error").render())


@pytest.mark.parametrize("background", [True, False])
def test_a_state_folder_that_cannot_be_made_is_said(tmp_path: Path, background: bool) -> None:
    """`PLANBOARD_STATE_DIR=/dev/null planboard replicate …` ended with a traceback
    (NotADirectoryError): the replication's state can't be kept there, and it says so."""
    import os
    import subprocess
    import sys

    shutil.copyfile(Path(__file__).resolve().parent.parent / "sample.db", tmp_path / "b.db")
    args = ["replicate", "b.db", "--to", str(tmp_path / "rep")]
    done = subprocess.run(
        [sys.executable, "-m", "planboard", *args, *(["--background"] if background else [])],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PLANBOARD_STATE_DIR": "/dev/null"},
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "/dev/null" in done.stderr and "PLANBOARD_STATE_DIR" in done.stderr
