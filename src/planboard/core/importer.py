"""Reading a list a stakeholder sent: a spreadsheet export, a Markdown list, plain text.

`read_list(path)` and `parse_text(text)` turn a list into `ImportItem`s (title, notes,
effort and the line each came from) and a report: which format it was read as, how many
blank and ignored lines were skipped, and which titles repeat an earlier one. Repeats are
flagged, never dropped or merged: deciding is the data lead's job.

Text is data: nothing is reformatted. Only a list marker (`-`, `*`, `+`, `1.`, `1)`) and
a task box (`[ ]`, `[x]`) are taken off the front of a line. Anything this module can't
read is refused with a `ValidationError` whose message says what and where (`.line`
holds the line number when there is one); the store applies the same limits again.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import unicodedata
from pathlib import Path

from . import kept
from .errors import ValidationError
from .model import MAX_NOTES, MAX_TITLE, ImportItem
from .parsed_list import ParsedList as ParsedList
from .repeats import same_title
from .text import (
    clean_line,
    clean_multiline,
    length,
    path_text,
    shows_anything,
    without_emphasis,
)

MAX_BYTES = 5 * 1024 * 1024  # a list bigger than this is not a list
SNIFF_BYTES = 8192  # how much of a file is looked at to tell text from binary
MAX_EFFORT = 10000

FORMATS = ("csv", "tsv", "markdown", "text")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".md": "markdown",
    ".markdown": "markdown",
}

# Header names each field is recognised by, in order of preference.
TITLE_COLUMNS = ("title", "item", "request", "name", "summary")
NOTES_COLUMNS = ("notes", "description", "details", "comment", "comments")
EFFORT_COLUMNS = ("effort", "days", "estimate", "est", "estimated")

# Effort cells that mean "not known yet".
_NO_EFFORT = frozenset(("", "?", "-", "–", "—", "tbd", "tbc", "n/a", "na", "unknown"))
_EFFORT = re.compile(r"^(\d+(?:\.\d+|,\d{1,2})?)\s*(?:d|days?)?$", re.IGNORECASE)

# Files that are certainly not text, whatever their name says.
_MAGIC = (
    b"PK\x03\x04",  # zip: .xlsx, .docx, .ods, .numbers
    b"\xd0\xcf\x11\xe0",  # OLE: .xls, .doc, .msg
    b"%PDF-",
    b"SQLite format 3\x00",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
)

# Byte order marks, the codec that reads past one, and the one for the bytes after it.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),  # before UTF-16 LE: it starts the same
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)

_BREAK = re.compile(r"\r\n|\r|\n")
_SEP_LINE = re.compile(r"^sep=(.)$", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}#")
_RULE = re.compile(r"^ {0,3}([-*_])[ \t]*(?:\1[ \t]*){2,}$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*))?$")
# Plain text also loses the bullets word processors and mail clients write.
_TEXT_BULLET = re.compile(r"^(?:[-*+•·▪◦‣–—]|\d{1,9}[.)])[ \t]+")
_TASK_BOX = re.compile(r"^\[[ xX]\](?:[ \t]+|$)")
# A fenced code block opens with three or more backticks or tildes (a backtick fence's
# info string has no backtick) and closes with as many or more of the same.
_FENCE = re.compile(r"^ *(?P<mark>`{3,}(?=[^`]*$)|~{3,})")


def read_list(path: Path) -> ParsedList:
    """Read a list from a file; its extension says the format (.csv, .tsv or .tab,
    .md or .markdown; anything else is plain text)."""
    path = Path(path)
    name = path_text(path.name or str(path))
    try:
        if path.is_dir():
            raise _refuse(f"{path} is a folder, not a list.")
        if kept.is_kept(path):
            # (Not even opened: closing it would drop SQLite's locks on an open board.)
            raise _refuse(f"{name} is a planboard board, not a list.")
        # Opened without waiting (a named pipe would block until someone writes to it),
        # then checked on the open file itself: only a regular file is read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            found = os.fstat(handle.fileno())
            if not stat.S_ISREG(found.st_mode):
                raise _refuse(
                    f"{path_text(path)} is not a regular file (a pipe, a device or a "
                    "socket); save the list to a file and import that."
                )
            size = found.st_size
            if size > MAX_BYTES:
                raise _refuse(
                    f"{name} is {size / (1024 * 1024):.1f} MB; planboard imports lists of up "
                    f"to {MAX_BYTES // (1024 * 1024)} MB."
                )
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _refuse(f"{path} does not exist.") from None
    except PermissionError:
        raise _refuse(f"{path} can't be read (permission denied).") from None
    except OSError as error:
        raise _refuse(f"{path} can't be read: {error.strerror or error}.") from None
    if len(data) > MAX_BYTES:  # it grew while being read
        raise _refuse(f"{name} is over {MAX_BYTES // (1024 * 1024)} MB; that is not a list.")
    text = decode(data, name)
    return parse_text(text, name, _EXTENSIONS.get(path.suffix.lower(), "text"))


def decode(data: bytes, name: str = "the file") -> str:
    """Bytes to text: UTF-8 (with or without a BOM), or UTF-16/32 with a BOM. Anything
    else is refused with where the first unreadable byte is."""
    bom, encoding, plain = next(
        (found for found in _BOMS if data.startswith(found[0])), (b"", "utf-8", "utf-8")
    )
    if not bom:
        head = data[:SNIFF_BYTES]
        if _utf16_without_bom(head):
            raise _refuse(
                f"{name} looks like UTF-16 text without a byte order mark, which can't be "
                "read reliably. Save the file as UTF-8 and import it again."
            )
        if b"\x00" in head or head.startswith(_MAGIC) or _mostly_unprintable(head):
            raise _binary(name)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        label = {"utf-8-sig": "UTF-8"}.get(encoding, encoding.upper())
        before = data[len(bom) : error.start].decode(plain, "replace")
        line = len(_BREAK.findall(before)) + 1
        byte = data[error.start]
        raise _refuse(
            f"{name} is not {label} text: line {line} holds a byte that can't be read "
            f"(0x{byte:02X}, at byte offset {error.start}). Save the file as UTF-8 "
            "(in a spreadsheet: “CSV UTF-8”) and import it again.",
            line,
        ) from None
    if "\x00" in text[:SNIFF_BYTES] or _mostly_unprintable(text[:SNIFF_BYTES]):
        raise _binary(name)
    nul = text.find("\x00")
    if nul >= 0:  # (further down: it was dropped without a word, with what was around it)
        line = len(_BREAK.findall(text[:nul])) + 1
        raise _refuse(
            f"{name} holds a NUL byte on line {line}, which a text list never holds: it is "
            "not a text file, or it is damaged. Save it again as text and import it again.",
            line,
        )
    return text


def parse_text(text: str, name: str = "pasted text", fmt: str | None = None) -> ParsedList:
    """Read a list from text. Without `fmt`, the text says what it is: a header row
    with commas, semicolons or tabs naming a title column makes it CSV or TSV; list
    markers make it Markdown; anything else is plain text, one item per line."""
    if len(text) > MAX_BYTES:
        raise _refuse(f"{name} is over {MAX_BYTES // (1024 * 1024)} MB; that is not a list.")
    if text.startswith("\ufeff"):
        text = text[1:]
    if fmt is None:
        fmt = detect(text)
    if fmt not in FORMATS:
        raise ValueError(f"unknown list format: {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt in ("csv", "tsv"):
        parsed = _parse_table(text, fmt)
    elif fmt == "markdown":
        parsed = _parse_markdown(text)
    else:
        parsed = _parse_plain(text)
    parsed.name = name
    if not parsed.items:
        raise _refuse(parsed.nothing_text(name))
    for item in parsed.items:
        check(item)
    parsed.duplicates = find_duplicates(parsed.items)
    return parsed


def detect(text: str) -> str:
    """The format of pasted text: "csv", "tsv", "markdown" or "text"."""
    lines = _lines(text)
    if lines and _SEP_LINE.match(lines[0]):
        return "tsv" if lines[0][4] == "\t" else "csv"
    first = next((line for line in lines if not _blank(line)), "")
    for delimiter in ("\t", ",", ";"):
        if delimiter in first and _title_column(_header(first, delimiter)) is not None:
            return "tsv" if delimiter == "\t" else "csv"
    if any(_BULLET.match(line) and not _RULE.match(line) for line in lines):
        return "markdown"
    return "text"


def check(item: ImportItem) -> None:
    """Refuse an item the store would refuse, with the store's words and the line."""
    where = f"Line {item.line}: " if item.line else ""
    title = clean_line(item.title)
    if not shows_anything(title):
        raise _refuse(f"{where}The title can't be empty.", item.line)
    if length(title) > MAX_TITLE:
        raise _refuse(
            f"{where}The title is {length(title)} characters long; keep it to {MAX_TITLE} "
            "or fewer.",
            item.line,
        )
    notes = clean_multiline(item.notes)
    if length(notes) > MAX_NOTES:
        raise _refuse(
            f"{where}The notes are {length(notes)} characters long; keep them to {MAX_NOTES} "
            "or fewer.",
            item.line,
        )
    effort = item.effort
    if isinstance(effort, str):
        effort = _effort(effort, item.line)
    if effort is not None and not 0 <= effort <= MAX_EFFORT:
        raise _refuse(f"{where}Effort must be between 0 and {MAX_EFFORT} days.", item.line)


