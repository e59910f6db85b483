"""A board in a read-only folder with a `-wal` of committed changes and no `-shm` (a
copy of the folder after a crash, without its `-shm`): SQLite must make the `-shm` to
read those changes and can't. Every command said the board "looks damaged: unable to
open database file", which invites restoring an older backup over an intact board."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_trust_files import _killed_writer_leaves_a_wal


def _read_only_mounts() -> bool:
    """Whether this process may mount a folder read-only in a namespace of its own."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _read_only_mounts(), reason="needs a read-only mount (root, unshare)")
@pytest.mark.parametrize("command", [[], ["export", "--format", "json"], ["report"]])
def test_a_wal_a_read_only_folder_cant_read_is_said_so_not_called_damage(
    tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    board = folder / "c.db"
    _killed_writer_leaves_a_wal(board, "Only in the -wal")
    (folder / "c.db-shm").unlink()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    argv = [sys.executable, "-m", "planboard", *command[:1], str(board), *command[1:]]
    script = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && " + " ".join(
        f"'{a}'" for a in argv
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    said = done.stderr
    assert "looks damaged" not in said and "This is not damage" in said, said
    assert "c.db-wal" in said and "c.db-shm" in said and "read-only" in said, said
    assert "Traceback" not in said
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
