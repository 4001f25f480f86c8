"""The one-way arrow: journey/ never loads streamlit; views/ hold no business logic."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

IMPORT_ALL = """import importlib, pkgutil, sys, journey
for m in pkgutil.walk_packages(journey.__path__, "journey."): importlib.import_module(m.name)
assert "streamlit" not in sys.modules, "a journey module imported streamlit"
"""


def test_journey_never_imports_streamlit():
    subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=ROOT, check=True)


def test_views_call_no_groupby_or_merge():
    offenders = [
        f"{path.name}:{number}"
        for path in sorted((ROOT / "views").glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.(groupby|merge|pivot_table|fit)\(", line)
    ]
    assert offenders == []


def test_no_pages_folder_beside_app():
    assert not (ROOT / "pages").exists()


def test_no_cdn_links_in_code():
    pattern = re.compile(r"https?://(cdn|unpkg|cdnjs|code\.jquery|stackpath|fonts\.googleapis)")
    files = [*ROOT.glob("journey/**/*"), *ROOT.glob("ui/**/*"), *ROOT.glob("views/*.py")]
    hits = [
        str(f.relative_to(ROOT))
        for f in files
        if f.is_file()
        and f.suffix in {".py", ".html", ".js", ".css"}
        and pattern.search(f.read_text(encoding="utf-8", errors="replace"))
    ]
    assert hits == []
