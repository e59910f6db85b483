"""Lines of an import that a list already holds: the same file imported twice is said
and skipped, instead of doubling the list."""

from __future__ import annotations

from .model import ImportItem
from .text import clean_line, composed


def same_title(title: str) -> str:
    """A title as two lists are compared: cleaned, spaces collapsed, composed ("e" and
    a combining accent as "é"), case folded."""
    return " ".join(composed(clean_line(title)).split()).casefold()


def split_repeats(
    items: list[ImportItem], on_the_list: list[str]
) -> tuple[list[ImportItem], list[ImportItem]]:
    """(the items not on the list yet, the items whose title it already holds): importing
    the same file twice says so instead of doubling the list."""
    known = {same_title(title) for title in on_the_list}
    fresh = [item for item in items if same_title(item.title) not in known]
    repeats = [item for item in items if same_title(item.title) in known]
    return fresh, repeats


def repeats_text(repeats: list[ImportItem], whose: str, *, limit: int = 5) -> str:
    """'2 lines already on the team's list: line 3 “X”, line 7 “Y”'."""
    shown = ", ".join(f"line {item.line} “{clean_line(item.title)}”" for item in repeats[:limit])
    more = f" and {len(repeats) - limit} more" if len(repeats) > limit else ""
    count = len(repeats)
    return f"{count} line{'s' if count != 1 else ''} already on {whose}: {shown}{more}"


def asked_before(
    items: list[ImportItem], earlier: list[tuple[str, str, str]]
) -> list[tuple[ImportItem, str]]:
    """The lines whose title an earlier quarter's board had (`Store.earlier_items`,
    oldest first), each with what became of it there: the latest quarter's says."""
    fate = {same_title(title): what for title, _, what in earlier}
    return [(item, fate[key]) for item in items if (key := same_title(item.title)) in fate]


def asked_before_text(found: list[tuple[ImportItem, str]], *, limit: int = 3) -> str:
    """'2 lines were on an earlier quarter's board: line 3 “X” (chosen in 2026-Q2), …'."""
    shown = ", ".join(
        f"line {item.line} “{clean_line(item.title)}” ({fate})" for item, fate in found[:limit]
    )
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    count = len(found)
    were = "lines were" if count != 1 else "line was"
    return f"{count} {were} on an earlier quarter's board: {shown}{more}"
