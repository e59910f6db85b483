"""`planboard restore --from URL --at TIME`: a time pasted from `--list` restores the
board with the change listed at that time; a time after the newest change restores the
newest state; combinations that would be silently ignored are refused."""

from __future__ import annotations

import importlib
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from crash_harness import SAMPLE, fresh_copy
from test_replicate import (
    LITESTREAM,
    Replicating,
    board_tables,
    cli,
    restored,
    state,  # noqa: F401  (the state folder of every test here, and no process left behind)
    titles,
    wait_for_title,
)

from planboard.core import replica
from planboard.core.replica import ReplicaError

pytestmark = pytest.mark.skipif(not LITESTREAM, reason="Litestream is not installed")

SHOWN = "%Y-%m-%d %H:%M:%S"  # how --list shows a time


def _at_txid(url: str, txid: int, out: Path) -> Path:
    """Litestream alone, restoring up to a transaction (inclusive)."""
    result = subprocess.run(
        [LITESTREAM, "restore", "-o", str(out), "-txid", f"{txid:016x}", url],
        capture_output=True,
        text=True,
        timeout=120,
        env=replica.litestream_env(),
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def two_imports(tmp_path: Path) -> tuple[Path, str]:
    board = fresh_copy(SAMPLE, tmp_path)
    url = f"file://{tmp_path / 'replica'}"
    running = Replicating(board, url)
    for name in ("First", "Second"):
        listing = tmp_path / f"{name}.md"
        listing.write_text(f"- {name} import only\n")
        cli("import", str(board), str(listing), "--team")
        wait_for_title(url, tmp_path, f"{name} import only")
        time.sleep(1.2)
    running.stop()
    return board, url


def test_a_time_pasted_from_the_list_restores_the_change_listed_then(
    two_imports: tuple[Path, str], tmp_path: Path
) -> None:
    _board, url = two_imports
    listing = cli("restore", "--from", url, "--list")
    found = replica.points(url)
    changes = sorted({p.max_txid: p for p in found if p.level == 0}.values(), key=lambda p: p.at)
    assert len(changes) >= 3
    for n, point in enumerate(changes):
        shown = point.at.strftime(SHOWN)
        assert f"  {shown}  " in listing
        # pasted as listed (no zone: the column says UTC), it holds that change, and
        # every other one listed at that second
        then = max(p.max_txid for p in found if p.at.strftime(SHOWN) <= shown)
        assert then >= point.max_txid
        mine = restored(url, tmp_path, f"at{n}.db", at=shown)
        assert board_tables(mine) == board_tables(_at_txid(url, then, tmp_path / f"t{n}.db"))
    # the earliest time listed is restorable too
    first = listing.split("any time from ", 1)[1].split(" UTC", 1)[0]
    assert board_tables(restored(url, tmp_path, "first.db", at=first))
    # the first import's point holds it, and not the second
    with_first = [
        p
        for p in changes
        if "First import only"
        in titles(_at_txid(url, p.max_txid, tmp_path / f"upto{p.max_txid}.db"))
    ]
    then = restored(url, tmp_path, "then.db", at=with_first[0].at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert "First import only" in titles(then) and "Second import only" not in titles(then)


def test_a_time_after_the_newest_change_restores_the_newest_state(
    two_imports: tuple[Path, str], tmp_path: Path
) -> None:
    board, url = two_imports
    newest = max(p.at for p in replica.points(url))
    for n, later in enumerate((newest, newest + timedelta(seconds=1), newest + timedelta(days=3))):
        at = later.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if n == 0 else later.strftime(SHOWN)
        out = cli("restore", "--from", url, "--at", at, "-o", str(tmp_path / f"late{n}.db"))
        # The time said is the newest change's, the state restored (not the time asked).
        said = f"as it was at {newest.strftime(SHOWN)} UTC (the newest change in the replica)"
        assert said in out, out
        assert n == 0 or later.strftime(SHOWN) not in out
        assert board_tables(tmp_path / f"late{n}.db") == board_tables(board)
    # over a board too
    (tmp_path / "over").mkdir()
    copy = fresh_copy(SAMPLE, tmp_path / "over")
    out = cli("restore", str(copy), "--from", url, "--at", "2099-01-01T00:00:00Z", "--yes")
    assert f"from the replica {url} {said}." in out and "2099" not in out
    assert board_tables(copy) == board_tables(board)
    # before the first point: refused, saying from when it can be restored
    early = cli(
        "restore",
        "--from",
        url,
        "--at",
        "2001-01-01 00:00:00",
        "-o",
        str(tmp_path / "x.db"),
        check=False,
    )
    assert (
        "nothing as early as that time" in early
        and "the earliest it can be restored to is" in early
    )
    assert not (tmp_path / "x.db").exists()


def test_times_without_a_zone_are_utc_and_a_second_means_its_end() -> None:
    at = replica.parse_at("2026-12-01 11:22:33")
    assert at.moment == datetime(2026, 12, 1, 11, 22, 33, tzinfo=UTC)
    assert at.grain == timedelta(seconds=1)
    assert at.until == datetime(2026, 12, 1, 11, 22, 33, 999_999, tzinfo=UTC)
    assert replica.parse_at("2026-12-01 11:22:33 UTC") == at
    assert replica.parse_at("2026-12-01T11:22:33Z") == at
    assert replica.parse_at("2026-12-01T12:22:33+01:00") == at
    assert at.said() == "as it was at 2026-12-01 11:22:33 UTC (changes made then included)"
    exact = replica.parse_at("2026-12-01T11:22:33.250Z")
    assert not exact.grain and exact.until == exact.moment
    assert str(exact) == "2026-12-01 11:22:33.25 UTC"
    with pytest.raises(ReplicaError, match="not a time"):
        replica.parse_at("yesterday")


def test_a_time_to_the_minute_means_the_end_of_that_minute() -> None:
    """`--at 2026-12-04T10:31` meant 10:31:00.000, leaving out a change listed at
    10:31:20, while the message said the changes made then were included."""
    at = replica.parse_at("2026-12-04T10:31")
    assert at.moment == datetime(2026, 12, 4, 10, 31, tzinfo=UTC)
    assert at.until == datetime(2026, 12, 4, 10, 31, 59, 999_999, tzinfo=UTC)
    for same in (
        "2026-12-04 10:31",
        "2026-12-04 10:31 UTC",
        "2026-12-04T10:31Z",
        "2026-12-04T11:31+01:00",
    ):
        assert replica.parse_at(same) == at, same
    assert at.said() == (
        "as it was at the end of the minute 2026-12-04 10:31 UTC (changes made in it included)"
    )
    day = replica.parse_at("2026-12-04")
    assert day.until == datetime(2026, 12, 4, 23, 59, 59, 999_999, tzinfo=UTC)
    assert "end of the day 2026-12-04 UTC" in day.said()
    # A fraction of a second is that very moment: the message claims nothing more.
    exact = replica.parse_at("2026-12-04 10:31:20.5")
    assert exact.until == datetime(2026, 12, 4, 10, 31, 20, 500_000, tzinfo=UTC)
    assert exact.said() == "as it was at 2026-12-04 10:31:20.5 UTC"


def test_a_time_to_the_minute_asks_litestream_for_the_end_of_that_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    points_module = importlib.import_module("planboard.core.replica.points")
    start = datetime(2026, 12, 4, 10, 30, 10, tzinfo=UTC)
    found = [replica.Point(0, n, n, 100, start + timedelta(seconds=30 * n)) for n in range(8)]
    monkeypatch.setattr(points_module, "points", lambda url: found)
    args, _span = points_module._target(
        "s3://bucket/board.db", replica.parse_at("2026-12-04 10:31")
    )
    assert args == ["-timestamp", "2026-12-04T10:32:00.000000Z"]


def test_a_time_to_the_minute_restores_every_change_made_in_it(
    two_imports: tuple[Path, str], tmp_path: Path
) -> None:
    _board, url = two_imports
    found = replica.points(url)
    newest = max(p.at for p in found)
    changes = sorted((p for p in found if p.level == 0), key=lambda p: p.at)
    minute = changes[-1].at.strftime("%Y-%m-%d %H:%M")
    out = cli("restore", "--from", url, "--at", minute, "-o", str(tmp_path / "minute.db"))
    then = max(p.max_txid for p in found if p.at.strftime("%Y-%m-%d %H:%M") <= minute)
    expected = board_tables(_at_txid(url, then, tmp_path / "then.db"))
    assert board_tables(tmp_path / "minute.db") == expected
    assert "Second import only" in titles(tmp_path / "minute.db")
    if newest.strftime("%Y-%m-%d %H:%M") == minute:
        assert (
            f"as it was at {newest.strftime(SHOWN)} UTC (the newest change in the replica)" in out
        )
    else:
        assert f"at the end of the minute {minute} UTC (changes made in it included)" in out
    # A time with a fraction of a second: exactly then, said without "changes made then".
    first = next(
        p
        for p in changes
        if "First import only" in titles(_at_txid(url, p.max_txid, tmp_path / f"f{p.max_txid}.db"))
    )
    exact = first.at.strftime("%Y-%m-%d %H:%M:%S.%f")
    out = cli("restore", "--from", url, "--at", exact, "-o", str(tmp_path / "exact.db"))
    assert f"as it was at {replica.parse_at(exact)} into" in out and "included" not in out
    assert "First import only" in titles(tmp_path / "exact.db")
    assert "Second import only" not in titles(tmp_path / "exact.db")


def test_the_list_names_no_transaction_in_hex(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planboard.cli import replicate as replica_cli

    start = datetime(2026, 1, 1, tzinfo=UTC)
    found = [replica.Point(0, n, n, 100, start + timedelta(hours=n)) for n in range(1, 12)]
    monkeypatch.setattr(replica, "points", lambda url: found)
    assert replica_cli._list_points("file:///r") == 0
    out = capsys.readouterr().out
    assert "(transaction" not in out and "000000000000000b" not in out
    assert "end of that second" in out


def test_at_with_list_and_a_board_with_o_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planboard.cli import main

    board = fresh_copy(SAMPLE, tmp_path)
    before = board.read_bytes()
    url = str(tmp_path / "replica")
    assert main(["restore", "--from", url, "--list", "--at", "2026-12-01 11:22:33"]) == 2
    assert "give one or the other" in capsys.readouterr().err
    out = tmp_path / "new.db"
    assert main(["restore", str(board), "--from", url, "-o", str(out)]) == 2
    said = capsys.readouterr().err
    assert "not both" in said and str(board) in said
    assert not out.exists() and board.read_bytes() == before
    # A board name with a typing slip: said, not restored into a new file beside it.
    slip = board.with_name(board.name[:2] + board.name[3] + board.name[2] + board.name[4:])
    assert main(["restore", str(slip), "--from", url]) == 2
    assert f"Did you mean {board}?" in capsys.readouterr().err
    assert not slip.exists() and board.read_bytes() == before
    # --list restores nothing: a board or an -o beside it was silently not used.
    assert main(["restore", str(board), "--from", url, "--list"]) == 2
    said = capsys.readouterr().err
    assert "--list only shows the times" in said and str(board) in said
    assert main(["restore", "--from", url, "--list", "-o", str(out)]) == 2
    assert str(out) in capsys.readouterr().err
    assert not out.exists() and board.read_bytes() == before


def test_a_week_date_means_the_end_of_its_day_or_week() -> None:
    """ISO week dates are times too: `2026-W49-5` is a date (Friday 4 December), so it
    means the end of that day, as `2026-12-04` does (it meant its first second); a
    week alone means the end of the week; with a time, the time's own grain."""
    day = replica.parse_at("2026-W49-5")
    assert day == replica.parse_at("2026-12-04") == replica.parse_at("2026W495")
    assert "end of the day 2026-12-04 UTC" in day.said()
    week = replica.parse_at("2026-W49")
    assert week.moment == datetime(2026, 11, 30, tzinfo=UTC)
    assert week.until == datetime(2026, 12, 6, 23, 59, 59, 999_999, tzinfo=UTC)
    assert week.said() == (
        "as it was at the end of the week 2026-W49 UTC (changes made in it included)"
    )
    assert replica.parse_at("2026-W49-5T10:31") == replica.parse_at("2026-12-04 10:31")
    assert replica.parse_at("2026-W49-5 10:31:20") == replica.parse_at("2026-12-04 10:31:20")


def test_an_offset_given_to_the_second_is_refused() -> None:
    """`12:00+01:00:30` to the minute: the restore took the minute from 10:59:30 UTC
    while the message named the minute 10:59; no zone is that offset, so it is
    refused with what to give instead."""
    with pytest.raises(ReplicaError, match=r"offset to the second.*\+01:00"):
        replica.parse_at("2026-12-01T12:00+01:00:30")
    assert replica.parse_at("2026-12-01T12:00+01:00").said() == (
        "as it was at the end of the minute 2026-12-01 11:00 UTC (changes made in it included)"
    )


def test_a_time_just_before_the_first_point_says_an_earliest_time_that_works() -> None:
    """The first point at 10:00:00.7, a time asked at 10:00:00.5: refused, and the
    earliest time said is one that `--at` takes (it said 10:00:00, which read as
    earlier than the time refused)."""
    points = importlib.import_module("planboard.core.replica.points")
    first = datetime(2026, 12, 1, 10, 0, 0, 700_000, tzinfo=UTC)
    span = points.Span(first, first + timedelta(hours=1), 7)
    asked = replica.parse_at("2026-12-01T10:00:00.5Z")
    error = points._too_early(asked, span)
    said = str(error).split("the earliest it can be restored to is ", 1)[1].split(" UTC", 1)[0]
    assert replica.parse_at(said).until >= first
    assert replica.parse_at(said).moment > asked.moment
    whole = points.Span(first.replace(microsecond=0), first + timedelta(hours=1), 7)
    earlier = replica.parse_at("2026-12-01T09:59:59.5Z")
    assert "restored to is 2026-12-01 10:00:00 UTC" in str(points._too_early(earlier, whole))


@pytest.mark.parametrize(
    "text", ["9999-W52", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-W52-7"]
)
def test_a_time_past_the_calendars_ends_is_refused_saying_so(text: str) -> None:
    """Times at the ends of the calendar ended the command with OverflowError (or were
    called "not a time")."""
    with pytest.raises(ReplicaError) as refused:
        replica.parse_at(text)
    assert "out of the range of times" in str(refused.value) and text in str(refused.value)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-02-29", "2026-04-31T10:00Z"])
def test_a_day_no_month_has_is_not_a_time(text: str) -> None:
    with pytest.raises(ReplicaError) as refused:
        replica.parse_at(text)
    assert "is not a time" in str(refused.value)


def test_an_empty_at_is_refused_not_taken_for_the_newest_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--at "$WHEN"` with WHEN unset restored the newest state over the board, as if no
    time were given (and slipped past the check that `--at` does not go with `--list`)."""
    from planboard.cli import main

    board = fresh_copy(SAMPLE, tmp_path)
    before = board.read_bytes()
    url = str(tmp_path / "replica")
    for extra in (["--yes"], ["--list"]):
        args = ["restore", *([str(board)] if extra == ["--yes"] else []), "--from", url]
        assert main([*args, "--at", "", *extra]) == 2
        assert "--at is empty" in capsys.readouterr().err
    # Without --from: not a backup listed (or restored by number) as if it were not given.
    assert main(["restore", str(board), "--at", ""]) == 2
    assert "add --from URL" in capsys.readouterr().err
    assert board.read_bytes() == before
