"""Turn library errors into st.error messages (shown as text), never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from journey.errors import JourneyError
from journey.io.markup import md_text


@contextmanager
def guard(stop: bool = True) -> Iterator[None]:
    """Show a JourneyError as st.error (and stop the page unless told not to); bugs raise."""
    try:
        yield
    except JourneyError as err:
        st.error(md_text(err))
        if stop:
            st.stop()
