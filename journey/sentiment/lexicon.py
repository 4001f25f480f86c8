"""The English lexicon scorer: VADER made fit for customer-service text.

VADER (Hutto and Gilbert, ICWSM 2014) rates words; customer-service complaints say little
that VADER knows ("delayed 3 hours", "on hold", "charged twice") and much that it misreads
("United" is +1.8 in its lexicon, "please help" +3.0). This module:

- masks what is not a word of feeling: @mentions, URLs, e-mail addresses, order/ticket/phone
  numbers and brand names (a configurable list, seeded with airlines, telecoms and shops, plus
  the brands named by the data's own @handles, see `brands_from_mentions`);
- rewrites multi-word customer-service phrases into single tokens ("on hold" -> on_hold,
  "charged twice" -> charged_twice) before scoring, so VADER's negation and booster rules
  apply to them as to any word;
- extends the lexicon with customer-service words and emoji, and neutralises words that are
  politeness or brand names in this genre (please, help, like, support, care, united, ...);
  these word lists and phrase tables live in `journey.sentiment.lexicon_data`;
- reads context (`_context_check`): an information question's process words ("how do I
  dispute a charge") and thanks are not feelings; thanks in a complaint count half;
- runs VADER's own rules (negation, "no", boosters, ALL CAPS, "but", "least", punctuation)
  in a re-implementation that lowercases each text once, so it is faster than the original
  while giving the same compound score (a test checks this against vaderSentiment itself).

Scores are P(positive) - P(negative) in [-1, 1], comparable with the models' scores: the
VADER compound mapped through a calibration fitted on `bench/data/cs_dev.csv`
(`journey.sentiment.calibration`, strictly increasing). Labels use thresholds on the compound
chosen on that development set by maximising macro-F1 over a grid (`bench/sentiment.py
--tune` prints the grid), applied to scores as the same thresholds mapped through the
calibration; the held-out `bench/data/cs_eval.csv` is only used to report.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Final

import numpy as np
import pandas as pd
from vaderSentiment import vaderSentiment as _vader

from journey.sentiment.calibration import calibrate
from journey.sentiment.lexicon_data import (
    BRANDS,
    CS_LEXICON,
    CS_PHRASES,
    EMOJI_TOKENS,
    HANDLE_NOISE,
    NEUTRALISED,
    PHRASE_LITERALS,
    POLITENESS,
    QUESTION_OPENERS,
    QUESTION_TOPICS,
)

# Thresholds on the compound score: the best macro-F1 on bench/data/cs_dev.csv over a 0.05 grid
# (`python bench/sentiment.py --tune`; ties go to the pair closest to VADER's own -0.05/+0.05).
NEGATIVE_THRESHOLD: Final = -0.05
POSITIVE_THRESHOLD: Final = 0.10
# The same thresholds on the calibrated score (P(positive) - P(negative)).
SCORE_NEGATIVE_THRESHOLD: Final = float(calibrate(NEGATIVE_THRESHOLD))
SCORE_POSITIVE_THRESHOLD: Final = float(calibrate(POSITIVE_THRESHOLD))
# Plain VADER's documented thresholds, used for the yardstick.
VADER_NEGATIVE_THRESHOLD: Final = -0.05
VADER_POSITIVE_THRESHOLD: Final = 0.05

# What masking removes: URLs, e-mail addresses, @mentions, order/ticket/phone numbers.
_URL = r"(?:https?://|www\.)[^\s\x00]+"  # \x00 joins texts: never cross it
_EMAIL = r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"
_MENTION = r"(?<![\w@])@\w+"
_TICKET = (
    r"(?:#\s?\d[\w-]*)|\b(?:ticket|order|case|ref(?:erence)?|booking|confirmation|account|"
    r"flight|fl|invoice|claim|tracking)\s*(?:no\.?|number|num|#|:)?\s*[a-z]{0,3}-?\d[\w-]*"
    r"|\b[a-z]{0,3}-?\d{4,}[\w-]*\b|\b\d[\d ()+-]{6,}\d\b"
)
MASK_PATTERN: Final = re.compile("|".join([_URL, _EMAIL, _MENTION, _TICKET]), re.IGNORECASE)
_MASK_LOWER: Final = re.compile("|".join([_URL, _EMAIL, _MENTION, _TICKET]))
# "@" first, then the look-behind (same matches as (?<![\w@])@): the engine skips to each "@".
# Every match of _MASK_LOWER starts at one of these (see `_mask_spans`): "http"/"www." (URLs),
# "#" (ticket numbers), "@" (mentions, and e-mail addresses end their first part with it), a
# ticket keyword ("fl" covers "flight", "ref" covers "reference"), or at most 4 characters before
# a digit ("ab-1234", "#12", "555 123 4567").
_MASK_ANCHORS: Final = re.compile(
    r"http|www\.|[@#]|(\d)|ticket|order|case|ref|booking|confirmation|account|fl|invoice|claim"
    r"|tracking"
)
_HANDLE = re.compile(r"@(?<![\w@]@)(\w{2,})")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_APOSTROPHES: Final = ("\u2019", "\u2018", "\u02bc", "\u00b4")  # each read as "'"


def brands_from_mentions(texts: Iterable[str], min_share: float = 0.02) -> tuple[str, ...]:
    """Return brand names read from @handles that at least `min_share` of texts mention.

    "@AmericanAir" gives "american air" and "american"; "@united" gives "united".
    Sorted by how many texts mention the handle, then alphabetically.
    """
    series = pd.Series(list(texts), dtype="string").fillna("")
    if series.empty:
        return ()
    with_at = series[series.str.contains("@", regex=False).to_numpy(dtype=bool)]
    handles = with_at.str.findall(_HANDLE).explode().dropna()
    if handles.empty:
        return ()
    per_text = handles.groupby(level=0).unique().explode()
    counts = per_text.value_counts()
    keep = counts[counts >= max(1.0, min_share * len(series))]
    ranked = sorted(keep.items(), key=lambda item: (-item[1], str(item[0]).lower()))
    names: list[str] = []
    for handle, _count in ranked:
        parts = [p.lower() for p in _CAMEL.findall(str(handle))]
        words = [p for p in parts if p not in HANDLE_NOISE and not p.isdigit()]
        candidates = [str(handle).lower(), " ".join(words), *(words[:1])]
        names.extend(c for c in candidates if len(c) >= 3 and c not in names)
    return tuple(names)


def brand_pattern(brands: Sequence[str]) -> re.Pattern[str] | None:
    """Compile one case-insensitive whole-word pattern for brand names (longest first)."""
    names = sorted({b.strip().lower() for b in brands if b and b.strip()}, key=len, reverse=True)
    if not names:
        return None
    body = "|".join(re.escape(n).replace(r"\ ", r"[\s-]+") for n in names)
    return re.compile(rf"(?<![\w@#])(?:{body})(?:'s)?(?![\w])", re.IGNORECASE)


_JOIN: Final = "\x00"  # texts are joined by NUL so that each regex runs once over all of them
_HASHTAG: Final = re.compile(r"#(?=[A-Za-z])")


def _join(texts: pd.Series) -> str:
    return _JOIN.join(texts.astype("string").fillna("").str.replace(_JOIN, " ", regex=False))


def _split(joined: str | list[str], index: pd.Index) -> pd.Series:
    parts = joined.split(_JOIN) if isinstance(joined, str) else joined
    if len(parts) != len(index):
        msg = f"a pattern crossed the text separator: {len(parts)} parts for {len(index)} texts"
        raise RuntimeError(msg)
    return pd.Series(parts, index=index, dtype="string")


def _mask_spans(lower: str) -> list[tuple[int, int]]:
    """Return the spans `_MASK_LOWER.finditer(lower)` finds, trying only where one may start.

    The regex tried at every position costs most of the masking; matched only at candidate
    starts (a superset of the real ones, in order, skipping those inside an earlier match) it
    finds the same leftmost, non-overlapping matches.
    """
    starts: set[int] = set()
    for anchor in _MASK_ANCHORS.finditer(lower):
        at = anchor.start()
        if anchor.group(1) is not None:  # a digit
            starts.update(range(max(at - 4, 0), at + 1))
            continue
        starts.add(at)
        if lower[at] == "@":  # an e-mail address starts in the word before its "@"
            first = at
            while first > 0 and not lower[first - 1].isspace() and lower[first - 1] != _JOIN:
                first -= 1
            starts.update(range(first, at))
    spans, end = [], 0
    for start in sorted(starts):
        if start < end:
            continue
        match = _MASK_LOWER.match(lower, start)
        if match is not None:
            spans.append(match.span())
            end = match.end()
    return spans


@cache
def _brand_pattern(brands: tuple[str, ...]) -> re.Pattern[str] | None:
    return brand_pattern(brands)


def _mask_joined(joined: str, brands: tuple[str, ...]) -> str:
    for apostrophe in _APOSTROPHES:  # str.replace is many times faster than str.translate
        if apostrophe in joined:
            joined = joined.replace(apostrophe, "'")
    lower = joined.lower()
    brand = _brand_pattern(brands)
    if len(lower) != len(joined):  # a rare character changes length when lowercased
        joined = MASK_PATTERN.sub(" ", joined)
        joined = brand.sub(" ", joined) if brand is not None else joined
        return _HASHTAG.sub("", joined)
    # Matching the lowercased text without re.IGNORECASE is several times faster; the spans
    # found there are blanked in the original text (same length, so the same positions).
    brand_spans = (
        (lambda text: [m.span() for m in _lower_pattern(brand.pattern).finditer(text)])
        if brand is not None
        else None
    )
    for find in (_mask_spans, brand_spans):
        if find is None:
            continue
        pieces, last = [], 0
        for start, end in find(lower):
            pieces.append(joined[last:start])
            pieces.append(" " * (end - start))
            last = end
        if pieces:
            pieces.append(joined[last:])
            joined = "".join(pieces)
            lower = joined.lower()
    return _HASHTAG.sub("", joined)


@cache
def _lower_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("(?i)", ""))


def mask_texts(texts: pd.Series, brands: Sequence[str] = BRANDS) -> pd.Series:
    """Remove URLs, e-mails, @mentions, order/ticket/phone numbers and brand names.

    Hashtags keep their word ("#fail" -> "fail"); curly apostrophes become straight ones so
    "didn\u2019t" negates like "didn't". Each pattern runs once over all texts; returns a new
    series with single spaces.
    """
    masked = _split(_mask_joined(_join(texts), tuple(brands)), texts.index)
    return masked.str.replace(r"\s+", " ", regex=True).str.strip()


def strip_masked(texts: pd.Series) -> pd.Series:
    """Replace each URL, e-mail, @mention and order/ticket/phone number by one space.

    Same result as `texts.str.replace(MASK_PATTERN, " ", regex=True)` (missing values become
    ""), but one pass of the lowercase pattern over all texts joined; same index.
    """
    raw = texts.astype("string").fillna("")
    if raw.empty:
        return raw
    joined = _JOIN.join(raw.tolist())
    lower = joined.lower()
    if (
        joined.count(_JOIN) != max(len(raw) - 1, 0)  # a text holds the separator itself
        or len(lower) != len(joined)  # a rare character changes length when lowercased
        or "\u0131" in lower  # dotless i and long s match i and s only under re.IGNORECASE
        or "\u017f" in lower
    ):
        return raw.str.replace(MASK_PATTERN, " ", regex=True)
    pieces, last = [], 0
    for start, end in _mask_spans(lower):
        pieces.append(joined[last:start])
        pieces.append(" ")
        last = end
    pieces.append(joined[last:])
    return _split("".join(pieces), raw.index)


# Phrases are searched in the lowercased text without re.IGNORECASE and without their leading
# \\b (checked by hand instead): Python's regex engine then scans for each phrase's literal
# start quickly, several times faster than a case-insensitive or combined pattern.
_PHRASES_LOWER: Final = tuple(
    (re.compile(pattern.removeprefix(r"\b")), token) for pattern, token in CS_PHRASES
)
_PHRASES_ANYCASE: Final = tuple((re.compile(p, re.IGNORECASE), t) for p, t in CS_PHRASES)
_EMOJI_RE: Final = re.compile("|".join(re.escape(k) for k in EMOJI_TOKENS))
# "N hours" (the first long_wait phrase): "h" is in nearly every text, so its gate is a regex
# every match contains: the number's last character ("\\d", a, an, one, two, ... few), spaces,
# then the unit before a word boundary.
_HOURS_GATE: Final = re.compile(r"[\dnaeoxrlyw]\s*(?:\+\s*)?h(?:ours?|rs?)?\b")
_PHRASE_STEPS: Final = tuple(
    (pattern, token, literals, _HOURS_GATE if literals == ("h",) else None)
    for (pattern, token), literals in zip(_PHRASES_LOWER, PHRASE_LITERALS, strict=True)
)


def _rewrite_one(text: str) -> str:
    # One text whose lowercase has its length: each phrase in order, where its literal occurs.
    lower = text.lower()
    for pattern, token, literals, gate in _PHRASE_STEPS:
        for literal in literals:
            if literal in lower:
                break
        else:
            continue
        if gate is not None and gate.search(lower) is None:
            continue
        pieces, last = [], 0
        for match in pattern.finditer(lower):
            start = match.start()
            if start > 0 and (lower[start - 1].isalnum() or lower[start - 1] == "_"):
                continue  # not at a word boundary
            pieces.append(text[last:start])
            pieces.append(token)
            last = match.end()
        if pieces:
            pieces.append(text[last:])
            text = "".join(pieces)
            lower = text.lower()
    return text


def _rewrite_joined(joined: str) -> list[str]:
    # Returns the rewritten texts (split at the separator).
    if not joined.isascii():
        joined = _EMOJI_RE.sub(lambda m: EMOJI_TOKENS[m.group(0)], joined)
    if len(joined.lower()) != len(joined):  # a rare character changes length when lowercased
        for pattern, token in _PHRASES_ANYCASE:
            joined = pattern.sub(token, joined)
        return joined.split(_JOIN)
    return [_rewrite_one(text) for text in joined.split(_JOIN)]


@dataclass(frozen=True)
class VaderRules:
    """A VADER lexicon with its rule tables; `plain()` is vaderSentiment's own."""

    lexicon: dict[str, float]
    boosters: dict[str, float] = field(default_factory=lambda: dict(_vader.BOOSTER_DICT))
    emojis: dict[str, str] = field(default_factory=dict)
    politeness: frozenset[str] = frozenset()  # see `_context_check`; empty in plain VADER
    question_topics: frozenset[str] = frozenset()

    @classmethod
    def plain(cls) -> VaderRules:
        """Return the rules of vaderSentiment 3.3.2 unchanged."""
        analyzer = _analyzer()
        return cls(lexicon=dict(analyzer.lexicon), emojis=dict(analyzer.emojis))

    @classmethod
    def customer_service(cls) -> VaderRules:
        """Return VADER's rules with the customer-service lexicon extension."""
        base = cls.plain()
        lexicon = {w: v for w, v in base.lexicon.items() if w not in NEUTRALISED}
        lexicon.update(CS_LEXICON)
        boosters = dict(base.boosters)
        boosters.update({"literally": _vader.B_INCR, "super": _vader.B_INCR})
        return cls(lexicon=lexicon, boosters=boosters, emojis=base.emojis,
                   politeness=POLITENESS, question_topics=QUESTION_TOPICS)  # fmt: skip

    @cached_property
    def idiom_words(self) -> frozenset[str]:
        """Return the words of VADER's special-case idioms and of multi-word boosters."""
        phrases = [*_vader.SPECIAL_CASES, *(b for b in self.boosters if " " in b)]
        return frozenset(word for phrase in phrases for word in phrase.split())


