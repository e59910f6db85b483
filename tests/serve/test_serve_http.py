"""`planboard serve` over real HTTP on 127.0.0.1: the page, the live channel, the rules."""

from __future__ import annotations

import asyncio
import hashlib
import html
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from conftest import SAMPLE, FixedClock
from serving import Live, base, live_meeting, serving

from planboard import cli
from planboard.core.clock import ManualClock
from planboard.core.live import live_view
from planboard.core.lock import writer_is_active
from planboard.core.store import Store
from planboard.serve.server import CSP, BoardServer, is_loopback

# Generous: the 1 s target is measured by `python -m planboard.bench.serve`, not here.
ARRIVES = 10.0


def copy_sample(folder: Path, name: str = "board.db") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(SAMPLE, target)
    return target


@pytest.fixture
def board(tmp_path: Path) -> Path:
    return copy_sample(tmp_path)


async def get(session: aiohttp.ClientSession, url: str, **kwargs: object) -> tuple[int, str]:
    async with session.get(url, **kwargs) as response:  # type: ignore[arg-type]
        return response.status, await response.text()


async def test_the_page_holds_the_quarters_blocks(board: Path) -> None:
    with Store.open(board, create=False, readonly=True) as store:
        quarter = store.default_quarter()
        names = [b.name for b in store.blocks(quarter.id)]
    assert len(names) >= 3
    with serving(board) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/") as response,
        ):
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            body = await response.text()
    assert f'<h1 class="quarter">{quarter.name}</h1>' in body
    for name in names:
        assert f'<span class="name">{html.escape(name)}</span>' in body


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"team#1", "team#1"),
        (b"what?", "what?"),
        (b"50%41", "50%41"),
        ("two words é".encode(), "two words é"),
        (b"a'b\"c<i>", "a&#x27;b&quot;c&lt;i&gt;"),
        (b"caf\xe9", "caf\ufffd"),  # a name in another encoding than UTF-8
    ],
)
async def test_the_page_of_a_board_with_an_awkward_name(
    tmp_path: Path, raw: bytes, shown: str
) -> None:
    name = os.fsdecode(raw)
    try:
        board = copy_sample(tmp_path / name, f"{name}.db")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes UTF-8 names only")
    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            status, body = await get(session, base(server) + "/")
    assert status == 200
    assert f"<title>{shown}.db · planboard</title>" in body
    assert '<h1 class="quarter">' in body


async def test_a_write_through_the_store_reaches_a_connected_live_channel(board: Path) -> None:
    with serving(board) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/live") as response,
        ):
            assert response.headers["Content-Type"] == "text/event-stream"
            live = Live(response)
            first = await live.message()
            assert "Weekly commercial pulse" in first["html"]
            store = Store.open(board, clock=FixedClock())
            try:
                block = store.blocks(store.default_quarter().id)[0]
                store.edit_block(block.id, name="Monday pulse, renamed")
            finally:
                store.close()
            message = await live.until(lambda m: "Monday pulse, renamed" in m["html"], ARRIVES)
            assert message["v"] > first["v"]
            assert "Weekly commercial pulse" not in message["html"]


async def test_a_write_by_plain_sqlite3_reaches_a_connected_live_channel(board: Path) -> None:
    with serving(board) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/live") as response,
        ):
            live = Live(response)
            await live.message()
            conn = sqlite3.connect(board)
            with conn:
                conn.execute(
                    "UPDATE quarters SET vision = 'Written by another program' "
                    "WHERE status != 'decided'"
                )
            conn.close()
            await live.until(lambda m: "Written by another program" in m["html"], ARRIVES)


