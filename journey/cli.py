"""`python -m journey <command>`: every analysis without the UI.

Commands register themselves with `@command(...)`; each takes parsed arguments and returns
an exit code. A `JourneyError` prints `error: <message>` on stderr and exits 2; anything else
is a bug and exits 1 with its traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from journey import schema
from journey.attribution import models as attribution
from journey.errors import JourneyError, SettingsError
from journey.io import load
from journey.present import content, deck, html, images
from journey.query import flows, funnels, phases, scope
from journey.schema import ConversionRule, DatasetSettings, ValidationResult
from journey.sentiment.lexicon_data import BRANDS
from journey.sentiment.model import TranscriptSentiment, train_model
from journey.sentiment.score import score_transcripts
from journey.sentiment.turns import labelled_columns


@dataclass(frozen=True)
class Command:
    """A registered sub-command: its argument builder and its handler."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def command(
    name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None]
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register a sub-command handler under `name`."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = Command(name, help, add_arguments, run)
        return run

    return register


class StderrProgress:
    """A text progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self._last = -1

    def __call__(self, fraction: float, message: str = "") -> None:
        """Redraw the bar at `fraction` (0..1) with a short message."""
        if not self.enabled:
            return
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent == self._last and fraction < 1:
            return
        self._last = percent
        bar = "#" * (percent // 4)
        end = "\n" if fraction >= 1 else ""
        sys.stderr.write(f"\r{self.label} [{bar:<25}] {percent:3d}% {message[:40]:<40}{end}")
        sys.stderr.flush()


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Add the options every input-reading command shares: --map, --tz, --strict, --sheet."""
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="SOURCE=CANONICAL",
        help="map a source column to a canonical one (repeatable), e.g. --map klient=customer_id",
    )
    parser.add_argument("--tz", default="UTC", help="time zone of naive timestamps (default UTC)")
    parser.add_argument("--strict", action="store_true", help="any rejected row is an error")
    parser.add_argument(
        "--sheet", metavar="NAME", help="the Excel sheet to read (default: the first sheet)"
    )


def parse_map(items: list[str]) -> dict[str, str]:
    """Turn `--map source=canonical` options into a canonical -> source mapping."""
    mapping: dict[str, str] = {}
    for item in items:
        source, sep, canonical = item.partition("=")
        if not sep or not source.strip() or not canonical.strip():
            raise SettingsError(f"--map {item!r}: expected SOURCE=CANONICAL")
        mapping[canonical.strip()] = source.strip()
    return mapping


def load_input(path: str, kind: str, args: argparse.Namespace) -> ValidationResult:
    """Read and validate one input file, print the validation summary on stderr."""
    settings = DatasetSettings(timezone=args.tz)
    result, _mapping = load.load_file(
        Path(path),
        kind=kind,
        overrides=parse_map(args.map),
        settings=settings,
        progress=StderrProgress(f"reading {Path(path).name}"),
        sheet=args.sheet,
    )
    print(result.summary(), file=sys.stderr)
    note = conversion_note(result, settings)
    if note:
        print(note, file=sys.stderr)
    if args.strict and result.rows_rejected:
        raise strict_error(path, result)
    return result


def conversion_note(result: ValidationResult, settings: DatasetSettings) -> str:
    """Say what marks conversions when it is not a conversion column or event type."""
    types = ", ".join(settings.conversion_events)
    if result.conversion_rule is ConversionRule.REVENUE:
        return (
            f"{result.file}: no conversion column and no event of type {types}, so rows with "
            "revenue > 0 count as conversions"
        )
    if result.conversion_rule is ConversionRule.NONE:
        return (
            f"{result.file}: no conversions: no conversion column, no event of type {types} "
            "and no revenue column"
        )
    return ""


def strict_error(path: str, result: ValidationResult) -> JourneyError:
    """The --strict error: how many rows were rejected, and the first reject."""
    first = result.rejects.iloc[0]
    column = f", column '{first['column']}'" if first["column"] else ""
    return JourneyError(
        f"{path}: {result.rows_rejected} rejected rows (--strict); first: row {first['row']}"
        f"{column}: {first['reason']}"
    )


def load_events(args: argparse.Namespace, path: str | None = None) -> pd.DataFrame:
    """Return the accepted events of `args.events` (or `path`)."""
    return load_input(path or args.events, "events", args).accepted


