"""
`manage.py accounts add|list|start|stop|restart|remove`.

The supervisor owns terminal processes. This command records what the user
wants (`desired`, `restart_requested_at`) and, while a supervisor is alive,
waits for the account's status to follow. With no supervisor alive nobody else
owns the processes, so it starts or stops the terminal itself and says so.
"""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from accounts import instances, terminals
from accounts.models import Account, Desired, Kind, MarginMode, Supervisor, Transport
from accounts.models import TerminalStatus as Status
from accounts.validators import is_valid_login

POLL_SECONDS = 0.2
NO_SUPERVISOR = (
    "no supervisor is running, so nothing delivers its commands until "
    "`manage.py supervise` (or `serve`) runs"
)


def default_kind():
    """Real MetaTrader 5 where it can run and is configured, else paper."""
    on_mt5 = settings.MT5_MAIN_PATH and terminals.on_windows()
    return Kind.MT5 if on_mt5 else Kind.PAPER


def default_transport():
    method = settings.TRADING_METHOD.lower()
    return method if method in Transport.values else Transport.FILE


def live_supervisor():
    return Supervisor.objects.alive().first()


def wait_for(account, done, timeout):
    """Re-read the account until done(account) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        account.refresh_from_db()
        if done(account):
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(POLL_SECONDS, left))


def is_online(account):
    return account.status == Status.ONLINE


def is_stopped(account):
    return account.status == Status.STOPPED


def restarted_since(requested_at):
    """Done when online on a terminal started after the request (the supervisor
    restarts a terminal whose process predates restart_requested_at)."""
    requested = requested_at.timestamp()

    def done(account):
        fresh = account.pid_created is not None and account.pid_created >= requested
        return is_online(account) and fresh

    return done


def describe(account):
    reason = f" ({account.status_reason})" if account.status_reason else ""
    pid = f", pid {account.pid}" if account.pid else ""
    return f"{account.status}{pid}{reason}"


def format_age(seconds):
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def heartbeat_figures(heartbeat):
    """(balance, equity) as text from the terminal's last heartbeat."""
    heartbeat = heartbeat if isinstance(heartbeat, dict) else {}
    currency = heartbeat.get("currency") or ""

    def money(key):
        value = heartbeat.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value:,.2f} {currency}".strip()
        return "-"

    return money("balance"), money("equity")


def account_row(account, now):
    age = "-"
    if account.heartbeat_at:
        age = format_age((now - account.heartbeat_at).total_seconds())
    pid = str(account.pid) if terminals.alive(account) else "-"
    balance, equity = heartbeat_figures(account.heartbeat)
    return (account.login, account.nickname or "-", account.kind, account.margin_mode,
            account.desired, account.status, pid, age, balance, equity)  # fmt: skip


HEADER = ("LOGIN", "NICKNAME", "KIND", "MARGIN", "DESIRED", "STATUS", "PID",
          "HEARTBEAT", "BALANCE", "EQUITY")  # fmt: skip


def render_table(rows):
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


VERBS = {
    "start": "Start an account's terminal.",
    "stop": "Stop an account's terminal.",
    "restart": "Stop and start an account's terminal.",
    "remove": "Stop the terminal, delete its folder and the account.",
}


class ProgressBar:
    """A one-line bar on stderr for the installation copy."""

    def __init__(self, stream, width=30):
        self.stream, self.width, self.shown = stream, width, None

    def __call__(self, done, total):
        share = done / total if total else 1.0
        percent = int(share * 100)
        if percent == self.shown:
            return
        self.shown = percent
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        mb = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
        self.stream.write(f"\r[{bar}] {percent:3d}% {mb}", ending="")
        self.stream.flush()

    def close(self):
        if self.shown is not None:
            self.stream.write("")


