"""The overlap pass in a process of its own gives what it gives in this one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest

from planboard.core import background
from planboard.core.similar import Entry

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "overlap.json"


def entries_and_names() -> tuple[list[Entry], dict[object, tuple[str, str]]]:
    data = json.loads(FIXTURE.read_text())["items"]
    entries = [Entry(n, item["title"], item["owner"]) for n, item in enumerate(data)]
    return entries, {e.key: (str(e.owner), e.text) for e in entries}


def test_a_process_finds_the_same_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    entries, names = entries_and_names()
    here, found = background.neighbours(entries, names)
    assert here  # the fixture has requests that overlap
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> object:
        started.append(args)
        return real_popen(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHUNK", 3)  # many small pickles, both ways
    monkeypatch.setattr(background.subprocess, "Popen", spy)
    there, lean = background.neighbours_anywhere(entries, names)
    assert there == here
    assert len(started) == 1  # it did run in a process
    assert lean.similarity is None  # the matcher's tables stayed in the process
    assert dict(lean.overlap) == found.overlap  # the same scores, in the same order
    for key, near in here.items():  # and every pair says why, as it does here
        for other, _, _ in near:
            assert lean.why(key, other) == found.why(key, other)


def test_a_process_that_cannot_start_or_fails_leaves_the_work_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries, names = entries_and_names()
    here, _ = background.neighbours(entries, names)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background.sys, "executable", "/nonexistent/python")
    assert background.neighbours_anywhere(entries, names)[0] == here
    monkeypatch.setattr(background.sys, "executable", "false")  # starts, exits 1
    assert background.neighbours_anywhere(entries, names)[0] == here


def test_the_pass_reuses_the_vectors_it_is_given_here_and_in_a_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Vectors already worked out are sent along (in small pieces, to a process) and
    reused: only the others are worked out again."""
    from planboard.core.similar import meaning_available

    if not meaning_available():
        pytest.skip("the meaning model needs numpy")
    titles = ["Churn prediction", "Customers about to leave", "Office plants", "Revenue"]
    entries = [Entry(n, t, None) for n, t in enumerate(titles)]
    names = {e.key: ("Team", e.text) for e in entries}
    _, first = background.neighbours(entries, names)
    vectors = {key: (digest, blob) for key, digest, blob in first.new_vectors}
    assert sorted(vectors) == [0, 1, 2, 3]
    known = {k: vectors[k] for k in (0, 1, 2)}
    for process_from, chunk in ((10_000, 2000), (1, 2)):
        monkeypatch.setattr(background, "PROCESS_FROM", process_from)
        monkeypatch.setattr(background, "CHUNK", chunk)
        _, found = background.neighbours_anywhere(entries, names, known)
        assert [key for key, _, _ in found.new_vectors] == [3]


HALF_AN_ANSWER = (
    "import io, sys\n"
    "from planboard.core import background\n"
    "out, buffer = sys.stdout.buffer, io.BytesIO()\n"
    "sys.stdout = io.TextIOWrapper(buffer)\n"
    "background._child()\n"
    "out.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])\n"
)