async def test_a_hidden_tally_never_appears_in_any_body(board: Path) -> None:
    ids = live_meeting(board, hidden=True)
    with Store.open(board, create=False, readonly=True) as store:
        view = live_view(store)
    assert view.status == "live" and view.tally_hidden
    assert all(block.dots is None and block.votes is None for block in view.blocks)

    def tell_nothing(body: str) -> None:
        assert "●" not in body
        assert 'class="dots"' not in body
        assert " 7</span>" not in body and "(Head" not in body

    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            bodies = []
            for path in ("/", "/assets/page.js", "/assets/page.css", "/nothing", "/live?x=1"):
                if path.startswith("/live"):
                    async with session.get(base(server) + path) as response:
                        bodies.append(str(await Live(response).message()))
                else:
                    bodies.append((await get(session, base(server) + path))[1])
            async with session.head(base(server) + "/") as response:
                bodies.append(str(response.headers))
            for body in bodies:
                tell_nothing(body)
            assert "tally hidden" in bodies[0]

            # Revealed, the same page shows them: the checks above can see dots.
            async with session.get(base(server) + "/live") as response:
                live = Live(response)
                await live.message()
                store = Store.open(board, clock=FixedClock())
                try:
                    store.set_meeting(ids["quarter"], tally_hidden=False)
                finally:
                    store.close()
                revealed = await live.until(lambda m: 'class="dots"' in m["html"], ARRIVES)
    assert '"true">●●●●●●●</span> 7</span>' in revealed["html"]
    assert "tally hidden" not in revealed["html"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", ["/", "/live", "/assets/page.js", "/nothing"])
async def test_any_method_but_get_and_head_is_refused(board: Path, method: str, path: str) -> None:
    before = hashlib.sha256(board.read_bytes()).hexdigest()
    with serving(board) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.request(method, base(server) + path, data=b"x") as response,
        ):
            assert response.status == 405
            assert response.headers["Allow"] == "GET,HEAD"
            assert response.headers["Content-Security-Policy"] == CSP
    assert hashlib.sha256(board.read_bytes()).hexdigest() == before


async def test_a_token_is_needed_when_one_is_set(board: Path) -> None:
    with serving(board, token="s3cret-token") as server:
        assert server.url.endswith("/?token=s3cret-token")
        async with aiohttp.ClientSession() as session:
            for query in ("", "?token=", "?token=wrong", "?token=s3cret-tokenX"):
                for path in ("/", "/live", "/assets/page.css"):
                    status, body = await get(session, base(server) + path + query)
                    assert status == 401, (path, query)
                    assert "Weekly" not in body
            # Opened from a link with the wrong token, the page an attendee sees says what
            # to do, in a page a phone shows at a readable size (it was a line of text).
            async with session.get(base(server) + "/?token=wrong") as response:
                said = await response.text()
                assert response.status == 401 and response.content_type == "text/html"
                assert 'name="viewport"' in said and "Ask the facilitator" in said
            status, body = await get(session, base(server) + "/?token=s3cret-token")
            assert status == 200 and "Weekly commercial pulse" in body
            # The page hands the token on to its own assets.
            assert 'href="/assets/page.css?token=s3cret-token"' in body
            status, _ = await get(session, base(server) + "/assets/page.css?token=s3cret-token")
            assert status == 200
            async with session.get(base(server) + "/live?token=s3cret-token") as response:
                assert response.status == 200
                assert "Weekly commercial pulse" in (await Live(response).message())["html"]


def test_a_host_others_can_reach_gets_a_token_made_for_it(board: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    local = BoardServer(board, host="127.0.0.1")
    assert local.token == ""
    for host in ("0.0.0.0", "192.168.1.20", "::"):
        server = BoardServer(board, host=host, port=8000)
        assert len(server.token) >= 20
        assert server.url.endswith(f"?token={server.token}")
    assert BoardServer(board, host="0.0.0.0").token != BoardServer(board, host="0.0.0.0").token


async def test_the_live_channel_checks_origin(board: Path) -> None:
    with serving(board) as server:
        own = base(server)
        async with aiohttp.ClientSession() as session:
            refused = [
                {"Origin": "http://evil.example"},
                {"Origin": "null"},
                {"Origin": f"http://127.0.0.1:{server.port + 1}"},
                {"Sec-Fetch-Site": "cross-site"},
                {"Sec-Fetch-Site": "same-site"},
            ]
            for headers in refused:
                status, body = await get(session, own + "/live", headers=headers)
                assert status == 403, headers
                assert "Weekly" not in body
            for headers in ({"Origin": own}, {"Sec-Fetch-Site": "same-origin"}, {}):
                async with session.get(own + "/live", headers=headers) as response:
                    assert response.status == 200, headers
                    await Live(response).message()


async def test_only_loopback_names_are_answered_on_loopback_without_a_token(board: Path) -> None:
    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            status, body = await get(
                session, base(server) + "/", headers={"Host": f"rebound.example:{server.port}"}
            )
            assert status == 421 and "Weekly" not in body
            for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}", "LOCALHOST"):
                status, _ = await get(session, base(server) + "/", headers={"Host": host})
                assert status == 200, host
            # (a Host a browser never sends, but a name other than loopback all the same)
            for host in ("127.0.0.1:1@rebound.example", "127.0.0.1:x", "localhost:80:80"):
                status, body = await get(session, base(server) + "/", headers={"Host": host})
                assert status == 421 and "Weekly" not in body, host


