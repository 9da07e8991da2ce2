"""
Add, start, stop, restart and remove an account: the one implementation behind
`manage.py accounts`, the REST API, the admin and the pages.

The supervisor owns terminal processes. These functions record what the user
wants (`desired`, `restart_requested_at`); while a supervisor is alive that is
all, and it acts within a pass. With no supervisor alive nobody else owns the
processes, so they start or stop the terminal here and say so. None of them
waits for a supervisor except `remove`, which must not delete the folder of a
terminal that still runs.
"""

import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from accounts import ea_build, instances, profiles, terminals
from accounts.models import Account, Desired, Kind, MarginMode, Supervisor, Transport
from accounts.models import TerminalStatus as Status
from accounts.validators import is_valid_login
from ea import metaeditor

POLL_SECONDS = 0.2
NO_SUPERVISOR = (
    "no supervisor is running, so nothing delivers its commands until "
    "`manage.py supervise` (or `serve`) runs"
)


class OperationError(Exception):
    """The operation did not happen (or stopped half-way); the text says why
    and what was left behind."""


class StillRunning(OperationError):
    """The supervisor has not stopped the terminal yet; the request stands."""


@dataclass(frozen=True)
class Done:
    """What start/stop/restart did: `by_supervisor` means the running
    supervisor was asked and acts within a pass; `lines` say what happened."""

    by_supervisor: bool
    lines: tuple[str, ...]

    @property
    def detail(self):
        return " ".join(self.lines)


@dataclass(frozen=True)
class Added:
    account: Account
    instance: instances.CreatedInstance | None  # None: made on its host
    profile: profiles.Candidate | None = None  # the Default chart profile it got
    build: ea_build.Build | None = None  # compiling the EA first, MT5 only

    def notes(self):
        """What a person should know about the new folder (MT5 only)."""
        created = self.instance
        if self.account.kind != Kind.MT5:
            return []
        if created is None:
            return [
                f"its terminal's folder is made on host {self.account.host!r}: "
                f"run `manage.py accounts install {self.account.login}` there."
            ]
        notes = list(self.build.lines) if self.build else []
        if created.reused:
            notes.append("its folder already held an installation: kept it.")
        notes.append(ea_note(created, self.account.login))
        if created.skipped:
            names = ", ".join(str(path) for path in created.skipped)
            notes.append(f"skipped files in use by the main terminal: {names}")
        return notes + self.profile_notes()

    def profile_notes(self):
        if self.profile is None:
            return []
        notes = [f"Default chart profile: {self.profile.describe()}."]
        charts = profiles.charts_with_experts(self.profile.folder)
        if charts:
            notes.append(
                f"its charts {', '.join(charts)} attach an Expert Advisor, which "
                "runs on this account's terminal too: remove it from that "
                "profile unless that is what you want."
            )
        return notes


def ea_note(created, login):
    """Whether the terminal got the compiled EA, and if not, what to do."""
    if metaeditor.PROGRAM not in created.ea_files:
        return ea_build.by_hand(login)
    if not metaeditor.is_current(ea_build.ea_dir()):
        return f"EA installed: an {metaeditor.PROGRAM} older than the EA's source."
    return f"EA installed: {metaeditor.PROGRAM}."


def default_kind():
    """Real MetaTrader 5 where it can run and is configured, else paper."""
    on_mt5 = settings.MT5_MAIN_PATH and terminals.on_windows()
    return Kind.MT5 if on_mt5 else Kind.PAPER


def default_transport():
    method = settings.TRADING_METHOD.lower()
    return method if method in Transport.values else Transport.FILE


def live_supervisor(account=None):
    """The running supervisor that minds `account` (the one of its host), or
    without one, any running supervisor."""
    alive = Supervisor.objects.alive()
    return (alive if account is None else alive.filter(host=account.host)).first()


def elsewhere(account):
    """Without its supervisor, an account of another host is left as asked:
    its terminal lives on that machine, not on this one."""
    return Done(
        False,
        (
            f"the supervisor of host {account.host!r} is not running; it acts "
            "on this when it starts.",
        ),
    )


