import functools
import re

from django.core.exceptions import ValidationError

from ea.paper.faults import Faults, FaultsError

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


@functools.lru_cache(maxsize=256)
def fault_profile_problem(text):
    """Why the paper broker would refuse `text` as a fault profile
    (ea/paper/faults.py), or "" when it reads it: the same parser the
    terminal starts with, so a profile the server accepts never stops it.
    Cached: the keeper asks for each account on every pass."""
    try:
        Faults.parse(text)
    except FaultsError as exc:
        return str(exc)
    return ""


def validate_fault_profile(value):
    problem = fault_profile_problem(value)
    if problem:
        raise ValidationError(
            "Not a fault profile: %(problem)s.",
            code="invalid_faults",
            params={"problem": problem},
        )
