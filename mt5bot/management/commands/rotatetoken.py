import os
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mt5bot import envfile, tokens


class Command(BaseCommand):
    help = (
        "Make a new webhook token in .env. The old one keeps working for "
        "--grace hours, time to paste the new URL into every alert; the "
        "running server picks the change up without a restart."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=float,
            default=24.0,
            help="Hours the old token keeps working (default 24; 0: it stops now).",
        )

    def handle(self, *args, grace, **options):
        if grace < 0:
            raise CommandError("--grace is a number of hours, 0 or more.")
        if "WEBHOOK_TOKEN" in settings.ENVIRONMENT_NAMES:
            raise CommandError(
                "WEBHOOK_TOKEN is set in the environment, which wins over .env: "
                "change it there."
            )
        path = envfile.location()
        if str(path) == os.devnull or not path.is_file():
            raise CommandError(f"No .env at {path}: run `manage.py setup` first.")
        old, new = tokens.current(), secrets.token_urlsafe(32)
        until = timezone.now() + timedelta(hours=grace)
        keep = bool(old) and grace > 0
        envfile.replace(
            path,
            {
                "WEBHOOK_TOKEN": new,
                "WEBHOOK_TOKEN_PREVIOUS": old if keep else "",
                "WEBHOOK_TOKEN_PREVIOUS_UNTIL": until.isoformat() if keep else "",
            },
        )
        base = settings.EXTERNAL_BASE_URL.rstrip("/")
        self.stdout.write(f"New webhook URL: {base}/webhook/{new}")
        if keep:
            when = until.isoformat(timespec="minutes")
            self.stdout.write(f"The old URL keeps working until {when}.")
        else:
            self.stdout.write("The old URL no longer works.")
