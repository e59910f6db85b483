"""The one key map: every key of every screen, with an id, its help line and its palette
entry. The screens' `BINDINGS`, the help screen and the command palette are built from
it, and a user's `keys.toml` remaps keys by id (see `load_user_keys`)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from .key import Entry as Entry
from .key import Key as Key
from .key import Note as Note
from .key import command as command

MOVE = "Move around"
ITEMS = "Items"
BLOCKS = "Blocks, stakeholders, quarters"
ELSE = "Everything else"
MOUSE = "Mouse"
EVENT = "The planning event"

# The columns of the board (each a `BoardList`): their keys show in the board's help.
COLUMN: list[Entry] = [
    Key("column.up", "up,k", "cursor(-1)", "Up", MOVE, "previous / next line"),
    Key("column.down", "down,j", "cursor(1)", "Down", MOVE, "previous / next line"),
    Key("column.first", "home", "cursor_to(0)", "First", MOVE, "jump within a column"),
    Key("column.last", "end", "cursor_to(-1)", "Last", MOVE, "jump within a column"),
    Key("column.page_up", "pageup", "page(-1)", "Page up", MOVE, "jump within a column"),
    Key("column.page_down", "pagedown", "page(1)", "Page down", MOVE, "jump within a column"),
]

_COLUMN_HELP = "the column to the left / right (Tab / Shift+Tab: each in turn)"
_SHIFT_HELP = "move the item (or block) up / down"
_TO_BLOCK = "move the item to block 1 … 9"

BOARD: list[Entry] = [
    Key("board.column_left", "left,h", "focus_column(-1)", "Column left", MOVE, _COLUMN_HELP),
    Key("board.column_right", "right,l", "focus_column(1)", "Column right", MOVE, _COLUMN_HELP),
    Key(
        "board.new_item",
        "n",
        "new_item",
        "New",
        ITEMS,
        "new item on the list in focus",
        show=True,
        tooltip="Add an item to the list in focus",
        palette=(("item: New", "Add an item to the list in focus"),),
    ),
    Key(
        "board.new_block",
        "b",
        "new_block",
        "Block",
        BLOCKS,
        "new block",
        show=True,
        palette=(("block: New", "Create a block"),),
    ),
    Key(
        "board.move_to_block",
        "m",
        "move_to_block",
        "Move",
        ITEMS,
        "move the item to a block (pick it)",
        show=True,
        tooltip="Move the item to a block",
        palette=(("item: Move to block…", "Move the highlighted item into a block"),),
    ),
    *[
        Key(f"board.move_to_{n}", str(n), f"move_to_nth({n})", f"To block {n}", ITEMS, _TO_BLOCK)
        for n in range(1, 10)
    ],
    Key(
        "board.drop",
        "d",
        "drop",
        "Drop",
        ITEMS,
        "drop the item (asks a reason); on a block's title, the whole block",
        show=True,
        tooltip="Drop the item (or the block), with a reason",
        palette=(
            (
                "item: Drop…",
                "Drop the highlighted item (on a block's title, the block), with a reason",
            ),
        ),
    ),
    Key(
        "board.restore",
        "r",
        "restore",
        "Back",
        ITEMS,
        "send the item back to its list (restore a dropped one)",
        show=True,
        tooltip="Send the item back to its list",
        palette=(("item: Back to its list", "Send the item back to its list / restore it"),),
    ),
    Key(
        "board.shift_up",
        "shift+up,K",
        "shift(-1)",
        "Up",
        ITEMS,
        _SHIFT_HELP,
        palette=(("item: Move up", "Move the highlighted item up"),),
    ),
    Key(
        "board.shift_down",
        "shift+down,J",
        "shift(1)",
        "Down",
        ITEMS,
        _SHIFT_HELP,
        palette=(("item: Move down", "Move the highlighted item down"),),
    ),
    Key(
        "board.edit",
        "e,enter",
        "edit",
        "Edit",
        ITEMS,
        "edit what is highlighted",
        palette=(
            ("item: Edit", "Edit the highlighted item, block or stakeholder"),
            ("block: Edit", "Rename the block or write its case"),
            ("stakeholder: Edit", "Edit the highlighted stakeholder"),
        ),
    ),
    Key(
        "board.delete",
        "delete,x",
        "delete",
        "Delete",
        ITEMS,
        "delete what is highlighted (asks first)",
        palette=(
            ("item: Delete", "Delete the highlighted item for good"),
            ("block: Delete", "Delete the highlighted block (items go back)"),
            ("stakeholder: Remove", "Remove the highlighted stakeholder"),
        ),
    ),
    Key(
        "board.also_asked",
        "a",
        "also_asked",
        "Also asked",
        ITEMS,
        "who else asks for the item (similar requests; merge them)",
        palette=(("item: Who else asks…", "Similar requests on other lists; merge them"),),
    ),
    Key(
        "board.suggest",
        "S",
        "suggest",
        "Suggest blocks",
        BLOCKS,
        "suggested blocks, from requests several lists share",
        palette=(("block: Suggest blocks…", "From requests several lists share"),),
    ),
    Key(
        "board.new_stakeholder",
        "s",
        "new_stakeholder",
        "New stakeholder",
        BLOCKS,
        "new stakeholder",
        palette=(("stakeholder: New", "Add a stakeholder"),),
    ),
    Key(
        "board.import_list",
        "i",
        "import_list",
        "Import",
        BLOCKS,
        "import a list (a file or pasted lines) into the list in focus",
        palette=(("list: Import…", "A file or pasted lines into the list in focus"),),
    ),
    Key(
        "board.undo",
        "u,ctrl+z",
        "undo",
        "Undo",
        ELSE,
        "undo (also after reopening the file)",
        show=True,
        palette=(("board: Undo", "Undo the last change"),),
    ),
    Key(
        "board.redo",
        "ctrl+y,U",
        "redo",
        "Redo",
        ELSE,
        "redo",
        palette=(("board: Redo", "Redo what was undone"),),
    ),
    Key(
        "board.switch_quarter",
        "o",
        "switch_quarter",
        "Quarter",
        BLOCKS,
        "open another quarter, or create one",
        show=True,
        palette=(("quarter: Open…", "Show another quarter"),),
    ),
    Key(
        "board.previous_quarter",
        "left_square_bracket",
        "step_quarter(-1)",
        "Previous quarter",
        BLOCKS,
        "the quarter before / after",
        palette=(("quarter: Previous", "Show the quarter before"),),
    ),
    Key(
        "board.next_quarter",
        "right_square_bracket",
        "step_quarter(1)",
        "Next quarter",
        BLOCKS,
        "the quarter before / after",
        palette=(("quarter: Next", "Show the quarter after"),),
    ),
    command("board.new_quarter", "new_quarter", "quarter: New…", "Create a quarter"),
    command(
        "board.delete_quarter",
        "delete_quarter",
        "quarter: Delete (empty or untouched)",
        "Delete the quarter on screen if it holds nothing, or only what it carried "
        "over and nothing was done to it since",
    ),
    Key(
        "board.edit_vision",
        "v",
        "edit_vision",
        "Vision",
        BLOCKS,
        "edit the quarter's vision",
        palette=(("quarter: Edit vision", "Write the team's vision for the quarter"),),
    ),
    Key(
        "board.meeting",
        "M",
        "meeting",
        "Meeting",
        BLOCKS,
        "the planning event: start it, open it, or see its decision",
        show=True,
        tooltip="Start or open the planning event",
        palette=(("meeting: Start or open the event", "The meeting view for the shared screen"),),
    ),
    command(
        "board.end_meeting",
        "end_meeting",
        "meeting: End without a decision",
        "Back to preparing; votes stay",
    ),
    command(
        "board.reopen", "reopen", "quarter: Reopen (decided)…", "Withdraw the decision, on purpose"
    ),
    Key(
        "board.history",
        "H",
        "history",
        "History",
        BLOCKS,
        "history: every quarter, what was chosen and why",
        palette=(("history: Past quarters", "Every quarter, what was chosen and why"),),
    ),
    command(
        "board.start_next_quarter",
        "next_quarter",
        "quarter: Start the next quarter…",
        "Carry over what was not chosen",
    ),
    *[
        command(f"board.export_{fmt}", f"export('{fmt}')", f"export: {title}", what)
        for fmt, title, what in (
            ("md", "Markdown", "The quarter's outcome, as a newsletter"),
            ("html", "HTML", "The quarter's outcome, as a web page"),
            ("csv", "CSV", "One row per item"),
            ("json", "JSON", "Everything about the quarter"),
        )
    ],
    command(
        "board.rows_of_others",
        "rows_of_others",
        "board: Rows another program wrote",
        "Each row planboard can't take as it is, and what it does with it",
    ),
    Key(
        "board.compare_board",
        "O",
        "compare_board",
        "Compare boards",
        BLOCKS,
        "compare with another board (read-only, side by side)",
        palette=(
            (
                "board: Compare with another board…",
                "Another team's board, read-only, beside this one",
            ),
        ),
    ),
    Key(
        "board.widen",
        "w",
        "widen",
        "Widen column",
        BLOCKS,
        "widen the column in focus (again: back to its width)",
        palette=(
            (
                "board: Widen the column",
                "Give the column in focus the width it wants (again: its share)",
            ),
        ),
    ),
    Key(
        "board.search",
        "slash",
        "search",
        "Search",
        ELSE,
        "search: words, @stakeholder, is:loose (Esc clears)",
        show=True,
        tooltip="Filter the board by text, @stakeholder, is:loose",
        palette=(("board: Search", "Filter by words, @stakeholder, is:loose"),),
    ),
    Note(ELSE, "Ctrl+P", "command palette: every action by name, and the themes"),
    Key(
        "board.help",
        "question_mark,f1",
        "help",
        "Help",
        ELSE,
        "this help",
        show=True,
        palette=(("board: Help", "Keys and mouse gestures"),),
    ),
    Key(
        "board.cancel_drag",
        "escape",
        "cancel_drag",
        "Cancel drag",
        MOUSE,
        "cancel a drag; releasing over nothing changes nothing",
        show=True,  # (the footer's one key while an item is carried: the others wait)
    ),
    Note(
        MOUSE,
        "drag an item",
        "onto a block (title or items), the dropped column, or back onto its own list",
    ),
    Note(MOUSE, "drag in a block", "reorder it; drag a block's title to reorder blocks"),
    Note(MOUSE, "double-click", "edit"),
]

# The app's own keys: in every screen's context, shown in the board's help.
APP: list[Entry] = [
    Key(
        "app.save_copy",
        "ctrl+s",
        "save_copy",
        "Save a copy",
        ELSE,
        "save a copy of the board as a new file",
        tooltip="Save a copy as…",
        palette=(("board: Save a copy as…", "The board as it is on screen, to a new file"),),
    ),
    Key(
        "app.share_in_browser",
        "",
        "share_in_browser",
        palette=(
            (
                "meeting: share in a browser",
                "A read-only live page of the board for remote attendees",
            ),
        ),
    ),
    Note(ELSE, "Ctrl+Q", "quit (everything is already saved)"),
]

_SELECT = "select a block"
_CHOOSE = "make it choice 1 / choice 2 (again: unchoose)"

MEETING: list[Entry] = [
    Key("meeting.left", "left,h", "select(-1, 0)", "Prev", EVENT, _SELECT),
    Key("meeting.right", "right,l", "select(1, 0)", "Next", EVENT, _SELECT),
    Key("meeting.up", "up,k", "select(0, -1)", "Up", EVENT, _SELECT),
    Key("meeting.down", "down,j", "select(0, 1)", "Down", EVENT, _SELECT),
    Key(
        "meeting.present",
        "enter,space",
        "present",
        "Open",
        EVENT,
        "open it full screen: its case, items and whose they are",
        show=True,
    ),
    Key(
        "meeting.choose_1",
        "1",
        "choose(1)",
        "Choose",
        EVENT,
        _CHOOSE,
        show=True,
        tooltip="Choice 1 (2: choice 2)",
        key_display="1 2",
    ),
    Key("meeting.choose_2", "2", "choose(2)", "Choice 2", EVENT, _CHOOSE),
    Key("meeting.unchoose", "0,backspace", "choose(0)", "Unchoose", EVENT, "unchoose it"),
    Key("meeting.vote", "v", "vote", "Dots", EVENT, "record the dots people put on it", show=True),
    Key(
        "meeting.reveal",
        "r",
        "reveal",
        "Reveal",
        EVENT,
        "reveal the tally (asked first) and show it ranked, as bars",
        show=True,
        tooltip="Show the tally, ranked",
    ),
    Key(
        "meeting.timer",
        "t",
        "timer",
        "Timer",
        EVENT,
        "start or pause the timebox",
        show=True,
        tooltip="Start or pause the countdown",
    ),
    Key(
        "meeting.reset_timer",
        "T",
        "reset_timer",
        "Reset timer",
        EVENT,
        "reset the timer to the whole timebox (paused)",
    ),
    Key(
        "meeting.settings",
        "a",
        "settings",
        "Setup",
        EVENT,
        "who is here, dots per person, timebox length (applies at once)",
        show=True,
    ),
    Key(
        "meeting.decide",
        "d",
        "decide",
        "Decide",
        EVENT,
        "confirm the decision (rationale, who was there)",
        show=True,
    ),
    Key(
        "meeting.end",
        "e",
        "end",
        "End",
        EVENT,
        "end the event without a decision",
        show=True,
        tooltip="End the event without a decision",
    ),
    Key("meeting.undo", "u,ctrl+z", "undo", "Undo", EVENT, "undo"),
    Key("meeting.redo", "ctrl+y,U", "redo", "Redo", EVENT, "redo"),
    Key(
        "meeting.back",
        "escape,b",
        "back",
        "Board",
        EVENT,
        "back to the board (the event stays live)",
        show=True,
    ),
    Key("meeting.help", "question_mark,f1", "help", "Help", EVENT, "this help"),
]

PRESENT: list[Entry] = [
    Key("present.previous", "left,h,k,up", "step(-1)", "Previous", show=True),
    Key("present.next", "right,l,j,down", "step(1)", "Next", show=True),
    Key("present.close", "escape,enter,q", "close", "Back to the cards", show=True),
]

REVEAL: list[Entry] = [
    Key("reveal.close", "escape,r,b,enter", "close", "Back to the cards", show=True),
    Key("reveal.help", "question_mark,f1", "help", "Help"),
]

DECISION: list[Entry] = [
    Key("decision.minutes", "s", "minutes", "Save minutes", show=True),
    Key("decision.back", "escape,b", "back", "Board", show=True),
]

HISTORY: list[Entry] = [
    Key("history.open", "enter", "open", "Open its board", show=True),
    Key("history.coverage", "c", "coverage", "Coverage", show=True),
    Key("history.compare", "x", "compare", "Compare", show=True),
    Key("history.next", "n", "next", "Next quarter", show=True),
    Key("history.back", "escape,b,H", "back", "Board", show=True),
    Key("history.down", "j", "move_cursor(1)", "Down"),
    Key("history.up", "k", "move_cursor(-1)", "Up"),
]

COVERAGE: list[Entry] = [Key("coverage.back", "escape,b,c", "back", "Back", show=True)]
COMPARE: list[Entry] = [Key("compare.back", "escape,b,x", "back", "Back", show=True)]

#: Every screen's key map, by name.
SCREENS: dict[str, list[Entry]] = {
    "app": APP,
    "column": COLUMN,
    "board": BOARD,
    "meeting": MEETING,
    "present": PRESENT,
    "reveal": REVEAL,
    "decision": DECISION,
    "history": HISTORY,
    "coverage": COVERAGE,
    "compare": COMPARE,
}

#: The help screen's sections, by the screen that opens it.
HELP: dict[str, tuple[str, ...]] = {
    "board": ("column", "board", "app"),
    "meeting": ("meeting",),
}


def entries(screen: str) -> list[Key]:
    """The keys (and palette-only commands) of one screen."""
    return [entry for entry in SCREENS[screen] if isinstance(entry, Key)]


def all_keys() -> dict[str, Key]:
    """Every binding by id."""
    return {key.id: key for screen in SCREENS for key in entries(screen)}


def bindings(screen: str) -> list[BindingType]:
    """The screen's `BINDINGS`, each with its id (so that a keymap can remap it)."""
    return [
        Binding(
            key.keys,
            key.action,
            key.description,
            show=key.show,
            key_display=key.key_display,
            tooltip=key.tooltip,
            id=key.id,
        )
        for key in entries(screen)
        if key.keys
    ]


def palette(screen: str) -> Iterable[tuple[str, str, Key]]:
    """The palette entries of a screen: title, what it does, and its key."""
    for key in entries(screen):
        for title, what in key.palette:
            yield title, what, key