async def test_no_directory_is_listed_and_every_response_has_the_policy(board: Path) -> None:
    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            for path in (
                "/assets",
                "/assets/",
                "/assets/%2e%2e%2fserver.py",
                "/static/",
                "/src",
                "/board.db",
            ):
                async with session.get(base(server) + path) as response:
                    assert response.status == 404, path
                    assert response.headers["Content-Security-Policy"] == CSP
                    assert response.headers["Server"] == "planboard"  # no framework named
                    assert "page.js" not in await response.text()
            async with session.get(base(server) + "/") as response:
                body = await response.text()
                assert response.headers["Content-Security-Policy"] == CSP
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert response.headers["Server"] == "planboard"
    # Every asset is the server's own: no address elsewhere in the page.
    assert "http://" not in body and "https://" not in body and "//" not in body.split("<main")[0]


async def test_live_connections_are_capped(board: Path) -> None:
    with serving(board, max_clients=2) as server:
        async with aiohttp.ClientSession() as session:
            first = await session.get(base(server) + "/live")
            second = await session.get(base(server) + "/live")
            await Live(first).message()
            await Live(second).message()
            status, body = await get(session, base(server) + "/live")
            assert status == 503 and "Too many" in body
            assert (await get(session, base(server) + "/"))[0] == 200  # the page still loads
            first.close()
            second.close()
            for _ in range(100):  # the server notices the closed connections
                async with session.get(base(server) + "/live") as response:
                    if response.status == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the server kept counting closed connections")


async def test_serving_never_takes_the_writer_lock_nor_writes(board: Path) -> None:
    before = hashlib.sha256(board.read_bytes()).hexdigest()
    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            async with session.get(base(server) + "/live") as response:
                await Live(response).message()
                assert not writer_is_active(board)
            assert (await get(session, base(server) + "/"))[0] == 200
    assert hashlib.sha256(board.read_bytes()).hexdigest() == before
    with serving(board) as server:
        writer = Store.open(board)
        try:
            assert not writer.readonly  # the facilitator's planboard edits beside it
        finally:
            writer.close()


async def test_a_folder_with_hash_and_question_mark_works(tmp_path: Path) -> None:
    board = copy_sample(tmp_path / "team #1 ?draft%20", "plan ?.db")
    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            status, body = await get(session, base(server) + "/")
            assert status == 200 and "Weekly commercial pulse" in body
            async with session.get(base(server) + "/live") as response:
                live = Live(response)
                await live.message()
                conn = sqlite3.connect(board)
                with conn:
                    conn.execute("UPDATE blocks SET name = 'Renamed #2?' WHERE position = 0")
                conn.close()
                await live.until(lambda m: "Renamed #2?" in m["html"], ARRIVES)


async def test_rows_another_program_wrote_badly_do_not_stop_the_server(board: Path) -> None:
    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            async with session.get(base(server) + "/live") as response:
                live = Live(response)
                await live.message()
                conn = sqlite3.connect(board)
                with conn:
                    conn.execute("UPDATE blocks SET effort = 'lots<b>', name = x'ff00'")
                    conn.execute("UPDATE items SET title = 42, stakeholder_id = 9999")
                conn.close()
                message = await live.until(lambda m: "Weekly" not in m["html"], ARRIVES)
            status, body = await get(session, base(server) + "/")
            assert status == 200
            for shown in (message["html"], body):
                # Each value of the wrong type shows as its column's neutral value: no
                # effort, a placeholder name, the number as the title, an unknown owner.
                assert "lots" not in shown and "<b>" not in shown and " days" not in shown
                assert '<span class="name">(no name)</span>' in shown
                assert '<span class="title">42</span> <span class="owner">?</span>' in shown


