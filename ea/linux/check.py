"""The EA's compile check on Linux: `python -m ea.linux.check [file.mq5 ...]`.

Rewrites each program to C++ (mql2cpp.py) against the declarations of the
MQL5 builtins it uses (mql5.hpp) and runs `g++ -fsyntax-only` with warnings
as errors, the nearest thing to MetaEditor this machine has. Diagnostics
name the .mq5/.mqh file and line. Without arguments it checks ea/MT5Bot.mq5.

What it cannot see (MetaEditor's own rules, StringFormat argument types,
anything at run time) is the release gate's job: ea/README.md.
"""

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ea.linux import mql2cpp

EA = Path(__file__).resolve().parent.parent / "MT5Bot.mq5"
FLAGS = (
    "-std=c++17",
    "-fsyntax-only",
    "-Wall",
    "-Wextra",
    "-Wconversion",
    "-Werror",
    # MQL5 event handlers and builtins take parameters the EA may not use.
    "-Wno-unused-parameter",
)


@dataclass
class Outcome:
    ok: bool
    diagnostics: str  # g++'s and the lint's, "file:line:col: error: ..."


def compiler():
    """The C++ compiler to use, or None: $CXX is not consulted, the check
    is written against g++'s diagnostics."""
    return shutil.which("g++")


def check(path):
    """Check the MQL5 program at `path`."""
    try:
        text, problems = mql2cpp.program(path)
    except mql2cpp.MqlError as exc:
        return Outcome(False, "\n".join(exc.diagnostics))
    with tempfile.TemporaryDirectory(prefix="mql5check") as folder:
        source = Path(folder) / "program.cpp"
        source.write_text(text, encoding="utf-8")
        done = subprocess.run(  # noqa: S603 - our compiler, our file
            [compiler() or "g++", *FLAGS, str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
    output = "\n".join([*problems, done.stderr.strip()]).strip()
    return Outcome(done.returncode == 0 and not problems, output)


def main(argv=None):
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or [EA]
    if compiler() is None:
        print("g++ is not installed", file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        outcome = check(path)
        print(f"{path}: {'ok' if outcome.ok else 'FAILED'}")
        if outcome.diagnostics:
            print(outcome.diagnostics)
        failed += not outcome.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
