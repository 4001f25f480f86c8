"""Everything from the data shows as text: hostile names and values on every page, in chromium.

One upload whose channels, touchpoints, campaigns, customer ids, transcript text, file name
and dataset name hold markup (script and img tags, javascript: links, markdown images and
links, a spreadsheet HYPERLINK formula), saved to the server's workspace, then every page of
the menu opened in the same session. A page fails on any dialog, any request leaving loopback,
any link or image (in any frame, the network iframe too) whose address comes from the data,
and any character reference shown instead of the character it stands for.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from journey.io.markup import WORD_JOINER
from tests.browser.conftest import (
    count_runs,
    expand_menu,
    runs,
    wait_for_app,
    wait_for_run_after,
)
from ui.nav import PAGES

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "[js](javascript:alert(1))"
MD_IMAGE = "![i](http://example.com/x.png)"
MD_LINK = "[phish](http://example.com)"
FORMULA = '=HYPERLINK("http://example.com")'
ANCHOR = '<a href="http://example.com">a</a>'  # plotly draws <a href> in its labels
NAME = f"{MD_IMAGE} {MD_LINK} {IMG} {JS_LINK}"
FILTERS = f"filters: campaign: {MD_IMAGE}"
FILE_NAME = "[f](javascript:alert(1)) <img src=x onerror=alert(1)>.csv"
TRANSCRIPT = f"This is terrible, still waiting. {MD_IMAGE} {MD_LINK} {SCRIPT} {IMG} {JS_LINK}"

# Every address a link or image may get from the data above; the app's own are loopback/data.
FROM_DATA = """() => {
    const bad = [];
    for (const el of document.querySelectorAll('a, img, image, iframe, script, link, source')) {
        for (const name of ['href', 'xlink:href', 'src', 'srcset']) {
            const value = (el.getAttribute(name) || '').trim();
            if (/example\\.com|^javascript:|^x$/i.test(value)) {
                bad.push(el.tagName + ' ' + name + '=' + value);
            }
        }
    }
    return bad;
}"""


# Markdown is drawn after the script run is over (its renderer loads lazily): a page is read
# once its document has not changed for half a second (a wait with a bound, not a timing).
QUIET_WATCH = """
window.__lastChange = performance.now();
new MutationObserver(() => { window.__lastChange = performance.now(); }).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true});
"""
QUIET = "() => performance.now() - window.__lastChange > 500"


def events_csv() -> bytes:
    """Twelve customers: a formula channel opens each path, a markdown-image channel closes it."""
    rows = []
    ids = [f"{MD_LINK} {IMG} #{n}" if n % 2 else f"{JS_LINK} {SCRIPT} #{n}" for n in range(12)]
    for n, customer in enumerate(ids):
        day = f"2025-01-{n + 1:02d}"
        path = [
            (FORMULA, f"{SCRIPT} ad", "click"),
            (f"{MD_LINK} {ANCHOR}", f"{IMG} page", "view"),
            (f"{MD_IMAGE} mail", f"{JS_LINK} offer", "purchase" if n % 3 else "click"),
        ]
        for hour, (channel, touchpoint, event_type) in enumerate(path, start=9):
            rows.append(
                {
                    "customer_id": customer,
                    "timestamp": f"{day}T{hour:02d}:00:00Z",
                    "channel": channel,
                    "touchpoint": touchpoint,
                    "campaign": MD_IMAGE if n % 4 else f"{MD_LINK} {FORMULA}",
                    "event_type": event_type,
                    "revenue": 10.0 if event_type == "purchase" else None,
                    "segment": IMG if n < 6 else MD_LINK,
                }
            )
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def transcripts_csv(events: bytes) -> bytes:
    """A hostile, negative customer line (and an agent reply) for every customer."""
    customers = pd.read_csv(io.BytesIO(events))["customer_id"].unique()
    rows = []
    for n, customer in enumerate(customers):
        for minute, (speaker, text) in enumerate([("customer", TRANSCRIPT), ("agent", MD_LINK)]):
            rows.append(
                {
                    "customer_id": customer,
                    "timestamp": f"2025-01-{n + 1:02d}T10:{minute:02d}:00Z",
                    "channel": FORMULA,
                    "conversation_id": f"{IMG} {n}",
                    "speaker": speaker,
                    "text": text,
                }
            )
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def _upload(page, index: int, name: str, data: bytes, done: str) -> None:
    before = runs(page)
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']").nth(index)
    uploader.set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_text(done, exact=True).wait_for(timeout=60_000)
    wait_for_run_after(page, before)


def _shown(text: str) -> str:
    """Text as read, without the invisible word joiners that keep URLs from being linked."""
    return text.replace(WORD_JOINER, "")


def _wait_for_text(page, text: str) -> None:
    page.wait_for_function(
        "t => document.body.innerText.replaceAll('\\u2060', '').includes(t)", arg=text
    )


def _pick(page, label: str, option: str) -> None:
    """Choose an option of a sidebar selectbox or multiselect, and wait for the run."""
    widgets = "[data-testid='stSelectbox'], [data-testid='stMultiSelect']"
    box = page.locator("[data-testid='stSidebar']").locator(widgets).filter(has_text=label)
    page.wait_for_function(QUIET, timeout=60_000)
    before = runs(page)
    box.locator("input").first.click()
    page.keyboard.type(option)  # the list filters to the typed text; Enter takes its first
    page.get_by_role("option", name=option, exact=True).wait_for()
    page.keyboard.press("Enter")
    wait_for_run_after(page, before)
    page.keyboard.press("Escape")


def _problems(page) -> list[str]:
    """Data-made links or images in any frame, shown references, app errors on this page."""
    found = [
        f"{frame.url[:40]}: {item}" for frame in page.frames for item in frame.evaluate(FROM_DATA)
    ]
    shown = page.locator("body").inner_text()
    found += [f"reference shown: {line}" for line in shown.splitlines() if "&#" in line]
    if page.locator("[data-testid='stException']").count():
        found.append("exception: " + page.locator("[data-testid='stException']").first.inner_text())
    return found


def _page_problems(page, url_path: str) -> list[str]:
    """`_problems`, plus what this page must show: the dataset's name, marks, sentences."""
    if url_path == "network":  # the map is drawn in a frame inside a frame: wait for it
        page.frame_locator('iframe[title="st.iframe"]').locator("iframe").wait_for()
    page.wait_for_function(QUIET, timeout=60_000)
    found = _problems(page)
    if f"{NAME}: " not in _shown(page.locator("body").inner_text()):
        found.append("the scope caption does not show the dataset name as typed")
    if FILTERS not in _shown(page.locator("body").inner_text()):
        found.append("the scope caption does not show the filter as typed")
    if url_path == "network" and len(page.frames) < 3:
        found.append("the network frame was not there to be checked")
    if url_path == "sentiment":  # marked phrases stay marked, the rest shows as typed
        marked = page.locator("[data-testid='stMarkdownContainer']", has=page.locator("mark"))
        if not marked.count() or TRANSCRIPT not in _shown(marked.first.inner_text()):
            found.append("the most negative transcripts are not shown as typed, marked")
    if url_path == "compare":  # segment headings quote an attribute's values
        before = runs(page)
        page.get_by_text("Segment A vs B").click()
        wait_for_run_after(page, before)
        page.wait_for_function(QUIET, timeout=60_000)
        found += _problems(page)
        heads = _shown("\n".join(page.locator("[data-testid='stHeading']").all_inner_texts()))
        if not any(f" = {value}" in heads for value in (IMG, MD_IMAGE, MD_LINK)):
            found.append(f"no segment heading shows a value as typed: {heads!r}")
    if url_path == "attribution":  # the formula channel opens every path: models disagree
        text = _shown(page.locator("[data-testid='stMainBlockContainer']").inner_text())
        if f"{FORMULA} earns" not in text:
            found.append("the disagreement sentence does not name the channel as typed")
    return found


