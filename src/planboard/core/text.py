"""Cleaning of text that comes from users and files.

Every title, note and name passes through here on its way into the file, and again on
its way to the screen (the file may have been written by another program). What stays
is the literal text minus control characters: an escape sequence loses its ESC (so
"ESC[2J" shows as "[2J" and does nothing), C1 bytes go, and so do the bidirectional
overrides that could make a title read differently from what it holds.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata

# The patterns are compiled when first needed (`_compiled`), not as planboard starts:
# text with nothing to clean (most of it) never needs them (see `clean_line`).
_compiled = functools.cache(re.compile)

# C0 controls except tab and newline, DEL, and the C1 range.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidi embeddings, overrides and isolates (the "Trojan source" characters), plus
# the line and paragraph separators, which some terminals treat as newlines.
_BIDI = "\u202a-\u202e\u2066-\u2069\u2028\u2029"
_STRIP_MULTILINE = f"[{_CONTROL}{_BIDI}]"
_STRIP_LINE = f"[{_CONTROL}{_BIDI}\t\n]"
_SPACES = r"[ \t]+"
# What breaks a line besides newline (for Python, and some terminals): VT, FF, the file,
# group and record separators, NEL, and the line and paragraph separators. A space on
# one line, a newline in several: removed outright, they glued the words around them.
_BREAKS = "[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]"


def path_text(path: str | os.PathLike[str]) -> str:
    """A file or folder name as text that can be kept in the file and shown: the bytes
    of a name in another encoding than UTF-8 (which Python holds as lone surrogates,
    and SQLite and the terminal refuse) become U+FFFD."""
    text = os.fspath(path)
    try:
        return os.fsencode(text).decode("utf-8", "replace")
    except UnicodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def clean_line(text: str | None) -> str:
    """Text for one line (a title, a name): controls removed, whitespace collapsed."""
    if not text:
        return ""
    if type(text) is str and text.isprintable() and "  " not in text:
        # Nothing to remove or replace: every character the patterns below match is
        # one Python does not call printable (controls, separators, format marks), and
        # the only space a printable text holds is " ". (Most titles: each column's
        # lines pass here as they are drawn.)
        return text.strip(" ")
    text = str(text).replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = _compiled(_STRIP_LINE).sub("", _compiled(_BREAKS).sub(" ", text))
    return _compiled(_SPACES).sub(" ", text).strip()


def shows_anything(text: str) -> bool:
    """Whether a line shows anything: not only spaces and the format marks that show
    nothing (a zero-width space, a joiner, a direction mark), which made a name or a
    title that looked empty, and a second one "different" from it."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def composed(text: str) -> str:
    """Letters written as a letter and combining marks ("e" + U+0301), as some systems
    paste them, as the one character they make ("é"), to count and compare text by
    (what is stored stays as it was written: a name in the file is found as it is).
    ASCII text is returned as it is, at once."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def same_name(text: str) -> str:
    """A name as two names are compared (stakeholders): spaces collapsed, composed
    ("e" and a combining accent as "é"), case folded, without the marks that show
    nothing ("Zo\u200be" is "Zoe": it made a second Zoe). Accents count: "Rene" is not
    "Renée"."""
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(composed(text).split()).casefold()


def folded(text: str) -> str:
    """Text as a search reads it: case folded, and letters with accents as their plain
    letters however the accents are written ("Cafe\u0301", "Café" and "cafe" alike)."""
    if text.isascii():
        return text.casefold()
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch)
    )


def length(text: str) -> int:
    """How many characters `text` is as it looks: "e" and a combining accent count as
    one ("é"), as a title's limit counts them."""
    return len(composed(text))


HEADING_MOST = 240  # characters of a dialog's heading (planboard's titles take 200)


