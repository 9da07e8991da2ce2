"""Which broker symbol an alert's symbol means on one account.

`resolve` is the intake's entry point (signals/fitting.py `prepare`): the
`Resolution`'s `how` goes to `Command.symbol_match`, an `Unresolvable`'s
detail to the rejection's reason. The rules are in `matching`, the per-process
cache in `catalog`; `explain` is for people (the admin's "try a symbol" and
`manage.py mappings resolve`) and always reads the database afresh.
"""

from dataclasses import dataclass

from django.conf import settings

from mapping import catalog
from mapping.matching import Resolution, Unresolvable

__all__ = ["Resolution", "Unresolvable", "explain", "resolve", "volume_limits"]


def resolve(account, symbol):
    """The Resolution of `symbol` on `account`, or raise Unresolvable."""
    threshold = settings.FUZZY_MATCH_THRESHOLD
    return catalog.entry(account).resolve(symbol, threshold, account.contract_kind)


def volume_limits(account, name):
    """The broker's (min, step, max) volume of its symbol `name` on
    `account`, from the same cached list `resolve` reads; None when the
    account's list is not known or does not hold `name`."""
    return catalog.entry(account).volume_limits(name)


@dataclass(frozen=True)
class Explained:
    account: object
    listed: int | None  # symbols on the broker's stored list; None: not known
    symbol: str = ""
    how: str = ""
    refused: str = ""


def explain(symbol, accounts):
    """What `symbol` resolves to on each account, as `Explained` rows."""
    threshold = settings.FUZZY_MATCH_THRESHOLD
    accounts = list(accounts)
    entries = catalog.load_many([account.pk for account in accounts])
    rows = []
    for account in accounts:
        found = entries[account.pk]
        listed = len(found.index) if found.index is not None else None
        try:
            resolution = found.resolve(symbol, threshold, account.contract_kind)
        except Unresolvable as exc:
            rows.append(Explained(account, listed, refused=exc.detail))
        else:
            rows.append(Explained(account, listed, resolution.symbol, resolution.how))
    return rows
