"""Sentiment benchmarks: accuracy against plain VADER, threshold tuning, and throughput.

    python bench/sentiment.py --evaluate     # accuracy / macro-F1 tables
    python bench/sentiment.py --tune         # the threshold grid on bench/data/cs_dev.csv
    python bench/sentiment.py --calibrate    # refit the lexicon's calibration on cs_dev
    python bench/sentiment.py                # throughput + peak memory at 1e3, 1e4, 1e5

Throughput runs each scorer on the same ~60-word English transcripts (sentences of the
shared UCI review set and the hand-written customer-service sets, drawn with a fixed seed,
every text distinct so no cache helps), each measurement in a fresh process so that its
peak memory (ru_maxrss growth while scoring) is its own. Below 1e5 texts each scorer runs 3
times in its process and the fastest run counts (a 0.3 s run is at the mercy of whatever else
the machine is doing); at 1e5 and above, one run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.class_weight import compute_sample_weight
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from journey.schema import LANGUAGE, SENTIMENT_LABEL, TEXT
from journey.sentiment import calibration, lexicon
from journey.sentiment.language import detect_languages
from journey.sentiment.model import compare_scorers, shipped_models
from journey.sentiment.score import score_transcripts

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
SHARED = ROOT.parent / "shared" / "data" / "sentiment"
SAMPLE = ROOT / "data" / "sample" / "transcripts.csv"
SCORERS = ("plain VADER", "default scorer", "lexicon only", "language id only", "trained model")


def _metrics(gold: pd.Series, predicted: pd.Series) -> tuple[float, float, int]:
    gold = gold.reset_index(drop=True).astype(str)
    predicted = predicted.reset_index(drop=True).astype(str)
    present = sorted(set(gold))
    return (
        float(accuracy_score(gold, predicted)),
        float(f1_score(gold, predicted, average="macro", labels=present, zero_division=0)),
        len(gold),
    )


def _plain_vader_labels(texts: pd.Series) -> pd.Series:
    scores = lexicon.score_plain_vader(texts.astype(str).tolist())
    labels = lexicon.label_scores(
        scores, lexicon.VADER_NEGATIVE_THRESHOLD, lexicon.VADER_POSITIVE_THRESHOLD
    )
    return pd.Series(labels)


def _default_labels(texts: pd.Series) -> pd.Series:
    scored = score_transcripts(pd.DataFrame({TEXT: texts.to_numpy()}), shipped=False)
    return scored.rows[SENTIMENT_LABEL]


def _evaluation_sets() -> list[tuple[str, pd.DataFrame]]:
    sets = [
        ("cs_eval (hand-written, held out)", pd.read_csv(DATA / "cs_eval.csv")),
        ("cs_dev (hand-written, tuning set)", pd.read_csv(DATA / "cs_dev.csv")),
    ]
    uci = SHARED / "en_reviews_uci.csv"
    if uci.exists():
        sets.append(("UCI review sentences (binary)", pd.read_csv(uci)))
    if SAMPLE.exists():
        sample = pd.read_csv(SAMPLE)
        labelled = sample[sample["label"].notna()].reset_index(drop=True)
        langs = detect_languages(labelled[TEXT])[LANGUAGE]
        sets.append(("sample labels, English turns", labelled[(langs == "en").to_numpy()].copy()))
    return sets


def evaluate() -> None:
    print(
        "| data | rows | plain VADER acc | plain VADER macro-F1 | default acc | default macro-F1 |"
    )
    print("|---|---|---|---|---|---|")
    for name, frame in _evaluation_sets():
        texts = frame[TEXT].astype(str).reset_index(drop=True)
        gold = frame["label"].reset_index(drop=True)
        v_acc, v_f1, n = _metrics(gold, _plain_vader_labels(texts))
        d_acc, d_f1, _ = _metrics(gold, _default_labels(texts))
        print(f"| {name} | {n} | {v_acc:.3f} | {v_f1:.3f} | {d_acc:.3f} | {d_f1:.3f} |")
        if "domain" in frame:
            for domain, part in frame.groupby("domain", sort=True):
                t = part[TEXT].astype(str).reset_index(drop=True)
                g = part["label"].reset_index(drop=True)
                va, vf, k = _metrics(g, _plain_vader_labels(t))
                da, df_, _ = _metrics(g, _default_labels(t))
                print(f"| &nbsp; {domain} | {k} | {va:.3f} | {vf:.3f} | {da:.3f} | {df_:.3f} |")
    if SAMPLE.exists():
        sample = pd.read_csv(SAMPLE)
        labelled = sample[sample["label"].notna()]
        start = time.perf_counter()
        metrics = compare_scorers(labelled[TEXT], labelled["label"], folds=5)
        seconds = time.perf_counter() - start
        print("\nTrained model on the sample's labelled customer turns, 5-fold CV (all languages):")
        print(json.dumps({k: round(v, 4) for k, v in metrics.items()}, indent=1))
        print(f"({seconds:.0f} s)")
    shipped = shipped_models()
    for language, model in shipped.items():
        print(f"\nShipped model ({language}): {json.dumps(model.metrics_)}")


def tune() -> None:
    dev = pd.read_csv(DATA / "cs_dev.csv")
    scored = score_transcripts(pd.DataFrame({TEXT: dev[TEXT]}), shipped=False)
    scores = scored.rows["sentiment_score"].to_numpy()
    gold = dev["label"].astype(str)
    grid = []
    for neg in np.round(np.arange(-0.5, 0.11, 0.05), 2):
        for pos in np.round(np.arange(0.0, 0.61, 0.05), 2):
            if pos <= neg:
                continue
            # thresholds on the compound, mapped to the calibrated scores the pipeline returns
            low, high = calibration.calibrate([neg, pos])
            labels = pd.Series(lexicon.label_scores(scores, float(low), float(high)))
            acc, f1, _ = _metrics(gold, labels)
            grid.append((f1, acc, neg, pos))
    grid.sort(key=lambda g: (-g[0], -g[1], abs(g[2]), g[3]))
    print("best (macro-F1, accuracy, negative <=, positive >=) on cs_dev:")
    for f1, acc, neg, pos in grid[:10]:
        print(f"  {f1:.3f} {acc:.3f} {neg:+.2f} {pos:+.2f}")
    current = pd.Series(scored.rows[SENTIMENT_LABEL])
    acc, f1, _ = _metrics(gold, current)
    print(
        f"current thresholds {lexicon.NEGATIVE_THRESHOLD:+.2f} / "
        f"{lexicon.POSITIVE_THRESHOLD:+.2f}: macro-F1 {f1:.3f}, accuracy {acc:.3f}"
    )


def calibrate() -> None:
    """Refit the lexicon's calibration on cs_dev, print its constants and what it changes."""
    dev = pd.read_csv(DATA / "cs_dev.csv")
    scored = score_transcripts(pd.DataFrame({TEXT: dev[TEXT]}), shipped=False)
    scores = scored.rows["sentiment_score"].to_numpy()
    keep = ~np.isnan(scores)  # only English texts reach the lexicon
    x = calibration.compounds_of(scores[keep]).reshape(-1, 1)
    y = dev["label"].astype(str).to_numpy()[keep]
    weights = compute_sample_weight("balanced", y)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    losses = {}
    for c in (0.1, 1.0, 10.0, 100.0, 1000.0):
        fit = LogisticRegression(C=c, class_weight="balanced", max_iter=1000)
        probs = cross_val_predict(fit, x, y, cv=folds, method="predict_proba")
        losses[c] = log_loss(y, probs, sample_weight=weights, labels=sorted(set(y)))
        print(f"  C={c:g}: balanced 5-fold CV log loss {losses[c]:.4f}")
    best = min(losses, key=lambda c: (losses[c], c))
    model = LogisticRegression(C=best, class_weight="balanced", max_iter=1000).fit(x, y)
    order = [list(model.classes_).index(k) for k in calibration.CLASSES]
    slopes = tuple(round(float(model.coef_[i, 0]), 4) for i in order)
    intercepts = tuple(round(float(model.intercept_[i]), 4) for i in order)
    print(f"\nfitted on {len(y)} rows of cs_dev.csv, C={best:g} (paste into calibration.py):")
    print(f"SLOPES: Final = {slopes}\nINTERCEPTS: Final = {intercepts}")
    print(f"stored: SLOPES {calibration.SLOPES}, INTERCEPTS {calibration.INTERCEPTS}")
    held = pd.read_csv(DATA / "cs_eval.csv")  # only to report how the stored fit holds out
    held_scores = score_transcripts(pd.DataFrame({TEXT: held[TEXT]}), shipped=False).rows
    kept = held_scores["sentiment_score"].notna().to_numpy()
    compounds = calibration.compounds_of(held_scores["sentiment_score"].to_numpy()[kept])
    probs = calibration.class_probabilities(compounds)
    gold = held["label"].astype(str).to_numpy()[kept]
    top = probs.max(axis=1)
    hit = np.asarray(calibration.CLASSES)[probs.argmax(axis=1)] == gold
    print(f"cs_eval (held out, {len(gold)} rows): log loss "
          f"{log_loss(gold, probs, labels=list(calibration.CLASSES)):.4f}, mean top-class "
          f"probability {top.mean():.3f} vs its accuracy {hit.mean():.3f}")  # fmt: skip
    _compare_on_sample()