async def test_a_board_replaced_by_another_file_is_followed(board: Path, tmp_path: Path) -> None:
    other = copy_sample(tmp_path / "other")
    conn = sqlite3.connect(other)
    with conn:
        conn.execute("UPDATE blocks SET name = 'From the restored copy' WHERE position = 0")
    conn.close()
    with serving(board) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/live") as response,
        ):
            live = Live(response)
            await live.message()
            other.replace(board)  # a new file under the same name
            await live.until(lambda m: "From the restored copy" in m["html"], ARRIVES)


def _write_elsewhere(path: Path, sql: str) -> None:
    """A write by another program: another process, with SQLite's own locks and files."""
    script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2])\n"
    script += "c.commit()\nc.close()\n"
    subprocess.run([sys.executable, "-c", script, str(path), sql], check=True, timeout=30)


async def test_writes_to_a_board_swapped_in_by_a_rename_keep_reaching_the_page(
    board: Path, tmp_path: Path
) -> None:
    """`mv other.db board.db` while serving: the swapped-in file is shown, and so is every
    write made to it afterwards by another program (the server kept reading through the
    old file's `-shm`, which the swap had unlinked, and never saw them)."""
    other = copy_sample(tmp_path / "other")
    _write_elsewhere(other, "UPDATE blocks SET name = 'Swapped in' WHERE position = 0")
    with serving(board) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/live") as response,
        ):
            live = Live(response)
            await live.message()
            os.rename(other, board)
            await live.until(lambda m: "Swapped in" in m["html"], ARRIVES)
            await asyncio.sleep(0.5)  # the server has settled on the new file
            for name in ("Written after", "Written again"):
                sql = f"UPDATE blocks SET name = '{name}' WHERE position = 0"
                await asyncio.to_thread(_write_elsewhere, board, sql)
                await live.until(lambda m, n=name: n in m["html"], ARRIVES)
            status, body = await get(session, base(server) + "/")
            assert status == 200 and "Written again" in body
    # The swapped-out file's `-wal` held no change: nothing of it is left beside the board.
    assert sorted(p.name for p in board.parent.iterdir() if ".replaced-" in p.name) == []


