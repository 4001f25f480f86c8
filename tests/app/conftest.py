"""AppTest fixtures: the whole app runs through app.py, as in the browser."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from journey.viz.network import SANDBOX

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180


def new_app() -> AppTest:
    """A fresh session of the app (sample dataset loaded by app.py), run once."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    app.run()
    return app


@pytest.fixture
def app() -> AppTest:
    """A fresh session of the app that ran once without an exception."""
    app = new_app()
    assert not app.exception, app.exception
    return app


def refusal(what: str):
    """A stand-in that fails the test when called: "the page <what>" (a path it must not take)."""

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError(f"the page {what}")

    return refused


STORED_SAMPLE = "sample stored"  # the bundled sample as `load` stores it (stored_sample_path)


@pytest.fixture(scope="session")
def stored_sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding the sample loaded (transcripts scored) by the user's `load`."""
    from journey.cli import main

    path = tmp_path_factory.mktemp("ws") / "workspace.duckdb"
    sample = ROOT / "data" / "sample"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOURNEY_WORKSPACE", str(path))
        argv = ["load", str(sample / "events.csv"), "--name", STORED_SAMPLE]
        assert main([*argv, "--transcripts", str(sample / "transcripts.csv")]) == 0
    return path


def network_documents(app: AppTest) -> list[str]:
    """The network pages inside the app's iframes (each in a frame sandboxed to scripts)."""
    documents = []
    for frame in app.get("iframe"):
        inner = re.search(r'<iframe sandbox="([^"]*)"[^>]* srcdoc="([^"]*)"', frame.proto.srcdoc)
        assert inner is not None, "a network page must not run in the app's origin"
        assert inner.group(1) == SANDBOX
        documents.append(html.unescape(inner.group(2)))
    return documents
