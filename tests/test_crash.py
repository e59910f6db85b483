"""kill -9 at any moment loses nothing shown as done (a handful of trials here;
`python scripts/crash_trials.py 200` runs many)."""

from __future__ import annotations

from pathlib import Path

import pytest
from crash_harness import FIXTURE_V1, actions_trial, backup_trial, startup_trial


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_during_actions(tmp_path: Path, seed: int) -> None:
    trial = actions_trial(tmp_path, seed)
    assert trial.ok, str(trial)


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_during_startup(tmp_path: Path, seed: int) -> None:
    trial = startup_trial(tmp_path, seed)
    assert trial.ok, str(trial)


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_during_migration(tmp_path: Path, seed: int) -> None:
    trial = startup_trial(tmp_path, seed, FIXTURE_V1, "migration")
    assert trial.ok, str(trial)


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_during_the_backup_before_an_event(tmp_path: Path, seed: int) -> None:
    trial = backup_trial(tmp_path, seed)
    assert trial.ok, str(trial)
