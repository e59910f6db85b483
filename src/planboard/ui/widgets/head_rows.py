"""The rows of a group of a big quarter's head (`Board.partial`): a row for each item
read, one for each run of the items standing for the rest."""

from __future__ import annotations

import itertools
import operator

from .board_rows import Group, Row


def item_rows_of_head(group: Group) -> list[Row]:
    """The item rows of a group of a partial board (`Board.partial`): a row for each
    item read, then one row for each run of the `unread` items standing for the rest
    (one object, shown as often as items stand there). At 50,000 items, a row made
    for each took 10 to 15 ms before the first frame; a run's row is shown and never
    acted on (the board takes no click and no move onto an item not read yet), and
    the whole quarter, once read, gets rows of its own."""
    items = group.items
    read = 0
    while read < len(items) and not items[read].unread:  # (the head: a screenful)
        read += 1
    rows = [Row("item", group, item, index) for index, item in enumerate(items[:read])]
    rest = items[read:]
    if not rest:
        return rows  # (a place read whole in the head)
    # (Where one run ends and the next begins, found in C: no loop over the items.)
    ends = itertools.compress(range(1, len(rest)), map(operator.is_not, rest[1:], rest))
    for start, end in itertools.pairwise([0, *ends, len(rest)]):
        rows += [Row("item", group, rest[start], read + start)] * (end - start)
    return rows
