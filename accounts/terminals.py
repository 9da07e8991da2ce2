"""
Starting, finding and stopping an account's terminal process, on Linux and
Windows alike.

The supervisor is the one long-running owner of these processes; the
`accounts` command uses the same functions only when no supervisor is alive.
A PID alone is not an identity (the OS reuses it), so a process counts as an
account's terminal only when its PID, creation time and executable all match
what `launch` recorded.
"""

import contextlib
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil
from django.conf import settings
from django.utils import timezone

from accounts import instances
from mt5bot import filemodes, interpreter

# psutil derives creation times from boot time and clock ticks; two readings
# of one process agree to a few milliseconds. Half a second still tells apart
# a new process that got the same PID.
CREATE_TIME_TOLERANCE = 0.5
KILL_WAIT = 5.0

# Children started by this process, so their exit status is collected (no
# zombies on POSIX) and Popen does not warn about a child it forgot.
_children = {}


class TerminalError(RuntimeError):
    """A terminal that cannot be started or controlled; the message says why."""


@dataclass(frozen=True)
class ProcessRef:
    pid: int
    created: float
    exe: str


def on_windows():
    return os.name == "nt"


def _same_exe(a, b):
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(
        os.path.realpath(b)
    )


def ref_of(process):
    """The identity of a running psutil.Process."""
    return ProcessRef(process.pid, process.create_time(), process.exe())


def current(account):
    """What the account last recorded, or None if it never recorded a process."""
    if not account.pid:
        return None
    return ProcessRef(account.pid, account.pid_created or 0.0, account.pid_exe)


def reap():
    """Collect the exit status of our children that ended (POSIX zombies)."""
    for pid, popen in list(_children.items()):
        if popen.poll() is not None:
            del _children[pid]


def find(ref):
    """The psutil.Process `ref` names if it still runs and is still that
    process (same creation time and executable), else None."""
    if ref is None:
        return None
    reap()
    try:
        process = psutil.Process(ref.pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        if abs(process.create_time() - ref.created) > CREATE_TIME_TOLERANCE:
            return None
        if not _same_exe(process.exe(), ref.exe):
            return None
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        # AccessDenied: another user's process; ours never is.
        return None
    return process


def alive(account):
    return find(current(account)) is not None


# --- starting -------------------------------------------------------------------


def terminal_command(account):
    """(argument list, working folder) that starts the account's terminal."""
    root = settings.MT5_INSTANCES_DIR
    if account.kind != "mt5":
        python, _ = interpreter.ours()
        args = instances.paper_command(
            python,
            root,
            account.login,
            account.margin_mode,
            account.paper_faults,
        )
        return args, instances.paper_cwd()
    if not on_windows():
        raise TerminalError("MetaTrader 5 terminals run on Windows only.")
    layout = instances.mt5_layout(
        instances.main_terminal(settings.MT5_MAIN_PATH), root, account.login
    )
    if not layout.terminal_exe.is_file():
        raise TerminalError(
            f"{layout.dest} holds no installation: make it with "
            f"`manage.py accounts install {account.login}`."
        )
    return instances.mt5_command(layout.terminal_exe, layout.ini), layout.dest


def log_path(account):
    return Path(settings.LOG_DIR) / f"terminal_{account.login}.log"


def _detach():
    """Popen arguments that keep the terminal out of our console's signals: a
    Ctrl-C in the supervisor's window must not kill traders' terminals behind
    its back; the supervisor stops them itself, in order."""
    if on_windows():
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def launch(account):
    """Start the account's terminal and record its identity on the account.

    If its terminal already runs, that one is returned: two terminals on one
    folder would race for the same commands. Output goes to a log file, never a
    pipe nobody reads (a full pipe would block the terminal).
    """
    running = find(current(account))
    if running is not None:
        return current(account)
    args, cwd = terminal_command(account)
    env = None
    if account.kind != "mt5":
        instances.files_dir(settings.MT5_INSTANCES_DIR, account.login).mkdir(
            parents=True, exist_ok=True
        )
        env = interpreter.environment(interpreter.ours()[1])
    log = log_path(account)
    # Owner-only, as the bot's own log (mt5bot.filemodes): it quotes orders.
    filemodes.make_private_dir(log.parent)
    filemodes.create_private(log)
    with open(log, "ab") as output:
        try:
            popen = subprocess.Popen(  # noqa: S603 - a list, no shell
                args,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=env,
                **_detach(),
            )
        except OSError as exc:
            raise TerminalError(f"cannot start {args[0]}: {exc}") from exc
    _children[popen.pid] = popen
    ref = _record(account, popen)
    return ref


def _record(account, popen):
    try:
        ref = ref_of(psutil.Process(popen.pid))
    except psutil.Error:
        # It died at once; what it said is in its log.
        popen.wait()
        raise TerminalError(
            f"{account.login}: the terminal exited at once (code "
            f"{popen.returncode}); see {log_path(account)}"
        ) from None
    account.pid, account.pid_created, account.pid_exe = ref.pid, ref.created, ref.exe
    account.save(update_fields=["pid", "pid_created", "pid_exe"])
    return ref


# --- stopping -------------------------------------------------------------------


def ask_to_exit(process):
    """SIGTERM on POSIX. On Windows a terminal with a window is asked to close
    it (MT5 then saves and logs out); a console one gets Ctrl-Break, which its
    own process group (see _detach) lets us send to it alone."""
    if not on_windows():
        process.terminate()
        return
    from accounts import windows  # user32 exists only on Windows

    if windows.request_close(process.pid) == 0:
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.CTRL_BREAK_EVENT)


