"""Rebuild the sentiment models in journey/sentiment/models/ from the shared labelled data.

    python bench/train_models.py            # reads ../shared/data/sentiment/id_smsa_train.csv

Indonesian: SmSA (Prosa.ai; Purwarianti and Crisdayanti 2019) as packaged in IndoNLU
(Wilie et al., AACL 2020), Apache-2.0. The script holds out a stratified 20% split
(random_state 0), reports the held-out accuracy and macro-F1 of a model trained on the other
80%, then trains the shipped model on all rows and writes
journey/sentiment/models/id_smsa.json.gz (deterministic: same data, same bytes).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from sklearn.metrics import accuracy_score, classification_report, f1_score
from sklearn.model_selection import train_test_split

from journey.sentiment.model import MODELS_DIR, TranscriptSentiment

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "sentiment" / "id_smsa_train.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=MODELS_DIR / "id_smsa.json.gz")
    args = parser.parse_args()
    data = pd.read_csv(args.data, dtype="string").dropna(subset=["text", "label"])
    train, test = train_test_split(data, test_size=0.2, stratify=data["label"], random_state=0)
    start = time.perf_counter()
    held_out = TranscriptSentiment(random_state=0).fit(train["text"], train["label"])
    fit_seconds = time.perf_counter() - start
    predicted = held_out.predict(test["text"])
    metrics = {
        "source": "SmSA train split via IndoNLU (Apache-2.0)",
        "n_train": len(train),
        "n_held_out": len(test),
        "held_out_accuracy": round(float(accuracy_score(test["label"], predicted)), 4),
        "held_out_macro_f1": round(float(f1_score(test["label"], predicted, average="macro")), 4),
        "majority_accuracy": round(float(test["label"].value_counts(normalize=True).max()), 4),
    }
    print(f"fit on {len(train)} rows in {fit_seconds:.1f} s")
    print(classification_report(test["label"], predicted, digits=3))
    print(metrics)
    shipped = TranscriptSentiment(random_state=0).fit(data["text"], data["label"])
    payload = shipped.to_bytes(languages=["id"], metrics=metrics)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(payload)
    print(f"wrote {args.out} ({len(payload) / 1e6:.2f} MB), trained on all {len(data)} rows")


if __name__ == "__main__":
    main()
