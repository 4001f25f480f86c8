r"""Shareable links: a view's state <-> URL query parameters, checked against the data.

`encode` turns a `LinkState` into query parameters and `decode` reads them back; together they
are an identity on every state. `check` then holds a decoded state against what the current
data knows (datasets, channels, teams, dates, languages, a page's setting choices): a value
that is gone or malformed is dropped, with a notice saying which and why, never an exception.

A page setting is a "choice", "int", "bool", "list" (of choices), "date" (YYYY-MM-DD),
"dates" (a range: two dates, comma-separated) or free "text" (e.g. a customer id searched).
The sidebar's attribute filter travels as `attribute` (the column) and `attribute_values`.

Lists are comma-separated; a comma or backslash inside a name is escaped with a backslash
("a\,b" is one name "a,b"), so every name survives the trip. Names are never empty
(a required column's value is never blank), which keeps "" free to mean no names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

DATASET: Final = "dataset"
FROM: Final = "from"
TO: Final = "to"
CHANNELS: Final = "channels"
TEAMS: Final = "teams"
LANG: Final = "lang"
PRESENT: Final = "present"
SECTION: Final = "section"
ATTRIBUTE: Final = "attribute"
ATTRIBUTE_VALUES: Final = "attribute_values"
FRAME_PARAMS: Final = (
    DATASET,
    FROM,
    TO,
    CHANNELS,
    TEAMS,
    LANG,
    PRESENT,
    SECTION,
    ATTRIBUTE,
    ATTRIBUTE_VALUES,
)
KINDS: Final = ("choice", "int", "bool", "list", "date", "dates", "text")
TEXT_MAX: Final = 200  # longest free-text setting kept from a link
_ESCAPE: Final = "\\"
_SEPARATOR: Final = ","
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Setting:
    """A page setting in the URL: its parameter, and its choices or integer bounds.

    `kind` is "choice" (one of `choices`), "int" (`low`..`high`), "bool" ("1" / "0"),
    "list" (names from `choices`, `join_list`ed), "date" (YYYY-MM-DD within `first`..`last`
    when given), "dates" (start,end: two such dates in order) or "text" (1..TEXT_MAX chars).
    """

    param: str
    kind: str
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class LinkState:
    """What a shareable link holds: dataset, filters, language, presentation, page settings."""

    dataset: str | None = None
    start: date | None = None
    end: date | None = None
    channels: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    lang: str | None = None
    present: bool = False
    section: int | None = None  # 1-based report section in presentation mode
    settings: Mapping[str, str] = field(default_factory=dict)  # page setting param -> value
    attribute: str | None = None  # the sidebar's attribute filter column
    attribute_values: tuple[str, ...] = ()  # ... and the values it keeps


@dataclass(frozen=True)
class Known:
    """What the current data and app accept: the values a link is checked against."""

    datasets: tuple[str, ...]
    channels: tuple[str, ...]
    teams: tuple[str, ...]
    first: date
    last: date
    languages: tuple[str, ...]
    settings: tuple[Setting, ...] = ()
    attributes: tuple[str, ...] = ()  # columns the attribute filter offers
    attribute_values: tuple[str, ...] = ()  # values of the link's attribute column


def join_list(values: Sequence[str]) -> str:
    """Join names with commas, escaping commas and backslashes inside them."""
    escaped = (
        v.replace(_ESCAPE, _ESCAPE * 2).replace(_SEPARATOR, _ESCAPE + _SEPARATOR) for v in values
    )
    return _SEPARATOR.join(escaped)


def split_list(text: str) -> tuple[str, ...]:
    """Split a `join_list` text back into its names (a trailing lone backslash is kept)."""
    if text == "":
        return ()
    names: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == _ESCAPE:
            current.append(next(chars, _ESCAPE))
        elif char == _SEPARATOR:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return tuple(names)


def encode(link: LinkState) -> dict[str, str]:
    """Turn a link state into query parameters; empty and default values are left out."""
    params: dict[str, str] = {}
    if link.dataset is not None:
        params[DATASET] = link.dataset
    if link.start is not None:
        params[FROM] = link.start.isoformat()
    if link.end is not None:
        params[TO] = link.end.isoformat()
    if link.channels:
        params[CHANNELS] = join_list(link.channels)
    if link.teams:
        params[TEAMS] = join_list(link.teams)
    if link.lang is not None:
        params[LANG] = link.lang
    if link.present:
        params[PRESENT] = "1"
    if link.section is not None:
        params[SECTION] = str(link.section)
    if link.attribute is not None:
        params[ATTRIBUTE] = link.attribute
    if link.attribute_values:
        params[ATTRIBUTE_VALUES] = join_list(link.attribute_values)
    params.update({k: v for k, v in link.settings.items() if k not in FRAME_PARAMS})
    return params


def _date(params: Mapping[str, str], name: str, problems: list[str]) -> date | None:
    """Read a YYYY-MM-DD parameter; a malformed one is a problem and None."""
    text = params.get(name)
    if text is None:
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # e.g. 2024-02-30: well formed, no such day
    problems.append(f"{name}={text!r} is not a date (YYYY-MM-DD)")
    return None


def _int(params: Mapping[str, str], name: str, problems: list[str]) -> int | None:
    """Read a whole-number parameter; a malformed one is a problem and None."""
    text = params.get(name)
    if text is None:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    problems.append(f"{name}={text!r} is not a whole number")
    return None


def decode(params: Mapping[str, str]) -> tuple[LinkState, list[str]]:
    """Read query parameters into a link state, with a notice for each malformed value."""
    problems: list[str] = []
    present = params.get(PRESENT)
    if present not in (None, "0", "1"):
        problems.append(f"{PRESENT}={present!r} is not 0 or 1")
    link = LinkState(
        dataset=params.get(DATASET) or None,
        start=_date(params, FROM, problems),
        end=_date(params, TO, problems),
        channels=split_list(params.get(CHANNELS, "")),
        teams=split_list(params.get(TEAMS, "")),
        lang=params.get(LANG) or None,
        present=present == "1",
        section=_int(params, SECTION, problems),
        settings={k: v for k, v in params.items() if k not in FRAME_PARAMS},
        attribute=params.get(ATTRIBUTE) or None,
        attribute_values=split_list(params.get(ATTRIBUTE_VALUES, "")),
    )
    return link, problems


def _known_names(
    names: tuple[str, ...], known: tuple[str, ...], what: str, problems: list[str]
) -> tuple[str, ...]:
    """Keep the names the data has; say which were dropped."""
    kept = tuple(n for n in names if n in known)
    missing = [n for n in names if n not in known]
    if missing:
        problems.append(f"{what} not in the data, ignored: {', '.join(missing)}")
    return kept


def _check_dates(link: LinkState, known: Known, problems: list[str]) -> LinkState:
    """Drop dates outside the data, or a range that ends before it starts."""
    start, end = link.start, link.end
    for name, day in ((FROM, start), (TO, end)):
        if day is not None and not known.first <= day <= known.last:
            problems.append(
                f"{name}={day.isoformat()} is outside the data's dates"
                f" ({known.first.isoformat()} to {known.last.isoformat()}), ignored"
            )
    start = start if start is not None and known.first <= start <= known.last else None
    end = end if end is not None and known.first <= end <= known.last else None
    if start is not None and end is not None and end < start:
        problems.append(f"{TO}={end.isoformat()} is before {FROM}={start.isoformat()}, ignored")
        start = end = None
    return replace(link, start=start, end=end)


def parse_date(text: str) -> date | None:
    """A YYYY-MM-DD text as a date, or None when it is not one."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None  # e.g. 2024-02-30: well formed, no such day


