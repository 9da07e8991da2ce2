"""CLOSE, CLOSE_SYMBOL/LONG/SHORT/ALL, MODIFY and CANCEL.

"Ours" means carrying the command's magic, unless `include_manual` is true;
an explicit ticket is taken whoever opened it (PROTOCOL.md section 3).
"""

from ea import protocol
from ea.paper.limits import order_refusal, position_stops_refusal, volume_refusal
from ea.paper.orders import time_of
from ea.paper.sending import (
    Unsent,
    no_tick,
    nothing_to_do,
    refused,
    run_batch,
    stop_levels,
)


def select_positions(run, symbol=None, side=None):
    run.settle()
    return sorted(
        (
            p
            for p in run.broker.seen_positions()
            if run.ours(p)
            and symbol in (None, p["symbol"])
            and side in (None, p["type"])
        ),
        key=lambda p: p["ticket"],
    )


def close_ticket(run):
    ticket = run.command["ticket"]
    if ticket is None:
        return refused("CLOSE needs a ticket")
    run.settle()
    position = run.broker.seen_position(ticket)
    if position is None:
        pending = " (a pending order: use CANCEL)" if run.broker.order(ticket) else ""
        return refused(f"position #{ticket} not found{pending}")
    return close_positions(run, [position], run.command["volume"], "")


def close_symbol(run, side=None):
    symbol = run.command["symbol"]
    if run.broker.spec(symbol) is None:
        return refused(f"unknown symbol {symbol!r}")
    positions = select_positions(run, symbol, side)
    which = {"buy": "long ", "sell": "short "}.get(side, "")
    return close_positions(
        run, positions, run.command["volume"], f"no {which}position of ours on {symbol}"
    )


def close_all(run):
    return close_positions(
        run, select_positions(run), run.command["volume"], "no position of ours"
    )


def close_positions(run, positions, volume, empty):
    """Close `positions`, oldest first; `volume` (lots) is a partial close
    spread over them in that order, None closes them whole. A part below the
    symbol's minimum is not sent."""
    plan = []
    for position in positions:
        spec = run.broker.spec(position["symbol"])
        lots = (
            position["volume"]
            if volume is None
            else min(position["volume"], spec.normalize_volume(volume))
        )
        reason = volume is not None and volume_refusal(spec, volume, lots)
        if not reason and run.quote(spec.name) is None:
            # No price to close at (issue 14 point 7): the next position
            # may still close, but a part is never moved to another one.
            plan.append(Unsent(position["ticket"], no_tick(spec.name)))
            if volume is None:
                continue
            break
        if reason:
            plan.append(Unsent(position["ticket"], reason))
            break
        plan.append((position, lots))
        if volume is not None:
            volume = round(volume - lots, 8)
            if volume < spec.volume_step / 2:
                break
    return run_batch(run, plan, _close_request, "closed", empty)


def _close_request(item):
    """docs/mt5.md §9: the opposite type, the position's ticket and volume (less
    for a partial close): the one request that closes on both account types."""
    position, volume = item
    return {
        "action": "deal",
        "symbol": position["symbol"],
        "position": position["ticket"],
        "type": "sell" if position["type"] == "buy" else "buy",
        "volume": volume,
        "price": None,
        "sl": None,
        "tp": None,
        "type_filling": None,
    }


# --- modifying and cancelling ----------------------------------------------


def modify(run):
    command, broker = run.command, run.broker
    if command["ticket"] is not None:
        ticket = command["ticket"]
        run.settle()
        item = broker.seen_position(ticket) or broker.order(ticket)
        if item is None:
            return refused(f"ticket #{ticket} not found")
        items = [item]
    elif not command["symbol"]:
        return refused("MODIFY needs a ticket or a symbol")
    elif broker.spec(command["symbol"]) is None:
        return refused(f"unknown symbol {command['symbol']!r}")
    else:
        items = select_positions(run, command["symbol"])
    if not _new_stops_given(command):
        return refused("MODIFY needs a new stop_loss or take_profit")
    requests = [r for r in (_modify_request(run, command, i) for i in items) if r]
    if items and not requests:
        return nothing_to_do("stops already as asked", modified=0)
    return run_batch(
        run,
        requests,
        lambda r: r,
        "modified",
        f"no position of ours on {command['symbol']}",
    )


def _new_stops_given(command):
    # A pending order's new price is a change worth sending on its own.
    return any(command[k] is not None for k in (*protocol.STOP_FIELDS, "price"))


def _modify_request(run, command, item):
    """SLTP for a position, MODIFY for a pending order; None when nothing
    would change (MT5 would answer 10025 NO_CHANGES); Unsent when the new
    stops or price break the stops level (limits.py). A stop the command
    does not name keeps its current value."""
    spec = run.broker.spec(item["symbol"])
    pending = "price_open" not in item
    price = item["price"] if pending else item["price_open"]
    if pending and command["price"] is not None:
        price = spec.normalize_price(command["price"])
    side = item["type"].split("_")[0]
    sl, tp = stop_levels(spec, side, price, command)
    sl, tp = item["sl"] if sl is None else sl, item["tp"] if tp is None else tp
    if (sl, tp) == (item["sl"], item["tp"]) and (not pending or price == item["price"]):
        return None
    reason = _stops_refusal(run, spec, item, price, sl, tp)
    if reason:
        return Unsent(item["ticket"], reason)
    if pending:
        # MODIFY sets type_time and expiration too: the order's own, or it
        # would become GTC (docs/mt5.md §14).
        type_time, expiration = time_of(item)
        return {
            "action": "modify",
            "symbol": spec.name,
            "order": item["ticket"],
            "price": price,
            "sl": sl,
            "tp": tp,
            "type_time": type_time,
            "expiration": expiration,
        }
    return {
        "action": "sltp",
        "symbol": spec.name,
        "position": item["ticket"],
        "sl": sl,
        "tp": tp,
    }


def _stops_refusal(run, spec, item, price, sl, tp):
    tick = run.quote(spec.name)
    if tick is None:
        # A zero tick would judge every stop wrong (issue 14 point 7).
        return no_tick(spec.name)
    bid, ask = tick
    if "price_open" in item:
        return position_stops_refusal(spec, item["type"], sl, tp, bid, ask)
    return order_refusal(spec, item["type"], price, sl, tp, bid, ask)


def cancel(run):
    command, broker = run.command, run.broker
    if command["ticket"] is not None:
        order = broker.order(command["ticket"])
        if order is None:
            return refused(f"order #{command['ticket']} not found")
        orders, empty = [order], ""
    elif command["symbol"]:
        if broker.spec(command["symbol"]) is None:
            return refused(f"unknown symbol {command['symbol']!r}")
        orders = [
            o for o in broker.orders if run.ours(o) and o["symbol"] == command["symbol"]
        ]
        empty = f"no pending order of ours on {command['symbol']}"
    else:
        orders, empty = (
            [o for o in broker.orders if run.ours(o)],
            "no pending order of ours",
        )
    orders.sort(key=lambda o: o["ticket"])
    return run_batch(run, orders, _remove_request, "cancelled", empty)


def _remove_request(order):
    return {"action": "remove", "symbol": order["symbol"], "order": order["ticket"]}