def test_an_answer_cut_short_is_not_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process's answer comes in pieces, read as they come; one that ends early is
    worked out again here rather than taken as the whole."""
    entries, names = entries_and_names()
    here, _ = background.neighbours(entries, names)
    real_answer = background._answer
    answers: list[object] = []

    def spy(stream: object, names: object, **more: object) -> object:
        found = real_answer(stream, names, **more)  # type: ignore[arg-type]
        answers.append(found)
        return found

    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHILD", HALF_AN_ANSWER)
    monkeypatch.setattr(background, "_answer", spy)
    assert background.neighbours_anywhere(entries, names)[0] == here
    assert answers == [None]  # the process did answer, and its half answer was not taken


GARBAGE = b"\x95-\x99j\xed\x0b\x944\xbe\xe3\x82\x1d\x1a\xa1QC49\xde}j\xcb>l\xc4D\x82\x01=g"


@pytest.mark.parametrize("status", [0, 1])
def test_an_answer_that_is_not_one_is_worked_out_here(
    monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    """A process that writes bytes no pickle reader can take (here: a frame longer than
    any memory) and ends, well or not: the pass is done here, never raised to the board."""
    entries, names = entries_and_names()
    here, _ = background.neighbours(entries, names)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(
        background,
        "CHILD",
        f"import sys; sys.stdin.buffer.read(); sys.stdout.buffer.write({GARBAGE!r}); "
        f"sys.stdout.flush(); sys.exit({status})",
    )
    assert background.neighbours_anywhere(entries, names)[0] == here


def test_the_answer_is_read_once_the_process_has_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer goes into a file with no name and is read once the process has ended:
    the board's memory does not grow with it while the process holds its tables."""
    running = background.Pass()
    ended: list[bool] = []

    def read(stream: IO[bytes]) -> list[object]:
        assert running.child is not None
        ended.append(running.child.poll() is not None)
        return list(background._records(stream))

    monkeypatch.setattr(
        background,
        "CHILD",
        "import pickle, sys; sys.stdin.buffer.read(); "
        "[pickle.dump(('n', n), sys.stdout.buffer) for n in range(3)]",
    )
    found = running.run(lambda out: out.write(b"question"), read)
    assert found == [("n", 0), ("n", 1), ("n", 2)]
    assert ended == [True]


def test_a_pass_that_stops_reading_ends_its_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no file can be made for the answer, it is read from the pipe as it comes:
    an answer cut short while the process is still working ends the process, which is
    not waited for."""
    import time

    from planboard.core import spill

    entries, names = entries_and_names()
    monkeypatch.setattr(spill, "_open", lambda: None)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(
        background,
        "CHILD",
        f"import sys, time; sys.stdin.buffer.read(); sys.stdout.buffer.write({GARBAGE!r}); "
        "sys.stdout.flush(); time.sleep(60)",
    )
    start = time.monotonic()
    background.neighbours_anywhere(entries, names)
    assert time.monotonic() - start < 30


def wait_for(check: object, seconds: float = 10.0) -> bool:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_a_stopped_pass_ends_its_process_at_once_and_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A newer pass, a long action or quitting stops the pass: its process is killed
    (it would run on for tens of seconds on a big board) and nothing is done instead."""
    import threading

    entries, names = entries_and_names()
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHILD", "import time; time.sleep(60)")
    running = background.Pass()
    result: list[object] = []
    thread = threading.Thread(
        target=lambda: result.append(
            background.neighbours_anywhere(entries, names, running=running)
        )
    )
    thread.start()
    assert wait_for(lambda: running.child is not None)
    child = running.child
    assert child is not None and child.poll() is None
    running.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert child.poll() is not None  # killed, not left to run
    (found,) = result
    assert found[0] == {}  # type: ignore[index]  # and not done here instead


def test_a_pass_stopped_before_it_starts_starts_no_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries, names = entries_and_names()
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    running = background.Pass()
    running.stop()
    assert background.neighbours_anywhere(entries, names, running=running)[0] == {}
    assert running.child is None


def test_a_pass_worked_out_here_stops_between_slices() -> None:
    """Below the process's size the pass (and `S`'s groups) run in planboard's own
    thread: stopped (planboard quits), the scoring ends at its next slice, so quitting
    does not wait for it (0.85 s at 2,900 items), and it finds nothing."""
    entries, names = entries_and_names()
    assert len(entries) < background.PROCESS_FROM
    assert background.neighbours_anywhere(entries, names)[0]  # (something to find)
    assert background.groups_anywhere(entries)
    running = background.Pass()
    running.stop()
    assert background.neighbours_anywhere(entries, names, running=running)[0] == {}
    assert background.groups_anywhere(entries, running=running) == []
    assert running.child is None


