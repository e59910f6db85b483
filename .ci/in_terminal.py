"""Run a planboard command in a pseudo-terminal, as a user would, and quit it.

    python .ci/in_terminal.py planboard sample.db

Waits for the board to paint, presses Ctrl+Q, and fails (status 1) if the command did not
exit cleanly, or if the board file it opened was changed or left a -wal/-shm beside it
(opening a board and quitting without changing anything leaves it as it was). Uses only
the standard library, so it runs wherever the README's commands do.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import shutil
import signal
import struct
import sys
import time
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
PAINTED = "Stakeholders"  # a column title: the board is on screen


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    executable = shutil.which(argv[0]) or argv[0]
    board = Path(argv[-1])
    before = board.read_bytes() if board.is_file() else None
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
        os.execv(executable, argv)
    import fcntl
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen, quit_sent, deadline = "", False, time.monotonic() + 60
    status = None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            with contextlib.suppress(OSError):
                seen += os.read(fd, 65536).decode(errors="replace")
        if not quit_sent and PAINTED in ANSI.sub("", seen):
            time.sleep(0.5)
            os.write(fd, b"\x11")  # Ctrl+Q
            quit_sent = True
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
            break
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print(f"{' '.join(argv)}: never quit; last screen:", file=sys.stderr)
        print(ANSI.sub("", seen)[-2000:], file=sys.stderr)
        return 1
    if status != 0 or not quit_sent:
        print(f"{' '.join(argv)} exited with status {status}:", file=sys.stderr)
        print(ANSI.sub("", seen)[-2000:], file=sys.stderr)
        return 1
    problems = []
    if before is not None and board.read_bytes() != before:
        problems.append(f"{board} changed")
    for end in ("-wal", "-shm"):
        if Path(f"{board}{end}").exists():
            problems.append(f"{board}{end} was left behind")
    if problems:
        print(f"{' '.join(argv)}: " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"{' '.join(argv)}: opened, quit with Ctrl+Q, {board} left as it was.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
