"""`report(store)`: a Rich summary of every quarter and of which stakeholders each one
served or cut off."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..clock import utc_day
from ..history import Cell, Coverage, coverage
from ..model import QUARTER_NAME, Quarter
from ..store import Store, reads
from ..text import clean_line, path_text, plural

_CELLS: dict[Cell, tuple[str, str]] = {
    "served": ("■", "green"),
    "cut": ("✗", "bold red"),
    "none": ("·", "dim"),
    "open": ("○", "yellow"),
}


def _shorten(text: str, limit: int = 120) -> str:
    """One line, cut at a word before `limit` characters, with an ellipsis."""
    line = clean_line(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def _quarter_heading(name: str, compact: bool) -> Text:
    """A quarter as a column heading; on a report of many quarters, on two lines."""
    match = QUARTER_NAME.match(clean_line(name))
    if compact and match:
        return Text(f"{match.group(1)}\nQ{match.group(2)}")
    return Text(clean_line(name))


def _names(values: Iterable[str]) -> Text:
    return Text("\n".join(clean_line(v) for v in values))


@reads
def report(store: Store) -> Group:
    """Every quarter (status, decision, chosen blocks, rationale) and the stakeholder
    coverage: who each quarter served or cut off, with warnings for long cut-off runs."""
    cover = coverage(store)
    quarters = cover.quarters
    decided = [q for q in quarters if q.is_decided]
    header = Text()
    header.append("planboard report", style="bold")
    header.append(" — ")
    header.append(clean_line(path_text(store.path.name)))
    header.append(
        f"\n{plural(len(quarters), 'quarter')}, {len(decided)} decided, "
        f"{plural(len(cover.stakeholders), 'stakeholder')}"
    )
    legend = Text(
        "■ served: an item in a chosen block   ✗ cut off: sent items, none chosen\n"
        "· sent no list   ○ still open: the quarter is not decided yet",
        style="dim",
    )
    parts: list[RenderableType] = [
        header,
        Text(""),
        Text("Quarters", style="bold"),
        _quarters_table(store, quarters),
        Text(""),
        Text("Stakeholder coverage", style="bold"),
        _coverage_table(cover),
        legend,
    ]
    warnings = cover.warnings
    if warnings:
        parts.append(Text(""))
    for person, streak in warnings:
        line = Text("⚠ ", style="bold red")
        line.append(clean_line(person.name), style="bold")
        line.append(f" has been cut off {streak} decided quarters in a row.")
        parts.append(line)
    if not cover.stakeholders:
        parts.append(Text("No stakeholders yet."))
    return Group(*parts)


def _quarters_table(store: Store, quarters: list[Quarter]) -> Table:
    summary = Table()
    summary.add_column("Quarter", no_wrap=True)
    summary.add_column("Status", no_wrap=True)
    summary.add_column("Decided", no_wrap=True)
    summary.add_column("Chosen")
    summary.add_column("Rationale")
    for quarter in quarters:
        decided = quarter.status != "preparing"  # (another program's decision row on a
        decision = store.decision(quarter.id) if decided else None  # quarter prepared)
        chosen = [b for b in store.blocks(quarter.id) if b.chosen_rank and decided]
        chosen.sort(key=lambda b: b.chosen_rank or 0)
        status_style = {"decided": "green", "live": "bold yellow"}.get(quarter.status, "")
        summary.add_row(
            Text(clean_line(quarter.name), style="bold"),
            Text(clean_line(quarter.status), style=status_style),
            Text((utc_day(decision.decided_at) or "?") if decision else "—"),
            _names(f"{b.chosen_rank}. {b.name}" for b in chosen) if chosen else Text("—"),
            Text(_shorten(decision.rationale) if decision else "—"),
        )
    return summary


def _coverage_table(cover: Coverage) -> Table:
    quarters = cover.quarters
    table = Table()
    table.add_column("Stakeholder")
    compact = len(quarters) > 6
    for quarter in quarters:
        table.add_column(_quarter_heading(quarter.name, compact), justify="center", no_wrap=True)
    for label in ("■", "✗", "·", "○"):
        table.add_column(label, justify="right", no_wrap=True)
    for person in cover.stakeholders:
        name = Text(clean_line(person.name))
        if person.department:
            name.append(f" · {clean_line(person.department)}", style="dim")
        if person.archived:
            name.append(" (archived)", style="dim")
        cells = []
        for quarter in quarters:
            symbol, style = _CELLS[cover.cell(person.id, quarter.id)]
            cells.append(Text(symbol, style=style))
        counts = cover.counts(person.id)
        table.add_row(
            name,
            *cells,
            *(Text(str(counts[key])) for key in ("served", "cut", "none", "open")),
        )
    return table


def print_report(store: Store, console: Console) -> None:
    console.print(report(store))
