"""A quarter's outcome, gathered once, and the minutes of its planning event.

`outcome()` collects what a reader of the result needs (the vision, the chosen blocks with
their items and whose they were, what was not chosen, the votes, who was cut off); the
minutes and the exports are views of it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .clock import utc_moment
from .model import (
    Block,
    CutOff,
    Decision,
    Item,
    Meeting,
    Place,
    Quarter,
    Stakeholder,
    owner_name,
)
from .sidecar import ENDS, of_board
from .store import Store, reads
from .text import clean_line, clean_multiline, in_file_name, plural


@dataclass
class BlockOutcome:
    block: Block
    items: list[Item]
    owners: list[str]  # who asked for what the block holds ("Team" for the team)
    dots: int = 0
    votes: dict[str, int] = field(default_factory=dict)  # stakeholder name -> dots
    merged: dict[int, list[Item]] = field(default_factory=dict)  # item id -> merged into it


@dataclass
class Outcome:
    quarter: Quarter
    decision: Decision | None
    meeting: Meeting | None
    chosen: list[BlockOutcome]
    not_chosen: list[BlockOutcome]
    dropped: list[Item]
    loose: list[Item]
    cut_off: list[CutOff]
    present: list[str]
    stakeholders: dict[int, Stakeholder]

    def owner(self, item: Item) -> str:
        return owner_name(item.stakeholder_id, self.stakeholders)

    @property
    def tally_hidden(self) -> bool:
        """The event's tally is hidden and the quarter not decided: the newsletters
        leave the dots out, as every screen does."""
        hidden = self.meeting is not None and self.meeting.tally_hidden
        return hidden and not self.quarter.is_decided


@reads
def outcome(store: Store, quarter_id: int) -> Outcome:
    board = store.board(quarter_id)
    people = {s.id: s for s in store.stakeholders()}
    tally = store.votes(quarter_id)

    def owner(item: Item) -> str:
        return owner_name(item.stakeholder_id, people)

    blocks: list[BlockOutcome] = []
    for block in board.blocks:
        items = board.items_at(Place.block(block.id))
        # Who asked: the items' owners, and those whose requests were merged into them.
        askers = [i for item in items for i in (item, *board.merged.get(item.id, ()))]
        owners = list(dict.fromkeys(owner(i) for i in askers))
        dots_of = tally.get(block.id, {})
        # (By name, as people are listed everywhere: `people` is in that order.)
        votes = {person.name: dots_of[sid] for sid, person in people.items() if sid in dots_of}
        merged = {item.id: board.merged[item.id] for item in items if board.merged.get(item.id)}
        blocks.append(BlockOutcome(block, items, owners, sum(votes.values()), votes, merged))
    chosen = sorted(
        (b for b in blocks if b.block.chosen_rank), key=lambda b: b.block.chosen_rank or 0
    )
    loose = [  # (not one another program put on a list that is not there: on no column)
        item
        for place, items in board.places.items()
        if place.is_list and board.shows(place)
        for item in items
    ]
    return Outcome(
        quarter=board.quarter,
        # (A decision row another program wrote for a quarter being prepared is not its
        # decision: every export says it is being prepared, as the board does. Live
        # with its decision, a decided quarter set live again keeps it: ending its
        # event makes it decided, with that decision.)
        decision=store.decision(quarter_id) if board.quarter.status != "preparing" else None,
        meeting=store.meeting(quarter_id),
        chosen=chosen,
        not_chosen=[b for b in blocks if not b.block.chosen_rank],
        dropped=board.items_at(Place.dropped()),
        loose=loose,
        cut_off=store.cut_off(quarter_id),
        present=_present(people, store.attendance(quarter_id)),
        stakeholders=people,
    )


def _present(people: dict[int, Stakeholder], attended: list[int]) -> list[str]:
    """Who was present, in the order the stakeholders are listed everywhere (by name),
    not the order they were ticked in."""
    here = set(attended)
    return [person.name for sid, person in people.items() if sid in here]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
# What makes a line a list item or a heading underline when it starts one.
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md(text: str) -> str:
    """User text as Markdown text: one line, its markup characters escaped (entities
    and line-start markers too), so a reader sees exactly what was typed."""
    line = _MARKDOWN_SPECIAL.sub(r"\\\1", clean_line(text))
    return _LINE_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", line
    )


def md_block(text: str) -> str:
    """Several lines of user text, escaped, as a Markdown paragraph."""
    lines = clean_multiline(text).split("\n")
    # Each line escaped on its own, its indentation dropped (no line becomes code).
    return "  \n".join(md(line.strip()) for line in lines if line.strip())


def minutes_markdown(result: Outcome) -> str:
    """The minutes of the planning event, as Markdown."""
    quarter = result.quarter
    out = [f"# Planning event, {md(quarter.name)}", ""]
    if result.decision:  # (in UTC; another program's time that is not one is not said)
        moment = utc_moment(result.decision.decided_at)
        spec = "milliseconds" if moment and moment.microsecond else "seconds"
        when = moment.isoformat(" ", spec).replace("+00:00", " UTC") if moment else ""
        out.append(f"Decided {when}." if when else "Decided.")
    else:
        out.append(f"Not decided yet (the quarter is {quarter.status}).")
    out.append("")
    if quarter.vision:
        out += [f"**Vision:** {md(quarter.vision)}", ""]
    out += ["## Chosen", ""]
    if not result.chosen:
        out += ["No block was chosen.", ""]
    for entry in result.chosen:
        out += _minutes_block(result, entry)
    if result.decision:
        out += ["## Rationale", "", md_block(result.decision.rationale), ""]
        if result.decision.attendees:
            out += ["## Attendees", "", md_block(result.decision.attendees), ""]
    elif result.present:
        out += ["## Present", "", ", ".join(md(p) for p in result.present), ""]
    out += _minutes_votes(result)
    out += ["## Not chosen", ""]
    if not result.not_chosen:
        out.append("Every block was chosen.")
    for entry in result.not_chosen:
        facts = [plural(len(entry.items), "item")]
        if entry.dots:
            facts.append(plural(entry.dots, "dot"))
        out.append(f"- {md(entry.block.name)} ({', '.join(facts)})")
    out.append("")
    out += ["## Cut off this quarter", ""]
    if not result.cut_off:
        out.append("Nobody: every stakeholder who sent a list has an item in a chosen block.")
    for cut in result.cut_off:
        streak = f"; cut off {cut.streak} quarters in a row" if cut.streak > 1 else ""
        out.append(
            f"- **{md(cut.stakeholder.name)}**: {plural(cut.items, 'item')}, none chosen{streak}"
        )
    out.append("")
    return "\n".join(out)


def _minutes_block(result: Outcome, entry: BlockOutcome) -> list[str]:
    block = entry.block
    out = [f"### {block.chosen_rank}. {md(block.name)}", ""]
    if block.description:
        out += [md_block(block.description), ""]
    facts = [plural(len(entry.items), "item")]
    if block.effort is not None:
        facts.append(f"{block.effort:g} days")
    if entry.owners:
        facts.append("asked by " + ", ".join(md(o) for o in entry.owners))
    if entry.dots:
        facts.append(plural(entry.dots, "dot"))
    out += ["*" + " · ".join(facts) + "*", ""]
    for item in entry.items:
        out.append(f"- {md(item.title)} ({md(result.owner(item))})")
        out += [  # (merged into it, in the asker's own words)
            f"  - also asked as {md(asked.title)} ({md(result.owner(asked))})"
            for asked in entry.merged.get(item.id, ())
        ]
    out.append("")
    return out


def _minutes_votes(result: Outcome) -> list[str]:
    """The votes table ([] when nobody voted)."""
    out: list[str] = []
    if not any(b.votes for b in result.chosen + result.not_chosen):
        return out
    budget = result.meeting.dot_budget if result.meeting else None
    out += ["## Votes", ""]
    if budget:
        out += [f"Each person present had {plural(budget, 'dot')}.", ""]
    out += ["| Block | Dots | From |", "|---|---:|---|"]
    for entry in sorted(result.chosen + result.not_chosen, key=lambda b: -b.dots):
        voters = ", ".join(f"{md(name)} {dots}" for name, dots in entry.votes.items())
        out.append(f"| {md(entry.block.name)} | {entry.dots} | {voters or '—'} |")
    out.append("")
    return out


def _file_mode(path: Path) -> int:
    """The permissions `path` has, or those a new file gets (the umask applied)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


