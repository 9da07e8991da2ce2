"""The simulated trade server: account, positions, pending orders and deals.

`send` takes a request shaped like MqlTradeRequest and answers like
MqlTradeResult. Hedging keeps many positions per symbol and closes by ticket;
netting keeps one per symbol, which an opposite deal reduces, closes or
reverses (docs/mt5.md §9). Tickets: a request makes an order; a market
order makes a deal; a position takes the ticket of the order that opened it.
"""

import copy
import time

from ea.paper import orders, rules
from ea.paper.rules import Refusal, answer
from ea.paper.symbols import decimals

DEALS_KEPT = 200
EPSILON = 1e-9


class Broker:
    def __init__(
        self,
        market,
        margin_mode="hedging",
        balance=10000.0,
        currency="USD",
        clock=time.time,
        faults=None,
    ):
        self.market = market
        self.margin_mode = margin_mode
        self.currency = currency
        self.balance = float(balance)
        self.clock = clock
        self.positions = []
        self.orders = []
        self.deals = []
        self.next_ticket = 50000001
        self.next_deal = 40000001
        # The trade server's clock runs this many seconds ahead of UTC (its
        # zone, as MT5's TimeTradeServer shows it): it says where the
        # broker's day begins (PROTOCOL.md 5.1). A golden vector sets it.
        self.server_offset = 0
        # Sessions the test hook `--market-closed` shuts: requests get 10018.
        self.closed_symbols = set()
        self.use_faults(faults)

    def use_faults(self, faults):
        """faults.py's model from now on; None or `perfect` for none. Every
        hook tests `self.faults` once, so a perfect broker pays nothing more.
        Its symbol faults change the market's specifications from now on."""
        if faults is not None and faults.active:
            self.market.specs = faults.symbols(self.market.specs)
        self.faults = faults if faults is not None and faults.active else None

    # --- persistence --------------------------------------------------------

    STATE_KEYS = (
        "margin_mode",
        "currency",
        "balance",
        "next_ticket",
        "next_deal",
        "positions",
        "orders",
        "deals",
    )

    def snapshot(self):
        return {key: getattr(self, key) for key in self.STATE_KEYS}

    @classmethod
    def restore(cls, market, data, clock=time.time, faults=None):
        broker = cls(market, clock=clock, faults=faults)
        for key in cls.STATE_KEYS:
            if key in data:
                setattr(broker, key, copy.deepcopy(data[key]))
        broker.balance = float(broker.balance)
        return broker

    # --- account ------------------------------------------------------------

    def spec(self, name):
        return self.market.specs.get(name)

    def quote(self, name):
        return self.market.quote(name)

    def floating(self, position):
        """Profit of `position` if closed now, in the account currency."""
        bid, ask = self.quote(position["symbol"])
        price = bid if position["type"] == "buy" else ask
        return self._profit(position, position["volume"], price)

    def _profit(self, position, volume, price):
        spec = self.spec(position["symbol"])
        sign = 1 if position["type"] == "buy" else -1
        amount = (price - position["price_open"]) * sign * volume * spec.contract_size
        return amount * self.market.rate(spec.currency_profit, self.currency)

    def equity(self):
        return round(self.balance + self._open_profit(), 2)

    def _open_profit(self):
        """Floating profit and swap of every open position: the paper broker
        charges no swap, but a position a vector gives one carries it."""
        return sum(self.floating(p) + p.get("swap", 0.0) for p in self.positions)

    def margin(self):
        return round(
            sum(
                self._margin_of(p["symbol"], p["volume"], p["price_open"])
                for p in self.positions
            ),
            2,
        )

    def margin_free(self):
        return round(self.equity() - self.margin(), 2)

    def profit(self):
        """The open positions' profit and swap (ACCOUNT_PROFIT)."""
        return round(self._open_profit(), 2)

    def margin_level(self):
        """Equity as a percentage of the margin (ACCOUNT_MARGIN_LEVEL); None
        while no margin is held, where MT5 says 0."""
        margin = self.margin()
        return round(self.equity() / margin * 100, 2) if margin > 0 else None

    def _margin_of(self, symbol, volume, price):
        return self.market.margin(self.spec(symbol), volume, price, self.currency)

    def position(self, ticket):
        return next((p for p in self.positions if p["ticket"] == ticket), None)

    def order(self, ticket):
        return next((o for o in self.orders if o["ticket"] == ticket), None)

    def net_position(self, symbol):
        return next((p for p in self.positions if p["symbol"] == symbol), None)

    # --- what the terminal sees -------------------------------------------
    # The terminal reads positions, ticks and its connection through these,
    # never `positions` or `quote` directly: with faults it sees what a real
    # terminal would (a position a moment after its deal, an empty first tick).

    def seen_positions(self):
        if self.faults is None:
            return self.positions
        now = self.clock()
        return [p for p in self.positions if self.faults.visible(p, now)]

    def seen_position(self, ticket):
        position = self.position(ticket)
        if position is None or self.faults is None:
            return position
        return position if self.faults.visible(position, self.clock()) else None

    def tick(self, name):
        """(bid, ask) as the terminal's SymbolInfoTick gives it."""
        if self.faults is None:
            return self.quote(name)
        return self.faults.tick(name, self.quote(name), self.clock())

    def connected(self):
        return self.faults is None or self.faults.connected(self.clock())

    # --- the trade server ---------------------------------------------------

    def send(self, request):
        """Execute `request` or refuse it; the answer is an MqlTradeResult.
        With faults, faults.py decides first whether it gets that far."""
        if self.faults is not None:
            return self.faults.send(self, request)
        return self.execute(request)

    def execute(self, request):
        """The perfect trade server's answer to `request`."""
        handler = {
            "deal": self._deal,
            "pending": lambda req: orders.place(self, req),
            "sltp": self._sltp,
            "modify": lambda req: orders.modify(self, req),
            "remove": lambda req: orders.remove(self, req),
        }.get(request.get("action"))
        try:
            if handler is None:
                raise Refusal(
                    rules.INVALID, f"unknown trade action {request.get('action')!r}"
                )
            return handler(request)
        except Refusal as refusal:
            return answer(refusal.retcode, refusal.message)

    def tradable(self, symbol):
        spec = self.spec(symbol)
        if spec is None:
            raise Refusal(rules.INVALID, f"unknown symbol {symbol!r}")
        if spec.trade_mode == "disabled":
            raise Refusal(rules.TRADE_DISABLED, f"trade is disabled for {symbol}")
        if symbol in self.closed_symbols:
            raise Refusal(rules.MARKET_CLOSED, f"market closed for {symbol}")
        return spec

    def _deal(self, req):
        spec = self.tradable(req["symbol"])
        side = req.get("type")
        if side not in ("buy", "sell"):
            raise Refusal(rules.INVALID, f"invalid order type {side!r} for a deal")
        target = self._target(req, spec, side)
        most = None if target is None else target["volume"]
        volume = rules.check_volume(spec, req.get("volume"), most)
        rules.check_filling(spec, req.get("type_filling"), pending=False)
        bid, ask = self.quote(spec.name)
        price = ask if side == "buy" else bid
        if target is not None:
            rules.check_position_freeze(spec, target, bid, ask)
            return self.close(target, volume, price, req)
        rules.check_trade_mode(spec, side, self._opening_volume(spec, side, volume))
        rules.check_stops(
            spec, side, bid if side == "buy" else ask, req.get("sl"), req.get("tp")
        )
        self.check_money(spec, side, volume, price)
        return self.fill(spec, side, volume, price, req, self.new_ticket())

    def _target(self, req, spec, side):
        """The position a closing request names (`position`), or None."""
        ticket = req.get("position")
        if not ticket:
            return None
        target = self.position(ticket)
        if target is None or target["symbol"] != spec.name:
            raise Refusal(rules.INVALID, f"position #{ticket} not found")
        if target["type"] == side:
            raise Refusal(
                rules.INVALID,
                f"position #{ticket} is a {side}: close it with the opposite type",
            )
        return target

    def _opening_volume(self, spec, side, volume):
        """What a deal adds to exposure: on netting, an opposite deal first
        uses up the position it meets."""
        net = self.net_position(spec.name) if self.margin_mode == "netting" else None
        if net is None or net["type"] == side:
            return volume
        return max(0.0, volume - net["volume"])

    def check_money(self, spec, side, volume, price):
        need = self._margin_of(spec.name, volume, price)
        net = self.net_position(spec.name) if self.margin_mode == "netting" else None
        if net is not None and net["type"] != side:
            excess = max(0.0, volume - net["volume"])
            held = self._margin_of(spec.name, net["volume"], net["price_open"])
            need = self._margin_of(spec.name, excess, price) - held
        free = self.margin_free()
        if need > EPSILON and need > free + EPSILON:
            raise Refusal(
                rules.NO_MONEY,
                f"no money: margin {need:.2f} {self.currency} needed, {free:.2f} free",
            )

    # --- fills --------------------------------------------------------------

    def fill(self, spec, side, volume, price, req, order, reason="expert"):
        net = self.net_position(spec.name) if self.margin_mode == "netting" else None
        if net is None:
            position = self._open(spec, side, volume, price, req, order)
            deal = self._record(
                order, position, side, "in", volume, price, 0.0, req, reason
            )
            return answer(
                rules.DONE, "done", deal, order, volume, price, position["ticket"]
            )
        if net["type"] == side:
            return self._increase(net, volume, price, req, order, reason)
        if volume < net["volume"] - EPSILON:
            return self.close(net, volume, price, req, order, reason)
        if volume <= net["volume"] + EPSILON:
            return self.close(net, net["volume"], price, req, order, reason)
        return self._reverse(spec, net, side, volume, price, req, order, reason)

    def _open(self, spec, side, volume, price, req, ticket):
        position = {
            "ticket": ticket,
            "symbol": spec.name,
            "type": side,
            "volume": volume,
            "price_open": price,
            "sl": req.get("sl"),
            "tp": req.get("tp"),
            "magic": req.get("magic", 0),
            "comment": req.get("comment", ""),
            "time": int(self.clock()),
        }
        self.positions.append(position)
        return position

    def _increase(self, net, volume, price, req, order, reason):
        spec = self.spec(net["symbol"])
        total = round(net["volume"] + volume, decimals(spec.volume_step))
        average = (net["price_open"] * net["volume"] + price * volume) / total
        net["price_open"], net["volume"] = round(average, spec.digits + 3), total
        for key in ("sl", "tp"):
            if req.get(key) is not None:
                net[key] = req[key]
        deal = self._record(
            order, net, net["type"], "in", volume, price, 0.0, req, reason
        )
        return answer(rules.DONE, "done", deal, order, volume, price, net["ticket"])

    def close(self, position, volume, price, req, order=None, reason="expert"):
        order = order or self.new_ticket()
        profit = self._realize(position, volume, price)
        side = "sell" if position["type"] == "buy" else "buy"
        deal = self._record(
            order, position, side, "out", volume, price, profit, req, reason
        )
        spec = self.spec(position["symbol"])
        position["volume"] = round(
            position["volume"] - volume, decimals(spec.volume_step)
        )
        if position["volume"] <= EPSILON:
            self.positions.remove(position)
        return answer(
            rules.DONE, "done", deal, order, volume, price, position["ticket"]
        )

    def _reverse(self, spec, net, side, volume, price, req, order, reason):
        """Netting: a deal larger than the opposite position closes it and
        opens the rest the other way, under the new order's ticket."""
        profit = self._realize(net, net["volume"], price)
        rest = round(volume - net["volume"], decimals(spec.volume_step))
        self.positions.remove(net)
        position = self._open(spec, side, rest, price, req, order)
        deal = self._record(
            order, position, side, "inout", volume, price, profit, req, reason
        )
        return answer(
            rules.DONE, "done", deal, order, volume, price, position["ticket"]
        )

    def _realize(self, position, volume, price):
        profit = round(self._profit(position, volume, price), 2)
        self.balance = round(self.balance + profit, 2)
        return profit

    def _record(self, order, position, side, entry, volume, price, profit, req, reason):
        deal = {
            "ticket": self.next_deal,
            "order": order,
            "position": position["ticket"],
            "symbol": position["symbol"],
            "type": side,
            "entry": entry,
            "volume": volume,
            "price": price,
            "profit": profit,
            "magic": req.get("magic", 0),
            "comment": req.get("comment", ""),
            "reason": reason,
            "time": int(self.clock()),
        }
        self.next_deal += 1
        self.deals = [*self.deals[-(DEALS_KEPT - 1) :], deal]
        return deal["ticket"]

    def new_ticket(self):
        ticket = self.next_ticket
        self.next_ticket += 1
        return ticket

    def _sltp(self, req):
        position = self.position(req.get("position"))
        if position is None:
            raise Refusal(rules.INVALID, f"position #{req.get('position')} not found")
        spec = self.tradable(position["symbol"])
        sl, tp = req.get("sl"), req.get("tp")
        if (sl, tp) == (position["sl"], position["tp"]):
            raise Refusal(rules.NO_CHANGES, "no changes")
        bid, ask = self.quote(spec.name)
        rules.check_position_freeze(spec, position, bid, ask)
        side = position["type"]
        rules.check_stops(spec, side, bid if side == "buy" else ask, sl, tp)
        position["sl"], position["tp"] = sl, tp
        return answer(rules.DONE, "done", 0, 0, 0.0, 0.0, position["ticket"])

    def check_triggers(self):
        """Activate pending orders the price reached and close positions at
        their SL/TP, as the server does between requests; one line of text
        per event, for the log."""
        if self.faults is not None:
            return self.faults.watch(self, lambda: orders.check_triggers(self))
        return orders.check_triggers(self)
