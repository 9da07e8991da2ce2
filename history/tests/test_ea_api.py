"""The protocol over HTTP: the EA's key, one command at a time, at most once."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from history.models import Command
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(cast):
    account = cast["main"]
    account.transport = "http"
    account.save()
    return account.set_ea_key()


def fetch(client, key, login="1123456"):
    return client.get(f"/api/ea/{login}/commands", HTTP_X_EA_KEY=key)


def send(client, key, path, data, login="1123456"):
    body = data if isinstance(data, bytes) else json.dumps(data)
    return client.post(
        f"/api/ea/{login}/{path}",
        body,
        content_type="application/json",
        HTTP_X_EA_KEY=key,
    )


def test_it_hands_out_each_command_once_then_answers_204(client, key):
    first = post(client, order(volume=0.1)).json()["accounts"][0]["command"]
    second = post(client, order(volume=0.2)).json()["accounts"][0]["command"]
    answers = [fetch(client, key) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 204]
    assert [a.json()["id"] for a in answers[:2]] == [
        Command.objects.get(uid=first).uid.hex,
        Command.objects.get(uid=second).uid.hex,
    ]
    assert answers[0].json()["volume"] == 0.1
    assert set(Command.objects.values_list("status", flat=True)) == {"delivered"}
    assert all(Command.objects.values_list("delivered_at", flat=True))


def test_it_expires_instead_of_handing_out_a_stale_command(client, key):
    post(client, order())
    Command.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert fetch(client, key).status_code == 204
    assert Command.objects.get().status == "expired"


@pytest.mark.parametrize("given", ["", "wrong", None])
def test_it_answers_401_with_nothing_else_to_a_bad_key(client, key, given):
    post(client, order())
    headers = {} if given is None else {"HTTP_X_EA_KEY": given}
    answer = client.get("/api/ea/1123456/commands", **headers)
    assert (answer.status_code, answer.content) == (401, b"")
    assert Command.objects.get().status == "queued"


def test_one_accounts_key_opens_no_other_account(client, key, cast):
    cast["second"].set_ea_key()
    assert fetch(client, key, login="7891011").status_code == 401
    assert fetch(client, key, login="../1123456").status_code in (401, 404)


def test_it_records_a_result_once(client, key):
    post(client, order())
    command = fetch(client, key).json()
    result = {
        "protocol": 1,
        "id": command["id"],
        "status": "executed",
        "retcode": 10009,
        "ticket": 9,
        "price": 1.2,
        "volume": 0.1,
        "message": "",
        "time": 0,
    }
    assert send(client, key, "results", result).json() == {"recorded": True}
    again = send(client, key, "results", {**result, "status": "unknown"}).json()
    assert again == {"recorded": False, "reason": "already executed"}
    stored = Command.objects.get()
    assert (stored.status, stored.result_ticket) == ("executed", 9)


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"id": "x", "protocol": 1, "status": "executed"}',
        b'{"a": {"b": 1}}',
        b"[]",
    ],
)
def test_it_refuses_a_malformed_result_with_400(client, key, body):
    assert send(client, key, "results", body).status_code == 400


def test_it_stores_a_posted_heartbeat(client, key, cast):
    beat = {"protocol": 1, "login": "1123456", "connected": True, "balance": 5.5}
    assert send(client, key, "heartbeat", beat).status_code == 204
    cast["main"].refresh_from_db()
    assert cast["main"].heartbeat == beat and cast["main"].heartbeat_at


def result_of(command_id, **fields):
    return {"protocol": 1, "id": command_id, "status": "executed", **fields}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ticket": 2**64}, "ticket"),
        ({"retcode": 2**31}, "retcode"),
        ({"message": "done\x00"}, "message"),
        ({"price": 1e300}, "price"),
    ],
    ids=["ticket", "retcode", "nul", "price"],
)
def test_it_refuses_a_result_beyond_the_limits_with_a_code(client, key, fields, field):
    post(client, order())
    command = fetch(client, key).json()
    answer = send(client, key, "results", result_of(command["id"], **fields))
    assert answer.status_code == 400
    body = answer.json()
    assert (body["error"], body["field"]) == ("bad_result", field)
    assert Command.objects.get().status == "delivered"


def test_it_refuses_a_heartbeat_with_a_nul_with_a_code(client, key, cast):
    answer = send(client, key, "heartbeat", {"protocol": 1, "server": "a\x00b"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_heartbeat"
    cast["main"].refresh_from_db()
    assert cast["main"].heartbeat is None


def test_it_refuses_a_result_for_a_command_it_never_handed_out(client, key):
    """Knowing a command's id (from a page, a log) is not having fetched it:
    an EA cannot settle what was never given to it."""
    post(client, order())
    queued = Command.objects.get()
    answer = send(client, key, "results", result_of(queued.uid.hex, retcode=10009))
    assert answer.status_code == 409
    assert answer.json()["error"] == "not_delivered"
    queued.refresh_from_db()
    assert queued.status == "queued"
    fetch(client, key)
    answer = send(client, key, "results", result_of(queued.uid.hex, retcode=10009))
    assert answer.json() == {"recorded": True}


def test_an_unknown_login_costs_the_same_key_check(client, key, monkeypatch):
    """Not a timing test: both paths hash the key and compare it twice in
    constant time, so there is nothing for a clock to tell apart."""
    from accounts import models

    calls = []
    real = models.hmac.compare_digest

    def counted(a, b):
        calls.append(len(b))
        return real(a, b)

    monkeypatch.setattr(models.hmac, "compare_digest", counted)
    assert fetch(client, "wrong-key").status_code == 401
    known, calls[:] = list(calls), []
    assert fetch(client, "wrong-key", login="9999999").status_code == 401
    assert calls == known == [64, 64]


@pytest.mark.parametrize("size", [64 * 1024 + 1, 2 * 1024 * 1024])
def test_it_refuses_an_oversized_body_with_400(client, key, size):
    body = b'{"protocol": 1, "server": "' + b"x" * size + b'"}'
    assert send(client, key, "heartbeat", body).status_code == 400


def test_a_late_result_over_http_replaces_unknown(client, key, settings):
    from accounts.bridge import delivery

    post(client, order())
    handed = fetch(client, key).json()
    command = Command.objects.get()
    deadline = timedelta(seconds=settings.COMMAND_RESULT_DEADLINE + 1)
    delivery.settle_unanswered(now=command.expires_at + deadline)
    command.refresh_from_db()
    assert (command.status, command.status_code) == ("unknown", "no_result")
    answer = send(client, key, "results", result_of(handed["id"], ticket=8))
    assert answer.json() == {"recorded": True}
    command.refresh_from_db()
    assert (command.status, command.result_ticket) == ("executed", 8)
    assert "came late" in command.status_reason
