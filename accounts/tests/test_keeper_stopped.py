"""A terminal's last heartbeat says `stopped` (ea/PROTOCOL.md 5): the account is
down at once, not when that heartbeat goes stale."""

import json

import pytest

from accounts.bridge.keeper import TerminalKeeper, terminal_status
from accounts.models import Account
from ea import protocol

pytestmark = pytest.mark.django_db

GOOD = {"login": "1123456", "connected": True, "trade_allowed": True}
STOPPED = {**GOOD, "state": "stopped"}
GONE = ("offline", "the EA stopped (removed from its chart or closed)")


@pytest.fixture
def account(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path
    settings.HEARTBEAT_STALE_AFTER = 6
    settings.TERMINAL_START_GRACE = 30
    return Account.objects.create(login="1123456", kind="mt5")


@pytest.mark.parametrize(
    ("running", "age", "started", "expected"),
    [
        (True, 1.0, 100.0, GONE),  # the terminal runs, its EA was removed
        (False, 1.0, None, GONE),  # fresh, yet not online
        (False, 60.0, None, GONE),
        (True, 1.0, 5.0, ("starting", "waiting for the first heartbeat")),
    ],
)
def test_a_stopped_heartbeat_is_never_online(account, running, age, started, expected):
    assert terminal_status(account, running, STOPPED, age, started) == expected


def test_a_stopped_account_with_a_stopped_heartbeat_is_stopped(account):
    account.desired = "stopped"
    assert terminal_status(account, True, STOPPED, 1.0, 100.0) == ("stopped", "")


def test_the_keeper_shows_it_at_once_from_the_file(account):
    folder = protocol.files_dir(account.instance_dir().parent, account.login)
    folder.mkdir(parents=True)
    keeper = TerminalKeeper()
    protocol.write_atomic(folder, protocol.HEARTBEAT, GOOD)
    keeper.check_one(account)
    assert account.status == "online"
    protocol.write_atomic(folder, protocol.HEARTBEAT, {**STOPPED, "seq": 2})
    keeper.check_one(account)
    account.refresh_from_db()
    # Offline now, its heartbeat fresh; on Linux the reason says an MT5
    # terminal cannot be started here (can_run_here) rather than GONE's.
    assert account.status == "offline"
    assert account.heartbeat["state"] == "stopped"


def post_heartbeat(client, account, key, beat):
    return client.post(
        f"/api/ea/{account.login}/heartbeat",
        json.dumps(beat),
        content_type="application/json",
        HTTP_X_EA_KEY=key,
    )


def test_the_keeper_shows_it_at_once_over_http(client, account):
    account.transport = "http"
    account.save()
    key = account.set_ea_key()
    assert post_heartbeat(client, account, key, GOOD).status_code == 204
    keeper = TerminalKeeper()
    keeper.check_one(Account.objects.get())
    assert post_heartbeat(client, account, key, STOPPED).status_code == 204
    keeper.check_one(Account.objects.get())
    account.refresh_from_db()
    assert account.status == "offline"


def test_a_heartbeat_of_an_unknown_state_is_refused(client, account):
    account.transport = "http"
    account.save()
    key = account.set_ea_key()
    answer = post_heartbeat(client, account, key, {**GOOD, "state": "napping"})
    assert answer.status_code == 400
    assert (answer.json()["error"], answer.json()["field"]) == (
        "bad_heartbeat",
        "state",
    )
