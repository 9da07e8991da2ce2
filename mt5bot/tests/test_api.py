"""The REST API's history (read-only, filtered), mappings, health, per-user
rate, schema, and no secret in any answer."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from accounts.models import Account, Supervisor
from accounts.tests import stand_in as helpers
from history.models import Command, Signal
from mapping.models import SymbolMapping
from mt5bot import roles
from mt5bot.tests.endpoints import ENDPOINTS
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db
terminal_dirs = helpers.terminal_dirs
stand_in = helpers.stand_in


# --- signals and commands ---------------------------------------------------------


def test_it_lists_signals_newest_first_with_their_commands(api, history):
    body = api.get("/api/signals/").json()
    assert body["count"] == 3
    newest, middle, oldest = body["results"]
    assert [s["outcome"] for s in body["results"]] == [
        "refused",
        "accepted",
        "accepted",
    ]
    assert [c["account_login"] for c in middle["commands"]] == ["1123456", "7891011"]
    assert middle["commands"][0]["original_symbol"] == "OANDA:XAUUSD"
    assert newest["rejection_code"] == "no_account_accepted"
    assert '"symbol": "EURUSD"' in oldest["raw_body"]
    assert api.get(f"/api/signals/{oldest['id']}/").json() == oldest


def test_it_filters_signals_by_outcome_and_time(api, history):
    first, second, third = history
    Signal.objects.filter(pk=first.pk).update(
        received_at=timezone.now() - timedelta(days=2)
    )
    refused = api.get("/api/signals/", {"outcome": "refused"}).json()["results"]
    assert [s["id"] for s in refused] == [third.pk]
    assert refused[0]["outcome"] == "refused"
    # Its former name, for the scripts written before it had its own.
    former = api.get("/api/signals/", {"outcome": "rejected"}).json()["results"]
    assert former == refused
    since = (timezone.now() - timedelta(days=1)).isoformat()
    recent = api.get("/api/signals/", {"since": since}).json()["results"]
    assert {s["id"] for s in recent} == {second.pk, third.pk}
    older = api.get("/api/signals/", {"until": since}).json()["results"]
    assert [s["id"] for s in older] == [first.pk]
    response = api.get("/api/signals/", {"outcome": "lost", "since": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()) == {"outcome", "since"}


def test_the_format_filter_is_a_filter_not_the_answer_format(api, history):
    # DRF reads ?format= as the renderer: this once answered 404.
    response = api.get("/api/signals/", {"format": "pineconnector"})
    assert response.status_code == 200
    assert response.json()["results"] == []
    formats = {s["format"] for s in api.get("/api/signals/").json()["results"]}
    kept = api.get("/api/signals/", {"format": "json"}).json()["results"]
    assert "json" in formats and {s["format"] for s in kept} == {"json"}


def test_an_unknown_api_path_answers_json_and_a_page_answers_html(api):
    response = api.get("/api/signals/not-a-number/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    page = api.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_the_api_reads_json_only(api, cast):
    form = api.post("/api/mappings/", {"alias": "GOLD", "symbol": "XAUUSD"})
    assert form.status_code == 415
    sent = api.post(
        "/api/mappings/", {"alias": "GOLD", "symbol": "XAUUSD"}, format="json"
    )
    assert sent.status_code == 201


def test_it_pages_signals(api, history):
    first = api.get("/api/signals/", {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    rest = api.get(first["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None


def test_signals_cost_the_same_few_queries_however_many(
    api, history, django_assert_max_num_queries
):
    for n in range(5):
        post(api, order(account_number="all", id=f"alert-{n}"))
    # "all" is every enabled account: three, one of them paused.
    assert Signal.objects.count() == 8 and Command.objects.count() == 19
    # Session, user, its permissions (own and its groups'), count, page,
    # commands, and one spare.
    with django_assert_max_num_queries(8):
        assert len(api.get("/api/signals/").json()["results"]) == 8
    with django_assert_max_num_queries(8):
        assert len(api.get("/api/commands/").json()["results"]) == 19


def test_a_command_shows_exactly_what_the_terminal_received(api, history):
    command = Command.objects.get(symbol="EURUSD", account_login="1123456")
    body = api.get(f"/api/commands/{command.pk}/").json()
    assert body["protocol"] == command.as_protocol()
    assert body["protocol"]["volume"] == 0.1
    assert (body["volume"], body["status"], body["signal"]) == (
        0.1,
        "queued",
        command.signal_id,
    )


def test_it_filters_commands(api, history):
    def found(**query):
        response = api.get("/api/commands/", query)
        assert response.status_code == 200, response.json()
        return sorted(
            (c["account_login"], c["symbol"]) for c in response.json()["results"]
        )

    assert found(account="7891011") == [("7891011", "XAUUSD")]
    assert found(symbol="xauusd") == [("1123456", "XAUUSD"), ("7891011", "XAUUSD")]
    assert found(symbol="oanda:xauusd", account="1123456") == [("1123456", "XAUUSD")]
    assert found(status="executed") == []
    eurusd = Command.objects.get(symbol="EURUSD", account_login="1123456")
    Command.objects.filter(pk=eurusd.pk).update(status="executed")
    assert found(status="executed") == [("1123456", "EURUSD")]
    assert found(signal=str(eurusd.signal_id)) == [("1123456", "EURUSD")]
    Command.objects.filter(pk=eurusd.pk).update(
        received_at=timezone.now() - timedelta(hours=3)
    )
    hour_ago = (timezone.now() - timedelta(hours=1)).isoformat()
    assert found(until=hour_ago) == [("1123456", "EURUSD")]
    assert len(found(since=hour_ago)) == 3
    response = api.get("/api/commands/", {"account": "../x", "status": "done"})
    assert response.status_code == 400
    assert set(response.json()) == {"account", "status"}


def test_history_cannot_be_written(api, history):
    command = Command.objects.first()
    assert api.delete(f"/api/commands/{command.pk}/").status_code == 405
    assert api.post("/api/signals/", {}, format="json").status_code == 405
    assert Command.objects.filter(pk=command.pk).exists()


# --- mappings -----------------------------------------------------------------------


def test_it_creates_reads_updates_and_deletes_mappings(api, cast):
    made = api.post(
        "/api/mappings/", {"alias": "goldspot", "symbol": " XAUUSD "}, format="json"
    )
    assert made.status_code == 201, made.json()
    assert made.json()["alias"] == "GOLDSPOT" and made.json()["account"] is None
    scoped = api.post(
        "/api/mappings/",
        {"alias": "GOLDSPOT", "symbol": "GOLD", "account": "1123456"},
        format="json",
    )
    assert scoped.status_code == 201, scoped.json()
    url = f"/api/mappings/{scoped.json()['id']}/"
    assert (
        api.patch(url, {"note": "broker B"}, format="json").json()["note"] == "broker B"
    )
    listed = api.get("/api/mappings/").json()["results"]
    assert [(m["account"], m["symbol"]) for m in listed] == [
        (None, "XAUUSD"),
        ("1123456", "GOLD"),
    ]
    assert api.delete(url).status_code == 204
    assert SymbolMapping.objects.count() == 1


def test_it_refuses_a_second_mapping_of_one_alias_in_one_scope(api, cast):
    api.post("/api/mappings/", {"alias": "gold", "symbol": "XAUUSD"}, format="json")
    again = api.post(
        "/api/mappings/", {"alias": "OANDA:Gold", "symbol": "X"}, format="json"
    )
    assert again.status_code == 400
    assert again.json() == {"alias": ["This alias is already mapped globally."]}
    other = api.post(
        "/api/mappings/", {"alias": "silver", "symbol": "XAG"}, format="json"
    )
    url = f"/api/mappings/{other.json()['id']}/"
    assert api.patch(url, {"alias": "gold"}, format="json").status_code == 400
    assert api.patch(url, {"symbol": "XAGUSD"}, format="json").status_code == 200
    unknown = api.post(
        "/api/mappings/", {"alias": "x", "symbol": "y", "account": "42"}, format="json"
    )
    assert unknown.status_code == 400 and "account" in unknown.json()


def test_it_resolves_a_symbol_on_each_account(api, cast):
    SymbolMapping.objects.create(alias="gold", symbol="XAUUSD.m", account=cast["main"])
    body = api.get("/api/mappings/resolve/", {"symbol": "OANDA:GOLD"}).json()
    assert body["symbol"] == "OANDA:GOLD"
    rows = {row["account"]: row for row in body["accounts"]}
    assert set(rows) == {"1123456", "7891011", "5550001", "5550002"}
    assert rows["1123456"]["symbol"] == "XAUUSD.m"
    assert rows["1123456"]["refused"] == ""
    assert rows["7891011"]["symbol"] == "GOLD"
    one = api.get("/api/mappings/resolve/", {"symbol": "GOLD", "account": "7891011"})
    assert [row["account"] for row in one.json()["accounts"]] == ["7891011"]
    assert (
        api.get("/api/mappings/resolve/", {"symbol": "X", "account": "42"}).status_code
        == 404
    )
    assert api.get("/api/mappings/resolve/").status_code == 400


# --- health ---------------------------------------------------------------------------


def test_health_is_the_public_body_plus_each_account(api, client, cast, supervisor):
    Account.objects.filter(login="1123456").update(status="online")
    public = client.get("/health").json()
    body = api.get("/api/health/").json()
    assert {k: v for k, v in body.items() if k != "account_list"} == public
    assert body["status"] == "ok" and body["terminals"]["online"] == 1
    rows = {row["login"]: row for row in body["account_list"]}
    assert set(rows) == {"1123456", "7891011", "5550001", "5550002"}
    assert rows["1123456"]["status"] == "online"
    assert rows["5550001"]["enabled"] is False
    assert "1123456" not in client.get("/health").content.decode()


def test_health_answers_503_like_health_when_the_supervisor_is_gone(api, cast):
    Supervisor.objects.create(pid=1, beat_at=timezone.now() - timedelta(hours=1))
    response = api.get("/api/health/")
    assert response.status_code == 503
    assert response.json()["supervisor"] == "gone"


# --- rate -------------------------------------------------------------------------------


def test_each_user_gets_the_configured_rate_then_429(api, cast, settings):
    settings.RATE_LIMIT_API = "3 per minute"
    assert [api.get("/api/accounts/").status_code for _ in range(3)] == [200] * 3
    refused = api.post("/api/accounts/1123456/stop/")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert "throttled" in refused.json()["detail"]
    assert int(refused["Retry-After"]) <= 60
    assert Account.objects.get(login="1123456").desired == "running"
    other = APIClient()
    other_user = User.objects.create_user("other")
    roles.assign(other_user, roles.VIEWER)
    other.force_login(other_user)
    assert other.get("/api/accounts/").status_code == 200


@pytest.mark.parametrize("rate", ["1000 per hour", "100/h", "10/5m", "2 per second"])
def test_the_default_rate_and_the_seed_formats_let_a_dashboard_poll(
    api, cast, settings, rate
):
    settings.RATE_LIMIT_API = rate
    codes = {api.get("/api/health/").status_code for _ in range(2)}
    assert codes == {200}


# --- schema, docs, secrets ------------------------------------------------------------------


def test_the_schema_is_valid_openapi_naming_every_endpoint(api):
    GENERATOR_STATS.reset()
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert not GENERATOR_STATS, "drf-spectacular warned while generating"
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path, methods in {
        "/api/accounts/": {"get", "post"},
        "/api/accounts/{login}/": {"get", "put", "patch", "delete"},
        "/api/accounts/{login}/start/": {"post"},
        "/api/accounts/{login}/stop/": {"post"},
        "/api/accounts/{login}/restart/": {"post"},
        "/api/accounts/{login}/book/": {"get"},
        "/api/accounts/{login}/equity/": {"get"},
        "/api/accounts/{login}/pnl/": {"get"},
        "/api/signals/": {"get"},
        "/api/signals/{id}/": {"get"},
        "/api/commands/": {"get"},
        "/api/commands/{id}/": {"get"},
        "/api/mappings/": {"get", "post"},
        "/api/mappings/{id}/": {"get", "put", "patch", "delete"},
        "/api/mappings/resolve/": {"get"},
        "/api/health/": {"get"},
    }.items():
        assert methods <= set(paths[path]), path
    names = {p["name"] for p in paths["/api/commands/"]["get"]["parameters"]}
    assert {"account", "status", "symbol", "since", "until", "page"} <= names
    assert not any(path.startswith(("/api/ea/", "/webhook")) for path in paths)
    answers = paths["/api/accounts/{login}/start/"]["post"]["responses"]
    assert {"202", "401", "403", "404", "409", "429"} <= set(answers)
    assert "400" not in answers  # it takes no input
    assert "400" in paths["/api/mappings/"]["post"]["responses"]
    assert api.get("/api/schema/").content.startswith(b"openapi: 3")


def test_the_docs_page_is_swagger_ui_served_from_our_own_origin(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]*)"', response.content.decode())
    assert any(url.endswith("/swagger-ui-bundle.js") for url in assets)
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        assert api.get(url).status_code == 200, url
    script = api.get("/api/docs/?script=").content.decode()
    assert 'url: "/api/schema/"' in script
    assert "validatorUrl" in script and "https://" not in script


def test_no_answer_carries_a_secret(api, client, cast, terminal_dirs, supervisor):
    key = cast["main"].set_ea_key()
    token = settings.WEBHOOK_TOKEN
    post(client, order(comment=token, id=token))
    post(client, f'1123456,buy,EURUSD,risk=0.1,comment="{token}"', "text/plain")
    SymbolMapping.objects.create(alias="gold", symbol="XAUUSD")
    command = Command.objects.first()
    urls = [url for method, url in ENDPOINTS if method == "get"]
    urls += [f"/api/commands/{command.pk}/", f"/api/signals/{command.signal_id}/"]
    urls += ["/api/schema/?format=json", "/api/mappings/resolve/?symbol=gold"]
    bodies = [api.get(url).content.decode() for url in urls]
    bodies.append(api.post("/api/accounts/1123456/restart/").content.decode())
    secrets = [token, key, cast["main"].ea_key_hash, settings.SECRET_KEY]
    for url, body in zip(urls, bodies, strict=False):
        assert not [s for s in secrets if s in body], url
    assert "***" in api.get(f"/api/signals/{command.signal_id}/").content.decode()
