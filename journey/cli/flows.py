"""`flows EVENTS --by LEVEL --out DIR`: transitions.csv and steps.csv at one level."""

from __future__ import annotations

import argparse
import sys

from journey import schema
from journey.cli.common import (
    add_input_options,
    add_onboarding_option,
    out_dir,
    phase_settings,
    write_csv,
)
from journey.cli.engine import add_engine_options, prepared_events
from journey.errors import SettingsError
from journey.query.engine import flows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add flows' arguments."""
    parser.add_argument("events", help="events file")
    parser.add_argument("--by", choices=list(schema.LEVELS), default=schema.CHANNEL)
    parser.add_argument("--steps", type=int, default=5, help="positions shown (default 5)")
    parser.add_argument("--top-k", type=int, default=0, help="fold all but K nodes into Other")
    parser.add_argument("--keep-repeats", action="store_true", help="keep A A B (else A B)")
    parser.add_argument("--end-nodes", action="store_true", help="add Start and end nodes")
    parser.add_argument("--out", required=True, help="folder for transitions.csv and steps.csv")
    add_onboarding_option(parser)
    add_engine_options(parser)
    add_input_options(parser)


def run(args: argparse.Namespace) -> int:
    """Count transitions and step flows on the engine, write both files, say what was folded."""
    folder = out_dir(args.out)
    if args.steps < 2:
        raise SettingsError(f"--steps {args.steps}: step flows need at least 2 steps")
    # read once (into the path table): a view of prepared events, computed as it is read,
    # with phases only when they are the level
    phases = args.by == schema.PHASE
    settings = phase_settings(args)
    with prepared_events(args, settings, materialise=False, phases=phases) as (runner, events):
        # one path table for both files; top paths are not written, so not computed
        result = flows.flows(
            runner, events, args.by, args.steps, args.keep_repeats, args.top_k, args.end_nodes, None
        )
    transitions, steps, fold = result.transitions, result.steps, result.fold
    write_csv(transitions, folder / "transitions.csv")
    write_csv(steps, folder / "steps.csv")
    if fold.n_folded:
        print(
            f"folded {fold.n_folded} {args.by} nodes ({fold.folded_volume} events) into "
            f"'{schema.OTHER}', kept {len(fold.kept)}",
            file=sys.stderr,
        )
    return 0
