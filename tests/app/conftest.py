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


def network_documents(app: AppTest) -> list[str]:
    """The network pages inside the app's iframes (each in a frame sandboxed to scripts)."""
    documents = []
    for frame in app.get("iframe"):
        inner = re.search(r'<iframe sandbox="([^"]*)"[^>]* srcdoc="([^"]*)"', frame.proto.srcdoc)
        assert inner is not None, "a network page must not run in the app's origin"
        assert inner.group(1) == SANDBOX
        documents.append(html.unescape(inner.group(2)))
    return documents
