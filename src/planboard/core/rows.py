"""Rows as read from the file, whoever wrote them.

planboard promises to follow what `sqlite3` or `sqlite-utils` write to a board, and
SQLite keeps whatever it is given: text in a REAL column, a blob in a TEXT one, NULL
where planboard never writes one. Every read of a column someone could have written goes
through an expression below, which SQLite evaluates (in C, at no cost worth measuring)
so that a value of the wrong type arrives as the column's neutral value: the domain
objects always hold the types they declare. `problems` then names the rows that hold
such values, table and row, so the board can say what it did not show.
"""

from __future__ import annotations

import functools
import math
import re
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .clock import stamp_ms, utc_moment

if TYPE_CHECKING:
    import json

FAR = 1 << 62  # where a row without a usable position sorts: after every real one


def integer(column: str, default: str = "NULL") -> str:
    """An INTEGER column: whole numbers as they are, a real number truncated, anything
    else `default`. (Named as the column: an ORDER BY sorts by what is shown.)"""
    return (
        f"CASE typeof({column}) WHEN 'integer' THEN {column} "
        f"WHEN 'real' THEN CAST({column} AS INTEGER) ELSE {default} END AS {column}"
    )


def whole_of(value: float) -> int:
    """What `integer` reads a real number as: SQLite's `CAST(... AS INTEGER)`, its
    whole part, toward zero, kept within a 64-bit integer."""
    if value >= 2**63:
        return 2**63 - 1
    if value <= -(2**63):
        return -(2**63)
    return int(value)


def bare(column: str) -> str:
    """A column as `ITEM_COLUMNS` reads it (`integer(...)`, `text(...)`), as an
    expression (without its name)."""
    return column.rsplit(" AS ", 1)[0]


def whole(column: str) -> str:
    """A count that is whole or nothing (dots): a whole number as it is, anything else
    (2.5, text, a blob, NULL) 0, which counts for nothing."""
    return f"CASE typeof({column}) WHEN 'integer' THEN {column} ELSE 0 END"


DOTS_EACH = 3  # dots per person where the file holds none from 1 to 99
TIMEBOX_MINUTES = 45  # where the file holds none from 1 to 600


def dots_each(value: Any) -> int:
    """The dots each person has, as every reader takes a meeting's `dot_budget`."""
    return value if type(value) is int and 1 <= value <= 99 else DOTS_EACH


LONGEST_TIMEBOX = 600  # minutes (the schema's CHECK)
MAX_TIMEBOX_S = LONGEST_TIMEBOX * 60.0


def timebox_minutes(value: Any) -> int:
    """The event's timebox, as every reader takes a meeting's `timebox_minutes`."""
    return value if type(value) is int and 1 <= value <= LONGEST_TIMEBOX else TIMEBOX_MINUTES


def flag_unless_zero(column: str) -> str:
    """A yes/no column that only an exact 0 turns off (a hidden tally): 0.5 is not
    read as 0, nor is text or a blob."""
    return f"CASE WHEN {column} IS 0 THEN 0 ELSE 1 END AS {column}"


# A number as SQLite reads one in text (ASCII digits; each part unambiguous, so that a
# long text that is not one is turned down in one pass).
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SQLITE_SPACE = " \t\n\v\f\r"  # what SQLite skips around a number


def stored_as_zero(value: Any) -> bool:
    """Whether `value`, written to an INTEGER column (a flag such as `tally_hidden`),
    is stored as 0 and so reads as off (`flag_unless_zero`): 0, 0.0 and false, and text
    SQLite takes for a number (its column affinity: "0", " 0 ", "0.0"), not "no" or
    "0x0"."""
    if isinstance(value, bool | int | float):
        return value == 0
    if isinstance(value, str):
        text = value.strip(_SQLITE_SPACE)
        if _NUMBER_TEXT.fullmatch(text):
            try:
                return float(text) == 0
            except (ValueError, OverflowError):
                return False
    return False


