"""The sample board and the synthetic board generator."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from planboard.core import Board, Item, Place, Store
from planboard.core import sample as sample_module
from planboard.core.sample import SAMPLE_QUARTER, build_sample, generate_board

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_SAMPLE = ROOT / "sample.db"


def all_items(board: Board) -> list[Item]:
    return [item for items in board.places.values() for item in items]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def dense(values: Sequence[int | None]) -> bool:
    return sorted(values, key=lambda v: -1 if v is None else v) == list(range(len(values)))


def assert_board_invariants(path: Path) -> None:
    """The ordering and status rules the store keeps, checked on the raw rows."""
    conn = read_only(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

        block_positions: dict[int, list[int]] = defaultdict(list)
        block_quarter: dict[int, int] = {}
        ranks: dict[int, list[int]] = defaultdict(list)
        for block_id, quarter_id, position, rank in conn.execute(
            "SELECT id, quarter_id, position, chosen_rank FROM blocks"
        ):
            block_positions[quarter_id].append(position)
            block_quarter[block_id] = quarter_id
            if rank is not None:
                ranks[quarter_id].append(rank)
        for quarter_id, positions in block_positions.items():
            assert dense(positions), f"blocks.position of quarter {quarter_id}: {positions}"
        for quarter_id, chosen in ranks.items():
            assert len(chosen) == len(set(chosen)), f"quarter {quarter_id} ranks {chosen}"

        lists: dict[tuple[int, int | None], list[int]] = defaultdict(list)
        in_block: dict[int, list[int | None]] = defaultdict(list)
        dropped: dict[int, list[int | None]] = defaultdict(list)
        rows = conn.execute(
            "SELECT id, quarter_id, stakeholder_id, block_id, status, drop_reason, position, "
            "place_position FROM items"
        )
        for item_id, quarter_id, owner, block_id, status, reason, position, place in rows:
            lists[(quarter_id, owner)].append(position)
            if status == "dropped":
                assert block_id is None, f"dropped item {item_id} is in a block"
                assert reason and reason.strip(), f"dropped item {item_id} has no reason"
                dropped[quarter_id].append(place)
            elif block_id is not None:
                assert block_quarter[block_id] == quarter_id, f"item {item_id}: other quarter"
                in_block[block_id].append(place)
            else:
                assert place is None, f"item {item_id} on its list has place_position {place}"
        for key, positions in lists.items():
            assert dense(positions), f"items.position of list {key}: {positions}"
        for block_id, places in in_block.items():
            assert dense(places), f"place_position in block {block_id}: {places}"
        for quarter_id, places in dropped.items():
            assert dense(places), f"place_position of dropped in quarter {quarter_id}: {places}"

        for quarter_id, status in conn.execute("SELECT id, status FROM quarters"):
            decision = conn.execute(
                "SELECT rationale FROM decisions WHERE quarter_id = ?", (quarter_id,)
            ).fetchone()
            if status == "decided":
                assert decision is not None and decision[0].strip()
                assert 1 <= len(ranks[quarter_id]) <= 2
            else:
                assert decision is None

        events = conn.execute("SELECT action, payload, undone FROM events").fetchall()
        assert len(events) == 1
        action, payload, undone = events[0]
        assert action == "sample" and not undone
        assert json.loads(payload) == {"changes": [], "undoable": False}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    build_sample(path)
    return path


@pytest.fixture
def sample_store(sample: Path, tmp_path: Path) -> Iterator[Store]:
    """A copy of the sample, open in the store (opening it writes to the file)."""
    copy = tmp_path / "copy.db"
    shutil.copyfile(sample, copy)
    store = Store.open(copy, create=False)
    yield store
    store.close()


# ------------------------------------------------------------------ the sample


def test_sample_is_one_complete_file(sample: Path) -> None:
    assert sample.stat().st_size > 0
    assert not sample.with_name(sample.name + "-wal").exists()
    assert not sample.with_name(sample.name + "-shm").exists()
    assert_board_invariants(sample)


def test_sample_is_deterministic(sample: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    build_sample(again)
    assert sha256(again) == sha256(sample)


def test_sample_stakeholders_and_quarters(sample_store: Store) -> None:
    store = sample_store
    assert 6 <= len(store.stakeholders()) <= 8
    assert all(s.department for s in store.stakeholders())
    quarters = store.quarters()
    assert [q.name for q in quarters] == ["2025-Q4", "2026-Q1", "2026-Q2", SAMPLE_QUARTER]
    assert [q.status for q in quarters] == ["decided", "decided", "decided", "preparing"]
    for quarter in quarters[:3]:
        decision = store.decision(quarter.id)
        assert decision is not None
        assert decision.rationale.count(".") >= 2
        assert decision.attendees.count(",") >= 3
        ranks = sorted(b.chosen_rank for b in store.blocks(quarter.id) if b.chosen_rank)
        assert ranks in ([1], [1, 2])
        assert 3 <= len(store.blocks(quarter.id)) <= 5
        board = store.board(quarter.id)
        assert 15 <= board.item_count <= 30
        assert board.items_at(Place.dropped())
    assert store.default_quarter().name == SAMPLE_QUARTER


def test_sample_preparing_quarter(sample_store: Store) -> None:
    store = sample_store
    quarter = store.quarter_by_name(SAMPLE_QUARTER)
    board = store.board(quarter.id)
    assert 40 <= board.item_count <= 80
    assert 3 <= len(board.blocks) <= 4
    assert all(b.description and b.chosen_rank is None for b in board.blocks)
    team = board.items_at(Place.team())
    assert 10 <= len([i for i in all_items(board) if i.is_team]) <= 15
    assert team, "some team items are still loose"
    for stakeholder in board.stakeholders:
        own = [i for i in all_items(board) if i.stakeholder_id == stakeholder.id]
        assert 5 <= len(own) <= 10, stakeholder.name
    in_blocks = [i for b in board.blocks for i in board.items_at(Place.block(b.id))]
    dropped = board.items_at(Place.dropped())
    loose = [i for p, items in board.places.items() if p.is_list for i in items]
    assert in_blocks and dropped and len(loose) > len(in_blocks)
    assert all(i.drop_reason for i in dropped)
    assert any(i.notes for i in all_items(board))
    assert any(i.effort for i in all_items(board))
    assert store.decision(quarter.id) is None


def test_sample_has_stakeholders_cut_off(sample_store: Store) -> None:
    store = sample_store
    cut_off: dict[str, set[str]] = {}
    for quarter in store.quarters()[:3]:
        board = store.board(quarter.id)
        served = {
            i.stakeholder_id
            for b in board.blocks
            if b.chosen_rank
            for i in board.items_at(Place.block(b.id))
        }
        cut_off[quarter.name] = {s.name for s in board.stakeholders if s.id not in served}
    assert all(cut_off.values()), cut_off
    assert "Head of Marketing" in cut_off["2026-Q1"] & cut_off["2026-Q2"]


def test_sample_has_nothing_to_undo(sample_store: Store) -> None:
    for quarter in sample_store.quarters():
        assert sample_store.undo_summary(quarter.id) is None
        assert sample_store.redo_summary(quarter.id) is None
    quarter = sample_store.default_quarter()
    before = sample_store.board(quarter.id).places
    assert sample_store.undo(quarter.id).summary == "Nothing to undo"
    assert sample_store.board(quarter.id).places == before


def test_sample_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    generate_board(path, items=10, stakeholders=2, blocks=1)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        build_sample(path)
    assert path.read_bytes() == before
    build_sample(path, overwrite=True)
    assert path.read_bytes() != before

    other = tmp_path / "notes.txt"
    other.write_text("not a board")
    with pytest.raises(FileExistsError):
        build_sample(other, overwrite=True)
    assert other.read_text() == "not a board"


def committed_sample(into: Path) -> Path:
    """sample.db as the checkout committed it: from git when this is a checkout (a user
    who followed the README may have changed their working copy, which is theirs to
    change), else the file as it is."""
    try:
        found = subprocess.run(
            ["git", "-C", str(ROOT), "show", "HEAD:sample.db"],
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        found = b""
    if found:
        into.write_bytes(found)
    else:
        shutil.copyfile(COMMITTED_SAMPLE, into)
    return into


def test_committed_sample_is_current(sample: Path, tmp_path: Path) -> None:
    """sample.db as committed is what the code builds: rebuild it with
    `python scripts/build_sample.py` after changing the sample. It is compared by
    content, from a copy: what a user did to their working copy is no business of the
    tests (the README's first step opens it for them to try)."""
    assert COMMITTED_SAMPLE.exists(), "sample.db is missing: run scripts/build_sample.py"
    copy = committed_sample(tmp_path / "committed-sample.db")
    if copy.read_bytes() == sample.read_bytes():
        return
    committed, fresh = read_only(copy), read_only(sample)
    try:
        same_rows = list(committed.iterdump()) == list(fresh.iterdump())
    finally:
        committed.close()
        fresh.close()
    assert same_rows, "sample.db is out of date: run python scripts/build_sample.py"


def test_the_sample_is_built_in_the_journal_mode_planboard_uses(
    sample: Path, tmp_path: Path
) -> None:
    """WAL, marked in the file's header: opening it has nothing to switch, so nothing to
    write; and the build is one self-contained file, reproducible byte for byte."""
    again = tmp_path / "again.db"
    build_sample(again)
    header = again.read_bytes()[:100]
    assert (header[18], header[19]) == (2, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.db"]
    assert again.read_bytes() == sample.read_bytes()


# --------------------------------------------------------- synthetic boards


def test_generate_board_counts_and_invariants(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    generate_board(path, items=2000)
    assert_board_invariants(path)
    conn = read_only(path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2000
        assert conn.execute("SELECT COUNT(*) FROM stakeholders").fetchone()[0] == 60
        assert conn.execute("SELECT COUNT(*) FROM blocks").fetchone()[0] == 40
        assert conn.execute("SELECT status FROM quarters").fetchall() == [("preparing",)]
        in_blocks = conn.execute("SELECT COUNT(*) FROM items WHERE block_id IS NOT NULL")
        assert 500 <= in_blocks.fetchone()[0] <= 840
        dropped = conn.execute("SELECT COUNT(*) FROM items WHERE status = 'dropped'")
        assert 100 <= dropped.fetchone()[0] <= 400
        team = conn.execute("SELECT COUNT(*) FROM items WHERE stakeholder_id IS NULL")
        assert team.fetchone()[0] > 0
        titles = conn.execute("SELECT COUNT(DISTINCT title) FROM items").fetchone()[0]
        assert titles > 1000
    finally:
        conn.close()
    store = Store.open(path, create=False)
    try:
        quarter = store.default_quarter()
        assert store.board(quarter.id).item_count == 2000
        assert store.undo_summary(quarter.id) is None
    finally:
        store.close()


def test_generate_board_is_deterministic(tmp_path: Path) -> None:
    generate_board(tmp_path / "a.db", items=300, seed=7)
    generate_board(tmp_path / "b.db", items=300, seed=7)
    generate_board(tmp_path / "c.db", items=300, seed=8)
    assert sha256(tmp_path / "a.db") == sha256(tmp_path / "b.db")
    assert sha256(tmp_path / "a.db") != sha256(tmp_path / "c.db")


@pytest.mark.parametrize(
    ("items", "stakeholders", "blocks"), [(0, 60, 40), (100, 0, 0), (150, 300, 5), (1, 1, 1)]
)
def test_generate_board_edges(tmp_path: Path, items: int, stakeholders: int, blocks: int) -> None:
    path = tmp_path / "edge.db"
    generate_board(path, items=items, stakeholders=stakeholders, blocks=blocks)
    assert_board_invariants(path)
    conn = read_only(path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == items
        assert conn.execute("SELECT COUNT(*) FROM stakeholders").fetchone()[0] == stakeholders
    finally:
        conn.close()


def test_sample_module_does_not_import_textual() -> None:
    code = "import sys, planboard.core.sample; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_generate_board_failure_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(sample_module, "_insert_synthetic", broken)
    path = tmp_path / "broken.db"
    with pytest.raises(RuntimeError):
        generate_board(path, items=10)
    assert list(tmp_path.iterdir()) == []
