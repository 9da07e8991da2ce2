"""The CSV export opens in a spreadsheet as data: a cell a sender could make
start with a formula is shown as text, and numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest

from history.models import Outcome, Signal, Status
from history.pages import spreadsheet_safe
from history.tests.cast import alert
from history.tests.cast import order as cast_order
from signals.tests.webhook import order, post

pytestmark = pytest.mark.django_db

ATTACK = "=cmd|' /C calc'!A0"


def exported(client):
    text = client.get("/history/export.csv").content.decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_a_formula_in_a_symbol_prefix_is_exported_as_text(client, admin_client, cast):
    assert post(client, order(symbol=f"{ATTACK}:EURUSD")).status_code == 200
    [line] = exported(admin_client)
    assert line["original_symbol"] == f"'{ATTACK}:EURUSD"
    assert line["symbol"] == "EURUSD"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_quoted(admin_client, cast, start):
    refused = alert(["1123456"], Outcome.REFUSED)
    Signal.objects.filter(pk=refused.pk).update(
        rejection_reason=f'{start}HYPERLINK("x")'
    )
    cast_order(
        alert(["1123456"]), "1123456", Status.REJECTED, status_reason=f"{start}1+1"
    )
    lines = {line["outcome"]: line for line in exported(admin_client)}
    assert lines["refused"]["rejection_reason"] == f'\'{start}HYPERLINK("x")'
    assert lines["accepted"]["status_reason"] == f"'{start}1+1"


def test_numbers_stay_numbers(admin_client, cast):
    cast_order(
        alert(["1123456"]),
        "1123456",
        Status.EXECUTED,
        fill_price=Decimal("-1.5"),
        retcode=-1,
    )
    [line] = exported(admin_client)
    assert (line["fill_price"], line["retcode"]) == ("-1.5", "-1")


def test_only_text_that_is_no_plain_number_is_quoted():
    row = ["-1.5", "+2", "1e-5", "-1e5", -3, None, "-", "-1.5x", "@", "EURUSD"]
    assert spreadsheet_safe(row) == [
        "-1.5", "+2", "1e-5", "-1e5", -3, None, "'-", "'-1.5x", "'@", "EURUSD",
    ]  # fmt: skip
