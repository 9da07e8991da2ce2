"""How the sender behaves under floods and broken channels, with real sender
threads, a real HTTP receiver and a real (silent) SMTP socket."""

import math
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from history.models import Status
from history.tests.cast import alert, order
from notifications import channels
from notifications.models import Delivery, Notification
from notifications.tests.kit import Blackhole, drain, wait_for
from signals.tests.webhook import post

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_thousand_identical_failures_make_two_messages(notifying, cast):
    signal = alert(["1123456"])
    commands = [
        order(signal, "1123456", status=Status.DELIVERED, comment=str(i))
        for i in range(1000)
    ]
    for command in commands:
        result = {"id": command.uid.hex, "status": "rejected", "retcode": 10019}
        assert command.record_result({**result, "message": "No money"})
    drain()
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2, subjects
    assert subjects[1].endswith("(and 999 more like it)")
    assert notifying.titles() == subjects
    repeats = Notification.objects.values_list("repeats", flat=True)
    assert sorted(repeats) == [0, 0, 999, 999]  # two channels


def test_a_long_flood_costs_one_message_per_window_and_loses_no_count(
    notifying, settings, client, cast
):
    settings.NOTIFY_WINDOW = 0.25
    settings.RATE_LIMIT_WEBHOOK = "100000 per minute"
    start = time.monotonic()
    for _ in range(1000):
        assert post(client, "{not json").status_code == 400
    elapsed = time.monotonic() - start
    drain()
    emails = list(Notification.objects.filter(channel="email").order_by("id"))
    # At most one message per window, and one for the window open at the end.
    assert 2 <= len(emails) <= 2 + math.ceil(elapsed / settings.NOTIFY_WINDOW)
    # Each alert is in exactly one message: sent alone, or counted in a summary.
    assert sum(e.repeats or 1 for e in emails) == 1000
    assert len(mail.outbox) == len(emails) == len(notifying.posts)


def test_a_failing_channel_is_recorded_and_the_webhook_answers_as_ever(
    notifying, client, cast
):
    notifying.failing = True  # the receiver answers 500
    response = post(client, "{not json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"
    drain()
    apprise_row = Notification.objects.exclude(channel="email").get()
    assert apprise_row.status == Delivery.FAILED
    assert "error=500" in apprise_row.error
    assert Notification.objects.get(channel="email").status == Delivery.SENT
    assert len(notifying.posts) == 1  # it was tried, once


def test_a_silent_smtp_server_does_not_slow_the_webhook(
    notifying, settings, client, cast
):
    blackhole = Blackhole()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", blackhole.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 3.0
    try:
        start = time.monotonic()
        assert post(client, "{not json").status_code == 400
        wait_for(lambda: Notification.objects.filter(channel="email").exists())
        # While the mail server holds the sender, the webhook answers as ever
        # and the other channel still gets its message.
        answers = []
        for _ in range(50):
            began = time.monotonic()
            assert post(client, "{not json").status_code == 400
            answers.append(time.monotonic() - began)
        wait_for(lambda: len(notifying.posts) == 1)
        email = Notification.objects.get(channel="email")
        assert email.status == Delivery.SENDING
        assert blackhole.held  # the sender did connect, and is waiting
        assert max(answers) < settings.EMAIL_TIMEOUT / 3, max(answers)
        wait_for(lambda: reload(email).status == Delivery.FAILED, timeout=10)
        assert time.monotonic() - start >= settings.EMAIL_TIMEOUT
        assert "timed out" in reload(email).error
    finally:
        drain()
        blackhole.close()


def reload(row):
    row.refresh_from_db()
    return row


def test_a_bad_apprise_url_is_reported_without_showing_it(settings, caplog):
    settings.NOTIFY_URLS = ["nonsense-with-a-secret-in-it"]
    assert channels.configured() == []
    assert "NOTIFY_URLS entry 1" in caplog.text
    assert "secret" not in caplog.text


def test_an_unknown_event_name_fails_the_checks(settings):
    settings.NOTIFY_EVENTS = ["startup", "trade_exectued"]
    with pytest.raises(SystemCheckError, match="trade_exectued"):
        call_command("check")
