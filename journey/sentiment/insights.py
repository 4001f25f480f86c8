"""Insights from scored transcripts: drivers, highlights, topics and links to the journey.

Every function here reads `ScoredTranscripts.rows` (or a frame with the same columns) and
uses the customer's scored rows only; agent turns never drive or colour a result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.feature_selection import chi2

from journey.io.markup import md_text
from journey.query.nodes import data_labels
from journey.schema import (
    CHANNEL,
    CONVERSION,
    CUSTOMER_ID,
    LANGUAGE,
    PHASE,
    SENTIMENT_LABEL,
    SENTIMENT_LABELS,
    SENTIMENT_SCORE,
    SUPPORT_KEYWORDS,
    TEAM,
    TEXT,
    TIMESTAMP,
    TOUCHPOINT,
)
from journey.sentiment import lexicon, lexicon_data
from journey.sentiment.stopwords import stop_words
from journey.sentiment.turns import CUSTOMER, NEGATIVE, POSITIVE, ROLE, drop_agent_turns

_TOKEN_PATTERN: Final = r"(?u)\b[^\W\d_][\w']+\b"  # noqa: S105 - a regex, not a secret


def _customer_rows(scored: pd.DataFrame) -> pd.DataFrame:
    keep = scored[SENTIMENT_LABEL].isin(SENTIMENT_LABELS)
    if ROLE in scored:
        keep &= scored[ROLE] == CUSTOMER
    return scored[keep]


def _customer_text(scored: pd.DataFrame) -> pd.Series:
    """The customer's words of each row (agent turns of a conversation row dropped)."""
    text = drop_agent_turns(scored[TEXT].astype("string").fillna(""))
    return lexicon.mask_texts(text, ())


def sentiment_drivers(
    scored: pd.DataFrame, by: str | None = None, top_n: int = 10, min_df: int = 2
) -> pd.DataFrame:
    """Find the words and phrases that separate negative from positive customer texts.

    Args:
        scored: `ScoredTranscripts.rows` (optionally with a `by` column, e.g. channel).
        by: Group column (channel, phase ...): drivers are found within each group.
        top_n: Terms kept per group and direction.
        min_df: Minimum number of texts a term must appear in.

    Returns:
        Columns group, term, direction (negative/positive: where the term is more frequent),
        chi2, n_negative, n_positive (texts containing the term); by group, direction, chi2
        descending, then term.
    """
    columns = ["group", "term", "direction", "chi2", "n_negative", "n_positive"]
    rows = _customer_rows(scored)
    rows = rows[rows[SENTIMENT_LABEL].isin([NEGATIVE, POSITIVE])]
    if by is not None and by not in rows:
        return pd.DataFrame(columns=columns)
    groups = (
        [("all", rows)]
        if by is None
        else [(str(g), part) for g, part in rows.groupby(by, sort=True, dropna=True)]
    )
    parts = [_group_drivers(name, part, top_n, min_df) for name, part in groups]
    parts = [part for part in parts if part is not None]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def _group_drivers(name: str, part: pd.DataFrame, top_n: int, min_df: int) -> pd.DataFrame | None:
    """The `sentiment_drivers` of one group, or None when it cannot separate the two sides."""
    y = (part[SENTIMENT_LABEL] == NEGATIVE).to_numpy()
    if y.all() or not y.any() or len(part) < 4:
        return None
    vectoriser = CountVectorizer(
        ngram_range=(1, 2), min_df=min_df, binary=True, token_pattern=_TOKEN_PATTERN,
        stop_words=_stop_words(part) or None,
    )  # fmt: skip
    try:
        matrix = vectoriser.fit_transform(_customer_text(part))
    except ValueError:  # no term reaches min_df
        return None
    stat, _p = chi2(matrix, y)
    n_neg = np.asarray(matrix[y].sum(axis=0)).ravel()
    n_pos = np.asarray(matrix[~y].sum(axis=0)).ravel()
    rate_neg = n_neg / max(int(y.sum()), 1)
    rate_pos = n_pos / max(int((~y).sum()), 1)
    frame = pd.DataFrame(
        {
            "group": name,
            "term": vectoriser.get_feature_names_out(),
            "direction": np.where(rate_neg >= rate_pos, NEGATIVE, POSITIVE),
            "chi2": np.nan_to_num(stat),
            "n_negative": n_neg.astype("int64"),
            "n_positive": n_pos.astype("int64"),
        }
    )
    frame = frame.sort_values(
        ["direction", "chi2", "term"], ascending=[True, False, True], kind="stable"
    )
    return frame.groupby("direction", sort=True).head(top_n)


