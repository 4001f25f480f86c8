"""What only a browser shows: deep links on a fresh server, nothing fetched from outside."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("url_path", ["attribution", "journey-map"])
def test_deep_link_on_a_fresh_server_runs_through_app_py(fresh_server, page, outside_requests,
                                                         url_path):
    page.goto(f"{fresh_server}/{url_path}")
    wait_for_app(page)
    # the frame ran: the sidebar filters and the scope caption are there, the page too
    assert page.locator("[data-testid='stSidebar']").get_by_text("Filters").count() == 1
    assert page.get_by_text("Sample data:").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert outside_requests == []


def test_overview_renders_offline(server, page, outside_requests):
    page.goto(server)
    wait_for_app(page)
    assert page.locator("[data-testid='stMetric']").count() >= 5
    assert page.locator("[data-testid='stException']").count() == 0
    assert outside_requests == []
