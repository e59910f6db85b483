"""The serve benchmark runs (its figures are for people to read, not for the suite to time)."""

from __future__ import annotations

import subprocess
import sys


def test_the_serve_benchmark_runs_with_a_few_attendees() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "planboard.bench.serve", "--clients", "3", "--moves", "2"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    out = result.stdout
    assert result.returncode in (0, 1), result.stderr
    assert "3 attendees on the live channel, 2 moves" in out
    assert "(6 updates, 0 missed)" in out  # every move reached every attendee
    assert "server: one process: yes" in out
    assert "peak" in out and "server CPU:" in out
