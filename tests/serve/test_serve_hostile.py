"""Hostile text through the live page: the corpus of tests/test_hostile_text.py, written
into the file by another program, comes out of the server as literal text, never markup."""

from __future__ import annotations

import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import aiohttp
import pytest
from conftest import FixedClock
from hypothesis import HealthCheck, given, settings
from serving import Live, base, serving
from test_hostile_text import EMPTYISH, HOSTILE, HOSTILE_NAME, LONG, MIX, prepare

from planboard.core.live import LiveBlock, LiveCutOff, LiveItem, LiveTimer, LiveView
from planboard.core.store import Store
from planboard.core.text import clean_line, clean_multiline
from planboard.serve import page

HTML_ATTACKS = (
    '<script>alert(1)</script> "><img src=x onerror=alert(2)> </main><b>&amp;&lt;'
    " javascript:alert(3) {{x}} ${y} \\u003cscript\\u003e"
)
TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "div", "main", "footer",
    "header", "span", "h1", "h2", "section", "p", "article", "ul", "li", "details", "summary",
}  # fmt: skip
CONTROL = "".join(chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)])


class Strict(HTMLParser):
    """Every tag, attribute and piece of text of a page, and whatever does not close."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag not in ("meta", "link"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_markup(document: str, *, whole: bool) -> str:
    """The page's own markup only: known tags, no handlers, one script (its own). Returns
    the text a reader sees."""
    parser = Strict()
    parser.feed(document)
    parser.close()
    assert parser.open == []
    for tag, attrs in parser.tags:
        assert tag in TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert value is not None and (value.startswith("/assets/") or value == "data:,")
    scripts = [dict(attrs) for tag, attrs in parser.tags if tag == "script"]
    assert len(scripts) == (1 if whole else 0)
    for script in scripts:
        assert str(script["src"]).split("?")[0] == "/assets/page.js"
    text = "".join(parser.text)
    assert not any(c in CONTROL for c in text)
    return text


def squash(text: str) -> str:
    return " ".join(text.split())


async def pages(path: Path) -> list[tuple[str, bool]]:
    """The page and the first live message, as served."""
    with serving(path) as server:
        async with aiohttp.ClientSession() as session:
            async with session.get(base(server) + "/") as response:
                assert response.status == 200
                whole = await response.text()
            async with session.get(base(server) + "/live") as response:
                message = await Live(response).message()
    return [(whole, True), (message["html"], False)]


def write(path: Path, sql: str, *args: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, args)
    conn.close()


@pytest.mark.parametrize(
    "text",
    [MIX, LONG, EMPTYISH, HTML_ATTACKS, HOSTILE_NAME],
    ids=["mix", "long", "empty", "html", "name"],
)
async def test_hostile_text_from_the_file_shows_literally_on_the_page(
    tmp_path: Path, text: str
) -> None:
    prepared = prepare(tmp_path / "board.db", text)
    line = squash(clean_line(text))
    # Preparing: blocks, items and whose they are, the vision.
    for document, whole in await pages(prepared.path):
        shown = squash(check_markup(document, whole=whole))
        if line:
            assert shown.count(line) >= 4  # vision, block name and case, item, owner
    # The event, revealed: the cards, who is present, the dots per person.
    store = Store.open(prepared.path, clock=FixedClock())
    try:
        store.start_meeting(prepared.quarter, backup=False)
        store.set_meeting(prepared.quarter, present=[prepared.sales], tally_hidden=False)
        store.set_votes(prepared.block, {prepared.sales: 2})
        store.choose_block(prepared.block, 1)
    finally:
        store.close()
    write(prepared.path, "UPDATE stakeholders SET name = ?", text)
    for document, whole in await pages(prepared.path):
        shown = squash(check_markup(document, whole=whole))
        assert "Live" in shown
        if line:
            assert f"Present (1) {line}" in shown
            assert f"({line} 2)" in shown
    # Decided: the rationale and who was there.
    store = Store.open(prepared.path, clock=FixedClock())
    try:
        store.decide(prepared.quarter, "Because", "Everyone")
    finally:
        store.close()
    write(prepared.path, "UPDATE decisions SET rationale = ?, attendees = ?", text, text)
    for document, whole in await pages(prepared.path):
        shown = squash(check_markup(document, whole=whole))
        assert "Decided" in shown
        if line:
            assert squash(clean_multiline(text)) in shown


def view_of(text: str) -> LiveView:
    line, lines = clean_line(text), clean_multiline(text)
    block = LiveBlock(
        number=1,
        name=line,
        case=lines,
        effort=2.0,
        items=[LiveItem(line, line)],
        served=[line],
        choice=1,
        chosen_rank=1,
        dots=3,
        votes=[(line, 3)],
    )
    return LiveView(
        quarter=line,
        status="live",
        vision=lines,
        blocks=[block],
        loose=0,
        dropped=0,
        event=True,
        dot_budget=3,
        tally_hidden=False,
        timer=LiveTimer(10.0, True, 45),
        present=[line],
        decided_at=line,
        rationale=lines,
        attendees=lines,
        cut_off=[LiveCutOff(line, 1, 2)],
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE)
def test_any_hostile_text_is_escaped_in_every_state_of_the_page(text: str) -> None:
    view = view_of(text)
    line = squash(clean_line(text))
    for status in ("preparing", "live", "decided"):
        shown_view = LiveView(**{**view.__dict__, "status": status})
        document = page.document(page.fragment(shown_view, now=0.0), title=line, token="t&<")
        shown = squash(check_markup(document, whole=True))
        if line:
            assert line in shown


@pytest.mark.parametrize("status", ["preparing", "live", "decided"])
def test_a_huge_text_another_program_wrote_is_cut_on_the_page(status: str) -> None:
    """A 50 MB title written with `sqlite3` went whole into every attendee's page, and
    the server held a copy for each one that read slowly (20 of them: 2 GB). Each text
    is cut far past what planboard writes (100,000 characters), and says so."""
    huge = "A" * 2_000_000
    view = view_of(huge)
    shown_view = LiveView(**{**view.__dict__, "status": status})
    fragment = page.fragment(shown_view, now=0.0)
    assert len(fragment) < 2_000_000
    assert "A" * 100_000 + "…" in fragment and "A" * 100_001 not in fragment
    ordinary = view_of("Churn early warning")  # (a text as planboard writes it: whole)
    assert "Churn early warning" in page.fragment(
        LiveView(**{**ordinary.__dict__, "status": status}), now=0.0
    )
