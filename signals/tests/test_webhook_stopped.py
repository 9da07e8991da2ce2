"""An alert to an account whose terminal the trader stopped is refused at
once; one whose terminal is only restarting (or died) waits in the queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Account
from history.models import Command, Signal
from history.rows import signal_row
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


def test_an_alert_to_a_stopped_account_is_refused_at_once(client, cast):
    Account.objects.filter(login="1123456").update(desired="stopped")
    response = post(client, order())
    assert response.status_code == 400, response.content
    [answer] = response.json()["accounts"]
    assert (answer["status"], answer["error"]) == ("rejected", "account_stopped")
    command = Command.objects.get()
    assert (command.status, command.status_code) == ("rejected", "account_stopped")
    assert command.queued_at is None and command.finished_at is not None
    # The history shows the order refused and why.
    [row] = signal_row(Signal.objects.get())["commands"]
    assert row["status"] == "rejected"
    assert "stopped" in row["status_reason"]


def test_a_stopped_account_among_all_is_refused_and_the_rest_queue(client, cast):
    Account.objects.filter(login="7891011").update(desired="stopped")
    response = post(client, order(account_number="all"))
    assert response.status_code == 200, response.content
    answered = {
        a["account"]: a.get("error", a["status"]) for a in response.json()["accounts"]
    }
    assert answered["1123456"] == "queued"
    assert answered["7891011"] == "account_stopped"


@pytest.mark.parametrize("status", ["stopped", "starting", "offline", "degraded"])
def test_a_terminal_that_is_restarting_still_queues_within_its_ttl(
    client, cast, settings, status
):
    Account.objects.filter(login="1123456").update(
        desired="running", status=status, restart_requested_at=timezone.now()
    )
    response = post(client, order())
    assert response.status_code == 200, response.content
    command = Command.objects.get()
    assert command.status == "queued"
    ttl = timedelta(seconds=settings.COMMAND_TTL)
    assert command.expires_at == command.received_at + ttl
