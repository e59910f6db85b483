"""A request merged into another item is still on its owner's list: importing that list
again imported it a second time, beside the merged one (the check read the board's
places, where a merged request is not)."""

from __future__ import annotations

from pathlib import Path

from test_cli_import import run_cli

from planboard.core import Place, Store


def test_importing_a_list_again_skips_a_request_merged_since(tmp_path: Path) -> None:
    board = tmp_path / "b.db"
    store = Store.open(board, first_quarter="2026-Q3")
    q = store.default_quarter().id
    survivor = store.add_item(q, None, "Weekly bookings table").item_id
    store.close()
    sent = tmp_path / "ops.txt"
    sent.write_text("Weekly bookings snapshot by region\nSomething unrelated\n", encoding="utf-8")
    assert run_cli("import", board, sent, "--stakeholder", "VP Ops").returncode == 0
    store = Store.open(board)
    ops = next(s.id for s in store.stakeholders() if s.name == "VP Ops")
    request = next(i for i in store.items_at(q, Place.of_list(ops)) if "snapshot" in i.title)
    assert survivor is not None
    store.merge_items(survivor, [request.id])
    store.close()
    for dry in (["--dry-run"], []):
        again = run_cli("import", board, sent, "--stakeholder", "VP Ops", *dry)
        said = again.stdout + again.stderr
        assert "2 lines already on VP Ops's list" in said, said
    store = Store.open(board, readonly=True)
    try:
        titles = [i.title for i in store.items_at(q, Place.of_list(ops))]
        assert "Weekly bookings snapshot by region" not in titles
        assert len(store.merged_into(survivor)) == 1
    finally:
        store.close()
