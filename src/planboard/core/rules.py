"""The board's rules, in one place and free of I/O: where an item may go, and why a
quarter can't be changed. The store enforces them; the screens ask them for previews,
dimmed keys and refusal messages, so what a screen promises is what the store does."""

from __future__ import annotations

from collections.abc import Iterable

from .model import TEAM, Item, Place, Quarter
from .record import Frozen, set_field


class Verdict(Frozen):
    """What moving an item to a place would do."""

    __slots__ = ("allowed", "needs_reason", "reorders", "restores", "why_not")
    allowed: bool
    why_not: str
    needs_reason: bool
    reorders: bool
    restores: bool

    def __init__(
        self,
        allowed: bool,
        why_not: str = "",  # when not allowed: why, as a clause ("it is not its list")
        needs_reason: bool = False,  # dropping asks why (the move alone is refused)
        reorders: bool = False,  # the item stays where it is and takes another position
        restores: bool = False,  # back to its own list, from a block or the dropped area
    ) -> None:
        set_field(self, "allowed", allowed)
        set_field(self, "why_not", why_not)
        set_field(self, "needs_reason", needs_reason)
        set_field(self, "reorders", reorders)
        set_field(self, "restores", restores)


def move_verdict(item: Item, target: Place) -> Verdict:
    """Whether `item` may move to `target`, and what that move is.

    An item goes into any block of its quarter, into the dropped area (with a reason),
    or back to its own list; never onto another stakeholder's list.
    """
    source = item.place
    if target.is_list and target.ref != item.stakeholder_id:
        return Verdict(False, why_not="an item only goes back to its own list")
    if target == source:
        return Verdict(True, reorders=True)
    if target.is_dropped:
        return Verdict(True, needs_reason=True)
    return Verdict(True, restores=target.is_list)


def stakeholder_name_problem(name: str) -> str:
    """Why a stakeholder can't have this name ("" if they can): "Team" is how the team's
    own list is named everywhere (its marks, who asked, the exports), and a stakeholder
    called so would be counted as the team."""
    if name.strip().casefold() == TEAM.casefold():
        return (
            f"“{TEAM}” names the team's own list; give the stakeholder another name "
            "(e.g. “Team lead”)."
        )
    return ""


def why_read_only(quarter: Quarter | None, *, file_reason: str | None = None) -> str:
    """Why the board can't be changed, as a sentence; "" if it can. `file_reason` says
    why the file itself is open read-only (None: it is not)."""
    if file_reason is not None:
        return f"This board is open read-only ({file_reason})."
    if quarter is not None and quarter.is_decided:
        return f"{quarter.name} is decided, so its board is read-only."
    return ""


def why_not_live(quarter: Quarter) -> str:
    """Why the planning event of this quarter can't be changed now; "" if it can."""
    if quarter.status != "live":
        return f"{quarter.name} is {quarter.status}, not live."
    return ""


def why_not_start(quarter: Quarter, quarters: list[Quarter]) -> str:
    """Why `quarter`'s planning event can't start, or the quarter be reopened ("" if it
    can): one event is live at a time (the browser view follows the one live quarter; a
    second one started by mistake showed the attendees an empty board while the room
    voted on the first)."""
    live = [q for q in quarters if q.status == "live" and q.id != quarter.id]
    if not live:
        return ""
    return (
        f"{live[0].name}'s planning event is live: decide it or end it first (M on "
        f"{live[0].name}); one event is live at a time."
    )


def why_not_choose(block_name: str, items: int, *, chosen: bool = False) -> str:
    """Why a block can't be one of the quarter's choices ("" if it can): a block with
    no item in it would be an initiative with no work, and would cut off every list.
    `chosen`: asked at the decision, of a block chosen before it was emptied."""
    if items > 0:
        return ""
    # (Short: said on the meeting's status line, which must fit 100 columns.)
    if chosen:
        return f"{block_name} holds no items: put some in it (b: the board) or unchoose it (0)."
    return f"{block_name} holds no items: put some in it (b: the board) before choosing it."


def why_not_remove_block(block_name: str, choice: int | None) -> str:
    """Why a block can't be dropped or deleted ("" if it can): it is chosen in the
    event (the screen says so before it asks why or whether; the store refuses it all
    the same). A delete took the choice with it, and the question did not say so."""
    if not choice:
        return ""
    return f"{block_name} is chosen ({choice}): unchoose it first (0 on its card in the event: M)."


def cut_streak(cells: Iterable[str]) -> int:
    """How many decided quarters in a row a stakeholder was cut off, from the latest
    back (`cells`: their cell in each decided quarter, newest first: "cut", "served",
    "none" for no list). A quarter they sent no list for neither counts nor ends the
    run: someone who stopped asking after being left out is who the warning is for."""
    count = 0
    for cell in cells:
        if cell == "cut":
            count += 1
        elif cell != "none":
            break
    return count
