from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the webhook URL to paste into TradingView (it holds the token)."

    def add_arguments(self, parser):
        parser.add_argument("--local", action="store_true", help="Use HOST:PORT.")

    def handle(self, *args, **options):
        if not settings.WEBHOOK_TOKEN:
            raise CommandError("WEBHOOK_TOKEN is not set: run `python3 run.py`.")
        base = settings.EXTERNAL_BASE_URL.rstrip("/")
        if options["local"]:
            base = f"http://{settings.HOST}:{settings.PORT}"
        self.stdout.write(f"{base}/webhook/{settings.WEBHOOK_TOKEN}")
