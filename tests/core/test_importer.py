"""Reading the lists stakeholders send, and importing one into a board in one action."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Filled, assert_consistent
from hypothesis import given, settings
from hypothesis import strategies as st

from planboard.core import Place, ReadOnlyError, Store, ValidationError
from planboard.core.importer import ParsedList, parse_text, read_list
from planboard.core.model import MAX_NOTES, MAX_TITLE, ImportItem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


def rows(parsed: ParsedList) -> list[tuple[int, str, str, float | None]]:
    return [(i.line, i.title, i.notes, i.effort) for i in parsed.items]


def refused(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read_list(path)
    return caught.value


# ------------------------------------------------------------------ formats


def test_spreadsheet_csv_with_bom_crlf_quotes_and_extra_columns() -> None:
    raw = (FIXTURES / "spreadsheet.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # the fixture is what it says
    parsed = read_list(FIXTURES / "spreadsheet.csv")
    assert parsed.format == "csv"
    assert rows(parsed) == [
        (
            2,
            "Churn report, by region",
            "Monthly, per region.\nInclude the reasons if we have them.",
            5.0,
        ),
        (4, "Pipeline coverage by week", "", 3.0),
        (5, "Top reasons customers contact support", "From the ticket tags, not the survey", 2.5),
        (7, 'Win rate "by segment"', "Split SMB and enterprise", None),
        (8, "CHURN REPORT, by  region", "", 1.0),
    ]
    assert parsed.blank_lines == 1  # the row of empty cells
    # Flagged, not dropped: the repeat stays among the items.
    assert parsed.duplicates == [(8, 2, "CHURN REPORT, by  region")]
    assert parsed.summary() == (
        "5 items (CSV), 1 blank line skipped, 1 duplicate: line 8 repeats line 2 "
        "(“CHURN REPORT, by region”)"
    )


def test_semicolon_csv_from_a_european_spreadsheet() -> None:
    parsed = read_list(FIXTURES / "semicolons.csv")
    assert parsed.format == "csv"
    assert rows(parsed) == [
        (2, "Délai de livraison par fournisseur", "Par semaine; par pays", 2.5),
        (3, "Marge par catégorie", "", 4.0),
    ]
    assert parsed.blank_lines == 0 and parsed.duplicates == []
    assert parsed.summary() == "2 items (CSV)"


def test_excel_sep_line_names_the_delimiter() -> None:
    parsed = parse_text("sep=;\r\nTitle;Notes\r\nA, b;c\r\n\r\nB;d\r\n")
    assert parsed.format == "csv"
    assert rows(parsed) == [(3, "A, b", "c", None), (5, "B", "d", None)]


def test_tsv() -> None:
    parsed = read_list(FIXTURES / "list.tsv")
    assert parsed.format == "tsv"
    assert rows(parsed) == [
        (2, "Refund reasons", "Split by category, please", 2.0),
        (3, "Ticket backlog age", "", None),
        (5, "Supplier on-time delivery", "Per supplier, per month", 1.5),
    ]
    assert parsed.blank_lines == 1


def test_markdown_from_an_email_nested_bullets_become_notes() -> None:
    parsed = read_list(FIXTURES / "email.md")
    assert parsed.format == "markdown"
    assert rows(parsed) == [
        (
            5,
            "Weekly pipeline coverage by region",
            "split by new business and renewals\nevery Monday morning",
            None,
        ),
        (8, "Which of my accounts pay late", "", None),  # the task box is gone
        # Markdown's emphasis marks go, as its bullets do; backticks stay as written.
        (9, "Win rate by `segment`", "Ideally with the lost reasons too.", None),
        (14, "Quota attainment per rep", "", None),
        (15, "Forecast vs. actuals", "monthly is enough", None),
    ]
    assert parsed.blank_lines == 5
    # The heading, the intro sentence, "Lower priority:" and the sign-off.
    assert parsed.ignored_lines == 5
    assert parsed.summary() == (
        "5 items (Markdown), 5 blank lines skipped, 5 other lines ignored "
        "(headings and text outside the list)"
    )


def test_plain_text_with_blank_lines_and_a_duplicate() -> None:
    parsed = read_list(FIXTURES / "plain.txt")
    assert parsed.format == "text"
    assert rows(parsed) == [
        (1, "Churn report", "", None),
        (3, "Pipeline by region", "", None),
        (6, "churn   REPORT", "", None),
        (7, "Refund reasons", "", None),
    ]
    assert parsed.blank_lines == 2  # empty, and spaces only
    assert parsed.wordless_lines == [5]  # "---"
    assert parsed.duplicates == [(6, 1, "churn   REPORT")]
    assert parsed.summary() == (
        "4 items (plain text), 2 blank lines skipped, 1 line with no letters or digits "
        "skipped (line 5), 1 duplicate: line 6 repeats line 1 (“churn REPORT”)"
    )


def test_lines_of_punctuation_alone_are_not_called_blank(tmp_path: Path) -> None:
    for name, text in (
        ("list.txt", "Churn report\n#\n-\n\n[\n* \nRefund reasons\n"),
        ("list.md", "- Churn report\n- #\n- [\n\n- Refund reasons\n"),
        ("list.csv", "title\nChurn report\n#\n\n---,;\nRefund reasons\n"),
    ):
        (tmp_path / name).write_text(text)
        parsed = read_list(tmp_path / name)
        assert [i.title for i in parsed.items] == ["Churn report", "Refund reasons"]
        if name == "list.txt":
            assert parsed.blank_lines == 1 and parsed.wordless_lines == [2, 3, 5, 6]
            assert "1 blank line skipped, 4 lines with no letters or digits skipped " in (
                parsed.summary()
            )
            assert "(lines 2, 3, 5, 6)" in parsed.summary()
        elif name == "list.md":
            assert parsed.blank_lines == 1 and parsed.wordless_lines == [2, 3]
            assert "1 blank line skipped, 2 lines with no letters or digits skipped" in (
                parsed.summary()
            )
        else:  # (a CSV counted "#" as a blank line, and did not name it)
            assert parsed.blank_lines == 1 and parsed.wordless_lines == [3, 5]
            assert "2 lines with no letters or digits skipped (lines 3, 5)" in parsed.summary()


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("list.txt", b"#\n---\n\n", "only 2 lines with no letters or digits (lines 1, 2)"),
        ("list.txt", b"[[[" * 1000 + b"]]]" * 1000, "only 1 line with no letters or digits"),
        ("list.csv", b"#\n;;\n", "only 2 lines with no letters or digits (lines 1, 2)"),
    ],
    ids=["marks", "brackets", "csv"],
)
def test_a_file_of_lines_with_no_letter_is_not_called_empty(
    tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    """A file of "#", "---" or "[[[…]]]" holds something, and is not an empty file:
    "nothing to import (it is empty)" sent the user looking for a file that was empty."""
    path = tmp_path / name
    path.write_bytes(content)
    error = str(refused(path))
    assert "nothing to import" in error and said in error, error
    assert "it is empty" not in error


def test_utf16_with_a_bom() -> None:
    assert (FIXTURES / "utf16.txt").read_bytes()[:2] == b"\xff\xfe"
    parsed = read_list(FIXTURES / "utf16.txt")
    assert [(i.line, i.title) for i in parsed.items] == [
        (1, "Café partner report"),
        (2, "Été campaign results"),
    ]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("Title,Notes\nChurn report,monthly\n", "csv"),
        ("Request;Details\nChurn report;monthly\n", "csv"),
        ("Summary\tEffort\nChurn report\t3\n", "tsv"),
        ("Our list:\n- Churn report\n- Pipeline\n", "markdown"),
        ("1) Churn report\n2) Pipeline\n", "markdown"),
        ("Churn report, monthly\nPipeline, weekly\n", "text"),  # commas, but no header
        ("Churn report\nPipeline\n", "text"),
    ],
)
def test_pasted_text_says_what_it_is(text: str, fmt: str) -> None:
    parsed = parse_text(text)
    assert parsed.format == fmt
    assert parsed.items[0].title.startswith("Churn report")


def test_pasted_csv_keeps_physical_line_numbers_across_quoted_newlines() -> None:
    text = 'Title,Notes\n"A",\n"B","two\nlines"\n\n"C, with comma",x\n'
    parsed = parse_text(text)
    assert rows(parsed) == [
        (2, "A", "", None),
        (3, "B", "two\nlines", None),
        (6, "C, with comma", "x", None),
    ]
    assert parsed.blank_lines == 1


def test_columns_match_ignoring_case_and_spaces_and_prefer_title() -> None:
    parsed = parse_text(
        " NAME , Title ,  DESCRIPTION ,Estimate\nAnna,Churn,why,2 days\n", fmt="csv"
    )
    assert rows(parsed) == [(2, "Churn", "why", 2.0)]


def test_efforts_in_cells() -> None:
    text = 'title,days\na,3\nb,2.5\nc,"1,5"\nd,4d\ne,?\nf,TBD\ng,\n'
    parsed = parse_text(text, fmt="csv")
    assert [i.effort for i in parsed.items] == [3.0, 2.5, 1.5, 4.0, None, None, None]


def test_plain_text_loses_list_markers_only() -> None:
    parsed = parse_text("• Churn report\n- [x] Pipeline\n3. Quota\n-5% churn\n", fmt="text")
    assert [i.title for i in parsed.items] == ["Churn report", "Pipeline", "Quota", "-5% churn"]


def test_markdown_siblings_numbers_and_rules() -> None:
    text = "* one\n  * nested\n    * deeper\n* two\n\n---\n\n  - indented start\n- back\n"
    parsed = parse_text(text, fmt="markdown")
    assert rows(parsed) == [
        (1, "one", "nested\ndeeper", None),
        (4, "two", "", None),
        (8, "indented start", "", None),
        (9, "back", "", None),
    ]
    assert parsed.ignored_lines == 1  # the rule


def test_markdown_fenced_code_is_not_a_list() -> None:
    # Bullets inside a fenced block are code someone quoted, not requests; under an
    # item, the block's lines are that item's notes, as written.
    text = (
        "- Churn report\n"
        "  ```\n"
        "  - select * from churn\n"
        "  ```\n"
        "~~~~ yaml\n"
        "- name: not an item\n"
        "~~~\n"
        "* still code: the fence closes with as many tildes\n"
        "~~~~\n"
        "- Pipeline\n"
        "```\n"
        "* an unclosed fence runs to the end\n"
    )
    parsed = parse_text(text, fmt="markdown")
    assert rows(parsed) == [
        (1, "Churn report", "```\n- select * from churn\n```", None),
        (10, "Pipeline", "", None),
    ]
    assert parsed.ignored_lines == 7  # two fences and the lines between them


def test_control_characters_do_not_crash_the_reader() -> None:
    parsed = parse_text("Churn \x1b[2J report\n\x07\nPipeline\x9b\n")
    assert [i.line for i in parsed.items] == [1, 3]
    assert parsed.blank_lines == 1


# ------------------------------------------------------------------ refusals


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    error = refused(path)
    assert str(error) == "notes.xlsx is not a text file (it looks binary); export it as CSV first."


def test_nul_bytes_mean_binary_whatever_the_name(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(b"Churn report\nPipeline\x00\x00\x00\n")
    assert "list.txt is not a text file (it looks binary)" in str(refused(path))


def test_a_nul_byte_past_the_first_8_kb_is_refused_too(tmp_path: Path) -> None:
    """A NUL in the first 8 KB refused the file as binary; the same NUL further down
    was dropped without a word ("Bad<NUL>line" imported as "Badline"). It is refused,
    naming its line."""
    path = tmp_path / "list.txt"
    lines = [f"Item {n}" for n in range(1, 1501)]
    path.write_bytes(("\n".join(lines) + "\nBad\x00line\n").encode())
    assert path.stat().st_size > 8192
    said = str(refused(path))
    assert "list.txt" in said and "line 1501" in said and "NUL" in said, said


def test_mostly_unprintable_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 0x0E, 0x10]) * 50 + b"Title\n")
    assert "is not a text file" in str(refused(path))


def test_utf16_without_a_bom_is_refused_as_an_encoding_problem(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes("Churn report\nPipeline\n".encode("utf-16-le"))
    assert "looks like UTF-16 text without a byte order mark" in str(refused(path))


def test_latin1_is_refused_with_line_and_byte_offset() -> None:
    error = refused(FIXTURES / "latin1.txt")
    assert str(error) == (
        "latin1.txt is not UTF-8 text: line 2 holds a byte that can't be read (0xE9, at "
        "byte offset 16). Save the file as UTF-8 (in a spreadsheet: “CSV UTF-8”) and "
        "import it again."
    )
    assert error.line == 2  # type: ignore[attr-defined]


def test_csv_without_a_title_column() -> None:
    error = refused(FIXTURES / "no-title.csv")
    assert str(error) == (
        "Line 1: the CSV has no title column (found: Topic, Owner; expected one of: title, "
        "item, request, name, summary)."
    )
    assert error.line == 1  # type: ignore[attr-defined]


def test_header_line_number_counts_blank_lines_before_it(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("\n\nTopic,Owner\nChurn,CFO\n", encoding="utf-8")
    error = refused(path)
    assert str(error).startswith("Line 3: the CSV has no title column (found: Topic, Owner;")


@pytest.mark.parametrize("content", [b"", b"\n\n   \r\n\t\n"])
def test_empty_file_has_nothing_to_import(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    assert "nothing to import" in str(refused(path))


def test_header_only_csv_and_list_less_markdown_have_nothing_to_import() -> None:
    with pytest.raises(ValidationError, match=r"nothing to import .*header row but no items"):
        parse_text("Title,Notes\r\n\r\n", fmt="csv")
    with pytest.raises(ValidationError, match=r"nothing to import .*no list items"):
        parse_text("# Ideas\n\nNothing yet.\n", fmt="markdown")


def test_long_title_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("Churn report\n\n" + "x" * 201 + "\n")
    error = refused(path)
    assert str(error) == "Line 3: The title is 201 characters long; keep it to 200 or fewer."
    assert error.line == 3  # type: ignore[attr-defined]
    path.write_text("x" * 200 + "\n")
    assert len(read_list(path).items[0].title) == 200


def test_row_without_a_title_but_other_fields(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Title,Notes\nChurn,\n,only notes here\n")
    error = refused(path)
    assert str(error).startswith("Line 3: this row has no title")
    assert error.line == 3  # type: ignore[attr-defined]


def test_unclosed_quote_names_the_line_where_the_row_starts() -> None:
    with pytest.raises(ValidationError, match=r"^Line 3: the CSV can't be read") as caught:
        parse_text('Title,Notes\nA,b\n"B,never closed\nC,d\n', fmt="csv")
    assert caught.value.line == 3  # type: ignore[attr-defined]


def test_effort_that_is_not_a_number() -> None:
    with pytest.raises(ValidationError, match=r"^Line 2: Effort must be a number of days, not"):
        parse_text("Title,Effort\nChurn,about a week\n", fmt="csv")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    assert str(refused(tmp_path / "nope.csv")) == f"{tmp_path / 'nope.csv'} does not exist."
    assert "is a folder" in str(refused(tmp_path))
    if os.geteuid() != 0:  # root reads anything
        path = tmp_path / "secret.csv"
        path.write_text("Title\nA\n")
        path.chmod(0)
        assert "can't be read" in str(refused(path))


def test_file_over_5_mb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Churn report\n" * (5 * 1024 * 1024 // 13 + 1))
    assert "up to 5 MB" in str(refused(path))


# ------------------------------------------------------- the store's import


def events(store: Store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def test_import_appends_everything_in_one_event_and_undo_removes_it(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    parsed = read_list(FIXTURES / "spreadsheet.csv")
    before_events = events(store)
    change = store.import_items(q, "Head of Sales", parsed.items, source="spreadsheet.csv")
    assert events(store) == before_events + 1
    assert change.summary == "Imported 5 items into Head of Sales's list from spreadsheet.csv"
    titles = filled.titles(Place.of_list(filled.sales))
    assert titles == [
        "Pipeline by region",
        "Win rate by segment",
        "Quota attainment",
        "Churn report, by region",
        "Pipeline coverage by week",
        "Top reasons customers contact support",
        'Win rate "by segment"',
        "CHURN REPORT, by region",  # the store cleans whitespace; the duplicate is kept
    ]
    imported = store.items_at(q, Place.of_list(filled.sales))[3:]
    assert imported[0].notes == ("Monthly, per region.\nInclude the reasons if we have them.")
    assert [i.effort for i in imported] == [5.0, 3.0, 2.5, None, 1.0]
    assert_consistent(store)
    store.undo(q)
    assert filled.titles(Place.of_list(filled.sales)) == [
        "Pipeline by region",
        "Win rate by segment",
        "Quota attainment",
    ]
    assert_consistent(store)


def test_unknown_stakeholder_is_created_in_the_same_event(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    parsed = read_list(FIXTURES / "email.md")
    before_events = events(store)
    change = store.import_items(q, "Head of Marketing", parsed.items, source="email.md")
    assert events(store) == before_events + 1
    assert change.stakeholders
    marketing = next(s for s in store.stakeholders(q) if s.name == "Head of Marketing")
    assert len(filled.titles(Place.of_list(marketing.id))) == 5
    payload = store.events(q, 1)[0].payload
    assert payload["created_stakeholder"] is True
    store.undo(q)
    assert [s.name for s in store.stakeholders()] == ["Customer Service Lead", "Head of Sales"]


def test_existing_stakeholder_is_found_ignoring_case(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.import_items(q, "head of sales", parse_text("Churn\n").items)
    assert len(store.stakeholders()) == 2
    assert filled.titles(Place.of_list(filled.sales))[-1] == "Churn"


def test_team_import(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.import_items(q, None, read_list(FIXTURES / "plain.txt").items, source="plain.txt")
    assert filled.titles(Place.team())[3:] == [
        "Churn report",
        "Pipeline by region",
        "churn REPORT",
        "Refund reasons",
    ]


def test_a_refused_line_refuses_everything(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    before = (events(store), store.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    items = [ImportItem("Fine", line=1), ImportItem("y" * 250, line=2), ImportItem("Also", line=3)]
    with pytest.raises(ValidationError, match=r"^Line 2: The title is 250 characters long"):
        store.import_items(q, "New person", items)
    after = (events(store), store.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    assert after == before
    assert "New person" not in [s.name for s in store.stakeholders()]


def test_a_decided_quarter_refuses_the_import(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first.")
    with pytest.raises(ReadOnlyError, match="is decided"):
        store.import_items(q, None, parse_text("Churn\n").items)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list('ab ,;\t"\n\r-*+1.)#[]x\x00\x1bé')), max_size=80),
    fmt=st.sampled_from([None, "csv", "tsv", "markdown", "text"]),
)
def test_any_text_is_read_or_refused_with_a_message(text: str, fmt: str | None) -> None:
    try:
        parsed = parse_text(text, fmt=fmt)
    except ValidationError as error:
        assert str(error)
        return
    physical = len(text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n"))
    for item in parsed.items:
        assert 1 <= item.line <= physical
        assert item.title.strip()
    assert parsed.summary()


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_with_a_message(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "list.csv"
    path.write_bytes(data)
    try:
        read_list(path)
    except ValidationError as error:
        assert str(error)


def test_a_row_with_more_fields_than_its_header_is_said() -> None:
    """`title,effort` then `X,1,5`: "X (1 day)" was imported and the "5" of an
    unquoted 1,5 went without a word. The summary names the line, and why."""
    parsed = parse_text("title,effort\nX,1,5\nY,2\nZ,3,,\n", "csv")
    assert [(i.title, i.effort) for i in parsed.items] == [("X", 1), ("Y", 2), ("Z", 3)]
    said = parsed.summary()
    assert "line 2 has more fields than the header" in said, said
    assert "line 4" not in said  # (empty fields after the last column say nothing)
    assert "1,5" in said and "quotes" in said


def test_a_field_longer_than_the_reader_takes_is_named_not_blamed_on_quotes() -> None:
    """A cell of 200,000 characters stopped the CSV reader, and the message said to
    check the quotes, which were right: it says the field is too long, and what is
    allowed."""
    with pytest.raises(ValidationError) as caught:
        parse_text("title,notes\nA," + "x" * 200_000 + "\nB,c\n", "csv")
    said = str(caught.value)
    assert said.startswith("Line 2: a field is over 131,072 characters long"), said
    assert "quotes" not in said
    assert f"{MAX_NOTES:,}" in said and f"{MAX_TITLE}" in said


def test_a_title_written_decomposed_repeats_the_same_title_composed() -> None:
    parsed = parse_text("Caf\u00e9 sales\nCafe\u0301 sales\n", fmt="text")
    assert parsed.duplicates == [(2, 1, "Cafe\u0301 sales")]


def test_markdown_emphasis_around_words_is_not_kept_in_titles() -> None:
    """`- **Churn risk score for every account** - ideally in the admin panel` became a
    title with its asterisks (shown on the board, in exports, and read by the matcher
    as other words). Strong and emphasised words lose their marks, in titles and notes;
    a star or underscore inside a word stays."""
    parsed = parse_text(
        "- **Churn risk score for every account** – ideally in the admin panel\n"
        "  - __really__ by *March*, says _Ana_\n"
        "- Revenue per snake_case_table and 2*3 grid\n"
    )
    assert parsed.format == "markdown"
    first, second = parsed.items
    assert first.title == "Churn risk score for every account – ideally in the admin panel"
    assert first.notes == "really by March, says Ana"
    assert second.title == "Revenue per snake_case_table and 2*3 grid"


def test_nested_markdown_emphasis_loses_every_layer() -> None:
    """`***Churn***`, `**_Churn_**`, `_**Revenue**_`, `___Margin___` and `*__Ops__*` kept
    one layer of marks (`*Churn* dashboard`): emphasis inside emphasis goes too."""
    parsed = parse_text(
        "- ***Churn*** dashboard\n"
        "- **_Churn_** by plan\n"
        "- _**Revenue**_ by region\n"
        "- ___Margin___ bridge\n"
        "- *__Ops__* latency\n"
        "- **Churn _by plan_** weekly\n"
    )
    assert [item.title for item in parsed.items] == [
        "Churn dashboard",
        "Churn by plan",
        "Revenue by region",
        "Margin bridge",
        "Ops latency",
        "Churn by plan weekly",
    ]
