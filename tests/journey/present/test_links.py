"""Shareable links: state -> query string -> state is the identity; bad values fall back."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from journey.present import links
from journey.present.links import Known, LinkState, Setting

LEVEL = Setting("level", "choice", ("channel", "touchpoint", "phase"))
STEPS = Setting("steps", "int", low=2, high=10)
KEEP = Setting("collapse", "bool")
KNOWN = Known(
    datasets=("Sample data", "Shop, EU"),
    channels=("Email", "Paid Search", "Web, mobile"),
    teams=("marketing", "service"),
    first=date(2024, 1, 1),
    last=date(2024, 6, 30),
    languages=("en", "id", "pl"),
    settings=(LEVEL, STEPS, KEEP),
)

names = st.text(min_size=1, max_size=12)
settings = st.dictionaries(
    st.text(min_size=1, max_size=8).filter(lambda k: k not in links.FRAME_PARAMS),
    st.text(max_size=10),
    max_size=3,
)
states = st.builds(
    LinkState,
    dataset=st.none() | names,
    start=st.none() | st.dates(),
    end=st.none() | st.dates(),
    channels=st.lists(names, max_size=4).map(tuple),
    teams=st.lists(names, max_size=4).map(tuple),
    lang=st.none() | names,
    present=st.booleans(),
    section=st.none() | st.integers(0, 999),
    settings=settings,
    attribute=st.none() | names,
    attribute_values=st.lists(names, max_size=3).map(tuple),
)


@given(st.lists(names, max_size=6))
def test_lists_split_back_into_the_same_names(values):
    assert links.split_list(links.join_list(values)) == tuple(values)


@given(states)
def test_state_to_url_to_state_is_the_identity(link):
    decoded, problems = links.decode(links.encode(link))
    assert problems == []
    assert decoded == link


def test_commas_and_backslashes_are_escaped_by_hand():
    assert links.join_list(["Web, mobile", "a\\b", "Email"]) == "Web\\, mobile,a\\\\b,Email"
    assert links.split_list("Web\\, mobile,a\\\\b,Email") == ("Web, mobile", "a\\b", "Email")


def test_encode_writes_the_documented_parameters():
    link = LinkState(
        dataset="Sample data",
        start=date(2024, 2, 1),
        end=date(2024, 3, 31),
        channels=("Email", "Web, mobile"),
        teams=("service",),
        lang="pl",
        settings={"level": "touchpoint", "steps": "6"},
    )
    assert links.encode(link) == {
        "dataset": "Sample data",
        "from": "2024-02-01",
        "to": "2024-03-31",
        "channels": "Email,Web\\, mobile",
        "teams": "service",
        "lang": "pl",
        "level": "touchpoint",
        "steps": "6",
    }
    assert links.encode(LinkState()) == {}


def test_a_good_link_passes_the_check_unchanged():
    link, problems = links.decode(
        {"dataset": "Shop, EU", "from": "2024-02-01", "channels": "Web\\, mobile", "lang": "id"}
        | {"level": "phase", "steps": "7", "collapse": "0", "present": "1", "section": "2"}
    )
    checked, notices = links.check(link, KNOWN)
    assert problems == []
    assert notices == []
    assert checked == link
    assert checked.channels == ("Web, mobile",)
    assert checked.start == date(2024, 2, 1)
    assert checked.present
    assert checked.section == 2


def test_malformed_values_are_named_and_dropped():
    link, problems = links.decode(
        {"from": "2024-02-30", "to": "yesterday", "present": "yes", "section": "two"}
    )
    assert link == LinkState()
    assert problems == [
        "present='yes' is not 0 or 1",
        "from='2024-02-30' is not a date (YYYY-MM-DD)",
        "to='yesterday' is not a date (YYYY-MM-DD)",
        "section='two' is not a whole number",
    ]


def test_stale_values_fall_back_with_a_notice_each():
    link, _ = links.decode(
        {
            "dataset": "Gone",
            "from": "2023-12-31",
            "to": "2024-03-01",
            "channels": "Email,TV",
            "teams": "legal",
            "lang": "de",
            "level": "customer",
            "steps": "11",
            "collapse": "maybe",
            "zoom": "2",
            "section": "0",
        }
    )
    checked, notices = links.check(link, KNOWN)
    assert checked == LinkState(end=date(2024, 3, 1), channels=("Email",))
    assert notices == [
        "dataset 'Gone' is not in the workspace; showing the current one",
        "lang='de' is not one of en, id, pl",
        "section=0 is not a section number (1, 2, ...)",
        "level='customer' is not one of channel, touchpoint, phase, ignored",
        "steps=11 is outside 2..10, ignored",
        "collapse='maybe' is not 0 or 1, ignored",
        "zoom is not a setting of this page, ignored",
        "channels not in the data, ignored: TV",
        "teams not in the data, ignored: legal",
        "from=2023-12-31 is outside the data's dates (2024-01-01 to 2024-06-30), ignored",
    ]


def test_a_range_ending_before_it_starts_is_dropped():
    link, _ = links.decode({"from": "2024-05-01", "to": "2024-04-01"})
    checked, notices = links.check(link, KNOWN)
    assert checked.start is None
    assert checked.end is None
    assert notices == ["to=2024-04-01 is before from=2024-05-01, ignored"]


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=8))
def test_any_query_string_decodes_and_checks_without_an_exception(params):
    link, _ = links.decode(params)
    checked, _ = links.check(link, KNOWN)
    assert set(checked.channels) <= set(KNOWN.channels)
    assert checked.lang in (None, *KNOWN.languages)
    assert checked.start is None or KNOWN.first <= checked.start <= KNOWN.last
    assert all(
        links.check_setting(LEVEL, v) is None for k, v in checked.settings.items() if k == "level"
    )


MODELS = Setting("models", "list", ("first_touch", "last_touch", "markov"))
STAGES = Setting("stages", "list", ("Home, landing", "Cart\\x", "Checkout"))
CUTOFF = Setting("cutoff", "date", first=date(2024, 1, 1), last=date(2024, 12, 31))
SPAN = Setting("range", "dates", first=date(2024, 1, 1), last=date(2024, 6, 30))
OPEN_DAY = Setting("day", "date")
CUSTOMER = Setting("customer", "text")
PAGE_KNOWN = Known(
    datasets=(),
    channels=(),
    teams=(),
    first=date(2024, 1, 1),
    last=date(2024, 6, 30),
    languages=("en",),
    settings=(MODELS, STAGES, CUTOFF, SPAN, OPEN_DAY, CUSTOMER),
    attributes=("segment", "region, zone"),
    attribute_values=("gold", "silver, plus"),
)


@given(
    models=st.lists(st.sampled_from(MODELS.choices), unique=True).map(tuple),
    stages=st.lists(st.sampled_from(STAGES.choices), unique=True).map(tuple),
    cutoff=st.dates(date(2024, 1, 1), date(2024, 12, 31)),
    span=st.tuples(
        st.dates(date(2024, 1, 1), date(2024, 6, 30)), st.dates(date(2024, 1, 1), date(2024, 6, 30))
    ).map(sorted),
    customer=st.text(min_size=1, max_size=links.TEXT_MAX),
    values=st.lists(st.sampled_from(PAGE_KNOWN.attribute_values), unique=True).map(tuple),
)
def test_page_settings_of_every_kind_survive_url_and_check(
    models, stages, cutoff, span, customer, values
):
    link = LinkState(
        settings={
            "models": links.join_list(models),
            "stages": links.join_list(stages),
            "cutoff": cutoff.isoformat(),
            "range": links.join_dates(span[0], span[1]),
            "customer": customer,
        },
        attribute="region, zone",
        attribute_values=values,
    )
    decoded, problems = links.decode(links.encode(link))
    checked, notices = links.check(decoded, PAGE_KNOWN)
    assert problems == notices == []
    assert checked == link
    assert links.split_list(checked.settings["models"]) == models
    assert links.split_list(checked.settings["stages"]) == stages
    assert links.split_dates(checked.settings["range"]) == (span[0], span[1])


@given(st.dates(), st.dates())
def test_date_ranges_split_back_or_are_refused(one, other):
    start, end = min(one, other), max(one, other)
    assert links.split_dates(links.join_dates(start, end)) == (start, end)
    if start != end:
        assert links.split_dates(links.join_dates(end, start)) is None


def test_page_settings_encode_as_documented():
    link = LinkState(
        settings={"models": links.join_list(["markov", "first_touch"]), "cutoff": "2024-07-01"},
        attribute="segment",
        attribute_values=("gold", "silver, plus"),
    )
    assert links.encode(link) == {
        "attribute": "segment",
        "attribute_values": "gold,silver\\, plus",
        "models": "markov,first_touch",
        "cutoff": "2024-07-01",
    }


def test_bad_page_settings_of_the_new_kinds_fall_back_with_a_notice_each():
    link, problems = links.decode(
        {
            "models": "markov,uplift,first_touch",
            "stages": "Nowhere",
            "cutoff": "2025-01-01",
            "range": "2024-05-01,2024-04-01",
            "day": "2024-13-01",
            "customer": "x" * (links.TEXT_MAX + 1),
            "attribute": "segment",
            "attribute_values": "gold,bronze",
        }
    )
    assert problems == []
    checked, notices = links.check(link, PAGE_KNOWN)
    assert checked.settings == {"models": "markov,first_touch"}
    assert checked.attribute == "segment"
    assert checked.attribute_values == ("gold",)
    assert notices == [
        "models: uplift not known, ignored",
        "stages: Nowhere not known, ignored",
        "cutoff=2025-01-01 is outside the data's dates (2024-01-01 to 2024-12-31), ignored",
        "range='2024-05-01,2024-04-01' is not a date range (YYYY-MM-DD,YYYY-MM-DD), ignored",
        "day='2024-13-01' is not a date (YYYY-MM-DD), ignored",
        f"customer must be 1 to {links.TEXT_MAX} characters, ignored",
        "segment values not in the data, ignored: bronze",
    ]


def test_an_unknown_attribute_drops_its_values_too():
    link, _ = links.decode({"attribute": "shoe size", "attribute_values": "42"})
    checked, notices = links.check(link, PAGE_KNOWN)
    assert checked.attribute is None
    assert checked.attribute_values == ()
    assert notices == ["attribute='shoe size' is not a column to filter on, ignored"]
    lone, _ = links.decode({"attribute_values": "gold"})
    checked, notices = links.check(lone, PAGE_KNOWN)
    assert checked.attribute_values == ()
    assert notices == ["attribute_values without an attribute, ignored"]


def test_a_date_without_bounds_takes_any_day():
    assert links.check_setting(OPEN_DAY, "1999-12-31") is None
    assert links.check_setting(OPEN_DAY, "1999-12-32") is not None
