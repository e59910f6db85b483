"""Many boards read together: every team's quarters side by side, and the stakeholders
whom every team they asked cut off in the same quarter.

A head of data with several teams has several board files (or a folder of restored
replicas). Each team is named after its file (`sales-analytics.db` → `sales-analytics`).
Stakeholders are matched across boards by name, ignoring ASCII case, the way one board
compares them.

A stakeholder is **starved** in a quarter when they sent items to at least two teams
that quarter, every one of those teams has decided it, and none chose any of their items.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .clock import utc_iso
from .history import coverage
from .store import Store
from .text import clean_line, name_order, path_text, plural

JSON_FORMAT = "planboard-boards"
JSON_VERSION = 1

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def same_name(name: str) -> str:
    return clean_line(name).translate(_ASCII_LOWER)


@dataclass
class TeamQuarter:
    """One quarter of one team's board."""

    team: str
    quarter: str
    status: str
    decided_at: str
    chosen: list[str]
    served: list[str]
    cut_off: list[str]
    asked: list[str]  # every stakeholder who sent items


@dataclass
class Starved:
    quarter: str
    stakeholder: str
    teams: list[str]


@dataclass
class Boards:
    """Every team's quarters (team, then quarter), and who was starved."""

    teams: list[tuple[str, Path]]
    quarters: list[TeamQuarter]
    starved: list[Starved] = field(default_factory=list)


def team_name(path: Path) -> str:
    return clean_line(path_text(path.stem)) or clean_line(path_text(path.name))


def read_board(store: Store, team: str) -> list[TeamQuarter]:
    """One board's quarters: what each chose, whom it served and cut off."""
    cover = coverage(store)
    names = {s.id: clean_line(s.name) for s in cover.stakeholders}
    found = []
    for quarter in cover.quarters:
        decision = store.decision(quarter.id)
        chosen = sorted(
            (b for b in store.blocks(quarter.id) if b.chosen_rank),
            key=lambda b: b.chosen_rank or 0,
        )

        def who(kind: str, quarter_id: int = quarter.id) -> list[str]:
            return sorted(
                (
                    names[s]
                    for (s, q), cell in cover.cells.items()
                    if q == quarter_id and cell == kind and s in names
                ),
                key=str.casefold,
            )

        asked = sorted(
            (names[s] for (s, q) in cover.items if q == quarter.id and s in names),
            key=str.casefold,
        )
        found.append(
            TeamQuarter(
                team=team,
                quarter=clean_line(quarter.name),
                status=quarter.status,
                decided_at=clean_line(decision.decided_at) if decision else "",
                chosen=[clean_line(b.name) for b in chosen],
                served=who("served"),
                cut_off=who("cut"),
                asked=asked,
            )
        )
    return found


def starved(quarters: list[TeamQuarter]) -> list[Starved]:
    """Stakeholders cut off by every team they asked in a quarter (two teams or more,
    all decided)."""
    asked: dict[tuple[str, str], list[TeamQuarter]] = {}
    shown: dict[str, str] = {}
    for entry in quarters:
        for name in entry.asked:
            key = same_name(name)
            shown.setdefault(key, name)
            asked.setdefault((entry.quarter, key), []).append(entry)
    found = []
    for (quarter, key), entries in asked.items():
        teams = {e.team for e in entries}
        if len(teams) < 2 or any(e.status != "decided" for e in entries):
            continue
        if all(key in {same_name(n) for n in e.cut_off} for e in entries):
            found.append(Starved(quarter, shown[key], sorted(teams, key=str.casefold)))
    return sorted(found, key=lambda s: (s.quarter, name_order(s.stakeholder)))


def read_boards(stores: list[tuple[Path, Store]]) -> Boards:
    names = [team_name(path) for path, _ in stores]
    # Two files of the same name in different folders: the folder tells them apart.
    names = [
        f"{clean_line(path_text(path.absolute().parent.name))}/{name}"
        if names.count(name) > 1
        else name
        for name, (path, _) in zip(names, stores, strict=True)
    ]
    teams = [(name, path) for name, (path, _) in zip(names, stores, strict=True)]
    quarters = []
    for (team, _), (_, store) in zip(teams, stores, strict=True):
        quarters += read_board(store, team)
    return Boards(teams, quarters, starved(quarters))


def board_files(paths: list[Path]) -> list[Path]:
    """The board files named, a folder standing for the `.db` files in it (backups and
    hidden files left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix == ".db"
                and not p.name.startswith(".")
                and not p.name.endswith(".backup.db")
            )
            files += inside
        else:
            files.append(path)
    # One file named twice (`a.db ./a.db`) is one board: counted twice, it was two teams.
    seen: set[object] = set()
    once = []
    for path in files:
        try:
            found = path.stat()
        except OSError:
            once.append(path)  # (opening it says what is wrong)
            continue
        # (Some network and FUSE file systems give every file inode 0: the path then.)
        file = (found.st_dev, found.st_ino) if found.st_ino else str(path.resolve())
        if file not in seen:
            seen.add(file)
            once.append(path)
    return once


def to_json(boards: Boards) -> str:
    data: dict[str, Any] = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "boards": [
            {
                "team": team,
                "file": path_text(path),
                "quarters": [
                    {
                        "name": q.quarter,
                        "status": q.status,
                        "decided_at": utc_iso(q.decided_at),
                        "chosen": q.chosen,
                        "served": q.served,
                        "cut_off": q.cut_off,
                    }
                    for q in boards.quarters
                    if q.team == team
                ],
            }
            for team, path in boards.teams
        ],
        "starved": [
            {"quarter": s.quarter, "stakeholder": s.stakeholder, "teams": s.teams}
            for s in boards.starved
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def report(boards: Boards) -> Group:
    """One table of every team's quarters, then the starved stakeholders."""
    header = Text("planboard report", style="bold")
    header.append(" — ", style="")
    header.append(f"{plural(len(boards.teams), 'board')}: ", style="")
    header.append(", ".join(team for team, _ in boards.teams), style="")

    table = Table()
    table.add_column("Quarter", no_wrap=True)
    table.add_column("Team", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Chosen")
    table.add_column("Cut off")
    ordered = sorted(boards.quarters, key=lambda q: (q.quarter, q.team.casefold()))
    previous = None
    for entry in ordered:
        style = {"decided": "green", "live": "bold yellow"}.get(entry.status, "")
        table.add_row(
            Text(entry.quarter if entry.quarter != previous else "", style="bold"),
            Text(entry.team),
            Text(entry.status, style=style),
            Text("\n".join(f"{n}. {c}" for n, c in enumerate(entry.chosen, 1)) or "—"),
            Text(", ".join(entry.cut_off) or "—"),
        )
        previous = entry.quarter
    parts: list[RenderableType] = [header, Text(""), table, Text("")]
    if boards.starved:
        parts.append(Text("Cut off by every team they asked, in the same quarter", style="bold"))
        for hungry in boards.starved:
            line = Text("⚠ ", style="bold red")
            line.append(hungry.quarter, style="bold")
            line.append("  ")
            line.append(hungry.stakeholder, style="bold")
            line.append(f" — asked {len(hungry.teams)} teams ({', '.join(hungry.teams)}), ")
            line.append("none chose any of their items.")
            parts.append(line)
    else:
        parts.append(Text("No stakeholder was cut off by every team they asked in a quarter."))
    return Group(*parts)
