"""
The Python that the processes we start (paper terminals, the supervisor
child) run on: the interpreter itself, never a venv's redirector.

On Windows a venv has no interpreter of its own: its `Scripts\\python.exe`
is a small program that starts the base installation's `python.exe` as a
child, telling it through __PYVENV_LAUNCHER__ which venv it runs for, and
waits. A child started through it is two processes, and the PID we record
is the redirector's: killing it may leave the real interpreter running, on
the same files, and the identity checks (accounts.terminals) watch the
wrong process. So we start the base interpreter with __PYVENV_LAUNCHER__
set, as the redirector itself does (and multiprocessing, bpo-35797): the
same venv, its `pyvenv.cfg` and site-packages, in one process.

On POSIX a venv's python is a link to the real one: nothing changes there.
"""

import ntpath
import os
import sys

LAUNCHER = "__PYVENV_LAUNCHER__"


def child_python(executable, base_executable, windows):
    """(interpreter, environment to add) that run what `executable` runs,
    in one process; `base_executable` is what `sys._base_executable` says."""
    if (
        windows
        and base_executable
        and ntpath.normcase(executable) != ntpath.normcase(base_executable)
    ):
        return base_executable, {LAUNCHER: executable}
    return executable, {}


def ours():
    """child_python for this process's own interpreter."""
    base = getattr(sys, "_base_executable", sys.executable)
    return child_python(sys.executable, base, os.name == "nt")


def environment(added):
    """Popen's `env` for a child that needs `added`: None (ours) without."""
    return {**os.environ, **added} if added else None
