"""Writes the golden vectors in this folder: `python -m ea.vectors.build`.

The expected outcomes are written by hand from ea/PROTOCOL.md and
docs/mt5.md, never produced by running the paper broker: that is what makes
them golden. The case modules hold them; parts.py fills in what every vector
repeats (the full command, the symbol specifications, the prices).
ea/tests/test_paper_vectors.py checks that the JSON files are what this
script writes, then replays each of them.
"""

import json
import sys
from pathlib import Path

from ea.vectors import (
    book_cases,
    closing,
    edges,
    exemode,
    faults_cases,
    guards,
    opening,
    sizing,
    steps,
)

HERE = Path(__file__).resolve().parent


def write(folder=HERE):
    """Write every vector as NNN_<name>.json; returns the paths."""
    written = []
    for number, data in enumerate(all_vectors(), start=1):
        path = Path(folder) / f"{number:03d}_{data['name']}.json"
        path.write_text(render(data), encoding="ascii")
        written.append(path)
    return written


def render(data):
    return json.dumps(data, indent=2) + "\n"


def all_vectors():
    """In the order they were added, so no file is ever renumbered."""
    return [
        *opening.VECTORS,
        *sizing.VECTORS,
        *closing.VECTORS,
        *steps.VECTORS,
        *edges.RETURN_ONLY,
        *edges.OPENING_LIMITS,
        *edges.CLOSING_LIMITS,
        *exemode.VECTORS,
        *guards.VECTORS,
        *faults_cases.VECTORS,
        *book_cases.VECTORS,
    ]


if __name__ == "__main__":
    for old in HERE.glob("*.json"):
        old.unlink()
    print(f"wrote {len(write())} vectors to {HERE}", file=sys.stderr)
