"""The checks a trade server makes before it accepts a request.

Each function raises Refusal with the retcode MT5 returns (docs/mt5.md §6
and the MQL5 reference, "Trade Server Return Codes") or returns quietly. They
read the symbol and the current quote only; the account's state is broker.py's.
"""

import datetime

from ea.paper.symbols import EXPIRATIONS, FILLING_FOK, FILLING_IOC

DONE = 10009
PLACED = 10008
DONE_PARTIAL = 10010
INVALID = 10013
INVALID_VOLUME = 10014
INVALID_PRICE = 10015
INVALID_STOPS = 10016
TRADE_DISABLED = 10017
MARKET_CLOSED = 10018
NO_MONEY = 10019
INVALID_EXPIRATION = 10022
NO_CHANGES = 10025
FROZEN = 10029
INVALID_FILL = 10030
LONG_ONLY = 10042
SHORT_ONLY = 10043
CLOSE_ONLY = 10044
ACCEPTED = (PLACED, DONE, DONE_PARTIAL)

PENDING_TYPES = ("buy_limit", "sell_limit", "buy_stop", "sell_stop")
FILLINGS = {"fok": FILLING_FOK, "ioc": FILLING_IOC, "return": 0}


class Refusal(Exception):
    """The trade server refused a request; nothing changed."""

    def __init__(self, retcode, message):
        super().__init__(message)
        self.retcode = retcode
        self.message = message


def side_of(order_type):
    return order_type.split("_")[0]


def check_volume(spec, volume, most=None):
    """docs/mt5.md §7: at least the minimum, at most the maximum (or, closing,
    the position's volume), and a whole number of steps."""
    if not isinstance(volume, int | float) or isinstance(volume, bool):
        raise Refusal(INVALID_VOLUME, "invalid volume: not a number")
    steps = volume / spec.volume_step
    if abs(steps - round(steps)) > 1e-7:
        raise Refusal(
            INVALID_VOLUME,
            f"invalid volume {volume}: not a multiple of {spec.volume_step}",
        )
    if volume < spec.volume_min - 1e-9:
        raise Refusal(
            INVALID_VOLUME,
            f"invalid volume {volume}: below the minimum {spec.volume_min}",
        )
    ceiling = spec.volume_max if most is None else most
    if volume > ceiling + 1e-9:
        raise Refusal(INVALID_VOLUME, f"invalid volume {volume}: above {ceiling}")
    return float(volume)


def check_filling(spec, filling, pending):
    """docs/mt5.md §4: market deals take FOK or IOC as the symbol's mask allows,
    and FOK whatever the mask on request and instant execution; RETURN for
    pending orders, and for market orders on exchange execution only. A
    wrong choice is 10030."""
    if filling not in FILLINGS:
        raise Refusal(INVALID_FILL, f"unsupported filling type {filling!r}")
    if filling == "return" and (pending or spec.execution == "exchange"):
        return
    if filling == "fok" and not pending and spec.execution in ("request", "instant"):
        return
    if not spec.filling_modes & FILLINGS[filling]:
        raise Refusal(
            INVALID_FILL, f"unsupported filling mode {filling.upper()} for {spec.name}"
        )


def check_expiration(spec, type_time, expiration, now):
    """docs/mt5.md §14: a pending order's type_time must be one the symbol's
    SYMBOL_EXPIRATION_MODE lists, and a SPECIFIED(_DAY) one must not have
    expired already; otherwise 10022. Returns the expiration kept with the
    order (0 unless the type names one)."""
    flag = EXPIRATIONS.get(type_time, 0) if isinstance(type_time, str) else 0
    if not spec.expiration_modes & flag:
        raise Refusal(
            INVALID_EXPIRATION,
            f"invalid expiration: type_time {str(type_time).upper()} is not "
            f"allowed for {spec.name}",
        )
    if type_time not in ("specified", "specified_day"):
        return 0
    if not isinstance(expiration, int) or isinstance(expiration, bool):
        raise Refusal(INVALID_EXPIRATION, f"invalid expiration {expiration!r}")
    if expires_at(type_time, expiration, now) <= now:
        raise Refusal(
            INVALID_EXPIRATION, f"invalid expiration {expiration}: already past"
        )
    return expiration


def expires_at(type_time, expiration, placed):
    """When an order ends, Unix seconds, or None (GTC). DAY orders end with
    the day they were placed and SPECIFIED_DAY ones with their expiration's
    day: the paper server's day is the UTC day."""
    if type_time == "specified":
        return expiration
    if type_time == "day":
        return _end_of_day(placed)
    if type_time == "specified_day":
        return _end_of_day(expiration)
    return None


