"""
The permission matrix: every URL pattern of the site (pages, the REST API
with its router's routes and actions, the admin with each model's pages and
actions) and every websocket route, tried as anonymous, a login without a
role, viewer, trader and admin, against the rules in matrix.py.

A route without a rule fails `test_every_route_has_a_rule`: a new page,
endpoint, admin model or action cannot be added without saying who may use it.
"""

import json
from urllib.parse import urlsplit

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from rest_framework.authtoken.models import Token

from accounts.bridge import book
from accounts.models import Account, SymbolList
from accounts.tests import book_cast, stand_in
from history.models import Clearing
from history.tests import cast
from history.tests.cast import alert, executed
from history.tests.sockets import ARRIVES_WITHIN, ORIGIN
from mapping.models import SymbolMapping
from mt5bot import asgi, roles
from mt5bot.tests import matrix
from mt5bot.tests.matrix import ANONYMOUS, IDENTITIES, NOBODY, TO_ADMIN_LOGIN
from notifications.models import Notification

pytestmark = pytest.mark.django_db
plain_static = cast.plain_static
supervisor = cast.supervisor
terminal_dirs = stand_in.terminal_dirs

NO_ACTION = "No action selected."
# The websocket routes (mt5bot.asgi), each with a path that reaches it.
SOCKETS = {
    "ws/live/": ("/ws/live/", matrix.SEE),
    # The catch-all that refuses any other path at the handshake.
    "": ("/ws/elsewhere/", matrix.NO_ONE),
}