class NotARegularFile(OSError):
    """A path that names a pipe, a device, a socket or a folder: a rename over it would
    replace it with a file (a reader waiting on the pipe would get nothing)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            errno.EINVAL, "it is not a regular file (a pipe, a device or a folder)", str(path)
        )


class WouldReplaceDatabase(OSError):
    """A path that names an SQLite database (a board, a backup) or one of a board's own
    files (its `-wal`, `-shm` or `-journal`), itself or through a link: text written
    there would replace the board."""

    def __init__(self, path: Path, target: Path, *, part: bool) -> None:
        where = f"{path} leads to {target}, which" if target != path else f"{path}"
        what = "part of an SQLite database" if part else "an SQLite database"
        super().__init__(
            errno.EEXIST,
            f"{where} is {what} (a board or a backup?); it was left as it was, and "
            "nothing was written",
            str(path),
        )


def _refuse_a_database(path: Path, target: Path, board: Path | None) -> None:
    """WouldReplaceDatabase if `target` (where writing to `path` goes) is an SQLite
    database, or one of the files SQLite keeps beside `board` or any other database."""
    if is_database(target):
        raise WouldReplaceDatabase(path, target, part=False)
    if (board is not None and of_board(target, board)) or database_part_of(target):
        raise WouldReplaceDatabase(path, target, part=True)


# How a write-ahead log starts (either byte order of its checksums), and a journal.
_PART_HEADERS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83", b"\xd9\xd5\x05\xf9")


def database_part_of(target: Path) -> Path | None:
    """The database `target` is one of the files SQLite keeps beside (its `-wal`,
    `-shm` or `-journal`, there or not yet), or `target` itself if it is a write-ahead
    log or a journal (one moved aside); else None. Written over, another board's
    last changes would be lost."""
    for end in ENDS:
        if target.name.endswith(end) and target.name != end:
            database = target.with_name(target.name[: -len(end)])
            if is_database(database):
                return database
    try:
        with target.open("rb") as file:
            return target if file.read(4) in _PART_HEADERS else None
    except OSError:
        return None


def is_database(target: Path) -> bool:
    """Whether `target` is a regular file that starts as an SQLite database does."""
    from .db import SQLITE_HEADER

    try:
        if not target.is_file():
            return False
        with target.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def writable_target(path: Path) -> Path:
    """Where writing to `path` goes: the file a link names (the link stays a link), or
    `path` itself. Raises OSError for a link loop, NotARegularFile for anything that
    exists and is not a regular file."""
    target = Path(os.path.realpath(path, strict=False)) if path.is_symlink() else path
    if target.is_symlink():  # (realpath leaves a loop as it found it)
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    if target.exists() and not target.is_file():
        raise NotARegularFile(path)
    return target


def check_writable(path: Path, board: Path | None = None) -> Path:
    """Where `write_atomically` would write for `path` (the file a link names), or
    the OSError it would raise: a pipe, a device, a folder, a link loop, an SQLite
    database or one of `board`'s own files. (Asked before asking whether to replace
    what a file holds: a link to another board was asked about, then refused.)"""
    target = writable_target(path)
    _refuse_a_database(path, target, board)
    return target


def write_atomically(path: Path, text: str, *, board: Path | None = None) -> Path:
    """Write `text` to `path` through a temporary file and a rename: a reader never
    sees half a file, and a failure leaves no file behind. An existing file keeps its
    permissions; a new one gets the usual ones (not the temporary file's private ones).
    Through a link, the file it names is written; a pipe, a device or a folder is
    refused (NotARegularFile), and so is an SQLite database or one of `board`'s own
    files (WouldReplaceDatabase): never replaced."""
    path = check_writable(path, board)
    folder = path.resolve().parent
    mode = _file_mode(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def minutes_path(board: Path, quarter: Quarter) -> Path:
    return board.with_name(f"{board.stem}.{in_file_name(quarter.name)}.minutes.md")


def write_minutes(store: Store, quarter_id: int, path: Path | None = None) -> Path:
    """Save the minutes of a quarter's event next to the board file (or at `path`). A
    file there that holds anything else (notes added to the minutes saved before) is
    kept: they go beside it, numbered (`….minutes-2.md`), or into the numbered one that
    holds them already."""
    result = outcome(store, quarter_id)
    text = minutes_markdown(result)
    target = path or minutes_path(store.path, result.quarter)
    if target.is_symlink():  # (never numbered away from a database: refused, as before)
        _refuse_a_database(target, Path(os.path.realpath(target)), store.path)
    first, number = target, 1
    while holds_other(target, text):
        number += 1
        target = first.with_name(f"{first.stem}-{number}{first.suffix}")
    return write_atomically(target, text, board=store.path)


def holds_other(path: Path, text: str) -> bool:
    """Whether something is at `path` (or where a link there leads) that holds other
    than `text`. A file is read only when it is a regular file of the same size as
    `text`: a 3 GB file there was read whole to be compared, and a pipe waited for a
    writer for ever. (A link was taken as holding nothing: an export through it wrote
    over the notes it led to without asking.)"""
    wanted = text.encode("utf-8")
    try:
        found = path.stat()  # (through a link)
    except FileNotFoundError:
        return False  # (nothing there, or a link that leads nowhere)
    except OSError:
        return True  # (a file this user can't reach: not written over either)
    if not stat.S_ISREG(found.st_mode) or found.st_size != len(wanted):
        return True
    try:
        return path.read_bytes() != wanted
    except OSError:
        return True