def wait_for(account, done, timeout, clock=time):
    """Re-read the account until done(account) or `timeout` seconds pass."""
    deadline = clock.monotonic() + timeout
    while True:
        account.refresh_from_db()
        if done(account):
            return True
        left = deadline - clock.monotonic()
        if left <= 0:
            return False
        clock.sleep(min(POLL_SECONDS, left))


def is_online(account):
    return account.status == Status.ONLINE


def is_stopped(account):
    return account.status == Status.STOPPED


def describe(account):
    reason = f" ({account.status_reason})" if account.status_reason else ""
    pid = f", pid {account.pid}" if account.pid else ""
    return f"{account.status}{pid}{reason}"


# --- add -----------------------------------------------------------------------


def check_new(login, kind, host=""):
    """Raise OperationError unless an account `login` of `kind` can be added;
    return its folder (None when it lives on another host)."""
    if not is_valid_login(login):
        raise OperationError(
            f"{login!r} is not an account number (1 to 20 digits, not "
            "starting with 0); nothing was created."
        )
    if Account.objects.filter(login=login).exists():
        raise OperationError(f"Account {login} already exists.")
    if host:
        return None
    try:
        if kind == Kind.MT5:
            instances.main_terminal(settings.MT5_MAIN_PATH)
        return instances.instance_dir(settings.MT5_INSTANCES_DIR, login)
    except instances.InstanceError as exc:
        raise OperationError(f"{exc} Nothing was created.") from None


def add_account(
    login,
    nickname="",
    kind=None,
    margin_mode=MarginMode.HEDGING,
    transport=None,
    progress=None,
    host="",
    profile_from=None,
):
    """Create the account and its terminal folder, stopped; return `Added`.
    On any failure nothing is left behind (no row, no partial copy)."""
    kind = kind or default_kind()
    folder = check_new(login, kind, host)
    # Compiled before the row exists: an interrupted compile leaves nothing.
    built = ea_build.build() if kind == Kind.MT5 and folder else None
    # Created stopped: a running supervisor must not start a terminal whose
    # folder is still being copied. The caller starts it.
    try:
        account = Account.objects.create(
            login=login,
            nickname=nickname,
            kind=kind,
            margin_mode=margin_mode,
            transport=transport or default_transport(),
            host=host,
            desired=Desired.STOPPED,
        )
    except IntegrityError:
        raise OperationError(f"Account {login} already exists.") from None
    if folder is None:  # another host's: its folder is made there (`install`)
        return Added(account, None)
    had_folder = folder.exists()
    added = create_instance(account, had_folder, progress, profile_from)
    return replace(added, build=built)


def install(account, progress=None, profile_from=None):
    """Make the account's terminal folder on this machine: on the host of an
    account added elsewhere with `--host` (its supervisor starts it from
    there). Returns `Added`; keeps an installation already in place, and
    puts the EA in afresh (compiled first when it can be)."""
    built = ea_build.build() if account.kind == Kind.MT5 else None
    try:
        added = build(account, progress, profile_from)
    except (instances.InstanceError, OSError) as exc:
        raise OperationError(f"{account.login}: {exc}") from exc
    return replace(added, build=built)


def build(account, progress=None, profile_from=None):
    """The account's folder, and for a new copy of MT5 the Default chart
    profile MT5_PROFILE_SOURCE (or `profile_from`) picks."""
    created = instances.create_instance(account, progress=progress)
    if account.kind != Kind.MT5 or created.reused:
        return Added(account, created)
    main = instances.main_terminal(settings.MT5_MAIN_PATH).parent
    wanted = profile_from or settings.MT5_PROFILE_SOURCE
    return Added(account, created, profiles.apply(main, created.folder, wanted))


def create_instance(account, had_folder, progress=None, profile_from=None):
    try:
        return build(account, progress, profile_from)
    except (instances.InstanceError, OSError, KeyboardInterrupt) as exc:
        account.delete()
        leftover = "" if had_folder else remove_partial_copy(account.login)
        reason = exc if str(exc) else "interrupted"
        raise OperationError(
            f"{account.login}: {reason}; nothing was created.{leftover}"
        ) from exc