def walk(patterns, prefix="", namespace=None):
    """(key, pattern) for every URL pattern under `patterns`: its namespaced
    name, or its full route when it has no name."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk(pattern.url_patterns, route, inner)
        elif pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name])), pattern
        else:
            yield route, pattern


def key_of(match):
    return match.view_name if match.url_name else match.route


# --- the objects every rule acts on ----------------------------------------------


@pytest.fixture
def world(cast, supervisor, terminal_dirs, plain_static):
    main = cast["main"]
    signal = alert(["1123456"])
    command = executed(signal, "1123456")
    someone = User.objects.create_user("someone")
    symbols = SymbolList.objects.create(account=main, symbols=[{"name": "XAUUSD"}])
    book.store(main, book_cast.sample(main.login))
    notification = Notification.objects.create(
        kind="trade_result", channel="email", subject="s"
    )
    clearing = Clearing.objects.create(
        username="someone", scope="test", signals=0, commands=0
    )
    return {
        "login": main.login,
        "account": main.pk,
        "account_type": ContentType.objects.get_for_model(Account).pk,
        "signal": signal.pk,
        "command": command.pk,
        "mapping": SymbolMapping.objects.create(alias="GOLD", symbol="XAUUSD").pk,
        "symbolmapping": SymbolMapping.objects.get().pk,
        "symbollist": symbols.pk,
        "notification": notification.pk,
        "clearing": clearing.pk,
        "user": someone.pk,
        "group": Group.objects.get(name=roles.VIEWER).pk,
        # The token admin finds a token by its user's id.
        "tokenproxy": Token.objects.create(user=someone).user_id,
    }


def client_as(identity):
    """A client of `identity`. Every login is staff, the worst case (an
    operator ticked the box): the admin must hold on permissions alone."""
    client = Client()
    if identity == ANONYMOUS:
        return client
    user = User.objects.create_user(identity)
    if identity != NOBODY:
        roles.assign(user, identity)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def send(client, rule, url):
    if rule.json is not None or rule.method in ("put", "patch", "delete"):
        body = json.dumps(rule.json if rule.json is not None else {})
        return client.generic(rule.method.upper(), url, body, "application/json")
    if rule.method == "post":
        return client.post(url, rule.form)
    return client.get(url)


LOGIN_PAGES = {TO_ADMIN_LOGIN: "/admin/login/?next=", matrix.TO_LOGIN: "/login/?next="}


def answered(response, want):
    if want in LOGIN_PAGES:
        location = response.get("Location", "")
        return response.status_code == 302 and location.startswith(LOGIN_PAGES[want])
    return response.status_code in want


# --- every route has a rule, and every rule reaches its route ----------------------


def test_every_route_has_a_rule():
    walked = {key for key, _ in walk(get_resolver().url_patterns)}
    ruled = {rule.key for rule in matrix.all_rules()} | set(matrix.SHADOWED)
    assert sorted(walked - ruled) == [], "routes without a rule in matrix.py"
    assert sorted(ruled - walked) == [], "rules for routes that do not exist"
    sockets = {str(route.pattern) for route in asgi.websocket_routes}
    assert sockets == set(SOCKETS), "websocket routes without a rule"


def test_every_admin_action_has_a_rule():
    found = {
        (model._meta.label_lower, name)
        for model, model_admin in admin.site._registry.items()
        for _, name, _ in model_admin._get_base_actions()
    }
    assert found == {(label, name) for label, name, _ in matrix.action_rules()}


def test_each_rule_reaches_its_route_and_its_twins_the_same_view(world):
    patterns = list(walk(get_resolver().url_patterns))
    for rule in matrix.all_rules():
        match = resolve(urlsplit(rule.url.format(**world)).path)
        assert key_of(match) == rule.key, rule
        # A router's `.json` twin of a route runs the same view.
        twins = {p.callback for key, p in patterns if key == rule.key}
        assert twins == {match.func}, rule
    for shadowed, winner in matrix.SHADOWED.items():
        url = next(p for key, p in patterns if key == shadowed).pattern
        assert resolve(f"/admin/{url}").url_name == winner


# --- the matrix ------------------------------------------------------------------


def cases():
    for rule in matrix.all_rules():
        for identity in IDENTITIES:
            label = f"{rule.method}-{rule.url}-{identity}"
            yield pytest.param(rule, identity, id=label)


@pytest.mark.parametrize(("rule", "identity"), list(cases()))
def test_each_identity_gets_what_its_rule_says(world, rule, identity):
    url = rule.url.format(**world)
    response = send(client_as(identity), rule, url)
    want = matrix.expected(rule, identity)
    assert answered(response, want), (response.status_code, want)
    # The API's machine-readable refusal (the schema and its docs page
    # answer in their own formats, YAML and HTML).
    api_json = url.startswith("/api/") and rule.key not in ("api-schema", "api-docs")
    if response.status_code == 403 and api_json:
        assert set(response.json()) == {"detail"}
    if rule.machine:
        anonymous = send(Client(), rule, url)
        assert response.status_code == anonymous.status_code


def action_cases():
    for label, name, allowed in matrix.action_rules():
        for identity in IDENTITIES:
            yield pytest.param(
                label, name, allowed, identity, id=f"{label}.{name}-{identity}"
            )


@pytest.mark.parametrize(("label", "name", "allowed", "identity"), list(action_cases()))
def test_each_admin_action_runs_only_for_its_roles(
    world, label, name, allowed, identity
):
    app, model = label.split(".")
    url = f"/admin/{app}/{model}/"
    client = client_as(identity)
    body = {"action": name, "_selected_action": [world[model]]}
    response = client.post(url, body)
    said = [m.message for m in get_messages(response.wsgi_request)]
    # Refused: the admin says so, or (when the user may run no action of
    # this model at all) shows the list again as if nothing was posted.
    shown = [t.name for t in response.templates]
    refused = NO_ACTION in said or "admin/change_list.html" in shown
    if identity == ANONYMOUS:
        assert answered(response, TO_ADMIN_LOGIN)
    elif identity not in matrix.ADMIN_MODELS[label]["view"]:
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302)
        assert refused is (identity not in allowed), (said, shown)


# As history/tests/test_live.py: the consumer's database calls close old
# connections, which on PostgreSQL ends a test's open transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("route", list(SOCKETS))
def test_each_websocket_route_opens_only_for_its_roles(cast, route, identity):
    path, allowed = SOCKETS[route]
    client = client_as(identity)
    headers = [ORIGIN]
    if "sessionid" in client.cookies:
        headers.append(
            (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())
        )

    async def connect():
        communicator = WebsocketCommunicator(asgi.application, path, headers=headers)
        connected, _ = await communicator.connect(ARRIVES_WITHIN)
        if connected:
            # The snapshot read in full before leaving, as a page does: a
            # consumer cut off mid-read would leave the test's connection
            # to whatever the read was doing.
            snapshot = await communicator.receive_json_from(ARRIVES_WITHIN)
            assert snapshot["type"] == "snapshot"
        # Refused or not, the consumer ends as a browser's going ends it:
        # left running, it outlives the test's event loop (and hangs it).
        await communicator.disconnect(timeout=ARRIVES_WITHIN)
        return connected

    assert async_to_sync(connect)() is (identity in allowed)
