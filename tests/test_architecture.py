"""The one-way arrow: journey/ never loads streamlit, has no cycles and imports only downward;
ui/ and views/ hold no pandas aggregation; session state lives in ui/state.py alone.

Each checker is a plain function over source text or an import graph, with a self-test that
feeds it a synthetic offender, so that a checker that never flags anything fails too.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JOURNEY = ROOT / "journey"

# DESIGN.md: schema/errors <- io <- query <- attribution | sentiment <- viz <- sample <- present
# <- cli.
# Equal ranks may not import each other; schema and errors form one group (the base).
GROUPS: Mapping[str, str] = {"schema": "base", "errors": "base", "__main__": "cli"}
RANKS: Mapping[str, int] = {
    "base": 0,
    "io": 1,
    "query": 2,
    "attribution": 3,
    "sentiment": 3,
    "recommend": 3,
    "viz": 4,
    "sample": 5,
    "present": 6,
    "cli": 7,
}
AGGREGATIONS = frozenset(
    {"groupby", "merge", "pivot", "pivot_table", "isin", "value_counts", "agg", "fit"}
)

IMPORT_ALL = """import importlib, pkgutil, sys, journey
for m in pkgutil.walk_packages(journey.__path__, "journey."): importlib.import_module(m.name)
assert "streamlit" not in sys.modules, "a journey module imported streamlit"
"""


def test_journey_never_imports_streamlit():
    subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=ROOT, check=True)


APP_START = """import sys
import ui.cache, ui.frame, ui.nav, ui.share, ui.widgets
heavy = [m for m in ("sklearn", "pyvis", "pptx", "kaleido", "pyspark") if m in sys.modules]
assert heavy == [], f"the app's first page loads {heavy}"
"""


def test_the_apps_start_loads_no_model_network_or_deck_stack():
    # scikit-learn alone took 2.5 s of the Overview's first render: pages load it when used
    subprocess.run([sys.executable, "-c", APP_START], cwd=ROOT, check=True)


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


# -- production never imports tests/ --------------------------------------------------------

PRODUCTION_FILES = sorted(
    [
        *JOURNEY.rglob("*.py"),
        *(ROOT / "ui").rglob("*.py"),
        *(ROOT / "views").glob("*.py"),
        ROOT / "app.py",
    ]
)


def imports_of_tests(source: str) -> list[int]:
    """Line numbers importing the `tests` package (at any depth, inside functions too)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if any(name == "tests" or name.startswith("tests.") for name in names):
            lines.append(node.lineno)
    return sorted(lines)


def test_imports_reader_sees_tests_anywhere_in_a_module():
    source = (
        "import tests.oracle.flows\n"
        "from tests.oracle import scope\n"
        "def f():\n    from tests import conftest\n"
        "import testsuite\n"
        "from journey.query import flows\n"
    )
    assert imports_of_tests(source) == [1, 2, 4]


