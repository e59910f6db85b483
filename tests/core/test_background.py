"""The overlap pass in a process of its own gives what it gives in this one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

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
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: object) -> object:
        started.append(args)
        return real_run(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background.subprocess, "run", spy)
    there, lean = background.neighbours_anywhere(entries, names)
    assert there == here
    assert len(started) == 1  # it did run in a process
    assert lean.similarity is None  # the matcher's tables stayed in the process
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
