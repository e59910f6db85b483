"""argparse's parser, as every command uses it (loaded when a command first needs one:
`planboard PATH` alone opens a board without it)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import HelpNotWritten


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose help and version say when they could not be written
    (`--help > /dev/full`): argparse lets that error go, and the command ended with
    status 0 and nothing written."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            stream = file or sys.stderr
            try:
                stream.write(message)
                stream.flush()
            except OSError as error:
                if stream is sys.stdout:  # (a usage error's message, as argparse did)
                    raise HelpNotWritten(error) from error
