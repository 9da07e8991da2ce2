import argparse
import logging
import os
import socket

from daphne import http_protocol
from daphne.endpoints import build_endpoint_description_strings
from daphne.server import Server
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account
from mt5bot import console, workers
from mt5bot.logs import redact

logger = logging.getLogger("mt5bot.access")


def access_log(protocol, action, details):
    """daphne's action logger, through our logging with the token redacted."""
    if protocol == "http" and action == "complete":
        logger.info(
            '%s "%s %s" %s %s',
            details["client"],
            details["method"],
            redact(details["path"]),
            details["status"],
            details["size"],
        )


class WholeBodyRequest(http_protocol.WebRequest):
    """daphne's request without Twisted's own reading of form bodies.

    Twisted parses every multipart/form-data POST before daphne sees it,
    and answers a body it cannot parse with a bare 400 itself: a multipart
    POST to the webhook with a wrong token got 400, not the 401 every other
    wrong token gets, and the right token never reached the intake, which
    refuses multipart with its own code. Django reads the body itself.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What Twisted's parsePOSTFormSubmission=False sets; as an attribute
        # rather than the argument, so an older Twisted without it still
        # starts (test_webhook_multipart.py checks the one installed).
        self._parsePOSTFormSubmission = False


# daphne's factory names its request class at each connection, by this name.
http_protocol.WebRequest = WholeBodyRequest


class Command(BaseCommand):
    help = "Start the web server (ASGI, daphne): webhook, pages and API."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=None, help="Default: HOST setting.")
        parser.add_argument("--port", type=int, default=None, help="Default: PORT.")
        parser.add_argument(
            "--no-migrate", action="store_true", help="Skip applying migrations."
        )
        parser.add_argument(
            "--access-log", action="store_true", help="Log every request."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.WEB_WORKERS,
            help="Server processes sharing the port (POSIX only; default WEB_WORKERS).",
        )
        parser.add_argument(
            "--no-supervisor",
            action="store_true",
            help="Serve only; run `manage.py supervise` separately.",
        )
        parser.add_argument(
            "--supervisor-in-process",
            action="store_true",
            help="Run the supervisor on the webhook's thread, not as a child "
            "process (slower webhooks; docs/performance.md §8).",
        )
        parser.add_argument("--fd", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        count = options["workers"]
        if options["fd"] is None:
            problem = workers.refusal(count, settings.REDIS_URL, workers.SUPPORTED)
            if problem:
                raise CommandError(f"{count} server processes: {problem}")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        host = options["host"] or settings.HOST
        port = options["port"] or settings.PORT
        if options["fd"] is None:
            self.check_port(host, port)
            self.summary(host, port, count)
        if options["fd"] is None and count > 1:
            argv = ["--access-log"] if options["access_log"] else []
            code = workers.run_workers(
                host,
                port,
                options["workers"],
                argv,
                cwd=settings.BASE_DIR,
                supervise=not options["no_supervisor"],
            )
            raise SystemExit(code)
        from mt5bot.asgi import application

        if options["fd"] is not None:
            endpoints = build_endpoint_description_strings(
                file_descriptor=options["fd"]
            )
        else:
            endpoints = build_endpoint_description_strings(host=host, port=port)
        supervisor = None
        if options["fd"] is None and not options["no_supervisor"]:
            if options["supervisor_in_process"]:
                from mt5bot.embedded import EmbeddedSupervisor

                lane = application.application_mapping["http"].webhook_lane
                supervisor = EmbeddedSupervisor(lane)
            else:
                from mt5bot.supervisor_child import ChildSupervisor

                supervisor = ChildSupervisor(settings.BASE_DIR)
        try:
            Server(
                application=application,
                endpoints=endpoints,
                action_logger=access_log if options["access_log"] else None,
                http_timeout=None,
                application_close_timeout=10,
                ready_callable=supervisor.start if supervisor else None,
            ).run()
        finally:
            if supervisor:
                supervisor.stop()

    def check_port(self, host, port):
        """One clear line for a port in use: daphne only logs the failure
        and exits 0, after the summary had said where it listens."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            if os.name == "posix":
                # As Twisted binds: a restart finds the last run's
                # connections in TIME_WAIT. (On Windows it would let two
                # servers share the port.)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError as exc:
                raise CommandError(
                    f"Cannot listen on {host}:{port}: {exc.strerror or exc}. "
                    "Is mt5bot already running? Stop it, or set another PORT "
                    "in .env."
                ) from None

    def summary(self, host, port, processes):
        token = settings.WEBHOOK_TOKEN
        url = console.webhook_url(settings.EXTERNAL_BASE_URL, token, os.name)
        accounts = Account.objects.values_list("kind", "desired", "enabled")
        lines = console.start_summary(
            os.name, f"http://{host}:{port}/", processes, token and url, accounts
        )
        self.stdout.write("\n".join(lines))