def terminate(ref):
    """Ask ref's process to exit without waiting; False when it was not running.
    A process that is not ref's (a reused PID) is never touched."""
    process = find(ref)
    if process is None:
        return False
    with contextlib.suppress(psutil.NoSuchProcess):
        ask_to_exit(process)
    return True


def kill(ref):
    process = find(ref)
    if process is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


def wait(ref, timeout):
    """True once ref's process is gone (and reaped, if it is our child)."""
    process = find(ref)
    if process is None:
        return True
    try:
        process.wait(timeout)
    except psutil.TimeoutExpired:
        return False
    except psutil.NoSuchProcess:
        pass
    _children.pop(ref.pid, None)
    return True


def stop(ref, timeout=10):
    """Stop ref's process: ask, wait `timeout` seconds, then kill. Blocks; the
    supervisor's loop uses terminate/wait/kill to stop without blocking.

    Returns "not running", "exited" or "killed"; calling it again is harmless.
    """
    if not terminate(ref):
        return "not running"
    if wait(ref, timeout):
        return "exited"
    kill(ref)
    wait(ref, KILL_WAIT)
    return "killed"


def stop_account(account, timeout=10):
    """Stop the account's terminal and forget its PID; returns stop()'s outcome."""
    outcome = stop(current(account), timeout)
    account.pid, account.pid_created, account.pid_exe = None, None, ""
    account.save(update_fields=["pid", "pid_created", "pid_exe"])
    return outcome


def set_status(account, status, reason=""):
    """Record what the terminal is doing, when an owner acted on it."""
    account.status, account.status_reason = status, reason[:200]
    account.status_changed_at = timezone.now()
    account.save(update_fields=["status", "status_reason", "status_changed_at"])


def focus(account):
    """Bring the account's MetaTrader 5 window to the front (Windows only)."""
    if not on_windows():
        raise TerminalError("Bringing a terminal to the front works on Windows only.")
    process = find(current(account))
    if process is None:
        raise TerminalError(f"{account.login}: its terminal is not running.")
    from accounts import windows  # user32 exists only on Windows

    if not windows.focus(process.pid):
        raise TerminalError(f"{account.login}: its terminal shows no window.")
