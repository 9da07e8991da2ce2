"""An accepted alert's answer says when no supervisor is beating, so the
sender is not told `queued` for commands nobody will deliver."""

import itertools
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from accounts.models import Supervisor
from signals import presence
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db
ids = itertools.count()


def answer(client):
    response = post(client, order(id=f"presence-{next(ids)}"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    return response.json()


def stopped_beating():
    long_ago = timezone.now() - timedelta(hours=1)
    return Supervisor.objects.create(pid=1, beat_at=long_ago)


def test_a_beating_supervisor_is_not_mentioned(client, cast):
    Supervisor.objects.create(pid=4242)
    assert "supervisor" not in answer(client)


def test_a_supervisor_that_stopped_beating_is_gone(client, cast):
    stopped_beating()
    assert answer(client)["supervisor"] == "gone"


def test_a_supervisor_that_never_ran_is_none(client, cast):
    assert answer(client)["supervisor"] == "none"


def test_a_refused_alert_does_not_mention_it(client, cast):
    stopped_beating()
    response = post(client, order(account_number="999"))
    assert response.status_code == 400
    assert "supervisor" not in response.json()


def test_the_beats_are_read_at_most_once_a_second(client, cast, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(presence.time, "monotonic", lambda: clock[0])
    stopped_beating()
    assert answer(client)["supervisor"] == "gone"
    Supervisor.objects.create(pid=4242)
    clock[0] += presence.MAX_AGE / 2
    assert answer(client)["supervisor"] == "gone"  # still the cached read
    clock[0] += presence.MAX_AGE / 2
    assert "supervisor" not in answer(client)


def test_a_failed_read_of_the_beats_keeps_the_stored_alert_a_200(
    client, cast, monkeypatch
):
    def fail():
        raise DatabaseError("no such table")

    monkeypatch.setattr(Supervisor.objects, "state", fail)
    assert "supervisor" not in answer(client)