def real(column: str) -> str:
    """A REAL column (an effort, seconds left): numbers as they are, anything else NULL."""
    return (
        f"CASE WHEN typeof({column}) IN ('integer', 'real') THEN {column} ELSE NULL END AS {column}"
    )


def text(column: str, default: str = "''") -> str:
    """A TEXT column: text as it is, a number as its digits, a blob or NULL `default`."""
    return (
        f"CASE typeof({column}) WHEN 'text' THEN {column} "
        f"WHEN 'integer' THEN CAST({column} AS TEXT) WHEN 'real' THEN CAST({column} AS TEXT) "
        f"ELSE {default} END AS {column}"
    )


def one_of(column: str, allowed: tuple[str, ...], default: str) -> str:
    choices = ", ".join(f"'{value}'" for value in allowed)
    return f"CASE WHEN {column} IN ({choices}) THEN {column} ELSE '{default}' END AS {column}"


def columns(*expressions: str) -> str:
    return ", ".join(expressions)


QUARTER_COLUMNS = columns(
    "id",
    text("name", "'?'"),
    one_of("status", ("preparing", "live", "decided"), "preparing"),
    text("vision"),
    text("created_at"),
)
STAKEHOLDER_COLUMNS = columns(
    "id", text("name", "'(unnamed)'"), text("department"), integer("archived", "0"), text("colour")
)
ITEM_COLUMNS = columns(
    "id",
    "quarter_id",
    integer("stakeholder_id"),
    text("title", "'(no title)'"),
    text("notes"),
    real("effort"),
    integer("block_id"),
    one_of("status", ("open", "dropped"), "open"),
    text("drop_reason", "NULL"),
    integer("position", str(FAR)),
    integer("place_position"),
    text("created_at"),
    integer("merged_into"),
    integer("carried_from"),
)
BLOCK_COLUMNS = columns(
    "id",
    "quarter_id",
    text("name", "'(no name)'"),
    text("description"),
    real("effort"),
    integer("position", str(FAR)),
    integer("chosen_rank"),
    text("created_at"),
    integer("carried_from"),
    integer("choice"),
)
DECISION_COLUMNS = columns("quarter_id", text("decided_at"), text("rationale"), text("attendees"))
MEETING_COLUMNS = columns(
    "quarter_id",
    text("started_at"),
    text("ended_at", "NULL"),
    integer("dot_budget", "3"),
    flag_unless_zero("tally_hidden"),
    integer("timebox_minutes", "45"),
    real("timer_remaining"),
    text("timer_started_at", "NULL"),
    text("backup_path"),
)
EVENT_COLUMNS = columns(
    "id",
    text("at"),
    integer("quarter_id"),
    text("action", "'?'"),
    text("summary"),
    integer("undone", "0"),
    "payload",
)

