"""`planboard serve` attacked: values of the wrong type written into the file by another
program, half-open requests, malformed requests, and the files SQLite keeps beside a
board. Every network test stays on 127.0.0.1, with few connections and bounded waits."""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import socket
import sqlite3
import time
from pathlib import Path

import aiohttp
import pytest
from conftest import SAMPLE, FixedClock
from serving import Live, base, live_meeting, serving
from test_serve_hostile import check_markup

from planboard.core.store import Store
from planboard.serve.server import CSP, BoardServer

MARKUP = "<i>injected</i>"


@pytest.fixture
def board(tmp_path: Path) -> Path:
    target = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, target)
    return target


def write_unchecked(path: Path, sql: str, *args: object) -> None:
    """A write by another program that ignores the schema's CHECK constraints."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    with conn:
        conn.execute(sql, args)
    conn.close()


async def served(path: Path) -> list[tuple[str, bool]]:
    """The whole page and the first live message."""
    with serving(path) as server:
        async with aiohttp.ClientSession() as session:
            async with session.get(base(server) + "/") as response:
                assert response.status == 200
                whole = await response.text()
            async with session.get(base(server) + "/live") as response:
                message = await Live(response).message()
    return [(whole, True), (message["html"], False)]


async def test_markup_in_numeric_columns_never_reaches_the_page(board: Path) -> None:
    live_meeting(board, hidden=True)
    write_unchecked(board, "UPDATE blocks SET choice = ? WHERE position = 0", MARKUP)
    write_unchecked(board, "UPDATE meetings SET dot_budget = ?", MARKUP)
    for document, whole in await served(board):
        assert "<i>" not in document
        shown = check_markup(document, whole=whole)
        # Text in a number column reads as the column's neutral value: no choice (no
        # badge), the default dot budget.
        assert "injected" not in shown and "★" not in shown
        assert "3 dots each · tally hidden" in shown
    write_unchecked(board, "UPDATE blocks SET choice = NULL, chosen_rank = ?", MARKUP)
    for document, whole in await served(board):
        assert "<i>" not in document
        shown = check_markup(document, whole=whole)
        assert "injected" not in shown and "★" not in shown


@pytest.mark.parametrize(
    "stored", ["", "no", b"", None, 2, -1], ids=["empty", "no", "blob", "null", "two", "minus"]
)
async def test_a_tally_is_shown_only_when_the_file_says_revealed(
    board: Path, stored: object
) -> None:
    live_meeting(board, hidden=True)
    conn = sqlite3.connect(board)
    if stored is None:  # the column is NOT NULL: only a rebuilt table can hold a NULL
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'meetings'").fetchone()
        # The name may be quoted (as a rebuilt table's is).
        loose, found = re.subn(r'("?tally_hidden"? INTEGER) NOT NULL', r"\1", sql)
        assert found == 1, sql
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'meetings'", (loose,))
        conn.commit()
        conn.close()
        conn = sqlite3.connect(board)
    with conn:
        conn.execute("UPDATE meetings SET tally_hidden = ?", (stored,))
    conn.close()
    for document, _ in await served(board):
        if stored in (2, -1):  # any number but 0 hides it, as planboard writes 1
            assert "tally hidden" in document
        assert 'class="dots"' not in document and "●" not in document
    # The same file with 0 shows the dots: the checks above can see them.
    with sqlite3.connect(board) as conn:
        conn.execute("UPDATE meetings SET tally_hidden = 0")
    conn.close()
    document = (await served(board))[0][0]
    assert 'class="dots"' in document and "●●●●●●●" in document


def half_open(port: int, count: int) -> list[socket.socket]:
    """Connections that start a request and never finish it."""
    opened = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        opened.append(sock)
    return opened


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True if the server closes `sock` (reading only what it sends) within `within` s."""
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(4096):
                return True
        except TimeoutError:
            return False
        except OSError:
            return True  # reset
    return False


