"""The bare app: a header, a footer and one OptionList of N lines, Textual alone.

Run by its path (`python -P bare.py N`), not as `-m planboard.bench`: a bare app imports
Textual and nothing else, and the benchmark's own modules (sqlite3, statistics, the
harness; about 7 ms at start) would make the floor it is measured against slower.
"""

from __future__ import annotations

import sys


def run(lines: int) -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer, Header, OptionList

    class Bare(App[None]):
        BINDINGS = [Binding("1", "move", "Move"), Binding("u", "move", "Undo")]

        def compose(self) -> ComposeResult:
            yield Header()
            yield OptionList(
                *[f"Item {n}: weekly figures by region for the sales team" for n in range(lines)]
            )
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(OptionList).focus()

        def action_move(self) -> None:
            # The bare equivalent of a move: take the line out, put it at the end.
            options = self.query_one(OptionList)
            index = options.highlighted or 0
            prompt = options.get_option_at_index(index).prompt
            options.remove_option_at_index(index)
            options.add_option(prompt)

    Bare().run()


if __name__ == "__main__":
    run(int(sys.argv[1]))
