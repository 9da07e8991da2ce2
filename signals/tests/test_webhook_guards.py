"""Dedupe, source address, rate limit and the secrets kept out of logs."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings

from history.models import Command, Signal
from mt5bot.rates import parse_rate
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db

ORDER = order()


def test_the_same_id_never_makes_new_commands(client, cast):
    first = post(client, {**ORDER, "id": "EURUSD-2026-11-24T10:00:00Z"})
    again = post(client, {**ORDER, "id": "EURUSD-2026-11-24T10:00:00Z", "volume": 0.2})
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["original_signal"] == first.json()["signal"]
    assert Command.objects.count() == 1
    duplicate = Signal.objects.get(pk=again.json()["signal"])
    assert duplicate.outcome == "duplicate"
    assert duplicate.duplicate_of_id == first.json()["signal"]


def test_the_same_id_outside_any_window_is_still_a_duplicate(client, cast, settings):
    settings.WEBHOOK_DEDUPE_WINDOW = 0
    post(client, {**ORDER, "id": "k1"})
    Signal.objects.update(
        received_at=Signal.objects.get().received_at - timedelta(days=3)
    )
    assert post(client, {**ORDER, "id": "k1"}).json()["status"] == "duplicate"
    assert Command.objects.count() == 1


def test_an_identical_body_inside_the_window_is_a_resend(client, cast, settings):
    settings.WEBHOOK_DEDUPE_WINDOW = 10
    post(client, ORDER)
    assert post(client, ORDER).json()["status"] == "duplicate"
    assert Command.objects.count() == 1


def test_an_identical_body_after_the_window_is_a_new_alert(client, cast, settings):
    settings.WEBHOOK_DEDUPE_WINDOW = 10
    post(client, ORDER)
    old = Signal.objects.get()
    Signal.objects.filter(pk=old.pk).update(
        received_at=old.received_at - timedelta(seconds=11)
    )
    assert post(client, ORDER).json()["status"] == "accepted"
    assert Command.objects.count() == 2


def test_a_rejected_id_can_be_sent_again(client, cast):
    post(client, {**ORDER, "account_number": "999", "id": "k2"})
    assert post(client, {**ORDER, "id": "k2"}).json()["status"] == "accepted"


def test_the_allowlist_refuses_other_addresses_and_records_them(client, cast, settings):
    settings.WEBHOOK_ALLOWED_IPS = ["tradingview"]
    response = post(client, ORDER, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert response.json()["error"] == "ip_not_allowed"
    signal = Signal.objects.get()
    assert (signal.outcome, signal.rejection_code) == ("refused", "ip_not_allowed")
    assert signal.source_ip == "203.0.113.9"
    assert not Command.objects.exists()


def test_the_allowlist_admits_tradingview_directly(client, cast, settings):
    settings.WEBHOOK_ALLOWED_IPS = ["tradingview"]
    assert post(client, ORDER, REMOTE_ADDR="52.89.214.238").status_code == 200


def test_the_allowlist_takes_cidr_entries(client, cast, settings):
    settings.WEBHOOK_ALLOWED_IPS = ["198.51.100.0/24"]
    assert post(client, ORDER, REMOTE_ADDR="198.51.100.77").status_code == 200
    assert (
        post(client, {**ORDER, "id": "x"}, REMOTE_ADDR="198.51.101.1").status_code
        == 403
    )


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, cast, settings):
    settings.WEBHOOK_ALLOWED_IPS = ["tradingview"]
    ok = post(
        client, ORDER, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="34.212.75.30"
    )
    assert ok.status_code == 200
    assert Signal.objects.get().source_ip == "34.212.75.30"
    refused = post(
        client,
        {**ORDER, "id": "y"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="52.89.214.238, 203.0.113.5",
    )
    assert refused.status_code == 403  # the rightmost untrusted hop is the sender


def test_forwarding_headers_from_an_untrusted_peer_are_ignored(client, cast, settings):
    settings.WEBHOOK_ALLOWED_IPS = ["tradingview"]
    response = post(
        client,
        ORDER,
        REMOTE_ADDR="203.0.113.9",
        HTTP_CF_CONNECTING_IP="52.89.214.238",
        HTTP_X_FORWARDED_FOR="52.89.214.238",
    )
    assert response.status_code == 403


def test_the_rate_limit_answers_429_and_records_the_refusal(client, cast, settings):
    settings.RATE_LIMIT_WEBHOOK = "3 per minute"
    codes = [post(client, {**ORDER, "id": str(i)}).status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    refused = Signal.objects.filter(rejection_code="rate_limited")
    assert refused.count() == 2
    assert Command.objects.count() == 3


def test_senders_behind_one_tunnel_do_not_share_a_bucket(client, cast, settings):
    settings.RATE_LIMIT_WEBHOOK = "1 per minute"
    settings.FORWARDED_IP_HEADER = "CF-Connecting-IP"
    tunnel = {"REMOTE_ADDR": "127.0.0.1"}
    first = post(client, ORDER, HTTP_CF_CONNECTING_IP="198.51.100.1", **tunnel)
    other = post(
        client, {**ORDER, "id": "2"}, HTTP_CF_CONNECTING_IP="198.51.100.2", **tunnel
    )
    again = post(
        client, {**ORDER, "id": "3"}, HTTP_CF_CONNECTING_IP="198.51.100.1", **tunnel
    )
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10 per minute", "10/m"),
        ("100 per hour", "100/h"),
        ("5/s", "5/s"),
        ("7/10m", "7/10m"),
    ],
)
def test_it_reads_the_seed_rate_format(text, rate):
    assert parse_rate(text) == rate


def test_it_refuses_an_unreadable_rate():
    with pytest.raises(ValueError):
        parse_rate("lots")


def test_the_token_never_reaches_a_log_line(client, cast, caplog):
    caplog.set_level(logging.DEBUG)
    post(client, "not json at all")
    client.post("/webhook/wrong-token-value", "{}", content_type="application/json")
    post(client, {**ORDER, "comment": settings.WEBHOOK_TOKEN})
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "wrong-token-value" not in text
    assert settings.WEBHOOK_TOKEN not in text


def test_the_token_never_reaches_a_history_row(client, cast):
    post(client, {**ORDER, "comment": "x", "note": settings.WEBHOOK_TOKEN})
    assert settings.WEBHOOK_TOKEN not in Signal.objects.get().raw_body


def test_a_resend_stays_a_duplicate_after_its_account_was_disabled(client, cast):
    post(client, {**ORDER, "id": "k3"})
    cast["main"].enabled = False
    cast["main"].save()
    again = post(client, {**ORDER, "id": "k3"})
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert Command.objects.count() == 1