def heading(text: str, most: int = HEADING_MOST) -> str:
    """A dialog's heading on one line, whole up to `most` characters, else its start and
    its end around " … " (a title another program wrote thousands long filled the
    dialog, and what it was for was off the screen)."""
    text = clean_line(text)
    if len(text) <= most:
        return text
    start, end = text[: most - most // 5 - 3], text[-(most // 5) :]
    # (Between words where a space is near: "region … weekly", not "region … e weekly".)
    if " " in start[-20:]:
        start = start[: start.rindex(" ")]
    if " " in end[:20]:
        end = end[end.index(" ") + 1 :]
    return f"{start.rstrip()} … {end.lstrip()}"


def fitting_hint(text: str, room: int) -> str:
    """An empty place's hint, "(what — how)", as "(how)" where the whole does not fit in
    `room` cells: how to fill it is what the reader needs (its hints are one cell a
    character)."""
    if len(text) <= room or " — " not in text:
        return text
    return "(" + text.split(" — ", 1)[1]


def in_file_name(text: str | None) -> str:
    """A name (a quarter's) as part of a file's name beside the board: on one line, a
    folder separator or a NUL (in a name another program wrote) as "-"; "quarter" when
    nothing else is left of it (`/`, `..`)."""
    part = clean_line(str(text or "").replace("/", "-").replace("\\", "-").replace("\x00", "-"))
    return short_for_file(part) if part.strip(".- ") else "quarter"


def short_for_file(text: str, limit: int = 100) -> str:
    """`text` as part of a file's name: whole up to `limit` bytes (UTF-8, as a file's
    name is counted: 255 at most), else cut, with a mark of the whole (so two long names
    cut alike still differ). A name another program wrote can be any length."""
    if len(text.encode("utf-8", "replace")) <= limit:
        return text
    import hashlib

    mark = hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:8]
    cut = text.encode("utf-8", "replace")[: limit - 9].decode("utf-8", "ignore")
    return f"{cut.rstrip('.- ')}-{mark}"


def clean_multiline(text: str | None) -> str:
    """Text that may hold several lines (notes, a rationale): controls removed."""
    if not text:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if not text.replace("\n", "").isprintable():  # (else nothing to remove or replace)
        text = _compiled(_STRIP_MULTILINE).sub("", _compiled(_BREAKS).sub("\n", text))
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def has_control(text: str) -> bool:
    """True if the text holds a character that `clean_multiline` would remove."""
    return bool(_compiled(_STRIP_MULTILINE).search(text)) or "\r" in text


def plural(count: int, word: str) -> str:
    """`1 item`, `2 items`: a count and its noun (the nouns planboard counts take an s)."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def name_order(name: str) -> tuple[str, str, str]:
    """How people's names are listed everywhere (columns, who was present, exports):
    alphabetically as a reader expects, letters with accents beside their plain letter
    and case ignored ("Anna", "émile", "Øyvind", "Zoe"; SQLite's NOCASE put "émile" after
    "Zoe")."""
    return folded(name).translate(_PLAIN_LETTERS), name.casefold(), name


# Letters with no accent to take off, read as the letters they are sorted with.
_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "đ": "d", "ð": "d", "þ": "th"}
)


def install_hint(extra: str) -> str:
    """How to install one of planboard's optional extras: from the clone planboard was
    installed from, as the README installs it (a newcomer ran the package index's form
    first, and the index has no planboard), or from an index that has it."""
    return (
        f'pip install ".[{extra}]" in the clone planboard was installed from (or '
        f'pip install "planboard[{extra}]" where a package index has planboard)'
    )


# Markdown's strong and emphasised words (`**a b**`, `__a__`, `*a*`, `_a_`): their marks,
# at the edges of words only (a star or underscore inside a word, `snake_case`, stays).
_EMPHASIS = r"(?<![\w*])(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])"
EMPHASIS_LAYERS = 3  # emphasis inside emphasis (`***a***`, `**_a_**`) goes, this deep


def without_emphasis(text: str) -> str:
    """Markdown's emphasis marks gone from around words, layer after layer."""
    for _ in range(EMPHASIS_LAYERS):
        plain = _compiled(_EMPHASIS).sub(r"\2", text)
        if plain == text:
            break
        text = plain
    return text
