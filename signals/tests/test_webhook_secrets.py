"""The webhook token is never stored or shown, wherever a sender puts it: in
the id, the comment, a PineConnector line, a key, an escape, across the
body's cut. History rows, the CSV export, the admin and the log hold at most
`***`, and not even the head of the token a cut comment would keep."""

import json
import logging
from urllib.parse import quote

import pytest
from django.db.models import TextField

from history.models import Command, Signal
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db

# As long as setup makes them: a cut to MT5's 31-character comment keeps most.
TOKEN = "tok-9Xq2LmR7vB4nK8wZ3pT6yH1cF5gJ0sD2aE7uQ"
HEAD = TOKEN[:12]


@pytest.fixture(autouse=True)
def long_token(settings):
    settings.WEBHOOK_TOKEN = TOKEN


def json_escaped(text):
    return "".join(f"\\u{ord(ch):04x}" for ch in text)


def stored_text():
    """Every text column of every Signal and Command, as one string."""
    parts = []
    for model in (Signal, Command):
        for row in model.objects.values():
            parts.append(json.dumps(row, default=str, ensure_ascii=False))
    return "\n".join(parts)


def shown_text(client):
    """What the export and the admin show of every Signal and Command."""
    pages = [client.get("/history/export.csv").content.decode()]
    for signal in Signal.objects.all():
        pages.append(client.get(f"/admin/history/signal/{signal.pk}/change/"))
    for command in Command.objects.all():
        pages.append(client.get(f"/admin/history/command/{command.pk}/change/"))
    return "\n".join(p if isinstance(p, str) else p.content.decode() for p in pages)


def assert_nowhere(admin_client, caplog, *answers):
    everything = "\n".join(
        [stored_text(), shown_text(admin_client), caplog.text]
        + [answer.content.decode() for answer in answers]
    )
    # In any case: PineConnector keys are read lower-cased.
    assert HEAD.lower() not in everything.lower()
    assert "***" in stored_text()


SENDERS = {
    "in the id": lambda: order(id=TOKEN),
    "in the comment": lambda: order(comment=TOKEN),
    "as the symbol's prefix": lambda: order(symbol=f"{TOKEN}:EURUSD"),
    "in an unknown key": lambda: order(**{TOKEN: "1"}),
    "as the action": lambda: order(action=TOKEN),
    "in a PineConnector comment": lambda: (
        f'1123456,buy,EURUSD,risk=0.1,comment="{TOKEN}"'
    ),
    "as a PineConnector id": lambda: f"1123456,buy,EURUSD,risk=0.1,id={TOKEN}",
    "as a PineConnector key": lambda: f"1123456,buy,EURUSD,{TOKEN}=1",
}


@pytest.mark.parametrize("body", SENDERS.values(), ids=SENDERS.keys())
def test_the_token_in_any_field_is_neither_stored_nor_shown(
    client, admin_client, cast, caplog, body
):
    caplog.set_level(logging.DEBUG)
    response = post(client, body())
    assert response.status_code in (200, 400)
    assert_nowhere(admin_client, caplog, response)


def test_a_token_spelled_in_json_escapes_is_blanked_in_the_fields_too(
    client, admin_client, cast, caplog
):
    caplog.set_level(logging.DEBUG)
    body = (
        json.dumps(order(volume=0.1))[:-1] + f', "comment": "{json_escaped(TOKEN)}"}}'
    )
    response = post(client, body)
    assert response.status_code == 200
    assert Command.objects.get().comment == "***"
    signal = Signal.objects.get()
    assert json_escaped(TOKEN) not in signal.raw_body
    assert json.loads(signal.raw_body.split("\n", 1)[1])["comment"] == "***"
    assert_nowhere(admin_client, caplog, response)


def test_a_token_spelled_in_form_escapes_is_blanked(client, admin_client, cast, caplog):
    escaped = "".join(f"%{ord(ch):02X}" for ch in TOKEN)
    body = "account_number=1123456&action=BUY&symbol=EURUSD&volume=0.1"
    response = post(
        client,
        f"{body}&comment={escaped}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Command.objects.get().comment == "***"
    assert escaped not in Signal.objects.get().raw_body
    assert_nowhere(admin_client, caplog, response)


def test_a_token_across_the_body_cut_leaves_no_head(
    client, admin_client, cast, caplog, settings
):
    body = json.dumps(order(note=TOKEN))
    settings.WEBHOOK_MAX_BODY_BYTES = body.index(TOKEN) + len(HEAD)
    response = post(client, body)
    assert response.status_code == 413
    assert_nowhere(admin_client, caplog, response)


def test_a_token_in_the_content_type_is_not_stored(client, admin_client, cast, caplog):
    response = post(client, order(), content_type=f"application/json; x={TOKEN}")
    assert response.status_code == 200
    assert_nowhere(admin_client, caplog, response)


def test_every_text_column_is_covered_by_the_scan():
    # A new text column is scanned too: stored_text reads every value.
    columns = [f for f in Signal._meta.fields if isinstance(f, TextField)]
    assert {"raw_body", "rejection_reason"} <= {f.name for f in columns}


def test_an_ordinary_form_still_reads(client, cast):
    body = (
        "account_number=1123456&action=BUY&symbol=EURUSD&volume=0.1&comment="
        + quote("a b")
    )
    response = post(client, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert Command.objects.get().comment == "a b"
