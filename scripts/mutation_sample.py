"""Mutation testing of all of `src/planboard/core/` by a seeded random sample of its mutants.

A run over every mutant of core/ is several thousand mutants at a few seconds each, too long
for one machine in an afternoon. This script has mutmut (3.8) generate every mutant of the
files `only_mutate` names in `pyproject.toml`, draws a uniform random sample of N of them
with a fixed seed, runs `mutmut run NAME...` on the sample (in chunks, one worker) and
prints, per module and overall, how many were killed, survived, not reached by any test in
the selection, or timed out, with a 95% interval for the overall survival rate.

    python scripts/mutation_sample.py                 # the default sample (seed 2026, N 1100)
    python scripts/mutation_sample.py -n 40 --seed 1  # a small trial, to measure the rate
    python scripts/mutation_sample.py --report        # only the figures of the last sample
    python scripts/mutation_sample.py --timeouts      # run the sample's timeouts again

The same seed, N and source give the same sample. Results stay in `mutants/` (mutmut's own
cache), so `mutmut show NAME` and `mutmut apply NAME` work on the sampled mutants afterwards;
the sample itself is written to `mutants/sample.json`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
SAMPLE_FILE = MUTANTS / "sample.json"
CORE = "src/planboard/core"

DEFAULT_SEED = 2026
DEFAULT_N = 1100

# mutmut's exit codes per mutant (mutmut/stats.py), folded into the four outcomes reported.
KILLED = {1, 3}
SURVIVED = {0}
NO_TESTS = {5, 33}
TIMEOUT = {24, -24, 152, 255, 36}
OUTCOMES = ("killed", "survived", "not reached", "timeout", "other")

# Generates the mutants exactly as the first step of `mutmut run` does, and stops there.
GENERATE = """
import os, sys
import mutmut.__main__ as m
from mutmut.configuration import config
os.makedirs("mutants", exist_ok=True)
m.copy_src_dir()
m.copy_also_copy_files()
m.setup_source_paths()
m.store_lines_covered_by_tests()
with open(os.devnull, "w") as quiet:
    saved, sys.stdout = sys.stdout, quiet
    try:
        s = m.create_mutants(1)
    finally:
        sys.stdout = saved
