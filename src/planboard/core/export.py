"""Exports of a quarter's outcome, for publishing and for other tools, and the report of
all quarters.

`export(store, quarter_id, fmt)` gives the quarter as a short newsletter (Markdown or a
self-contained HTML page), one CSV row per item, or everything as JSON. All four are views
of `outcome()`. User text is cleaned of control characters on the way out (the file may
have been written by another program) and escaped for the format: `md()` for Markdown,
`html.escape` for HTML, the csv module (with formula cells neutralised) for CSV.

`report(store)` is a Rich summary of every quarter and of which stakeholders each one
served or cut off.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from .history import Cell, coverage
from .model import QUARTER_NAME, Item
from .outcome import BlockOutcome, Outcome, md, md_block, outcome, write_atomically
from .store import Store, reads
from .text import clean_line, clean_multiline, plural

Format = Literal["md", "html", "csv", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "csv", "json")
EXTENSIONS: dict[str, str] = {"md": ".md", "html": ".html", "csv": ".csv", "json": ".json"}
LABELS: dict[str, str] = {"md": "Markdown", "html": "HTML", "csv": "CSV", "json": "JSON"}

JSON_FORMAT = "planboard-quarter"
JSON_VERSION = 1

CSV_COLUMNS = (
    "quarter",
    "item_id",
    "title",
    "owner",
    "department",
    "place",
    "block",
    "chosen_rank",
    "status",
    "drop_reason",
    "effort",
    "notes",
    "merged_into",
    "carried_from",
)

JSON_SHAPE = """\
`planboard export PATH --format json` writes one quarter as one JSON object (UTF-8,
indented). Text is as stored, minus control characters; times are UTC, ISO 8601.

- `format`, `version`: always `"planboard-quarter"` and `1`.
- `quarter`: `id`, `name`, `status` (`preparing`, `live` or `decided`), `vision`,
  `created_at`.
- `decision`: `decided_at`, `rationale`, `attendees` (free text); `null` until decided.
- `meeting`: `started_at`, `ended_at`, `dot_budget`, `tally_hidden`, `timebox_minutes`;
  `null` if the planning event never started.
