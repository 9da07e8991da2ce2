"""
`manage.py setup`: everything a fresh install needs, and nothing it already has.

At a terminal it asks for what is missing: on Windows the MetaTrader 5 path
(while the install is new, and whenever the one set names no terminal64.exe),
the admin login while there is none, and, in the run that makes the admin,
the optional alert settings. A refused answer is asked again with the rule
that refused it. Ctrl-C or Ctrl-D mid-way keeps what is done, and the next
run asks only for the rest: run.py runs setup at every start.

With `--no-input` (or when not at a terminal) it takes the flags and the
environment (`BASIC_USER`, `BASIC_PASS`, ...) and asks nothing; what it
cannot do without an answer, it names with the command to run at a terminal.
Each run may add to `.env` but never changes a value that is set (but for a
wrong MT5 path the person answering replaces), never resets the admin's
password, and adds the demo account only to an empty install: a second run
changes nothing.

The secrets are written by manage.py before the settings load (the settings
need SECRET_KEY); `envfile.ensure_secrets` runs again here for callers that
come in through call_command with the settings already loaded.
"""

import argparse
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
from mt5bot import console, envfile, install, roles

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
    (the tests and scripts capture the output, so they are never asked;
    run.py, which looks at its input only, says so with --ask)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


class Command(BaseCommand):
    help = (
        "First-run setup: check Python (and MetaTrader 5 on Windows), create "
        "the folders, write .env's secrets, migrate, create the roles and the "
        "admin login, and on an empty install add a paper demo account. Safe "
        "to run again: at a terminal it asks only for what is still missing."
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
        # From run.py: --ask when its input is a terminal, even with the
        # output piped (`run.py | tee log`); --then-serve as it starts the
        # server next, whose summary gives the URL and the address.
        parser.add_argument("--ask", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--then-serve", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        self.interactive = options["interactive"] and (options["ask"] or at_terminal())
        try:
            self.set_up(options)
        except (KeyboardInterrupt, EOFError):
            again = (
                console.run_py(os.name)
                if options["then_serve"]
                else console.manage(os.name, "setup")
            )
            self.stdout.write("")  # ends the line the question left open
            raise CommandError(
                f"Setup stopped before the end; what it did is kept, and "
                f"`{again}` asks for the rest.",
                returncode=130,
            ) from None

    def set_up(self, options):
        problem = install.python_problem()
        if problem:
            raise CommandError(problem)
        values = self.env_values(options)
        for path in install.make_runtime_dirs():
            self.stdout.write(f"Created {path}")
        mt5_path = values.pop("MT5_MAIN_PATH")
        self.write_env(values)
        call_command("migrate", interactive=False, verbosity=0)
        for path in install.tighten_secret_files():
            self.stdout.write(f"Made {path} readable by its owner only.")
        # whitenoise serves the admin's CSS and scripts from STATIC_ROOT.
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"] and not Account.objects.exists():
            Account.objects.create(login=DEMO_LOGIN, nickname="Paper demo")
            self.stdout.write(f"Added paper demo account {DEMO_LOGIN}.")
        new = not install.admin_exists()
        if terminals.on_windows():
            self.mt5(mt5_path, ask_empty=new)
        if self.admin(options) and self.interactive:
            self.ask_alerts()
        self.roles()
        self.compile_ea(mt5_path)
        self.finish(options)

    def env_values(self, options):
        values = {ENV_FLAGS[flag]: options[flag] for flag in ENV_FLAGS}
        if values["NOTIFY_URLS"]:
            values["NOTIFY_URLS"] = ",".join(values["NOTIFY_URLS"])
        if values["MT5_MAIN_PATH"]:
            values["MT5_MAIN_PATH"] = console.pasted_path(values["MT5_MAIN_PATH"])
        if values["EMAIL_HOST_USER"]:
            values["EMAIL_ENABLED"] = "True"
        return values

    def unset(self, name):
        return not envfile.is_set(name, settings.ENV_FILE)

    def mt5(self, flag, ask_empty):
        """Windows: MT5_MAIN_PATH names a terminal64.exe, or is empty (the
        accounts then run on paper terminals). At a terminal it is asked on
        a new install and whenever the one set is wrong; elsewhere a wrong
        one stops setup, naming the fix."""
        name = "MT5_MAIN_PATH"
        path = self.current(name) or flag or ""
        problem = install.mt5_path_problem(path)
        if not problem and (path or not ask_empty or not self.interactive):
            if flag:
                self.write_env({name: flag})
            return
        if problem and name in settings.ENVIRONMENT_NAMES:
            raise CommandError(f"{problem} It is set in the environment: fix it there.")
        if problem and not self.interactive:
            command = console.manage(os.name, "setup")
            raise CommandError(
                f"{problem} Fix it in {settings.ENV_FILE}, or run `{command}` at "
                "a terminal."
            )
        if problem:
            self.stderr.write(problem)
        path = self.ask(
            "MetaTrader 5 terminal64.exe (empty: paper terminals)",
            check=install.terminal_path,
        )
        if path or self.current(name):
            # Replaces a wrong path: the person answering asked for it.
            envfile.replace(settings.ENV_FILE, {name: path})
            self.stdout.write(f"Wrote {name} to {settings.ENV_FILE}.")

    def ask_alerts(self):
        """The optional alert settings, each group written once answered:
        asked in the run that makes the admin, so a later start asks none
        (the flags or .env change them)."""
        if self.unset("EMAIL_HOST_USER"):
            user = self.ask("Alert email: SMTP login/sender (empty: no email)")
            if user:
                self.write_env(
                    {
                        "EMAIL_HOST_USER": user,
                        "EMAIL_HOST": self.ask("SMTP server", settings.EMAIL_HOST),
                        "EMAIL_PORT": self.ask(
                            "SMTP port", str(settings.EMAIL_PORT), check=install.port
                        ),
                        "EMAIL_HOST_PASSWORD": self.ask("SMTP password", secret=True),
                        "EMAIL_RECIPIENTS": self.ask(
                            "Send alerts to", user, check=install.email_addresses
                        ),
                        "EMAIL_ENABLED": "True",
                    }
                )
        if self.unset("NOTIFY_URLS") and self.unset("APPRISE_URLS"):
            urls = self.ask(
                "Apprise URLs for alerts, comma-separated (empty: none)",
                check=install.apprise_urls,
            )
            self.write_env({"NOTIFY_URLS": urls})

    def ask(self, question, default="", secret=False, check=None):
        """The answer (`default` for an empty one), asked again with the
        rule while `check` refuses it (raises ValueError)."""
        prompt = f"{question}{f' [{default}]' if default else ''}: "
        while True:
            answer = getpass.getpass(prompt) if secret else input(prompt)
            answer = answer.strip() or default
            if check is None:
                return answer
            try:
                return check(answer)
            except ValueError as exc:
                self.stderr.write(str(exc))

    def compile_ea(self, flag):
        """With an MT5 installation, the EA its terminals run: compiled by its
        MetaEditor unless ea/ holds a current MT5Bot.ex5, and put into each
        MT5 account's terminal. Paper terminals need none."""
        name = "MT5_MAIN_PATH"
        main_path = self.current(name) or flag or settings.MT5_MAIN_PATH
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
        """Make the admin login unless it exists; True when it made one."""
        username = options["admin_user"] or os.environ.get("BASIC_USER", "")
        password = options["admin_password"] or os.environ.get("BASIC_PASS", "")
        if self.interactive and not install.admin_exists():
            username = username or self.ask(
                "Admin login", "admin", check=install.admin_login
            )
            password = password or self.ask_password(username)
        if not (username and password):
            if not install.admin_exists():
                command = console.manage(os.name, "setup")
                self.stdout.write(
                    f"No admin login yet: run `{command}` at a terminal, or "
                    "set BASIC_USER and BASIC_PASS."
                )
            return False
        try:
            created = install.ensure_admin(username, password)
        except ValidationError as exc:
            raise CommandError(f"Admin password refused: {' '.join(exc)}") from None
        state = "Created" if created else "Kept the existing"
        self.stdout.write(f"{state} admin login {username!r}.")
        return created

    def ask_password(self, username):
        def check(answer):
            return install.admin_password(answer, username)

        while True:
            password = self.ask("Admin password", secret=True, check=check)
            if password == self.ask("Again", secret=True):
                return password
            self.stderr.write("The two passwords differ; once more.")

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
            command = console.manage(os.name, "users role NAME viewer|trader|admin")
            self.stdout.write(
                f"No role yet (they see nothing): {', '.join(lacking)}; give "
                f"one with `{command}`."
            )

    def finish(self, options):
        if options["then_serve"]:
            return  # serve's start-up summary follows, with the URL
        token = self.current("WEBHOOK_TOKEN")
        base = self.current("EXTERNAL_BASE_URL") or settings.EXTERNAL_BASE_URL
        # Whole only to a person at a terminal, never to a log: a service's
        # output usually lands in a file.
        whole = at_terminal()
        self.stdout.write(
            "Webhook URL (keep it secret): "
            + console.webhook_url(base, token, os.name, whole=whole)
        )
        self.stdout.write(
            f"Setup done. Next: `{console.run_py(os.name)}` (or "
            f"`{console.manage(os.name, 'serve')}`), then open "
            f"http://{settings.HOST}:{settings.PORT}/ and log in."
        )

    def current(self, name):
        """The value in force, including one this run just wrote to .env."""
        return os.environ.get(name) or envfile.read(settings.ENV_FILE).get(name, "")