def request(port: int, path: str = "/") -> bytes:
    """One whole request on a new connection; the answer's head."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n\r\n", 1)[0]


def test_half_open_requests_are_closed_after_a_while(board: Path) -> None:
    with serving(board, head_seconds=1.0) as server:
        slow = half_open(server.port, 5)
        try:
            assert request(server.port).startswith(b"HTTP/1.1 200")
            # Bounded generously: this checks that they are closed, not how fast.
            assert all(closed_by_server(sock, within=15) for sock in slow)
        finally:
            for sock in slow:
                sock.close()


def following(port: int, count: int) -> list[socket.socket]:
    """Live channels held open (each a request the server is answering), their first
    message read."""
    opened = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while b"data:" not in answer:
            answer += sock.recv(65536)
        opened.append(sock)
    return opened


def test_connections_over_the_cap_are_refused_when_none_is_idle(board: Path) -> None:
    with serving(board, max_connections=4) as server:
        live = following(server.port, 4)
        try:
            head = request(server.port).decode()
            assert head.startswith("HTTP/1.1 503"), head
            assert f"Content-Security-Policy: {CSP}" in head
            assert "Retry-After: 5" in head
            assert not any(closed_by_server(sock, within=0.3) for sock in live)
        finally:
            for sock in live:
                sock.close()
        for _ in range(100):  # the server notices the closed connections
            if request(server.port).startswith(b"HTTP/1.1 200"):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the server kept counting closed connections")


@pytest.mark.parametrize("idle", ["silent", "half a request", "kept alive"])
def test_a_page_load_over_the_cap_closes_the_oldest_idle_connection(board: Path, idle: str) -> None:
    """Connections that send nothing held every place for the 10 s a request may take
    (300 of them: the next page loads were refused). Over the cap, a new connection
    closes the oldest one in no request; the live channels stay."""
    with serving(board, max_connections=4) as server:
        live = following(server.port, 2)
        idle_socks = []
        for _ in range(2):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            if idle == "half a request":
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            elif idle == "kept alive":  # (a whole request answered; the next never comes)
                sock.sendall(b"GET /assets/page.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                answer = b""
                while b"\r\n\r\n" not in answer:
                    answer += sock.recv(65536)
            idle_socks.append(sock)
            time.sleep(0.05)  # (in this order)
        try:
            assert request(server.port).startswith(b"HTTP/1.1 200")
            assert closed_by_server(idle_socks[0], within=5)
            assert not closed_by_server(idle_socks[1], within=0.3)
            assert not any(closed_by_server(sock, within=0.3) for sock in live)
        finally:
            for sock in live + idle_socks:
                sock.close()


def test_a_connection_with_a_whole_request_read_is_not_idle() -> None:
    """For a turn of the loop after a whole request is read, the web server's flag says
    no request is being answered: such a connection counted as idle, and a new one over
    the cap could close it before its request was answered."""
    from collections import deque

    from planboard.serve.connections import Handler

    handler = Handler.__new__(Handler)  # (its state alone, as the web server keeps it)
    handler.transport = object()  # type: ignore[assignment]
    handler._request_in_progress = False
    handler._messages = deque()
    assert handler.idle
    handler._messages.append(("a whole request", None))  # type: ignore[arg-type]
    assert not handler.idle
    handler._messages.clear()
    handler._request_in_progress = True
    assert not handler.idle


def test_a_flood_of_silent_connections_does_not_keep_the_page_from_loading(
    board: Path,
) -> None:
    """The attacker's run: 300 connections that send nothing, then page loads."""
    with serving(board) as server:
        silent = [
            socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(300)
        ]
        try:
            time.sleep(0.3)  # let the server take them in
            heads = [request(server.port) for _ in range(20)]
            assert all(head.startswith(b"HTTP/1.1 200") for head in heads), heads[0]
        finally:
            for sock in silent:
                sock.close()


def beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


async def follow(server: BoardServer, text: str = "Weekly") -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(base(server) + "/") as response:
            assert response.status == 200
        async with session.get(base(server) + "/live") as response:
            await Live(response).until(lambda message: text in message["html"], 10.0)


async def test_serving_a_board_leaves_no_files_beside_it(board: Path) -> None:
    Store.open(board).close()  # as planboard leaves a board: in WAL mode, nothing beside
    assert beside(board) == []
    before = hashlib.sha256(board.read_bytes()).hexdigest()
    with serving(board) as server:
        await follow(server)
    assert beside(board) == []
    assert hashlib.sha256(board.read_bytes()).hexdigest() == before


