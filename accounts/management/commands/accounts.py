"""
`manage.py accounts add|list|start|stop|restart|remove`.

The supervisor owns terminal processes. This command records what the user
wants (`desired`, `restart_requested_at`) and, while a supervisor is alive,
waits for the account's status to follow. With no supervisor alive nobody else
owns the processes, so it starts or stops the terminal itself and says so.
"""

import sys
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts import ea_build, liveness, operations, profiles, terminals
from accounts.models import (
    BOUNDED_FIELDS,
    Account,
    ContractKind,
    Kind,
    MarginMode,
    Transport,
)
from accounts.operations import (  # noqa: F401 - default_kind is tested here
    default_kind,
    describe,
    is_online,
    is_stopped,
    live_supervisor,
    restarted_since,
)


def wait_for(account, done, timeout):
    # Through this module's `time`, so a test can act as the supervisor while
    # the command sleeps.
    return operations.wait_for(account, done, timeout, clock=time)


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
    seconds, lag = liveness.heartbeat_age(account, now)
    age = "-" if seconds is None else format_age(seconds)
    status = liveness.status_now(account.status, seconds, lag)
    pid = str(account.pid) if terminals.alive(account) else "-"
    balance, equity = heartbeat_figures(account.heartbeat)
    installed, running = ea_build.summary(ea_build.state(account))
    return (account.login, account.nickname or "-", account.kind, account.margin_mode,
            account.desired, status, pid, age, balance, equity,
            installed, running, account.host or "-")  # fmt: skip