def find_duplicates(items: list[ImportItem]) -> list[tuple[int, int, str]]:
    """(line, first line with the same title, title) for every repeat, in order. Titles
    match ignoring case and whitespace."""
    first: dict[str, int] = {}
    found = []
    for item in items:
        key = _title_key(item.title)
        if key in first:
            found.append((item.line, first[key], item.title))
        else:
            first[key] = item.line
    return found


# ------------------------------------------------------------------ the formats


def _parse_table(text: str, fmt: str) -> ParsedList:
    what = fmt.upper()
    lines = _lines(text)
    source = io.StringIO(text, newline="")
    skipped = 0
    separator = _SEP_LINE.match(lines[0]) if lines else None
    if separator:  # Excel's "sep=;" line names the delimiter; it is not a row
        delimiter = separator.group(1)
        source.readline()
        skipped = 1
    else:
        first = next((line for line in lines if not _blank(line)), "")
        delimiter = "\t" if fmt == "tsv" else _delimiter(first)
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    blank = 0
    wordless: list[int] = []
    header: list[str] | None = None
    columns: tuple[int | None, int | None, int | None] = (None, None, None)
    items: list[ImportItem] = []
    long_rows: list[int] = []
    while True:
        start = reader.line_num + 1 + skipped
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise _refuse(_unreadable(what, start, error), start) from None
        if all(_blank(cell) for cell in row):
            if all(_blank_line(cell) for cell in row):
                blank += 1
            else:
                wordless.append(start)  # ("#", "---": named, as in a plain list)
        elif header is None:
            header = [cell.strip() for cell in row]
            columns = _table_columns(header, what, start)
        else:
            items.append(_table_item(row, columns, start))
            if any(not _blank(cell) for cell in row[len(header) :]):
                long_rows.append(start)
    used = {
        field_name: (header or [])[at]
        for field_name, at in zip(("title", "notes", "effort"), columns, strict=True)
        if at is not None
    }
    taken = {at for at in columns if at is not None}
    return ParsedList(
        items,
        fmt,
        blank,
        wordless,
        columns=used,
        ignored_columns=[h for at, h in enumerate(header or []) if at not in taken and h],
        has_header=header is not None,
        long_rows=long_rows,
    )