# What each column a person could write must hold: SQLite type names (`typeof`).
_NUMBER = ("integer", "real")
_EXPECTED: dict[str, dict[str, tuple[str, ...]]] = {
    "items": {
        "stakeholder_id": ("integer", "null"),
        "title": ("text",),
        "notes": ("text",),
        "effort": (*_NUMBER, "null"),
        "block_id": ("integer", "null"),
        "drop_reason": ("text", "null"),
        "position": ("integer",),
        "place_position": ("integer", "null"),
        "created_at": ("text",),
        "merged_into": ("integer", "null"),
        "carried_from": ("integer", "null"),
    },
    "blocks": {
        "name": ("text",),
        "description": ("text",),
        "effort": (*_NUMBER, "null"),
        "position": ("integer",),
        "chosen_rank": ("integer", "null"),
        "created_at": ("text",),
        "carried_from": ("integer", "null"),
        "choice": ("integer", "null"),
    },
    "quarters": {"name": ("text",), "vision": ("text",), "created_at": ("text",)},
    "stakeholders": {
        "name": ("text",),
        "department": ("text",),
        "archived": ("integer",),
        "created_at": ("text",),
    },
    "meetings": {
        "started_at": ("text",),
        "ended_at": ("text", "null"),
        "dot_budget": ("integer",),
        "tally_hidden": ("integer",),
        "timebox_minutes": ("integer",),
        "timer_remaining": (*_NUMBER, "null"),
        "timer_started_at": ("text", "null"),
        "backup_path": ("text",),
    },
    "decisions": {
        "decided_at": ("text",),
        "rationale": ("text",),
        "attendees": ("text",),
    },
}
_WHAT = {"integer": "a whole number", "real": "a number", "text": "text", "null": "nothing"}
# How the board reads a value of the wrong type, where it is not as if empty.
_READ_AS = {("meetings", "tally_hidden"): "read as hidden (only 0 shows the tally)"}
# A number that is not whole in a whole-number column is read as its whole part
# (`integer`), then, for these, as the board takes the value (`dots_each`...).
_WHOLE_READ_AS: dict[tuple[str, str], Callable[[int], int]] = {
    ("meetings", "dot_budget"): dots_each,
    ("meetings", "timebox_minutes"): timebox_minutes,
}
# What the tables' CHECKs allow, which another program can get past (its CHECKs off, or
# a table of its own making): for each column, the SQL that holds for an allowed value
# (a value of the wrong type is named by the type check), what it must be, and how the
# board reads another.
_ALLOWED: dict[str, dict[str, tuple[str, str, str]]] = {
    "quarters": {
        "status": (
            "status IN ('preparing', 'live', 'decided')",
            "preparing, live or decided",
            "read as preparing",
        ),
    },
    "items": {
        "status": ("status IN ('open', 'dropped')", "open or dropped", "read as open"),
    },
    "blocks": {
        "choice": (
            "typeof(choice) != 'integer' OR choice IN (1, 2)",
            "1 or 2",
            "no decision is confirmed with it",
        ),
    },
    "meetings": {
        "dot_budget": (
            "typeof(dot_budget) != 'integer' OR dot_budget BETWEEN 1 AND 99",
            "a whole number from 1 to 99",
            f"read as {DOTS_EACH}",
        ),
        "timebox_minutes": (
            "typeof(timebox_minutes) != 'integer' OR timebox_minutes BETWEEN 1 AND 600",
            "a whole number from 1 to 600",
            f"read as {TIMEBOX_MINUTES}",
        ),
    },
}
_SCOPE = {
    "items": ("id", "quarter_id = ?"),
    "blocks": ("id", "quarter_id = ?"),
    "quarters": ("id", "id = ?"),
    "stakeholders": ("id", "1 = 1 OR ? IS NULL"),
    "meetings": ("quarter_id", "quarter_id = ?"),
    "decisions": ("quarter_id", "quarter_id = ?"),
}


def shown(value: Any) -> str:
    """A value another program wrote, short and printable whatever it holds."""
    if isinstance(value, bytes):
        return f"{len(value)} bytes of binary data"
    if value is None:
        return "NULL"
    shown = repr(value)
    return shown if len(shown) <= 30 else shown[:29] + "…'"


ROWS_NAMED = 20  # (how many a status line's count reads: "and at least 19 more")


