"""The terminal and trade server behind the native EA's fake runtime.

runtime.cpp asks, one JSON line at a time, for what MT5 would know: the
time, the account, symbol properties, positions and orders, and it sends
OrderSend requests. `FakeTerminal` answers from a paper `Broker`, the same
simulated server the paper terminal trades on, so a vector the two terminals
answer differently shows a difference in the terminals, not in two brokers.

Each request is journaled in paper_journal.jsonl's shape (ea/paper/state.py)
for the vector's `expected.requests`. The command it belongs to is the one
in progress in the folder at that moment; OrderSend with none in progress
is recorded in `problems`, because the EA must claim a command (rename it)
before it sends anything (PROTOCOL.md 3, step 1).

With `faults=PROFILE` (ea/paper/faults.py) the broker misbehaves as it does
for the paper terminal. The EA then sees what a real terminal sees: the
broker's views of positions and ticks (a position a moment after its deal,
an empty first tick) and TERMINAL_CONNECTED from its connection, never the
broker's own lists.
"""

import json
from pathlib import Path

from ea import protocol
from ea.paper.faults import Faults
from ea.paper.orders import time_of
from ea.paper.state import journal_line
from ea.paper.symbols import EXECUTIONS

ORDER_TYPES = ("buy", "sell", "buy_limit", "sell_limit", "buy_stop", "sell_stop")
FILLINGS = ("fok", "ioc", "return")
# ENUM_ORDER_TYPE_TIME: GTC 0, DAY 1, SPECIFIED 2, SPECIFIED_DAY 3.
TYPE_TIMES = ("gtc", "day", "specified", "specified_day")
MARGIN_MODES = {"netting": 0, "exchange": 1, "hedging": 2}
# ENUM_SYMBOL_TRADE_MODE: disabled 0, longonly 1, shortonly 2, closeonly 3, full 4.
TRADE_MODE_VALUES = {
    "disabled": 0,
    "longonly": 1,
    "shortonly": 2,
    "closeonly": 3,
    "full": 4,
}
# ENUM_SYMBOL_CALC_MODE as mql5_constants.hpp numbers it, by the text the
# symbols file carries (ea/PROTOCOL.md 5).
CALC_MODE_VALUES = {
    "forex": 0, "futures": 1, "cfd": 2, "cfd_index": 3, "cfd_leverage": 4,
    "forex_no_leverage": 5, "exch_stocks": 32, "exch_futures": 33,
    "exch_futures_forts": 34, "exch_bonds": 37, "exch_stocks_moex": 38,
    "exch_bonds_moex": 39, "serv_collateral": 64,
}  # fmt: skip
SPEC_VALUES = {
    "SYMBOL_DIGITS": "digits",
    "SYMBOL_TRADE_STOPS_LEVEL": "stops_level",
    "SYMBOL_TRADE_FREEZE_LEVEL": "freeze_level",
    "SYMBOL_FILLING_MODE": "filling_modes",
    "SYMBOL_EXPIRATION_MODE": "expiration_modes",
    "SYMBOL_POINT": "point",
    "SYMBOL_TRADE_TICK_SIZE": "tick_size",
    "SYMBOL_TRADE_CONTRACT_SIZE": "contract_size",
    "SYMBOL_VOLUME_MIN": "volume_min",
    "SYMBOL_VOLUME_MAX": "volume_max",
    "SYMBOL_VOLUME_STEP": "volume_step",
    "SYMBOL_DESCRIPTION": "description",
    "SYMBOL_CURRENCY_BASE": "currency_base",
    "SYMBOL_CURRENCY_PROFIT": "currency_profit",
    "SYMBOL_CURRENCY_MARGIN": "currency_margin",
    "SYMBOL_PATH": "path",
    "SYMBOL_EXPIRATION_TIME": "expiration_time",
}
# The broker's key for each property of a position, an order and a deal.
ITEM_KEYS = {
    "POSITION_TICKET": "ticket",
    "POSITION_MAGIC": "magic",
    "POSITION_VOLUME": "volume",
    "POSITION_PRICE_OPEN": "price_open",
    "POSITION_SL": "sl",
    "POSITION_TP": "tp",
    "POSITION_SYMBOL": "symbol",
    "ORDER_TICKET": "ticket",
    "ORDER_MAGIC": "magic",
    "ORDER_VOLUME_CURRENT": "volume",
    "ORDER_PRICE_OPEN": "price",
    "ORDER_SL": "sl",
    "ORDER_TP": "tp",
    "ORDER_SYMBOL": "symbol",
    "ORDER_TIME_EXPIRATION": "expiration",
    "DEAL_POSITION_ID": "position",
    "POSITION_COMMENT": "comment",
    "ORDER_COMMENT": "comment",
    "DEAL_ORDER": "order",
    "DEAL_MAGIC": "magic",
    "DEAL_VOLUME": "volume",
    "DEAL_PRICE": "price",
    "DEAL_PROFIT": "profit",
    "DEAL_SYMBOL": "symbol",
    "DEAL_COMMENT": "comment",
}
# Times MT5 gives on the trade server's clock (the broker's `server_offset`
# ahead of the UTC the paper broker keeps).
SERVER_TIMES = ("POSITION_TIME", "ORDER_TIME_SETUP", "DEAL_TIME")
# What the paper broker does not charge: none of its deals or positions
# carries a swap or a commission unless a vector gives one.
CHARGES = {"POSITION_SWAP": "swap", "DEAL_SWAP": "swap",
           "DEAL_COMMISSION": "commission"}  # fmt: skip
