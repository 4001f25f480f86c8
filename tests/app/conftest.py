"""AppTest fixtures: the whole app runs through app.py, as in the browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
