"""Save the README's pictures of `planboard serve`: the live page in headless Chromium
(PNG) and the terminal's meeting view of the same moment (SVG), on a copy of sample.db.

python scripts/screenshot_serve.py [--out docs]

Needs the serve extra and Chromium (Debian package `chromium`).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "serve"))  # the DevTools client of the tests


def event(path: Path) -> None:
    """The sample's quarter in its planning event: three present, dots revealed, a choice."""
    from planboard.core.store import Store

    store = Store.open(path)
    try:
        q = store.default_quarter().id
        store.start_meeting(q, backup=False)
        people = {s.name: s.id for s in store.stakeholders(q)}
        present = [people[n] for n in ("Head of Sales", "COO", "Head of Marketing")]
        store.set_meeting(q, present=present, tally_hidden=False)
        blocks = store.blocks(q)
        store.set_votes(blocks[0].id, {present[0]: 2, present[1]: 1})
        store.set_votes(blocks[2].id, {present[1]: 2, present[0]: 1})
        store.set_votes(blocks[1].id, {present[2]: 3})
        store.choose_block(blocks[0].id, 1)
        store.set_timer(q, running=True, remaining=18 * 60 + 42)
    finally:
        store.close()


async def terminal(path: Path, out: Path) -> None:
    from planboard.core.store import Store
    from planboard.ui.app import PlanboardApp
    from planboard.ui.screens.meeting import MeetingScreen

    app = PlanboardApp(Store.open(path))
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, MeetingScreen):
                break
        await pilot.pause()
        app.save_screenshot(filename=out.name, path=str(out.parent))


async def browser(path: Path, out: Path, profile: Path) -> None:
    from cdp import Browser, find_chromium

    from planboard.serve.server import BoardServer, ServerThread

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("No Chromium found (apt-get install chromium).")
    thread = ServerThread(BoardServer(path, port=0))
    thread.start()
    session = Browser(chromium, profile)
    await session.start()
    try:
        await session.size(1280, 860)
        await session.open(f"http://127.0.0.1:{thread.server.port}/")
        await session.wait_for("document.documentElement.dataset.ready === '1'")
        await session.screenshot(out)
    finally:
        await session.close()
        thread.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "sample.db"
        shutil.copyfile(ROOT / "sample.db", copy)
        event(copy)
        asyncio.run(browser(copy, out / "serve-browser.png", Path(folder) / "profile"))
        asyncio.run(terminal(copy, out / "serve-terminal.svg"))
    print(f"Saved {out / 'serve-browser.png'} and {out / 'serve-terminal.svg'}")


if __name__ == "__main__":
    main()
