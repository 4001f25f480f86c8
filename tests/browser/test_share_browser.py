"""Shareable links and presentation mode in a real browser, each on a freshly started server.

Every page the tests reach is saved as a screenshot under tests/browser/screenshots/
(git-ignored); docs/screenshots/ holds downscaled copies of three of them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import count_runs, runs, wait_for_app, wait_for_run_after

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
LINK = (
    "/journey-map?dataset=Sample+data&from=2025-02-01&to=2025-03-31"
    "&channels=Email,Paid+Search&teams=marketing&lang=pl&level=touchpoint&steps=6"
)


def shoot(page, name: str) -> None:
    """Save the page's screenshot under tests/browser/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def query(page) -> dict[str, str]:
    """The page URL's query parameters, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_a_shared_link_restores_filters_a_setting_and_the_language(
    fresh_server, page, outside_requests
):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(fresh_server + LINK)
    wait_for_app(page, timeout=300_000)
    main = page.locator("[data-testid='stMain']")
    main.locator(".js-plotly-plot .sankey-node").first.wait_for(timeout=120_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert main.locator("h1").first.inner_text() == "Mapa ścieżek"  # Polish, from lang=pl
    sidebar = page.locator("[data-testid='stSidebar']")
    language = sidebar.locator("[data-testid='stSelectbox'] [role='combobox']").first
    assert language.input_value() == "Polski"
    pickers = sidebar.locator("[data-testid='stMultiSelect']")
    chosen = [
        pickers.nth(i).locator("[data-tag] [title]").evaluate_all("ts => ts.map(t => t.title)")
        for i in range(2)
    ]
    assert chosen == [["Email", "Paid Search"], ["marketing"]]
    dates = sidebar.locator("[data-testid='stDateInput'] input[type='date']")
    assert [dates.nth(i).input_value() for i in range(2)] == ["2025-02-01", "2025-03-31"]
    level = main.locator("[data-testid='stSelectbox'] [role='combobox']").first
    assert level.input_value() == "Punkt styku"  # level=touchpoint, in Polish
    steps = main.locator("[data-testid='stSliderThumbValue']").first
    assert steps.inner_text() == "6"  # steps=6
    assert main.get_by_text("Przepływy krok po kroku, pozycje 1–6").count() == 1
    written = query(page)  # the app wrote the same view back into the URL
    assert written["channels"] == "Email,Paid Search"
    assert written["level"] == "touchpoint"
    assert written["lang"] == "pl"
    shoot(page, "journey_map_shared_link")
    page.emulate_media(color_scheme="dark")  # the dark theme follows the system setting
    page.wait_for_timeout(500)  # let the theme repaint before the picture (no assertion)
    shoot(page, "journey_map_dark")
    assert outside_requests == []


def test_presentation_mode_steps_through_the_report(fresh_server, page, outside_requests):
    page.set_viewport_size({"width": 1400, "height": 900})
    count_runs(page)
    page.goto(fresh_server + "/report?present=1")
    wait_for_app(page, timeout=300_000)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("1 / ").first.wait_for(timeout=120_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert not page.locator("[data-testid='stSidebar']").is_visible()  # the sidebar is hidden
    assert main.locator("[data-testid='stMultiSelect']").count() == 0  # so are the controls
    counter = main.get_by_text("1 / ").first.inner_text()
    total = int(counter.split("/")[1])
    assert total >= 4
    shoot(page, "report_presentation_1")
    before = runs(page)
    main.get_by_role("button", name="Next").click()
    wait_for_run_after(page, before)
    assert main.get_by_text(f"2 / {total}").count() == 1
    assert query(page)["section"] == "2"
    main.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
    shoot(page, "report_presentation_2")
    before = runs(page)
    main.get_by_role("button", name="Previous").click()
    wait_for_run_after(page, before)
    assert main.get_by_text(f"1 / {total}").count() == 1
    assert query(page)["section"] == "1"
    assert outside_requests == []


METRICS_LINK = (
    "/metrics?grain=month&metric=contacts&range=2025-02-01,2025-04-30"
    "&attribute=segment&attribute_values=SMB,Enterprise"
)


def test_a_metrics_link_restores_its_settings_and_a_chart_downloads_as_svg(
    fresh_server, page, outside_requests
):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(fresh_server + METRICS_LINK)
    wait_for_app(page, timeout=300_000)
    main = page.locator("[data-testid='stMain']")
    main.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert main.get_by_role("radio", name="Month").is_checked()  # grain=month
    dates = main.locator("[data-testid='stDateInput'] input[type='date']")
    assert [dates.nth(i).input_value() for i in range(2)] == ["2025-02-01", "2025-04-30"]
    metric = main.locator("[data-testid='stSelectbox']").filter(has_text="Trend of")
    assert metric.locator("[role='combobox']").input_value() == "Contacts"
    sidebar = page.locator("[data-testid='stSidebar']")
    attribute = sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Filter by")
    assert attribute.locator("[role='combobox']").input_value() == "segment"
    values = sidebar.locator("[data-testid='stMultiSelect']").filter(has_text="Values of")
    chosen = values.locator("[data-tag] [title]").evaluate_all("ts => ts.map(t => t.title)")
    assert chosen == ["SMB", "Enterprise"]
    written = query(page)
    assert written["grain"] == "month"
    assert written["attribute_values"] == "SMB,Enterprise"
    shoot(page, "metrics_shared_link")
    with page.expect_download(timeout=180_000) as info:  # rendered by kaleido on the click
        main.get_by_role("button", name="SVG").first.click()
    assert info.value.suggested_filename == "channel_metrics_trend.svg"
    svg = info.value.path().read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert outside_requests == []