HEADER = ("LOGIN", "NICKNAME", "KIND", "MARGIN", "DESIRED", "STATUS", "PID",
          "HEARTBEAT", "BALANCE", "EQUITY", "EA", "RUNS", "HOST")  # fmt: skip


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
        add.add_argument(
            "--host",
            default="",
            help="The supervisor that minds it (`supervise --host NAME`); "
            "default: the one on this machine.",
        )
        add.add_argument("--no-start", action="store_true")
        add.add_argument(
            "--volume-multiplier", help="Alert volume x this (above 0, at most 1000)."
        )
        add.add_argument(
            "--max-volume", help="Cap on opening orders (at most MAX_ORDER_VOLUME)."
        )
        add.add_argument("--magic", help="Magic number, 1 to 10^18 - 1 (not 0).")
        add.add_argument(
            "--faults",
            "--paper-faults",
            dest="paper_faults",
            metavar="PROFILE",
            help="Paper terminals only (ignored for MT5): how the paper broker "
            "misbehaves; perfect (default), realistic[:SEED] or KEY=VALUE,...",
        )
        add.add_argument(
            "--contract-kind",
            choices=ContractKind.values,
            help="Where the broker lists an instrument as a cash CFD and as a "
            "futures contract, which one alerts trade (default cash; ask: "
            "refuse as ambiguous).",
        )
        actions.add_parser("list", help="Show every account and its terminal.")
        eakey = actions.add_parser(
            "eakey", help="Make a new EA key for the HTTP transport (shown once)."
        )
        eakey.add_argument("login")
        eakey.add_argument(
            "--grace",
            type=float,
            default=0.0,
            help="Hours the old key keeps working, to paste the new one into "
            "the EA without a gap (default 0: it stops at once).",
        )
        actions.add_parser(
            "install",
            help="Make an account's terminal folder on this machine (the host "
            "of an account added elsewhere with --host).",
        ).add_argument("login")
        for name in ("add", "install"):
            actions.choices[name].add_argument(
                "--profile-from",
                choices=profiles.SOURCES,
                help="MT5: where the Default chart profile comes from (auto: "
                "the data folder's if any; default MT5_PROFILE_SOURCE).",
            )
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

    def eakey(self, account, grace, **_):
        """The old key stops at once, or after `grace` hours: paste the new
        one into the EA meanwhile."""
        if grace < 0:
            raise CommandError("--grace is a number of hours, 0 or more.")
        key = account.set_ea_key(grace=timedelta(hours=grace))
        if account.ea_key_previous_until:
            until = account.ea_key_previous_until.isoformat(timespec="minutes")
            old = f"the old one works until {until}"
        else:
            old = "the old one no longer works"
        self.say(account, f"new EA key (shown once; {old}):")
        self.stdout.write(key)

    def install(self, account, profile_from=None, **_):
        progress = ProgressBar(self.stderr)
        try:
            added = self.run(
                operations.install,
                account,
                progress=progress,
                profile_from=profile_from,
            )
        finally:
            progress.close()
        self.say(account, f"its terminal's folder is {added.instance.folder}.")
        for note in added.notes():
            self.say(account, note)

    def account(self, login):
        try:
            return Account.objects.get(login=login)
        except Account.DoesNotExist:
            raise CommandError(f"No account {login}.") from None

    def say(self, account, text):
        self.stdout.write(f"{account.login}: {text}")

    def run(self, operation, *args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except operations.OperationError as exc:
            raise CommandError(str(exc)) from exc

    # --- add -----------------------------------------------------------------

    def add(
        self,
        login,
        nickname,
        kind,
        margin_mode,
        no_start,
        wait,
        transport,
        host,
        profile_from=None,
        **opts,
    ):
        chosen = self.clean_settings(opts)
        if opts.get("contract_kind"):
            chosen["contract_kind"] = opts["contract_kind"]
        progress = ProgressBar(self.stderr)
        try:
            added = self.run(
                operations.add_account,
                login,
                nickname,
                kind=kind,
                margin_mode=margin_mode,
                transport=transport,
                progress=progress,
                host=host,
                profile_from=profile_from,
            )
        finally:
            progress.close()
        account = added.account
        if chosen:
            for name, value in chosen.items():
                setattr(account, name, value)
            account.save(update_fields=list(chosen))
        if account.kind == Kind.MT5 and "paper_faults" in chosen:
            self.say(account, "--faults is ignored: it is an MT5 account.")
        if added.instance is None:
            self.say(account, f"added a {account.kind} account for host {host!r}.")
        else:
            where = added.instance.folder
            self.say(account, f"added a {account.kind} account in {where}.")
        for note in added.notes():
            self.say(account, note)
        if no_start:
            self.say(account, "not started (--no-start).")
            return
        self.start(account, wait)

    def clean_settings(self, opts):
        """The trading settings given to `add`, checked by the model's own
        validators before anything is created."""
        given = {n: opts.get(n) for n in BOUNDED_FIELDS if opts.get(n) is not None}
        try:
            return Account.clean_settings(given)
        except ValidationError as exc:
            problems = "; ".join(
                f"--{name.replace('_', '-')}: {' '.join(messages)}"
                for name, messages in exc.message_dict.items()
            )
            raise CommandError(f"{problems} Nothing was created.") from None

    # --- start / stop / restart ---------------------------------------------------

    def start(self, account, wait, **_):
        done = self.run(operations.start, account)
        self.report(account, done, "start", is_online, wait)

    def stop(self, account, wait, **_):
        done = self.run(operations.stop, account)
        self.report(account, done, "stop", is_stopped, wait)

    def restart(self, account, wait, **_):
        done = self.run(operations.restart, account)
        finished = done.by_supervisor and restarted_since(account.restart_requested_at)
        self.report(account, done, "restart", finished, wait)

    def report(self, account, done, verb, finished, wait):
        if done.by_supervisor:
            self.await_supervisor(account, verb, finished, wait)
            return
        for line in done.lines:
            self.say(account, line)

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

    # --- remove / list --------------------------------------------------------------

    def remove(self, account, wait, keep_files, yes, **_):
        if not yes:
            self.confirm(account, keep_files)
        outcome = self.run(operations.remove, account, keep_files, wait)
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
            status = HEADER.index("STATUS")
            if any(row[status] == liveness.STALE for row in rows):
                self.stdout.write(liveness.STALE_NOTE)
        supervisor = live_supervisor()
        alive = f"{supervisor} is alive" if supervisor else "none is running"
        self.stdout.write(f"Supervisor: {alive}.")
