"""Run many kill -9 trials against a real planboard and print the failures.

    python scripts/crash_trials.py [COUNT] [--seed N]

Trials rotate through: random actions then SIGKILL (between actions or mid-action),
SIGKILL during start-up, during the upgrade of a schema-1 file, and during the backup
written before an event. See tests/crash_harness.py for what each trial checks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from crash_harness import run_trials


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", nargs="?", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        trials = run_trials(Path(folder), args.count, args.seed)
    failures = [t for t in trials if not t.ok]
    kinds = Counter(t.kind for t in trials)
    for trial in failures:
        print(trial)
    print(
        f"{len(trials)} trials ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) "
        f"in {time.monotonic() - started:.0f} s: {len(failures)} failed."
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