def problems(conn: sqlite3.Connection, quarter_id: int, limit: int = ROWS_NAMED) -> list[str]:
    """The rows of a quarter (and the stakeholders) holding a value of the wrong type,
    each as "items row 12: effort holds text ('three days'), not a number; ignored",
    then its items linked to a row that is not there."""
    found: list[str] = []
    for table, expected in _EXPECTED.items():
        key, scope = _SCOPE[table]
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        checks = {column: kinds for column, kinds in expected.items() if column in present}
        allowed = {c: rule for c, rule in _ALLOWED.get(table, {}).items() if c in present}
        if not checks and not allowed:
            continue
        wrong = " OR ".join(
            [
                *(
                    f"typeof({column}) NOT IN ({', '.join(repr(k) for k in kinds)})"
                    for column, kinds in checks.items()
                ),
                *(f"NOT coalesce({test}, 0)" for test, _, _ in allowed.values()),
            ]
        )
        names = list(checks)
        rules = [f"{column}, coalesce({test}, 0)" for column, (test, _, _) in allowed.items()]
        rows = conn.execute(
            f"SELECT {', '.join([key, *names, *rules])} FROM {table} "
            f"WHERE ({scope}) AND ({wrong}) LIMIT {limit}",
            (quarter_id,),
        ).fetchall()
        for row in rows:
            for column, value in zip(names, row[1 : 1 + len(names)], strict=True):
                if _kind(value) not in checks[column]:
                    found.append(_wrong_type(table, row[0], column, value, checks[column]))
            tail = row[1 + len(names) :]
            for (column, (_, want, read)), value, ok in zip(
                allowed.items(), tail[::2], tail[1::2], strict=True
            ):
                if not ok:
                    found.append(
                        f"{table} row {row[0]}: {column} holds {shown(value)}, not {want}; {read}"
                    )
        if len(found) >= limit:
            break
    if len(found) < limit:
        from .event_rows import choices_shared, decided_too_soon, live_at_once

        found += live_at_once(conn) + choices_shared(conn, quarter_id)
        found += decided_too_soon(conn, quarter_id)
    if len(found) < limit:
        from .dangling import dangling

        found += dangling(conn, quarter_id, limit - len(found))
    if len(found) < limit:
        from .tally import counted_votes

        found += counted_votes(conn, quarter_id)[1]
    return found[:limit]


def _wrong_type(table: str, row: object, column: str, value: Any, kinds: tuple[str, ...]) -> str:
    """ "items row 12: effort holds 'three days', not a number; shown as if empty"."""
    wanted = [k for k in kinds if k != "null"]
    want = _WHAT["real" if "real" in wanted else wanted[0]]
    read = _READ_AS.get((table, column), "shown as if empty")
    if isinstance(value, float) and (table, column) not in _READ_AS:
        read = f"read as {_WHOLE_READ_AS.get((table, column), int)(whole_of(value))}"
    return f"{table} row {row}: {column} holds {shown(value)}, not {want}; {read}"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bytes):
        return "blob"
    if isinstance(value, bool | int):
        return "integer"
    if isinstance(value, float):
        return "real"
    return "text"


def utc_stamp(value: str | None) -> str | None:
    """An ISO 8601 time as planboard writes it (UTC, `Z`), or None if it is not one."""
    moment = utc_moment(value)  # (a time without a zone is UTC)
    if moment is None:
        return None
    return stamp_ms(moment)


def seconds(value: float | None, high: float, low: float = 0.0) -> float | None:
    """A number of seconds kept between `low` and `high`; None for anything else."""
    if value is None or not math.isfinite(value):
        return None
    return min(max(low, float(value)), high)


# ------------------------------------------------------------- event payloads


_CHANGES_FIRST = '{"changes":'
CHANGES_AT = len(_CHANGES_FIRST)  # where the changes' text starts in such a payload


def dump_payload(payload: dict[str, Any], *, changes_text: str | None = None) -> str:
    """An event's payload as JSON; a blob someone stored in a row survives the trip.
    `changes_text`, when given, is the JSON of its "changes" (its first key), known
    already: a redo records again the very changes its event holds (and a large
    import's take a tenth of a second to write out)."""
    if next(iter(payload), None) != "changes" or type(payload["changes"]) is not list:
        return _dump(payload)
    if changes_text is None:
        if len(payload["changes"]) <= DUMP_SLICE:  # (one call: the same text)
            return _dump(payload)
        changes_text = _dump_list(payload["changes"])
    rest = _dump({key: value for key, value in payload.items() if key != "changes"})
    return _CHANGES_FIRST + changes_text + ("}" if rest == "{}" else "," + rest[1:])


def _dump(value: Any) -> str:
    return _encoder().encode(value)


#: Row changes written out in one call at most: a big record in one call (an import of
#: 20,000 rows is 6 MB of JSON) held Python's interpreter lock for a tenth of a second,
#: and the screen, whose thread needs it, could not answer a key meanwhile.
DUMP_SLICE = 500


