"""Turn one raw alert value into a typed one, or refuse it naming the field."""

from decimal import Decimal, InvalidOperation

from accounts.validators import is_valid_login
from signals.errors import PayloadError

MAX_NUMBER = Decimal("1e12")
MAX_DECIMALS = 10
MAX_TEXT = 200
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
    if number.as_tuple().exponent < -MAX_DECIMALS:
        # History keeps 10 decimals; rounding a volume to 0 would queue it.
        raise invalid(field, f"{field} has more than {MAX_DECIMALS} decimal places.")
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
    if isinstance(value, bool):
        raise invalid("ticket", "ticket must be a positive integer.")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value < 2**63:
        raise invalid("ticket", "ticket must be a positive integer.")
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