_ANALYZER: list[_vader.SentimentIntensityAnalyzer] = []


def _analyzer() -> _vader.SentimentIntensityAnalyzer:
    # Reading VADER's lexicon files takes ~50 ms: do it once per process.
    if not _ANALYZER:
        _ANALYZER.append(_vader.SentimentIntensityAnalyzer())
    return _ANALYZER[0]


def _replace_emoji(text: str, emojis: dict[str, str]) -> str:
    # VADER's own emoji handling, character by character, kept for identical results.
    out: list[str] = []
    prev_space = True
    for char in text:
        if char in emojis:
            if not prev_space:
                out.append(" ")
            out.append(emojis[char])
            prev_space = False
        else:
            out.append(char)
            prev_space = char == " "
    return "".join(out).strip()


def _strip_punct(token: str) -> str:
    stripped = token.strip(_PUNCTUATION)
    return token if len(stripped) <= 2 else stripped


_PUNCTUATION: Final = string.punctuation
_NEGATE: Final = frozenset(_vader.NEGATE)


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def vader_compound(text: str, rules: VaderRules) -> float:
    """Return VADER's compound score of one text under `rules` (same result as VADER's own).

    The algorithm is vaderSentiment 3.3.2's `polarity_scores` with each text lowercased once
    (VADER lowercases the whole text again for every word it checks for negation).
    """
    if rules.emojis and not text.isascii():
        text = _replace_emoji(text, rules.emojis)
    else:
        text = text.strip()
    words = [w if len(s := w.strip(_PUNCTUATION)) <= 2 else s for w in text.split()]
    if not words:
        return 0.0
    # Words hold no whitespace, so for ASCII text one lower() of the joined words gives the
    # same list as lowering each word (outside ASCII, case mappings may depend on context).
    lower = " ".join(words).lower().split() if text.isascii() else [w.lower() for w in words]
    lexicon, boosters, idioms = rules.lexicon, rules.boosters, rules.idiom_words
    n_upper = sum(map(str.isupper, words))
    cap_diff = 0 < len(words) - n_upper < len(words)
    sentiments: list[float] = []
    n = len(words)
    for i, item in enumerate(lower):
        if item in boosters or (item == "kind" and i < n - 1 and lower[i + 1] == "of"):
            sentiments.append(0.0)
            continue
        if item not in lexicon:
            sentiments.append(0.0)
            continue
        sentiments.append(_word_valence(words, lower, i, cap_diff, lexicon, boosters, idioms))
    sentiments = _but_check(lower, sentiments)
    if rules.politeness:
        sentiments = _context_check(lower, sentiments, rules)
    total = float(sum(sentiments))
    emphasis = _punctuation_emphasis(text)
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    return round(_vader.normalize(total), 4)


