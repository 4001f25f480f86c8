"""The Channel metrics page, driven through app.py on the sample data."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import new_app
from ui.cache import SAMPLE_EVENTS


@pytest.fixture(scope="module")
def session() -> AppTest:
    """One app session on the Channel metrics page for the module."""
    app = new_app()
    assert not app.exception, app.exception
    app.switch_page("views/metrics.py").run()
    return app


def problems(app: AppTest) -> list[str]:
    return [e.value for e in app.error] + [str(e.value) for e in app.exception]


def metrics(app: AppTest):
    return app.dataframe[0].value


def contacts(app: AppTest):
    return app.dataframe[-1].value


def test_page_renders_metrics_trend_and_contact_list(session: AppTest):
    assert problems(session) == []
    table = metrics(session)
    assert list(table.columns) == [
        "period",
        "channel",
        "sessions",
        "contacts",
        "qualified",
        "sales_first",
        "revenue_first",
        "sales_last",
        "revenue_last",
    ]
    assert table["sales_first"].sum() == table["sales_last"].sum() > 0
    assert (table["period"].dt.day_of_week == 0).all()  # weeks start on Monday
    spec = json.loads(session.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["type"] == "scatter"
    people = contacts(session)
    assert people["contacts"].sum() > 0
    customers = pd.read_csv(SAMPLE_EVENTS, usecols=["customer_id"])["customer_id"].nunique()
    assert customers > 1_000
    assert len(people) == 1_000  # the browser gets a page of rows; the caption counts them all
    captions = [c.value for c in session.caption]
    assert f"{customers:,} of {customers:,} customers." in captions
    assert "The table shows the first 1,000; the CSV download holds them all." in captions


def test_granularity_and_qualifying_change_the_table(session: AppTest):
    weekly = metrics(session)
    session.radio(key="metrics_granularity").set_value("month").run()
    assert problems(session) == []
    monthly = metrics(session)
    assert monthly["period"].nunique() < weekly["period"].nunique()
    assert (monthly["period"].dt.day == 1).all()
    assert monthly["sales_last"].sum() == weekly["sales_last"].sum()
    qualifying = session.multiselect(key="metrics_qualifying_event_type")
    assert qualifying.value  # a likely qualifying event is picked by default
    with_qualified = monthly["qualified"].sum()
    qualifying.set_value([]).run()
    assert metrics(session)["qualified"].sum() == 0 < with_qualified
    session.radio(key="metrics_granularity").set_value("all").run()
    periods = metrics(session)["period"]
    assert (periods == periods.iloc[0]).all()


def shown_counts(app: AppTest) -> tuple[int, int]:
    """(shown, total) customers from the contact list's caption "x of y customers."."""
    caption = next(c.value for c in app.caption if c.value.endswith(" customers."))
    shown, total = caption.removesuffix(" customers.").split(" of ")
    return int(shown.replace(",", "")), int(total.replace(",", ""))


def test_contact_list_filters(session: AppTest):
    everyone, total = shown_counts(session)
    assert everyone == total
    session.number_input(key="metrics_contact_min").set_value(10).run()
    assert problems(session) == []
    busy = contacts(session)
    n_busy, _ = shown_counts(session)
    assert 0 < n_busy < everyone
    assert len(busy) == min(n_busy, 1_000)
    assert (busy["contacts"] >= 10).all()
    session.multiselect(key="metrics_contact_channels").set_value(["Web"]).run()
    assert set(contacts(session)["last_channel"]) == {"Web"}
    first_id = contacts(session)["customer_id"].iloc[0]
    session.text_input(key="metrics_contact_search").set_value(first_id).run()
    assert first_id in set(contacts(session)["customer_id"])
    assert shown_counts(session)[1] == total
    session.number_input(key="metrics_contact_min").set_value(0)
    session.multiselect(key="metrics_contact_channels").set_value([])
    session.text_input(key="metrics_contact_search").set_value("").run()
    assert shown_counts(session) == (total, total)