- `present`: the names of the stakeholders present at the event.
- `stakeholders`: `id`, `name`, `department` of everyone on the quarter's board.
- `blocks`, in board order: `id`, `name`, `description` (the case), `effort` (days, or
  `null`), `position`, `chosen_rank` (1 or 2 once the decision is confirmed, else
  `null`), `choice` (1, 2 or `null`: as chosen in the event, also before confirming),
  `dots`, `votes` (stakeholder name to dots), `items` (item ids, in the block's order).
- `items`, every item of the quarter: `id`, `title`, `notes`, `effort`, `owner` (a
  stakeholder's name, or `"Team"`), `stakeholder_id` (`null` for the team), `place`
  (`list`, `block`, `dropped` or `merged`), `block_id`, `status` (`open` or `dropped`),
  `drop_reason`, `position` (on its own list), `merged_into` (the item it was merged
  into), `carried_from` (the item of an earlier quarter it continues).
- `cut_off`, for a decided quarter (otherwise `[]`): `stakeholder` (name),
  `stakeholder_id`, `items` (how many they sent), `streak` (decided quarters in a row,
  this one included).

```json
{
  "format": "planboard-quarter",
  "version": 1,
  "quarter": {"id": 3, "name": "2026-Q2", "status": "decided",
              "vision": "Help employees decide faster.", "created_at": "2026-03-02T08:30:00Z"},
  "decision": {"decided_at": "2026-03-19T14:27:00Z", "rationale": "Churn first.",
               "attendees": "Lea, Omar"},
  "meeting": {"started_at": "2026-03-19T14:00:00Z", "ended_at": "2026-03-19T14:24:00Z",
              "dot_budget": 3, "tally_hidden": false, "timebox_minutes": 45},
  "present": ["Head of Sales"],
  "stakeholders": [{"id": 1, "name": "Head of Sales", "department": "Sales"}],
  "blocks": [{"id": 9, "name": "Churn early warning", "description": "…", "effort": 35.0,
              "position": 0, "chosen_rank": 1, "choice": 1, "dots": 3,
              "votes": {"Head of Sales": 3}, "items": [51]}],
  "items": [{"id": 51, "title": "Accounts at risk", "notes": "", "effort": null,
             "owner": "Head of Sales", "stakeholder_id": 1, "place": "block", "block_id": 9,
             "status": "open", "drop_reason": null, "position": 0, "merged_into": null,
             "carried_from": null}],
  "cut_off": [{"stakeholder": "CFO", "stakeholder_id": 5, "items": 2, "streak": 2}]
}
```
"""

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# ----------------------------------------------------------------------- shared facts


def _day(stamp: str | None) -> str:
    """`2026-03-19T14:27:00Z` as `19 March 2026` (the stamp as it is if it isn't one)."""
    text = clean_line(stamp)
    try:
        year, month, day = (int(part) for part in text[:10].split("-"))
        return f"{day} {_MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return text


def _title(name: str) -> str:
    return f"What the data team does in {clean_line(name)}"


def _not_decided(result: Outcome) -> str:
    name = clean_line(result.quarter.name)
    sentence = f"{name} is still being prepared: nothing is decided yet"
    if result.quarter.status == "live":
        sentence += " (the planning event is under way)"
    return sentence + "."


def _decided_line(result: Outcome) -> str:
    count = len(result.chosen)
    choices = {0: "no initiative", 1: "one initiative", 2: "two initiatives"}.get(
        count, f"{count} initiatives"
    )
    when = f" on {_day(result.decision.decided_at)}" if result.decision else ""
    return (
        f"Decided{when} at the quarterly planning event: this quarter the team commits to "
        f"{choices}."
    )


def _block_facts(entry: BlockOutcome) -> list[str]:
    facts = []
    if _effort(entry.block.effort):
        facts.append(f"about {_effort(entry.block.effort)} days")
    facts.append(plural(len(entry.items), "item"))
    if entry.dots:
        facts.append(plural(entry.dots, "dot"))
    return facts


def _owners(entry: BlockOutcome) -> list[str]:
    return [clean_line(owner) for owner in entry.owners]


def _streak(streak: int) -> str:
    return f"{streak} quarters in a row" if streak >= 2 else ""


def _loose_line(result: Outcome, decided: bool) -> str:
    count = len(result.loose)
    if not count:
        return ""
    if decided:
        return f"{plural(count, 'other request')} stayed on the lists, in no block."
    return f"{plural(count, 'request')} still on the lists, in no block yet."


def _present(result: Outcome) -> str:
    """Who was there: the decision's attendees, else who was marked present."""
    if result.decision and clean_multiline(result.decision.attendees):
        return result.decision.attendees
    return ", ".join(clean_line(name) for name in result.present)


# ------------------------------------------------------------------------ Markdown


def _markdown(result: Outcome) -> str:
    quarter = result.quarter
    decided = quarter.is_decided
    out = [f"# {md(_title(quarter.name))}", ""]
    if decided:
        out += [f"*{md(_decided_line(result))}*", ""]
    else:
        out += [
            f"**{md(_not_decided(result))}** The blocks below are proposals: the "
            "stakeholders choose one or two of them at the planning event.",
            "",
        ]
    if clean_multiline(quarter.vision):
        out += ["## Our vision", "", md_block(quarter.vision), ""]

    def block(entry: BlockOutcome, heading: str) -> None:
        out.extend([heading, ""])
        if clean_multiline(entry.block.description):
            out.extend([md_block(entry.block.description), ""])
        facts = " · ".join(md(f) for f in _block_facts(entry))
        owners = _owners(entry)
        if owners:
            facts += " · asked by " + ", ".join(md(o) for o in owners)
        out.extend([f"*{facts}*", ""])
        for item in entry.items:
            out.append(f"- {md(item.title)} — {md(result.owner(item))}")
        if entry.items:
            out.append("")

    if decided:
        out += ["## What we will do", ""]
        if not result.chosen:
            out += ["No block was chosen.", ""]
        for entry in result.chosen:
            block(entry, f"### {entry.block.chosen_rank}. {md(entry.block.name)}")
        if result.decision:
            out += ["## Why", "", md_block(result.decision.rationale), ""]
        present = _present(result)
        if clean_multiline(present):
            out += [f"**Who was there:** {md_block(present)}", ""]
        out += ["## What we will not do this quarter", ""]
        if not result.not_chosen:
            out += ["Every block was chosen.", ""]
        else:
            for entry in result.not_chosen:
                facts = plural(len(entry.items), "item")
                owners = _owners(entry)
                if owners:
                    facts += "; asked by " + ", ".join(owners)
                out.append(f"- **{md(entry.block.name)}** ({md(facts)})")
            out.append("")
    else:
        out += ["## The proposals", ""]
        if not result.chosen and not result.not_chosen:
            out += ["No block yet.", ""]
        for entry in sorted(result.chosen + result.not_chosen, key=lambda b: b.block.position):
            rank = f" (choice {entry.block.choice} so far)" if entry.block.choice else ""
            block(entry, f"### {md(entry.block.name)}{rank}")
        present = _present(result)
        if present:
            out += [f"**Present so far:** {md(present)}", ""]
    loose = _loose_line(result, decided)
    if loose:
        out += [md(loose), ""]

    out += ["## What we dropped, and why" if decided else "## Dropped so far, and why", ""]
    if not result.dropped:
        out += ["Nothing was dropped.", ""]
    else:
        for item in result.dropped:
            reason = md(item.drop_reason or "") or "no reason given"
            out.append(f"- **{md(item.title)}** ({md(result.owner(item))}): {reason}")
        out.append("")

    if decided:
        out += ["## Who gets nothing this quarter", ""]
        if not result.cut_off:
            out += ["Nobody: every stakeholder who sent a list has an item in a chosen block.", ""]
        else:
            for cut in result.cut_off:
                line = f"- **{md(cut.stakeholder.name)}**: {plural(cut.items, 'item')}, none chosen"
                streak = _streak(cut.streak)
                out.append(line + (f"; cut off {streak}" if streak else ""))
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------- HTML

_STYLE = """\
body { margin: 0; background: #fafaf7; color: #1f2328;
  font: 17px/1.6 Georgia, "Times New Roman", serif; }
main { max-width: 42rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
h1, h2, h3 { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  line-height: 1.25; }
h1 { font-size: 2rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 .5rem; border-bottom: 1px solid #d8d8d0;
  padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .25rem; }
.lead { color: #57606a; font-style: italic; }
.notice { background: #fff4d6; border-left: 4px solid #d29922; padding: .75rem 1rem; }
.facts { color: #57606a; font-size: .9rem; margin: .25rem 0; }
.owner { color: #57606a; }
.rank { color: #8250df; }
ul { padding-left: 1.25rem; }
li { margin: .2rem 0; }
"""


def _h(text: str | None) -> str:
    """One line of user text, escaped for HTML."""
    return html.escape(clean_line(text), quote=True)


def _h_block(text: str | None) -> str:
    """Several lines of user text as escaped paragraphs (a blank line separates them)."""
    paragraphs: list[list[str]] = [[]]
    for line in clean_multiline(text).split("\n"):
        if line.strip():
            paragraphs[-1].append(html.escape(line.strip(), quote=True))
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n".join(f"<p>{'<br>'.join(lines)}</p>" for lines in paragraphs if lines)


def _html(result: Outcome) -> str:
    quarter = result.quarter
    decided = quarter.is_decided
    title = _h(_title(quarter.name))
    out = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{title}</h1>",
    ]
    if decided:
        out.append(f'<p class="lead">{_h(_decided_line(result))}</p>')
    else:
        out.append(
            f'<p class="notice"><strong>{_h(_not_decided(result))}</strong> The blocks below '
            "are proposals: the stakeholders choose one or two of them at the planning "
            "event.</p>"
        )
    out.append("</header>")
    if clean_multiline(quarter.vision):
        out += ["<section>", "<h2>Our vision</h2>", _h_block(quarter.vision), "</section>"]

    def block(entry: BlockOutcome, heading: str) -> None:
        out.extend(["<article>", heading])
        if clean_multiline(entry.block.description):
            out.append(_h_block(entry.block.description))
        facts = " · ".join(_h(f) for f in _block_facts(entry))
        owners = _owners(entry)
        if owners:
            facts += " · asked by " + ", ".join(_h(o) for o in owners)
        out.append(f'<p class="facts">{facts}</p>')
        if entry.items:
            out.append("<ul>")
            for item in entry.items:
                out.append(
                    f'<li>{_h(item.title)} <span class="owner">— '
                    f"{_h(result.owner(item))}</span></li>"
                )
            out.append("</ul>")
        out.append("</article>")

    loose = _loose_line(result, decided)
    if decided:
        out += ["<section>", "<h2>What we will do</h2>"]
        if not result.chosen:
            out.append("<p>No block was chosen.</p>")
        for entry in result.chosen:
            block(
                entry,
                f'<h3><span class="rank">{entry.block.chosen_rank}.</span> '
                f"{_h(entry.block.name)}</h3>",
            )
        out.append("</section>")
        out += ["<section>", "<h2>Why</h2>"]
        if result.decision:
            out.append(_h_block(result.decision.rationale))
        present = _present(result)
        if clean_multiline(present):
            lines = "<br>".join(
                html.escape(line.strip(), quote=True)
                for line in clean_multiline(present).split("\n")
                if line.strip()
            )
            out.append(f"<p><strong>Who was there:</strong> {lines}</p>")
        out.append("</section>")
        out += ["<section>", "<h2>What we will not do this quarter</h2>"]
        if not result.not_chosen:
            out.append("<p>Every block was chosen.</p>")
        else:
            out.append("<ul>")
            for entry in result.not_chosen:
                facts = plural(len(entry.items), "item")
                owners = _owners(entry)
                if owners:
                    facts += "; asked by " + ", ".join(owners)
                out.append(f"<li><strong>{_h(entry.block.name)}</strong> ({_h(facts)})</li>")
            out.append("</ul>")
        if loose:
            out.append(f"<p>{_h(loose)}</p>")
        out.append("</section>")
    else:
        out += ["<section>", "<h2>The proposals</h2>"]
        if not result.chosen and not result.not_chosen:
            out.append("<p>No block yet.</p>")
        for entry in sorted(result.chosen + result.not_chosen, key=lambda b: b.block.position):
            rank = f" (choice {entry.block.choice} so far)" if entry.block.choice else ""
            block(entry, f"<h3>{_h(entry.block.name)}{rank}</h3>")
        present = _present(result)
        if present:
            out.append(f"<p><strong>Present so far:</strong> {_h(present)}</p>")
        if loose:
            out.append(f"<p>{_h(loose)}</p>")
        out.append("</section>")

    out += ["<section>", f"<h2>{'What we dropped' if decided else 'Dropped so far'}, and why</h2>"]
    if not result.dropped:
        out.append("<p>Nothing was dropped.</p>")
    else:
        out.append("<ul>")
        for item in result.dropped:
            reason = _h(item.drop_reason) or "no reason given"
            out.append(
                f"<li><strong>{_h(item.title)}</strong> "
                f'<span class="owner">({_h(result.owner(item))})</span>: {reason}</li>'
            )
        out.append("</ul>")
    out.append("</section>")

    if decided:
        out += ["<section>", "<h2>Who gets nothing this quarter</h2>"]
        if not result.cut_off:
            out.append(
                "<p>Nobody: every stakeholder who sent a list has an item in a chosen block.</p>"
            )
        else:
            out.append("<ul>")
            for cut in result.cut_off:
                streak = _streak(cut.streak)
                out.append(
                    f"<li><strong>{_h(cut.stakeholder.name)}</strong>: "
                    f"{plural(cut.items, 'item')}, none chosen"
                    + (f"; cut off {streak}" if streak else "")
                    + "</li>"
                )
            out.append("</ul>")
        out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ items, CSV, JSON

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _effort(value: float | None) -> str:
    """Days as written for people ("" if not recorded). The file may hold anything
    another program put there."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f"{value:g}"
    return clean_line(str(value))


def _number(value: object) -> float | int | None:
    """A number for JSON, or null when the file holds something else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _all_items(store: Store, quarter_id: int) -> list[tuple[Item, str]]:
    """Every item of the quarter with its place (list, block, dropped, merged), in board
    order: the lists, the blocks, the dropped items, then the merged requests."""
    board = store.board(quarter_id)
    order = {"list": 0, "block": 1, "dropped": 2}
    positions = {block.id: block.position for block in board.blocks}
    found: list[tuple[Item, str]] = []
    places = sorted(
        board.places.items(),
        key=lambda kv: (
            order[kv[0].kind],
            positions.get(kv[0].ref or 0, 0) if kv[0].is_block else 0,
        ),
    )
    for place, items in places:
        found += [(item, place.kind) for item in items]
    merged = [item for items in board.merged.values() for item in items]
    found += [(item, "merged") for item in sorted(merged, key=lambda i: i.id)]
    return found


def _csv(store: Store, quarter_id: int, result: Outcome) -> str:
    blocks = {entry.block.id: entry.block for entry in result.chosen + result.not_chosen}
    people = result.stakeholders
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item, place in _all_items(store, quarter_id):
        person = people.get(item.stakeholder_id) if item.stakeholder_id is not None else None
        block = blocks.get(item.block_id) if item.block_id is not None else None
        row = [
            clean_line(result.quarter.name),
            item.id,
            clean_line(item.title),
            clean_line(result.owner(item)),
            clean_line(person.department) if person else "",
            place,
            clean_line(block.name) if block and place == "block" else "",
            block.chosen_rank if block and place == "block" and block.chosen_rank else "",
            item.status,
            clean_line(item.drop_reason) if item.status == "dropped" else "",
            _effort(item.effort),
            clean_multiline(item.notes),
            item.merged_into,
            item.carried_from,
        ]
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _json(store: Store, quarter_id: int, result: Outcome) -> str:
    quarter = result.quarter
    decided = quarter.is_decided
    entries = sorted(result.chosen + result.not_chosen, key=lambda b: b.block.position)
    shown = {s.id: s for s in store.stakeholders(quarter_id)}
    for cut in result.cut_off if decided else []:
        shown.setdefault(cut.stakeholder.id, cut.stakeholder)
    meeting = result.meeting
    data: dict[str, Any] = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "quarter": {
            "id": quarter.id,
            "name": clean_line(quarter.name),
            "status": quarter.status,
            "vision": clean_multiline(quarter.vision),
            "created_at": clean_line(quarter.created_at),
        },
        "decision": (
            {
                "decided_at": clean_line(result.decision.decided_at),
                "rationale": clean_multiline(result.decision.rationale),
                "attendees": clean_multiline(result.decision.attendees),
            }
            if result.decision
            else None
        ),
        "meeting": (
            {
                "started_at": clean_line(meeting.started_at),
                "ended_at": clean_line(meeting.ended_at) or None,
                "dot_budget": meeting.dot_budget,
                "tally_hidden": bool(meeting.tally_hidden),
                "timebox_minutes": meeting.timebox_minutes,
            }
            if meeting
            else None
        ),
        "present": [clean_line(name) for name in result.present],
        "stakeholders": [
            {"id": s.id, "name": clean_line(s.name), "department": clean_line(s.department)}
            for s in sorted(shown.values(), key=lambda s: (s.name.casefold(), s.id))
        ],
        "blocks": [
            {
                "id": entry.block.id,
                "name": clean_line(entry.block.name),
                "description": clean_multiline(entry.block.description),
                "effort": _number(entry.block.effort),
                "position": entry.block.position,
                "chosen_rank": entry.block.chosen_rank,
                "choice": entry.block.choice,
                "dots": entry.dots,
                "votes": {clean_line(name): dots for name, dots in entry.votes.items()},
                "items": [item.id for item in entry.items],
            }
            for entry in entries
        ],
        "items": [
            {
                "id": item.id,
                "title": clean_line(item.title),
                "notes": clean_multiline(item.notes),
                "effort": _number(item.effort),
                "owner": clean_line(result.owner(item)),
                "stakeholder_id": item.stakeholder_id,
                "place": place,
                "block_id": item.block_id,
                "status": item.status,
                "drop_reason": clean_line(item.drop_reason) if item.drop_reason else None,
                "position": item.position,
                "merged_into": item.merged_into,
                "carried_from": item.carried_from,
            }
            for item, place in _all_items(store, quarter_id)
        ],
        "cut_off": [
            {
                "stakeholder": clean_line(cut.stakeholder.name),
                "stakeholder_id": cut.stakeholder.id,
                "items": cut.items,
                "streak": cut.streak,
            }
            for cut in (result.cut_off if decided else [])
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------- the API


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
    return board.with_name(f"{board.stem}.{quarter_name}{EXTENSIONS[fmt]}")


def write_export(store: Store, quarter_id: int, fmt: str, path: Path | None = None) -> Path:
    """Write the export atomically (a temporary file, then a rename: nothing half-written
    is ever left) to `path`, or beside the board."""
    text = export(store, quarter_id, fmt)
    target = (
        Path(path)
        if path is not None
        else export_path(store.path, store.quarter(quarter_id).name, fmt)
    )
    return write_atomically(target, text)


# -------------------------------------------------------------------------- report

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
    header.append(clean_line(store.path.name))
    header.append(
        f"\n{plural(len(quarters), 'quarter')}, {len(decided)} decided, "
        f"{plural(len(cover.stakeholders), 'stakeholder')}"
    )

    summary = Table()
    summary.add_column("Quarter", no_wrap=True)
    summary.add_column("Status", no_wrap=True)
    summary.add_column("Decided", no_wrap=True)
    summary.add_column("Chosen")
    summary.add_column("Rationale")
    for quarter in quarters:
        decision = store.decision(quarter.id)
        chosen = [b for b in store.blocks(quarter.id) if b.chosen_rank]
        chosen.sort(key=lambda b: b.chosen_rank or 0)
        status_style = {"decided": "green", "live": "bold yellow"}.get(quarter.status, "")
        summary.add_row(
            Text(clean_line(quarter.name), style="bold"),
            Text(clean_line(quarter.status), style=status_style),
            Text(clean_line(decision.decided_at)[:10] if decision else "—"),
            _names(f"{b.chosen_rank}. {b.name}" for b in chosen) if chosen else Text("—"),
            Text(_shorten(decision.rationale) if decision else "—"),
        )

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
    legend = Text(
        "■ served: an item in a chosen block   ✗ cut off: sent items, none chosen\n"
        "· sent no list   ○ still open: the quarter is not decided yet",
        style="dim",
    )
    parts: list[RenderableType] = [
        header,
        Text(""),
        Text("Quarters", style="bold"),
        summary,
        Text(""),
        Text("Stakeholder coverage", style="bold"),
        table,
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


def print_report(store: Store, console: Console) -> None:
    console.print(report(store))
