import logging
import signal

from django.core.management.base import BaseCommand

from accounts.bridge.supervisor import Worker

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

    def handle(self, *args, **options):
        manage = not (options["no_terminals"] or options["once"])
        worker = Worker(host=options["host"], manage_terminals=manage)
        install_stop_handlers(worker)
        worker.run(once=options["once"])


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
