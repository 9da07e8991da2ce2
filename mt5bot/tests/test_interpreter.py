"""mt5bot.interpreter: the processes we start run on the interpreter itself,
with the venv's packages, never through a Windows venv's redirector."""

import json
import os
import subprocess
import sys

import psutil
import pytest

from accounts import instances, terminals
from accounts.models import Account
from mt5bot import interpreter

VENV = r"C:\Program Files\mt5bot\.venv\Scripts\python.exe"
BASE = r"C:\Users\Trader\AppData\Local\Programs\Python\Python311\python.exe"


def test_on_windows_a_venv_child_runs_on_the_base_interpreter_told_its_venv():
    assert interpreter.child_python(VENV, BASE, windows=True) == (
        BASE,
        {"__PYVENV_LAUNCHER__": VENV},
    )


def test_on_windows_outside_a_venv_the_interpreter_is_kept():
    same = r"c:/users/trader/appdata/local/programs/python/python311/PYTHON.EXE"
    assert interpreter.child_python(BASE, same, windows=True) == (BASE, {})
    assert interpreter.child_python(BASE, "", windows=True) == (BASE, {})


def test_on_posix_a_venv_python_is_the_interpreter_itself():
    venv, base = "/srv/mt5bot/.venv/bin/python", "/usr/bin/python3.11"
    assert interpreter.child_python(venv, base, windows=False) == (venv, {})


def test_the_environment_adds_the_launcher_to_ours_or_is_ours():
    assert interpreter.environment({}) is None
    env = interpreter.environment({"__PYVENV_LAUNCHER__": VENV})
    assert env["__PYVENV_LAUNCHER__"] == VENV
    assert env["PATH"] == os.environ["PATH"]


def test_a_paper_terminal_on_windows_starts_on_the_base_interpreter(
    settings, tmp_path, monkeypatch
):
    settings.MT5_INSTANCES_DIR = tmp_path
    chosen = interpreter.child_python(VENV, BASE, windows=True)
    monkeypatch.setattr(interpreter, "ours", lambda: chosen)
    args, cwd = terminals.terminal_command(Account(login="1123456", kind="paper"))
    assert args[0] == BASE  # one argument, spaces and all
    assert args[1:3] == ["-m", "ea.paper"]
    assert cwd == instances.paper_cwd()


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="run from a venv")
def test_the_base_interpreter_told_its_venv_is_that_venv_in_one_process():
    # What Windows gets, asked of this venv: on Linux too the interpreter
    # reads __PYVENV_LAUNCHER__ (CPython's getpath).
    python, added = interpreter.child_python(
        sys.executable, sys._base_executable, windows=True
    )
    assert python == sys._base_executable and added
    report = (
        "import json, sys, watchdog; print(json.dumps([sys.prefix, sys.executable]))"
    )
    child = subprocess.Popen(
        [python, "-c", f"{report}; sys.stdin.read()"],
        env=interpreter.environment(added),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        prefix, executable = json.loads(child.stdout.readline())
        # The PID we hold is the interpreter's own, not a launcher's.
        exe = psutil.Process(child.pid).exe()
        assert os.path.realpath(exe) == os.path.realpath(sys._base_executable)
    finally:
        child.communicate("", timeout=60)
    assert prefix == sys.prefix and executable == sys.executable
