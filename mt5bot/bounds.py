"""
What a number must be to fit the column it is written to, read from the
model field itself, so no input can make a row that cannot be read back.

Why this matters: a DecimalField(24, 10) holds less than 10**14. PostgreSQL
refuses a larger value at the INSERT (the request answers 500, and TradingView
re-sends it forever); SQLite stores it, then every query that reads the row
fails on the way back (the supervisor's queue, the pages, the export). An
integer column holds what its backend says (`integer_field_range`): a
PositiveIntegerField is 32 bits on PostgreSQL, 64 on SQLite.

The bounds come from the field's `max_digits`, `decimal_places` and internal
type, never from a constant kept beside it; callers refuse (with their own
code) what `unfit` describes. Imports no app: every app may use it.
"""

import functools
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models

# The largest MAX_ORDER_VOLUME accepted: far above any broker's volume_max,
# and well inside the 14 whole digits a Command's volume column holds.
ORDER_VOLUME_CEILING = Decimal(1_000_000)


def decimal_limit(field):
    """The smallest magnitude `field` (a DecimalField) can no longer hold."""
    return _power_of_ten(field.max_digits - field.decimal_places)


@functools.cache
def _power_of_ten(exponent):
    return Decimal(10) ** exponent


def integer_range(field, using=DEFAULT_DB_ALIAS):
    """(lowest, highest) an integer `field` holds on this database."""
    ops = connections[using].ops
    return ops.integer_field_range(field.get_internal_type())


def unfit(field, value, using=DEFAULT_DB_ALIAS):
    """Why `value` cannot be written to `field` as it is, or "" if it can.

    A decimal with more places than the column keeps is unfit too: the
    database would round it, and a volume rounded to 0 is a different order.
    """
    if value is None:
        return ""
    if isinstance(field, models.DecimalField):
        return _decimal_unfit(field, value)
    if isinstance(field, models.IntegerField):
        low, high = integer_range(field, using)
        if isinstance(value, bool) or not isinstance(value, int):
            return "is not a whole number"
        if low is not None and value < low:
            return f"is below {low}"
        if high is not None and value > high:
            return f"is above {high}"
    return ""


def _decimal_unfit(field, value):
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "is not a number"
    if not number.is_finite():
        return "is not a finite number"
    limit, size = decimal_limit(field), abs(number)
    # SQLite keeps a decimal as a double: 99999999999999.999 is stored as
    # 1e14, which then cannot be read back. Compared as a double too.
    if size >= limit or (size * 10 >= limit and float(size) >= limit):
        return f"is {limit} or more in size"
    places = field.decimal_places
    # normalize() only when needed: 1.50000000000 has 11 places but fits.
    written, needed = number.as_tuple().exponent, None
    if written < -places:
        needed = number.normalize().as_tuple().exponent
    if needed is not None and needed < -places:
        return f"has more than {places} decimal places"
    return ""


def unfit_fields(obj, fields, using=DEFAULT_DB_ALIAS):
    """[(name, why)] for those of `fields` (from `number_fields`) whose value
    on `obj` would not fit their columns. Runs per command on the webhook:
    empty fields cost one attribute read."""
    found = []
    for field in fields:
        value = getattr(obj, field.attname)
        if value is not None:
            why = unfit(field, value, using)
            if why:
                found.append((field.name, why))
    return found


def number_fields(model):
    """`model`'s numeric columns, the ones `unfit` checks."""
    kinds = (models.DecimalField, models.IntegerField)
    return tuple(
        f
        for f in model._meta.concrete_fields
        if isinstance(f, kinds) and not f.primary_key and not f.is_relation
    )


def order_volume_setting(text):
    """MAX_ORDER_VOLUME from the environment, as a Decimal; a bad value stops
    the start with the variable's name rather than refusing every order."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0:
        raise ImproperlyConfigured(
            f"MAX_ORDER_VOLUME must be a number of lots above 0, not {text!r}."
        )
    if value > ORDER_VOLUME_CEILING:
        raise ImproperlyConfigured(
            f"MAX_ORDER_VOLUME is at most {ORDER_VOLUME_CEILING} lots, not {text!r}."
        )
    if value.as_tuple().exponent < -4:
        raise ImproperlyConfigured(
            f"MAX_ORDER_VOLUME has at most 4 decimal places, not {text!r}."
        )
    return plain(value)


def plain(number):
    """A Decimal without trailing zeros or an exponent: 100, not 1E+2."""
    number = number.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral() else number
