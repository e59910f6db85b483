"""The matcher's benchmark runs (its figures are for people to read, not for the suite to
time: a miss is its exit status, not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
    assert "its own process peaks at 0 MB" in out  # (200 items: no process of its own)
    assert ("MISSED" in out) == (result.returncode == 1)


def test_the_warm_case_has_its_vectors_in_the_file(tmp_path: Path) -> None:
    """The "vectors stored" figure is measured on a board that holds them: vectors go into
    a file only once planboard has written there, and the benchmark makes that write."""
    import sqlite3

    from planboard.bench_similar import build, store_vectors

    path = tmp_path / "warm.db"
    build(path, 50)
    store_vectors(path)
    with sqlite3.connect(path) as conn:
        kept = conn.execute("SELECT count(*) FROM item_vectors").fetchone()[0]
    conn.close()
    assert kept == 50
