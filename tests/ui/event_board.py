"""A planning event on a copy of sample.db, for pictures and layout tests."""

from __future__ import annotations

from pathlib import Path

from planboard.core import Place, Store

EXTRA_BLOCKS = [
    (
        "Supplier scorecards",
        "Lead times and defects per supplier, so that buyers negotiate on facts.",
    ),
    ("Finance close pack", "Month-end numbers a day earlier, reconciled once, trusted by the CFO."),
    ("Operations daily", "One page each morning: orders, stock, late deliveries."),
    ("Product usage", "Which features customers use, for the roadmap and for renewals."),
]


def live_event(
    path: Path, blocks: int = 4, *, revealed: bool = False, chosen: bool = True
) -> tuple[Store, int]:
    """The sample's open quarter, live, with `blocks` blocks (4 to 8), everyone present,
    dots placed, and (`chosen`) two blocks chosen."""
    store = Store.open(path)
    q = store.default_quarter().id
    board = store.board(q)
    loose = [i.id for i in board.items_at(Place.team())]
    for s in board.stakeholders:
        loose += [i.id for i in board.items_at(Place.of_list(s.id))]
    for n, (name, case) in enumerate(EXTRA_BLOCKS[: max(0, blocks - len(board.blocks))]):
        store.add_block(q, name, case, item_ids=loose[n * 3 : n * 3 + 3])
    store.start_meeting(q, backup=False)
    people = [s.id for s in store.stakeholders(q)]
    store.set_meeting(q, present=people, dot_budget=3, tally_hidden=True)
    block_ids = [b.id for b in store.blocks(q)]
    # A tally with a clear order: most dots on the first and third blocks.
    pattern = [(0, 2), (2, 0), (0, 1), (2, 3), (0, 2), (1, 4), (3, 0)]
    for n, person in enumerate(people):
        two, one = pattern[n % len(pattern)]
        store.set_votes(block_ids[two % len(block_ids)], {person: 2})
        store.set_votes(block_ids[one % len(block_ids)], {person: 1})
    if revealed:
        store.set_meeting(q, tally_hidden=False)
    if chosen:
        store.choose_block(block_ids[0], 1)
        store.choose_block(block_ids[2], 2)
    return store, q