def test_serve_without_the_extra_says_what_to_install(
    board: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    assert cli.main(["serve", str(board)]) == 2
    err = capsys.readouterr().err
    assert (
        'pip install ".[serve]" in the clone planboard was installed from (or '
        'pip install "planboard[serve]" where a package index has planboard)'
        in err
        and "aiohttp" in err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.db"], "does not exist"),
        (["--port", "70000"], "between 0 and 65535"),
        (["--token", " "], "can't be empty"),
        # (An empty host bound every interface; bytes that are not UTF-8, a traceback.)
        (["--host", ""], "--host can't be empty"),
        (["--host", "127.0.0.1:80"], "--host takes the address alone"),
        (["--host", "\udcff"], "--host “\ufffd” is not an address"),
        (["--token", "\udcff\udcfe"], "--token must be letters, digits"),
        # (A token of two letters let anyone on the room's network guess the link.)
        (["--host", "0.0.0.0", "--token", "ab"], "--token must be 8 characters or more"),
    ],
)
def test_serve_refuses_bad_arguments_with_a_message(
    board: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = ["serve", *args] if args[0].endswith(".db") else ["serve", str(board), *args]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_serve_refuses_a_file_that_is_not_a_board(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.db"
    text.write_bytes(b"not a database at all")
    assert cli.main(["serve", str(text), "--port", "0"]) == 2
    assert "not a planboard file" in capsys.readouterr().err
    assert text.read_bytes() == b"not a database at all"


def test_serve_asks_for_an_upgrade_and_leaves_an_old_board_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.db"
    shutil.copyfile(SAMPLE.parent / "tests" / "fixtures" / "schema-v4.db", old)
    before = old.read_bytes()
    assert cli.main(["serve", str(old), "--port", "0"]) == 2
    assert "written by an older planboard" in capsys.readouterr().err
    assert old.read_bytes() == before


def test_serve_says_when_it_cannot_listen(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", str(board), "--port", str(port)]) == 2
    said = capsys.readouterr().err
    assert f"Cannot listen on 127.0.0.1:{port}" in said
    assert "--port 0 takes a free one" in said  # (the port is taken: another is offered)


async def test_the_countdown_is_set_from_the_file(board: Path) -> None:
    ids = live_meeting(board)
    # The server and the program that runs the countdown read one clock (standing still
    # until the test moves it), as the board and its server share the wall clock.
    clock = ManualClock("2026-06-01T10:00:00Z")
    store = Store.open(board, clock=clock)
    try:
        store.set_timer(ids["quarter"], running=False, remaining=600)
    finally:
        store.close()
    with serving(board, clock=clock) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/live") as response,
        ):
            live = Live(response)
            paused = await live.message()
            assert 'data-left="600.0"' in paused["html"] and "10:00" in paused["html"]
            store = Store.open(board, clock=clock)
            try:
                store.set_timer(ids["quarter"], running=True, remaining=600)
            finally:
                store.close()
            running = await live.until(lambda m: "data-ends=" in m["html"], ARRIVES)
            # A minute and a half later, any write shows the time left then, same end.
            clock.advance(90)
            with sqlite3.connect(board) as conn:
                conn.execute("UPDATE quarters SET vision = 'Later' WHERE status = 'live'")
            conn.close()
            later = await live.until(lambda m: "Later" in m["html"], ARRIVES)
    ends = int(re.search(r'data-ends="(\d+)"', running["html"]).group(1))  # type: ignore[union-attr]
    # The end, on the server's clock, is ten minutes after the start (as the file says).
    assert ends - running["now"] == 600_000
    assert "running" in running["html"] and "10:00" in running["html"]
    assert f'data-ends="{ends}"' in later["html"] and "08:30" in later["html"]
    assert later["now"] - running["now"] == 90_000


async def test_a_board_swapped_under_planboard_and_its_share_shows_the_new_file(
    board: Path, tmp_path: Path
) -> None:
    """Shared from planboard (the server in planboard's own process) and swapped by a
    rename: planboard stops saving, and attendees see the file now at the path and what
    is written to it (they saw "disk I/O error" for good)."""
    other = copy_sample(tmp_path / "other")
    _write_elsewhere(other, "UPDATE blocks SET name = 'Swapped in' WHERE position = 0")
    store = Store.open(board, clock=FixedClock())
    try:
        block = store.blocks(store.default_quarter().id)[0]
        store.edit_block(block.id, name="Saved by planboard")  # its `-wal` has changes
        with serving(board) as server:
            async with (
                aiohttp.ClientSession() as session,
                session.get(base(server) + "/live") as response,
            ):
                live = Live(response)
                await live.until(lambda m: "Saved by planboard" in m["html"], ARRIVES)
                os.rename(other, board)
                await asyncio.sleep(0.5)  # the server's watcher looks first (every 0.2 s)
                assert "replaced" in store.check_file()  # as its twice-a-second check does
                await live.until(lambda m: "Swapped in" in m["html"], ARRIVES)
                sql = "UPDATE blocks SET name = 'Written after' WHERE position = 0"
                await asyncio.to_thread(_write_elsewhere, board, sql)
                message = await live.until(lambda m: "Written after" in m["html"], ARRIVES)
                assert "can&#x27;t be read" not in message["html"]
    finally:
        store.close()


async def test_a_countdown_written_to_start_later_runs_on_the_page_when_it_starts(
    board: Path,
) -> None:
    """Shown paused until its start (another program's, or a clock set back), then
    running on the screen: the page stayed paused until something else was written."""
    from datetime import UTC, datetime, timedelta

    ids = live_meeting(board)
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    with sqlite3.connect(board) as conn:
        conn.execute(
            "UPDATE meetings SET timer_remaining = 600, timer_started_at = ? WHERE quarter_id = ?",
            (soon.isoformat(timespec="milliseconds").replace("+00:00", "Z"), ids["quarter"]),
        )
    conn.close()
    with serving(board) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/live") as response,
        ):
            live = Live(response)
            first = await live.message()
            assert "paused" in first["html"] and "data-ends=" not in first["html"]
            running = await live.until(lambda m: "data-ends=" in m["html"], 10.0)
    assert "running" in running["html"]
