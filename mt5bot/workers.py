"""Several server processes on one listening socket, one per core.

One Python process uses about one core (the GIL). On POSIX the parent binds
the socket and each child daphne adopts it by file descriptor, so the kernel
spreads connections between them. Windows cannot hand a listening socket to a
child this way, so there `serve` refuses more than one (ONE_ON_WINDOWS says
what to run instead).

What the processes share: the database, with SQLite's writes queued on one
lock across them (mt5bot.sqlite); and through Redis, which they need, the
rate-limit counters and the channel layer, so that an update made in any of
them, or in the supervisor, reaches every page.
"""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from functools import partial

from mt5bot import interpreter

log = logging.getLogger("mt5bot.server")
SUPPORTED = os.name == "posix"
NEEDS_REDIS = (
    "Several server processes need REDIS_URL: the rate-limit counters and the "
    "live pages' updates must be shared between them (and with the supervisor, "
    "which then runs in its own process). Set REDIS_URL or use one process."
)
ONE_ON_WINDOWS = (
    "Windows runs one server process (it cannot share one listening socket "
    "between several): set WEB_WORKERS=1 and leave out --workers. For more "
    "cores, run the supervisor in a process of its own (`manage.py serve "
    "--no-supervisor` beside `manage.py supervise`), or several `manage.py "
    "serve --no-supervisor --port N` behind a reverse proxy (README, "
    "Development)."
)


def refusal(count, redis_url, posix):
    """Why `count` server processes cannot run (on POSIX when `posix`, else
    Windows), or None when they can."""
    if count <= 1:
        return None
    if not posix:
        return ONE_ON_WINDOWS
    return None if redis_url else NEEDS_REDIS


def listening_socket(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def child_command(fd, argv):
    return [
        sys.executable,
        "manage.py",
        "serve",
        "--fd",
        str(fd),
        "--no-migrate",
        "--no-supervisor",
        *argv,
    ]


def run_workers(host, port, count, argv, cwd, supervise=True):
    """Serve with `count` processes; with `supervise`, one more runs the
    supervisor (the web processes wake it over loopback UDP). A child that
    dies is started again, so one crash (or kill -9) costs the requests that
    child held, not the service."""
    sock = listening_socket(host, port)
    web = partial(start_web, sock.fileno(), argv, cwd)
    children = [Child(f"web {i + 1}", web) for i in range(count)]
    if supervise:
        children.append(Child("supervisor", partial(start_supervisor, cwd)))
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            for child in children:
                child.keep_alive()
            time.sleep(0.2)
    finally:
        stop_children([c.process for c in children if c.process is not None])
        sock.close()
    return 0


class Child:
    """One child process, restarted when it exits: at once after a long
    life, after a growing pause (up to a minute) when it keeps dying young."""

    QUICK = 10.0  # seconds: a death sooner than this counts as a crash loop

    def __init__(self, name, launch, clock=time.monotonic):
        self.name, self.launch, self.clock = name, launch, clock
        self.failures = 0
        self.process = launch()
        self.started = clock()
        self.restart_at = None

    def keep_alive(self):
        if self.restart_at is None:
            code = self.process.poll()
            if code is None:
                return
            young = self.clock() - self.started < self.QUICK
            self.failures = self.failures + 1 if young else 0
            pause = min(60.0, 2.0 ** (self.failures - 1)) if self.failures else 0.0
            log.warning("%s exited (%s); restarting in %.0f s", self.name, code, pause)
            self.restart_at = self.clock() + pause
        if self.clock() >= self.restart_at:
            self.restart_at = None
            self.process = self.launch()
            self.started = self.clock()


def start_web(fd, argv, cwd):
    return subprocess.Popen(  # noqa: S603 (an argument list, no shell)
        child_command(fd, argv), cwd=cwd, pass_fds=[fd]
    )


def start_supervisor(cwd, arguments=()):
    """`manage.py supervise` as a child: the web process wakes it over
    loopback UDP. In a session (POSIX) or process group (Windows) of its own,
    so that Ctrl-C at the console reaches the parent alone, which then asks
    the child to stop once: a second signal would make it exit at once,
    without stopping its terminals in order (Ctrl-Break on Windows reaches a
    group of its own)."""
    flags = {}
    if os.name == "nt":
        flags["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        flags["start_new_session"] = True
    # The interpreter itself, not a venv's redirector (mt5bot.interpreter):
    # the PID that is stopped, or killed, is the supervisor's.
    python, added = interpreter.ours()
    return subprocess.Popen(  # noqa: S603 (an argument list, no shell)
        [
            python,
            "manage.py",
            "supervise",
            "--parent",
            str(os.getpid()),
            *arguments,
        ],
        cwd=cwd,
        env=interpreter.environment(added),
        **flags,
    )


def ask_to_stop(child):
    """SIGTERM on POSIX; on Windows terminate() would kill without letting
    the supervisor stop its terminals, so it gets Ctrl-Break instead."""
    if os.name == "nt":
        os.kill(child.pid, signal.CTRL_BREAK_EVENT)
    else:
        child.terminate()


def stop_children(children, timeout=10):
    for child in children:
        if child.poll() is None:
            ask_to_stop(child)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