print(f"{s.mutated} files mutated, {s.ignored} ignored, {s.unmodified} unmodified")
"""


def outcome(exit_code: int | None) -> str:
    if exit_code in KILLED:
        return "killed"
    if exit_code in SURVIVED:
        return "survived"
    if exit_code in NO_TESTS:
        return "not reached"
    if exit_code in TIMEOUT:
        return "timeout"
    return "other"


def mutmut() -> str:
    found = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or shutil.which("mutmut")
    if found is None:
        sys.exit("mutmut is not installed: pip install mutmut")
    return found


def meta_files() -> list[Path]:
    return sorted((MUTANTS / CORE).rglob("*.py.meta"))


def module_of(meta: Path) -> str:
    """`store/tx.py` for mutants/src/planboard/core/store/tx.py.meta."""
    return str(meta.relative_to(MUTANTS / CORE))[: -len(".meta")]


def all_mutants() -> dict[str, str]:
    """Every generated mutant of core/, by name, with its module."""
    found: dict[str, str] = {}
    for meta in meta_files():
        data = json.loads(meta.read_text("utf-8"))
        for name in data.get("exit_code_by_key", {}):
            found[name] = module_of(meta)
    return found


def exit_codes() -> dict[str, int | None]:
    codes: dict[str, int | None] = {}
    for meta in meta_files():
        codes.update(json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {}))
    return codes


def generate() -> dict[str, str]:
    print("Generating every mutant of core/ ...", flush=True)
    subprocess.run([sys.executable, "-c", GENERATE], cwd=ROOT, check=True)
    mutants = all_mutants()
    print(f"{len(mutants)} mutants in {len({m for m in mutants.values()})} modules", flush=True)
    return mutants


def draw(mutants: dict[str, str], n: int, seed: int) -> list[str]:
    """A uniform random sample of n names; sorted first, so it depends only on seed and source."""
    names = sorted(mutants)
    return sorted(random.Random(seed).sample(names, min(n, len(names))))


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for k of n (95% for z = 1.96)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def report(sample: dict) -> None:
    codes = exit_codes()
    modules: dict[str, str] = sample["modules"]
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name in sample["names"]:
        by_module[modules[name]][outcome(codes.get(name))] += 1
    total: Counter[str] = Counter()
    for counts in by_module.values():
        total.update(counts)

    print()
    print(
        f"Sample: {len(sample['names'])} of {sample['population']} mutants of core/ "
        f"(seed {sample['seed']}, uniform)"
    )
    header = f"{'module':28} {'n':>4} {'killed':>7} {'survived':>9} {'not reached':>12} "
    header += f"{'timeout':>8} {'other':>6} {'survived/reached':>17}"
    print(header)
    for module in sorted(by_module):
        print(line(module, by_module[module]))
    print(line("all of core/", total))

    reached = total["killed"] + total["survived"] + total["timeout"]
    sampled = sum(total.values()) - total["other"]
    print()
    if total["other"]:
        print(f"{total['other']} sampled mutants have no result (not run yet, or interrupted).")
    low, high = wilson(total["survived"], reached)
    print(
        f"Survived of reached: {total['survived']} / {reached} = {pct(total['survived'], reached)}"
        f" (95% Wilson interval {low:.1%} to {high:.1%})"
    )
    undetected = total["survived"] + total["not reached"]
    low, high = wilson(undetected, sampled)
    print(
        f"Survived or not reached, of all sampled with a result: {undetected} / {sampled} = "
        f"{pct(undetected, sampled)} (95% Wilson interval {low:.1%} to {high:.1%})"
    )


def pct(k: int, n: int) -> str:
    return f"{k / n:.1%}" if n else "-"


def line(label: str, c: Counter[str]) -> str:
    reached = c["killed"] + c["survived"] + c["timeout"]
    return (
        f"{label:28} {sum(c.values()):>4} {c['killed']:>7} {c['survived']:>9} "
        f"{c['not reached']:>12} {c['timeout']:>8} {c['other']:>6} "
        f"{c['survived']:>6} / {reached:<4} {pct(c['survived'], reached):>6}"
    )


def run(names: list[str], chunk: int, workers: int) -> None:
    command = mutmut()
    done = 0
    for start in range(0, len(names), chunk):
        part = names[start : start + chunk]
        began = time.monotonic()
        print(
            f"\n== mutmut run: mutants {start + 1}-{start + len(part)} of {len(names)}", flush=True
        )
        result = subprocess.run(
            [command, "run", "--max-children", str(workers), *part], cwd=ROOT, check=False
        )
        done += len(part)
        minutes = (time.monotonic() - began) / 60
        rate = len(part) / max(minutes, 1e-9)
        print(
            f"== chunk done in {minutes:.1f} min ({rate:.1f} mutants/min),"
            f" exit {result.returncode}; {done} of {len(names)} run",
            flush=True,
        )
        if result.returncode != 0:
            sys.exit(f"mutmut run failed (exit {result.returncode}); see its output above")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=DEFAULT_N, help="sample size")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--chunk", type=int, default=400, help="mutants per `mutmut run`")
    parser.add_argument("--workers", type=int, default=1, help="mutmut --max-children")
    parser.add_argument(
        "--report", action="store_true", help="print the figures of the last sample, run nothing"
    )
    parser.add_argument(
        "--timeouts",
        action="store_true",
        help="run the last sample's timed-out mutants again (a busy machine can time out a "
        "mutant whose tests only ran slowly), then print the figures",
    )
    args = parser.parse_args(argv)

    if args.report or args.timeouts:
        if not SAMPLE_FILE.exists():
            sys.exit(f"no sample yet ({SAMPLE_FILE} is missing): run this script first")
        sample = json.loads(SAMPLE_FILE.read_text("utf-8"))
        if args.timeouts:
            codes = exit_codes()
            again = [name for name in sample["names"] if outcome(codes.get(name)) == "timeout"]
            print(f"{len(again)} timed-out mutants to run again", flush=True)
            if again:
                run(again, args.chunk, args.workers)
        report(sample)
        return 0

    began = time.monotonic()
    mutants = generate()
    names = draw(mutants, args.n, args.seed)
    sample = {
        "seed": args.seed,
        "population": len(mutants),
        "names": names,
        "modules": {name: mutants[name] for name in names},
    }
    SAMPLE_FILE.write_text(json.dumps(sample, indent=1), "utf-8")
    population = Counter(mutants.values())
    print("Mutants per module (population):")
    for module in sorted(population):
        print(f"  {module:28} {population[module]:>5}")
    run(names, args.chunk, args.workers)
    report(sample)
    print(f"\nWall time: {(time.monotonic() - began) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