async def test_a_facilitator_leaving_first_leaves_no_files_beside_the_board(board: Path) -> None:
    Store.open(board).close()
    writer = Store.open(board, clock=FixedClock())
    try:
        with serving(board) as server:
            await follow(server)
            block = writer.blocks(writer.default_quarter().id)[0]
            writer.edit_block(block.id, name="Renamed while served")
            writer.close()  # the facilitator quits first: SQLite can't tidy up then
            writer = None
            await follow(server, "Renamed while served")
        assert beside(board) == []
        with Store.open(board, create=False) as store:
            names = [b.name for b in store.blocks(store.default_quarter().id)]
        assert "Renamed while served" in names
    finally:
        if writer is not None:
            writer.close()
    assert beside(board) == []


async def test_the_facilitators_files_stay_while_it_has_the_board_open(board: Path) -> None:
    writer = Store.open(board, clock=FixedClock())
    try:
        block = writer.blocks(writer.default_quarter().id)[0]
        writer.edit_block(block.id, name="Not yet in the main file")
        with serving(board) as server:
            await follow(server, "Not yet in the main file")
        assert f"{board.name}-wal" in beside(board)  # still in use: not the server's
        writer.edit_block(block.id, name="Written after the server stopped")
    finally:
        writer.close()
    assert beside(board) == []
    with Store.open(board, create=False) as store:  # a writer: it tidies up as it closes
        names = [b.name for b in store.blocks(store.default_quarter().id)]
    assert "Written after the server stopped" in names


async def test_a_board_removed_under_the_server_is_said_and_its_return_followed(
    board: Path, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.db"
    shutil.copyfile(board, kept)
    with serving(board) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/live") as response,
        ):
            live = Live(response)
            await live.message()
            board.unlink()
            gone = await live.until(lambda m: 'class="problem"' in m["html"], 10.0)
            assert "does not exist" in gone["html"]
            shutil.copyfile(kept, board)
            await live.until(lambda m: 'class="problem"' not in m["html"], 10.0)


async def test_a_quarter_deleted_while_served_leaves_no_blocks_on_its_page(
    board: Path,
) -> None:
    """`--quarter 2026-Q2`, then the quarter deleted by another program: the page said
    "can't be read right now" over the deleted quarter's blocks, as if they were still
    there. It says the quarter is gone, alone; put back, it shows again."""
    with serving(board, quarter="2026-Q2") as server:
        async with (
            aiohttp.ClientSession() as session,
            session.get(base(server) + "/live") as response,
        ):
            live = Live(response)
            shown = (await live.message())["html"]
            assert "Key account churn early warning" in shown
            conn = sqlite3.connect(board, isolation_level=None)
            row = conn.execute("SELECT * FROM quarters WHERE name = '2026-Q2'").fetchone()
            conn.execute("UPDATE quarters SET name = 'gone' WHERE name = '2026-Q2'")
            gone = await live.until(lambda m: 'class="problem"' in m["html"], 10.0)
            assert "There is no quarter" in gone["html"] and "2026-Q2" in gone["html"]
            assert "Key account churn early warning" not in gone["html"]
            assert "can't be read right now" not in gone["html"]
            conn.execute("UPDATE quarters SET name = '2026-Q2' WHERE id = ?", (row[0],))
            conn.close()
            back = await live.until(lambda m: 'class="problem"' not in m["html"], 10.0)
            assert "Key account churn early warning" in back["html"]


@pytest.mark.parametrize("swap", ["old schema", "not a board", "folder", "garbage"])
async def test_problems_name_the_file_but_never_its_folder(
    board: Path, tmp_path: Path, swap: str
) -> None:
    folder = str(board.parent)
    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            async with session.get(base(server) + "/live") as response:
                live = Live(response)
                await live.message()
                board.unlink()
                if swap == "old schema":
                    shutil.copyfile(Path(SAMPLE).parent / "tests/fixtures/schema-v2.db", board)
                elif swap == "not a board":
                    with sqlite3.connect(board) as conn:
                        conn.execute("CREATE TABLE other (x)")
                    conn.close()
                elif swap == "folder":
                    board.mkdir()
                else:
                    board.write_bytes(b"not a database " * 100)
                problem = await live.until(lambda m: 'class="problem"' in m["html"], 10.0)
            status, page = await get_text(session, base(server) + "/")
    assert status == 200
    for body in (problem["html"], page):
        assert board.name in body.split('class="problem"')[1].split("</p>")[0]
        assert folder not in body and str(tmp_path) not in body


