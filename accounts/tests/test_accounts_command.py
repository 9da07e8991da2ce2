"""`manage.py accounts`, end to end: with no supervisor alive it starts and
stops terminals itself; with one alive it records the wish and reports the
status the supervisor reaches."""

import io
import time
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from accounts import instances, terminals
from accounts.management.commands import accounts as command
from accounts.models import Account, Supervisor
from accounts.tests import stand_in as helpers
from accounts.tests.test_instances import make_installation
from history.models import Command, Signal

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs
paper_terminal = helpers.paper_terminal


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("accounts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def supervisor():
    return Supervisor.objects.create(pid=4242)


def supervisor_acts(monkeypatch, login, **fields):
    """While the command waits, a supervisor writes `fields` on the account."""

    def sleep(seconds):
        Account.objects.filter(login=login).update(**fields)

    fake = SimpleNamespace(monotonic=time.monotonic, sleep=sleep)
    monkeypatch.setattr(command, "time", fake)


def instance(login):
    return instances.instance_dir(None, login)


# --- add ------------------------------------------------------------------------


def test_it_adds_a_paper_account_without_starting_it(terminal_dirs):
    out, _ = run("add", "1123456", "--nickname", "main", "--no-start")
    account = Account.objects.get()
    assert (account.login, account.nickname, account.kind) == (
        "1123456",
        "main",
        "paper",
    )
    assert account.desired == "stopped"
    assert account.pid is None
    assert (instance("1123456") / "MQL5" / "Files").is_dir()
    assert "1123456: added a paper account" in out
    assert "not started" in out


def test_it_picks_mt5_only_on_windows_with_a_main_path(settings, monkeypatch):
    settings.MT5_MAIN_PATH = "C:\\MT5\\terminal64.exe"
    monkeypatch.setattr(terminals, "on_windows", lambda: False)
    assert command.default_kind() == "paper"
    monkeypatch.setattr(terminals, "on_windows", lambda: True)
    assert command.default_kind() == "mt5"
    settings.MT5_MAIN_PATH = ""
    assert command.default_kind() == "paper"


@pytest.mark.parametrize("login", ["../x", "..\\x", "/etc", "0123", "12a"])
def test_it_refuses_a_login_that_is_not_a_number_and_creates_nothing(
    terminal_dirs, settings, login
):
    with pytest.raises(CommandError, match="not an account number"):
        run("add", login)
    assert not Account.objects.exists()
    assert [p.name for p in terminal_dirs.rglob("*")] == []


def test_it_refuses_a_duplicate(terminal_dirs):
    Account.objects.create(login="1123456", nickname="first")
    with pytest.raises(CommandError, match="already exists"):
        run("add", "1123456", "--nickname", "second")
    assert Account.objects.get().nickname == "first"


def test_adding_starts_it_here_and_leaves_other_terminals_alone(paper_terminal):
    run("add", "7891011")
    other = Account.objects.get(login="7891011")
    before = terminals.current(other)
    out, _ = run("add", "1123456", "--margin-mode", "netting")
    account = Account.objects.get(login="1123456")
    assert (account.desired, account.status, account.margin_mode) == (
        "running",
        "starting",
        "netting",
    )
    assert terminals.alive(account)
    assert "no supervisor is running" in out
    other.refresh_from_db()
    assert terminals.current(other) == before
    assert terminals.alive(other)


def test_it_adds_an_mt5_account_with_a_progress_bar(terminal_dirs, settings):
    main = make_installation(terminal_dirs / "Meta Trader 5")
    settings.MT5_MAIN_PATH = str(main / "terminal64.exe")
    settings.BASE_DIR = terminal_dirs / "repo"
    (terminal_dirs / "repo" / "ea").mkdir(parents=True)
    (terminal_dirs / "repo" / "ea" / "MT5Bot.ex5").write_bytes(b"ex5")
    out, err = run("add", "1123456", "--kind", "mt5", "--no-start")
    dest = instance("1123456")
    assert (dest / "terminal64.exe").is_file()
    assert "Login=1123456" in (dest / "mt5bot.ini").read_text()
    assert (dest / "launch_mt5_1123456.bat").is_file()
    assert (dest / "MQL5" / "Experts" / "mt5bot" / "MT5Bot.ex5").is_file()
    assert "100%" in err
    assert err.startswith("\r[")
    assert "EA installed: MT5Bot.ex5" in out
    assert Account.objects.get().kind == "mt5"


def test_it_adds_no_mt5_account_without_mt5_main_path(terminal_dirs):
    with pytest.raises(CommandError, match="MT5_MAIN_PATH is not set"):
        run("add", "1123456", "--kind", "mt5")
    assert not Account.objects.exists()


def test_a_failed_copy_leaves_no_account_and_no_folder(
    terminal_dirs, settings, monkeypatch
):
    main = make_installation(terminal_dirs / "mt5")
    settings.MT5_MAIN_PATH = str(main)

    def copy_then_fail(src, dest, progress=None, **kwargs):
        (dest / "MQL5").mkdir(parents=True)
        raise OSError("No space left on device")

    monkeypatch.setattr(instances, "copy_installation", copy_then_fail)
    with pytest.raises(CommandError, match="No space left"):
        run("add", "1123456", "--kind", "mt5")
    assert not Account.objects.exists()
    assert not instance("1123456").exists()


# --- start / stop / restart without a supervisor ----------------------------------


def test_without_a_supervisor_it_starts_and_stops_the_terminal_itself(paper_terminal):
    account = Account.objects.create(login="1123456", desired="stopped")
    out, _ = run("start", "1123456")
    account.refresh_from_db()
    assert terminals.alive(account)
    assert (account.desired, account.status) == ("running", "starting")
    assert f"pid {account.pid}" in out
    assert "already running" in run("start", "1123456")[0]
    ref = terminals.current(account)

    out, _ = run("stop", "1123456")
    account.refresh_from_db()
    assert terminals.find(ref) is None
    assert (account.desired, account.status, account.pid) == (
        "stopped",
        "stopped",
        None,
    )
    assert "terminal exited" in out


def test_without_a_supervisor_it_restarts_the_terminal_itself(paper_terminal):
    account = Account.objects.create(login="1123456")
    run("start", "1123456")
    account.refresh_from_db()
    old = terminals.current(account)
    run("restart", "1123456")
    account.refresh_from_db()
    assert terminals.find(old) is None
    assert terminals.alive(account)
    assert terminals.current(account) != old


def test_it_reports_a_terminal_that_cannot_start(terminal_dirs, monkeypatch):
    monkeypatch.setattr(terminals, "on_windows", lambda: False)
    Account.objects.create(login="1123456", kind="mt5")
    with pytest.raises(CommandError, match="Windows only"):
        run("start", "1123456")
    account = Account.objects.get()
    assert account.status == "offline"
    assert "Windows only" in account.status_reason


def test_it_names_an_unknown_account(terminal_dirs):
    with pytest.raises(CommandError, match="No account 999"):
        run("stop", "999")


# --- with a supervisor alive ------------------------------------------------------


def test_with_a_supervisor_it_only_asks_and_reports_what_it_sees(
    terminal_dirs, supervisor
):
    Account.objects.create(login="1123456", desired="stopped")
    started = time.monotonic()
    out, _ = run("start", "1123456", "--wait", "0.3")
    assert time.monotonic() - started >= 0.3
    account = Account.objects.get()
    assert account.desired == "running"
    assert account.pid is None  # the supervisor starts it, not us
    assert "asked the supervisor to start it; after 0.3s it is stopped" in out


def test_with_a_supervisor_it_reports_the_start_it_did(
    terminal_dirs, supervisor, monkeypatch
):
    Account.objects.create(login="1123456", desired="stopped")
    supervisor_acts(monkeypatch, "1123456", status="online", pid=777)
    out, _ = run("start", "1123456", "--wait", "5")
    assert out.strip() == "1123456: online, pid 777 (the supervisor did the start)."


def test_with_a_supervisor_it_reports_the_stop_it_did(
    terminal_dirs, supervisor, monkeypatch
):
    Account.objects.create(login="1123456", status="online")
    supervisor_acts(monkeypatch, "1123456", status="stopped")
    out, _ = run("stop", "1123456", "--wait", "5")
    assert Account.objects.get().desired == "stopped"
    assert "1123456: stopped (the supervisor did the stop)." in out


def test_with_a_supervisor_a_restart_waits_for_a_newer_terminal(
    terminal_dirs, supervisor, monkeypatch
):
    Account.objects.create(login="1123456", status="online", pid=5, pid_created=1.0)
    out, _ = run("restart", "1123456", "--wait", "0.3")
    account = Account.objects.get()
    assert account.restart_requested_at is not None
    assert "asked the supervisor to restart it" in out  # still the old terminal

    supervisor_acts(monkeypatch, "1123456", pid=6, pid_created=time.time() + 1)
    out, _ = run("restart", "1123456", "--wait", "5")
    assert "online, pid 6 (the supervisor did the restart)" in out


# --- remove -----------------------------------------------------------------------


def test_it_removes_an_account_its_terminal_and_folder_but_keeps_history(
    paper_terminal,
):
    run("add", "1123456")
    account = Account.objects.get()
    ref = terminals.current(account)
    signal = Signal.objects.create(outcome="accepted", http_status=200)
    Command.objects.create(
        signal=signal, account=account, account_login="1123456", action="BUY"
    )
    out, _ = run("remove", "1123456", "--yes")
    assert terminals.find(ref) is None
    assert not instance("1123456").exists()
    assert not Account.objects.exists()
    assert Command.objects.get().account_login == "1123456"
    assert "removed (terminal exited; its folder is deleted" in out


def test_it_can_keep_the_folder(terminal_dirs):
    run("add", "1123456", "--no-start")
    run("remove", "1123456", "--yes", "--keep-files")
    assert not Account.objects.exists()
    assert (instance("1123456") / "MQL5" / "Files").is_dir()


def test_it_asks_before_removing(terminal_dirs, monkeypatch):
    Account.objects.create(login="1123456")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--yes"):
        run("remove", "1123456")
    assert Account.objects.exists()

    tty = SimpleNamespace(isatty=lambda: True)
    monkeypatch.setattr("sys.stdin", tty)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="Not removed"):
        run("remove", "1123456")
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    run("remove", "1123456")
    assert not Account.objects.exists()


def test_it_removes_nothing_while_the_supervisor_has_not_stopped_it(
    terminal_dirs, supervisor
):
    run("add", "1123456", "--no-start")
    Account.objects.update(status="online", desired="running")
    with pytest.raises(CommandError, match="still runs; not removed"):
        run("remove", "1123456", "--yes", "--wait", "0.2")
    assert Account.objects.get().desired == "stopped"
    assert instance("1123456").is_dir()
