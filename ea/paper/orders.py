"""Pending orders on the simulated server: placing, modifying, deleting, and
their activation, with SL/TP closes, as the price moves."""

from ea.paper import rules
from ea.paper.rules import Refusal, answer


def place(broker, req):
    spec = broker.tradable(req["symbol"])
    order_type = req.get("type")
    if order_type not in rules.PENDING_TYPES:
        raise Refusal(rules.INVALID, f"invalid pending order type {order_type!r}")
    side = rules.side_of(order_type)
    volume = rules.check_volume(spec, req.get("volume"))
    rules.check_trade_mode(spec, side, volume)
    rules.check_filling(spec, req.get("type_filling"), pending=True)
    type_time, expiration = _expiry(broker, spec, req)
    price = req.get("price")
    rules.check_pending_price(spec, order_type, price, *broker.quote(spec.name))
    rules.check_stops(spec, side, price, req.get("sl"), req.get("tp"))
    ticket = broker.new_ticket()
    broker.orders.append(
        {
            "ticket": ticket,
            "symbol": spec.name,
            "type": order_type,
            "volume": volume,
            "price": price,
            "sl": req.get("sl"),
            "tp": req.get("tp"),
            "magic": req.get("magic", 0),
            "comment": req.get("comment", ""),
            "time": int(broker.clock()),
            "type_time": type_time,
            "expiration": expiration,
        }
    )
    return answer(rules.PLACED, "placed", 0, ticket, volume, price)


def _expiry(broker, spec, req):
    """(type_time, expiration) of a PENDING or MODIFY request, checked; a
    request that names none is GTC, as MqlTradeRequest's zero is."""
    type_time = req.get("type_time") or "gtc"
    expiration = rules.check_expiration(
        spec, type_time, req.get("expiration") or 0, int(broker.clock())
    )
    return type_time, expiration


def modify(broker, req):
    """TRADE_ACTION_MODIFY sets price, SL, TP, type_time and expiration all
    at once: a request that leaves the last two out makes the order GTC
    (docs/mt5.md §14)."""
    order = broker.order(req.get("order"))
    if order is None:
        raise Refusal(rules.INVALID, f"order #{req.get('order')} not found")
    spec = broker.tradable(order["symbol"])
    price, sl, tp = req.get("price"), req.get("sl"), req.get("tp")
    type_time, expiration = _expiry(broker, spec, req)
    if (price, sl, tp, type_time, expiration) == (
        order["price"],
        order["sl"],
        order["tp"],
        *time_of(order),
    ):
        raise Refusal(rules.NO_CHANGES, "no changes")
    bid, ask = broker.quote(spec.name)
    rules.check_order_freeze(spec, order, bid, ask)
    rules.check_pending_price(spec, order["type"], price, bid, ask)
    rules.check_stops(spec, rules.side_of(order["type"]), price, sl, tp)
    order["price"], order["sl"], order["tp"] = price, sl, tp
    order["type_time"], order["expiration"] = type_time, expiration
    return answer(rules.DONE, "done", 0, order["ticket"], order["volume"], price)


def remove(broker, req):
    order = broker.order(req.get("order"))
    if order is None:
        raise Refusal(rules.INVALID, f"order #{req.get('order')} not found")
    spec = broker.tradable(order["symbol"])
    rules.check_order_freeze(spec, order, *broker.quote(spec.name))
    broker.orders.remove(order)
    return answer(
        rules.DONE, "done", 0, order["ticket"], order["volume"], order["price"]
    )


def time_of(order):
    """(type_time, expiration) of an order; one from before they were kept
    (a saved state, a golden vector) is GTC."""
    return order.get("type_time") or "gtc", order.get("expiration") or 0


def check_triggers(broker):
    """Remove expired pending orders, activate those the price reached and
    close positions at their SL/TP, as the server does between requests.
    Returns what happened, one line of text per event, for the log."""
    events = [_expire(broker, o) for o in list(broker.orders) if _expired(broker, o)]
    for order in list(broker.orders):
        if _trading_open(broker, order["symbol"]) and _order_reached(broker, order):
            events.append(_activate(broker, order))
    for position in list(broker.positions):
        if _trading_open(broker, position["symbol"]):
            hit = _stop_hit(broker, position)
            if hit:
                events.append(_stop_out(broker, position, hit))
    return events


def _expired(broker, order):
    ends = rules.expires_at(*time_of(order), order.get("time", 0))
    return ends is not None and broker.clock() >= ends


def _expire(broker, order):
    broker.orders.remove(order)
    type_time, _ = time_of(order)
    return f"order #{order['ticket']} expired ({type_time.upper()})"


def _trading_open(broker, symbol):
    spec = broker.spec(symbol)
    return spec.trade_mode != "disabled" and symbol not in broker.closed_symbols


def _order_reached(broker, order):
    bid, ask = broker.quote(order["symbol"])
    return rules.pending_distance(order["type"], order["price"], bid, ask) <= 0


def _activate(broker, order):
    spec = broker.spec(order["symbol"])
    side = rules.side_of(order["type"])
    bid, ask = broker.quote(spec.name)
    price = (
        order["price"]
        if order["type"].endswith("limit")
        else (ask if side == "buy" else bid)
    )
    broker.orders.remove(order)
    try:
        broker.check_money(spec, side, order["volume"], price)
    except Refusal as refusal:
        return f"order #{order['ticket']} cancelled at activation: {refusal.message}"
    broker.fill(spec, side, order["volume"], price, order, order["ticket"])
    what = f"{order['type']} {order['volume']} {spec.name}"
    return f"order #{order['ticket']} {what} filled at {price}"


def _stop_hit(broker, position):
    bid, ask = broker.quote(position["symbol"])
    price, sign = (bid, 1) if position["type"] == "buy" else (ask, -1)
    if position["sl"] is not None and (price - position["sl"]) * sign <= 0:
        return "sl"
    if position["tp"] is not None and (position["tp"] - price) * sign <= 0:
        return "tp"
    return None


def _stop_out(broker, position, kind):
    bid, ask = broker.quote(position["symbol"])
    price = bid if position["type"] == "buy" else ask
    level = position[kind]
    memo = {"magic": position["magic"], "comment": f"[{kind} {level}]"}
    broker.close(position, position["volume"], price, memo, reason=kind)
    return f"position #{position['ticket']} closed by {kind.upper()} {level} at {price}"
