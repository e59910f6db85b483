"""What is at a path an export or the minutes would write: compared with the text to
write without reading what need not be read (a pipe, a file of another size), and
through a link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planboard.core.outcome import holds_other


@pytest.fixture
def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a file to compare it fails the test."""

    def refuse(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)


def test_a_link_holds_what_the_file_it_leads_to_holds(tmp_path: Path) -> None:
    """A link was taken as holding nothing: the export through it wrote over the notes
    it led to without asking."""
    notes = tmp_path / "notes.md"
    notes.write_text("My meeting notes\n")
    link = tmp_path / "board.2026-Q3.md"
    link.symlink_to(notes)
    assert holds_other(link, "# 2026-Q3\n")
    assert not holds_other(link, "My meeting notes\n")
    dangling = tmp_path / "gone.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    assert not holds_other(dangling, "# 2026-Q3\n")  # (nothing there to keep)
    assert not holds_other(tmp_path / "absent.md", "# 2026-Q3\n")


def test_a_pipe_is_not_read(tmp_path: Path, no_reading: None) -> None:
    """A pipe at the minutes' path: reading it waited for a writer for ever (the screen
    froze, deaf to Esc)."""
    pipe = tmp_path / "board.2026-Q3.minutes.md"
    os.mkfifo(pipe)
    assert holds_other(pipe, "# Minutes\n")


def test_a_file_of_another_size_is_not_read(tmp_path: Path, no_reading: None) -> None:
    """A 3 GB file there was read whole to be compared (3.1 GB of memory, a frozen
    screen, or a MemoryError that ended planboard)."""
    big = tmp_path / "board.2026-Q3.md"
    with big.open("wb") as file:
        file.truncate(3 * 1024**3)  # (sparse: no disk used)
    assert holds_other(big, "# 2026-Q3\n")
    assert holds_other(tmp_path, "# 2026-Q3\n")  # (a folder)


def test_a_file_of_the_same_size_is_compared(tmp_path: Path) -> None:
    same = tmp_path / "board.2026-Q3.md"
    same.write_text("# 2026-Q3\n")
    assert not holds_other(same, "# 2026-Q3\n")
    assert holds_other(same, "# 2026-Q4\n")