def _table_columns(
    header: list[str], what: str, line: int
) -> tuple[int | None, int | None, int | None]:
    """Where the title, the notes and the effort are in a table's rows."""
    title = _title_column(header)
    if title is None:
        found = ", ".join(h for h in header if h) or "none"
        raise _refuse(
            f"Line {line}: the {what} has no title column (found: {found}; "
            f"expected one of: "
            f"{', '.join(TITLE_COLUMNS)}).",
            line,
        )
    return title, _column(header, NOTES_COLUMNS), _column(header, EFFORT_COLUMNS)


def _table_item(
    row: list[str], columns: tuple[int | None, int | None, int | None], line: int
) -> ImportItem:
    title_at, notes_at, effort_at = columns
    title_text = _cell(row, title_at)
    if _blank(title_text):
        raise _refuse(
            f"Line {line}: this row has no title, but other fields are filled in; give "
            "it a title or delete the row.",
            line,
        )
    return ImportItem(
        title=title_text.strip(),
        notes=_BREAK.sub("\n", _cell(row, notes_at)).strip(),
        effort=_effort(_cell(row, effort_at), line),
        line=line,
    )


def _parse_markdown(text: str) -> ParsedList:
    """List items are items; deeper bullets and indented lines under one are its notes,
    a line each. Headings, rules, fenced code and text outside the lists are ignored
    (fenced code under an item is its notes)."""
    reader = _MarkdownReader()
    for number, raw in enumerate(_lines(text), start=1):
        reader.read(number, raw.expandtabs(4))
    reader.close()
    return ParsedList(
        reader.items, "markdown", reader.blank, reader.wordless, ignored_lines=reader.ignored
    )


