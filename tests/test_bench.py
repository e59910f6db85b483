"""The benchmark runs (its figures are for people to read, not for the suite to time)."""

from __future__ import annotations

import subprocess
import sys


def test_benchmark_runs_on_a_tiny_board() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "planboard.bench",
            "--sizes",
            "30",
            "--runs",
            "1",
            "--keys",
            "2",
            "--commits",
            "4",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "import planboard.app:" in out
    assert "numpy/pandas imported: no" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("30 |"))
    assert len(row.split("|")) == 6  # items, first paint, key, move, commit, RSS
