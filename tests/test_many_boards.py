"""Several boards read together: `planboard report A B` / a folder, and the JSON export."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SAMPLE

from planboard.cli import main


def _serve(board: Path, stakeholder: str, quarter: str) -> None:
    """Another program moves one of the stakeholder's items into a chosen block."""
    conn = sqlite3.connect(board)
    with conn:
        (quarter_id,) = conn.execute(
            "SELECT id FROM quarters WHERE name = ?", (quarter,)
        ).fetchone()
        (block_id,) = conn.execute(
            "SELECT id FROM blocks WHERE quarter_id = ? AND chosen_rank = 1", (quarter_id,)
        ).fetchone()
        conn.execute(
            "UPDATE items SET block_id = ?, status = 'open', drop_reason = NULL, "
            "place_position = 99 WHERE id = (SELECT i.id FROM items i JOIN stakeholders s "
            "ON s.id = i.stakeholder_id WHERE s.name = ? AND i.quarter_id = ? LIMIT 1)",
            (block_id, stakeholder, quarter_id),
        )
    conn.close()


@pytest.fixture
def teams(tmp_path: Path) -> Path:
    folder = tmp_path / "replicas"
    folder.mkdir()
    for name in ("sales-analytics", "ops-analytics"):
        shutil.copyfile(SAMPLE, folder / f"{name}.db")
    # in 2026-Q1 the sample cuts off the CFO and the Head of Marketing; one team serves the CFO
    _serve(folder / "ops-analytics.db", "CFO", "2026-Q1")
    (folder / "notes.txt").write_text("not a board")
    shutil.copyfile(SAMPLE, folder / "ops-analytics.2026-Q3-live.20261201-101010.backup.db")
    return folder


def test_json_of_a_folder_names_who_every_team_cut_off(
    teams: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(teams), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "planboard-boards"
    assert [b["team"] for b in data["boards"]] == ["ops-analytics", "sales-analytics"]
    q1 = {
        b["team"]: next(q for q in b["quarters"] if q["name"] == "2026-Q1") for b in data["boards"]
    }
    assert "CFO" in q1["ops-analytics"]["served"]
    assert "CFO" in q1["sales-analytics"]["cut_off"]
    starved = {(s["quarter"], s["stakeholder"]) for s in data["starved"]}
    assert ("2026-Q1", "Head of Marketing") in starved
    assert ("2026-Q1", "CFO") not in starved  # one team served them
    # an undecided quarter starves nobody
    assert not any(q == "2026-Q3" for q, _ in starved)


def test_report_of_several_boards_is_one_table(
    teams: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    boards = [str(teams / "sales-analytics.db"), str(teams / "ops-analytics.db")]
    assert main(["report", *boards]) == 0
    out = capsys.readouterr().out
    assert "2 boards: sales-analytics, ops-analytics" in out
    assert "Cut off by every team they asked" in out
    lines = [line for line in out.splitlines() if line.startswith("⚠")]
    assert any("2026-Q1" in line and "Head of Marketing" in line for line in lines)
    assert not any("2026-Q1  CFO" in line for line in lines)


def test_several_boards_refuse_other_formats_and_name_a_bad_file(
    teams: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(teams), "--format", "md"]) == 2
    assert "JSON only" in capsys.readouterr().err
    bad = teams / "broken.db"
    bad.write_text("hello")
    assert main(["report", str(teams)]) == 2
    assert "broken.db is not a planboard file" in capsys.readouterr().err
    assert bad.read_text() == "hello"


def test_one_board_named_twice_is_one_team(
    teams: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`report a.db ./a.db $PWD/a.db` said "3 boards: /a, /a, …/a": one board counted as
    three teams (and a board's cut-offs as agreed by all of them). A file named again
    is read once; two files of one name in different folders are told apart by their
    folder's name (not "/a" for the current folder)."""
    monkeypatch.chdir(teams)
    board = "sales-analytics.db"
    assert main(["report", board, f"./{board}", str(teams / board)]) == 0
    out = capsys.readouterr().out
    assert "1 board: sales-analytics\n" in out, out
    other = teams.parent / "elsewhere"
    other.mkdir()
    shutil.copyfile(teams / board, other / board)
    assert main(["report", board, str(other / board)]) == 0
    out = capsys.readouterr().out
    assert "2 boards: replicas/sales-analytics, elsewhere/sales-analytics" in out, out


def test_a_folder_with_no_board_among_several_paths_is_said(
    teams: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report a.db empty/`: the folder with no board was left out without a word (the
    report read as if that team had nothing)."""
    empty = teams.parent / "empty.db"
    empty.mkdir()
    assert main(["report", str(teams / "sales-analytics.db"), str(empty)]) == 2
    assert f"No board files (*.db) in {empty}." in capsys.readouterr().err