def test_an_answer_with_keys_that_are_not_numbers_comes_as_objects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The board's keys are item ids, and its answer comes as flat arrays; any other
    keys (names, here) come as they are, and give the same neighbours and reasons."""
    entries, names = entries_and_names()
    entries = [Entry(f"item {e.key}", e.text, e.owner) for e in entries]
    names = {e.key: (str(e.owner), e.text) for e in entries}
    here, found = background.neighbours(entries, names)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHUNK", 3)
    there, lean = background.neighbours_anywhere(entries, names)
    assert there == here
    assert not isinstance(lean.overlap, background.Packed)
    for key, near in here.items():
        for other, _, _ in near:
            assert lean.why(key, other) == found.why(key, other)


def test_the_board_answer_is_packed_and_keeps_scores_and_order() -> None:
    """Item ids as keys: the neighbours and their scores (best first) come back as
    they were found, from flat arrays; why each pair matches is said here, as the pass
    said it."""
    entries, names = entries_and_names()
    _, found = background.neighbours(entries, names)
    packed = background.Packed()
    keys = list(found.overlap)
    for start in range(0, len(keys), 4):
        packed.add(*background._packed_chunk(found, keys[start : start + 4]))
    assert background._whole_numbers(found.overlap)
    assert dict(packed) == dict(found.overlap)
    assert found.similarity is not None
    explain = background.Explainer(names, {}, found.similarity.lang)
    assert {k: [explain(k, other) for other, _ in packed[k]] for k in keys} == {
        k: [found.why(k, other) for other, _ in found.overlap[k]] for k in keys
    }


def test_a_packed_answer_whose_parts_disagree_is_worked_out_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A chunk that names more neighbours than it holds is not taken as an answer."""
    entries, names = entries_and_names()
    here, _ = background.neighbours(entries, names)
    answers: list[object] = []
    real_answer = background._answer

    def spy(stream: object, names: object, **more: object) -> object:
        found = real_answer(stream, names, **more)  # type: ignore[arg-type]
        answers.append(found)
        return found

    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(
        background,
        "CHILD",
        "from planboard.core import background\n"
        "real = background._packed_arrays\n"
        "def short(*args):\n"
        "    for keys_, counts, ids, scores, positions in real(*args):\n"
        "        yield keys_, counts, ids[:-1], scores[:-1], positions\n"
        "background._packed_arrays = short\n"
        "background._child()\n",
    )
    monkeypatch.setattr(background, "_answer", spy)
    assert background.neighbours_anywhere(entries, names)[0] == here
    assert answers == [None]