def _word_valence(
    words: list[str],
    lower: list[str],
    i: int,
    cap_diff: bool,
    lexicon: dict[str, float],
    boosters: dict[str, float],
    idioms: frozenset[str],
) -> float:
    item = lower[i]
    n = len(words)
    valence = lexicon[item]
    if item == "no" and i != n - 1 and lower[i + 1] in lexicon:
        valence = 0.0
    if (
        (i > 0 and lower[i - 1] == "no")
        or (i > 1 and lower[i - 2] == "no")
        or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
    ):
        valence = lexicon[item] * _vader.N_SCALAR
    if words[i].isupper() and cap_diff:
        valence = valence + _vader.C_INCR if valence > 0 else valence - _vader.C_INCR
    for start in range(3):
        if i > start and lower[i - (start + 1)] not in lexicon:
            prev = words[i - (start + 1)]
            scalar = _booster(prev, lower[i - (start + 1)], valence, cap_diff, boosters)
            if start == 1 and scalar != 0:
                scalar *= 0.95
            if start == 2 and scalar != 0:
                scalar *= 0.9
            valence += scalar
            valence = _negation_check(valence, lower, start, i)
            # An idiom or multi-word booster can only match when one of its words is near.
            if start == 2 and any(w in idioms for w in lower[i - 3 : i + 3]):
                valence = _idioms_check(valence, lower, i, boosters)
    return _least_check(valence, lower, i, lexicon)


