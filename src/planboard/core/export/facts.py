"""What every format of the export says the same way: the dates, the headline, the facts
of a block."""

from __future__ import annotations

from ..clock import utc_moment
from ..outcome import BlockOutcome, Outcome
from ..text import clean_line, clean_multiline, plural

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
    """`2026-03-19T14:27:00Z` as `19 March 2026`, the day in UTC ("" if it is not a
    time: another program's `2026-02-30` was "30 February 2026")."""
    moment = utc_moment(stamp)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}" if moment else ""


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
    day = _day(result.decision.decided_at) if result.decision else ""
    when = f" on {day}" if day else ""
    return (
        f"Decided{when} at the quarterly planning event: this quarter the team commits to "
        f"{choices}."
    )


def _block_facts(entry: BlockOutcome, tally_hidden: bool = False) -> list[str]:
    facts = []
    if _effort(entry.block.effort):
        facts.append(f"about {_effort(entry.block.effort)} days")
    facts.append(plural(len(entry.items), "item"))
    if entry.dots and not tally_hidden:
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


def _effort(value: float | None) -> str:
    """Days as written for people ("" if not recorded). The file may hold anything
    another program put there."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f"{value:g}"
    return clean_line(str(value))