class _MarkdownReader:
    """`_parse_markdown`'s state, a line at a time."""

    def __init__(self) -> None:
        self.items: list[ImportItem] = []
        self.blank = self.ignored = 0
        self.wordless: list[int] = []
        self.current: tuple[int, str, int] | None = None  # line, title, indent
        self.notes: list[str] = []
        self.fence = ""  # (the mark of the fenced block the lines are in: code, not items)
        self.fence_notes = False  # (the block is under an item: the item's notes)

    def close(self) -> None:
        if self.current is not None:
            line, title, _indent = self.current
            self.items.append(ImportItem(title=title, notes="\n".join(self.notes), line=line))
        self.current, self.notes = None, []

    def _under_item(self, indent: int) -> bool:
        return self.current is not None and indent > self.current[2]

    def _skip(self) -> None:
        self.close()
        self.ignored += 1

    def read(self, number: int, line: str) -> None:
        if not line.strip():
            self.blank += 1
            return
        indent = len(line) - len(line.lstrip(" "))
        opened = None if self.fence else _FENCE.match(line)
        if self.fence or opened:
            if opened:
                self.fence = opened.group("mark")
                self.fence_notes = self._under_item(indent)
            elif _closes(line, self.fence):
                self.fence = ""
            if self.fence_notes:
                self.notes.append(line.strip())
            else:
                self._skip()
        elif _HEADING.match(line) or _RULE.match(line):
            self._skip()
        elif bullet := _BULLET.match(line):
            body = _TASK_BOX.sub("", (bullet.group("text") or "").strip(), count=1).strip()
            self._bullet(number, without_emphasis(body), indent)
        elif self._under_item(indent):
            self.notes.append(line.strip())
        else:
            self._skip()

    def _bullet(self, number: int, body: str, indent: int) -> None:
        if self._under_item(indent):
            if body:
                self.notes.append(body)
            else:
                self.blank += 1
            return
        self.close()
        if _blank(body):
            if body:
                self.wordless.append(number)
            else:
                self.blank += 1
            return
        self.current = (number, body, indent)


def _unreadable(what: str, start: int, error: csv.Error) -> str:
    """Why the CSV reader stopped at line `start`: a field too long for it (its quotes
    may well be right), or the quotes."""
    if "field larger than field limit" in str(error):
        return (
            f"Line {start}: a field is over {csv.field_size_limit():,} characters long; a "
            f"title is kept to {MAX_TITLE} characters and notes to {MAX_NOTES:,}."
        )
    return f"Line {start}: the {what} can't be read there ({error}); check the quotes on that line."


def _closes(line: str, fence: str) -> bool:
    """Whether a line ends the fenced block `fence` opened."""
    mark = line.strip()
    return len(mark) >= len(fence) and mark == fence[0] * len(mark)


