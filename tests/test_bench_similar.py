"""The matcher's benchmark runs (its figures are for people to read, not for the suite to
time: a miss is its exit status, not asserted here)."""

from __future__ import annotations

import subprocess
import sys


def test_bench_similar_runs_on_a_small_board() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "planboard.bench_similar", "--items", "200", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    out = result.stdout
    assert "planboard similar at 200 items (meaning: on)" in out
    for figure in ("floor (export --format json):", "vectors stored:", "none stored yet:"):
        assert figure in out
    assert "in-app pass: adds" in out and "embeds 2,000 titles in" in out
    assert ("MISSED" in out) == (result.returncode == 1)