DEAL_ENTRIES = ("in", "out", "inout", "out_by")
STRINGS = {"SYMBOL_DESCRIPTION", "SYMBOL_PATH", "SYMBOL_CURRENCY_BASE",
           "SYMBOL_CURRENCY_PROFIT", "SYMBOL_CURRENCY_MARGIN", "POSITION_SYMBOL",
           "ORDER_SYMBOL", "POSITION_COMMENT", "ORDER_COMMENT", "DEAL_SYMBOL",
           "DEAL_COMMENT"}  # fmt: skip


class FakeTerminal:
    """Answers runtime.cpp's questions; `journal` and `problems` say what
    the EA did."""

    def __init__(self, broker, login, folder, now, **options):
        self.broker = broker
        self.market = broker.market
        self.login = login
        self.folder = Path(folder)
        # A number stands still; a clock with `sleep` (replay.Clock) moves
        # only when the EA sleeps, so its waits take no wall-clock time.
        self.clock = now if callable(now) else lambda: now
        self.sleep = getattr(now, "sleep", None)
        faults = options.get("faults")
        if faults is not None:
            broker.use_faults(
                Faults.parse(faults) if isinstance(faults, str) else faults
            )
        self.flags = {
            "TERMINAL_TRADE_ALLOWED": 1,
            "MQL_TRADE_ALLOWED": 1,
            "ACCOUNT_TRADE_EXPERT": 1,
            "ACCOUNT_TRADE_ALLOWED": 1,
            **options.get("flags", {}),
        }
        self.http = options.get("http")
        # The request reaches the broker but its answer is lost: OrderSend
        # fails with no retcode, as a terminal whose link drops mid-send.
        self.lose_answers = options.get(
            "lose_answers", False
        )  # (method, url, headers, body) -> answer
        self.journal = []
        self.problems = []
        self.log = []
        self.comments = []  # every Comment() the EA made, in order: its chart
        # The deals HistorySelect or HistoryDealSelect chose, as MT5 keeps
        # them for HistoryDealsTotal, HistoryDealGetTicket and Get*.
        self.history = []

    def answer(self, line):
        """The reply line to one request line."""
        op, *args = json.loads(line)
        self.log.append([op, *args])
        handler = getattr(self, "op_" + op)
        return json.dumps(handler(*args), ensure_ascii=True, separators=(",", ":"))

    # --- time, account, terminal ---------------------------------------------

    @property
    def now(self):
        return self.clock()

    def op_time(self):
        return [int(self.now)]

    def op_server_time(self):
        """TimeTradeServer: the trade server's clock, in its zone."""
        return [int(self.now) + self.broker.server_offset]

    def op_sleep(self, milliseconds):
        """1 when the clock moved instead: the EA then does not really sleep."""
        if self.sleep is None:
            return [0]
        self.sleep(milliseconds / 1000)
        return [1]

    def op_account(self, name):
        broker = self.broker
        values = {
            "ACCOUNT_LOGIN": int(self.login),
            "ACCOUNT_MARGIN_MODE": MARGIN_MODES[broker.margin_mode],
            "ACCOUNT_BALANCE": broker.balance,
            "ACCOUNT_EQUITY": broker.equity(),
            "ACCOUNT_MARGIN_FREE": broker.margin_free(),
            "ACCOUNT_MARGIN": broker.margin(),
            "ACCOUNT_MARGIN_LEVEL": broker.margin_level() or 0.0,  # MT5: 0, no margin
            "ACCOUNT_PROFIT": broker.profit(),
            "ACCOUNT_SERVER": "Paper-Server",
            "ACCOUNT_COMPANY": "mt5bot paper broker",
            "ACCOUNT_CURRENCY": broker.currency,
        }
        return [self.flags[name] if name in self.flags else values[name]]

    def op_terminal(self, name):
        if name == "TERMINAL_DATA_PATH":
            return [str(self.folder.parent.parent)]
        if name == "TERMINAL_CONNECTED" and name not in self.flags:
            return [int(self.broker.connected())]
        return [self.flags[name]]

    def op_comment(self, text):
        self.comments.append(text)
        return [1]

    # --- symbols ---------------------------------------------------------------

    def op_symbols_total(self, selected):
        return [len(self.market.specs)]

    def op_symbol_name(self, index, selected):
        names = list(self.market.specs)
        return [names[int(index)] if 0 <= index < len(names) else ""]

    def op_symbol_select(self, name, select):
        if name not in self.market.specs:
            return [0]
        self.broker.tick(name)  # selected: a fault's "no tick yet" counts from here
        return [1]

    def op_symbol(self, name, prop):
        spec = self.market.specs.get(name)
        if spec is None:  # MT5 answers 0 or "" and sets an error
            return ["" if prop in STRINGS else 0]
        if prop in SPEC_VALUES:
            return [getattr(spec, SPEC_VALUES[prop])]
        if prop == "SYMBOL_TRADE_MODE":
            return [TRADE_MODE_VALUES[spec.trade_mode]]
        if prop == "SYMBOL_TRADE_CALC_MODE":
            return [CALC_MODE_VALUES[spec.calc_mode]]
        if prop == "SYMBOL_TRADE_EXEMODE":
            return [EXECUTIONS.index(spec.execution)]
        if prop == "SYMBOL_TRADE_TICK_VALUE":
            return [self.market.tick_value(spec, self.broker.currency)]
        bid, ask = self.broker.tick(name)
        return [{"SYMBOL_BID": bid, "SYMBOL_ASK": ask}[prop]]

    def op_tick(self, name):
        if name not in self.market.specs:
            return [0, 0, 0, 0]
        bid, ask = self.broker.tick(name)
        # MT5's empty tick (a symbol just selected) has no time either.
        return [1, bid, ask, int(self.now) if bid > 0 and ask > 0 else 0]

    # --- positions, orders, deals ---------------------------------------------
    # PositionGet*, OrderGet* and HistoryDealGet* ask alike: by index for a
    # ticket, by ticket whether it exists and for a property.

    def _items(self, kind):
        broker = self.broker
        return {"position": broker.seen_positions(), "order": broker.orders,
                "deal": self.history}[kind]  # fmt: skip

    def _item(self, kind, ticket):
        if kind == "position":
            return self.broker.seen_position(int(ticket))
        return next((i for i in self._items(kind) if i["ticket"] == int(ticket)), None)

    def op_total(self, kind):
        return [len(self._items(kind))]

    def op_ticket(self, kind, index):
        items = self._items(kind)
        return [items[int(index)]["ticket"] if 0 <= index < len(items) else 0]

    def op_exists(self, kind, ticket):
        return [int(self._item(kind, ticket) is not None)]

    def op_history_select(self, start, end):
        """The deals whose time on the server's clock is from `start` to
        `end`, in the order they were made."""
        offset = self.broker.server_offset
        self.history = [d for d in self.broker.deals
                        if start <= d["time"] + offset <= end]  # fmt: skip
        return [1]

    def op_history_deal_select(self, ticket):
        """MT5 keeps the one deal selected, and only it."""
        found = [d for d in self.broker.deals if d["ticket"] == int(ticket)]
        self.history = found or self.history
        return [int(bool(found))]

    def op_property(self, kind, ticket, prop):
        item = self._item(kind, ticket) or {}
        if prop in SERVER_TIMES:
            return [item.get("time", 0) + self.broker.server_offset if item else 0]
        if prop in CHARGES:
            return [item.get(CHARGES[prop], 0.0)]
        if prop == "POSITION_PROFIT":
            return [round(self.broker.floating(item), 2) if item else 0.0]
        if prop == "DEAL_TYPE":  # DEAL_TYPE_BUY and _SELL are 0 and 1
            return [ORDER_TYPES.index(item["type"]) if item else 0]
        if prop == "DEAL_ENTRY":
            return [DEAL_ENTRIES.index(item["entry"]) if item else 0]
        if prop in ("POSITION_TYPE", "ORDER_TYPE"):
            # POSITION_TYPE_BUY and _SELL are 0 and 1, as ORDER_TYPE_BUY and _SELL.
            return [ORDER_TYPES.index(item["type"]) if item else 0]
        if prop == "ORDER_TYPE_TIME":
            return [TYPE_TIMES.index(time_of(item)[0]) if item else 0]
        value = item.get(ITEM_KEYS[prop])
        if value is None:  # MQL5 answers 0 or "" for no such item, 0 for no stop
            return ["" if prop in STRINGS else 0]
        return [value]

    # --- trading -------------------------------------------------------------------

    def op_order_send(self, action, type_, filling, symbol, volume, price, sl, tp,
                      position, order, magic, comment, type_time,
                      expiration):  # fmt: skip
        timed = action in ("pending", "modify")
        request = {
            "action": action,
            "symbol": symbol or self._order_symbol(order),
            "type": ORDER_TYPES[int(type_)] if action in ("deal", "pending") else None,
            "volume": volume,
            "price": price,
            "sl": sl or None,  # MQL5's 0 is "no stop"
            "tp": tp or None,
            "type_filling": FILLINGS[int(filling)]
            if action in ("deal", "pending")
            else None,
            "position": int(position) or None,
            "order": int(order) or None,
            "magic": int(magic),
            "comment": comment,
            "type_time": TYPE_TIMES[int(type_time)] if timed else None,
            "expiration": int(expiration) if timed else None,
        }
        result = self.broker.send(request)
        self._journal(request, result)
        bid, ask = self.broker.tick(symbol) if symbol in self.market.specs else (0, 0)
        if self.lose_answers:
            return [0, 0, 0, 0, 0, bid, ask, ""]
        return [result["retcode"], result["deal"], result["order"], result["volume"],
                result["price"], bid, ask, result["comment"]]  # fmt: skip

    def _order_symbol(self, ticket):
        order = self.broker.order(int(ticket)) if ticket else None
        return order["symbol"] if order else ""

    def _journal(self, request, result):
        command = self._in_progress()
        if command is None:
            self.problems.append(f"OrderSend with no command in progress: {request}")
            command = {"id": None, "action": None}
        n = 1 + sum(1 for line in self.journal if line["id"] == command["id"])
        self.journal.append(
            journal_line(len(self.journal) + 1, command, n, request, result, self.now)
        )

    def _in_progress(self):
        names = protocol.listing(self.folder, protocol.IN_PROGRESS_PREFIX)
        if len(names) != 1:
            return None
        data = protocol.read_flat(self.folder / names[0])
        return {"id": data.get("id"), "action": data.get("action")}

    # --- HTTP ------------------------------------------------------------------------

    def op_web_request(self, method, url, headers, body, timeout):
        if self.http is None:
            return [-1, "", ""]
        status, answer = self.http(method, url, headers, body.encode("latin-1"))
        return [status, answer.decode("latin-1"), ""]
