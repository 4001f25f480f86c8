"""`python -m journey <command>`: every analysis without the UI.

Each command lives in its own module of this package, with `add_arguments(parser)` and
`run(args) -> exit code`. Only the module of the command being run is imported (its parser
built, its handler called): `validate` never pays for scikit-learn, Plotly or Spark. A
`JourneyError` prints `error: <message>` on stderr and exits 2; anything else is a bug and
exits 1 with its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass
from types import ModuleType

from journey.errors import JourneyError


@dataclass(frozen=True)
class Command:
    """A sub-command: its name, one line of help, and the module that parses and runs it."""

    name: str
    help: str
    module: str

    def load(self) -> ModuleType:
        """Import the command's module (with everything it needs to run)."""
        return importlib.import_module(f"{__name__}.{self.module}")


COMMANDS: dict[str, Command] = {
    spec.name: spec
    for spec in (
        Command("validate", "check a file against the data contract", "validate"),
        Command("load", "validate files and store them as a workspace dataset", "load"),
        Command("phases", "assign every event a journey phase", "phases"),
        Command("flows", "transitions and step flows at one level", "flows"),
        Command("funnel", "customers reaching each stage of an ordered funnel", "funnel"),
        Command("attribution", "credit conversions and revenue to channels", "attribution"),
        Command("metrics", "channel metrics per day, week or month", "metrics"),
        Command("sentiment", "score transcript sentiment per row", "sentiment"),
        Command("recommend", "the next best action of every customer, with reasons", "recommend"),
        Command("report", "a self-contained HTML report or a PPTX deck", "report"),
    )
}


def _chosen(argv: list[str]) -> str | None:
    """The command named on the command line (the first word not an option), if any."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the parser; the arguments of `only` (default: every command) are filled in."""
    parser = argparse.ArgumentParser(prog="python -m journey", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for spec in COMMANDS.values():
        child = sub.add_parser(spec.name, help=spec.help, description=spec.help)
        if only is None or only == spec.name:
            module = spec.load()
            module.add_arguments(child)
            child.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input, 1 a bug)."""
    words = sys.argv[1:] if argv is None else list(argv)
    # an unknown or missing command needs no command module: argparse says what is wrong
    parser = build_parser(only=_chosen(words) or "")
    try:
        args = parser.parse_args(words)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    try:
        return int(args._run(args))
    except JourneyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


__all__ = ["COMMANDS", "Command", "build_parser", "main"]
