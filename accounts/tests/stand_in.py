"""Fixtures for tests that start real terminal processes.

Until `ea/paper` exists, a paper terminal is stood in for by a Python child
that prints its arguments and sleeps: the same interpreter, the same argument
tail, so PID, creation time and executable checks see a real process. Once
`ea/paper/__main__.py` exists the real paper terminal runs instead.
"""

from pathlib import Path

import pytest
from django.conf import settings

from accounts import instances, terminals

SLEEPER = (
    "import sys, time; print('stand-in', *sys.argv[1:], flush=True); time.sleep(120)"
)
_real_paper_command = instances.paper_command


def real_paper_exists():
    return (Path(settings.BASE_DIR) / "ea" / "paper" / "__main__.py").is_file()


def sleeper_command(python, root, login, margin_mode, *faults):
    # The real builder still validates the login and names the files folder.
    args = _real_paper_command(python, root, login, margin_mode, *faults)
    return [python, "-c", SLEEPER, *args[3:]]


def kill_children():
    for popen in list(terminals._children.values()):
        popen.kill()
        popen.wait(10)
    terminals._children.clear()


@pytest.fixture
def terminal_dirs(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    settings.LOG_DIR = tmp_path / "logs"
    settings.MT5_MAIN_PATH = ""
    yield tmp_path
    kill_children()


@pytest.fixture
def stand_in(terminal_dirs, monkeypatch):
    """Always the sleeper, for tests that read what the child printed."""
    monkeypatch.setattr(instances, "paper_command", sleeper_command)
    return terminal_dirs


@pytest.fixture
def paper_terminal(terminal_dirs, monkeypatch):
    """The real paper terminal when it exists, else the sleeper."""
    if not real_paper_exists():
        monkeypatch.setattr(instances, "paper_command", sleeper_command)
    return terminal_dirs