def _booster(word: str, lower: str, valence: float, cap_diff: bool, boosters: dict) -> float:
    scalar = 0.0
    if lower in boosters:
        scalar = boosters[lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and cap_diff:
            scalar = scalar + _vader.C_INCR if valence > 0 else scalar - _vader.C_INCR
    return scalar


def _negation_check(valence: float, lower: list[str], start: int, i: int) -> float:
    if start == 0:
        if _negated(lower[i - 1]):
            valence *= _vader.N_SCALAR
    elif start == 1:
        if lower[i - 2] == "never" and lower[i - 1] in ("so", "this"):
            valence *= 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence *= _vader.N_SCALAR
    else:
        if (lower[i - 3] == "never" and lower[i - 2] in ("so", "this")) or lower[i - 1] in (
            "so",
            "this",
        ):
            valence *= 1.25
        elif lower[i - 3] == "without" and "doubt" in (lower[i - 2], lower[i - 1]):
            pass
        elif _negated(lower[i - 3]):
            valence *= _vader.N_SCALAR
    return valence


def _idioms_check(valence: float, lower: list[str], i: int, boosters: dict) -> float:
    # VADER indexes i-3 even when i == 2 (wrapping to the last word); kept for equality.
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _vader.SPECIAL_CASES:
            valence = _vader.SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in _vader.SPECIAL_CASES:
            valence = _vader.SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in _vader.SPECIAL_CASES:
            valence = _vader.SPECIAL_CASES[zeroonetwo]
    for gram in (threetwoone, threetwo, twoone):
        if gram in boosters:
            valence += boosters[gram]
    return valence


def _least_check(valence: float, lower: list[str], i: int, lexicon: dict[str, float]) -> float:
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] not in ("at", "very"):
            valence *= _vader.N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence *= _vader.N_SCALAR
    return valence


