from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.models import Account

DEMO_LOGIN = "1123456"


class Command(BaseCommand):
    help = (
        "First-run setup: create the runtime folders and the database, and on "
        "an empty install add a paper demo account."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args, **options):
        for path in (settings.DATA_DIR, settings.LOG_DIR, settings.MT5_INSTANCES_DIR):
            Path(path).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        # whitenoise serves the admin's CSS and scripts from STATIC_ROOT.
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"] and not Account.objects.exists():
            Account.objects.create(login=DEMO_LOGIN, nickname="Paper demo")
            self.stdout.write(f"Added paper demo account {DEMO_LOGIN}.")
        self.stdout.write("Setup done.")
