"""BUY and SELL: a market deal or a pending order, after `close_first`."""

from ea.paper.closing import close_positions, select_positions
from ea.paper.limits import (
    lot_refusal,
    order_refusal,
    position_stops_refusal,
    positions_refusal,
    volume_refusal,
)
from ea.paper.rules import ACCEPTED, DONE_PARTIAL
from ea.paper.sending import (
    answered,
    market_filling,
    no_tick,
    pending_time,
    refused,
    stop_levels,
)


def open_order(run):
    command, broker = run.command, run.broker
    spec = broker.spec(command["symbol"])
    if spec is None:
        return refused(f"unknown symbol {command['symbol']!r}")
    extra = {}
    if command["close_first"]:
        side = "buy" if command["close_first"] == "long" else "sell"
        positions = select_positions(run, spec.name, side)
        done = close_positions(run, positions, None, "nothing to close first")
        extra["closed"] = done["closed"]
        # A remainder left open by a partial fill is a close that failed.
        if done["status"] != "executed" or done.get("failed") or _partial(done):
            return _close_first_failed(run, done, extra)
    request = open_request(run, spec)
    if isinstance(request, str):
        return refused(request, **extra)
    result = run.send(request, rebuild=lambda: open_request(run, spec))
    fields = answered(result, describe(request), **extra)
    if result["retcode"] == DONE_PARTIAL:
        fields["message"] += (
            f"; filled in part: {result['volume']:g} of {request['volume']:g} lots,"
            " the rest cancelled"
        )
    return fields


def _partial(done):
    return done["retcode"] == DONE_PARTIAL


def _close_first_failed(run, done, extra):
    """A reversal whose close was refused opens nothing: the old side would
    stay open next to the new one."""
    retcode = next(
        (r["retcode"] for _, r in run.sent if r["retcode"] not in ACCEPTED), 0
    )
    message = f"close first: {done['message']}; nothing opened"
    return {"status": "rejected", "retcode": retcode, "ticket": None, "price": None,
            "volume": None, "message": message, **extra}  # fmt: skip


def open_request(run, spec):
    """The MqlTradeRequest for BUY/SELL, or a reason it cannot be built or
    may not be sent (limits.py)."""
    command = run.command
    side = command["action"].lower()
    tick = run.quote(spec.name)
    if tick is None:
        # Never price 0 nor a stop measured from it (issue 14 point 7).
        return no_tick(spec.name)
    bid, ask = tick
    request = {"symbol": spec.name, "position": None}
    if command["order_type"] == "market":
        price = ask if side == "buy" else bid
        request.update(action="deal", type=side, type_filling=market_filling(spec))
    elif command["price"] is None:
        return f"a {command['order_type']} order needs a price"
    else:
        price = spec.normalize_price(command["price"])
        request.update(
            action="pending",
            type=f"{side}_{command['order_type']}",
            type_filling="return",
            type_time=pending_time(spec),
            expiration=0,
        )
    sl, tp = stop_levels(spec, side, price, command)
    asked = opening_volume(run, spec, price, sl)
    if isinstance(asked, str):
        return asked
    request.update(price=price, sl=sl, tp=tp, volume=spec.normalize_volume(asked))
    return (
        _refusal(spec, request, asked, bid, ask)
        or _guard_refusal(run, request)
        or request
    )


def _refusal(spec, request, asked, bid, ask):
    """What the terminal knows the server would refuse (limits.py): the
    volume first, then the order's price and the stops."""
    kind, sl, tp = request["type"], request["sl"], request["tp"]
    reason = volume_refusal(spec, asked, request["volume"])
    if reason:
        return reason
    if request["action"] == "deal":
        return position_stops_refusal(spec, kind, sl, tp, bid, ask)
    return order_refusal(spec, kind, request["price"], sl, tp, bid, ask)


def _guard_refusal(run, request):
    """The lot limits (the account's, sent with the command, and the
    terminal's own), then the terminal's limit on positions of ours."""
    reason = lot_refusal(request["volume"], run.command.get("max_volume"), run.limits)
    if reason or not run.limits.max_positions:
        return reason
    broker, magic = run.broker, run.command["magic"]
    positions = broker.seen_positions()
    if broker.margin_mode != "hedging" and any(
        p["symbol"] == request["symbol"] for p in positions
    ):
        return None  # netting: the order changes that position, adds none
    ours = sum(1 for i in [*positions, *broker.orders] if i["magic"] == magic)
    return positions_refusal(ours, run.limits)


def opening_volume(run, spec, price, sl):
    """The lots asked for, before the step: the command's volume, or what
    risk_percent sizes; or the reason there is none."""
    command = run.command
    if command["risk_percent"] is None:
        if command["volume"] is None:
            return "no volume given"
        return command["volume"]
    if command["volume"] is not None:
        return "give volume or risk_percent, not both"
    if sl is None:
        return "risk_percent sizing needs a stop loss"
    broker = run.broker
    loss_per_lot = (
        abs(price - sl)
        / spec.tick_size
        * broker.market.tick_value(spec, broker.currency)
    )
    if loss_per_lot <= 0:
        return "risk_percent sizing needs a stop loss away from the price"
    return broker.balance * command["risk_percent"] / 100 / loss_per_lot


def describe(request):
    kind = request["type"].replace("_", " ").upper()
    return f"{kind} {request['volume']} {request['symbol']} at {request['price']}"


def seed_manual(broker, symbol, side, volume):
    """Open a position as a trader would by hand (magic 0): the positions the
    bot must leave alone unless told `include_manual`."""
    spec = broker.spec(symbol)
    if spec is None:
        raise ValueError(f"unknown symbol {symbol!r}")
    bid, ask = broker.quote(symbol)
    request = {
        "action": "deal",
        "symbol": symbol,
        "type": side,
        "volume": float(volume),
        "price": ask if side == "buy" else bid,
        "sl": None,
        "tp": None,
        "type_filling": market_filling(spec),
        "magic": 0,
        "comment": "manual",
    }
    result = broker.send(request)
    if result["retcode"] not in ACCEPTED:
        raise ValueError(f"manual {side} {volume} {symbol}: {result['comment']}")
    return result
