"""Two supervisors on one database, each minding its host's accounts only:
delivery, results, withdrawal, crash recovery and terminals never cross."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.bridge import delivery
from accounts.bridge.keeper import TerminalKeeper
from accounts.bridge.supervisor import Worker
from accounts.models import Account, files_dir
from history.models import Command
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def hosts(settings, tmp_path, cast):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    settings.RATE_LIMIT_WEBHOOK = "1000 per minute"
    Account.objects.filter(login="7891011").update(host="b")
    return Worker(host="", manage_terminals=False), Worker(
        host="b", manage_terminals=False
    )


def alert(client):
    body = {"accounts": ["1123456", "7891011"], "symbol": "EURUSD", "action": "BUY"}
    response = post(client, {**body, "volume": 0.1})
    assert response.status_code == 200, response.content
    return {c.account_login: c for c in Command.objects.all()}


def test_each_supervisor_delivers_its_hosts_commands_only(client, hosts):
    here, there = hosts
    commands = alert(client)
    here.refresh_accounts()
    there.refresh_accounts()
    # In no particular order: the query asks for none (PostgreSQL returns
    # an updated row after the others).
    assert (sorted(here.logins), there.logins) == (
        ["1123456", "5550001", "5550002"],
        ["7891011"],
    )
    here.deliver_batch()
    statuses = dict(Command.objects.values_list("account_login", "status"))
    assert statuses == {"1123456": "delivered", "7891011": "queued"}
    assert not files_dir("7891011").exists()
    there.deliver_batch()
    assert set(Command.objects.values_list("status", flat=True)) == {"delivered"}
    assert (files_dir("7891011") / commands["7891011"].file_name).exists()


def test_only_the_owner_settles_an_unanswered_command(client, hosts):
    here, there = hosts
    alert(client)
    for worker in hosts:
        worker.refresh_accounts()
        worker.deliver_batch()
    after = timezone.now() + timedelta(hours=1)
    assert delivery.settle_unanswered(here.all_logins, now=after) == 1
    statuses = dict(Command.objects.values_list("account_login", "status"))
    assert statuses == {"1123456": "expired", "7891011": "delivered"}
    assert delivery.settle_unanswered(there.all_logins, now=after) == 1


def test_crash_recovery_finishes_only_its_own_claims(client, hosts):
    here, there = hosts
    commands = alert(client)
    for command in commands.values():  # claimed by a supervisor that died
        assert command.claim()
    here.refresh_accounts()
    assert delivery.reconcile_claimed(here.all_logins) == 1
    assert not files_dir("7891011").exists()
    there.refresh_accounts()
    assert delivery.reconcile_claimed(there.all_logins) == 1


def test_a_keeper_checks_and_stops_only_its_hosts_terminals(hosts, monkeypatch):
    checked = []
    monkeypatch.setattr(TerminalKeeper, "check_one", lambda self, a: checked.append(a))
    TerminalKeeper("b").check()
    assert [a.login for a in checked] == ["7891011"]
    Account.objects.update(pid=99999999)  # no such process
    TerminalKeeper("b").stop_all()
    reasons = dict(Account.objects.values_list("login", "status_reason"))
    assert reasons["7891011"] == "stopped with the supervisor"
    assert reasons["1123456"] == ""
