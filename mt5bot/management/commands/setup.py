"""
`manage.py setup`: everything a fresh install needs, and nothing it already has.

At a terminal it asks for what is missing; with `--no-input` (or when not at a
terminal) it takes the flags and the environment (`BASIC_USER`, `BASIC_PASS`,
...) and asks nothing. Each run may add to `.env` but never changes a value
that is set, never resets the admin's password, and adds the demo account
only to an empty install: a second run changes nothing.

The secrets are written by manage.py before the settings load (the settings
need SECRET_KEY); `envfile.ensure_secrets` runs again here for callers that
come in through call_command with the settings already loaded.
"""

import getpass
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts import ea_build, terminals
from accounts.models import Account
from mt5bot import envfile, install, roles

DEMO_LOGIN = "1123456"
# Flag -> .env name. Values for names already set are reported and kept.
ENV_FLAGS = {
    "mt5_path": "MT5_MAIN_PATH",
    "external_url": "EXTERNAL_BASE_URL",
    "email_host": "EMAIL_HOST",
    "email_port": "EMAIL_PORT",
    "email_user": "EMAIL_HOST_USER",
    "email_password": "EMAIL_HOST_PASSWORD",
    "email_to": "EMAIL_RECIPIENTS",
    "notify_urls": "NOTIFY_URLS",
}


