"""Upload limits in a real server: Streamlit's own cap follows JOURNEY_MAX_UPLOAD_MB."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import start_server, wait_for_app

pytestmark = pytest.mark.browser


def events_csv(path: Path, rows: int) -> Path:
    """A valid events file of `rows` rows (about 40 bytes each)."""
    lines = [f"c{i % 50},2025-03-{i % 28 + 1:02d} 10:00,Web" for i in range(rows)]
    path.write_text("customer_id,timestamp,channel\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def server_with_limits(request: pytest.FixtureRequest, monkeypatch) -> Iterator[str]:
    """A server started with Streamlit's cap and the app's limit given as (cap_mb, app_mb)."""
    cap_mb, app_mb = request.param
    monkeypatch.setenv("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", str(cap_mb))
    monkeypatch.setenv("JOURNEY_MAX_UPLOAD_MB", str(app_mb))
    process, url = start_server()
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.parametrize("server_with_limits", [(1, 3)], indirect=True)
def test_a_file_within_the_apps_limit_passes_streamlits_lower_cap(
    server_with_limits: str, page, outside_requests, tmp_path: Path
):
    source = events_csv(tmp_path / "events.csv", 80_000)  # about 2 MB: over the 1 MB cap
    assert 1.5 * 1024**2 < source.stat().st_size < 3 * 1024**2
    page.goto(f"{server_with_limits}/data")
    wait_for_app(page)
    page.get_by_text("Files up to 3 MB").wait_for(timeout=60_000)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(source)
    page.get_by_text("Validation: events").wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.get_by_text("80,000 rows").count() >= 1
    assert page.get_by_text("or smaller").count() == 0  # Streamlit's own refusal
    assert outside_requests == []


@pytest.mark.parametrize("server_with_limits", [(500, 1)], indirect=True)
def test_a_file_over_the_apps_limit_gets_the_apps_message(
    server_with_limits: str, page, outside_requests, tmp_path: Path
):
    source = tmp_path / "events.csv.gz"
    source.write_bytes(gzip.compress(events_csv(tmp_path / "e.csv", 50_000).read_bytes()))
    page.goto(f"{server_with_limits}/data")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(source)
    page.get_by_text("events.csv.gz: it unpacks to more than").wait_for(timeout=120_000)
    assert page.get_by_text("over the 1 MB limit").count() == 1
    assert outside_requests == []
