"""The bridge tells the pages after each commit: the intake when an alert is
stored, the delivery loop when an order moves, the keeper when a terminal's
state changes."""

from contextlib import contextmanager

import pytest

from accounts.bridge import delivery
from accounts.bridge.keeper import TerminalKeeper
from accounts.models import Account
from ea import protocol
from history import live
from history.models import Command, Signal
from history.tests.test_delivery import folder, queued, result_for
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def instances(settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"


@pytest.fixture
def told(django_capture_on_commit_callbacks):
    """`with told() as sent:` what the block asked to broadcast, once its
    commits ran (the callbacks run when the block ends)."""

    @contextmanager
    def watch():
        with (
            live.recorded() as sent,
            django_capture_on_commit_callbacks(execute=True),
        ):
            yield sent

    return watch


def signals_in(sent):
    return sorted({i for kind, ids in sent if kind == "signals" for i in ids})


def commands_in(sent):
    return {i for kind, ids in sent if kind == "commands" for i in ids}


def test_a_stored_alert_is_told(client, cast, told):
    with told() as sent:
        assert post(client, order()).status_code == 200
        assert post(client, order(action="EXPLODE")).status_code == 400
        post(client, "not an alert", content_type="text/plain")
    assert signals_in(sent) == sorted(Signal.objects.values_list("pk", flat=True))


def test_an_order_that_moves_is_told(client, cast, told):
    command = queued(client)
    with told() as sent:
        delivery.deliver(command)
    assert command.pk in commands_in(sent)
    result_for(command)
    with told() as sent:
        delivery.ingest("1123456")
    assert Command.objects.get(pk=command.pk).status == "executed"
    assert command.pk in commands_in(sent)


def test_a_terminal_whose_state_changes_is_told(cast, told):
    account = Account.objects.get(login="1123456")
    folder().mkdir(parents=True, exist_ok=True)
    heartbeat = {"login": "1123456", "connected": True, "trade_allowed": True}
    protocol.write_atomic(folder(), protocol.HEARTBEAT, heartbeat)
    account.kind = "mt5"  # nothing this Linux keeper may start: only reading
    account.save()
    with told() as sent:
        TerminalKeeper().check_one(account)
    assert Account.objects.get(pk=account.pk).status == "online"
    assert ("accounts", ["1123456"]) in sent
