"""Run files through the whole load path in a bounded process; print one JSON line per file.

Used by test_fuzz.py as `python -m tests.journey.io.fuzz_worker MEMORY_MB SECONDS FILE...`.
Address space is capped (so a reader that allocates without bound fails here, not on the
machine), and each file gets an alarm; a line `{"start": FILE}` precedes each file, so a
hang or a crash that kills the process still names the file it was reading.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import traceback
from pathlib import Path

from journey.errors import JourneyError
from journey.io.load import load_file


class Hang(BaseException):
    """Raised by the alarm: a file took longer than its guard time."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def outcome(path: Path) -> dict[str, object]:
    """Load one file: its counts when accepted, the message of a JourneyError, or the crash."""
    try:
        result, _mapping = load_file(path)
    except JourneyError as err:
        return {"outcome": "error", "type": type(err).__name__, "message": str(err)}
    except MemoryError:
        return {"outcome": "memory"}
    except Exception as err:  # the fuzz target: anything else is a bug to report
        tail = traceback.format_exception(err)[-3:]
        return {"outcome": "crash", "type": type(err).__name__, "message": "".join(tail)}
    return {
        "outcome": "loaded",
        "read": result.rows_read,
        "accepted": result.rows_accepted,
        "rejected": result.rows_rejected,
        "accepted_rows": len(result.accepted),
        "reasons": sorted({str(r) for r in result.rejects["reason"]})[:20],
    }


def main(argv: list[str]) -> None:
    """Cap memory, then load each file under an alarm and print its outcome."""
    memory_mb, seconds, files = int(argv[0]), int(argv[1]), argv[2:]
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    for name in files:
        print(json.dumps({"start": name}), flush=True)
        signal.alarm(seconds)
        try:
            found = outcome(Path(name))
        except Hang:
            found = {"outcome": "hang"}
        finally:
            signal.alarm(0)
        print(json.dumps({"file": name, **found}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
