"""The shape of the code: a core with no Textual, a UI with no SQL, styles that ship."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from planboard.ui.styles import STYLESHEETS, styles_dir

SRC = Path(__file__).resolve().parent.parent / "src" / "planboard"
ROOT = SRC.parent.parent


def test_core_imports_no_textual_and_no_numpy() -> None:
    code = (
        "import sys, planboard.core, planboard.core.store, planboard.core.sample;"
        "from planboard.core import Store;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'numpy', 'pandas')];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_core_source_does_not_mention_textual() -> None:
    for path in (SRC / "core").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import)\s+textual", text, re.M), path


SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b|\.execute\(|sqlite3")


def test_ui_never_touches_sql() -> None:
    offenders = []
    for path in (SRC / "ui").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if SQL.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_stylesheet_exists() -> None:
    folder = styles_dir()
    for name in STYLESHEETS:
        assert (folder / name).is_file()
    assert {p.name for p in (ROOT / "styles").glob("*.tcss")} == set(STYLESHEETS)


def test_wheel_ships_the_styles(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("planboard-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in STYLESHEETS:
        assert f"planboard/styles/{name}" in names
    assert "planboard/core/data/sample.json" in names  # the sample's story, read by the builder