def _parse_plain(text: str) -> ParsedList:
    items: list[ImportItem] = []
    blank = 0
    wordless: list[int] = []
    for number, raw in enumerate(_lines(text), start=1):
        body = raw.strip()
        body = _TASK_BOX.sub("", _TEXT_BULLET.sub("", body, count=1), count=1).strip()
        if _blank(body):
            if _blank_line(body):
                blank += 1
            else:
                wordless.append(number)
            continue
        items.append(ImportItem(title=body, line=number))
    return ParsedList(items, "text", blank, wordless)


# ---------------------------------------------------------------------- helpers


def _refuse(message: str, line: int | None = None) -> ValidationError:
    error = ValidationError(message)
    error.line = line  # type: ignore[attr-defined]
    return error


def _binary(name: str) -> ValidationError:
    return _refuse(f"{name} is not a text file (it looks binary); export it as CSV first.")


def _mostly_unprintable(sample: bytes | str) -> bool:
    """More than a tenth of the characters are controls other than tab, CR, LF, FF."""
    if not sample:
        return False
    if isinstance(sample, bytes):
        bad = sum(1 for b in sample if (b < 32 and b not in (9, 10, 12, 13)) or b == 127)
    else:
        bad = sum(
            1
            for ch in sample
            if ch not in "\t\n\r\f" and unicodedata.category(ch) in ("Cc", "Cs", "Co")
        )
    return bad * 10 > len(sample)


def _utf16_without_bom(head: bytes) -> bool:
    """Mostly text in UTF-16: a NUL in (nearly) every other byte, and only there."""
    if len(head) < 8 or head.startswith(_MAGIC):
        return False
    even, odd = head[0::2], head[1::2]
    for zeros, other in ((even, odd), (odd, even)):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= 0.1 * len(other):
            return True
    return False


def _lines(text: str) -> list[str]:
    """Physical lines: split on CR LF, CR or LF only (not on the other characters
    `str.splitlines` treats as breaks, which may sit inside a title)."""
    lines = _BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _blank(text: str) -> bool:
    """Nothing worth importing: empty, whitespace, controls or punctuation only."""
    cleaned = clean_line(text)
    return not any(ch.isalnum() or unicodedata.category(ch) == "So" for ch in cleaned)


def _blank_line(text: str) -> bool:
    """Nothing on it at all: whitespace and control characters only."""
    return not clean_line(text).strip()


def _title_key(title: str) -> str:
    return same_title(title)


def _header(line: str, delimiter: str) -> list[str]:
    try:
        row = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [cell.strip() for cell in row]


def _delimiter(first: str) -> str:
    """Comma, unless the header only makes sense split on semicolons (European
    spreadsheets) or tabs."""
    for delimiter in (",", ";", "\t"):
        if delimiter in first and _title_column(_header(first, delimiter)) is not None:
            return delimiter
    if "," not in first:
        if ";" in first:
            return ";"
        if "\t" in first:
            return "\t"
    return ","


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    """The column named like one of `names` (in their order of preference): exactly, or
    failing that by its first word ("Effort (days)", "Est. days", "Title of request")."""
    folded = [h.strip().casefold() for h in header]
    for wanted in names:
        if wanted in folded:
            return folded.index(wanted)
    first_words = [(re.findall(r"[a-z]+", h) or [""])[0] for h in folded]
    for wanted in names:
        if wanted in first_words:
            return first_words.index(wanted)
    return None


def _title_column(header: list[str]) -> int | None:
    return _column(header, TITLE_COLUMNS)


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index]


def _effort(raw: str, line: int) -> float | None:
    """Days from a cell: "3", "2.5", "2,5", "3 days", "3d"; empty or "?" is unknown."""
    text = raw.strip()
    if text.casefold() in _NO_EFFORT:
        return None
    where = f"Line {line}: " if line else ""
    match = _EFFORT.match(text)
    if not match:
        raise _refuse(f"{where}Effort must be a number of days, not {text!r}.", line)
    value = float(match.group(1).replace(",", "."))
    if value > MAX_EFFORT:
        raise _refuse(f"{where}Effort must be between 0 and {MAX_EFFORT} days.", line)
    return value
