"""The blocks as cards, and how they are laid out on the shared screen."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...core.model import (
    Block,
    Item,
)
from ...core.text import clean_line, clean_multiline

MAX_COLUMNS = 4  # cards side by side at most
MIN_CARD_WIDTH = 26  # a card narrower than this cuts names mid-word
CARD_FRAME = 4  # a card's border and padding, in columns (2 lines of border)


@dataclass
class CardData:
    """What one block's card shows: no notes, no drop reasons, no item estimates."""

    number: int
    block: Block
    items: list[Item]
    served: list[str]
    dots: int
    votes: dict[int, int]
    merged: dict[int, list[Item]]  # requests merged into the block's items


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """Lines of at most `width` cells; continuation lines indented by `indent`."""
    width = max(1, width)
    lines = textwrap.wrap(
        text,
        width,
        subsequent_indent=" " * indent,
        break_long_words=True,
        break_on_hyphens=False,
    )
    return lines or [""]


def fit_lines(lines: list[str], count: int, width: int) -> list[str]:
    """The first `count` lines, the last ending in … when something is left out."""
    if len(lines) <= count:
        return lines
    if count <= 0:
        return []
    kept = lines[:count]
    last = kept[-1].rstrip()
    while last and cell_len(last) + 2 > width:
        last = last[:-1]
    kept[-1] = last + " …"
    return kept


class BlockCard(Static):
    """One block, large and plain, for the back of the room. Its lines are laid out
    here (not wrapped by the widget), so that the view knows how tall it is."""

    def __init__(self, data: CardData, tally_hidden: bool) -> None:
        super().__init__(classes="card")
        self.data = data
        self.tally_hidden = tally_hidden
        self.width_hint = 40  # the card's inner width, set by the layout
        self.case_lines = 3  # lines of the case the card has room for
        self.selected = False

    def show(self, data: CardData, tally_hidden: bool) -> None:
        self.data = data
        self.tally_hidden = tally_hidden
        self.draw()

    def parts(
        self, width: int, *, marked: bool | None = None
    ) -> tuple[list[list[Any]], list[list[Any]], list[str], bool]:
        """The card at inner width `width`: the name's lines, the facts' lines (size,
        who it is for, dots), each a list of content parts; the case's lines; and True if
        the case is a placeholder. `marked`: with the selection's "▶ " or not (as it
        stands, by default)."""
        data, block = self.data, self.data.block
        marker = "▶ " if (self.selected if marked is None else marked) else ""
        head_text = f"{marker}{data.number}  {clean_line(block.name)}"
        head: list[list[Any]] = [
            [(line, "bold")] for line in wrap(head_text, width, indent=len(marker) + 3)
        ]
        size = f"{len(data.items)} item{'s' if len(data.items) != 1 else ''}"
        if block.effort is not None:
            size += f" · {block.effort:g} days"
        served = ", ".join(clean_line(name) for name in data.served) or "nobody yet"
        facts: list[list[Any]] = []
        for label, text in (("Size  ", size), ("For   ", served)):
            for n, line in enumerate(wrap(label + text, width, indent=len(label))):
                facts.append([(label, "$text-muted"), line[len(label) :]] if n == 0 else [line])
        size_width = 6 + cell_len(size)
        if self.tally_hidden:
            # One word on every card, beside the size or not ("hidden until revealed"
            # on some and "hidden" on others, as room allowed, read as two states).
            hidden = "hidden"
            dots_line: list[Any] = [("Dots  ", "$text-muted"), (hidden, "italic $text-muted")]
            dots_width = 6 + len(hidden)
        else:
            room = max(1, width - 6 - len(str(data.dots)) - 1)
            dots = "●" * min(data.dots, room) or "—"
            dots_line = [("Dots  ", "$text-muted"), (dots, "bold $text-warning"), f" {data.dots}"]
            dots_width = 6 + len(dots) + 1 + len(str(data.dots))
        if size_width + 3 + dots_width <= width:  # the dots beside the size: a line saved
            facts[0] = [*facts[0], "   ", *dots_line]
        else:
            facts.append(dots_line)
        case = clean_multiline(block.description).replace("\n", " ")
        return head, facts, wrap(case or "(no case written)", width), not case

    def height_for(self, width: int, case_lines: int) -> int:
        """Lines the card takes at this inner width, with up to `case_lines` of its case
        (its border included), selected (its name takes the "▶ ", and the selection
        moves without a new layout)."""
        head, facts, case, _ = self.parts(width, marked=True)
        shown = min(len(case), case_lines)
        return len(head) + len(facts) + shown + (1 if shown else 0) + 2

    def case_length(self, width: int) -> int:
        """Lines the whole case takes at this inner width."""
        return len(self.parts(width)[2])

    def draw(self) -> None:
        width = self.width_hint
        head, facts, case, placeholder = self.parts(width)
        block = self.data.block
        out: list[Any] = []
        for line in head:
            out += [*line, "\n"]
        shown = fit_lines(case, self.case_lines, width)
        for text_line in shown:
            out += [(text_line, "italic $text-muted" if placeholder else ""), "\n"]
        if shown:
            out.append("\n")
        for line in facts:
            out += [*line, "\n"]
        self.update(Content.assemble(*out[:-1]))
        self.border_title = f"★ CHOICE {block.choice}" if block.choice else ""
        self.set_class(bool(block.choice), "-chosen")


