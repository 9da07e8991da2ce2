"""Which broker symbol an alert's symbol means on one account.

For now the symbol passes through unchanged, marked as not checked against the
broker's list; the symbol-mapping issue fills this in.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Resolution:
    symbol: str
    how: str


class Unresolvable(Exception):
    """No instrument on this account's broker is the one the alert means."""

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


def resolve(account, symbol):
    return Resolution(symbol=symbol, how="unchecked")