def _end_of_day(moment):
    day = datetime.datetime.fromtimestamp(moment, datetime.UTC).date()
    midnight = datetime.datetime.combine(day, datetime.time(), datetime.UTC)
    return int(midnight.timestamp()) + 86400


def check_trade_mode(spec, side, opening):
    """Close-only, long-only and short-only symbols refuse only what would
    open or grow a position; closing is always allowed."""
    if opening <= 0:
        return
    if spec.trade_mode == "closeonly":
        raise Refusal(CLOSE_ONLY, f"{spec.name} is close-only")
    if spec.trade_mode == "longonly" and side == "sell":
        raise Refusal(LONG_ONLY, f"{spec.name} allows buying only")
    if spec.trade_mode == "shortonly" and side == "buy":
        raise Refusal(SHORT_ONLY, f"{spec.name} allows selling only")


def far_enough(spec, distance, level):
    """A stop `distance` (price units, positive on the right side) that keeps
    `level` points and is not zero: a stop at the trigger price is invalid too."""
    points = round(distance / spec.point, 6)
    return points > 0 and points >= level


def check_on_tick(spec, value, retcode, what):
    if (
        value is not None
        and abs(spec.normalize_price(value) - value) > spec.point / 1000
    ):
        raise Refusal(
            retcode,
            f"invalid {what} {value}: not a multiple of the tick size {spec.tick_size}",
        )


def check_stops(spec, side, reference, sl, tp):
    """docs/mt5.md §8: SL/TP at least the stops level away from the price they
    trigger on (Bid for buys, Ask for sells; the order price for pending
    orders), on the right side. Otherwise 10016."""
    sign = 1 if side == "buy" else -1
    check_on_tick(spec, sl, INVALID_STOPS, "stop loss")
    check_on_tick(spec, tp, INVALID_STOPS, "take profit")
    if sl is not None and not far_enough(
        spec, (reference - sl) * sign, spec.stops_level
    ):
        raise Refusal(INVALID_STOPS, _stops_message(spec, "stop loss", sl, reference))
    if tp is not None and not far_enough(
        spec, (tp - reference) * sign, spec.stops_level
    ):
        raise Refusal(INVALID_STOPS, _stops_message(spec, "take profit", tp, reference))


def _stops_message(spec, what, value, reference):
    return (
        f"invalid stops: {what} {value} against {reference} "
        f"(wrong side or closer than {spec.stops_level} points)"
    )


def pending_distance(order_type, price, bid, ask):
    """How far a pending order sits from its activation price, positive on the
    side where it may be placed (docs/mt5.md §8)."""
    return {
        "buy_limit": ask - price,
        "buy_stop": price - ask,
        "sell_limit": price - bid,
        "sell_stop": bid - price,
    }[order_type]


def check_pending_price(spec, order_type, price, bid, ask):
    """A pending order on the wrong side of the market, or within the stops
    level of Ask (buy orders) / Bid (sell orders), is 10015 INVALID_PRICE:
    its price is what is wrong, not its stops."""
    check_on_tick(spec, price, INVALID_PRICE, "price")
    distance = pending_distance(order_type, price, bid, ask)
    if not far_enough(spec, distance, spec.stops_level):
        raise Refusal(
            INVALID_PRICE,
            f"invalid price: {order_type.replace('_', ' ')} at {price} with bid "
            f"{bid} / ask {ask} (wrong side or closer than {spec.stops_level} points)",
        )


def check_position_freeze(spec, position, bid, ask):
    """docs/mt5.md §8: a position whose SL or TP is within the freeze level of
    the market may be neither modified nor closed."""
    if spec.freeze_level <= 0:
        return
    reference = bid if position["type"] == "buy" else ask
    for level in (position["sl"], position["tp"]):
        if (
            level is not None
            and abs(reference - level) < spec.freeze_level * spec.point
        ):
            raise Refusal(
                FROZEN,
                f"position #{position['ticket']} is frozen: "
                "a stop is within the freeze level",
            )


def check_order_freeze(spec, order, bid, ask):
    """...and a pending order that close to activation may be neither
    modified nor deleted."""
    if spec.freeze_level <= 0:
        return
    distance = abs(pending_distance(order["type"], order["price"], bid, ask))
    if distance < spec.freeze_level * spec.point:
        raise Refusal(
            FROZEN, f"order #{order['ticket']} is frozen: too close to the market"
        )


def answer(retcode, comment, deal=0, order=0, volume=0.0, price=0.0, position=0):
    """An MqlTradeResult (`position` is MqlTradeResult's missing field: the
    position the request opened or touched)."""
    return {
        "retcode": retcode,
        "comment": comment,
        "deal": deal,
        "order": order,
        "volume": volume,
        "price": price,
        "position": position,
    }
