"""
The hard limits on a command's volume, in one place, applied to the volume as
it will be sent: after the account's multiplier and cap (`volume_for`).

- `MAX_ORDER_VOLUME` (settings): no order, opening or closing part of a
  position, is larger. Above it: refused, `volume_above_limit`.
- The broker's limits, when the account's terminal has listed the symbol
  (SymbolList): the volume is floored to `volume_step`, then refused below
  `volume_min` (`volume_below_min`) and, for an order that opens, above
  `volume_max` (`volume_above_max`). A partial close may be spread over
  several positions by the terminal, so the broker's maximum is its to apply.
- `lot_limit`: the largest final volume an opening order may have on an
  account, carried in the command for the terminal to apply after its own
  risk sizing (ea/PROTOCOL.md 3, `max_volume`).
- Without a known step, a volume finer than the 10 decimal places a
  command's volume keeps is refused (`volume_not_step`) rather than rounded.

Flooring to the step is the rule both terminals already apply before sending
(ea/PROTOCOL.md section 4, docs/mt5.md section 7): doing it here changes
nothing that is traded, and history then shows the volume actually sent, with
a note. It never rounds up, and a result below the minimum is refused, never
raised to it. Everything else beyond a limit is refused with its code and a
sentence saying which number broke which limit: never clamped.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings

from mt5bot.bounds import plain

# Places a Command's volume keeps (history.models `money`); kept here, not
# imported, because accounts sits below history in the import order. The test
# of this module checks that the two agree.
VOLUME_PLACES = 10


class Refusal(Exception):
    """A volume beyond a limit: `code` for machines, `reason` for people."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code, self.reason = code, reason


def text(number):
    return format(plain(number), "f")


def broker_limits(entry):
    """(volume_min, volume_step, volume_max) from one entry of a terminal's
    symbol list, each a Decimal or None where the terminal sent nothing
    usable (missing, zero, negative, not a number)."""
    return tuple(positive(entry.get(key)) for key in VOLUME_KEYS)


VOLUME_KEYS = ("volume_min", "volume_step", "volume_max")


def positive(value):
    """A broker's volume figure, or None outside what any broker lists: a
    step finer than the places a volume keeps would also make the floor's
    division overflow Decimal's precision."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    usable = number.is_finite() and SMALLEST <= number <= LARGEST
    return number if usable else None


SMALLEST, LARGEST = Decimal(10) ** -VOLUME_PLACES, Decimal(10) ** 12


def lot_limit(account):
    """The largest final volume an opening order may have on `account`,
    risk-sized or not: its max_volume when set, never above MAX_ORDER_VOLUME.
    The terminal applies it after sizing (ea/PROTOCOL.md 3, `max_volume`)."""
    limit = settings.MAX_ORDER_VOLUME
    if account.max_volume is not None:
        limit = min(limit, account.max_volume)
    return limit


def check_volume(volume, symbol, broker, opening):
    """The volume to send, or raise Refusal. `broker` is broker_limits() of
    the command's symbol, or None when the account's list is not known.
    Returns (volume, note); note is "" when the volume was sent as asked."""
    if volume is None:
        return None, ""
    limit = settings.MAX_ORDER_VOLUME
    if volume > limit:
        raise Refusal(
            "volume_above_limit",
            f"volume {text(volume)} is above MAX_ORDER_VOLUME, the limit of "
            f"{text(limit)} lots for any order; nothing was sent.",
        )
    low, step, high = broker or (None, None, None)
    sent, note = volume, ""
    if step is not None:
        sent = (volume // step) * step
        if sent != volume:
            note = (
                f"volume {text(volume)} floored to {text(sent)} on {symbol}'s "
                f"step {text(step)}"
            )
    elif volume.normalize().as_tuple().exponent < -VOLUME_PLACES:
        raise Refusal(
            "volume_not_step",
            f"volume {volume:f} is finer than {VOLUME_PLACES} decimal places "
            "and the broker's step is not known yet; nothing was sent.",
        )
    check_broker(volume, sent, symbol, (low, step, high), opening)
    return plain(sent), note


def check_broker(asked, sent, symbol, broker, opening):
    """Refuse a floored volume below the broker's minimum (or 0), and an
    opening one above its maximum."""
    low, step, high = broker
    if sent <= 0 or (low is not None and sent < low):
        floored = ""
        if sent != asked:
            floored = f" floors to {text(sent)} on the step {text(step)}, which"
        limit = f"is below the minimum {text(low)}" if low else "is not above 0"
        raise Refusal(
            "volume_below_min",
            f"volume {text(asked)}{floored} {limit} for {symbol}; nothing was sent.",
        )
    if opening and high is not None and sent > high:
        raise Refusal(
            "volume_above_max",
            f"volume {text(sent)} is above the maximum {text(high)} for {symbol} "
            "at this account's broker; nothing was sent.",
        )
