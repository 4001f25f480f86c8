"""The page registry: every screen of the app, in menu order, grouped by section."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.i18n import t


@dataclass(frozen=True)
class PageSpec:
    """One screen: its file under views/, menu title, Material icon, URL path and menu section."""

    path: str
    title: str
    icon: str
    url_path: str
    section: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/home.py", "Overview", ":material/explore:", "overview", "Start"),
    PageSpec("views/data.py", "Data", ":material/upload_file:", "data", "Start"),
    PageSpec("views/rules.py", "Phases & rules", ":material/rule:", "rules", "Start"),
    PageSpec(
        "views/journey_map.py",
        "Journey map",
        ":material/conversion_path:",
        "journey-map",
        "Journeys",
    ),
    PageSpec("views/network.py", "Network map", ":material/hub:", "network", "Journeys"),
    PageSpec(
        "views/compare.py", "Compare segments", ":material/compare_arrows:", "compare", "Journeys"
    ),
    PageSpec(
        "views/funnels.py", "Funnels & drop-off", ":material/filter_alt:", "funnels", "Journeys"
    ),
    PageSpec("views/customer.py", "Customer timeline", ":material/person:", "customer", "Journeys"),
    PageSpec(
        "views/attribution.py", "Attribution", ":material/ads_click:", "attribution", "Channels"
    ),
    PageSpec("views/metrics.py", "Channel metrics", ":material/bar_chart:", "metrics", "Channels"),
    PageSpec(
        "views/sentiment.py", "Sentiment", ":material/forum:", "sentiment", "Voice of customer"
    ),
    PageSpec(
        "views/next_best_action.py",
        "Next best action",
        ":material/bolt:",
        "next-best-action",
        "Act",
    ),
    PageSpec("views/report.py", "Report", ":material/description:", "report", "Share"),
)


def page_title(spec: PageSpec) -> str:
    """The page's menu title in the UI language."""
    key = "nav.page.data" if spec.url_path == "data" else f"nav.{spec.url_path}"
    return t(key)


def build_pages() -> dict[str, list[st.Page]]:
    """Build the st.Page objects for st.navigation, grouped by section, in the UI language."""
    sections: dict[str, list[st.Page]] = {}
    for index, spec in enumerate(PAGES):
        page = st.Page(
            spec.path,
            title=page_title(spec),
            icon=spec.icon,
            url_path=spec.url_path,
            default=index == 0,
        )
        sections.setdefault(t(f"nav.section.{spec.section}"), []).append(page)
    return sections
