import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mt5bot import console


class Command(BaseCommand):
    help = "Print the webhook URL to paste into TradingView (it holds the token)."
    # Three settings printed: manage.py runs this without django.setup(), and
    # the system checks (which import every view) have nothing to check here.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--local", action="store_true", help="Use HOST:PORT.")

    def handle(self, *args, **options):
        if not settings.WEBHOOK_TOKEN:
            raise CommandError(
                f"WEBHOOK_TOKEN is not set: `{console.run_py(os.name)}` sets up."
            )
        base = settings.EXTERNAL_BASE_URL
        if options["local"]:
            base = f"http://{settings.HOST}:{settings.PORT}"
        self.stdout.write(
            console.webhook_url(base, settings.WEBHOOK_TOKEN, os.name, whole=True)
        )