def join_dates(start: date, end: date) -> str:
    """A date range as "dates" setting text: start,end."""
    return f"{start.isoformat()}{_SEPARATOR}{end.isoformat()}"


def split_dates(text: str) -> tuple[date, date] | None:
    """A "dates" setting text as (start, end), or None when it is not two dates in order."""
    parts = text.split(_SEPARATOR)
    if len(parts) != 2:
        return None
    start, end = parse_date(parts[0]), parse_date(parts[1])
    if start is None or end is None or end < start:
        return None
    return start, end


def _date_problem(setting: Setting, value: str) -> str | None:
    """Why a "date" or "dates" value is not acceptable, or None."""
    if setting.kind == "date":
        day = parse_date(value)
        if day is None:
            return f"{setting.param}={value!r} is not a date (YYYY-MM-DD)"
        days: tuple[date, ...] = (day,)
    else:
        pair = split_dates(value)
        if pair is None:
            return f"{setting.param}={value!r} is not a date range (YYYY-MM-DD,YYYY-MM-DD)"
        days = pair
    first, last = setting.first or date.min, setting.last or date.max
    if not all(first <= day <= last for day in days):
        return (
            f"{setting.param}={value} is outside the data's dates"
            f" ({first.isoformat()} to {last.isoformat()})"
        )
    return None


