"""What the terminal refuses before sending (docs/mt5.md §7 and §8).

The terminal knows the symbol's volume limits, its stops level and the
current quote, so a request the trade server would refuse for them (10014
INVALID_VOLUME, 10015 INVALID_PRICE, 10016 INVALID_STOPS) is refused here
instead: nothing is sent, the result has retcode 0 (PROTOCOL.md 4) and a
message naming the value and the limit it broke. The server keeps its own
checks (rules.py): the quote can move between this check and the server's,
and a stops level of 0 does not promise that the server accepts everything.

Each function returns the reason as text, or None when the value may be sent.
MT5Bot_Limits.mqh makes the same checks with the same words.
"""

import math
from dataclasses import dataclass

EPSILON = 1e-9


@dataclass(frozen=True)
class TerminalLimits:
    """The terminal's own last line of defence, set by whoever runs it (the
    EA's inputs, the paper terminal's options), whatever the server sends:
    the most lots one opening order may have, and the most positions and
    pending orders of ours (the command's magic) there may be when an
    opening order is sent. 0 is off."""

    max_lots: float = 0.0
    max_positions: int = 0


NO_LIMITS = TerminalLimits()


def number_text(value):
    """A number as the EA's JsonNumberText writes it (190.0 is "190", 0.005
    is "0.005"), so both terminals' messages read alike."""
    if value == math.floor(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def volume_refusal(spec, asked, volume):
    """`volume` is `asked` floored to the step (Spec.normalize_volume); what
    is below the minimum is refused, never raised to it, and what is above
    the maximum is refused, never clamped."""
    n = number_text
    if volume < spec.volume_min - EPSILON:
        if asked < spec.volume_min - EPSILON:
            return (
                f"volume {n(asked)} is below the minimum {n(spec.volume_min)} "
                f"for {spec.name}"
            )
        return (
            f"volume {n(asked)} floors to {n(volume)} on the step "
            f"{n(spec.volume_step)}, below the minimum {n(spec.volume_min)} "
            f"for {spec.name}"
        )
    if volume > spec.volume_max + EPSILON:
        return (
            f"volume {n(volume)} is above the maximum {n(spec.volume_max)} "
            f"for {spec.name}"
        )
    return None


def lot_refusal(volume, max_volume, limits):
    """An opening order's final volume (sized and floored to the step) above
    the command's `max_volume` (the account's limit) or the terminal's own
    `max_lots`: refused, never capped, so the trader sees it."""
    n = number_text
    if max_volume is not None and volume > max_volume + EPSILON:
        return (
            f"volume {n(volume)} is above the account's limit of {n(max_volume)} "
            "lots per order (max_volume)"
        )
    if limits.max_lots and volume > limits.max_lots + EPSILON:
        return (
            f"volume {n(volume)} is above the terminal's limit of "
            f"{n(limits.max_lots)} lots per order (max lots)"
        )
    return None


def positions_refusal(ours, limits):
    """`ours`: the positions and pending orders of ours open now. An order
    that would add one more is refused once there are `max_positions`."""
    if limits.max_positions and ours >= limits.max_positions:
        return (
            f"{ours} positions and orders of ours are open, the terminal's limit "
            f"of {limits.max_positions} (max positions)"
        )
    return None


def distance_refusal(spec, what, value, direction, name, reference):
    """`value` must lie on the `direction` side of `reference` (+1 above, -1
    below) and at least the stops level away; a stop at the reference itself
    is refused too, as the server refuses it (rules.far_enough)."""
    points = round((value - reference) * direction / spec.point, 6)
    if points > 0 and points >= spec.stops_level:
        return None
    where = "above" if direction > 0 else "below"
    n = number_text
    if points <= 0:
        return f"{what} {n(value)} is not {where} {name} {n(reference)} for {spec.name}"
    return (
        f"{what} {n(value)} is {n(points)} points {where} {name} {n(reference)}, "
        f"inside the stops level of {spec.stops_level} points for {spec.name}"
    )


def stops_refusal(spec, side, name, reference, sl, tp):
    """SL below and TP above the price a buy triggers on (the other way round
    for a sell): Bid for buy positions, Ask for sell positions, the order
    price for pending orders."""
    sign = 1 if side == "buy" else -1
    for what, value, direction in (("stop loss", sl, -sign), ("take profit", tp, sign)):
        if value is not None:
            reason = distance_refusal(spec, what, value, direction, name, reference)
            if reason:
                return reason
    return None


PENDING_SIDE = {"buy_limit": -1, "buy_stop": 1, "sell_limit": 1, "sell_stop": -1}


def pending_refusal(spec, order_type, price, bid, ask):
    """A buy order sits against Ask, a sell order against Bid: limits below
    (buy) or above (sell) it, stops the other way, the stops level away."""
    buy = order_type.startswith("buy")
    return distance_refusal(
        spec,
        f"{order_type.replace('_', ' ')} price",
        price,
        PENDING_SIDE[order_type],
        "Ask" if buy else "Bid",
        ask if buy else bid,
    )


def order_refusal(spec, order_type, price, sl, tp, bid, ask):
    """A pending order's price, then its stops against that price."""
    side = order_type.split("_")[0]
    return pending_refusal(spec, order_type, price, bid, ask) or stops_refusal(
        spec, side, "the order price", price, sl, tp
    )


def position_stops_refusal(spec, side, sl, tp, bid, ask):
    """A position's stops (a new market order's, or MODIFY's)."""
    if side == "buy":
        return stops_refusal(spec, side, "Bid", bid, sl, tp)
    return stops_refusal(spec, side, "Ask", ask, sl, tp)