def _compare_on_sample() -> None:
    """Print English vs Indonesian score quantiles and the language mix of the most negative."""
    rows = score_transcripts(pd.read_csv(SAMPLE)).rows
    rows = rows[(rows["role"] == "customer") & rows["sentiment_score"].notna()]
    english = (rows[LANGUAGE] == "en").to_numpy()
    after = rows["sentiment_score"].to_numpy()
    before = np.where(english, calibration.compounds_of(after), after)
    quantiles = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
    print("\n| sample customer rows | language | rows | " + " | ".join(f"q{q:g}" for q in quantiles)
          + " | min |\n|---|---|---|" + "---|" * (len(quantiles) + 1))  # fmt: skip
    for name, values in (("compound (before)", before), ("calibrated (after)", after)):
        for language in ("en", "id"):
            part = values[(rows[LANGUAGE] == language).to_numpy()]
            cells = " | ".join(f"{v:+.3f}" for v in np.quantile(part, quantiles))
            print(f"| {name} | {language} | {len(part):,} | {cells} | {part.min():+.3f} |")
    for name, values in (("compound (before)", before), ("calibrated (after)", after)):
        ranked = rows[LANGUAGE].to_numpy()[np.argsort(values, kind="stable")]
        mix = {n: pd.Series(ranked[:n]).value_counts().to_dict() for n in (10, 50)}
        print(f"most negative 10 / 50, {name}: {mix[10]} / {mix[50]}")


