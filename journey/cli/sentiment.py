"""`sentiment TRANSCRIPTS [--train LABELLED] --out F`: every row scored, labelled, its language."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from journey import schema
from journey.cli.common import StderrProgress, add_input_options, load_input, parse_map, write_csv
from journey.errors import JourneyError
from journey.io import load
from journey.sentiment.hashed import HashedSentiment
from journey.sentiment.lexicon_data import BRANDS
from journey.sentiment.score import score_transcripts
from journey.sentiment.turns import labelled_columns


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add sentiment's arguments."""
    parser.add_argument("transcripts", help="transcripts file: text, optionally speaker etc.")
    parser.add_argument(
        "--train",
        metavar="LABELLED",
        help="train a model on a file with text and label columns; it scores every row of "
        "its languages (a label column in TRANSCRIPTS is never used to score its own rows)",
    )
    parser.add_argument("--model", metavar="FILE", help="score with a model saved by --save-model")
    parser.add_argument("--save-model", metavar="FILE", help="write the --train model here")
    parser.add_argument(
        "--brand", action="append", default=[], help="a brand name to mask (repeatable)"
    )
    parser.add_argument(
        "--no-shipped", action="store_true", help="don't use the shipped (Indonesian) model"
    )
    parser.add_argument(
        "--out",
        required=True,
        help="CSV: the input rows + sentiment_score, sentiment_label, language",
    )
    add_input_options(parser)


def _read_labelled(path: str) -> tuple[pd.Series, pd.Series]:
    raw, mapping = load.read_mapped(Path(path), "transcripts")
    return labelled_columns(raw.frame, mapping, raw.file)


def _sentiment_input(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (rows to write, the same rows in canonical columns for scoring)."""
    raw, mapping = load.read_mapped(
        Path(args.transcripts), "transcripts", parse_map(args.map), sheet=args.sheet
    )
    if schema.CUSTOMER_ID in mapping:
        result, _mapping = load_input(args.transcripts, "transcripts", args)
        accepted = result.accepted
        return accepted, accepted
    # A file of texts without customers (e.g. labelled posts) is still scored, row by row.
    labelled_columns(raw.frame, mapping, raw.file, need_label=False)
    print(
        f"{raw.file}: {len(raw.frame)} rows read; no customer_id column, so every row is "
        "scored as a text of its own",
        file=sys.stderr,
    )
    canonical = raw.frame.rename(columns={v: k for k, v in mapping.items()})
    canonical = canonical[[c for c in mapping if c in canonical]]
    if len(raw.rejects):
        # rows the reader could not take whole (ragged, broken bytes) are kept, not scored
        bad_rows = raw.rejects[schema.ROW].drop_duplicates()
        first = raw.rejects.iloc[0]
        message = (
            f"{raw.file}: {len(bad_rows)} rows could not be read whole and are left unscored; "
            f"first: row {first[schema.ROW]}: {first['reason']}"
        )
        if args.strict:
            raise JourneyError(message + " (--strict)")
        print(message, file=sys.stderr)
        positions = bad_rows.to_numpy(dtype="int64") - 1
        text = canonical[schema.TEXT].astype("string").copy()
        text.iloc[positions] = ""
        canonical = canonical.assign(**{schema.TEXT: text})
    return raw.frame, canonical


def run(args: argparse.Namespace) -> int:
    """Score every transcript row and write the rows with score, label and language."""
    model = None
    if args.train:
        texts, labels = _read_labelled(args.train)
        from journey.sentiment.model import train_model  # scikit-learn: only to train

        model = train_model(texts, labels, progress=StderrProgress("training"))
        metrics = model.metrics_
        print(
            f"trained on {model.n_train_} labelled texts (languages: "
            f"{', '.join(model.languages_) or 'und'}); cross-validated accuracy "
            f"{metrics['model_accuracy']:.3f}, macro-F1 {metrics['model_macro_f1']:.3f}",
            file=sys.stderr,
        )
        if args.save_model:
            target = Path(args.save_model)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(model.to_bytes())
    elif args.model:
        model = HashedSentiment.from_bytes(Path(args.model).read_bytes())
    rows, canonical = _sentiment_input(args)
    brands = (*BRANDS, *args.brand) if args.brand else None
    scored = score_transcripts(
        canonical.drop(columns=[schema.LABEL], errors="ignore"),
        model=model,
        shipped=not args.no_shipped,
        brands=brands,
        progress=StderrProgress("scoring"),
    )
    out = rows.reset_index(drop=True).assign(
        **{
            schema.SENTIMENT_SCORE: scored.rows[schema.SENTIMENT_SCORE].round(4).to_numpy(),
            schema.SENTIMENT_LABEL: scored.rows[schema.SENTIMENT_LABEL].to_numpy(),
            schema.LANGUAGE: scored.rows[schema.LANGUAGE].to_numpy(),
        }
    )
    write_csv(out, args.out)
    reasons = scored.unscored_reasons()
    n_scored = int((out[schema.SENTIMENT_LABEL] != schema.UNSCORED).sum())
    print(f"scored {n_scored} of {len(out)} rows", file=sys.stderr)
    for reason in reasons.itertuples(index=False):
        print(f"unscored: {reason.rows} rows, {reason.reason}", file=sys.stderr)
    return 0
