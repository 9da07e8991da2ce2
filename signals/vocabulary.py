"""
The words traders put in alerts, mapped onto the canonical command.

Keys and action words are compared "squashed": lower case with everything but
letters and digits removed, so `stop_loss`, `stopLoss` and `Stop-Loss` are one
key and `BUY_LIMIT`, `buylimit` and `buy limit` one action.
"""

import re

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def squash(text):
    return _NOT_ALNUM.sub("", text.lower())


# squashed key -> canonical field name
FIELD_ALIASES = {
    "accounts": "accounts",
    "account": "accounts",
    "accountnumber": "accounts",
    "accountnumbers": "accounts",
    "login": "accounts",
    "licenseid": "accounts",
    "symbol": "symbol",
    "ticker": "symbol",
    "instrument": "symbol",
    "action": "action",
    "ordertype": "order_type",
    "volume": "volume",
    "lots": "volume",
    "lot": "volume",
    "lotsize": "volume",
    "qty": "volume",
    "quantity": "volume",
    "contracts": "volume",
    "size": "volume",
    "price": "price",
    "entryprice": "price",
    "limitprice": "price",
    "stopprice": "price",
    "stoploss": "stop_loss",
    "sl": "stop_loss",
    "takeprofit": "take_profit",
    "tp": "take_profit",
    "slpoints": "sl_points",
    "tppoints": "tp_points",
    "slpips": "sl_pips",
    "tppips": "tp_pips",
    "riskpercent": "risk_percent",
    "ticket": "ticket",
    "position": "ticket",
    "positionid": "ticket",
    "comment": "comment",
    "id": "id",
    "alertid": "id",
    "signalid": "id",
    "idempotencykey": "id",
    "side": "side",
    "sentiment": "sentiment",
    "marketposition": "sentiment",
    "prevmarketposition": "prev_sentiment",
    "prevsentiment": "prev_sentiment",
    "closefirst": "close_first",
    "reverse": "reverse",
    "includemanual": "include_manual",
    "allpositions": "include_manual",
}

# squashed action word -> (action, order type, side filter, close first)
ACTIONS = {}


def _words(action, words, order_type="market", side="", close_first=""):
    for word in words:
        ACTIONS[word] = (action, order_type, side, close_first)


_words("BUY", ["buy", "long", "bull", "bullish"])
_words("SELL", ["sell", "short", "bear", "bearish"])
_words("BUY", ["buylimit"], order_type="limit")
_words("SELL", ["selllimit"], order_type="limit")
_words("BUY", ["buystop"], order_type="stop")
_words("SELL", ["sellstop"], order_type="stop")
# "close" and "exit" close by ticket when one is given, else the symbol.
_words("CLOSE", ["close", "exit", "flat", "closeposition"])
_words("CLOSE_SYMBOL", ["closesymbol", "closelongshort", "closeboth"])
_words("CLOSE_LONG", ["closelong", "exitlong", "closebuy"])
_words("CLOSE_SHORT", ["closeshort", "exitshort", "closesell"])
_words("CLOSE_ALL", ["closeall", "exitall", "flattenall"])
_words("MODIFY", ["modify", "newsltp", "update", "modifysltp"])
_words("MODIFY", ["newsltplong"], side="long")
_words("MODIFY", ["newsltpshort"], side="short")
_words("CANCEL", ["cancel", "cancelorder", "cancelall", "cancelpending"])
_words("CANCEL", ["cancellong"], side="long")
_words("CANCEL", ["cancelshort"], side="short")
# Close one side, then open: PineConnector's reverse forms and their mirrors.
_words("BUY", ["closelongbuy"], close_first="long")
_words("BUY", ["closeshortbuy"], close_first="short")
_words("SELL", ["closeshortsell"], close_first="short")
_words("SELL", ["closelongsell"], close_first="long")

ORDER_TYPES = {"market": "market", "limit": "limit", "stop": "stop"}

# Strategy vocabulary: {{strategy.market_position}} and TradersPost's sentiment.
SENTIMENTS = {
    "long": "long",
    "buy": "long",
    "short": "short",
    "sell": "short",
    "flat": "flat",
    "none": "flat",
    "exit": "flat",
}

SIDES = {"long": "long", "buy": "long", "short": "short", "sell": "short"}