@dataclass(frozen=True)
class CardLayout:
    """How the cards share the space: columns, rows, each card's size."""

    columns: int
    rows: int
    width: int  # inner width of a card's text
    height: int  # lines per card, border included
    case_lines: int  # lines of each case shown
    fits: bool  # every card whole, without scrolling
    # Each row's height, where rows are as tall as their own tallest card (when cards
    # all as tall as the tallest one would not fit); else every row is `height`.
    heights: tuple[int, ...] = ()

    def row_height(self, index: int) -> int:
        """The height of the row of the card at `index`."""
        return self.heights[index // self.columns] if self.heights else self.height


def lay_out(
    cards: list[BlockCard], width: int, height: int, gutter: int = 1, *, keep: int = 0
) -> CardLayout:
    """Share `width` x `height` between the cards: every card's name, size, who it is
    for and its dots first, then as much of the cases as the space allows. Picks the
    number of columns that shows the most of the cases with every card in sight; `keep`
    (the columns the cards are in now, on a screen of the same size) stays while every
    card is still in sight with it: revealing the tally went from two columns to three,
    and the arrows the facilitator had learnt then led to another block."""
    count = max(1, len(cards))
    best: tuple[tuple[float, ...], CardLayout] | None = None
    kept: CardLayout | None = None
    for columns in range(1, min(MAX_COLUMNS, count) + 1):
        card_width = (width - (columns - 1) * gutter) // columns
        if card_width < MIN_CARD_WIDTH and columns > 1:
            break
        inner = max(8, card_width - CARD_FRAME)
        rows = math.ceil(count / columns)
        card_height = height // rows
        needed = max((card.height_for(inner, 0) for card in cards), default=6)
        fits = needed <= card_height
        # Lines of case the tightest card can show at this height.
        case_lines = 0
        if fits:
            case_lines = max(0, card_height - needed - 1)
            wanted = max((card.case_length(inner) for card in cards), default=0)
            case_lines = min(case_lines, wanted)
        shown = sum(min(card.case_length(inner), case_lines) * inner for card in cards)
        whole = all(card.case_length(inner) <= case_lines for card in cards)
        if fits and whole:
            # Every case whole: the cards closest to a pleasant shape (cells are about
            # twice as tall as wide).
            shape = -abs(math.log(card_width / (card_height * 2.5)))
            score: tuple[float, ...] = (2, shape, 0, 0)
        elif fits:
            score = (1, shown, -columns, 0)
        else:
            score = (0, -rows * needed, -columns, 0)  # the least scrolling
        # Cards as tall as the tallest one needs when every case is whole: given all the
        # height, at 200x50 they stood two thirds empty.
        tall = needed + case_lines + 1 if fits and whole else card_height
        layout = CardLayout(
            columns,
            rows,
            inner,
            min(card_height, tall) if fits else needed + min(case_lines, 1),
            case_lines,
            fits,
        )
        if not fits and (by_row := _rows_that_fit(cards, columns, inner, height)):
            # Each row as tall as its own tallest card: all in sight (at 80x24 the
            # fifth card of five was cut, every card as tall as the tallest).
            layout = CardLayout(columns, rows, inner, max(by_row), 0, True, by_row)
            score = (1, 0, -columns, 0)
        if best is None or score > best[0]:
            best = (score, layout)
        if columns == keep and layout.fits:
            kept = layout
    assert best is not None
    return kept or best[1]


def _rows_that_fit(
    cards: list[BlockCard], columns: int, inner: int, height: int
) -> tuple[int, ...]:
    """The rows' heights, each its own tallest card's, the spare lines shared out, when
    they fit in `height` together; else ()."""
    rows = [cards[start : start + columns] for start in range(0, len(cards), columns)]
    needed = [max(card.height_for(inner, 0) for card in row) for row in rows]
    spare = height - sum(needed)
    if spare < 0:
        return ()
    return tuple(h + spare // len(rows) + (n < spare % len(rows)) for n, h in enumerate(needed))


def case_room(card: BlockCard, layout: CardLayout, index: int) -> int:
    """Lines of its case `card` (the `index`th) has room for: where every card is in
    sight, all its own room (a card with fewer facts than the tallest one of its row has
    lines to spare, which stood empty while its case was cut), else the layout's."""
    if not layout.fits:
        return layout.case_lines
    room = layout.row_height(index)
    spare = room - card.height_for(layout.width, 0) - 1  # (- the line above facts)
    return max(layout.case_lines, spare)


class CardsScroll(VerticalScroll):
    """Where the cards are: when it changes size (the window, a two-line message), the
    cards are laid out again."""

    def on_resize(self) -> None:
        from .screen import MeetingScreen

        screen = self.screen
        if isinstance(screen, MeetingScreen):
            self.call_after_refresh(screen._lay_out)