def test_production_never_imports_tests():
    """The pandas oracles (tests/oracle) are for tests only: no production module reads them."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in PRODUCTION_FILES
        for line in imports_of_tests(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# -- import graph of journey/ -------------------------------------------------------------


def module_name(path: Path, root: Path = ROOT) -> str:
    """Dotted module name of a file below `root` (a package's __init__ names the package)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_nodes(tree: ast.AST) -> Iterable[ast.AST]:
    """Every node that runs at import time: all but the bodies of functions."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                stack.append(child)


def imported_modules(source: str, module: str, is_package: bool, known: Iterable[str]) -> set[str]:
    """The `known` modules a module's source imports at module level."""
    known = set(known)
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _module_level_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from journey.query import paths` imports the module journey.query.paths
            found.update(
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            )
    return {name for name in found if name in known and name != module}


def journey_graph(root: Path = JOURNEY) -> dict[str, set[str]]:
    """Module -> the journey modules it imports at module level."""
    files = {module_name(path): path for path in sorted(root.rglob("*.py"))}
    return {
        module: imported_modules(
            path.read_text(encoding="utf-8"), module, path.name == "__init__.py", files
        )
        for module, path in files.items()
    }


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (and self-imports), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan; journey/ is far too shallow to hit recursion limits
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def package_of(module: str) -> str | None:
    """The arrow group of a journey module (journey.query.paths -> query), None for journey."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return GROUPS.get(parts[1], parts[1])


def upward_imports(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Imports of a package of equal or higher rank than the importer's (or of no rank)."""
    bad = []
    for source, targets in sorted(graph.items()):
        mine = package_of(source)
        for target in sorted(targets):
            theirs = package_of(target)
            if mine is None or theirs is None or mine == theirs:
                continue
            if mine not in RANKS or theirs not in RANKS or RANKS[theirs] >= RANKS[mine]:
                bad.append(f"{source} -> {target}")
    return bad


def test_journey_has_no_import_cycles():
    assert cycles(journey_graph()) == []


def test_journey_imports_only_downward():
    assert upward_imports(journey_graph()) == []


def test_cycle_checker_flags_a_synthetic_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert cycles(graph) == [["a", "b", "c"], ["d"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_import_reader_sees_module_level_and_relative_imports_only():
    source = (
        "from journey.query import paths\n"
        "from . import filters\n"
        "import journey.schema\n"
        "if True:\n    from journey.viz import network\n"
        "def f():\n    from journey.sample import core\n"
    )
    known = {
        "journey.schema",
        "journey.query",
        "journey.query.paths",
        "journey.query.filters",
        "journey.viz.network",
        "journey.sample.core",
    }
    assert imported_modules(source, "journey.query.flows", False, known) == {
        "journey.query.paths",
        "journey.query.filters",
        "journey.schema",
        "journey.viz.network",
    }


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("journey.io.load", "journey.query.paths"),  # upward
        ("journey.attribution.markov", "journey.sentiment.model"),  # sideways, equal rank
        ("journey.sentiment.score", "journey.attribution.core"),
        ("journey.schema", "journey.io.read"),
        ("journey.query.paths", "journey.recommend.model"),  # a package with no rank
    ],
)
def test_rank_checker_flags_a_synthetic_upward_import(source, target):
    assert upward_imports({source: {target}}) == [f"{source} -> {target}"]


def test_rank_checker_allows_downward_and_own_package_imports():
    graph = {
        "journey.viz.network": {"journey.query.stats", "journey.viz.palette", "journey.schema"},
        "journey.schema": {"journey.errors"},
        "journey.__main__": {"journey.cli"},
        "journey.cli": {"journey.sample.core", "journey.io.load"},
    }
    assert upward_imports(graph) == []


# -- ui/, views/, app.py ------------------------------------------------------------------

APP_FILES = sorted([*(ROOT / "ui").rglob("*.py"), *(ROOT / "views").glob("*.py"), ROOT / "app.py"])


def aggregation_calls(source: str) -> list[int]:
    """Line numbers of pandas aggregation calls (`.groupby(`, `.merge(` ...) in a source."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in AGGREGATIONS
    )


def session_state_uses(source: str) -> list[int]:
    """Line numbers that mention session_state."""
    return [n for n, line in enumerate(source.splitlines(), 1) if "session_state" in line]


def test_ui_and_views_hold_no_pandas_aggregation():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in APP_FILES
        for line in aggregation_calls(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_session_state_is_touched_only_in_ui_state():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in APP_FILES
        if path != ROOT / "ui" / "state.py"
        for line in session_state_uses(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_aggregation_checker_flags_a_synthetic_view():
    source = (
        "a = events.groupby('channel').size()\n"
        "b = left.merge(right)\n"
        "c = events[events.channel.isin(['Web'])]\n"
        "d = frame.value_counts()\n"
        "e = frame.pivot_table(index='a')\n"
        "f = frame.pivot(index='a')\n"
        "g = frame.agg('sum')\n"
        "h = model.fit(x, y)\n"
        "# a comment about .groupby( is fine\n"
        "st.dataframe(frame)\n"
    )
    assert aggregation_calls(source) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_session_state_checker_flags_a_synthetic_module():
    source = "import streamlit as st\nvalue = st.session_state.get('x')\n"
    assert session_state_uses(source) == [2]