def test_the_question_goes_to_the_process_as_it_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The entries and the stored vectors go down the pipe a chunk at a time: the board
    never holds the whole question as bytes (at 50,000 items, 20 MB, and as much again
    for its copy, on top of what it holds)."""
    import tracemalloc

    entries, names = entries_and_names()
    stored = {n: ("digest", bytes([n % 256]) * 1024) for n in range(100_000, 120_000)}
    size = sum(len(blob) for _, blob in stored.values())  # 20 MB
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHILD", "import sys; sys.stdin.buffer.read()")
    tracemalloc.start()
    try:
        background.neighbours_anywhere(entries, names, stored)  # (no answer: done here)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < size // 4, f"{peak / 1e6:.1f} MB at the peak for a {size / 1e6:.0f} MB question"


def test_a_question_cut_short_is_not_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question that could not be written whole (here an entry that can't be
    pickled, part way through): the process answers nothing rather than the part it
    got, and the pass is done here, whole."""
    entries, names = entries_and_names()
    odd = Entry(lambda: None, "Churn by region", "Sales")  # (a key no pickle takes)
    entries = [*entries[:50], odd, *entries[50:]]
    names[odd.key] = ("Sales", odd.text)
    here, _ = background.neighbours(entries, names)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHUNK", 10)
    started: list[object] = []
    real_popen = subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> object:
        started.append(args)
        return real_popen(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(background.subprocess, "Popen", spy)
    there, _ = background.neighbours_anywhere(entries, names)
    assert started  # a process was asked
    assert there == here


def test_why_said_here_for_a_process_answer_is_what_the_pass_would_say(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The process sends no reasons; the board says why two items match when asked,
    from their titles and vectors: the very words the pass would have said, for every
    neighbour and for two items that are not, with the vectors worked out anew where
    the ones the pass was given belong to an older title."""
    from planboard.bench_similar import _titles
    from planboard.core.similar import embed_titles, meaning_available, title_hash

    if not meaning_available():
        pytest.skip("the meaning model needs numpy")
    titles = _titles(600, seed=5)
    entries = [Entry(n, t, n % 9) for n, t in enumerate(titles)]
    names = {e.key: (f"list {e.owner}", e.text) for e in entries}
    blobs = embed_titles(titles)
    stored = {n: (title_hash(t), blobs[n]) for n, t in enumerate(titles) if n % 3}
    for n in range(1, 600, 30):  # (a vector kept for the title the item had before)
        stored[n] = (title_hash("an older title"), blobs[(n + 1) % 600])
    here, found = background.neighbours(entries, names, stored)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    there, lean = background.neighbours_anywhere(entries, names, stored)
    assert lean.similarity is None and lean.reasons is None  # (no reasons came back)
    assert there == here and dict(lean.overlap) == dict(found.overlap)
    pairs = [(key, other) for key, near in here.items() for other, _, _ in near]
    pairs += [(0, 599), (1, 31), (31, 2)]  # (not all neighbours)
    assert len(pairs) > 100
    said = [lean.why(a, b) for a, b in pairs]
    assert said == [found.why(a, b) for a, b in pairs]
    assert sum("close in meaning" in why for why in said) > 10
    assert lean.why(0, "no such item") == ""


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_why_said_here_speaks_the_language_the_pass_read(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """German and French lists: words decide, stemmed for their language, and the
    board says why in the words the pass would have said."""
    data = json.loads((FIXTURE.parent / "requests-de-fr.json").read_text())[lang]
    entries = [Entry(n, item["title"], item["owner"]) for n, item in enumerate(data)]
    names = {e.key: (str(e.owner), e.text) for e in entries}
    here, found = background.neighbours(entries, names)
    assert found.similarity is not None and found.similarity.lang == lang
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    there, lean = background.neighbours_anywhere(entries, names)
    assert lean.similarity is None and there == here
    pairs = [(key, other) for key, near in here.items() for other, _, _ in near]
    assert len(pairs) >= 6
    assert [lean.why(a, b) for a, b in pairs] == [found.why(a, b) for a, b in pairs]


def test_whose_lists_the_process_says_are_those_worked_out_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given the owners' names, the process also says whose lists hold each entry's
    neighbours (the board marks every item with it): the very names, sorted, that the
    neighbours found here give."""
    from planboard.core.similar import meaning_available

    if not meaning_available():
        pytest.skip("the packed answer needs numpy")
    entries, _ = entries_and_names()
    owners = {e.owner: f"list {e.owner}" for e in entries}
    names = {e.key: (owners[e.owner], e.text) for e in entries}
    here, _ = background.neighbours(entries, names)
    expected = {key: tuple(sorted({w for _, w, _ in near})) for key, near in here.items()}
    assert any(len(whose) > 1 for whose in expected.values())  # (not all one list)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHUNK", 3)
    there, _ = background.neighbours_anywhere(entries, names, owners=owners)
    assert isinstance(there, background.Near)
    assert there.take_whose() == expected
    # Taken once: the answer lets them go (the board needs them for its marks alone).
    assert there.take_whose() is None and dict(there) == dict(here)
    # Without the owners' names, the process says nothing of them.
    there, _ = background.neighbours_anywhere(entries, names)
    assert isinstance(there, background.Near) and there.take_whose() is None


def test_a_process_finds_the_same_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """`S` on a big board: the groups found in a process are the ones found here."""
    from planboard.core.similar import match

    entries, _ = entries_and_names()
    here = [[e.key for e in group] for group in match(entries).groups]
    assert here  # (the fixture has groups)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHUNK", 2)
    answers: list[object] = []
    real_answer = background._groups_answer

    def spy(stream: object) -> object:
        answers.append(real_answer(stream))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(background, "_groups_answer", spy)
    assert background.groups_anywhere(entries) == here
    assert answers == [here]  # it was the process's answer
    # A process that fails leaves the work here.
    monkeypatch.setattr(background.sys, "executable", "false")
    assert background.groups_anywhere(entries) == here


def test_a_groups_answer_that_is_not_one_is_refused() -> None:
    import io
    import pickle

    def answer(*records: tuple[str, object]) -> object:
        stream = io.BytesIO()
        for record in records:
            pickle.dump(record, stream)
        stream.seek(0)
        return background._groups_answer(stream)

    assert answer(("groups", [[1, 2]]), ("end", None)) == [[1, 2]]
    assert answer(("groups", [[1, 2]])) is None  # cut short
    assert answer(("groups", [(1, 2)]), ("end", None)) is None  # not lists
    assert answer(("packed", [[1, 2]]), ("end", None)) is None  # not groups


def test_the_process_sends_the_new_vectors_before_it_scores_the_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The board's pass (item ids as keys) sends the vectors of the titles it embedded
    first, so that it can let them go before it scores the pairs (at 50,000 new titles
    they were 20 MB it held to its end); the board takes them all the same."""
    entries, names = entries_and_names()
    tags: list[str] = []
    real = background._records

    def spy(stream: object) -> object:
        for tag, payload in real(stream):  # type: ignore[arg-type]
            tags.append(tag)
            yield tag, payload

    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHUNK", 3)
    monkeypatch.setattr(background, "_records", spy)
    _, found = background.neighbours_anywhere(entries, names)
    assert "packed" in tags and tags[-1] == "end"
    assert len(found.new_vectors) == len(entries)
    assert tags.index("packed") > max(n for n, tag in enumerate(tags) if tag == "vectors")


def test_the_new_vectors_of_an_answer_are_held_as_compactly_as_their_bytes() -> None:
    """The board takes the new vectors the process sends into flat buffers as they
    come (`Rows`): 8,192 of them are held in little more than their bytes (one tuple,
    hash and bytes object a vector took 1.8 times that, and 50,000 were 25 MB), and
    read back as the process sent them."""
    import io
    import tracemalloc

    from planboard.core.vectors import Rows

    rows = [(n, f"{n * 7919:016x}", bytes([n % 251]) * 256) for n in range(8192)]
    stream = io.BytesIO()
    background._send(stream, [("note", ""), ("lang", "en")])
    background._send(stream, (("vectors", chunk) for chunk in background._chunks(rows, 500)))
    packed = ([1, 2], [1, 1], [2, 1], [0.9, 0.9])
    background._send(stream, [("packed", packed), ("end", None)])
    names: dict[object, tuple[str, str]] = {1: ("Sales", "a"), 2: ("Finance", "b")}
    stream.seek(0)
    tracemalloc.start()
    try:
        answer = background._answer(stream, names)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer is not None
    _, found = answer
    assert isinstance(found.new_vectors, Rows) and found.new_vectors == rows
    size = 8192 * 256
    assert held < size * 1.2, f"{held / 1e6:.1f} MB held for {size / 1e6:.1f} MB of vectors"


def test_a_lean_pass_lets_go_what_scoring_does_not_read() -> None:
    """Once its words are weighed and its new vectors sent, the process's matcher lets
    go the titles, the language's tables and the meaning model, and scores the pairs
    as it would have with them."""
    from planboard.core.lexicon import frequencies
    from planboard.core.similar.meaning import meaning_model
    from planboard.core.similar.pairs import Similarity

    entries, _ = entries_and_names()
    full = Similarity(entries)
    kept = full.neighbour_rows()[0].rows()
    lean = Similarity(entries, lean=True)
    lean.travel_light()
    assert lean.entries[0].text != "", "new vectors not yet sent: nothing let go"
    lean.new_vectors.clear()
    lean.travel_light()
    assert {entry.text for entry in lean.entries} == {""}
    assert frequencies.cache_info().currsize == meaning_model.cache_info().currsize == 0
    assert [part.tolist() for part in lean.neighbour_rows()[0].rows()] == [
        part.tolist() for part in kept
    ]


def test_the_entries_of_items_are_made_as_they_are_read() -> None:
    """The board's pass reads its entries from its items, each made when read: a list
    of 50,000 of them is not held while the process works."""
    import tracemalloc
    from types import SimpleNamespace

    from planboard.core.similar import Entry
    from planboard.core.similar.entry import ItemEntries

    items = [SimpleNamespace(id=n, title=f"Item {n}", stakeholder_id=n % 7) for n in range(50_000)]
    tracemalloc.start()
    try:
        entries = ItemEntries(items)
        chunks = sum(len(entries[at : at + 2000]) for at in range(0, len(entries), 2000))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chunks == len(entries) == 50_000 and held < 100_000
    assert entries[7] == Entry(7, "Item 7", 0) and list(entries)[-1] == Entry(
        49_999, "Item 49999", 5
    )


def test_an_answer_its_file_could_not_hold_comes_through_the_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process that could not write its answer into the file (a full disk) ends
    with `UNWRITTEN`, and the pass asks again, the answer coming through the pipe."""
    monkeypatch.setattr(
        background,
        "CHILD",
        "import os, pickle, stat, sys\n"
        "sys.stdin.buffer.read()\n"
        "if stat.S_ISREG(os.fstat(1).st_mode):\n"
        f"    os._exit({background.UNWRITTEN})\n"
        "pickle.dump(('n', 1), sys.stdout.buffer)\n",
    )
    asked: list[int] = []

    def ask(out: IO[bytes]) -> None:
        asked.append(1)
        out.write(b"question")

    found = background.Pass().run(ask, lambda stream: list(background._records(stream)))
    assert found == [("n", 1)] and asked == [1, 1]


def test_the_process_says_when_it_could_not_write_its_answer(tmp_path: Path) -> None:
    """The process's own side: its answer's file refusing bytes ends it with
    `UNWRITTEN`, not a traceback."""
    entries, _ = entries_and_names()
    question = tmp_path / "question"
    with question.open("wb") as out:
        background._send_question(out, entries, None, None)
    with question.open("rb") as stdin:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from planboard.core import background\n"
                "def full(*args, **kwargs):\n"
                "    raise OSError(28, 'No space left on device')\n"
                "background._send = full\n"
                "background._child()\n",
            ],
            stdin=stdin,
            capture_output=True,
        )
    assert done.returncode == background.UNWRITTEN, done.stderr.decode()[-500:]


def test_a_pass_stopped_while_its_answer_is_read_reads_no_further(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answer read from its file once the process has ended: a pass stopped
    meanwhile (a long action needs the machine) reads no further record, and finds
    nothing."""
    monkeypatch.setattr(
        background,
        "CHILD",
        "import pickle, sys; sys.stdin.buffer.read(); "
        "[pickle.dump(('n', n), sys.stdout.buffer) for n in range(1000)]",
    )
    running = background.Pass()
    seen: list[object] = []

    def read(stream: IO[bytes]) -> list[object]:
        for record in background._records(stream):
            seen.append(record)
            if len(seen) == 3:
                running.stop()
        return seen

    assert running.run(lambda out: out.write(b"question"), read) is None
    assert seen == [("n", 0), ("n", 1), ("n", 2)]
