#!/usr/bin/env python3
"""
One command to install and start mt5bot, one to run its tests; stdlib only, so
it works on a fresh Windows or Linux machine with nothing but Python 3.11.

    python3 run.py          install into .venv, setup, start the server
    python3 run.py test     install the test dependencies into .venv, run pytest
                            (on two workers; `-n 0` for one process)

At a terminal every start asks for what setup still lacks (an admin login, on
Windows the MetaTrader 5 path), so a first start cut short is finished by the
next. At no terminal (a service, a pipe) it asks nothing and names the
command to run at one. Ctrl-C stops the server, which stops its terminals in
order first; run.py waits for it.

MT5BOT_SKIP_INSTALL=1 starts from the .venv as it is, without pip, once it
exists: offline restarts, and the test that drives this script.
"""

import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

from mt5bot import console

ROOT = Path(__file__).resolve().parent
VENV = ROOT / console.VENV
PYTHON = ROOT / console.venv_python(os.name)
MIN_PYTHON = (3, 11)
# Two pytest-xdist workers: on two cores the suite's waits (servers starting,
# terminals answering) overlap with the other worker's work. Each takes whole
# modules, slowest first (conftest.py). `-n 0` or `-p no:xdist` runs the
# suite in one process, for debugging.
PARALLEL = ["-n", "2", "--dist", "loadscope", "--no-loadscope-reorder"]


class Stop(Exception):
    """A stop the person can act on: one line, no traceback."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def run(*args):
    """Run a child to its end; returns its exit code and whether Ctrl-C came
    meanwhile. Ctrl-C reaches the child too (one console, one process group)
    and the server then stops its supervisor and terminals in order: this
    waits for that, where subprocess.run would kill it 0.25 s later. A
    SIGTERM (from a service manager) is passed on."""
    # An argument list, never a shell: paths with spaces work on Windows too.
    process = subprocess.Popen([str(a) for a in args], cwd=ROOT)  # noqa: S603
    interrupted = False
    previous = signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        while True:
            try:
                return process.wait(), interrupted
            except KeyboardInterrupt:
                interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)


def install(requirements):
    if not PYTHON.exists():
        make_venv()
    elif os.environ.get("MT5BOT_SKIP_INSTALL") == "1":
        return
    pip = (PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / requirements)
    code, interrupted = run(*pip)
    if interrupted:
        raise Stop("Stopped (Ctrl-C) while installing: run it again to finish.", 130)
    if code:
        raise Stop(
            f"pip could not install {requirements} into .venv (its message is "
            "above); check the network and run again.",
            code,
        )


def make_venv():
    try:
        venv.create(VENV, with_pip=True)
    except BaseException as exc:
        # Half a venv would pass for a whole one at the next start.
        shutil.rmtree(VENV, ignore_errors=True)
        if not isinstance(exc, (OSError, subprocess.CalledProcessError)):
            raise
        hint = ""
        if os.name == "posix":
            hint = " (on Debian or Ubuntu: `sudo apt install python3-venv`)"
        raise Stop(f"Could not create .venv: {exc}{hint}") from None


def pytest_args(argv):
    """`argv` for pytest, on two workers unless it says otherwise."""
    chosen = any(
        arg.startswith(("-n", "--numprocesses", "--dist")) or "no:xdist" in arg
        for arg in argv
    )
    return argv if chosen else [*PARALLEL, *argv]


def start(argv):
    install("requirements.txt")
    # setup asks (--ask) when someone can answer; it says itself why it
    # stopped, in one line. Its summary is left to serve, which follows.
    ask = "--ask" if sys.stdin.isatty() else "--no-input"
    code, interrupted = run(PYTHON, "manage.py", "setup", "--then-serve", ask)
    if code or interrupted:
        return code or 130
    code, interrupted = run(PYTHON, "manage.py", "serve", *argv)
    if interrupted and code == 0:  # otherwise serve said why, in one line
        print("mt5bot stopped.")
    return code


def main(argv):
    if sys.version_info < MIN_PYTHON:
        found = ".".join(map(str, sys.version_info[:2]))
        raise Stop(f"mt5bot needs Python 3.11 or newer; this is {found}.")
    if argv[:1] == ["test"]:
        install("requirements-dev.txt")
        return run(PYTHON, "-m", "pytest", *pytest_args(argv[1:]))[0]
    return start(argv)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Stop as stop:
        print(stop, file=sys.stderr)
        sys.exit(stop.code)
    except KeyboardInterrupt:
        print("\nStopped (Ctrl-C).", file=sys.stderr)
        sys.exit(130)
