"""Generated requests against the EA's HTTP endpoints (ea/PROTOCOL.md §7):
whatever arrives, the answer is a 2xx, 400 or 401, never a 5xx; a result is
recorded at most once, only for that account's own command, and only with a
status the protocol names; no file appears anywhere."""

import json
import string

import pytest
from django.conf import settings
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ea import protocol
from history.models import Command
from signals.tests.webhook import order, post

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EXAMPLES = 400
FUZZ = hsettings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Values of every JSON type, nested ones included (which the protocol refuses).
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
    max_leaves=5,
)
# Characters a URL path carries as they are ("%" would decode, "/" split).
PATH_CHARS = "".join(
    c
    for c in string.ascii_letters + string.digits + string.punctuation
    if c not in "/?#%"
)
logins = st.sampled_from(
    ["1123456", "7891011", "0", "../1123456", "01123456"]
) | st.text(alphabet=PATH_CHARS, max_size=12)


@pytest.fixture
def ea(client, cast, settings):
    """Account 1123456 on HTTP with a key, and a command handed out to it."""
    settings.RATE_LIMIT_WEBHOOK = "1000000 per minute"
    account = cast["main"]
    account.transport = "http"
    account.save()
    key = account.set_ea_key()
    post(client, order())
    handed = client.get("/api/ea/1123456/commands", HTTP_X_EA_KEY=key).json()
    return key, handed["id"]


def routable(login):
    """An empty login, or one with a slash, routes nowhere (404), never to
    another account."""
    return bool(login) and "/" not in login


def routed(login, *codes):
    return codes if routable(login) else (404,)


def files_in(root):
    return sorted(p for p in root.rglob("*")) if root.exists() else []


def results(real_id):
    """Well-formed results for the handed-out command, and anything else."""
    valid = st.fixed_dictionaries(
        {
            "protocol": st.just(1),
            "id": st.just(real_id),
            "status": st.sampled_from(protocol.RESULT_STATUSES),
        },
        optional={"retcode": values, "ticket": values, "message": values},
    )
    return valid | fuzzed(real_id)


def fuzzed(real_id):
    fields = {
        "protocol": st.sampled_from([1, 1.0, True, 2, "1"]) | values,
        "id": st.sampled_from([real_id, real_id.upper(), "0" * 32, ""]) | values,
        "status": st.sampled_from([*protocol.RESULT_STATUSES, "EXECUTED", "done"]),
        "retcode": st.sampled_from([10009, 10030, 0]) | values,
        "ticket": st.integers() | values,
        "price": st.floats() | values,
        "volume": st.floats() | values,
        "message": values,
    }
    return st.fixed_dictionaries({}, optional=fields)


def body_of(draw_value):
    return json.dumps(draw_value, allow_nan=True).encode()


@FUZZ
@given(data=st.data())
def test_results_never_fail_and_record_only_what_the_protocol_allows(client, ea, data):
    key, real_id = ea
    before = files_in(settings.MT5_INSTANCES_DIR)
    login = data.draw(st.just("1123456") | st.just("1123456") | logins, label="login")
    given_key = data.draw(st.sampled_from([key, key, key + "x", ""]), label="key")
    raw = data.draw(
        st.builds(body_of, results(real_id)) | st.binary(max_size=200), label="body"
    )
    response = client.post(
        f"/api/ea/{login}/results",
        raw,
        content_type="application/json",
        HTTP_X_EA_KEY=given_key,
    )
    event(str(response.status_code))
    assert response.status_code in routed(login, 200, 400, 401), response.content
    command = Command.objects.get(uid=real_id.replace("-", ""))
    if response.status_code == 200 and response.json()["recorded"]:
        event("recorded")
        sent = json.loads(raw)
        assert login == "1123456" and given_key == key
        assert command.status == sent["status"]
        again = client.post(
            "/api/ea/1123456/results",
            raw,
            content_type="application/json",
            HTTP_X_EA_KEY=key,
        )
        assert again.json()["recorded"] is False
    else:
        assert command.status in ("delivered", *protocol.RESULT_STATUSES)
    assert files_in(settings.MT5_INSTANCES_DIR) == before


@FUZZ
@given(data=st.data())
def test_heartbeats_and_fetches_never_fail(client, ea, data):
    key, _ = ea
    login = data.draw(st.just("1123456") | logins, label="login")
    given_key = data.draw(st.sampled_from([key, "", "x" * 64]), label="key")
    raw = data.draw(
        st.builds(body_of, st.dictionaries(st.text(max_size=10), values, max_size=6))
        | st.binary(max_size=200),
        label="body",
    )
    beat = client.post(
        f"/api/ea/{login}/heartbeat",
        raw,
        content_type="application/json",
        HTTP_X_EA_KEY=given_key,
    )
    fetch = client.get(f"/api/ea/{login}/commands", HTTP_X_EA_KEY=given_key)
    event(f"heartbeat {beat.status_code}, fetch {fetch.status_code}")
    assert beat.status_code in routed(login, 204, 400, 401), beat.content
    assert fetch.status_code in routed(login, 200, 204, 401), fetch.content
    if routable(login) and (given_key != key or login != "1123456"):
        assert (beat.status_code, fetch.status_code) == (401, 401)
        assert beat.content == fetch.content == b""