def at_terminal():
    """Someone can answer: input from a terminal, and questions they can see
    (the tests and scripts capture the output, so they are never asked)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


class Command(BaseCommand):
    help = (
        "First-run setup: check Python (and MetaTrader 5 on Windows), create "
        "the folders, write .env's secrets, migrate, create the roles and the "
        "admin login, and on an empty install add a paper demo account. Safe "
        "to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Ask nothing: take the flags and the environment.",
        )
        parser.add_argument("--no-demo", action="store_true")
        parser.add_argument("--admin-user", help="Admin login (default BASIC_USER).")
        parser.add_argument(
            "--admin-password",
            help="Admin password (default BASIC_PASS; prefer the variable: a "
            "flag shows in the process list).",
        )
        parser.add_argument("--mt5-path", help="terminal64.exe (Windows).")
        parser.add_argument("--external-url", help="Public address, for the URL.")
        parser.add_argument("--email-host", help="SMTP server for alert email.")
        parser.add_argument("--email-port", type=int)
        parser.add_argument("--email-user", help="SMTP login (sender address).")
        parser.add_argument("--email-password", help="SMTP (app) password.")
        parser.add_argument("--email-to", help="Comma-separated recipients.")
        parser.add_argument(
            "--notify-url",
            action="append",
            dest="notify_urls",
            help="An Apprise URL for alerts (repeatable).",
        )

    def handle(self, *args, **options):
        self.interactive = options["interactive"] and at_terminal()
        problem = install.python_problem()
        if problem:
            raise CommandError(problem)
        values = self.env_values(options)
        if terminals.on_windows():
            self.check_mt5(values)
        for path in install.make_runtime_dirs():
            self.stdout.write(f"Created {path}")
        self.write_env(values)
        call_command("migrate", interactive=False, verbosity=0)
        for path in install.tighten_secret_files():
            self.stdout.write(f"Made {path} readable by its owner only.")
        # whitenoise serves the admin's CSS and scripts from STATIC_ROOT.
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"] and not Account.objects.exists():
            Account.objects.create(login=DEMO_LOGIN, nickname="Paper demo")
            self.stdout.write(f"Added paper demo account {DEMO_LOGIN}.")
        self.admin(options)
        self.roles()
        self.compile_ea(values)
        self.finish()

    def env_values(self, options):
        values = {ENV_FLAGS[flag]: options[flag] for flag in ENV_FLAGS}
        if values["NOTIFY_URLS"]:
            values["NOTIFY_URLS"] = ",".join(values["NOTIFY_URLS"])
        if self.interactive:
            self.ask_alerts(values)
        if values["EMAIL_HOST_USER"]:
            values["EMAIL_ENABLED"] = "True"
        return values

    def unset(self, name):
        return not envfile.is_set(name, settings.ENV_FILE)

    def ask_alerts(self, values):
        if self.unset("MT5_MAIN_PATH") and terminals.on_windows():
            values["MT5_MAIN_PATH"] = self.ask(
                "MetaTrader 5 terminal64.exe (empty: paper terminals)",
                values["MT5_MAIN_PATH"],
            )
        if self.unset("EMAIL_HOST_USER") and not values["EMAIL_HOST_USER"]:
            user = self.ask("Alert email: SMTP login/sender (empty: no email)")
            if user:
                values["EMAIL_HOST_USER"] = user
                values["EMAIL_HOST"] = self.ask("SMTP server", settings.EMAIL_HOST)
                values["EMAIL_PORT"] = self.ask("SMTP port", str(settings.EMAIL_PORT))
                values["EMAIL_HOST_PASSWORD"] = self.ask("SMTP password", secret=True)
                values["EMAIL_RECIPIENTS"] = self.ask("Send alerts to", user)
        if (
            self.unset("NOTIFY_URLS")
            and self.unset("APPRISE_URLS")
            and not values["NOTIFY_URLS"]
        ):
            values["NOTIFY_URLS"] = self.ask(
                "Apprise URLs for alerts, comma-separated (empty: none)"
            )

    def ask(self, question, default="", secret=False):
        prompt = f"{question}{f' [{default}]' if default else ''}: "
        answer = getpass.getpass(prompt) if secret else input(prompt)
        return answer.strip() or default

    def check_mt5(self, values):
        problem = install.mt5_path_problem(
            values["MT5_MAIN_PATH"] or settings.MT5_MAIN_PATH
        )
        if problem:
            raise CommandError(problem)

    def compile_ea(self, values):
        """With an MT5 installation, the EA its terminals run: compiled by its
        MetaEditor unless ea/ holds a current MT5Bot.ex5, and put into each
        MT5 account's terminal. Paper terminals need none."""
        main_path = values["MT5_MAIN_PATH"] or settings.MT5_MAIN_PATH
        if main_path:
            for line in ea_build.prepare(main_path):
                self.stdout.write(line)

    def write_env(self, values):
        path = settings.ENV_FILE
        written = envfile.ensure_secrets(path) + envfile.add(path, values)
        if written:
            self.stdout.write(f"Wrote {', '.join(written)} to {path}.")
        kept = [k for k, v in values.items() if v and k not in written]
        if kept:
            self.stdout.write(
                f"Kept {', '.join(kept)}: already set (edit {path} to change)."
            )

    def admin(self, options):
        username = options["admin_user"] or os.environ.get("BASIC_USER", "")
        password = options["admin_password"] or os.environ.get("BASIC_PASS", "")
        if self.interactive and not install.admin_exists():
            username = username or self.ask("Admin login", "admin")
            password = password or self.ask_password()
        if not (username and password):
            if not install.admin_exists():
                self.stdout.write(
                    "No admin login yet: run `manage.py setup` at a terminal, "
                    "or set BASIC_USER and BASIC_PASS."
                )
            return
        try:
            created = install.ensure_admin(username, password)
        except ValidationError as exc:
            raise CommandError(f"Admin password refused: {' '.join(exc)}") from None
        state = "Created" if created else "Kept the existing"
        self.stdout.write(f"{state} admin login {username!r}.")

    def roles(self):
        """The role groups (migrate made them; made here too, so setup alone
        says so), and the logins that have none: since roles exist, such a
        login sees nothing until `manage.py users role` gives it one."""
        created = roles.ensure_groups()
        if created:
            self.stdout.write(f"Created the roles {', '.join(created)}.")
        users = get_user_model().objects.filter(is_active=True)
        lacking = [u.get_username() for u in users if not roles.role_of(u)]
        if lacking:
            self.stdout.write(
                f"No role yet (they see nothing): {', '.join(lacking)}; give "
                "one with `python manage.py users role NAME viewer|trader|admin`."
            )

    def ask_password(self):
        while True:
            password = self.ask("Admin password", secret=True)
            if password and password == self.ask("Again", secret=True):
                return password
            self.stderr.write("The passwords differ or are empty; again.")

    def finish(self):
        token = self.current("WEBHOOK_TOKEN")
        base = self.current("EXTERNAL_BASE_URL") or settings.EXTERNAL_BASE_URL
        # Whole only to a person at a terminal, never to a log: run.py runs
        # setup at every start, and a service's output usually lands in a file.
        if not at_terminal():
            token = f"{token[:4]}…  (`python manage.py webhookurl` prints it whole)"
        self.stdout.write(
            f"Webhook URL (keep it secret): {base.rstrip('/')}/webhook/{token}"
        )
        self.stdout.write(
            "Setup done. Next: `python3 run.py` (or `python manage.py serve`), "
            f"then open http://{settings.HOST}:{settings.PORT}/ and log in."
        )

    def current(self, name):
        """The value in force, including one this run just wrote to .env."""
        return os.environ.get(name) or envfile.read(settings.ENV_FILE).get(name, "")