def _but_check(lower: list[str], sentiments: list[float]) -> list[float]:
    # VADER's loop looks each value up by `index`, so equal values earlier in the list are the
    # ones rescaled; reproduced as is so that scores equal vaderSentiment's.
    if "but" not in lower:
        return sentiments
    bi = lower.index("but")
    for sentiment in list(sentiments):
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments[si] = sentiment * 0.5
        elif si > bi:
            sentiments[si] = sentiment * 1.5
    return sentiments


def _context_check(lower: list[str], sentiments: list[float], rules: VaderRules) -> list[float]:
    # Customer-service rules (not VADER's): in an information question ("how do I dispute a
    # charge", "can I get a refund?") process words are its topic and thanks are politeness;
    # in a text whose other words complain on balance, thanks and "appreciate" count half.
    polite = rules.politeness
    question = lower[0] in QUESTION_OPENERS
    if not question and polite.isdisjoint(lower):
        return sentiments
    pairs = list(zip(lower, sentiments, strict=True))
    if question:
        return [0.0 if w in polite or w in rules.question_topics else v for w, v in pairs]
    if sum(v for w, v in pairs if w not in polite) < 0:
        return [0.5 * v if w in polite and v > 0 else v for w, v in pairs]
    return sentiments


def _punctuation_emphasis(text: str) -> float:
    ep = min(text.count("!"), 4) * 0.292
    qm_count = text.count("?")
    qm = 0.0
    if qm_count > 1:
        qm = qm_count * 0.18 if qm_count <= 3 else 0.96
    return ep + qm


