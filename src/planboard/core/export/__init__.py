"""Exports of a quarter's outcome, for publishing and for other tools, and the report of
all quarters.

`export(store, quarter_id, fmt)` gives the quarter as a short newsletter (Markdown or a
self-contained HTML page), one CSV row per item, or everything as JSON. All four are views
of `outcome()`. User text is cleaned of control characters on the way out (the file may
have been written by another program) and escaped for the format: `md()` for Markdown,
`html.escape` for HTML, the csv module (with formula cells neutralised) for CSV.

`report(store)` is a Rich summary of every quarter and of which stakeholders each one
served or cut off.

The formats live in modules of their own: `markdown`, `webpage` (HTML), `items` (CSV and
JSON); `facts` holds what they say alike, `summary` the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..outcome import outcome, write_atomically
from ..store import Store, reads
from ..text import in_file_name
from .items import CSV_COLUMNS, JSON_FORMAT, JSON_SHAPE, JSON_VERSION, _csv, _json, left_out
from .markdown import _markdown
from .summary import print_report, report
from .webpage import _html

__all__ = [
    "CSV_COLUMNS",
    "EXTENSIONS",
    "FORMATS",
    "JSON_FORMAT",
    "JSON_SHAPE",
    "JSON_VERSION",
    "LABELS",
    "Format",
    "export",
    "export_path",
    "left_out",
    "print_report",
    "report",
    "write_export",
]

Format = Literal["md", "html", "csv", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "csv", "json")
EXTENSIONS: dict[str, str] = {"md": ".md", "html": ".html", "csv": ".csv", "json": ".json"}
LABELS: dict[str, str] = {"md": "Markdown", "html": "HTML", "csv": "CSV", "json": "JSON"}


@reads
def export(store: Store, quarter_id: int, fmt: str) -> str:
    """The quarter in one format: "md", "html", "csv" or "json"."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    result = outcome(store, quarter_id)
    if fmt == "md":
        return _markdown(result)
    if fmt == "html":
        return _html(result)
    if fmt == "csv":
        return _csv(store, quarter_id, result)
    return _json(store, quarter_id, result)


def export_path(board: Path, quarter_name: str, fmt: str) -> Path:
    """Where an export goes by default: `<board stem>.<quarter>.<ext>` beside the board."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    return board.with_name(f"{board.stem}.{in_file_name(quarter_name)}{EXTENSIONS[fmt]}")


def write_export(
    store: Store, quarter_id: int, fmt: str, path: Path | None = None, *, text: str | None = None
) -> Path:
    """Write the export atomically (a temporary file, then a rename: nothing half-written
    is ever left) to `path`, or beside the board. `text`: the export made already."""
    text = export(store, quarter_id, fmt) if text is None else text
    target = (
        Path(path)
        if path is not None
        else export_path(store.path, store.quarter(quarter_id).name, fmt)
    )
    return write_atomically(target, text, board=store.path)
