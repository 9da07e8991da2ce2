"""mt5bot/bounds.py: what fits a column, read from the field itself."""

from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Account
from history.models import Command
from mt5bot import bounds

MONEY = Command._meta.get_field("price")  # DecimalField(24, 10)


@pytest.mark.parametrize(
    "value",
    ["0", "0.0000000001", "-99999999999999", "99999999999999.99", "1.50000000000"],
)
def test_what_the_column_holds_fits(value):
    assert bounds.unfit(MONEY, Decimal(value)) == ""


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("100000000000000", "or more in size"),
        ("-1e20", "or more in size"),
        # Below 10**14 as a decimal, 1e14 as the double SQLite stores.
        ("99999999999999.999", "or more in size"),
        ("0.00000000001", "more than 10 decimal places"),
        ("NaN", "not a finite number"),
        ("Infinity", "not a finite number"),
    ],
)
def test_what_it_cannot_hold_is_named(value, why):
    assert why in bounds.unfit(MONEY, Decimal(value))


def test_integer_columns_take_the_backends_range():
    ticket = Command._meta.get_field("ticket")
    assert bounds.unfit(ticket, 2**63 - 1) == ""
    assert "above" in bounds.unfit(ticket, 2**63)
    magic = Account._meta.get_field("magic")  # PositiveIntegerField
    high = 2**31 - 1 if connection.vendor == "postgresql" else 2**63 - 1
    assert bounds.integer_range(magic) == (0, high)
    assert "below 0" in bounds.unfit(magic, -1)
    assert bounds.unfit(ticket, "12") == "is not a whole number"


def test_number_fields_are_the_numeric_columns():
    names = [field.name for field in bounds.number_fields(Command)]
    assert {"volume", "price", "ticket", "magic", "retcode"} <= set(names)
    assert not {"id", "signal", "account", "status"} & set(names)
