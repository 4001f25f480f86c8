"""Score transcripts by language and speaker; summarise them per conversation.

DESIGN.md, "Sentiment": only English texts go to the English lexicon scorer
(`journey.sentiment.lexicon`). Other languages go to a model for their language (one the user
trained, or one shipped in `journey/sentiment/models/`), or are left `unscored` with the
reason given in `unscored_reason`. `sentiment_score` is in [-1, 1] and missing exactly when
the label is `unscored`. Rows with empty text are kept and `unscored`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from journey.schema import (
    CHANNEL,
    CONVERSATION_ID,
    CUSTOMER_ID,
    LANGUAGE,
    ROW,
    SENTIMENT_LABEL,
    SENTIMENT_SCORE,
    SPEAKER,
    TEXT,
    TIMESTAMP,
    UNDETERMINED_LANGUAGE,
    UNSCORED,
    ProgressFn,
)
from journey.sentiment import lexicon, lexicon_data
from journey.sentiment.hashed import HashedSentiment, shipped_models
from journey.sentiment.language import detect_languages
from journey.sentiment.turns import (
    AGENT_ROLE,
    CUSTOMER,
    NEGATIVE,
    POSITIVE,
    ROLE,
    split_turns,
    strip_turn_prefixes,
)

SCORER: Final = "scorer"
UNSCORED_REASON: Final = "unscored_reason"
CONVERSATION: Final = "conversation"
LEXICON_SCORER: Final = "lexicon"


@dataclass(frozen=True)
class ScoredTranscripts:
    """Scored transcripts at three grains: input rows, turns and conversations."""

    rows: pd.DataFrame
    turns: pd.DataFrame
    conversations: pd.DataFrame

    def unscored_reasons(self) -> pd.DataFrame:
        """Count unscored rows by reason (columns reason, rows), most frequent first."""
        reasons = self.rows.loc[self.rows[SENTIMENT_LABEL] == UNSCORED, UNSCORED_REASON]
        counts = reasons.value_counts().rename_axis("reason").reset_index(name="rows")
        return counts.sort_values(["rows", "reason"], ascending=[False, True], ignore_index=True)


def _conversation_keys(transcripts: pd.DataFrame, turns_per_row: pd.Series) -> pd.Series:
    """Key each row's conversation: conversation_id, else customer+day for speaker rows."""
    n = len(transcripts)
    own = pd.Series([f"row {i + 1}" for i in range(n)], dtype="string")
    key = own
    if SPEAKER in transcripts and CUSTOMER_ID in transcripts:
        customer = pd.Series(transcripts[CUSTOMER_ID].to_numpy(), dtype="string")
        day = (
            pd.to_datetime(transcripts[TIMESTAMP], utc=True)
            .reset_index(drop=True)
            .dt.strftime("%Y-%m-%d")
            .astype("string")
            if TIMESTAMP in transcripts
            else pd.Series("", index=range(n), dtype="string")
        )
        speaker_rows = pd.Series(transcripts[SPEAKER].to_numpy(), dtype="string").notna()
        combined = ("customer " + customer + " " + day.fillna("")).str.strip()
        key = key.where(~(speaker_rows & customer.notna()).to_numpy(), combined)
    if CONVERSATION_ID in transcripts:
        conv = pd.Series(transcripts[CONVERSATION_ID].to_numpy(), dtype="string")
        key = key.where(conv.isna().to_numpy(), conv)
    return key.astype("string")


def score_transcripts(
    transcripts: pd.DataFrame,
    *,
    model: HashedSentiment | None = None,
    shipped: bool = True,
    brands: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
) -> ScoredTranscripts:
    """Score transcripts per DESIGN.md's sentiment semantics.

    Args:
        transcripts: Rows with `text` (and optionally speaker, conversation_id, agent,
            customer_id, timestamp, channel, label). A `label` column is never read here.
        model: A trained model; it scores every text in one of its `languages_` (and texts of
            undetermined language), before the lexicon and the shipped models.
        shipped: Use the models shipped in journey/sentiment/models/ for their languages.
        brands: Brand names masked before lexicon scoring; default: `lexicon_data.BRANDS` plus
            brands named by the data's @handles.
        progress: Called with a fraction and a message while scoring.

    Returns:
        `ScoredTranscripts`: rows (the input rows in order + conversation, role,
        sentiment_score, sentiment_label, language, scorer, unscored_reason), turns (one row
        per turn with the same score columns) and conversations (see
        `summarise_conversations`).
    """
    report = progress or (lambda _f, _m: None)
    report(0.0, "splitting turns")
    turns = split_turns(transcripts)
    keys = _conversation_keys(transcripts, turns.groupby("position").size())
    turns[CONVERSATION] = keys.iloc[turns["position"].to_numpy()].to_numpy()
    if brands is None:
        brands = lexicon_data.BRANDS + lexicon.brands_from_mentions(turns[TEXT])
    scorers = _Scorers(model, shipped, tuple(brands))
    report(0.05, "identifying languages")
    row_lang = _row_languages(transcripts, keys)
    turns[LANGUAGE] = row_lang[LANGUAGE].to_numpy()[turns["position"].to_numpy()]
    report(0.2, "scoring")
    scores = _score_texts(turns[TEXT], turns[LANGUAGE], scorers, report)
    for column, values in zip(_SCORE_COLUMNS, scores, strict=True):
        turns[column] = values
    report(0.85, "combining turns")
    rows = _row_scores(transcripts, turns, row_lang, keys, scorers)
    conversations = summarise_conversations(rows, turns)
    report(1.0, f"scored {len(transcripts)} transcripts")
    return ScoredTranscripts(rows=rows, turns=turns, conversations=conversations)