class Command(BaseCommand):
    help = "Add, list, start, stop, restart or remove accounts and their terminals."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add an account and its terminal folder.")
        add.add_argument("login")
        add.add_argument("--nickname", default="")
        add.add_argument("--kind", choices=Kind.values)
        add.add_argument(
            "--margin-mode", choices=MarginMode.values, default=MarginMode.HEDGING
        )
        add.add_argument(
            "--transport",
            choices=Transport.values,
            help="How commands reach the terminal (default: TRADING_METHOD).",
        )
        add.add_argument("--no-start", action="store_true")
        actions.add_parser("list", help="Show every account and its terminal.")
        actions.add_parser(
            "eakey", help="Make a new EA key for the HTTP transport (shown once)."
        ).add_argument("login")
        for name, text in VERBS.items():
            actions.add_parser(name, help=text).add_argument("login")
        for name in ("add", "start", "stop", "restart", "remove"):
            actions.choices[name].add_argument(
                "--wait",
                type=float,
                default=15.0,
                help="Seconds to wait for a running supervisor to act (default 15).",
            )
        remove = actions.choices["remove"]
        remove.add_argument("--keep-files", action="store_true")
        remove.add_argument("--yes", action="store_true", help="Do not ask.")

    def handle(self, *args, action, **options):
        if action == "list":
            return self.list_accounts()
        if action == "add":
            return self.add(**options)
        account = self.account(options["login"])
        getattr(self, action)(account, **options)

    def eakey(self, account, **_):
        """The old key stops working at once: paste the new one into the EA."""
        key = account.set_ea_key()
        self.say(account, "new EA key (shown once; the old one no longer works):")
        self.stdout.write(key)

    def account(self, login):
        try:
            return Account.objects.get(login=login)
        except Account.DoesNotExist:
            raise CommandError(f"No account {login}.") from None

    def say(self, account, text):
        self.stdout.write(f"{account.login}: {text}")

    # --- add -----------------------------------------------------------------

    def add(self, login, nickname, kind, margin_mode, no_start, wait, transport, **_):
        if not is_valid_login(login):
            raise CommandError(
                f"{login!r} is not an account number (1 to 20 digits, not "
                "starting with 0); nothing was created."
            )
        if Account.objects.filter(login=login).exists():
            raise CommandError(f"Account {login} already exists.")
        kind = kind or default_kind()
        try:
            if kind == Kind.MT5:
                instances.main_terminal(settings.MT5_MAIN_PATH)
            folder = instances.instance_dir(settings.MT5_INSTANCES_DIR, login)
        except instances.InstanceError as exc:
            raise CommandError(f"{exc} Nothing was created.") from None
        transport = transport or default_transport()
        account = self.create_account(login, nickname, kind, margin_mode, transport)
        created = self.create_instance(account, had_folder=folder.exists())
        self.say(account, f"added a {kind} account in {created.folder}.")
        self.report_copy(account, created)
        if no_start:
            self.say(account, "not started (--no-start).")
            return
        self.start(account, wait)

    def create_account(self, login, nickname, kind, margin_mode, transport):
        # Created stopped: a running supervisor must not start a terminal whose
        # folder is still being copied.
        try:
            return Account.objects.create(
                login=login,
                nickname=nickname,
                kind=kind,
                margin_mode=margin_mode,
                transport=transport,
                desired=Desired.STOPPED,
            )
        except IntegrityError:
            raise CommandError(f"Account {login} already exists.") from None

    def create_instance(self, account, had_folder):
        progress = ProgressBar(self.stderr)
        try:
            return instances.create_instance(account, progress=progress)
        except (instances.InstanceError, OSError, KeyboardInterrupt) as exc:
            account.delete()
            if not had_folder:
                try:
                    instances.delete_instance(settings.MT5_INSTANCES_DIR, account.login)
                except (instances.InstanceError, OSError) as cleanup:
                    self.stderr.write(f"Could not remove the partial copy: {cleanup}")
            reason = exc if str(exc) else "interrupted"
            raise CommandError(
                f"{account.login}: {reason}; nothing was created."
            ) from exc
        finally:
            progress.close()

    def report_copy(self, account, created):
        if account.kind != Kind.MT5:
            return
        if created.reused:
            self.say(account, "its folder already held an installation: kept it.")
        if created.ea_files:
            self.say(account, f"EA installed: {', '.join(created.ea_files)}.")
        else:
            self.say(account, "no EA found in ea/ (*.ex5, *.mq5): none installed.")
        if created.skipped:
            names = ", ".join(str(path) for path in created.skipped)
            self.say(account, f"skipped files in use by the main terminal: {names}")

    # --- start / stop / restart ---------------------------------------------------

    def start(self, account, wait, **_):
        account.desired = Desired.RUNNING
        account.save(update_fields=["desired"])
        supervisor = live_supervisor()
        if supervisor is None:
            return self.start_here(account)
        self.await_supervisor(account, "start", is_online, wait)

    def stop(self, account, wait, **_):
        account.desired = Desired.STOPPED
        account.save(update_fields=["desired"])
        if live_supervisor() is None:
            return self.stop_here(account)
        self.await_supervisor(account, "stop", is_stopped, wait)

    def restart(self, account, wait, **_):
        if live_supervisor() is None:
            account.desired = Desired.RUNNING
            account.save(update_fields=["desired"])
            self.stop_here(account)
            return self.start_here(account)
        requested_at = timezone.now()
        account.desired, account.restart_requested_at = Desired.RUNNING, requested_at
        account.save(update_fields=["desired", "restart_requested_at"])
        self.await_supervisor(account, "restart", restarted_since(requested_at), wait)

    def await_supervisor(self, account, verb, done, wait):
        if wait_for(account, done, wait):
            self.say(account, f"{describe(account)} (the supervisor did the {verb}).")
            return True
        self.say(
            account,
            f"asked the supervisor to {verb} it; after {wait:g}s it is "
            f"{describe(account)}. The request stands.",
        )
        return False

    def start_here(self, account):
        if terminals.alive(account):
            self.say(account, f"already running, pid {account.pid}.")
            return
        try:
            ref = terminals.launch(account)
        except (terminals.TerminalError, instances.InstanceError, OSError) as exc:
            terminals.set_status(account, Status.OFFLINE, f"start failed: {exc}")
            raise CommandError(f"{account.login}: {exc}") from exc
        terminals.set_status(account, Status.STARTING, "started without a supervisor")
        self.say(
            account,
            f"started its {account.kind} terminal, pid {ref.pid}; {NO_SUPERVISOR}.",
        )

    def stop_here(self, account):
        outcome = terminals.stop_account(account)
        terminals.set_status(account, Status.STOPPED, "")
        self.say(account, f"terminal {outcome} (no supervisor running: stopped here).")
        return outcome

    # --- remove / list --------------------------------------------------------------

    def remove(self, account, wait, keep_files, yes, **_):
        if not yes:
            self.confirm(account, keep_files)
        account.desired = Desired.STOPPED
        account.save(update_fields=["desired"])
        if live_supervisor() and not self.await_supervisor(
            account, "stop", is_stopped, wait
        ):
            raise CommandError(
                f"{account.login}: its terminal still runs; not removed."
            )
        outcome = terminals.stop_account(account)
        if not keep_files:
            try:
                instances.delete_instance(settings.MT5_INSTANCES_DIR, account.login)
            except (instances.InstanceError, OSError) as exc:
                raise CommandError(
                    f"{account.login}: could not delete its folder ({exc}); "
                    "the account is kept, stopped."
                ) from exc
        account.delete()
        kept = "its folder is kept" if keep_files else "its folder is deleted"
        self.say(account, f"removed (terminal {outcome}; {kept}; history kept).")

    def confirm(self, account, keep_files):
        if not sys.stdin.isatty():
            raise CommandError(f"{account.login}: add --yes to remove it.")
        files = "" if keep_files else " and delete its folder"
        answer = input(f"Remove account {account}{files}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise CommandError("Not removed.")

    def list_accounts(self):
        accounts = list(Account.objects.all())
        if not accounts:
            self.stdout.write("No accounts yet: `manage.py accounts add <login>`.")
        else:
            now = timezone.now()
            rows = [HEADER, *(account_row(a, now) for a in accounts)]
            for line in render_table(rows):
                self.stdout.write(line)
        supervisor = live_supervisor()
        alive = f"{supervisor} is alive" if supervisor else "none is running"
        self.stdout.write(f"Supervisor: {alive}.")