def score_plain_vader(texts: Sequence[str]) -> np.ndarray:
    """Return plain VADER compound scores (the yardstick), one per text; repeats scored once."""
    codes, uniques = pd.factorize(pd.Series(list(texts), dtype="string").fillna(""))
    rules = VaderRules.plain()
    scores = np.array([vader_compound(str(t), rules) for t in uniques], dtype="float64")
    return scores[codes] if len(codes) else np.zeros(0)


@dataclass(frozen=True)
class CustomerServiceScorer:
    """The default English scorer: masking, phrase tokens and VADER with the CS lexicon."""

    brands: tuple[str, ...] = BRANDS
    negative_threshold: float = NEGATIVE_THRESHOLD
    positive_threshold: float = POSITIVE_THRESHOLD

    def prepare(self, texts: pd.Series) -> pd.Series:
        """Return the texts as the scorer reads them: masked, phrases rewritten."""
        joined = _mask_joined(_join(texts), tuple(self.brands))
        return _split(_rewrite_joined(joined), texts.index)

    def scores(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Return P(positive) - P(negative) in [-1, 1] per text (the calibrated compound)."""
        return calibrate(self.compounds(texts))

    def compounds(self, texts: Sequence[str] | pd.Series) -> np.ndarray:
        """Return VADER compound scores in [-1, 1], one per text; repeats are scored once."""
        series = pd.Series(list(texts), dtype="string").fillna("")
        codes, uniques = pd.factorize(series)
        if not len(uniques):
            return np.zeros(len(series))
        prepared = self.prepare(pd.Series(uniques, dtype="string"))
        rules = _cs_rules()
        values = np.array([vader_compound(str(t), rules) for t in prepared], dtype="float64")
        return values[codes]

    def labels(self, scores: np.ndarray) -> np.ndarray:
        """Label `scores()` output with this scorer's compound thresholds, calibrated."""
        negative, positive = calibrate([self.negative_threshold, self.positive_threshold])
        return label_scores(scores, float(negative), float(positive))

    def negative_terms(self, text: str) -> list[str]:
        """Return the words and phrases of `text` that the lexicon rates negative."""
        prepared = self.prepare(pd.Series([text], dtype="string")).iloc[0]
        rules = _cs_rules()
        found = []
        for token in str(prepared).split():
            word = _strip_punct(token).lower()
            if rules.lexicon.get(word, 0.0) < 0 and word not in found:
                found.append(word)
        return found


_CS_RULES: list[VaderRules] = []


def _cs_rules() -> VaderRules:
    if not _CS_RULES:
        _CS_RULES.append(VaderRules.customer_service())
    return _CS_RULES[0]


def label_scores(scores: np.ndarray, negative: float, positive: float) -> np.ndarray:
    """Label scores: <= negative is negative, >= positive is positive, else neutral."""
    values = np.asarray(scores, dtype="float64")
    return np.where(
        values >= positive, "positive", np.where(values <= negative, "negative", "neutral")
    ).astype(object)
