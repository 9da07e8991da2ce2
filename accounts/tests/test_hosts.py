"""Accounts minded by supervisors on other machines (`supervise --host`), and
EA keys rotated with a grace period."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import operations
from accounts.models import Account, Desired, Supervisor
from accounts.tests import stand_in as helpers

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs


def run(*args):
    out = io.StringIO()
    call_command("accounts", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_an_account_added_for_a_host_waits_for_that_hosts_supervisor(terminal_dirs):
    Supervisor.objects.create(pid=1, host="")  # this machine's: not the one
    out = run("add", "1123456", "--host", "vps-2")
    account = Account.objects.get()
    assert account.host == "vps-2" and account.pid is None
    assert "supervisor of host 'vps-2' is not running" in out
    assert account.desired == Desired.RUNNING
    assert operations.live_supervisor(account) is None
    there = Supervisor.objects.create(pid=2, host="vps-2")
    assert operations.live_supervisor(account) == there
    assert operations.start(account).by_supervisor


def test_stop_and_restart_never_act_here_for_another_host(terminal_dirs):
    account = Account.objects.create(login="1123456", host="vps-2")
    for operation in (operations.stop, operations.restart):
        done = operation(account)
        assert not done.by_supervisor and "not running" in done.lines[0]
    account.refresh_from_db()
    assert account.restart_requested_at is not None


def test_an_account_of_a_silent_host_with_a_terminal_is_not_removed(terminal_dirs):
    account = Account.objects.create(login="1123456", host="vps-2", pid=4321)
    with pytest.raises(operations.StillRunning, match="host 'vps-2'"):
        operations.remove(account)
    assert Account.objects.filter(pk=account.pk).exists()


def test_the_list_names_each_accounts_host(terminal_dirs):
    Account.objects.create(login="1123456", host="vps-2")
    header, row = run("list").splitlines()[:2]
    assert header.split()[-1] == "HOST" and row.split()[-1] == "vps-2"


# --- EA keys --------------------------------------------------------------------


def test_a_rotated_key_keeps_the_old_one_for_the_grace_only():
    account = Account.objects.create(login="1123456", transport="http")
    old = account.set_ea_key()
    new = account.set_ea_key(grace=timedelta(hours=1))
    now = timezone.now()
    assert account.ea_key_matches(new, now) and account.ea_key_matches(old, now)
    later = now + timedelta(hours=1, seconds=1)
    assert account.ea_key_matches(new, later) and not account.ea_key_matches(old, later)
    newest = account.set_ea_key()  # no grace: only the newest works
    assert account.ea_key_matches(newest)
    assert not account.ea_key_matches(new) and not account.ea_key_matches(old)


def test_a_first_key_has_nothing_to_keep_and_no_key_opens_nothing():
    account = Account.objects.create(login="1123456", transport="http")
    assert not account.ea_key_matches("")
    key = account.set_ea_key(grace=timedelta(hours=1))
    assert account.ea_key_previous_hash == "" and account.ea_key_previous_until is None
    assert account.ea_key_matches(key) and not account.ea_key_matches("")


def test_eakey_grace_over_the_command_line_and_http(client, terminal_dirs):
    Account.objects.create(login="1123456", transport="http")
    old = run("eakey", "1123456").split()[-1]
    out = run("eakey", "1123456", "--grace", "2")
    assert "the old one works until" in out
    new = out.split()[-1]
    for key in (old, new):
        answer = client.get("/api/ea/1123456/commands", HTTP_X_EA_KEY=key)
        assert answer.status_code == 204
    with pytest.raises(Exception, match="0 or more"):
        run("eakey", "1123456", "--grace", "-1")


def test_the_api_sets_the_host_when_adding_only(terminal_dirs, django_user_model):
    from rest_framework.test import APIClient

    from mt5bot import roles

    api = APIClient()
    user = django_user_model.objects.create_user("t", password="x")
    roles.assign(user, roles.ADMIN)
    api.force_authenticate(user)
    added = api.post(
        "/api/accounts/",
        {"login": "1123456", "host": "vps-2", "start": False},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert added.json()["account"]["host"] == "vps-2"
    moved = api.patch("/api/accounts/1123456/", {"host": "vps-3"}, format="json")
    assert moved.status_code == 200 and moved.json()["host"] == "vps-2"


def test_an_account_of_another_host_gets_its_folder_there(
    terminal_dirs, settings, tmp_path
):
    from accounts.tests.test_instances import make_installation

    # On the server: no MetaTrader, and no folder made here for it.
    out = run("add", "60123456", "--kind", "mt5", "--host", "vps-ny", "--no-start")
    assert "added a mt5 account for host 'vps-ny'" in out
    assert "accounts install 60123456" in out
    assert not (settings.MT5_INSTANCES_DIR / "60123456").exists()
    # On that host: its own installation, copied for the account.
    main = tmp_path / "MetaTrader 5"
    make_installation(main)
    settings.MT5_MAIN_PATH = str(main / "terminal64.exe")
    out = run("install", "60123456")
    folder = settings.MT5_INSTANCES_DIR / "60123456"
    assert f"folder is {folder}" in out
    assert (folder / "terminal64.exe").is_file()
    assert (folder / "MQL5" / "Files").is_dir()