def write_csv(frame: pd.DataFrame, out: str | Path) -> None:
    """Write a result as UTF-8 CSV with a header and no index, creating parent folders."""
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser from the registered commands."""
    parser = argparse.ArgumentParser(prog="python -m journey", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for spec in COMMANDS.values():
        child = sub.add_parser(spec.name, help=spec.help, description=spec.help)
        spec.add_arguments(child)
        child.set_defaults(_run=spec.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input, 1 a bug)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    try:
        return int(args._run(args))
    except JourneyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


# -- validate --------------------------------------------------------------------------


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="events or transcripts file")
    parser.add_argument("--kind", choices=["events", "transcripts"], default="events")
    parser.add_argument("--report", help="write a JSON report with every reject here")
    add_input_options(parser)


@command("validate", "check a file against the data contract", _validate_arguments)
def _validate(args: argparse.Namespace) -> int:
    # --strict is checked after the report is written: the report says what to fix.
    result = load_input(args.file, args.kind, argparse.Namespace(**{**vars(args), "strict": False}))
    print(result.summary())
    if args.report:
        rejects = [
            {"row": int(r.row), "column": str(r.column), "reason": str(r.reason)}
            for r in result.rejects.itertuples(index=False)
        ]
        report = {
            "file": args.file,
            "rows_read": result.rows_read,
            "rows_accepted": result.rows_accepted,
            "rows_rejected": result.rows_rejected,
            "duplicates": result.duplicates,
            "rejects": rejects,
        }
        target = Path(args.report)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.strict and result.rows_rejected:
        raise strict_error(args.file, result)
    return 0


# Commands of later modules are appended below this line, one section each.


# -- phases, flows, funnel (journey maps) ---------------------------------------------------


def _add_onboarding_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--onboarding-days",
        type=int,
        default=schema.DEFAULT_ONBOARDING_DAYS,
        help="days after the first conversion that count as onboarding (default 30)",
    )


def _phases_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("events", help="events file")
    parser.add_argument("--out", required=True, help="CSV file: the accepted events + phase")
    _add_onboarding_option(parser)
    add_input_options(parser)


def _phase_settings(args: argparse.Namespace) -> DatasetSettings:
    return DatasetSettings(timezone=args.tz, onboarding_days=args.onboarding_days)


@command("phases", "assign every event a journey phase", _phases_arguments)
def _phases(args: argparse.Namespace) -> int:
    events = phases.assign_phases(load_events(args), _phase_settings(args))
    write_csv(events.drop(columns=schema.PHASE_EXPLICIT), args.out)
    return 0


def _flows_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("events", help="events file")
    parser.add_argument("--by", choices=list(schema.LEVELS), default=schema.CHANNEL)
    parser.add_argument("--steps", type=int, default=5, help="positions shown (default 5)")
    parser.add_argument("--top-k", type=int, default=0, help="fold all but K nodes into Other")
    parser.add_argument("--keep-repeats", action="store_true", help="keep A A B (else A B)")
    parser.add_argument("--end-nodes", action="store_true", help="add Start and end nodes")
    parser.add_argument("--out", required=True, help="folder for transitions.csv and steps.csv")
    _add_onboarding_option(parser)
    add_input_options(parser)


def _out_dir(out: str) -> Path:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise SettingsError(f"--out {out}: exists and is not a folder")
    return folder


@command("flows", "transitions and step flows at one level", _flows_arguments)
def _flows(args: argparse.Namespace) -> int:
    folder = _out_dir(args.out)
    if args.steps < 2:
        raise SettingsError(f"--steps {args.steps}: step flows need at least 2 steps")
    events = load_events(args)
    if args.by == schema.PHASE:
        events = phases.assign_phases(events, _phase_settings(args))
    transitions = flows.count_transitions(
        events, args.by, args.keep_repeats, args.end_nodes, args.top_k
    )
    steps, fold = flows.step_flows_with_fold(
        events, args.by, args.steps, args.keep_repeats, args.top_k
    )
    write_csv(transitions, folder / "transitions.csv")
    write_csv(steps, folder / "steps.csv")
    if fold.n_folded:
        print(
            f"folded {fold.n_folded} {args.by} nodes ({fold.folded_volume} events) into "
            f"'{schema.OTHER}', kept {len(fold.kept)}",
            file=sys.stderr,
        )
    return 0


def _funnel_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("events", help="events file")
    parser.add_argument("--stages", required=True, help="comma-separated stages, in order")
    parser.add_argument(
        "--by",
        choices=[schema.TOUCHPOINT, schema.CHANNEL, schema.EVENT_TYPE],
        default=schema.TOUCHPOINT,
    )
    parser.add_argument("--out", required=True, help="CSV file, one row per stage")
    add_input_options(parser)


@command("funnel", "customers reaching each stage of an ordered funnel", _funnel_arguments)
def _funnel(args: argparse.Namespace) -> int:
    stages = [stage.strip() for stage in args.stages.split(",")]
    if not all(stages):
        raise SettingsError(f"--stages {args.stages!r}: a stage name is empty")
    result = funnels.funnel(load_events(args), stages, args.by)
    columns = ["stage", "customers", "conversion_rate", "step_conversion_rate"]
    write_csv(result[columns], args.out)
    return 0


# -- attribution -------------------------------------------------------------------------


def _comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _attribution_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("events", help="events file")
    parser.add_argument(
        "--models",
        default=",".join(attribution.MODELS),
        help=f"comma-separated models, any of {','.join(attribution.MODELS)} (default: all)",
    )
    parser.add_argument(
        "--window-days",
        type=float,
        default=attribution.DEFAULT_SETTINGS.window_days,
        help="lookback before each conversion in days; 0 = unlimited (default 30)",
    )
    parser.add_argument("--by", choices=list(schema.ATTRIBUTION_LEVELS), default=schema.CHANNEL)
    parser.add_argument(
        "--half-life-days",
        type=float,
        default=attribution.DEFAULT_SETTINGS.half_life_days,
        help="time decay half-life in days (default 7)",
    )
    parser.add_argument(
        "--position-weights",
        default="0.4,0.2,0.4",
        help="position-based first,middle,last weights adding up to 1 (default 0.4,0.2,0.4)",
    )
    parser.add_argument("--markov-order", type=int, choices=[1, 2, 3], default=1)
    parser.add_argument("--exclude-channels", default="", help="comma-separated channels")
    parser.add_argument("--exclude-event-types", default="", help="comma-separated event types")
    parser.add_argument("--out", required=True, help="CSV: channel,model,conversions,revenue,share")
    add_input_options(parser)


@command("attribution", "credit conversions and revenue to channels", _attribution_arguments)
def _attribution(args: argparse.Namespace) -> int:
    models = _comma_list(args.models)
    try:
        weights = tuple(float(w) for w in _comma_list(args.position_weights))
    except ValueError as err:
        raise SettingsError(f"--position-weights {args.position_weights!r}: {err}") from err
    events = load_events(args)
    settings = attribution.AttributionSettings(
        models=tuple(models),
        level=args.by,
        window_days=args.window_days,
        exclude_channels=tuple(_comma_list(args.exclude_channels)),
        exclude_event_types=tuple(_comma_list(args.exclude_event_types)),
        half_life_days=args.half_life_days,
        position_weights=weights,
        markov_order=args.markov_order,
    )
    result = attribution.attribute(events, settings)
    write_csv(result, args.out)
    method = result.attrs.get("shapley_method")
    if method:
        print(f"shapley: {method}", file=sys.stderr)
    return 0


# -- sentiment -------------------------------------------------------------------------


def _sentiment_arguments(parser: argparse.ArgumentParser) -> None:
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
        accepted = load_input(args.transcripts, "transcripts", args).accepted
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


@command("sentiment", "score transcript sentiment per row", _sentiment_arguments)
def _sentiment(args: argparse.Namespace) -> int:
    model = None
    if args.train:
        texts, labels = _read_labelled(args.train)
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
        model = TranscriptSentiment.from_bytes(Path(args.model).read_bytes())
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


# -- report ------------------------------------------------------------------------------

REPORT_FORMATS = (".html", ".pptx")


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("events", help="events file")
    parser.add_argument("--transcripts", help="transcripts file: adds the sentiment section")
    parser.add_argument(
        "--out", required=True, help="report.html (self-contained) or deck.pptx, by extension"
    )
    parser.add_argument(
        "--sections",
        default=",".join(content.SECTIONS),
        help=f"comma-separated sections, any of {','.join(content.SECTIONS)} (default: all)",
    )
    parser.add_argument("--title", default=content.ReportOptions().title, help="report title")
    parser.add_argument(
        "--image-timeout",
        type=float,
        default=images.DEFAULT_TIMEOUT,
        help="seconds allowed for rendering the deck's chart images (default 120)",
    )
    _add_onboarding_option(parser)
    add_input_options(parser)


def _deck_bytes(report: content.ReportContent, timeout: float) -> bytes:
    """The deck, with chart images if the browser renders them in time, else a warning."""
    try:
        pngs = images.render_pngs(
            report.charts(), timeout=timeout, progress=StderrProgress("chart images")
        )
    except images.ImagesUnavailable as err:
        print(f"warning: {err}; the deck shows tables or a note instead", file=sys.stderr)
        return deck.build_deck(report, {}, str(err))
    return deck.build_deck(report, pngs)


@command("report", "a self-contained HTML report or a PPTX deck", _report_arguments)
def _report(args: argparse.Namespace) -> int:
    target = Path(args.out)
    if target.suffix.lower() not in REPORT_FORMATS:
        raise SettingsError(f"--out {args.out}: the file name must end in .html or .pptx")
    if target.is_dir():
        raise SettingsError(f"--out {args.out}: is a folder, not a file name")
    options = content.ReportOptions(
        dataset=Path(args.events).name,
        sections=tuple(_comma_list(args.sections)),
        title=args.title,
    )
    events = scope.prepare_events(load_events(args), _phase_settings(args))
    transcripts = None
    if args.transcripts:
        transcripts = load_input(args.transcripts, "transcripts", args).accepted
    report = content.build_report(events, transcripts, options, StderrProgress("report"))
    if target.suffix.lower() == ".pptx":
        data = _deck_bytes(report, args.image_timeout)
    else:
        data = html.render_html(report).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    print(f"wrote {target} ({len(data):,} bytes)", file=sys.stderr)
    return 0
