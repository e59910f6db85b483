"""Save an SVG screenshot of the board on a copy of sample.db (for the README).

python scripts/screenshot.py [OUT.svg] [--size 120x40]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def shoot(out: Path, size: tuple[int, int]) -> None:
    from planboard.core import Store
    from planboard.ui.app import PlanboardApp

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "sample.db"
        shutil.copyfile(ROOT / "sample.db", copy)
        app = PlanboardApp(Store.open(copy))
        async with app.run_test(size=size) as pilot:
            for _ in range(100):  # until the overlap marks are in
                await pilot.pause(0.02)
                await app.workers.wait_for_complete()
                if app.screen.neighbours:
                    break
            await pilot.press("right", "down", "down")
            await pilot.pause()
            app.save_screenshot(filename=out.name, path=str(out.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "board.svg"))
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    out = Path(args.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(shoot(out, (width, height)))
    print(f"Saved {out}")


if __name__ == "__main__":
    main()
