"""
One Command per target account, fitted to it: the account's refusals, its
broker's symbol (mapping.resolver), its volume and the hard limits
(accounts/limits.py), the lot limit the terminal keeps, and every number
checked against its column. A Command that does not fit is kept, refused,
with the reason.
"""

import functools
from datetime import timedelta

from django.conf import settings

from accounts import limits
from accounts.models import Account, volume_for
from ea import protocol
from history.models import Command, Status
from mapping.resolver import Unresolvable, resolve, volume_limits
from mt5bot import bounds
from signals import fastsql
from signals.alerts import OPENING
from signals.errors import PayloadError

# What a Command takes from the alert as it is; the volume and the symbol are
# the account's own, settled by prepare().
COMMAND_FIELDS = (
    "action",
    "order_type",
    *(name for name in protocol.NUMBER_FIELDS if name != "volume"),
    "ticket",
    "comment",
    "side",
    "close_first",
    "include_manual",
)
# What prepare() reads of an account. Anything else still loads on first use,
# at one query each time, so keep this in step with prepare().
ACCOUNT_FIELDS = (
    "login",
    "enabled",
    "trading_paused",
    "desired",
    "magic",
    "volume_multiplier",
    "max_volume",
    "allowed_symbols",
    "contract_kind",
)


def build_commands(signal, alert):
    now = signal.received_at
    if alert.accounts == ["all"]:
        targets = {a.login: a for a in Account.objects.filter(enabled=True)}
    else:
        found = fastsql.select_in(Account, "login", alert.accounts, ACCOUNT_FIELDS)
        targets = {account.login: account for account in found}
    logins = list(targets) if alert.accounts == ["all"] else alert.accounts
    return [command_for(alert, login, targets.get(login), now) for login in logins]


def command_for(alert, login, account, now):
    command = Command(
        account=account,
        account_login=login,
        symbol=alert.symbol,
        original_symbol=alert.original_symbol,
        received_at=now,
        **{name: getattr(alert, name) for name in COMMAND_FIELDS},
    )
    try:
        prepare(command, alert, account)
        check_columns(command)
    except PayloadError as exc:
        command.status = Status.REJECTED
        command.status_code = exc.code
        command.status_reason = exc.detail
        command.finished_at = now
        drop_unfit(command)
        return command
    command.status = Status.QUEUED
    command.queued_at = now
    command.expires_at = now + timedelta(seconds=settings.COMMAND_TTL)
    return command


def prepare(command, alert, account):
    """Fit the alert to one account, or raise PayloadError saying why not."""
    if account is None:
        raise PayloadError("unknown_account", "No account with this number.")
    refusal = account.refusal()
    if refusal:
        raise PayloadError(*refusal)
    command.magic = account.magic
    opening = alert.action in OPENING
    command.volume, note = volume_for(account, alert.volume, opening=opening)
    notes = [*alert.notes, note] if note else list(alert.notes)
    if alert.symbol:
        try:
            resolution = resolve(account, alert.symbol)
        except Unresolvable as exc:
            raise PayloadError(exc.code, exc.detail) from None
        command.symbol, command.symbol_match = resolution.symbol, resolution.how
        if resolution.note:
            notes.append(resolution.note)
        if not account.symbol_allowed(alert.symbol, command.symbol):
            raise PayloadError(
                "symbol_not_allowed", f"{alert.symbol} is not allowed on this account."
            )
    note = fit_volume(command, account, opening)
    if opening:
        command.max_volume = limits.lot_limit(account)
    command.notes = "; ".join([*notes, note] if note else notes)


def fit_volume(command, account, opening):
    """Hold the command's volume to the hard limits (accounts/limits.py);
    return the note to keep when it was floored to the broker's step."""
    broker = volume_limits(account, command.symbol) if command.symbol else None
    try:
        command.volume, note = limits.check_volume(
            command.volume, command.symbol, broker, opening
        )
    except limits.Refusal as exc:
        raise PayloadError(exc.code, exc.reason, "volume") from None
    return note


@functools.cache
def number_fields():
    return bounds.number_fields(Command)


def check_columns(command):
    """The last check before the INSERT: every number fits its column, so
    the row can always be read back (mt5bot/bounds.py says why it matters).
    The alert's own checks (signals/coerce.py) make this a backstop."""
    unfit = bounds.unfit_fields(command, number_fields())
    if unfit:
        name, why = unfit[0]
        raise PayloadError(
            "value_out_of_range", f"{name} {why} for this account's command.", name
        )


def drop_unfit(command):
    """A refused command is stored too, with what it was refused for: a
    number its column cannot hold is left out (its reason quotes it)."""
    for name, _ in bounds.unfit_fields(command, number_fields()):
        field = Command._meta.get_field(name)
        setattr(command, name, None if field.null else field.get_default())
