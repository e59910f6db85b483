"""One replication per board and one board per folder replica, whatever state folder each
`planboard replicate` keeps (`PLANBOARD_STATE_DIR`, `XDG_STATE_HOME`: a service's
environment is not the user's). The check read the state folder alone: a second board
wrote into a replica another board was replicating to, and a board was replicated twice,
while both said "replicated" and "the replica holds every change"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from crash_harness import SAMPLE, fresh_copy
from test_replicate import LITESTREAM, Replicating, cli, state  # noqa: F401 (the fixture)

from planboard.core import replica

pytestmark = pytest.mark.skipif(not LITESTREAM, reason="Litestream is not installed")


def test_another_state_folder_neither_shares_a_replica_nor_replicates_a_board_twice(
    tmp_path: Path,
) -> None:
    first = fresh_copy(SAMPLE, tmp_path)
    second = tmp_path / "copy.db"
    shutil.copyfile(first, second)
    shared = tmp_path / "replica"
    running = Replicating(first, f"file://{shared}")
    elsewhere = {"PLANBOARD_STATE_DIR": str(tmp_path / "service-state")}
    said = cli(
        "replicate", str(second), "--to", str(shared), "--background", env=elsewhere, check=False
    )
    assert "another planboard replicate" in said and str(first) in said, said
    assert "two boards writing one replica lose changes" in said, said
    said = cli(
        "replicate",
        str(first),
        "--to",
        str(tmp_path / "other-replica"),
        "--background",
        env=elsewhere,
        check=False,
    )
    assert f"{first} is already being replicated" in said, said
    assert f"process {running.process.pid}" in said, said
    assert not (tmp_path / "other-replica").exists()
    running.stop()
    # Free once it stopped: the locks go with the process that held them.
    out = cli("replicate", str(second), "--to", str(shared), "--background", env=elsewhere)
    assert "in the background" in out
    assert "Stopped replicating" in cli("replicate", str(second), "--stop", env=elsewhere)
    assert not replica._alive((replica.read_status(first) or {}).get("pid"))


def test_a_second_name_of_the_same_file_is_not_replicated_twice(tmp_path: Path) -> None:
    """A hard link is the same board under another name: Litestream's folder beside
    each name differs, so the lock there let both replicate it."""
    first = fresh_copy(SAMPLE, tmp_path)
    (tmp_path / "elsewhere").mkdir()
    other_name = tmp_path / "elsewhere" / "team.db"
    other_name.hardlink_to(first)
    running = Replicating(first, f"file://{tmp_path / 'replica'}")
    said = cli(
        "replicate",
        str(other_name),
        "--to",
        str(tmp_path / "other-replica"),
        "--background",
        env={"PLANBOARD_STATE_DIR": str(tmp_path / "service-state")},
        check=False,
    )
    assert f"{other_name} is already being replicated under another of its names" in said
    assert not (tmp_path / "other-replica").exists()
    running.stop()
