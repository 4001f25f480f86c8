"""`validate FILE [--kind events|transcripts] [--report R.json]`: check a file, list rejects."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from journey.cli.common import add_input_options, stream_input, strict_error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add validate's arguments."""
    parser.add_argument("file", help="events or transcripts file")
    parser.add_argument("--kind", choices=["events", "transcripts"], default="events")
    parser.add_argument("--report", help="write a JSON report with every reject here")
    add_input_options(parser)


def run(args: argparse.Namespace) -> int:
    """Print the validation summary; write the JSON report of every reject if asked."""
    # --strict is checked after the report is written: the report says what to fix.
    lenient = argparse.Namespace(**{**vars(args), "strict": False})
    with stream_input(args.file, args.kind, lenient, need_rows=False) as result:
        print(result.summary())
        rejects = result.rejects_frame() if args.report or args.strict else None
    if args.report and rejects is not None:
        report = {
            "file": args.file,
            "rows_read": result.rows_read,
            "rows_accepted": result.rows_accepted,
            "rows_rejected": result.rows_rejected,
            "duplicates": result.duplicates,
            "rejects": [
                {"row": int(r.row), "column": str(r.column), "reason": str(r.reason)}
                for r in rejects.itertuples(index=False)
            ],
        }
        target = Path(args.report)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.strict and result.rows_rejected and rejects is not None:
        raise strict_error(args.file, result.rows_rejected, rejects)
    return 0
