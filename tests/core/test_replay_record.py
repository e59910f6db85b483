"""A large undo or redo reads its `events` row once: the payload is parsed in one pass
that keeps the text of its changes, a redo writes that text again as it was stored, and
the parse is kept while undo and redo go back and forth over the same record, used
only while the row's text is unchanged."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Filled, assert_consistent
from hypothesis import given, settings
from hypothesis import strategies as st

from planboard.core import Place, Store
from planboard.core import rows as rows_module
from planboard.core.model import ImportItem
from planboard.core.rows import DUMP_SLICE, dump_payload, load_payload, load_payload_text
from planboard.core.store.core import HELD_PAYLOAD


def whole(raw: str) -> Any:
    """The payload parsed whole, as planboard read every payload before."""
    return json.loads(raw, object_hook=rows_module._decode)


@pytest.mark.parametrize(
    "raw",
    [
        '{"changes":[["items",1,null,{"id":1,"title":"a"}]]}',
        '{"changes":[["items",1,{"id":1},null]],"item_id":1,"event_id":7}',
        '{"changes":[["items",1,null,{"id":1,"x":{"$blob":"00ff"}}]],"block_id":2}',
        '{"changes": [["items",1,null,{"id":1}]]}',  # a space: parsed whole
        '{"changes":[["items",1,null,{"id":1}]], "item_id" : 3 }\n',
        '{"changes":[["items",1,null,{"id":1}]],"changes":[["items",2,null,{"id":2}]]}',
        '{"changes":[["items",1,null,{"id":1}]],"item_id":1,"item_id":[2]}',
        '{"changes":[]}',
    ],
)
def test_a_payload_read_in_two_parts_is_the_payload_read_whole(raw: str) -> None:
    payload, problem, changes_text = load_payload_text(raw)
    assert problem == ""
    assert payload == whole(raw)
    if changes_text is not None:
        assert whole(changes_text) == payload["changes"]
        # Written again with other keys after it, it reads back as that payload.
        again = {"changes": payload["changes"], "event_id": 9}
        assert whole(dump_payload(again, changes_text=changes_text)) == again


def test_a_repeated_changes_key_is_read_as_before_and_its_text_is_not_reused() -> None:
    raw = '{"changes":[["items",1,null,{"id":1}]],"changes":[["items",2,null,{"id":2}]]}'
    payload, _, changes_text = load_payload_text(raw)
    assert payload["changes"] == [["items", 2, None, {"id": 2}]]  # the last one counts
    assert changes_text is None


@pytest.mark.parametrize(
    "raw", ['{"changes":[1,}', '{"changes":[1]', '{"changes":[1]]}', '{"changes":[1],}']
)
def test_a_broken_payload_that_starts_like_planboards_is_still_refused(raw: str) -> None:
    assert load_payload(raw) == ({}, "not valid JSON")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.binary(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        # (a blob is written as {"$blob": hex} by planboard itself: st.binary above)
        | st.dictionaries(st.sampled_from(["id", "title", "x"]), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    changes=st.lists(st.lists(json_values, max_size=4), max_size=5),
    rest=st.dictionaries(st.sampled_from(["item_id", "block_id", "event_id"]), json_values),
)
def test_any_payload_planboard_writes_reads_back_the_same_either_way(
    changes: list[Any], rest: dict[str, Any]
) -> None:
    written = dump_payload({"changes": changes, **rest})
    payload, problem, changes_text = load_payload_text(written)
    assert problem == ""
    assert payload == whole(written)
    assert changes_text is not None
    assert dump_payload(payload, changes_text=changes_text) == written


def imported_elsewhere(filled: Filled, board_path: Path, count: int) -> Store:
    """`count` items imported by another planboard (so nothing of it is held here),
    and the board opened again."""
    filled.store.import_items(
        filled.quarter_id, "Head of Sales", [ImportItem(f"Request {n}") for n in range(count)]
    )
    filled.store.close()
    return Store.open(board_path)


def last_payload(store: Store) -> tuple[int, str]:
    row = store.conn.execute("SELECT id, payload FROM events ORDER BY id DESC LIMIT 1")
    event_id, raw = row.fetchone()
    return event_id, raw


# Items whose import records a payload held after a replay read it (about 300
# characters each).
BIG = HELD_PAYLOAD // 200


def test_a_redo_writes_its_events_changes_as_stored_without_encoding_them_again(
    filled: Filled, board_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = imported_elsewhere(filled, board_path, BIG)
    q = filled.quarter_id
    imported, stored = last_payload(store)
    assert len(stored) >= HELD_PAYLOAD
    store.undo(q)
    encoded: list[int] = []
    real = json.dumps

    def counting(value: Any, **kwargs: Any) -> str:
        if isinstance(value, dict) and isinstance(value.get("changes"), list):
            encoded.append(len(value["changes"]))
        elif isinstance(value, list):
            encoded.append(len(value))
        return real(value, **kwargs)

    monkeypatch.setattr(json, "dumps", counting)  # (rows imports json when it needs it)
    store.redo(q)
    monkeypatch.undo()
    assert not any(n >= BIG for n in encoded), encoded
    _, redone = last_payload(store)
    original = whole(stored)
    assert whole(redone) == {
        "changes": original["changes"],
        "item_id": original["item_id"],
        "event_id": imported,
    }
    assert load_payload_text(redone)[2] == load_payload_text(stored)[2]
    assert len(store.items_at(q, Place.of_list(filled.sales))) >= BIG
    assert_consistent(store)


@pytest.mark.parametrize("compact", [True, False], ids=["as planboard writes", "with spaces"])
def test_an_event_changed_by_another_program_between_undo_and_redo_is_read_again(
    filled: Filled, board_path: Path, compact: bool
) -> None:
    store = imported_elsewhere(filled, board_path, BIG)
    q = filled.quarter_id
    imported, stored = last_payload(store)
    store.undo(q)  # read, and kept parsed
    payload = json.loads(stored)
    first = payload["changes"][0][3]
    first["title"] = "Retitled by another program"
    text = json.dumps(payload, separators=(",", ":") if compact else None)
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE events SET payload = ? WHERE id = ?", (text, imported))
    store.redo(q)
    assert store.item(first["id"]).title == "Retitled by another program"
    _, redone = last_payload(store)
    assert whole(redone)["changes"] == payload["changes"]  # the record holds the edit too
    assert_consistent(store)


def test_a_redo_after_an_undo_does_not_parse_the_record_again(
    filled: Filled, board_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planboard.core.store import core as store_core

    store = imported_elsewhere(filled, board_path, BIG)
    q = filled.quarter_id
    parsed: list[int] = []
    real = store_core.load_payload_text

    def counting(raw: object) -> tuple[dict[str, Any], str, str | None]:
        parsed.append(len(raw) if isinstance(raw, str) else 0)
        return real(raw)

    monkeypatch.setattr(store_core, "load_payload_text", counting)
    store.undo(q)
    assert max(parsed) >= HELD_PAYLOAD  # the undo parsed the import's record
    parsed.clear()
    store.redo(q)
    assert all(n < HELD_PAYLOAD for n in parsed), parsed  # the redo did not
    assert len(store.items_at(q, Place.of_list(filled.sales))) >= BIG


def test_undo_and_redo_back_and_forth_over_a_large_import_keep_the_board(
    filled: Filled, board_path: Path
) -> None:
    store = imported_elsewhere(filled, board_path, BIG)
    q = filled.quarter_id
    after_import = store.conn.execute("SELECT * FROM items ORDER BY id").fetchall()
    for _ in range(3):
        store.undo(q)
        assert len(store.items_at(q, Place.of_list(filled.sales))) < BIG
        store.redo(q)
        assert store.conn.execute("SELECT * FROM items ORDER BY id").fetchall() == after_import
    # Another action ends the back and forth: what was kept is let go.
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    assert store._held_payload is None
    assert_consistent(store)


@pytest.mark.parametrize("count", [0, 1, DUMP_SLICE - 1, DUMP_SLICE, DUMP_SLICE + 1, 1234])
def test_a_record_written_a_slice_at_a_time_is_the_record_written_whole(count: int) -> None:
    changes = [
        ["items", n, None, {"id": n, "title": f"Ask {n}", "x": b"\x00\xff" if n % 7 else None}]
        for n in range(count)
    ]
    payload = {"changes": changes, "item_id": 3}
    expected = json.dumps(
        payload, default=rows_module._encode, check_circular=False, separators=(",", ":")
    )
    assert dump_payload(payload) == expected
    assert whole(expected) == payload
    assert load_payload_text(expected)[0] == payload


def beats_while(work: Any) -> int:
    """How many times another thread ran while `work()` ran in this one."""
    beats, done = [0], threading.Event()

    def beat() -> None:
        while not done.is_set():
            beats[0] += 1
            time.sleep(0.0002)

    other = threading.Thread(target=beat)
    other.start()
    time.sleep(0.02)  # (running)
    before = beats[0]
    try:
        work()
    finally:
        during = beats[0] - before
        done.set()
        other.join()
    return during


def test_another_thread_runs_while_a_big_record_is_read_or_written() -> None:
    """The screen's thread needs Python's interpreter lock: a 20,000-row record read or
    written in one call held it for a tenth of a second, and a key waited meanwhile."""
    changes = [
        ["items", n, None, {"id": n, "title": f"Weekly churn by region {n}", "notes": ""}]
        for n in range(20_000)
    ]
    payload = {"changes": changes}
    raw = dump_payload(payload)
    assert len(raw) > 1_000_000
    # In one call the other thread could not run at all, however long the call took;
    # between calls it runs once the switch interval (made short here, so that a fast
    # machine also gives it several turns) has passed.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    try:
        assert beats_while(lambda: load_payload_text(raw)) >= 3
        assert beats_while(lambda: dump_payload(payload)) >= 3
    finally:
        sys.setswitchinterval(interval)


def test_asking_whether_an_undo_reveals_reads_no_record_when_no_tally_is_hidden(
    filled: Filled,
) -> None:
    """`u` asks first whether the undo would reveal the event's hidden tally. With no
    tally hidden nothing can be revealed: the answer comes without reading the record
    (a 20,000-item import's is megabytes, parsed on the screen's turn, which held the
    next key 30-50 ms)."""
    store, q = filled.store, filled.quarter_id
    store.import_items(q, "Imported list", [ImportItem(f"Request {n}") for n in range(50)])
    said: list[str] = []
    store.conn.set_trace_callback(said.append)
    try:
        assert not store.replay_reveals(q, undo=True)
    finally:
        store.conn.set_trace_callback(None)
    assert not any("payload" in statement for statement in said)
    store.start_meeting(q, backup=False)
    store.set_meeting(q, tally_hidden=True)
    store.set_meeting(q, tally_hidden=False)  # revealed: its undo hides, reveals nothing
    said.clear()
    store.conn.set_trace_callback(said.append)
    try:
        assert not store.replay_reveals(q, undo=True)
    finally:
        store.conn.set_trace_callback(None)
    assert not any("payload" in statement for statement in said)
    store.undo(q)  # hidden again: now the record is read, and its redo reveals
    assert store.replay_reveals(q, undo=False)


def test_asking_whether_an_undo_reveals_parses_no_record_that_names_no_tally(
    filled: Filled,
) -> None:
    """During the event, with the tally hidden, the undo of a big import is asked about
    too: SQLite finds that its record names no `tally_hidden`, and it is not read into
    planboard (150 ms for a 20,000-item import's, on the screen's turn). A title that
    says "tally_hidden" is not taken for the key."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    assert store.meeting(q).tally_hidden  # (as an event starts)
    titles = [f"Request {n}" for n in range(50)] + ['The "tally_hidden" flag in the export']
    store.import_items(q, "Imported list", [ImportItem(t) for t in titles])
    said: list[str] = []
    store.conn.set_trace_callback(said.append)
    try:
        assert not store.replay_reveals(q, undo=True)
    finally:
        store.conn.set_trace_callback(None)
    read = [statement for statement in said if "payload" in statement]
    assert read and all("instr(payload" in statement for statement in read)
    store.undo(q)  # (the hiding before it is asked about as ever: test_meeting.py)
    assert store.meeting(q).tally_hidden