def _stop_words(rows: pd.DataFrame) -> list[str]:
    """The stop words of the languages of `rows` (every shipped list without a language)."""
    if LANGUAGE not in rows:
        return sorted(stop_words())
    return sorted(stop_words(rows[LANGUAGE].dropna().astype(str).unique()))


def highlight(text: str, terms: Sequence[str]) -> str:
    """Return `text` as inert markdown/HTML (`md_text`), each match of `terms` in <mark>."""
    source = "" if text is None else str(text)
    patterns = [_term_pattern(t) for t in terms if t and str(t).strip()]
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        spans.extend(m.span() for m in pattern.finditer(source) if m.end() > m.start())
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(md_text(source[last:start]))
        out.append(f"<mark>{md_text(source[start:end])}</mark>")
        last = end
    out.append(md_text(source[last:]))
    return "".join(out)


_PHRASE_SOURCES: Final = {token.strip(): pattern for pattern, token in lexicon_data.CS_PHRASES}


def _term_pattern(term: str) -> re.Pattern[str]:
    term = str(term).strip()
    words = [re.escape(w) for w in term.replace("_", " ").split()]
    plain = r"\s+".join(words)
    if term in _PHRASE_SOURCES:
        plain = f"{_PHRASE_SOURCES[term]}|{plain}"
    return re.compile(rf"(?i)(?<!\w)(?:{plain})(?!\w)")