def check_value(setting: Setting, value: str) -> tuple[str | None, str | None]:
    """Hold a setting's value against its kind: (the value to keep or None, why not or None).

    A list keeps its known names (dropping the rest, with a reason; with none known it is
    dropped, so the widget keeps its default); every other kind is kept whole or dropped.
    """
    if setting.kind != "list":
        reason = check_setting(setting, value)
        return (None, reason) if reason else (value, None)
    names = split_list(value)
    missing = [n for n in names if n not in setting.choices]
    if not missing:
        return value, None
    kept = [n for n in names if n in setting.choices]
    reason = f"{setting.param}: {', '.join(missing)} not known"
    return (join_list(kept) if kept else None), reason  # none known: the widget's default


def check_setting(setting: Setting, value: str) -> str | None:
    """Return why a setting's value is not acceptable, or None when it is."""
    if setting.kind not in KINDS:
        return f"{setting.param} has an unknown kind {setting.kind!r}"
    if setting.kind == "list":
        missing = [n for n in split_list(value) if n not in setting.choices]
        return f"{setting.param}: {', '.join(missing)} not known" if missing else None
    if setting.kind in ("date", "dates"):
        return _date_problem(setting, value)
    if setting.kind == "text" and not 0 < len(value) <= TEXT_MAX:
        return f"{setting.param} must be 1 to {TEXT_MAX} characters"
    if setting.kind == "choice" and value not in setting.choices:
        return f"{setting.param}={value!r} is not one of {', '.join(setting.choices)}"
    if setting.kind == "bool" and value not in ("0", "1"):
        return f"{setting.param}={value!r} is not 0 or 1"
    if setting.kind == "int":
        if not (value.isascii() and value.isdigit() and len(value) <= 9):
            return f"{setting.param}={value!r} is not a whole number"
        if not setting.low <= int(value) <= setting.high:
            return f"{setting.param}={value} is outside {setting.low}..{setting.high}"
    return None


def check(link: LinkState, known: Known) -> tuple[LinkState, list[str]]:
    """Hold a decoded link against what the data knows: keep what fits, explain the rest."""
    problems: list[str] = []
    dataset = link.dataset
    if dataset is not None and dataset not in known.datasets:
        problems.append(f"dataset {dataset!r} is not in the workspace; showing the current one")
        dataset = None
    lang = link.lang
    if lang is not None and lang not in known.languages:
        problems.append(f"{LANG}={lang!r} is not one of {', '.join(known.languages)}")
        lang = None
    section = link.section
    if section is not None and section < 1:
        problems.append(f"{SECTION}={section} is not a section number (1, 2, ...)")
        section = None
    by_param = {s.param: s for s in known.settings}
    settings: dict[str, str] = {}
    for param, value in link.settings.items():
        setting = by_param.get(param)
        if setting is None:
            problems.append(f"{param} is not a setting of this page, ignored")
            continue
        kept, reason = check_value(setting, value)
        if reason:
            problems.append(f"{reason}, ignored")
        if kept is not None:
            settings[param] = kept
    attribute, attribute_values = link.attribute, link.attribute_values
    if attribute is not None and attribute not in known.attributes:
        problems.append(f"{ATTRIBUTE}={attribute!r} is not a column to filter on, ignored")
        attribute, attribute_values = None, ()
    elif attribute is None and attribute_values:
        problems.append(f"{ATTRIBUTE_VALUES} without an {ATTRIBUTE}, ignored")
        attribute_values = ()
    else:
        attribute_values = _known_names(
            attribute_values, known.attribute_values, f"{attribute} values", problems
        )
    checked = replace(
        link,
        dataset=dataset,
        channels=_known_names(link.channels, known.channels, "channels", problems),
        teams=_known_names(link.teams, known.teams, "teams", problems),
        lang=lang,
        section=section,
        settings=settings,
        attribute=attribute,
        attribute_values=attribute_values,
    )
    return _check_dates(checked, known, problems), problems
