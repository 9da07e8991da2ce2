import re

from django.core.exceptions import ValidationError

# An MT5 login is a positive integer. Being digits only is what lets the number
# name a folder under MT5_INSTANCES_DIR: no separator, dot or drive letter can
# ever reach a path.
LOGIN_PATTERN = re.compile(r"[1-9][0-9]{0,19}")


def is_valid_login(value):
    return isinstance(value, str) and LOGIN_PATTERN.fullmatch(value) is not None


def validate_login(value):
    if not is_valid_login(value):
        raise ValidationError(
            "An MT5 account number is 1 to 20 digits, not starting with 0.",
            code="invalid_login",
        )


def parse_symbol_list(text):
    """'XAUUSD, eurusd' -> ['XAUUSD', 'EURUSD']: the allowed-symbols field."""
    return [part.strip().upper() for part in text.split(",") if part.strip()]
