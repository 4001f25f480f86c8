"""What only a browser shows: deep links on a fresh server, nothing fetched from outside."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import (
    expand_menu,
    page_titles,
    wait_for_app,
    wait_for_page,
    wait_for_shown,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("url_path", ["attribution", "journey-map"])
def test_deep_link_on_a_fresh_server_runs_through_app_py(
    fresh_server, page, outside_requests, url_path
):
    page.goto(f"{fresh_server}/{url_path}")
    wait_for_app(page)
    # the frame ran: the sidebar filters and the scope caption are there, the page too
    assert page.locator("[data-testid='stSidebar']").get_by_text("Filters").count() == 1
    assert page.get_by_text("Sample data:").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert outside_requests == []


def test_overview_renders_offline(server, page, outside_requests):
    page.goto(server)
    metrics = page.locator("[data-testid='stMetric']")
    metrics.nth(4).wait_for(timeout=120_000)  # a cold server's first run builds its caches
    wait_for_app(page)
    assert metrics.count() >= 5
    assert page.locator("[data-testid='stException']").count() == 0
    assert outside_requests == []


def test_upload_shows_rejects_and_downloads_them_as_csv(server, page, outside_requests, tmp_path):
    source = tmp_path / "events.csv"
    source.write_text(
        "customer_id,timestamp,channel\nc1,2025-01-01T10:00:00Z,Web\n"
        ',2025-01-02T10:00:00Z,Web\nc2,yesterday,Email\n=HYPERLINK("x"),2025-01-03,Web\n',
        encoding="utf-8",
    )
    page.goto(f"{server}/data")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(source)
    page.get_by_text("Validation: events").wait_for(timeout=120_000)  # a loaded CI machine
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").first.click()
    content = info.value.path().read_text(encoding="utf-8")
    assert content.splitlines()[0] == "row,column,reason"
    assert "2,customer_id" in content
    assert "3,timestamp" in content
    assert outside_requests == []


def choose_option(page, selectbox: str, option: str, attempts: int = 6) -> None:
    """Open a selectbox and pick `option`, reopening it if a rerun redrew the box meanwhile."""
    for _ in range(attempts):
        wait_for_app(page)
        page.locator(selectbox).first.click()
        choice = page.get_by_role("option", name=option)
        try:
            choice.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")  # the list closed under a rerun: open it again
            continue
        choice.click()
        return
    raise AssertionError(f"option {option!r} never showed in {selectbox}")


def test_polish_ui_translates_the_menu_and_every_page_renders(server, page, outside_requests):
    titles = page_titles("pl")
    page.goto(server)
    wait_for_app(page)
    choose_option(page, "[data-testid='stSidebar'] [data-testid='stSelectbox']", "Polski")
    wait_for_shown(page, "[data-testid='stSidebar']", "Filtry")  # drawn by the choice's run
    nav = page.locator("[data-testid='stSidebarNav']")
    expand_menu(nav)  # with more than 10 pages Streamlit folds the rest under 'View more'
    assert nav.get_by_text("Mapa ścieżek").count() == 1
    for url_path in ["attribution", "funnels", "metrics", "sentiment", "data", "rules"]:
        nav.locator(f"a[href$='/{url_path}']").first.click()
        # this page's own title drawn by a finished run, not the previous page's content
        wait_for_page(page, titles[url_path])
        assert urlsplit(page.url).path.endswith(f"/{url_path}")  # the query keeps dataset, lang
        assert page.locator("[data-testid='stException']").count() == 0, url_path
        assert page.locator("[data-testid='stAlertContentError']").count() == 0, url_path
    assert outside_requests == []
