"""Save an SVG screenshot on a copy of sample.db (for the README).

python scripts/screenshot.py [OUT.svg] [--size 120x40] [--view board|meeting|reveal]
                             [--blocks 8] [--theme NAME]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def shoot(out: Path, size: tuple[int, int], view: str, blocks: int, theme: str) -> None:
    from planboard.core import Store
    from planboard.core.sample import demo_event
    from planboard.ui.app import PlanboardApp

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "sample.db"
        shutil.copyfile(ROOT / "sample.db", copy)
        store = Store.open(copy)
        if theme:
            store.set_setting("theme", theme)
        if view != "board":
            demo_event(store, blocks, revealed=view == "meeting")
        app = PlanboardApp(store)
        async with app.run_test(size=size) as pilot:
            if view == "board":
                for _ in range(100):  # until the overlap marks are in
                    await pilot.pause(0.02)
                    await app.workers.wait_for_complete()
                    if app.screen.neighbours:
                        break
                await pilot.press("right", "down", "down")
            else:
                await pilot.pause(0.2)
                if view == "reveal":
                    await pilot.press("r", "y")  # (a hidden tally is revealed once asked)
            await pilot.pause()
            app.save_screenshot(filename=out.name, path=str(out.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "board.svg"))
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--view", choices=("board", "meeting", "reveal"), default="board")
    parser.add_argument("--blocks", type=int, default=8, help="blocks in the event (4 to 8)")
    parser.add_argument("--theme", default="", help="a theme name, e.g. planboard-light")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    out = Path(args.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(shoot(out, (width, height), args.view, args.blocks, args.theme))
    print(f"Saved {out}")


if __name__ == "__main__":
    main()