async def get_text(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as response:
        return response.status, await response.text()


async def test_a_countdown_started_by_sqlites_own_clock_is_read_as_utc(board: Path) -> None:
    live_meeting(board, hidden=True)
    with sqlite3.connect(board) as conn:  # SQLite's datetime() is UTC, without a zone
        conn.execute(
            "UPDATE meetings SET timer_remaining = 600, "
            "timer_started_at = datetime('now', '-60 seconds')"
        )
    conn.close()
    read_at = time.time()
    document = (await served(board))[0][0]
    assert 'class="problem"' not in document
    found = re.search(r'class="timer [a-z]+" data-ends="(\d+)"', document)
    assert found is not None, document
    # 540 s left when it was read; a wide margin for a slow machine.
    assert abs(int(found.group(1)) / 1000 - (read_at + 540)) < 30


async def test_numbers_of_the_wrong_type_in_the_event_still_show_the_board(board: Path) -> None:
    ids = live_meeting(board, hidden=False)
    with sqlite3.connect(board) as conn:
        conn.execute("UPDATE meetings SET timer_remaining = 'soon', timer_started_at = x'00ff'")
        conn.execute("UPDATE votes SET dots = 'lots' WHERE block_id = ?", (ids["second"],))
    conn.close()
    for document, _ in await served(board):
        assert 'class="problem"' not in document
        assert document.count('<article class="card') == 4
        assert "●●●●●●●</span> 7</span>" in document  # the dots that are numbers
        assert "lots" not in document


@pytest.mark.parametrize(
    "line",
    [b"GET garbage<script> HTTP/1.1", b"BREW / HTTP/1.1", b"GET /\x00 HTTP/1.1"],
    ids=["url", "method", "nul"],
)
def test_a_request_that_cant_be_parsed_gets_the_security_headers(board: Path, line: bytes) -> None:
    with (
        serving(board) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock,
    ):
        sock.sendall(line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.startswith("HTTP/1.0 400") or head.startswith("HTTP/1.1 400"), head
    assert f"Content-Security-Policy: {CSP}" in head
    assert "X-Content-Type-Options: nosniff" in head


def test_connections_up_to_the_cap_are_all_answered(board: Path) -> None:
    with serving(board, max_connections=20) as server:
        opened = [
            socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(20)
        ]
        try:
            for sock in opened:
                sock.sendall(b"GET /assets/page.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            heads = []
            for sock in opened:
                answer = b""
                while b"\r\n\r\n" not in answer and (chunk := sock.recv(4096)):
                    answer += chunk
                heads.append(answer.split(b"\r\n", 1)[0])
        finally:
            for sock in opened:
                sock.close()
    assert heads == [b"HTTP/1.1 200 OK"] * 20


async def test_a_tally_hidden_again_leaves_every_response(board: Path) -> None:
    ids = live_meeting(board, hidden=False)
    with serving(board) as server:
        async with aiohttp.ClientSession() as session:
            async with session.get(base(server) + "/live?x=1") as response:
                live = Live(response)
                assert 'class="dots"' in (await live.message())["html"]
                store = Store.open(board, clock=FixedClock())
                try:
                    store.set_meeting(ids["quarter"], tally_hidden=True)
                finally:
                    store.close()
                hidden = await live.until(lambda m: "tally hidden" in m["html"], 10.0)
            bodies = [hidden["html"]]
            for path in ("/", "/?v=1", "/assets/page.js"):
                bodies.append((await get_text(session, base(server) + path))[1])
            async with session.get(base(server) + "/live") as response:  # a new attendee
                bodies.append((await Live(response).message())["html"])
    for body in bodies:
        assert 'class="dots"' not in body and "●" not in body and "(CFO 7)" not in body


@pytest.mark.parametrize(
    "raw",
    [
        b"GET / HTTP/1.1\r\n\r\n",  # no Host
        b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",  # a line too long
        b"get / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ],
)
def test_a_malformed_request_is_refused_without_a_traceback_on_the_screen(
    board: Path, raw: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """Each of these printed "Error handling request" and a traceback in the
    facilitator's terminal: anyone who reaches the port could fill the shared screen.
    The client gets its 400; nothing with a traceback is logged."""
    import logging

    caplog.set_level(logging.DEBUG)
    with serving(board) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(raw)
            answer = b""
            with contextlib.suppress(OSError):
                while b"\r\n" not in answer:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
        assert answer.startswith(b"HTTP/1.") and b" 400 " in answer.split(b"\r\n")[0], answer
        time.sleep(0.2)
    shown = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert shown == [], [r.getMessage() for r in shown]
