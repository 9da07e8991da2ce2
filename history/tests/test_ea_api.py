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
