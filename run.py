#!/usr/bin/env python3
"""
One command to install and start mt5bot, one to run its tests; stdlib only, so
it works on a fresh Windows or Linux machine with nothing but Python 3.11.

    python3 run.py          install into .venv, setup (writes .env), start the server
    python3 run.py test     install the test dependencies into .venv, run pytest
                            (on two workers; `-n 0` for one process)
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
# Two pytest-xdist workers: on two cores the suite's waits (servers starting,
# terminals answering) overlap with the other worker's work. Each takes whole
# modules, slowest first (conftest.py). `-n 0` or `-p no:xdist` runs the
# suite in one process, for debugging.
PARALLEL = ["-n", "2", "--dist", "loadscope", "--no-loadscope-reorder"]


def run(*args, check=True):
    # An argument list, never a shell: paths with spaces work on Windows too.
    done = subprocess.run([str(a) for a in args], cwd=ROOT, check=check)  # noqa: S603
    return done.returncode


def install(requirements):
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / requirements)


def pytest_args(argv):
    """`argv` for pytest, on two workers unless it says otherwise."""
    chosen = any(
        arg.startswith(("-n", "--numprocesses", "--dist")) or "no:xdist" in arg
        for arg in argv
    )
    return argv if chosen else [*PARALLEL, *argv]


def main(argv):
    if argv[:1] == ["test"]:
        install("requirements-dev.txt")
        sys.exit(run(PYTHON, "-m", "pytest", *pytest_args(argv[1:]), check=False))
    install("requirements.txt")
    # The first start asks for the admin login and alert settings (at a
    # terminal); later starts only check, and setup never changes what is set.
    env_file = Path(os.environ.get("MT5BOT_ENV_FILE") or ROOT / ".env")
    run(PYTHON, "manage.py", "setup", *(["--no-input"] if env_file.exists() else []))
    sys.exit(run(PYTHON, "manage.py", "serve", *argv, check=False))


if __name__ == "__main__":
    main(sys.argv[1:])