_SCORE_COLUMNS: Final = (SENTIMENT_SCORE, SENTIMENT_LABEL, SCORER, UNSCORED_REASON)


@dataclass(frozen=True)
class _Scorers:
    """What scores a text: a trained model, the shipped models, the lexicon's brand list."""

    model: HashedSentiment | None
    shipped: bool
    brands: tuple[str, ...]


def _row_languages(transcripts: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """Each row's language, read from its whole text (all turns), so short turns inherit it."""
    row_text = pd.Series(transcripts[TEXT].astype("string").fillna("").to_numpy(), dtype="string")
    # Only texts with a colon can hold a turn prefix: the regex runs over those alone.
    colon = row_text.str.contains(":", regex=False).to_numpy(dtype=bool)
    if colon.any():
        row_text.loc[colon] = strip_turn_prefixes(row_text[colon])
    return detect_languages(row_text, groups=keys)


def _score_texts(
    texts: pd.Series, languages: pd.Series, scorers: _Scorers, report: ProgressFn
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Score texts by language; return score, label, scorer and unscored reason arrays."""
    n = len(texts)
    text = texts.astype("string").fillna("")
    lang = languages.astype("string").fillna(UNDETERMINED_LANGUAGE).to_numpy(dtype=object)
    scores = np.full(n, np.nan)
    labels = np.full(n, UNSCORED, dtype=object)
    scorer = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    empty = (text.str.strip() == "").to_numpy(dtype=bool)
    pending = ~empty
    reason[empty] = "empty text"
    if scorers.model is not None:
        model_langs = set(getattr(scorers.model, "languages_", ())) | {UNDETERMINED_LANGUAGE}
        use = pending & np.isin(lang, list(model_langs))
        if use.any():
            _apply_model(scorers.model, "trained model", text, use, scores, labels, scorer)
            pending &= ~use
    english = pending & (lang == "en")
    if english.any():
        _apply_lexicon(text, english, scorers.brands, scores, labels, report)
        scorer[english] = LEXICON_SCORER
        pending &= ~english
    if scorers.shipped and pending.any():
        for language, shipped_model in shipped_models().items():
            use = pending & (lang == language)
            if use.any():
                name = f"shipped model ({language})"
                _apply_model(shipped_model, name, text, use, scores, labels, scorer)
                pending &= ~use
    _explain_unscored(lang, pending, reason)
    return scores, labels, scorer, reason


def _apply_lexicon(
    text: pd.Series,
    use: np.ndarray,
    brands: tuple[str, ...],
    scores: np.ndarray,
    labels: np.ndarray,
    report: ProgressFn,
) -> None:
    """Score the rows selected by `use` with the English lexicon scorer, in chunks.

    Each distinct text is scored once (a text's score depends on nothing else), so repeated
    greetings and bot lines cost one scoring; chunks keep the progress moving.
    """
    cs = lexicon.CustomerServiceScorer(brands=brands)
    idx = np.flatnonzero(use)
    inverse, uniques = pd.factorize(text.iloc[idx].to_numpy(dtype=object))
    values = np.empty(len(uniques), dtype=np.float64)
    step = 5000
    for start in range(0, len(uniques), step):
        values[start : start + step] = cs.scores(pd.Series(uniques[start : start + step]))
        report(0.2 + 0.6 * min(1.0, (start + step) / len(uniques)), "scoring English texts")
    scores[idx] = values[inverse]
    labels[idx] = cs.labels(values)[inverse]


def _explain_unscored(lang: np.ndarray, pending: np.ndarray, reason: np.ndarray) -> None:
    """Write why each still pending text was not scored: its language."""
    undetermined = pending & (lang == UNDETERMINED_LANGUAGE)
    reason[undetermined] = "language undetermined (text too short)"
    other = pending & ~undetermined
    reason[other] = [f"no model for language '{code}'" for code in lang[other]]


def _apply_model(
    model: HashedSentiment,
    name: str,
    text: pd.Series,
    use: np.ndarray,
    scores: np.ndarray,
    labels: np.ndarray,
    scorer: np.ndarray,
) -> None:
    """Score the rows selected by `use` with `model`, writing into the output arrays."""
    idx = np.flatnonzero(use)
    inverse, uniques = pd.factorize(text.iloc[idx].to_numpy(dtype=object))  # repeats: once
    probs = model.predict_proba(list(uniques))
    classes = list(model.classes_)
    pos = probs[:, classes.index(POSITIVE)] if POSITIVE in classes else 0.0
    neg = probs[:, classes.index(NEGATIVE)] if NEGATIVE in classes else 0.0
    scores[idx] = np.clip(pos - neg, -1.0, 1.0)[inverse]
    labels[idx] = np.asarray(classes, dtype=object)[probs.argmax(axis=1)][inverse]
    scorer[idx] = name


def _row_scores(
    transcripts: pd.DataFrame,
    turns: pd.DataFrame,
    row_lang: pd.DataFrame,
    keys: pd.Series,
    scorers: _Scorers,
) -> pd.DataFrame:
    """One score per input row: its own turn, or its customer turns read as one text."""
    n = len(transcripts)
    per_row = turns.groupby("position", sort=True).size().reindex(range(n), fill_value=0)
    multi = per_row.to_numpy() > 1
    rows = transcripts.reset_index(drop=True).copy()
    rows[CONVERSATION] = keys.to_numpy()
    first_turn = turns.drop_duplicates("position").set_index("position").reindex(range(n))
    role = first_turn["role"].astype("string").fillna(CUSTOMER).to_numpy(dtype=object).copy()
    score = first_turn[SENTIMENT_SCORE].to_numpy(dtype=np.float64).copy()
    label = first_turn[SENTIMENT_LABEL].astype(object).fillna(UNSCORED).to_numpy(dtype=object)
    scorer = first_turn[SCORER].astype(object).fillna("").to_numpy(dtype=object)
    reason = first_turn[UNSCORED_REASON].astype(object).fillna("empty text")
    label, scorer, reason = label.copy(), scorer.copy(), reason.to_numpy(dtype=object).copy()
    if multi.any():
        positions, (s, lab, sc, rs) = _score_conversation_rows(turns, row_lang, multi, scorers)
        score[positions], label[positions], scorer[positions], reason[positions] = s, lab, sc, rs
        role[positions] = CUSTOMER
    rows[ROLE] = pd.Series(role, dtype="string")
    rows[SENTIMENT_SCORE] = score
    rows[SENTIMENT_LABEL] = pd.Series(label, dtype="string")
    rows[LANGUAGE] = row_lang[LANGUAGE].to_numpy()
    rows[SCORER] = pd.Series(scorer, dtype="string")
    rows[UNSCORED_REASON] = pd.Series(reason, dtype="string")
    return rows


def _score_conversation_rows(
    turns: pd.DataFrame, row_lang: pd.DataFrame, multi: np.ndarray, scorers: _Scorers
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Score each row of several turns; return its positions and the `_score_texts` arrays.

    A row holding a conversation is scored on its customer's turns, read as one text; a
    conversation with no customer turn is scored on all of its turns.
    """
    many = turns[turns["position"].isin(np.flatnonzero(multi))]
    has_customer = many.groupby("position")["role"].agg(lambda r: (r == CUSTOMER).any())
    chosen = many[(many["role"] == CUSTOMER) | ~many["position"].map(has_customer).astype(bool)]
    joined = chosen.groupby("position", sort=True)[TEXT].agg(lambda t: "\n".join(t))
    positions = joined.index.to_numpy()
    languages = pd.Series(row_lang[LANGUAGE].to_numpy()[positions])
    scored = _score_texts(joined.reset_index(drop=True), languages, scorers, lambda _f, _m: None)
    return positions, scored


def summarise_conversations(rows: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Per conversation: customer and agent sentiment and the first->last customer change.

    Returns:
        Columns conversation, customer_id, channel, timestamp (first), n_customer_turns,
        n_agent_turns, customer_score (mean of scored customer turns), agent_score,
        first_customer_score, last_customer_score, change (last - first; missing with fewer
        than two scored customer turns), customer_label (customer_score banded by the lexicon
        thresholds); in order of each conversation's first row.
    """
    t = turns.assign(
        _order=turns["position"] * 10_000 + turns["turn"],
    )
    if TIMESTAMP in rows and len(turns):
        # .array keeps the UTC datetimes native (to_numpy() would box every one)
        t["_ts"] = pd.to_datetime(rows[TIMESTAMP], utc=True).array.take(turns["position"])
    order = t.sort_values("_order", kind="stable")[CONVERSATION].drop_duplicates()
    out = pd.DataFrame(index=pd.Index(order.to_numpy(), name=CONVERSATION))
    counts = t.pivot_table(index=CONVERSATION, columns="role", values="turn", aggfunc="size")
    counts = counts.fillna(0).astype("int64")
    for role, column in ((CUSTOMER, "n_customer_turns"), (AGENT_ROLE, "n_agent_turns")):
        out[column] = counts.get(role, pd.Series(dtype="int64")).reindex(out.index, fill_value=0)
    out = _add_turn_scores(out, t)
    info_cols = [c for c in (CUSTOMER_ID, CHANNEL, TIMESTAMP) if c in rows]
    if info_cols:
        first = _first_row_info(rows, info_cols)
        for column in info_cols:
            out[column] = first[column].reindex(out.index)
    out = out.reset_index()
    front = [CONVERSATION, *info_cols]
    return out[front + [c for c in out.columns if c not in front]]


def _add_turn_scores(out: pd.DataFrame, t: pd.DataFrame) -> pd.DataFrame:
    """Add the customer and agent means, first/last customer score, change and label."""
    scored = t[t[SENTIMENT_SCORE].notna()]
    sort_keys = ["_ts", "_order"] if "_ts" in t else ["_order"]
    customer = scored[scored["role"] == CUSTOMER].sort_values(sort_keys, kind="stable")
    agent = scored[scored["role"] == AGENT_ROLE]
    by_conv = customer.groupby(CONVERSATION)[SENTIMENT_SCORE]
    out["customer_score"] = by_conv.mean()
    out["agent_score"] = agent.groupby(CONVERSATION)[SENTIMENT_SCORE].mean()
    out["first_customer_score"] = by_conv.first()
    out["last_customer_score"] = by_conv.last()
    n_scored = by_conv.size().reindex(out.index, fill_value=0)
    out["change"] = (out["last_customer_score"] - out["first_customer_score"]).where(n_scored >= 2)
    out["customer_label"] = np.where(
        out["customer_score"].isna(),
        UNSCORED,
        lexicon.label_scores(
            out["customer_score"].fillna(0.0).to_numpy(),
            lexicon.SCORE_NEGATIVE_THRESHOLD,
            lexicon.SCORE_POSITIVE_THRESHOLD,
        ),
    )
    return out


def _first_row_info(rows: pd.DataFrame, info_cols: list[str]) -> pd.DataFrame:
    """The `info_cols` of each conversation's earliest row, indexed by conversation."""
    info = rows[[CONVERSATION, *info_cols]]
    if TIMESTAMP in info:
        info = info.assign(**{TIMESTAMP: pd.to_datetime(info[TIMESTAMP], utc=True)})
        info = info.sort_values(TIMESTAMP, kind="stable", na_position="last")
    return info.drop_duplicates(CONVERSATION).set_index(CONVERSATION)


def subset(scored: ScoredTranscripts, rows: pd.Series) -> ScoredTranscripts:
    """Keep the scored rows whose source `row` number is in `rows` (e.g. the filtered scope).

    Scores stay as they were (each text was scored once for the whole dataset); turns follow
    their rows and the conversations are summarised again over what is left.
    """
    if ROW not in scored.rows:
        return scored
    keep = scored.rows[ROW].isin(pd.Series(rows).dropna().astype("int64")).to_numpy()
    positions = np.flatnonzero(keep)
    kept_rows = scored.rows[keep].reset_index(drop=True)
    turns = scored.turns[scored.turns["position"].isin(positions)].copy()
    turns["position"] = np.searchsorted(positions, turns["position"].to_numpy())
    turns = turns.reset_index(drop=True)
    return ScoredTranscripts(
        rows=kept_rows, turns=turns, conversations=summarise_conversations(kept_rows, turns)
    )


def summary_figures(scored: ScoredTranscripts) -> dict[str, float | int]:
    """Headline numbers: rows, scored/unscored, customer and agent means, start->end change."""
    rows = scored.rows
    conv = scored.conversations
    customer = rows[(rows[ROLE] == CUSTOMER) & rows[SENTIMENT_SCORE].notna()]
    changes = conv["change"].dropna()
    return {
        "rows": len(rows),
        "scored": int(rows[SENTIMENT_SCORE].notna().sum()),
        "unscored": int(rows[SENTIMENT_SCORE].isna().sum()),
        "conversations": len(conv),
        "customer_mean": float(conv["customer_score"].mean()) if len(conv) else math.nan,
        "agent_mean": float(conv["agent_score"].mean()) if len(conv) else math.nan,
        "share_negative": float((customer[SENTIMENT_LABEL] == NEGATIVE).mean())
        if len(customer)
        else math.nan,
        "mean_change": float(changes.mean()) if len(changes) else math.nan,
        "share_improved": float((changes > 0).mean()) if len(changes) else math.nan,
        "n_changes": len(changes),
    }