def test_every_page_shows_hostile_data_as_text(server, page, outside_requests):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    count_runs(page)
    page.add_init_script(QUIET_WATCH)
    page.goto(f"{server}/data")
    wait_for_app(page)
    events = events_csv()
    _upload(page, 0, FILE_NAME, events, "Validation: events")
    _upload(page, 1, f"t {FILE_NAME}", transcripts_csv(events), "Validation: transcripts")
    page.wait_for_function(QUIET, timeout=60_000)
    assert _problems(page) == []

    before = runs(page)
    name_input = page.get_by_label("Dataset name")
    name_input.fill(NAME)
    name_input.press("Enter")
    wait_for_run_after(page, before)
    before = runs(page)
    page.get_by_role("button", name="Save to workspace").click()
    wait_for_run_after(page, before)
    # the toast and the scope caption show the saved name exactly as typed
    _wait_for_text(page, f"Saved {NAME} in the workspace.")
    _wait_for_text(page, f"{NAME}: 12 customers")
    # a filter on hostile attribute values: the caption on every page quotes them
    _pick(page, "Filter by attribute", "campaign")
    _pick(page, "Values of campaign", MD_IMAGE)

    nav = page.locator("[data-testid='stSidebarNav']")
    expand_menu(nav)  # with more than 10 pages Streamlit folds the rest under 'View more'
    problems: dict[str, list[str]] = {}
    for spec in PAGES:
        before = runs(page)
        link = f"a[href$='/{spec.url_path}']" if spec is not PAGES[0] else "a"  # default: "/"
        nav.locator(link).first.click()
        wait_for_run_after(page, before)
        problems[spec.url_path] = _page_problems(page, spec.url_path)

    assert {path: found for path, found in problems.items() if found} == {}
    assert dialogs == []
    assert outside_requests == []
