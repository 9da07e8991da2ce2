"""One log line per Signal and per Command transition, with the ids that tie
them together, and never the webhook token."""

import logging

import pytest
from django.conf import settings

from accounts.bridge import delivery
from history.models import Command
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO)

    def read(name):
        return [r.getMessage() for r in caplog.records if r.name == name]

    return read


def test_an_alert_logs_its_signal_and_each_command(
    client, cast, lines, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = order(account_number="1123456,999", comment=settings.WEBHOOK_TOKEN)
        signal = post(client, body).json()["signal"]
    queued, refused = Command.objects.filter(signal=signal).order_by("id")
    assert lines("mt5bot.signals") == [
        f"signal {signal} accepted from 127.0.0.1: 1 of 2 commands queued"
    ]
    assert lines("mt5bot.commands") == [
        f"command {queued.pk} queued (signal {signal}, account 1123456): "
        "BUY EURUSD 0.1",
        f"command {refused.pk} rejected (signal {signal}, account 999): "
        "unknown_account: No account with this number.",
    ]


def test_a_refused_alert_logs_why(
    client, cast, lines, django_capture_on_commit_callbacks
):
    # Logged once stored, like an accepted one: an alert answered 503 at its
    # deadline was never recorded, so it must not be logged as refused.
    with django_capture_on_commit_callbacks(execute=True):
        signal = post(client, "{not json").json()["signal"]
    [line] = lines("mt5bot.signals")
    assert line.startswith(f"signal {signal} refused (400 invalid_json): Invalid JSON")


def test_a_re_sent_alert_logs_its_original(client, cast, lines):
    first = post(client, order(id="a-1")).json()["signal"]
    again = post(client, order(id="a-1")).json()["signal"]
    assert lines("mt5bot.signals")[-1] == (
        f"signal {again} is a re-send of {first}; nothing queued"
    )


def test_delivery_and_the_result_each_log_a_line(
    client, cast, lines, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MT5_INSTANCES_DIR = tmp_path
    post(client, order(volume=0.05))
    command = Command.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.deliver(command)
        result = {"id": command.uid.hex, "status": "executed", "retcode": 10009}
        command.record_result({**result, "ticket": 42, "price": 1.085, "volume": 0.05})
    ids = f"(signal {command.signal_id}, account 1123456)"
    assert lines("mt5bot.commands")[-2:] == [
        f"command {command.pk} delivered {ids}: {command.file_name}",
        f"command {command.pk} executed {ids}: ticket 42, 0.05 at 1.085",
    ]


def test_no_line_carries_the_token(client, cast, caplog):
    caplog.set_level(logging.DEBUG)
    post(client, order(comment=settings.WEBHOOK_TOKEN))
    post(client, settings.WEBHOOK_TOKEN)
    post(client, order(), token="not-the-token")
    assert caplog.records
    assert settings.WEBHOOK_TOKEN not in caplog.text