def remove_partial_copy(login):
    try:
        instances.delete_instance(settings.MT5_INSTANCES_DIR, login)
    except (instances.InstanceError, OSError) as exc:
        return f" Could not remove the partial copy: {exc}"
    return ""


# --- start / stop / restart --------------------------------------------------------


def start(account):
    account.desired = Desired.RUNNING
    account.save(update_fields=["desired"])
    if live_supervisor(account) is not None:
        return Done(True, ("asked the supervisor to start it.",))
    if account.host:
        return elsewhere(account)
    return Done(False, (start_here(account),))


def stop(account):
    account.desired = Desired.STOPPED
    account.save(update_fields=["desired"])
    if live_supervisor(account) is not None:
        return Done(True, ("asked the supervisor to stop it.",))
    if account.host:
        return elsewhere(account)
    return Done(False, (stop_here(account),))


def start_added(account):
    """Start a just-added account; a terminal that cannot start leaves the
    account in place, offline with the reason. Returns what happened, as lines
    to show."""
    try:
        return list(start(account).lines)
    except OperationError as exc:
        return [f"not started: {exc}"]


def restart(account):
    """With a supervisor, it restarts a terminal whose process predates
    `restart_requested_at`; without one, stop and start here."""
    if live_supervisor(account) is None and not account.host:
        account.desired = Desired.RUNNING
        account.save(update_fields=["desired"])
        return Done(False, (stop_here(account), start_here(account)))
    account.desired, account.restart_requested_at = Desired.RUNNING, timezone.now()
    account.save(update_fields=["desired", "restart_requested_at"])
    if live_supervisor(account) is None:
        return elsewhere(account)
    return Done(True, ("asked the supervisor to restart it.",))


def restarted_since(requested_at):
    """Done when online on a terminal started after the request (the supervisor
    restarts a terminal whose process predates restart_requested_at)."""
    requested = requested_at.timestamp()

    def done(account):
        fresh = account.pid_created is not None and account.pid_created >= requested
        return is_online(account) and fresh

    return done


def start_here(account):
    if terminals.alive(account):
        return f"already running, pid {account.pid}."
    try:
        ref = terminals.launch(account)
    except (terminals.TerminalError, instances.InstanceError, OSError) as exc:
        terminals.set_status(account, Status.OFFLINE, f"start failed: {exc}")
        raise OperationError(f"{account.login}: {exc}") from exc
    terminals.set_status(account, Status.STARTING, "started without a supervisor")
    return f"started its {account.kind} terminal, pid {ref.pid}; {NO_SUPERVISOR}."


def stop_here(account):
    outcome = terminals.stop_account(account)
    terminals.set_status(account, Status.STOPPED, "")
    return f"terminal {outcome} (no supervisor running: stopped here)."


# --- remove ----------------------------------------------------------------------


def remove(account, keep_files=False, wait=15.0):
    """Stop the terminal, delete its folder (unless `keep_files`) and the
    account; history keeps its commands. With a supervisor alive, wait up to
    `wait` seconds for it to stop the terminal, else raise StillRunning and
    leave everything but the stop request as it was. Returns how the terminal
    ended ("not running", "exited", "killed")."""
    account.desired = Desired.STOPPED
    account.save(update_fields=["desired"])
    if account.host and live_supervisor(account) is None and account.pid:
        raise StillRunning(
            f"{account.login}: its terminal may still run on host "
            f"{account.host!r}, whose supervisor is not running; not removed "
            "(the stop request stands)."
        )
    if live_supervisor(account) and not wait_for(account, is_stopped, wait):
        raise StillRunning(
            f"{account.login}: its terminal still runs; not removed (after "
            f"{wait:g}s it is {describe(account)}; the stop request stands)."
        )
    outcome = terminals.stop_account(account)
    if not keep_files:
        try:
            instances.delete_instance(settings.MT5_INSTANCES_DIR, account.login)
        except (instances.InstanceError, OSError) as exc:
            raise OperationError(
                f"{account.login}: could not delete its folder ({exc}); "
                "the account is kept, stopped."
            ) from exc
    account.delete()
    return outcome
