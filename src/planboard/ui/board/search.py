"""Search on the board: words, @stakeholder and is:loose filter every column."""

from __future__ import annotations

from typing import Any

from ...core.model import Item
from ...core.text import folded
from ..widgets.board_list import BoardList
from .view import BoardView


class BoardSearch(BoardView):
    """The search bar and the filter it applies to the columns."""

    _search_shown: int | None = None  # the items the last search said it shows

    def load(self, read: Any = None) -> None:
        """The quarter read again (another program wrote): a search still on says
        again how many items it shows when that changed (it kept the old count)."""
        super().load(read)
        bar = self._search_bar
        if self._search_shown is None or bar is None or not bar.value.strip():
            return
        if self._items_shown() != self._search_shown:
            self._filter(bar.value)

    def _items_shown(self) -> int:
        return sum(1 for c in self.columns for r in c.rows if r.kind == "item")

    def action_search(self) -> None:
        # Where the search starts from: Esc on it comes back here.
        column = self.focused_column()
        if column is not None:
            row = column.selected
            self._search_from = (column, row.item.id if row and row.item else None)
        self.search_bar.display = True
        # At once (`focus()` waits for the next turn): the words typed in the same
        # burst as the `/` are handed to the search (see `PlanboardApp._on_key`).
        self.set_focus(self.search_bar)

    def on_input_changed(self, event: Any) -> None:
        if event.input is self._search_bar:
            self._filter(event.value)

    def on_input_submitted(self, event: Any) -> None:
        if event.input is not self._search_bar:
            return
        found = self._first_match()
        if found is None:
            self.say("Nothing matches.", error=True)
            return
        column, first = found
        column.focus()
        column.select_row(first)

    def _preview(self) -> None:
        """While the search bar has the keys, the pane under the board shows the first
        match, where Enter goes (the columns' cursors may sit on items the search
        hides); on a column, that column's row."""
        if self.focused_column() is not None:
            self._show_detail(self.selected_row())
            return
        found = self._first_match()
        if found is None:
            self.detail_bar.show_text("Nothing matches.")
        else:
            self._show_detail(found[0].rows[found[1]])

    def _first_match(self) -> tuple[BoardList, int] | None:
        """The first item the search shows, column by column: where Enter goes."""
        for column in self.columns:
            first = next((n for n, row in enumerate(column.rows) if row.kind == "item"), None)
            if first is not None:
                return column, first
        return None

    def _clear_search(self) -> None:
        self.search_bar.value = ""
        self.search_bar.display = False
        self._filter("")
        self.say("Search cleared: the whole board again.")

    def on_key(self, event: Any) -> None:
        bar = self._search_bar
        if event.key != "escape" or self.drag is not None or bar is None:
            return
        if self.focused is bar:
            self._clear_search()
            self._back_where_it_was()
            event.stop()
        elif bar.value:  # Esc on the board clears an active search too
            self._clear_search()
            event.stop()

    def _back_where_it_was(self) -> None:
        """The column and item the search started from, focused again (Team's first
        item if they are gone)."""
        column, item_id = self._search_from
        if column is None or not column.display:
            self.column("team").focus()
            return
        self.set_focus(column)
        if item_id is not None:
            column.select_item(item_id)

    def _filter(self, text: str) -> None:
        """Show only what the search asks for (all columns at once)."""
        words, people, loose = self._parse_search(text)
        if not (words or people or loose):
            self._search_shown = None
            for column in self.columns:
                column.set_filter(None, keep_groups=False)
            self._update_titles()
            self._preview()
            # (The last count stayed said over the whole board: "Showing 0 items that
            # match “_”" once `_` was replaced by `"`.)
            if text.strip():
                self.say(f"“{text.strip()}” holds no word to look for: the whole board shows.")
            elif self._search_bar is not None and self._search_bar.display:
                # (Esc hid it: "Search cleared" stays said)
                self.say("The whole board shows: type words, @someone or is:loose.")
            return

        def owner_matches(item: Item) -> bool:
            names = self._who(item.stakeholder_id)
            return all(p in names for p in people)

        def keep(item: Item) -> bool:
            if loose and not (item.block_id is None and item.status == "open"):
                return False
            title = folded(item.title)
            if any(word not in title for word in words):
                return False
            return owner_matches(item) if people else True

        for column in self.columns:
            column.set_filter(keep, keep_groups=False)
        self._update_titles()
        self._preview()
        shown = self._search_shown = self._items_shown()
        if not shown:  # (not with a tick: nothing found is no success)
            self.say(f"No item matches “{text.strip()}” (Esc: the whole board).", error=True)
            return
        self.say(
            f"Showing {shown} item{'s' if shown != 1 else ''} that "
            f"match{'es' if shown == 1 else ''} “{text.strip()}”."
        )

    def _who(self, stakeholder_id: int | None) -> str:
        """A stakeholder's name and department, folded for searching."""
        if stakeholder_id is None:
            return "team"
        known = self.stakeholder_map.get(stakeholder_id)
        return folded(f"{known[0].name} · {known[0].department}") if known else ""

    def _parse_search(self, text: str) -> tuple[list[str], list[str], bool]:
        """Words, @stakeholders and is:loose. `@head of sales` takes as many of the
        following words as still name someone (so names with spaces work, quoted or not)."""
        tokens = folded(text).replace('"', " ").split()
        everyone = [self._who(sid) for sid in self.stakeholder_map] + ["team"]
        words: list[str] = []
        people: list[str] = []
        loose = False
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token in ("is:loose", "loose:", "is:open"):
                loose = True
            elif token.startswith("@") and len(token) > 1:
                take = 1
                for end in range(len(tokens), index + 1, -1):
                    phrase = " ".join(tokens[index:end])[1:].replace("_", " ")
                    if any(phrase in who for who in everyone):
                        take = end - index
                        break
                people.append(" ".join(tokens[index : index + take])[1:].replace("_", " "))
                index += take
                continue
            else:
                words.append(token)
            index += 1
        return words, people, loose
