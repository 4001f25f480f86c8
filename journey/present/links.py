r"""Shareable links: a view's state <-> URL query parameters, checked against the data.

`encode` turns a `LinkState` into query parameters and `decode` reads them back; together they
are an identity on every state. `check` then holds a decoded state against what the current
data knows (datasets, channels, teams, dates, languages, a page's setting choices): a value
that is gone or malformed is dropped, with a notice saying which and why, never an exception.

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
FRAME_PARAMS: Final = (DATASET, FROM, TO, CHANNELS, TEAMS, LANG, PRESENT, SECTION)
_ESCAPE: Final = "\\"
_SEPARATOR: Final = ","
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Setting:
    """A page setting in the URL: its parameter, and its choices or integer bounds.

    `kind` is "choice" (one of `choices`), "int" (`low`..`high`) or "bool" ("1" / "0").
    """

    param: str
    kind: str
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0


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


def check_setting(setting: Setting, value: str) -> str | None:
    """Return why a setting's value is not acceptable, or None when it is."""
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
        reason = (
            f"{param} is not a setting of this page"
            if setting is None
            else check_setting(setting, value)
        )
        if reason:
            problems.append(f"{reason}, ignored")
        else:
            settings[param] = value
    checked = replace(
        link,
        dataset=dataset,
        channels=_known_names(link.channels, known.channels, "channels", problems),
        teams=_known_names(link.teams, known.teams, "teams", problems),
        lang=lang,
        section=section,
        settings=settings,
    )
    return _check_dates(checked, known, problems), problems
