"""Rebuild the sentiment models in journey/sentiment/models/ from the shared labelled data.

    python bench/train_models.py            # reads ../shared/data/sentiment/id_smsa_train.csv

Indonesian: SmSA (Prosa.ai; Purwarianti and Crisdayanti 2019) as packaged in IndoNLU
(Wilie et al., AACL 2020), Apache-2.0. The script holds out a stratified 20% split
(random_state 0), chooses the regularisation C by 3-fold cross-validated log loss on the
other 80% (`choose_c`), reports the held-out accuracy, macro-F1, log loss, calibration error
and score quantiles of a model trained there, with the English lexicon scorer's quantiles on
the UCI review sentences and on the sample's English turns next to the model's on the
sample's Indonesian turns; then trains the shipped model on all rows with the chosen C and
writes journey/sentiment/models/id_smsa.json.gz (deterministic: same data, same bytes).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, classification_report, f1_score, log_loss
from sklearn.model_selection import train_test_split

from journey.schema import LANGUAGE, TEXT
from journey.sentiment import lexicon
from journey.sentiment.language import detect_languages
from journey.sentiment.model import MODELS_DIR, TranscriptSentiment, choose_c

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "sentiment"
DEFAULT_DATA = SHARED / "id_smsa_train.csv"
SAMPLE = ROOT / "data" / "sample" / "transcripts.csv"
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, classes: list[str]) -> float:
    """Return the top-class calibration error over 10 equal-width confidence bins."""
    confidence = probs.max(axis=1)
    correct = np.asarray(classes, dtype=object)[probs.argmax(axis=1)] == gold
    bins = np.minimum((confidence * 10).astype(int), 9)
    return float(
        sum(
            abs(confidence[bins == b].mean() - correct[bins == b].mean()) * np.mean(bins == b)
            for b in np.unique(bins)
        )
    )


def _quantile_row(name: str, scores: np.ndarray) -> str:
    cells = " | ".join(f"{v:+.2f}" for v in np.quantile(scores, QUANTILES))
    extreme = float(np.mean(np.abs(scores) >= 0.95))
    return f"| {name} | {len(scores):,} | {cells} | {extreme:.3f} |"


def print_quantiles(model: TranscriptSentiment, held_out: pd.DataFrame) -> None:
    """Print the score quantiles of the model and of the English lexicon scorer."""
    heads = " | ".join(f"q{q:g}" for q in QUANTILES)
    print(f"\n| scores | rows | {heads} | share |s|>=0.95 |")
    print("|---|---|" + "---|" * (len(QUANTILES) + 1))
    print(_quantile_row("model, SmSA held out (id)", model.sentiment_score(held_out["text"])))
    scorer = lexicon.CustomerServiceScorer()
    uci = SHARED / "en_reviews_uci.csv"
    if uci.exists():
        texts = pd.read_csv(uci)[TEXT].astype(str)
        print(_quantile_row("lexicon, UCI review sentences (en)", scorer.scores(texts)))
    if SAMPLE.exists():
        sample = pd.read_csv(SAMPLE)
        turns = sample[sample["speaker"] == "customer"].reset_index(drop=True)
        lang = detect_languages(turns[TEXT])[LANGUAGE].to_numpy()
        id_texts = turns.loc[lang == "id", TEXT].astype(str)
        en_texts = turns.loc[lang == "en", TEXT].astype(str)
        print(_quantile_row("model, sample customer turns (id)", model.sentiment_score(id_texts)))
        print(_quantile_row("lexicon, sample customer turns (en)", scorer.scores(en_texts)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=MODELS_DIR / "id_smsa.json.gz")
    args = parser.parse_args()
    data = pd.read_csv(args.data, dtype="string").dropna(subset=["text", "label"])
    train, test = train_test_split(data, test_size=0.2, stratify=data["label"], random_state=0)
    start = time.perf_counter()
    c, losses = choose_c(train["text"], train["label"], folds=3, random_state=0)
    print(f"C by 3-fold CV log loss ({time.perf_counter() - start:.0f} s): chose {c}")
    for value, loss in losses.items():
        print(f"  C={value:g}: log loss {loss:.4f}")
    held_out = TranscriptSentiment(C=c, random_state=0).fit(train["text"], train["label"])
    probs = held_out.predict_proba(test["text"])
    classes = [str(k) for k in held_out.classes_]
    predicted = np.asarray(classes, dtype=object)[probs.argmax(axis=1)]
    gold = test["label"].to_numpy(dtype=object)
    metrics = {
        "source": "SmSA train split via IndoNLU (Apache-2.0)",
        "C": c,
        "n_train": len(train),
        "n_held_out": len(test),
        "held_out_accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "held_out_macro_f1": round(float(f1_score(gold, predicted, average="macro")), 4),
        "held_out_log_loss": round(float(log_loss(gold, probs, labels=classes)), 4),
        "held_out_calibration_error": round(expected_calibration_error(probs, gold, classes), 4),
        "majority_accuracy": round(float(test["label"].value_counts(normalize=True).max()), 4),
    }
    print(classification_report(gold, predicted, digits=3))
    print(metrics)
    print_quantiles(held_out, test)
    shipped = TranscriptSentiment(C=c, random_state=0).fit(data["text"], data["label"])
    payload = shipped.to_bytes(languages=["id"], metrics=metrics)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(payload)
    print(f"\nwrote {args.out} ({len(payload) / 1e6:.2f} MB), trained on all {len(data)} rows")


if __name__ == "__main__":
    main()
