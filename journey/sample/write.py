"""Write the sample files: `python -m journey.sample [--out DIR]` runs `main`."""

from __future__ import annotations

import argparse
from pathlib import Path

from journey.sample.constants import EVENTS_FILE, SAMPLE_DIR, TRANSCRIPTS_FILE
from journey.sample.events import generate_events
from journey.sample.planted import plant_cart_recovery
from journey.sample.transcripts import generate_transcripts


def write_sample(out_dir: Path) -> dict[str, Path]:
    """Generate the sample with the default size and seed and write both CSV files to `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # transcripts come from the events before the planted recoveries (none is a contact), so
    # planting the effect left their bytes as they were
    base = generate_events(plant=False)
    events = plant_cart_recovery(base)
    transcripts = generate_transcripts(base)
    paths = {"events": out_dir / EVENTS_FILE, "transcripts": out_dir / TRANSCRIPTS_FILE}
    for frame, path in ((events, paths["events"]), (transcripts, paths["transcripts"])):
        path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Regenerate the committed sample files (`python -m journey.sample [--out DIR]`)."""
    parser = argparse.ArgumentParser(prog="python -m journey.sample", description=main.__doc__)
    parser.add_argument(
        "--out", type=Path, default=SAMPLE_DIR, help=f"output folder (default {SAMPLE_DIR})"
    )
    args = parser.parse_args(argv)
    for name, path in write_sample(args.out).items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
    return 0