def _dump_list(values: list[Any]) -> str:
    """The same text as `_dump(values)`, written a slice at a time: between two slices
    another thread (the screen's) can run."""
    parts = [_dump(values[at : at + DUMP_SLICE])[1:-1] for at in range(0, len(values), DUMP_SLICE)]
    return "[" + ",".join(parts) + "]"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$blob": value.hex()}
    raise TypeError(f"{type(value).__name__} can't be recorded")


@functools.cache
def _encoder() -> json.JSONEncoder:
    """What `json.dumps(value, default=_encode, check_circular=False, separators=(",",
    ":"))` makes anew at each call (it keeps no state between calls). Made at the first
    record written: `json` is imported then, not before the board's first frame."""
    import json

    return json.JSONEncoder(default=_encode, check_circular=False, separators=(",", ":"))


def _decode(found: dict[str, Any]) -> Any:
    if len(found) == 1 and isinstance(found.get("$blob"), str):
        try:
            return bytes.fromhex(found["$blob"])
        except ValueError:
            return found
    return found


def _as_read(found: dict[str, Any]) -> dict[str, Any]:
    return found


def _no_nan(constant: str) -> float:
    """`Infinity` and `-Infinity` as numbers (SQLite keeps them); `NaN` refused: SQLite
    stores it as NULL, so a record holding it could never be replayed back."""
    if constant == "NaN":
        raise ValueError("NaN is not a value a row can hold")
    return float(constant)


def load_payload(raw: Any) -> tuple[dict[str, Any], str]:
    """An event's payload read back, and what is wrong with it ("" if nothing)."""
    payload, problem, _ = load_payload_text(raw)
    return payload, problem


def load_payload_text(raw: Any) -> tuple[dict[str, Any], str, str | None]:
    """As `load_payload`, with the text of the payload's "changes" as stored, when the
    payload is written as planboard writes it (`{"changes":[…],…}`; else None): a
    redo can record that text again as it is (see `dump_payload`)."""
    if raw is None or raw == "":
        return {}, "empty", None
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return {}, "binary data, not JSON", None
    if not isinstance(raw, str):
        return {}, f"{shown(raw)}, not JSON", None
    # A call per object: a blob someone stored comes back as bytes, and another thread
    # (the screen's) can run while a big record is read. Read in one call without it,
    # an import's record of 20,000 rows held the interpreter lock for a tenth of a
    # second, and a key pressed meanwhile waited.
    hook = _decode if '"$blob"' in raw else _as_read
    import json  # (here: the board's first frame reads no record)

    if raw.startswith(_CHANGES_FIRST):
        split = _split_changes(raw, hook)
        if split is not None:
            return split[0], "", split[1]
    try:
        payload = json.loads(raw, object_hook=hook, parse_constant=_no_nan)
    except (ValueError, RecursionError):
        return {}, "not valid JSON", None
    if not isinstance(payload, dict):
        return {}, "not a JSON object", None
    return payload, "", None


def _split_changes(
    raw: str, hook: Callable[[dict[str, Any]], Any]
) -> tuple[dict[str, Any], str] | None:
    """A payload that starts `{"changes":` parsed as its changes, then the rest, noting
    where the changes end; the same dict as parsing it whole, in one pass over the
    bulk. None when it isn't written that plainly (a space, a repeated key: then it
    is parsed whole, and a repeated key's last value counts)."""
    import json

    try:
        changes, end = json.JSONDecoder(object_hook=hook, parse_constant=_no_nan).raw_decode(
            raw, len(_CHANGES_FIRST)
        )
        tail = raw[end:]
        if tail == "}":
            rest: Any = {}
        elif tail.startswith(","):
            rest = json.loads("{" + tail[1:], object_hook=hook, parse_constant=_no_nan)
        else:
            return None
    except (ValueError, RecursionError):
        return None
    if type(rest) is not dict or "changes" in rest or (not rest and tail != "}"):
        return None  # (nothing after a comma is broken JSON: parsed whole, refused)
    return {"changes": changes, **rest}, raw[len(_CHANGES_FIRST) : end]
