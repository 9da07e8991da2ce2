import argparse
import logging
import signal
import threading

import psutil
from django.core.management.base import BaseCommand

from accounts.bridge.supervisor import Worker
from history import relay

log = logging.getLogger("mt5bot.supervisor")


class Command(BaseCommand):
    help = (
        "Deliver queued commands to the terminals, record their results and "
        "keep each account's terminal running (or stopped) as asked."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Do one pass of every step and exit."
        )
        parser.add_argument(
            "--no-terminals",
            action="store_true",
            help="Deliver and record only; start and stop no terminal.",
        )
        parser.add_argument("--host", default="", help="This supervisor's host label.")
        # Set by `serve` for the supervisor it runs as its child
        # (mt5bot/supervisor_child.py): its process, the port it wakes us on
        # and the one it hears the live pages' updates on.
        parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--wake-port", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--live-relay", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        manage = not (options["no_terminals"] or options["once"])
        worker = Worker(
            host=options["host"],
            manage_terminals=manage,
            wake_port=options["wake_port"],
        )
        install_stop_handlers(worker)
        if options["parent"]:
            stop_with_parent(worker, options["parent"])
        relay.aim(options["live_relay"])
        worker.run(once=options["once"])


def stop_with_parent(worker, pid, every=1.0):
    """Stop (terminals in order) once the process that started us is gone:
    a `serve` killed outright must not leave a supervisor running alone."""
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        worker.shutdown = True
        return
    pause = threading.Event()

    def watch():
        # is_running() also compares the start time: a new process that
        # took the pid is not our parent.
        while not worker.shutdown and parent.is_running():
            pause.wait(every)
        if not worker.shutdown:
            log.warning("the server that started this supervisor is gone; stopping")
            worker.shutdown = True

    threading.Thread(target=watch, name="mt5bot-parent", daemon=True).start()


def install_stop_handlers(worker):
    """The first SIGTERM/SIGINT asks the loop to stop after the unit in hand
    (stopping terminals in order); a second one exits at once."""

    def stop(signum, frame):
        if worker.shutdown:
            raise SystemExit(1)
        log.info("signal %s: stopping", signum)
        worker.shutdown = True

    for name in ("SIGTERM", "SIGINT", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
