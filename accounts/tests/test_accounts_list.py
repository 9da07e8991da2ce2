"""`manage.py accounts list` and `eakey`, and how `add` picks a transport."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import liveness
from accounts.management.commands import accounts as command
from accounts.models import Account, Supervisor
from accounts.tests import stand_in as helpers
from accounts.tests.test_accounts_command import run

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs


@pytest.fixture
def supervisor():
    return Supervisor.objects.create(pid=4242)


# --- list -------------------------------------------------------------------------


def test_it_lists_no_accounts_and_says_so(terminal_dirs):
    out, _ = run("list")
    assert out.splitlines() == [
        "No accounts yet: `manage.py accounts add <login>`.",
        "Supervisor: none is running.",
    ]


def test_it_lists_accounts_with_their_heartbeat(terminal_dirs, supervisor):
    Account.objects.create(
        login="1123456",
        nickname="main",
        status="online",
        heartbeat={"balance": 10000, "equity": 9876.5, "currency": "USD"},
        heartbeat_at=timezone.now() - timedelta(seconds=75),
    )
    Account.objects.create(login="7891011", kind="paper", margin_mode="netting")
    lines = run("list")[0].splitlines()
    assert lines[0].split() == [
        "LOGIN",
        "NICKNAME",
        "KIND",
        "MARGIN",
        "DESIRED",
        "STATUS",
        "PID",
        "HEARTBEAT",
        "BALANCE",
        "EQUITY",
        "EA",
        "RUNS",
        "HOST",
    ]
    assert lines[1].split() == [
        "1123456",
        "main",
        "paper",
        "hedging",
        "running",
        "stale",
        "-",
        "1m",
        "10,000.00",
        "USD",
        "9,876.50",
        "USD",
        "-",
        "-",
        "-",
    ]
    assert lines[2].split()[:4] == ["7891011", "-", "paper", "netting"]
    assert lines[3] == liveness.STALE_NOTE
    assert lines[4] == "Supervisor: supervisor 4242 on this host is alive."


def status_of(login):
    lines = run("list")[0].splitlines()
    column = lines[0].split().index("STATUS")
    [row] = [line.split() for line in lines if line.startswith(login)]
    return row[column], row[column + 2]  # the status and the heartbeat's age


@pytest.fixture
def frozen(monkeypatch, settings):
    """The moment `accounts list` runs at, and the stale limit it applies."""
    settings.HEARTBEAT_STALE_AFTER = 6.0
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def beat(login, at):
    """The terminal's heartbeat file, last written `at`."""
    folder = Account.objects.get(login=login).files_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "webhook_heartbeat.json"
    path.write_text("{}")
    os.utime(path, (at.timestamp(), at.timestamp()))


def test_an_online_row_with_an_old_heartbeat_file_says_stale(terminal_dirs, frozen):
    # The row was saved 3 s ago, as the supervisor does every 10 s; the
    # terminal itself last beat 11 s ago.
    Account.objects.create(
        login="1123456", status="online", heartbeat_at=frozen - timedelta(seconds=3)
    )
    beat("1123456", frozen - timedelta(seconds=11))
    assert status_of("1123456") == ("stale", "11s")
    beat("1123456", frozen - timedelta(seconds=1))
    assert status_of("1123456") == ("online", "1s")


def test_a_row_saved_less_often_than_the_limit_is_not_called_stale_early(
    terminal_dirs, frozen
):
    """No heartbeat file here (a terminal on another host): the row's time
    may lag by the supervisor's save interval, and only beyond it is the
    heartbeat known to be stale."""
    saved = frozen - timedelta(seconds=11)
    Account.objects.create(login="1123456", status="online", heartbeat_at=saved)
    assert status_of("1123456") == ("online", "11s")
    Account.objects.filter(login="1123456").update(
        heartbeat_at=frozen - timedelta(seconds=17)
    )
    assert status_of("1123456") == ("stale", "17s")


