"""The board's state and what every room of the board screen uses: the columns, the
selection and its detail pane, the column widths, whether the quarter can be changed,
and long actions run in the background."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from textual.timer import Timer

from ...core.errors import PlanboardError
from ...core.model import (
    Block,
    Board,
    Item,
    Place,
    Quarter,
    Stakeholder,
    askers,
    owner_name,
)
from ...core.rules import why_read_only
from ...core.store import Store
from ...core.vectors import Vectors
from ..screens.long import LongActions
from ..widgets.bars import DetailBar, DragGhost, StatusLine, TitleBar, VisionBar
from ..widgets.board_list import BoardList, DragListener, Group, Row
from ..widgets.laid_out_once import CalmResume

if TYPE_CHECKING:
    from textual.widgets import Input

    from ...core.background import Pass
    from ..app import PlanboardApp
    from .drag import Drag


COLUMN_IDS = ("team", "stakeholders", "blocks", "dropped")


LONG_IMPORT = 2_000  # items: a larger import runs in the background


# What stays live while a long action runs (moving about in the columns is the lists' own).
WHILE_BUSY = frozenset({"focus_column", "help", "cancel_drag"})


Neighbour = tuple[int, str, str]  # item id, whose, title


MIN_COLUMN = 18  # no column is squeezed narrower than this
SETTLE = 3  # after a change, columns keep their widths unless one would move this much


def share_width(
    wanted: dict[str, int], width: int, *, widened: str | None = None
) -> dict[str, int]:
    """Column widths that add up to `width`: a column that wants less than an even share
    gets what it wants, the others share the rest in proportion to what they want (so a
    column of short lines never takes room long titles need); spare room goes to all, in
    proportion. `widened`
    gets what it wants first, the others keep at least `MIN_COLUMN`."""
    names = list(wanted)
    floor = min(MIN_COLUMN, width // max(1, len(names)))
    if sum(wanted.values()) <= width:
        spare = width - sum(wanted.values())
        total = sum(wanted.values()) or 1
        widths = {n: wanted[n] + spare * wanted[n] // total for n in names}
    else:
        widths = {}
        pool = dict(wanted)
        room = width
        if widened in pool:
            take = min(pool.pop(widened), room - floor * len(pool))
            widths[widened] = max(floor, take)
            room -= widths[widened]
        # The modest columns get what they want; the rest share by what they want.
        while pool:
            share = room // len(pool)
            modest = {n: w for n, w in pool.items() if w <= share}
            if not modest:
                total = sum(pool.values()) or 1
                for n, w in pool.items():
                    widths[n] = max(floor, room * w // total)
                break
            for n, w in modest.items():
                widths[n] = max(floor, w)
                room -= widths[n]
                del pool[n]
    # Rounding: the last column takes what is left.
    widths[names[-1]] += width - sum(widths.values())
    return widths


if TYPE_CHECKING:

    class _Screen(LongActions, CalmResume):
        """What the rooms are written against: the board screen they make up."""

else:
    # At run time the rooms are plain classes, and `BoardScreen` alone is a screen
    # (`CalmResume` last among its bases): Textual sets each of its widget classes up
    # as it is made (its bindings, styles, handlers and reactive attributes, looked
    # for through every class it is made of), 0.2-0.3 ms each for the nine rooms,
    # before the first frame. So a room's handlers are named (`on_...`), never `@on`
    # (Textual reads those from widget classes only), and it declares no bindings or
    # styles of its own: only a screen's class holds them (tests/ui/test_board_rooms.py).
    _Screen = LongActions


class BoardBase(_Screen):
    """The quarter on display, its columns and what is selected; the rooms build on it."""

    def __init__(
        self,
        store: Store,
        quarter_id: int,
        notice: str | None = None,
        *,
        preloaded: tuple[Board, int] | None = None,
    ) -> None:
        super().__init__()
        # The quarter already read by whoever opened the file, and the file's data
        # version before that read: the first load shows it instead of reading again.
        self._preloaded = preloaded
        self.store = store
        self.quarter_id = quarter_id
        self.notice = notice
        # Opened from the history: past quarters are shown read-only (`o` opens to edit).
        self.looking_back = False
        self.board: Board | None = None
        self.stakeholder_map: dict[int, tuple[Stakeholder, int]] = {}
        self.stakeholders_by_id: dict[int, Stakeholder] = {}
        self.block_map: dict[int, Block] = {}
        self.drag: Drag | None = None
        self._scroll_timer: Timer | None = None
        self._scroll_step = 0
        self._suppress_click = False
        # The last ← or →: the column it went to, the key back, the column it left.
        self._came_from: tuple[BoardList | None, int, BoardList | None] | None = None
        # Where a search started (the column, and the item on it): Esc goes back there.
        self._search_from: tuple[BoardList | None, int | None] = (None, None)
        self._stale = False  # the file changed while the board could not re-read it
        self._replica: tuple[str, bool] | None = None  # what the title bar says of it
        self._replaying: str | None = None  # the action an undo or redo replays
        self._outside_write = False  # another program wrote since this screen last read
        self._pending_go: int | None = None
        self.neighbours: Mapping[int, list[Neighbour]] = {}  # similar items on other lists
        self.match_why: Callable[[int, int], str] = lambda a, b: ""  # why two items match
        self.match_note = ""  # what the matcher could not do (no numpy), or ""
        self.merged: dict[int, list[Item]] = {}  # requests merged into an item
        self._tidied = False  # the last load followed this screen's own tidy
        self._lists_gone: dict[Place, list[Item]] = {}  # big lists a change took away
        self.widened: str | None = None  # the column `w` widened, if any
        self.ask_to_start = False  # `planboard meeting`: offer to start the event on mount
        self._sized: tuple[object, ...] | None = None  # what the column widths were made for
        # The widths shown, and the (width, narrow, widened) they were shared for.
        self._shown_widths: tuple[tuple[object, ...], dict[str, int]] | None = None
        self._vector_timer: Timer | None = None  # the next slice of meaning vectors
        # The quarter's meaning vectors known to this screen (item id to (hash, vector)):
        # read from the file once, then kept up to date by each overlap pass.
        self._vectors_known: Vectors | None = None
        self._rest_asked = False  # the rest of a big quarter is being read, in a thread
        self._collector_paused = False  # (the cyclic collector, while it is read)
        self._overlap_pass: Pass | None = None  # the overlap pass under way
        self._suggest_pass: Pass | None = None  # the search for suggestions (`S`) under way
        # The last blocks `S` found, and for what (the entries and rejected pairs it
        # compared): the next `S` over the same shows them without looking again.
        self._suggest_found: tuple[Any, list[list[Any]]] | None = None
        self._overlap_owed = False  # one was stopped before it was done
        self._build()

    _search_bar: Input | None  # (see `search_bar`)

    @property
    def search_bar(self) -> Input:
        """The search bar, made and mounted above the columns when it is first wanted
        (`/`): an input field made before the first frame, hidden, cost it about 5 ms
        (its styles, parsed and applied, and its own messages)."""
        bar = self._search_bar
        if bar is None:
            from ..widgets.form_fields import FieldInput

            bar = self._search_bar = FieldInput(
                placeholder="Search: words, @stakeholder, is:loose — Enter to go, Esc to clear",
                id="search",
                compact=True,
            )
            bar.display = False
            board = self.query("#board")  # (before the screen is composed: none, and
            if board:  # its compose yields the bar)
                self.mount(bar, before=board.first())
        return bar

    def _build(self) -> None:
        """Make the widgets up front: loading can fill them before they are mounted,
        so the first frame painted is the whole board (but the search bar, made when
        it is first wanted)."""
        self._search_bar = None
        self.title_bar = TitleBar(id="title")
        self.vision_bar = VisionBar(id="vision")
        self.detail_bar = DetailBar(id="detail")
        self.status_line = StatusLine(id="status")
        self.ghost = DragGhost(id="ghost")
        self._columns = {
            "team": self._column("team", show_headers=False, show_tags=False),
            "stakeholders": self._column(
                "stakeholders",
                show_headers=True,
                show_tags=True,
                tag_as_bar=True,
                placeholder="No stakeholders yet — press s to add one.",
            ),
            "blocks": self._column(
                "blocks",
                show_headers=True,
                show_tags=True,
                indent=1,
                placeholder="No blocks yet — press b to create one.",
            ),
            "dropped": self._column("dropped", show_headers=False, show_tags=True),
        }

    def _column(self, name: str, **options: Any) -> BoardList:
        column = BoardList(tag_for=self.tag_for, id=name, **options)
        # The screen built on this base is the drag controller (`drag.BoardDrag`).
        column.drag_listener = cast("DragListener", self)
        column.cursor_listener = self._cursor_moved
        if name == "blocks":
            column.header_note = self._block_note
        return column

    def column(self, name: str) -> BoardList:
        return self._columns[name]

    @property
    def columns(self) -> list[BoardList]:
        return [self.column(name) for name in COLUMN_IDS]

    def column_for(self, place: Place) -> BoardList:
        if place.is_block:
            return self.column("blocks")
        if place.is_dropped:
            return self.column("dropped")
        return self.column("team" if place.ref is None else "stakeholders")

    @property
    def planboard(self) -> PlanboardApp:
        """The app this board runs in (its file watcher, its long-action flag)."""
        return cast("PlanboardApp", self.app)

    @property
    def quarter(self) -> Quarter:
        assert self.board is not None
        return self.board.quarter

    def tag_for(self, item: Item) -> tuple[str, str]:
        """The owner's tag and colour (the colour stored with the stakeholder)."""
        if item.stakeholder_id is None:
            return ("Team", "")
        known = self.stakeholder_map.get(item.stakeholder_id)
        if known is None:
            return ("?", "")
        stakeholder, _ = known
        return (stakeholder.tag, stakeholder.colour or "-")

    def asked_by(self, item: Item) -> set[str]:
        """Who asks for this: its owner, whose requests were merged into it, and the
        lists with a similar request."""
        owners = {self._owner_name(item.stakeholder_id)}
        owners.update(self._owner_name(m.stakeholder_id) for m in self.merged.get(item.id, ()))
        owners.update(who for _, who, _ in self.neighbours.get(item.id, ()))
        return owners

    def _owner_name(self, stakeholder_id: int | None) -> str:
        return owner_name(stakeholder_id, self.stakeholders_by_id)

    def _block_note(self, group: Group) -> str:
        if group.block is None:
            return ""
        count = len(group.items)
        if self.board is not None and self.board.partial:  # (counted in the file)
            stakeholders = self.board.asked.get(group.block.id, 0)
        else:
            stakeholders = sum(1 for who in askers(group.items, self.merged) if who is not None)
        asked = f" · {stakeholders} asked" if stakeholders else ""
        return f"{count} item{'s' if count != 1 else ''}{asked}"

    def _read_only_reason(self) -> str:
        if self.store.readonly:
            return self.store.readonly_reason
        if self.board is not None and why_read_only(self.quarter):
            return "this quarter is decided"
        if self._looking_back_at_past():
            return "a past quarter, opened from the history; o opens it to edit"
        return ""

    def _looking_back_at_past(self) -> bool:
        """Opened from the history, and neither live nor the newest quarter not decided
        (the one being prepared now)."""
        quarter = self.quarter if self.board is not None else None
        if not self.looking_back or quarter is None or quarter.status != "preparing":
            return False
        try:
            open_ones = [q for q in self.store.quarters() if not q.is_decided]
        except PlanboardError:
            return False
        return bool(open_ones) and open_ones[-1].id != self.quarter_id

    def _hint(self, text: str) -> str:
        """An empty place's hint; a read-only board just says it is empty."""
        return "(empty)" if self._read_only_reason() else text

    def writable(self) -> bool:
        """True if this quarter can be changed; otherwise says why."""
        if self.busy:
            self.say_busy()
            return False
        file_reason = self.store.readonly_reason if self.store.readonly else None
        reason = why_read_only(self.quarter, file_reason=file_reason)
        if reason:
            self.say(reason, error=True)
            return False
        if self._looking_back_at_past():
            self.say(
                f"{self.quarter.name} is a past quarter, opened from the history to look at: "
                "press o and open it to change it.",
                error=True,
            )
            return False
        return True

    def focused_column(self) -> BoardList | None:
        focused = self.focused
        return focused if isinstance(focused, BoardList) else None

    def selected_row(self) -> Row | None:
        column = self.focused_column()
        return column.selected if column else None

    def selected_item(self) -> Item | None:
        row = self.selected_row()
        return row.item if row is not None and row.kind == "item" else None

    def _cursor_moved(self, column: BoardList, row: Row | None) -> None:
        """A column's cursor moved: the detail pane follows in the same frame."""
        if column is not self.focused and self.focused is not None:
            return
        self._show_detail(row)

    def _show_detail(self, row: Row | None) -> None:
        detail = self.detail_bar
        if row is None:
            detail.show_text("")
        elif row.kind == "item" and row.item is not None:
            item = row.item
            owner = self.stakeholder_map.get(item.stakeholder_id or -1, (None, 0))[0]
            detail.show_item(
                item,
                owner,
                self.block_map.get(item.block_id or -1),
                also=[(who, title) for _, who, title in self.neighbours.get(item.id, ())],
                merged=[
                    (self._owner_name(m.stakeholder_id), m.title)
                    for m in self.merged.get(item.id, ())
                ],
                lists=len(self.asked_by(item)),
            )
        elif row.group.block is not None:
            block = row.group.block
            names, team = self._askers(row.group.items)
            detail.show_block(block, len(row.group.items), names, team=team)
        elif row.group.key.is_list:
            detail.show_stakeholder(row.group.stakeholder, len(row.group.items))
        else:
            detail.show_text(row.group.empty_text)

    def _askers(self, items: list[Item]) -> tuple[list[str], bool]:
        """The stakeholders who asked for these items (merged requests count), and
        whether the team's own candidates are among them."""
        who = askers(items, self.merged)
        return [self._owner_name(sid) for sid in who if sid is not None], None in who

    def size_columns(self, after_change: bool = False) -> None:
        """Share the board's width by what the columns hold: a column that needs little
        takes little, the others share the rest; `w` gives the focused one its fill.
        `after_change` (an item come or gone, the overlap's marks): widths that would
        move by less than `SETTLE` cells stay as they are."""
        board = self.query_one("#board")
        # (Before the first layout, the screen's width: the board spans it. The
        # columns then have their widths in the first frame.)
        width = board.content_region.width or self.app.size.width
        if width <= 0:
            return
        narrow = self.app.size.width < 110
        team, lists = self.column("team"), self.column("stakeholders")
        blocks, dropped = self.column("blocks"), self.column("dropped")
        wanted = {
            "team": team.natural_width(),
            "stakeholders": lists.natural_width(),
            "blocks": blocks.natural_width(),
            "dropped": dropped.natural_width(),
        }
        key = (width, narrow, self.widened, tuple(wanted.values()))
        if key == self._sized:
            return
        self._sized = key
        left, right = self.query_one("#left"), self.query_one("#right")
        if narrow:  # two stacks: Team over the lists, the dropped column under the blocks
            wanted = {
                "left": max(wanted["team"], wanted["stakeholders"]),
                "right": max(wanted["blocks"], wanted["dropped"]),
            }
            widths = share_width(wanted, width, widened=self._widened_slot(narrow))
            if self._settled(key[:3], widths, after_change):
                return
            left.styles.width, right.styles.width = widths["left"], widths["right"]
            for column in self.columns:
                column.styles.width = "1fr"
            return
        widths = share_width(wanted, width, widened=self.widened)
        if self._settled(key[:3], widths, after_change):
            return
        left.styles.width = widths["team"] + widths["stakeholders"]
        right.styles.width = widths["blocks"] + widths["dropped"]
        for name, column in zip(COLUMN_IDS, self.columns, strict=True):
            column.styles.width = widths[name]

    def _settled(self, shape: tuple[object, ...], widths: dict[str, int], after: bool) -> bool:
        """Whether the widths shown stay: after a change, when none would move by
        `SETTLE` cells or more (a column grew by a cell when the overlap's marks came,
        a second after the board opened, and one drop moved three columns by one)."""
        shown = self._shown_widths
        if (
            after
            and shown is not None
            and shown[0] == shape
            and shown[1].keys() == widths.keys()
            and all(abs(w - shown[1][name]) < SETTLE for name, w in widths.items())
        ):
            return True
        self._shown_widths = (shape, widths)
        return False

    def _widened_slot(self, narrow: bool) -> str | None:
        if narrow and self.widened is not None:
            return "left" if self.widened in ("team", "stakeholders") else "right"
        return self.widened

    def stop_overlap(self) -> None:
        """End the overlap pass under way, if any, and its process: a long action
        wants the machine (the pass is owed, and runs when it is done), and quitting
        must not wait for it."""
        if self._overlap_pass is not None:
            self._overlap_pass.stop()
            self._overlap_pass = None
            self._overlap_owed = True

    def on_unmount(self) -> None:
        self.stop_overlap()
        if self._suggest_pass is not None:  # (`S` on a big board: its process ends)
            self._suggest_pass.stop()

    def before_long(self) -> None:
        self.stop_overlap()

    def _long_done(self, event: Any) -> None:
        if self.long_done(event):
            self.freeze_long_lived()

    @staticmethod
    def freeze_long_lived() -> None:
        """Keep what was just built (the rows of a big import, the overlap's findings)
        out of the cyclic collector's full scans, as everything loaded at start is: at
        50,000 items each full scan stalled every thread for a third of a second, a few
        times in each big undo or redo. (Nothing is lost: objects freed by their
        reference count go as before; only cycles among them would wait.)"""
        if gc.isenabled():
            gc.freeze()

    def _owner_choices(self) -> list[tuple[str, int | None]]:
        assert self.board is not None
        return [("Team (our own candidates)", None)] + [
            (s.name, s.id) for s, _ in sorted(self.stakeholder_map.values(), key=lambda p: p[1])
        ]

    def _block_fields(self, block: Block | None) -> list[Any]:
        from ..modals import Field

        return [
            Field(
                "name",
                "Name",
                block.name if block else "",
                placeholder="A large initiative, e.g. Sales cockpit",
            ),
            Field(
                "description",
                "Case: how it serves the vision",
                block.description if block else "",
                kind="text",
                height=5,
            ),
            Field(
                "effort", "Effort (days, optional)", block.effort if block else None, kind="number"
            ),
        ]

    def _need_item(self, purpose: str) -> Item | None:
        """The highlighted item, or None after saying one is needed `purpose`."""
        item = self.selected_item()
        if item is None:
            self.say(f"Highlight an item {purpose}.", error=True)
        return item

    def _go_to(self, item_id: int) -> None:
        try:
            item = self.store.item(item_id)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        column = self.column_for(item.place)
        if column.select_item(item.id, key=item.place):
            column.focus()
        else:
            self.say("That item is hidden by the search (Esc in the search clears it).", error=True)