def make_texts(n: int, seed: int = 0) -> list[str]:
    """Return n distinct ~60-word English texts built from the evaluation sentences."""
    pools = [pd.read_csv(DATA / "cs_eval.csv")[TEXT], pd.read_csv(DATA / "cs_dev.csv")[TEXT]]
    uci = SHARED / "en_reviews_uci.csv"
    if uci.exists():
        pools.append(pd.read_csv(uci)[TEXT])
    sentences = pd.concat(pools).astype(str).str.replace("\n", " ").tolist()
    rng = np.random.default_rng(seed)
    texts = []
    for i in range(n):
        words: list[str] = []
        while len(words) < 60:
            words += sentences[int(rng.integers(len(sentences)))].split()
        texts.append(" ".join(words[:60]) + f" ({i})")
    return texts


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(scorer: str, n: int) -> dict[str, float]:
    texts = make_texts(n)
    frame = pd.DataFrame({TEXT: texts})
    model = next(iter(shipped_models().values()))
    # warm-up outside the timing: load the lexicons and the language model once
    lexicon.score_plain_vader(texts[:5])
    detect_languages(frame[TEXT].head(5))
    model.predict_proba(texts[:5])
    analyzer = SentimentIntensityAnalyzer()
    before = _rss_mb()
    runs = []
    for _ in range(3 if n < 100_000 else 1):
        start = time.perf_counter()
        if scorer == "plain VADER":
            for text in texts:
                analyzer.polarity_scores(text)
        elif scorer == "default scorer":
            score_transcripts(frame)
        elif scorer == "lexicon only":
            lexicon.CustomerServiceScorer().scores(texts)
        elif scorer == "language id only":
            detect_languages(frame[TEXT])
        elif scorer == "trained model":
            model.predict_proba(texts)
        runs.append(time.perf_counter() - start)
    seconds = min(runs)
    return {"seconds": seconds, "per_second": n / seconds, "peak_mb": _rss_mb() - before}


def speed(sizes: list[int]) -> None:
    print("| transcripts | scorer | seconds | transcripts/s | x plain VADER | peak MB |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        base = None
        for scorer in SCORERS:
            out = subprocess.run(  # noqa: S603 - our own script, fixed arguments
                [sys.executable, __file__, "--one", scorer, str(n)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            base = base or result["per_second"]
            print(
                f"| {n:,} | {scorer} | {result['seconds']:.2f} | {result['per_second']:,.0f} | "
                f"{result['per_second'] / base:.2f} | {result['peak_mb']:.0f} |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluate", action="store_true")
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--sizes", nargs="*", type=float, default=[1e3, 1e4, 1e5])
    parser.add_argument("--one", nargs=2, metavar=("SCORER", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]))))
    elif args.evaluate:
        evaluate()
    elif args.tune:
        tune()
    elif args.calibrate:
        calibrate()
    else:
        speed([int(s) for s in args.sizes])


if __name__ == "__main__":
    main()