def test_a_record_that_spells_the_key_another_way_is_still_asked_about(
    filled: Filled, board_path: Path
) -> None:
    """Another program may write a record's JSON with its own escapes (`tally\\u005fhidden`
    is `tally_hidden`): such a record is read, and an undo that reveals is asked about.
    SQLite's look for `"tally_hidden"` alone let it reveal the tally without a word."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_meeting(q, tally_hidden=False)
    store.set_meeting(q, tally_hidden=True)  # hidden again: its undo reveals
    assert store.replay_reveals(q, undo=True)
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute(
            "UPDATE events SET payload = replace(payload, '\"tally_hidden\"', "
            "'\"tally\\u005fhidden\"') WHERE id = (SELECT max(id) FROM events)"
        )
        (raw,) = conn.execute("SELECT payload FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert "tally\\u005fhidden" in raw and json.loads(raw) == whole(raw)
    assert store.replay_reveals(q, undo=True)
    store.undo(q)
    assert not store.meeting(q).tally_hidden  # (the replay reads it as the key it is)


def test_the_size_of_the_next_replay_is_its_records_length(
    filled: Filled, board_path: Path
) -> None:
    """The screen runs an undo over `LONG_REPLAY` bytes of record in the background: the
    size is the record's in bytes (counted without reading through its text), undo and
    redo. planboard writes its records in ASCII; another program's may hold letters of
    several bytes, as here."""
    store, q = filled.store, filled.quarter_id
    assert store.replay_size(q, undo=False) == 0  # nothing to redo
    store.import_items(q, "Imported list", [ImportItem(f"Prüfung Nr. {n} – Ø") for n in range(40)])
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        (ascii_raw,) = conn.execute(
            "SELECT payload FROM events ORDER BY id DESC LIMIT 1"
        ).fetchone()
        raw = json.dumps(json.loads(ascii_raw), ensure_ascii=False)
        conn.execute(
            "UPDATE events SET payload = ? WHERE id = (SELECT max(id) FROM events)", (raw,)
        )
    assert len(raw.encode()) > len(raw) + 100  # (the letters and the dash: 2 and 3 bytes)
    assert store.replay_size(q, undo=True) == len(raw.encode())
    store.undo(q)
    (redo_raw,) = store.conn.execute(
        "SELECT payload FROM events WHERE undone = 1 ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert store.replay_size(q, undo=False) == len(redo_raw.encode())
