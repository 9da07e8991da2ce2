"""The symbol list over HTTP (ea/PROTOCOL.md 7): an EA on the HTTP transport
posts what webhook_symbols.json holds, and learns from its heartbeat's answer
when the server wants a fresh one."""

import json

import pytest

from accounts.models import SymbolList
from ea.paper.symbols import SYMBOLS as PAPER
from history.tests import test_ea_api
from mapping.resolver import resolve

pytestmark = pytest.mark.django_db
URL = "/api/ea/1123456/symbols"

key = test_ea_api.key  # the main account on HTTP, and its EA key


def listing(login="1123456", entries=None, time=1764000000):
    entries = [spec.public(1.0) for spec in PAPER] if entries is None else entries
    return {"protocol": 1, "login": login, "time": time, "symbols": entries}


def post(client, key, body):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(URL, body, content_type="application/json", HTTP_X_EA_KEY=key)


def beat(client, key):
    return client.post(
        "/api/ea/1123456/heartbeat",
        json.dumps({"protocol": 1, "kind": "mt5"}),
        content_type="application/json",
        HTTP_X_EA_KEY=key,
    )


def test_it_stores_the_posted_list_as_the_keeper_stores_the_file(client, key, cast):
    answer = post(client, key, listing())
    assert (answer.status_code, answer.json()) == (200, {"stored": True, "count": 28})
    stored = SymbolList.objects.get(account=cast["main"])
    assert stored.listed_at.timestamp() == 1764000000
    us100 = next(e for e in stored.symbols if e["name"] == "US100")
    assert (us100["calc_mode"], us100["expiration_time"]) == ("futures", 1923984000)
    assert resolve(cast["main"], "NAS100").how == "rule; cash"


@pytest.mark.parametrize("given", ["", "wrong", None])
def test_a_wrong_key_is_401_and_stores_nothing(client, key, given):
    headers = {} if given is None else {"HTTP_X_EA_KEY": given}
    body = json.dumps(listing())
    answer = client.post(URL, body, content_type="application/json", **headers)
    assert (answer.status_code, answer.content) == (401, b"")
    assert not SymbolList.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "symbols"),
        (b"[1, 2]", "symbols"),
        (json.dumps({"login": "1123456"}).encode(), "symbols"),
        (json.dumps(listing(login="7891011")).encode(), "login"),
    ],
)
def test_a_bad_body_is_400_and_keeps_the_last_list(client, key, cast, body, field):
    post(client, key, listing(entries=[{"name": "EURUSD"}]))
    answer = post(client, key, body)
    assert answer.status_code == 400
    assert (answer.json()["error"], answer.json()["field"]) == ("bad_symbols", field)
    assert SymbolList.objects.get(account=cast["main"]).symbols == [{"name": "EURUSD"}]


def test_a_list_may_pass_the_upload_limit_but_not_16_mib(client, key, cast, settings):
    # 1 MiB for every other body (DATA_UPLOAD_MAX_MEMORY_SIZE); a broker
    # with 20,000 symbols lists several.
    entries = [{"name": f"S{i}", "description": "x" * 200} for i in range(8000)]
    body = json.dumps(listing(entries=entries)).encode()
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert post(client, key, body).json()["count"] == 8000
    too_big = body[:-2] + b" " * (16 * 1024 * 1024) + b"]}"
    answer = post(client, key, too_big)
    assert (answer.status_code, answer.json()["error"]) == (413, "body_too_large")
    assert SymbolList.objects.get(account=cast["main"]).count == 8000


def test_an_over_long_name_is_dropped_not_cut(client, key, cast):
    post(client, key, listing(entries=[{"name": "X" * 65}, {"name": "EURUSD"}]))
    assert SymbolList.objects.get(account=cast["main"]).symbols == [{"name": "EURUSD"}]


def test_the_heartbeat_answer_asks_for_a_list_when_one_is_wanted(
    client, key, cast, settings
):
    settings.SYMBOL_FETCH_ENABLED = True
    assert (beat(client, key).status_code, beat(client, key).json()) == (
        200,
        {"send_symbols": True},
    )
    post(client, key, listing())
    assert beat(client, key).status_code == 204
    SymbolList.request_refresh([cast["main"]])
    assert beat(client, key).json() == {"send_symbols": True}
    post(client, key, listing(time=1764000400))  # the same list, written anew
    assert SymbolList.objects.get(account=cast["main"]).refresh_requested_at is None
    assert beat(client, key).status_code == 204


def test_the_heartbeat_asks_nothing_while_fetching_is_off(client, key, cast, settings):
    settings.SYMBOL_FETCH_ENABLED = False
    SymbolList.request_refresh([cast["main"]])
    assert beat(client, key).status_code == 204
