"""Thousands of generated bodies through the real view: whatever arrives past
the token check, the answer is JSON and never a 5xx, the request is in history
exactly once, and no Command is ever made for an account number that is not
all digits (it names a folder under MT5_INSTANCES_DIR).

Text values include lone UTF-16 surrogates, which JSON can escape ("\\ud800")
and no database can store. A share of the bodies aims at the numeric limits
(huge, tiny, negative, NaN, infinite and exponent volumes and prices, tickets
of thousands of digits) on accounts whose multipliers push them further; after
the run every Signal and Command is read back through the ORM, the history
rows and the API, so a row that cannot be read back fails the test.
"""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings

from accounts.models import Account, SymbolList
from history.models import Command, Signal
from history.rows import rows_for
from signals.tests.fuzz_bodies import LOGIN, bodies, content_types


@pytest.fixture
def open_intake(settings):
    """Set once for the whole run: pytest-django's `settings` stacks one
    override per assignment, and thousands of examples would overflow it."""
    settings.RATE_LIMIT_WEBHOOK = "1000000 per minute"
    settings.WEBHOOK_DEDUPE_WINDOW = 0


@pytest.fixture
def edge_cast(cast):
    """The cast, plus accounts that multiply an alert to the limits: by 100
    with no cap (issue 13's repro), by 1000, by 0.0001, one whose broker
    lists its symbols' volume limits and one whose list is nonsense."""
    Account.objects.create(login="6660100", volume_multiplier=Decimal(100))
    Account.objects.create(login="6661000", volume_multiplier=Decimal(1000))
    Account.objects.create(login="6660001", volume_multiplier=Decimal("0.0001"))
    listed = Account.objects.create(login="6660002", max_volume=Decimal(7))
    symbols = [
        {"name": name, "volume_min": 0.01, "volume_step": 0.01, "volume_max": 50}
        for name in ("EURUSD", "XAUUSD", "GBPJPY", "US30.cash")
    ]
    SymbolList.objects.create(
        account=listed, symbols=symbols, count=4, stored_at=timezone.now()
    )
    # A terminal's list is outside input too: figures no broker would send.
    odd = Account.objects.create(login="6660003")
    symbols = [
        {"name": "EURUSD", "volume_min": "x", "volume_step": 1e-30, "volume_max": -1},
        {"name": "XAUUSD", "volume_min": 1e300, "volume_step": None},
        {"name": "GBPJPY", "volume_step": 0.3, "volume_max": True},
    ]
    SymbolList.objects.create(
        account=odd, symbols=symbols, count=3, stored_at=timezone.now()
    )
    return cast


FUZZ = hsettings(
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.slow
def test_it_answers_json_and_records_every_generated_body(
    client, admin_client, edge_cast, open_intake
):
    @FUZZ
    @given(body=bodies, content_type=content_types)
    def send(body, content_type):
        check_answer(client, body, content_type)

    send()
    assert Signal.objects.count() >= 2000
    read_everything_back(admin_client)


def check_answer(client, body, content_type):
    signals_before = Signal.objects.count()
    last_command = Command.objects.order_by("-id").values_list("id", flat=True)
    last_command = last_command.first() or 0

    response = client.post(url(), body, content_type=content_type)

    assert response.status_code in (200, 400, 413, 415), response.content
    assert response["Content-Type"] == "application/json"
    answer = json.loads(response.content)
    assert Signal.objects.count() == signals_before + 1
    signal = Signal.objects.get(pk=answer["signal"])
    event(f"{response.status_code} {answer.get('error') or answer['status']}")
    for command in answer.get("accounts", ()):
        event(f"command {command.get('error') or command['status']}")
    assert signal.http_status == response.status_code
    if response.status_code == 200:
        assert answer["status"] in ("accepted", "duplicate")
        assert signal.outcome == answer["status"]
    else:
        assert set(answer) >= {"error", "detail", "field"}
        assert (signal.outcome, signal.rejection_code) == ("refused", answer["error"])
    new = Command.objects.filter(id__gt=last_command)
    assert all(
        LOGIN.fullmatch(login) for login in new.values_list("account_login", flat=True)
    )
    assert new.filter(status="queued").exists() == (signal.outcome == "accepted")
    assert not Command.objects.exclude(account_login__regex=r"^[1-9][0-9]{0,19}$")
    for command in new.filter(status="queued"):
        assert command.volume is None or command.volume <= settings.MAX_ORDER_VOLUME


def read_everything_back(client):
    """Every row, through each reader: a value its column cannot hold fails
    here (SQLite stores it and fails on the way back)."""
    signals = list(Signal.objects.all())
    commands = list(Command.objects.all())
    assert commands and len(signals) == Signal.objects.count()
    ids = [signal.pk for signal in signals]
    for start in range(0, len(ids), 500):
        assert len(rows_for(ids[start : start + 500])) == len(ids[start : start + 500])
    for kind, total in (("signals", len(signals)), ("commands", len(commands))):
        seen, page = 0, 1
        while seen < total:
            response = client.get(f"/api/{kind}/?page_size=500&page={page}")
            assert response.status_code == 200, response.content[:300]
            seen, page = seen + len(response.json()["results"]), page + 1
    assert client.get("/history/export.csv").status_code == 200


def url():
    return f"/webhook/{settings.WEBHOOK_TOKEN}"
