"""Turn one raw alert value into a typed one, or refuse it naming the field.

Every number is checked against the Command column it is written to
(mt5bot/bounds.py reads the bounds from the field), so an alert can never
carry a value whose row could not be read back.
"""

import re
from decimal import Decimal, InvalidOperation

from accounts.validators import is_valid_login
from history.models import Command
from mt5bot import bounds
from signals.errors import PayloadError

# No price, distance or volume in any market comes near this; well inside the
# columns (DecimalField(24, 10): below 10**14), so an absurd number is named
# as such rather than as a storage limit.
MAX_NUMBER = Decimal("1e12")
MAX_TEXT = 200
# The EA reads integers of at most 18 digits (ea/MT5Bot_Command.mqh
# `FieldInteger`) and refuses a command with a longer ticket; no broker's
# ticket comes near. Checked as text first: int() of a few thousand digits
# is refused by Python itself (a ValueError, once a 500 here).
TICKET_TEXT = re.compile(r"[0-9]{1,18}")
MAX_TICKET = 10**18 - 1
SYMBOL_FORBIDDEN = set(" \t\r\n\"'\\,;`<>|")


def invalid(field, detail):
    return PayloadError("invalid_field", detail, field)


def decimal(field, value, *, allow_zero=False):
    """A positive number, sent as a JSON number or as a string ("0.01")."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise invalid(field, f"{field} must be a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise invalid(field, f"{field} must be a number, not {value!r}.") from None
    if not number.is_finite():
        raise invalid(field, f"{field} must be a finite number.")
    if number < 0 or (number == 0 and not allow_zero):
        raise invalid(field, f"{field} must be greater than zero.")
    if number > MAX_NUMBER:
        raise invalid(field, f"{field} is too large.")
    # History keeps 10 decimals: rounding a volume to 0 would queue it.
    why = bounds.unfit(Command._meta.get_field(field), number)
    if why:
        raise invalid(field, f"{field} {why}.")
    return number.normalize() if number else Decimal(0)


def price(field, value):
    """A price, or None: 0 and empty mean "no stop" as in the seed's payloads."""
    if value is None or value == "":
        return None
    number = decimal(field, value, allow_zero=True)
    return number or None


def text(field, value, max_length=MAX_TEXT):
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise invalid(field, f"{field} must be a string.")
    value = str(value).strip()
    if len(value) > max_length:
        raise invalid(field, f"{field} is longer than {max_length} characters.")
    if any(ord(ch) < 32 for ch in value):
        raise invalid(field, f"{field} contains control characters.")
    return value


def word(field, value):
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, f"{field} must be a non-empty string.")
    return value.strip()


def symbol(value):
    """'OANDA:XAUUSD' -> ('XAUUSD', 'OANDA:XAUUSD'): (symbol, as sent)."""
    if not isinstance(value, str):
        raise invalid("symbol", 'symbol must be a string such as "XAUUSD".')
    original = value.strip()
    name = original.rsplit(":", 1)[-1].strip()
    if not name or len(original) > 64:
        raise invalid("symbol", "symbol must be 1 to 64 characters.")
    if any(ch in SYMBOL_FORBIDDEN or ord(ch) < 32 for ch in name):
        raise invalid("symbol", f"symbol {original!r} has characters no broker uses.")
    return name, original


def ticket(value):
    """A position or order ticket: a positive integer of at most 18 digits,
    sent as a JSON number or as ASCII digits."""
    if isinstance(value, str) and TICKET_TEXT.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("ticket", "ticket must be a positive integer.")
    if not 0 < value <= MAX_TICKET:
        raise invalid("ticket", f"ticket must be between 1 and {MAX_TICKET}.")
    if bounds.unfit(Command._meta.get_field("ticket"), value):
        raise invalid("ticket", "ticket is too large.")
    return value


def logins(value):
    """'1123456', 1123456, ['1', 2] or '1,2' -> ['1123456', ...]; or ['all']."""
    if isinstance(value, str):
        items = [part for part in value.replace(";", ",").split(",") if part.strip()]
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    result = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise invalid("accounts", "accounts must be account numbers.")
        login = str(item).strip()
        if login.lower() == "all":
            login = "all"
        elif not is_valid_login(login):
            raise invalid(
                "accounts",
                f"{login[:40]!r} is not an MT5 account number (digits only).",
            )
        if login not in result:
            result.append(login)
    if not result:
        raise PayloadError("missing_field", "No account number given.", "accounts")
    if "all" in result and len(result) > 1:
        raise invalid("accounts", '"all" cannot be combined with account numbers.')
    return result


def flag(field, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "yes"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "0", "no", ""}:
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise invalid(field, f"{field} must be true or false.")


def bracket(field, value):
    """TradersPost sends stops as objects: {"stopPrice": 2400} / {"limitPrice": …}."""
    if not isinstance(value, dict):
        return value
    for key in ("stopPrice", "limitPrice", "price"):
        if key in value:
            return value[key]
    raise invalid(field, f"{field} object needs a stopPrice or limitPrice.")
