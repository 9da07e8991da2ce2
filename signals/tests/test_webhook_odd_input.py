"""Input that reaches a server error or overflows a column today. Each test
pins a known product bug (strict xfail): the webhook must answer every request
past the token check below 500 and record it, so TradingView does not re-send."""

from decimal import Decimal

import pytest

from history.models import Command, Signal
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "extra",
    [
        b'"comment": "\\ud800"',
        b'"symbol": "EUR\\udfffUSD"',
        b'"id": "\\ud83d"',
        b'"\\ud800": 1',
    ],
    ids=["comment", "symbol", "id", "unknown-key"],
)
def test_it_refuses_a_lone_surrogate_without_a_server_error(client, cast, extra):
    client.raise_request_exception = False
    body = b'{"account_number": "1123456", "action": "BUY", "volume": 0.1, '
    body += (b"" if b"symbol" in extra else b'"symbol": "EURUSD", ') + extra + b"}"
    response = post(client, body)
    assert response.status_code < 500
    assert Signal.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        b'{"account_number": "1123456", "action": "BUY", "symbol": "EUR\\u0000USD"}',
        b'{"account_number": "1123456", "action": "BUY", "symbol": "EURUSD", '
        b'"a\\u0000b": "{{ticker}}"}',
        b'{"account_number": "1123456", "action": "BUY", "symbol": "EURUSD", '
        b'"comment": ["x", "\\u0000"]}',
        b"1123456,buy,EUR\x00USD",
        b'{"action": "BUY"\x00}',
    ],
    ids=["escaped-value", "escaped-key", "nested", "raw-pineconnector", "raw-json"],
)
def test_it_refuses_a_nul_character_and_records_why(client, cast, body):
    """PostgreSQL text and jsonb refuse NUL; the refusal must still be stored."""
    response = post(client, body)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_character"
    signal = Signal.objects.get()
    assert signal.rejection_code == "invalid_character"
    assert "\x00" not in signal.raw_body
    assert not Command.objects.exists()


def test_it_accepts_an_escape_that_only_looks_like_nul(client, cast):
    response = post(client, order(comment="C:\\u0000"))
    assert response.status_code == 200, response.content
    assert Command.objects.get().comment == "C:\\u0000"


def test_it_keeps_the_rejection_field_within_its_column(client, cast):
    response = post(client, {**order(), "k" * 150: "{{ticker}}"})
    assert response.status_code == 400
    limit = Signal._meta.get_field("rejection_field").max_length
    assert len(Signal.objects.get().rejection_field) <= limit


def test_it_never_queues_a_volume_other_than_the_one_it_accepted(client, cast):
    response = post(client, order(volume="0.00000000001"))
    queued = Command.objects.filter(status="queued")
    if response.status_code == 200:
        assert queued.get().volume == Decimal("0.00000000001")
    else:
        assert not queued.exists()


@pytest.mark.parametrize("blank", [" ", "\n", "\t "])
def test_it_answers_alerts_with_a_blank_id_without_a_server_error(client, cast, blank):
    client.raise_request_exception = False
    first = post(client, order(id=blank))
    second = post(client, order(id=blank, volume=0.2))
    assert first.status_code == 200, first.content
    assert second.status_code < 500
    assert Signal.objects.count() == 2