def most_negative(
    scored: pd.DataFrame,
    n: int = 10,
    drivers: pd.DataFrame | None = None,
    brands: Sequence[str] = lexicon_data.BRANDS,
    terms_from: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the `n` most negative customer rows with the phrases behind them highlighted.

    Highlighted: the words and phrases the lexicon rates negative, and the negative driver
    terms (from `sentiment_drivers`, and those found within the row's own language: in
    `terms_from`, e.g. a sample of `scored`, when given) that
    occur in the text. Columns: position (0-based row),
    the row's customer_id/channel/timestamp when present, sentiment_score, text, terms
    (comma-separated) and html (inert text with <mark>); by score, then position.
    """
    rows = _customer_rows(scored).assign(position=lambda f: np.arange(len(scored))[
        scored.index.get_indexer(f.index)])  # fmt: skip
    rows = rows[rows[SENTIMENT_SCORE] < 0]
    rows = rows.sort_values([SENTIMENT_SCORE, "position"], kind="stable").head(n)
    neg_terms = (
        drivers.loc[drivers["direction"] == NEGATIVE, "term"].astype(str).tolist()
        if drivers is not None and len(drivers)
        else []
    )
    scorer = lexicon.CustomerServiceScorer(brands=tuple(brands))
    customer_text = _customer_text(rows) if len(rows) else pd.Series(dtype="string")
    own_terms = (
        _negative_terms_by_language(scored if terms_from is None else terms_from)
        if len(rows)
        else {}
    )
    languages = rows[LANGUAGE] if LANGUAGE in rows else pd.Series("", index=rows.index)
    terms_col, html_col = [], []
    for text, own, language in zip(
        rows[TEXT].astype("string").fillna(""), customer_text, languages, strict=True
    ):
        found = scorer.negative_terms(str(own))
        lowered = str(own).lower()
        candidates = neg_terms + own_terms.get(str(language), [])
        found += [t for t in candidates if t.lower() in lowered and t not in found]
        terms_col.append(", ".join(t.replace("_", " ") for t in found))
        html_col.append(highlight(str(text), found))
    keep = ["position", *[c for c in (CUSTOMER_ID, CHANNEL, TIMESTAMP) if c in rows]]
    out = rows[[*keep, SENTIMENT_SCORE, TEXT]].copy()
    out["terms"] = terms_col
    out["html"] = html_col
    return out.reset_index(drop=True)


def _negative_terms_by_language(scored: pd.DataFrame) -> dict[str, list[str]]:
    """Negative driver terms found within each language (a lexicon exists for English only)."""
    if LANGUAGE not in scored:
        return {}
    drivers = sentiment_drivers(scored, by=LANGUAGE)
    negative = drivers[drivers["direction"] == NEGATIVE]
    return {str(g): part["term"].astype(str).tolist() for g, part in negative.groupby("group")}


def topic_groups(
    scored: pd.DataFrame, n_topics: int = 6, n_terms: int = 6, random_state: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """Group customer texts into topics (NMF over TF-IDF) with size and mean sentiment.

    Returns:
        (topics, assignment). topics: columns topic (1..k), terms (top words, comma-separated),
        n, mean_score, share_negative; by n descending, then topic. assignment: the topic of
        each scored customer row (index of `scored`), 0 for a text with no topic words.
    """
    columns = ["topic", "terms", "n", "mean_score", "share_negative"]
    rows = _customer_rows(scored)
    empty = (pd.DataFrame(columns=columns), pd.Series(dtype="int64"))
    if len(rows) < 4:
        return empty
    vectoriser = TfidfVectorizer(
        min_df=2, max_df=0.8, token_pattern=_TOKEN_PATTERN, stop_words=_stop_words(rows) or None,
        sublinear_tf=True,
    )  # fmt: skip
    try:
        matrix = vectoriser.fit_transform(_customer_text(rows))
    except ValueError:
        return empty
    k = int(min(n_topics, matrix.shape[1], len(rows) - 1))
    if k < 1:
        return empty
    nmf = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=400)
    weights = nmf.fit_transform(matrix)
    assignment = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1) + 1, 0)
    names = vectoriser.get_feature_names_out()
    terms = [", ".join(names[np.argsort(-row)[:n_terms]]) for row in nmf.components_]
    frame = pd.DataFrame(
        {
            "topic": assignment,
            SENTIMENT_SCORE: rows[SENTIMENT_SCORE].to_numpy(),
            "neg": (rows[SENTIMENT_LABEL] == NEGATIVE).to_numpy(),
        }
    )
    frame = frame[frame["topic"] > 0]
    stats = frame.groupby("topic").agg(
        n=("topic", "size"), mean_score=(SENTIMENT_SCORE, "mean"), share_negative=("neg", "mean")
    )
    topics = pd.DataFrame({"topic": np.arange(1, k + 1), "terms": terms}).merge(
        stats.reset_index(), on="topic", how="left"
    )
    topics["n"] = topics["n"].fillna(0).astype("int64")
    topics = topics.sort_values(["n", "topic"], ascending=[False, True], ignore_index=True)
    return topics[columns], pd.Series(assignment, index=rows.index, name="topic")


# -- sentiment on the journey ------------------------------------------------------------------

MATCH: Final = "match"
SAME_DAY_SUPPORT: Final = "same-day support event"
PRECEDING: Final = "preceding event"
UNMATCHED: Final = "unmatched"
_LINKED_NAMES: Final = {CHANNEL: "event_channel"}  # event columns renamed in the result


def link_to_events(scored: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Join each scored customer row to the journey event it belongs to.

    A transcript belongs to (1) the customer's support event (channel or touchpoint naming a
    support keyword, or the transcript's own channel) on the same UTC day, nearest in time;
    else (2) the customer's nearest event at or before the transcript; else it stays
    unmatched. Rows without customer_id or timestamp are unmatched.

    Returns:
        The customer rows of `scored` with event_channel, touchpoint, phase, team (those the
        events have), event_timestamp and match; in the order of `scored`.
    """
    rows = _customer_rows(scored).copy()
    rows["_pos"] = np.arange(len(rows))
    levels = [c for c in (CHANNEL, TOUCHPOINT, PHASE, TEAM) if c in events]
    if CUSTOMER_ID not in rows or TIMESTAMP not in rows or not len(events):
        for level in levels:
            rows[_LINKED_NAMES.get(level, level)] = pd.NA
        rows["event_timestamp"] = pd.NaT
        rows[MATCH] = UNMATCHED
        return rows.drop(columns="_pos")
    left = _transcript_keys(rows)
    ev = _event_keys(events, levels, left["_ts"].dtype)
    left = left.sort_values("_ts", kind="stable")
    preceding = pd.merge_asof(
        left, ev[["_cust", "_ets", *levels]], left_on="_ts", right_on="_ets", by="_cust",
        direction="backward",
    )  # fmt: skip
    nearest, same_day = _same_day_support(left, ev, levels)
    chosen, match = _choose_events(preceding, nearest, same_day, levels, rows["_pos"].to_numpy())
    for level in levels:
        rows[_LINKED_NAMES.get(level, level)] = chosen[level].to_numpy()
    rows["event_timestamp"] = chosen["_ets"].to_numpy()
    rows[MATCH] = match
    return rows.drop(columns="_pos")


def _transcript_keys(rows: pd.DataFrame) -> pd.DataFrame:
    """Position, customer, UTC time and lowercased channel of rows that have both keys."""
    ts = pd.to_datetime(rows[TIMESTAMP], utc=True)
    left = pd.DataFrame(
        {"_pos": rows["_pos"].to_numpy(), "_cust": rows[CUSTOMER_ID].astype("string").to_numpy(),
         "_ts": ts.to_numpy(), "_tchannel": rows.get(CHANNEL, pd.Series(pd.NA, index=rows.index))
         .astype("string").str.lower().to_numpy()}
    )  # fmt: skip
    left["_cust"] = left["_cust"].astype("string")
    left["_tchannel"] = left["_tchannel"].astype("string")
    return left[left["_cust"].notna() & left["_ts"].notna()]


def _event_keys(events: pd.DataFrame, levels: list[str], unit: np.dtype) -> pd.DataFrame:
    """Events with customer (_cust) and time (_ets, in the transcripts' unit), by time."""
    ev = events[[CUSTOMER_ID, TIMESTAMP, *levels]].copy()
    ev["_cust"] = ev[CUSTOMER_ID].astype("string")
    ev["_ets"] = pd.to_datetime(ev[TIMESTAMP], utc=True)
    ev = ev[ev["_cust"].notna() & ev["_ets"].notna()]
    ev["_ets"] = ev["_ets"].astype(unit)
    return ev.sort_values("_ets", kind="stable")


def _same_day_support(
    left: pd.DataFrame, ev: pd.DataFrame, levels: list[str]
) -> tuple[pd.DataFrame, pd.Series | np.ndarray]:
    """Each transcript's nearest support event, and whether it is on the same UTC day."""
    text_of = (
        ev.get(CHANNEL, pd.Series("", index=ev.index)).astype("string").str.lower().fillna("")
        + " "
        + ev.get(TOUCHPOINT, pd.Series("", index=ev.index)).astype("string").str.lower()
        .fillna("")
    )  # fmt: skip
    support = text_of.str.contains("|".join(re.escape(k) for k in SUPPORT_KEYWORDS), regex=True)
    support_ev = ev[support.to_numpy()]
    nearest = pd.merge_asof(
        left, support_ev[["_cust", "_ets", *levels]], left_on="_ts", right_on="_ets",
        by="_cust", direction="nearest",
    )  # fmt: skip
    same_day = nearest["_ets"].notna() & (
        nearest["_ets"].dt.floor("D") == nearest["_ts"].dt.floor("D")
    )
    # Events in the transcript's own channel on the same day count as support events too.
    own_left = left.dropna(subset=["_tchannel"])
    if CHANNEL in ev and len(own_left):
        return _own_channel_support(own_left, ev, levels, nearest, same_day)
    return nearest, same_day


def _own_channel_support(
    own_left: pd.DataFrame,
    ev: pd.DataFrame,
    levels: list[str],
    nearest: pd.DataFrame,
    same_day: pd.Series,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Take a same-day event in the transcript's own channel where no support event is."""
    joined_cols = [*levels, "_ets"]
    own = ev.assign(_ch=ev[CHANNEL].astype("string").str.lower())
    own_near = pd.merge_asof(
        own_left,
        own[["_cust", "_ch", "_ets", *levels]].rename(columns={"_ch": "_tchannel"}),
        left_on="_ts", right_on="_ets", by=["_cust", "_tchannel"], direction="nearest",
    )  # fmt: skip
    own_near = own_near.set_index("_pos")
    nearest = nearest.set_index("_pos")
    own_ok = own_near["_ets"].notna() & (
        own_near["_ets"].dt.floor("D") == own_near["_ts"].dt.floor("D")
    )
    use_own = own_ok.reindex(nearest.index, fill_value=False) & ~same_day.to_numpy()
    for column in joined_cols:
        nearest.loc[use_own, column] = own_near.loc[use_own[use_own].index, column]
    same_day = pd.Series(same_day.to_numpy(), index=nearest.index) | use_own
    return nearest.reset_index(), same_day.to_numpy()


def _choose_events(
    preceding: pd.DataFrame,
    nearest: pd.DataFrame,
    same_day: pd.Series | np.ndarray,
    levels: list[str],
    positions: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The same-day support event, else the preceding one, per position; and the match."""
    joined_cols = [*levels, "_ets"]
    chosen = preceding.set_index("_pos")[joined_cols].copy()
    near = nearest.set_index("_pos")[joined_cols]
    mask = pd.Series(np.asarray(same_day), index=nearest["_pos"].to_numpy())
    chosen.loc[mask[mask].index, joined_cols] = near.loc[mask[mask].index, joined_cols]
    match = pd.Series(UNMATCHED, index=positions, dtype=object)
    match[chosen.index[chosen["_ets"].notna().to_numpy()]] = PRECEDING
    match[mask[mask].index] = SAME_DAY_SUPPORT
    return chosen.reindex(positions), match.to_numpy()


def sentiment_by(linked: pd.DataFrame, level: str) -> pd.DataFrame:
    """Mean score, share negative and counts of customer sentiment per value of `level`.

    Returns:
        Columns <level>, mean_score, share_negative, n, n_negative; by n descending, then level.
        Rows whose level is missing are grouped as "(unmatched)".
    """
    column = "event_channel" if level == CHANNEL and "event_channel" in linked else level
    frame = _customer_rows(linked)
    if column not in frame:
        return pd.DataFrame(columns=[level, "mean_score", "share_negative", "n", "n_negative"])
    key = frame[column].astype("string").fillna("(unmatched)")
    stats = (
        frame.assign(_k=key.to_numpy(), _neg=(frame[SENTIMENT_LABEL] == NEGATIVE).to_numpy())
        .groupby("_k", sort=True)
        .agg(
            mean_score=(SENTIMENT_SCORE, "mean"),
            share_negative=("_neg", "mean"),
            n=("_neg", "size"),
            n_negative=("_neg", "sum"),
        )
        .rename_axis(level)
        .reset_index()
    )
    stats["n_negative"] = stats["n_negative"].astype("int64")
    return stats.sort_values(["n", level], ascending=[False, True], ignore_index=True)


def weekly_sentiment(scored: pd.DataFrame) -> pd.DataFrame:
    """Customer sentiment per week (weeks start on Monday, UTC).

    Returns:
        Columns week (Monday, tz-aware), mean_score, share_negative, n; by week.
    """
    columns = ["week", "mean_score", "share_negative", "n"]
    frame = _customer_rows(scored)
    if TIMESTAMP not in frame:
        return pd.DataFrame(columns=columns)
    ts = pd.to_datetime(frame[TIMESTAMP], utc=True)
    frame = frame.assign(_ts=ts.to_numpy()).dropna(subset=["_ts"])
    if frame.empty:
        return pd.DataFrame(columns=columns)
    days = frame["_ts"].dt.floor("D")
    week = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    out = (
        frame.assign(week=week, _neg=(frame[SENTIMENT_LABEL] == NEGATIVE))
        .groupby("week", sort=True)
        .agg(mean_score=(SENTIMENT_SCORE, "mean"), share_negative=("_neg", "mean"),
             n=("_neg", "size"))
        .reset_index()
    )  # fmt: skip
    return out[columns]


def node_sentiment(events: pd.DataFrame, scored: pd.DataFrame, level: str) -> pd.DataFrame:
    """Mean customer sentiment per journey node (for colouring Sankey/network nodes).

    Returns:
        Columns node, mean_score, n (scored transcripts linked to the node); by node.
    """
    linked = link_to_events(scored, events)
    stats = sentiment_by(linked[linked[MATCH] != UNMATCHED], level)
    out = stats.rename(columns={level: "node"})[["node", "mean_score", "n"]]
    # nodes named like generated ones carry the level, as in the flows they colour
    labels = data_labels(events[level].dropna().astype("str").unique(), level)
    out = out.assign(node=out["node"].astype("str").replace(labels))
    return out.sort_values("node", ignore_index=True)


def outcome_link(events: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """Do customers whose last contact was negative buy again less often?

    For each customer with a scored transcript, the label of their last scored contact
    (latest timestamp; ties: last row) and whether they converted after it.

    Returns:
        One row per label of the last contact (negative, neutral, positive, in that order):
        last_contact, customers, bought_again, rate (bought_again / customers; NaN for 0).
    """
    frame = _customer_rows(scored)
    labels = list(SENTIMENT_LABELS)
    empty = pd.DataFrame(
        {"last_contact": labels, "customers": 0, "bought_again": 0, "rate": np.nan}
    )
    if CUSTOMER_ID not in frame or TIMESTAMP not in frame or CONVERSION not in events:
        return empty
    frame = frame.assign(
        _ts=pd.to_datetime(frame[TIMESTAMP], utc=True).to_numpy(), _pos=np.arange(len(frame))
    ).dropna(subset=["_ts", CUSTOMER_ID])
    if frame.empty:
        return empty
    last = frame.sort_values([CUSTOMER_ID, "_ts", "_pos"], kind="stable").drop_duplicates(
        CUSTOMER_ID, keep="last"
    )
    conv = events.loc[events[CONVERSION].astype(bool), [CUSTOMER_ID, TIMESTAMP]]
    conv = conv.assign(_cts=pd.to_datetime(conv[TIMESTAMP], utc=True))
    latest = conv.groupby(CUSTOMER_ID)["_cts"].max()
    after = last[CUSTOMER_ID].map(latest)
    bought = (after.notna() & (after > last["_ts"])).to_numpy()
    table = pd.DataFrame({"last_contact": last[SENTIMENT_LABEL].to_numpy(), "bought": bought})
    stats = table.groupby("last_contact").agg(
        customers=("bought", "size"), bought_again=("bought", "sum")
    )
    stats = stats.reindex(labels, fill_value=0).rename_axis("last_contact").reset_index()
    stats["customers"] = stats["customers"].astype("int64")
    stats["bought_again"] = stats["bought_again"].astype("int64")
    stats["rate"] = (stats["bought_again"] / stats["customers"].replace(0, np.nan)).astype(float)
    return stats
