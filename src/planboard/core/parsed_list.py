"""A list as the import read it: its items, and what the reading found along the way
(blank and wordless lines, repeats, which columns fed which field), said in a line."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ImportItem
from .text import clean_line, plural

_LABELS = {"csv": "CSV", "tsv": "TSV", "markdown": "Markdown", "text": "plain text"}


@dataclass
class ParsedList:
    """The items read from a list, and what the reading found along the way."""

    items: list[ImportItem]
    format: str
    blank_lines: int = 0
    # Lines with something on them but no letter or digit ("#", "-", "---"): not items.
    wordless_lines: list[int] = field(default_factory=list)
    duplicates: list[tuple[int, int, str]] = field(default_factory=list)
    ignored_lines: int = 0
    name: str = ""
    # CSV and TSV: which header each field was read from, and the headers left aside.
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    has_header: bool = field(default=False, repr=False)
    # CSV and TSV: rows with more fields than the header (what is past it is ignored).
    long_rows: list[int] = field(default_factory=list)

    def columns_text(self) -> str:
        """Which column fed which field (for CSV/TSV), as a sentence; "" otherwise."""
        if not self.columns:
            return ""
        used = ", ".join(f"{k} from “{clean_line(v)}”" for k, v in self.columns.items())
        aside = ", ".join(clean_line(h) for h in self.ignored_columns)
        return f"Columns: {used}" + (f"; ignored: {aside}" if aside else "") + "."

    def wordless_text(self, done: str) -> str:
        """'2 lines with no letters or digits skipped (lines 3, 4)' ("" when none)."""
        if not self.wordless_lines:
            return ""
        shown = ", ".join(str(n) for n in self.wordless_lines[:5])
        more = ", …" if len(self.wordless_lines) > 5 else ""
        which = "line" if len(self.wordless_lines) == 1 else "lines"
        done = f" {done}" if done else ""
        return (
            f"{plural(len(self.wordless_lines), 'line')} with no letters or digits"
            f"{done} ({which} {shown}{more})"
        )

    def nothing_text(self, name: str) -> str:
        """Why a list with no item has nothing to import, naming what it holds."""
        if self.format == "markdown" and self.ignored_lines:
            lines = plural(self.ignored_lines, "line")
            why = f"no list items, only {lines} of headings or other text"
        elif self.format in ("csv", "tsv") and self.has_header:
            why = f"the {self.format.upper()} has a header row but no items under it"
        elif self.wordless_lines:  # ("#", "---", a file of "[[[…]]]": not empty)
            why = "only " + self.wordless_text("")
            if self.blank_lines:
                why += f" and {plural(self.blank_lines, 'blank line')}"
        elif self.blank_lines:
            why = "it holds only blank lines"
        else:
            why = "it is empty"
        return f"{name}: nothing to import ({why})."

    def summary(self) -> str:
        """One line for a person: '12 items (CSV), 2 blank lines skipped, 1 duplicate:
        line 9 repeats line 4 (“Churn report”)'."""
        count = len(self.items)
        parts = [f"{plural(count, 'item')} ({_LABELS.get(self.format, self.format)})"]
        if self.blank_lines:
            parts.append(f"{plural(self.blank_lines, 'blank line')} skipped")
        if self.wordless_lines:
            parts.append(self.wordless_text("skipped"))
        if self.ignored_lines:
            parts.append(
                f"{plural(self.ignored_lines, 'other line')} ignored "
                "(headings and text outside the list)"
            )
        if self.long_rows:
            shown = ", ".join(str(n) for n in self.long_rows[:5])
            more = ", …" if len(self.long_rows) > 5 else ""
            which = "line" if len(self.long_rows) == 1 else "lines"
            verb = "has" if len(self.long_rows) == 1 else "have"
            parts.append(
                f"{which} {shown}{more} {verb} more fields than the header (the rest is "
                "ignored: a number written 1,5 needs quotes, or 1.5)"
            )
        if self.duplicates:
            repeats = "; ".join(
                f"line {line} repeats line {first} ({_quote(title)})"
                for line, first, title in self.duplicates
            )
            parts.append(f"{plural(len(self.duplicates), 'duplicate')}: {repeats}")
        return ", ".join(parts)


def _quote(title: str, limit: int = 40) -> str:
    text = clean_line(title)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text}”"
