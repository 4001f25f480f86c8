"""Two browser sessions on one server never see each other's filters, uploads or notices."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    LOCAL_PREFIXES,
    page_titles,
    wait_for_app,
    wait_for_page,
    wait_for_shown,
)

pytestmark = pytest.mark.browser
TITLES = page_titles("en")
CAPTION = "[data-testid='stMain'] [data-testid='stCaptionContainer']"

EVENTS = (
    "customer_id,timestamp,channel\n"
    "p1,2025-01-01T10:00:00Z,Web\n"
    "p1,2025-01-02T10:00:00Z,Email\n"
    "p2,2025-01-03T10:00:00Z,Store\n"
)


def _open(browser, url: str, attempted: list[str]):
    """A new browser context (its own cookies, its own Streamlit session) on `url`."""
    context = browser.new_context()

    def handle(route) -> None:
        if route.request.url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    page = context.new_page()
    page.goto(url)
    wait_for_app(page)
    return context, page


def _reload(page, url_path: str) -> None:
    """Reload the page (a new session) and wait until its page has run to the end."""
    page.reload()
    wait_for_page(page, TITLES[url_path])


def _scope_caption(page) -> str:
    return page.locator(CAPTION).first.inner_text()


def test_two_sessions_keep_their_own_filter_upload_and_notice(server, browser, tmp_path):
    source = tmp_path / "private_shop.csv"
    source.write_text(EVENTS, encoding="utf-8")
    attempted: list[str] = []
    first_context, first = _open(browser, f"{server}/data", attempted)
    second_context, second = _open(browser, server, attempted)
    try:
        sample = _scope_caption(second)
        assert sample.startswith("Sample data:")

        # the first user filters the sample to one channel
        channels = first.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect'] input")
        channels.first.click()
        channels.first.press_sequentially("Email")
        first.get_by_role("option", name="Email", exact=True).wait_for(timeout=60_000)
        channels.first.press("Enter")
        wait_for_shown(first, CAPTION, "Email")  # the caption this choice's run drew
        channels.first.press("Escape")  # an open menu hides the rest of the page from roles
        first.get_by_role("listbox").wait_for(state="detached", timeout=30_000)
        assert "Email" in _scope_caption(first)
        _reload(second, "overview")
        assert _scope_caption(second) == sample

        # the first user uploads a file and uses it now
        first.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(source)
        first.get_by_text("Validation: events").wait_for(timeout=60_000)
        wait_for_app(first)
        first.get_by_role("button", name="Use now").click()
        # the click's run sets the dataset and reruns: wait for what that rerun shows
        first.get_by_text("private_shop: 2 customers · 3 events").wait_for(timeout=120_000)
        wait_for_app(first)

        # the second user, on the same server at the same time, sees none of it
        nav = second.locator("[data-testid='stSidebarNav']")
        nav.locator("a[href$='/data']").first.click()
        wait_for_page(second, TITLES["data"])
        assert _scope_caption(second) == sample
        assert second.get_by_text("private_shop").count() == 0
        assert second.locator("[data-testid='stFileUploaderFile']").count() == 0
        assert second.get_by_text("Upload an events file").count() == 1

        # a new session (a reload) of the second user starts on the sample too
        _reload(second, "data")
        assert _scope_caption(second) == sample
        assert second.get_by_text("private_shop").count() == 0

        # and the first user keeps their own dataset after the second user's runs
        first.locator("[data-testid='stSidebarNav'] a").first.click()  # the overview
        wait_for_page(first, TITLES["overview"])
        assert _scope_caption(first).startswith("private_shop:")
        for page in (first, second):
            assert page.locator("[data-testid='stException']").count() == 0
            assert page.locator("[data-testid='stAlertContentError']").count() == 0
        assert attempted == []
    finally:
        first_context.close()
        second_context.close()
