"""What the supervisor calls an account's state, from what it can see."""

import pytest

from accounts.bridge.keeper import TerminalKeeper, terminal_status
from accounts.models import Account
from ea import protocol

pytestmark = pytest.mark.django_db

GOOD = {"login": "1123456", "connected": True, "trade_allowed": True}


@pytest.fixture
def account(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path
    settings.HEARTBEAT_STALE_AFTER = 6
    settings.TERMINAL_START_GRACE = 30
    return Account.objects.create(login="1123456")


@pytest.mark.parametrize(
    ("running", "heartbeat", "age", "started", "expected"),
    [
        (True, GOOD, 1.0, 100.0, ("online", "")),
        (False, GOOD, 1.0, None, ("online", "")),  # started by hand
        (True, GOOD, 7.0, 100.0, ("degraded", "terminal running but its EA is silent")),
        (True, None, None, 5.0, ("starting", "waiting for the first heartbeat")),
        (True, None, None, 31.0, ("degraded", "terminal running but its EA is silent")),
        (False, GOOD, 60.0, None, ("offline", "terminal not running")),
        (False, None, None, None, ("offline", "terminal not running")),
        (
            True,
            {**GOOD, "connected": False},
            1.0,
            100.0,
            ("degraded", "terminal not connected to the trade server"),
        ),
        (
            True,
            {**GOOD, "trade_allowed": False},
            1.0,
            100.0,
            (
                "degraded",
                "automated trading is not allowed (Algo Trading button or account)",
            ),
        ),
        (
            True,
            {**GOOD, "login": "999"},
            1.0,
            100.0,
            ("degraded", "terminal is logged in to 999, not 1123456"),
        ),
    ],
)
def test_it_calls_online_only_what_its_heartbeat_proves(
    account, running, heartbeat, age, started, expected
):
    assert terminal_status(account, running, heartbeat, age, started) == expected


def test_it_calls_a_stopped_account_stopped(account):
    account.desired = "stopped"
    assert terminal_status(account, False, None, None, None) == ("stopped", "")
    # at once, not when the heartbeat it left behind goes stale
    assert terminal_status(account, False, GOOD, 1.0, None) == ("stopped", "")
    # still running though asked to stop: what it reports
    assert terminal_status(account, True, GOOD, 1.0, 100.0) == ("online", "")


def test_it_reads_the_heartbeat_file_and_records_the_status(account):
    folder = protocol.files_dir(account.instance_dir().parent, account.login)
    folder.mkdir(parents=True)
    protocol.write_atomic(folder, protocol.HEARTBEAT, {**GOOD, "balance": 1000.5})
    account.kind = "mt5"  # nothing this Linux keeper may start: only reading
    account.save()
    TerminalKeeper().check_one(account)
    account.refresh_from_db()
    assert (account.status, account.status_reason) == ("online", "")
    assert account.heartbeat["balance"] == 1000.5 and account.heartbeat_at


def test_it_keeps_the_last_good_heartbeat_when_a_file_is_torn(account):
    folder = protocol.files_dir(account.instance_dir().parent, account.login)
    folder.mkdir(parents=True)
    keeper = TerminalKeeper()
    protocol.write_atomic(folder, protocol.HEARTBEAT, GOOD)
    assert keeper.read_heartbeat(account.login)[0] == GOOD
    (folder / protocol.HEARTBEAT).write_text('{"login": "11')
    assert keeper.read_heartbeat(account.login)[0] == GOOD


# --- an MT5 terminal that runs and gives no heartbeat ---------------------------------


def test_a_silent_mt5_terminal_without_the_ea_says_it_lacks_the_ex5(account):
    account.kind = "mt5"
    status = terminal_status(account, True, None, None, 31.0, ea_installed=False)
    assert status == (
        "degraded",
        "terminal running without the EA: no MT5Bot.ex5 in its "
        "MQL5\\Experts\\mt5bot; compile the EA, then run `manage.py accounts "
        "install 1123456` (README.md, Real MT5 on Windows)",
    )
    # A stale heartbeat changes nothing: the program is not there now.
    assert terminal_status(account, True, GOOD, 9.0, 99.0, False) == status


def test_a_silent_mt5_terminal_with_the_ea_names_the_likely_reasons(account):
    account.kind = "mt5"
    built = "2025-01-10 12:00"  # installed: a time, whatever its type
    assert terminal_status(account, True, None, None, 31.0, built) == (
        "degraded",
        "terminal running but its EA never gave a heartbeat: log in to the "
        "account once in the terminal's window; is the EA on a chart, and "
        "Algo Trading on?",
    )
    # One that gave heartbeats before and went quiet: no guess.
    assert terminal_status(account, True, GOOD, 9.0, 99.0, built) == (
        "degraded",
        "terminal running but its EA is silent",
    )


class Ref:
    """A terminal process as the keeper records it: started long ago."""

    pid, created = 4242, 0.0


def test_the_keeper_looks_for_the_ex5_of_a_silent_mt5_terminal(account):
    account.kind = "mt5"
    account.save()
    experts = account.instance_dir() / "MQL5" / "Experts" / "mt5bot"
    experts.mkdir(parents=True)
    keeper = TerminalKeeper()
    keeper.record(account, Ref())
    account.refresh_from_db()
    assert account.status == "degraded"
    assert account.status_reason.startswith("terminal running without the EA")
    (experts / "MT5Bot.ex5").write_bytes(b"EX5")
    keeper.record(account, Ref())
    account.refresh_from_db()
    assert "never gave a heartbeat" in account.status_reason