def test_an_http_terminal_is_stale_once_its_post_is_older_than_the_limit(
    terminal_dirs, frozen
):
    Account.objects.create(
        login="1123456",
        transport="http",
        status="online",
        heartbeat_at=frozen - timedelta(seconds=11),
    )
    assert status_of("1123456") == ("stale", "11s")


@pytest.mark.parametrize(
    ("status", "age", "lag", "shown"),
    [
        ("online", 5.9, 0, "online"),
        ("online", 6.1, 0, "stale"),
        ("online", 15.0, 10, "online"),
        ("online", None, 0, "stale"),
        ("degraded", 60.0, 0, "degraded"),
        ("starting", None, 0, "starting"),
        ("stopped", 600.0, 0, "stopped"),
    ],
)
def test_only_a_claim_of_online_goes_stale(status, age, lag, shown):
    assert liveness.status_now(status, age, lag, stale_after=6.0) == shown


def test_it_lists_whether_the_ea_is_installed_and_what_runs(terminal_dirs):
    Account.objects.create(login="1000001", kind="mt5")
    experts = terminal_dirs / "instances" / "1000002" / "MQL5" / "Experts" / "mt5bot"
    experts.mkdir(parents=True)
    (experts / "MT5Bot.ex5").write_bytes(b"EX5")
    os.utime(experts / "MT5Bot.ex5", (1_736_510_400, 1_736_510_400))
    beat = {
        "protocol": 1,
        "ea_version": "mt5-1.0",
        "ea_build": "2025.01.10 14:05 mql5-4755",
    }
    Account.objects.create(login="1000002", kind="mt5", heartbeat=beat)
    paper = {"protocol": 1, "ea_version": "paper-1.0", "ea_build": "python-3.12.3"}
    Account.objects.create(login="1000003", kind="paper", heartbeat=paper)
    lines = run("list")[0].splitlines()
    ea, host = lines[0].index("EA "), lines[0].index("HOST")
    assert [line[ea:host].rstrip() for line in lines[1:4]] == [
        "NO ex5                    -",
        "ex5 2025-01-10 12:00 UTC  mt5-1.0 (2025.01.10 14:05 mql5-4755) protocol 1",
        "-                         paper-1.0 (python-3.12.3) protocol 1",
    ]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (59.9, "59s"), (60, "1m"), (7200, "2h"), (90000, "1d")],
)
def test_it_writes_ages_short(seconds, text):
    assert command.format_age(seconds) == text


def test_it_shows_no_figures_it_does_not_have():
    assert command.heartbeat_figures(None) == ("-", "-")
    assert command.heartbeat_figures({"balance": True, "equity": "x"}) == ("-", "-")


@pytest.mark.django_db
def test_eakey_prints_a_key_that_opens_only_that_account(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import Account

    settings.MT5_INSTANCES_DIR = tmp_path
    Account.objects.create(login="1123456", transport="http")
    out = StringIO()
    call_command("accounts", "eakey", "1123456", stdout=out)
    key = out.getvalue().split()[-1]
    account = Account.objects.get()
    assert account.ea_key_matches(key) and not account.ea_key_matches(key + "x")
    call_command("accounts", "eakey", "1123456", stdout=StringIO())
    account.refresh_from_db()
    assert not account.ea_key_matches(key), "a new key replaces the old one"


@pytest.mark.django_db
def test_add_takes_its_transport_from_trading_method(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import Account

    settings.MT5_INSTANCES_DIR = tmp_path
    settings.TRADING_METHOD = "http"
    call_command("accounts", "add", "1123456", "--no-start", stdout=StringIO())
    call_command(
        "accounts",
        "add",
        "7891011",
        "--no-start",
        "--transport",
        "file",
        stdout=StringIO(),
    )
    assert dict(Account.objects.values_list("login", "transport")) == {
        "1123456": "http",
        "7891011": "file",
    }
