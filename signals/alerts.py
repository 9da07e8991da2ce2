"""
An alert's fields, whatever words the sender used, turned into one canonical
`Alert`, or refused with a `PayloadError` naming the field.

This is the webhook's serializer. It is a plain function over a field table
rather than a DRF `Serializer` because the webhook's budget is a few
milliseconds and most of the work is vocabulary, not type checking.
"""

import re
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields

from signals import coerce
from signals.errors import PayloadError
from signals.vocabulary import (
    ACTIONS,
    FIELD_ALIASES,
    ORDER_TYPES,
    SENTIMENTS,
    SIDES,
    squash,
)

OPENING = {"BUY", "SELL"}
DISTANCES = ("sl_points", "tp_points", "sl_pips", "tp_pips")


@dataclass
class Alert:
    accounts: list
    action: str
    order_type: str = "market"
    symbol: str = ""
    original_symbol: str = ""
    volume: object = None
    price: object = None
    stop_loss: object = None
    take_profit: object = None
    sl_points: object = None
    tp_points: object = None
    sl_pips: object = None
    tp_pips: object = None
    risk_percent: object = None
    ticket: int | None = None
    comment: str = ""
    side: str = ""
    close_first: str = ""
    include_manual: bool = False
    idempotency_key: str | None = None
    notes: list = field(default_factory=list)
    ignored: list = field(default_factory=list)

    def as_json(self):
        data = {f.name: getattr(self, f.name) for f in dataclass_fields(self)}
        return {k: (str(v) if k in NUMERIC else v) for k, v in data.items() if v}


CONTROL = re.compile(r"[\x00-\x1f]")
NUMERIC = {"volume", "price", "stop_loss", "take_profit", "risk_percent", *DISTANCES}


def canonical_fields(raw):
    """Map the sender's keys onto ours; unknown keys are returned apart."""
    fields, ignored = {}, []
    for key, value in raw.items():
        name = FIELD_ALIASES.get(squash(key)) if isinstance(key, str) else None
        if name is None:
            ignored.append(CONTROL.sub("?", str(key)[:50]))
        elif name in fields:
            raise PayloadError(
                "conflicting_fields", f"{key!r} repeats the {name} field.", name
            )
        else:
            fields[name] = value
    return fields, ignored


def find_placeholder(value, name=None):
    """The field still holding an unrendered {{placeholder}}, or None."""
    if isinstance(value, str):
        return name if "{{" in value and "}}" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((name, item) for item in value)
    else:
        return None
    for key, item in items:
        found = find_placeholder(item, name or key)
        if found:
            return found
    return None


def parse_alert(raw):
    placeholder = find_placeholder(raw)
    if placeholder:
        raise PayloadError(
            "unrendered_placeholder",
            f"{placeholder} still holds a {{{{placeholder}}}}: TradingView fills "
            "these only in alerts it sends itself.",
            str(placeholder)[:100],
        )
    fields, ignored = canonical_fields(raw)
    alert = Alert(accounts=target_accounts(fields), action="", ignored=ignored)
    read_values(alert, fields)
    read_action(alert, fields)
    apply_sentiment(alert, fields)
    check_requirements(alert)
    return alert


def target_accounts(fields):
    if fields.get("accounts") in (None, "", []):
        raise PayloadError(
            "missing_field",
            'Name the target: "account_number": "1123456" or "accounts": [...].',
            "accounts",
        )
    return coerce.logins(fields["accounts"])


def read_values(alert, fields):
    if fields.get("symbol") not in (None, ""):
        alert.symbol, alert.original_symbol = coerce.symbol(fields["symbol"])
    if fields.get("volume") not in (None, ""):
        alert.volume = coerce.decimal("volume", fields["volume"])
    if fields.get("price") not in (None, ""):
        alert.price = coerce.decimal("price", fields["price"])
    for name in ("stop_loss", "take_profit"):
        setattr(alert, name, coerce.price(name, coerce.bracket(name, fields.get(name))))
    for name in DISTANCES:
        if fields.get(name) not in (None, ""):
            setattr(alert, name, coerce.decimal(name, fields[name]))
    if fields.get("risk_percent") not in (None, ""):
        alert.risk_percent = coerce.decimal("risk_percent", fields["risk_percent"])
        if alert.risk_percent > 100:
            raise coerce.invalid("risk_percent", "risk_percent is at most 100.")
    if fields.get("ticket") not in (None, ""):
        alert.ticket = coerce.ticket(fields["ticket"])
    if fields.get("comment") not in (None, ""):
        read_comment(alert, fields["comment"])
    if fields.get("id") not in (None, ""):
        alert.idempotency_key = coerce.text("id", fields["id"]) or None
    if "include_manual" in fields:
        alert.include_manual = coerce.flag("include_manual", fields["include_manual"])


def read_comment(alert, value):
    comment = coerce.text("comment", value, max_length=1000)
    if len(comment) > 31:
        alert.notes.append("comment cut to MT5's 31 characters")
    alert.comment = comment[:31]


def read_action(alert, fields):
    value = fields.get("action", fields.get("side"))
    if value in (None, ""):
        raise PayloadError("missing_field", "No action given.", "action")
    word = squash(coerce.word("action", value))
    if word not in ACTIONS:
        raise PayloadError(
            "unknown_action",
            f"Unknown action {str(value)[:40]!r}. Use BUY, SELL, CLOSE, "
            "CLOSE_SYMBOL, CLOSE_LONG, CLOSE_SHORT, CLOSE_ALL, MODIFY or CANCEL.",
            "action",
        )
    alert.action, alert.order_type, alert.side, alert.close_first = ACTIONS[word]
    if "action" in fields and fields.get("side") not in (None, ""):
        alert.side = side_word("side", fields["side"])
    if fields.get("order_type") not in (None, ""):
        read_order_type(alert, fields["order_type"])
    if fields.get("close_first") not in (None, ""):
        alert.close_first = side_word("close_first", fields["close_first"])
    if "reverse" in fields and coerce.flag("reverse", fields["reverse"]):
        alert.close_first = {"BUY": "short", "SELL": "long"}.get(alert.action, "")
    if alert.action == "CLOSE" and alert.ticket is None:
        alert.action = "CLOSE_SYMBOL"


def side_word(name, value):
    side = SIDES.get(squash(coerce.word(name, value)))
    if side is None:
        raise coerce.invalid(name, f"{name} must be long or short.")
    return side


def read_order_type(alert, value):
    order_type = ORDER_TYPES.get(squash(coerce.word("order_type", value)))
    if order_type is None:
        raise coerce.invalid("order_type", "order_type must be market, limit or stop.")
    if alert.order_type != "market" and order_type != alert.order_type:
        raise PayloadError(
            "conflicting_fields",
            "The action and order_type name different order types.",
            "order_type",
        )
    alert.order_type = order_type


def apply_sentiment(alert, fields):
    """TradingView strategies say where the position ends up: a sell that
    leaves the strategy flat closes the long, one that leaves it still long
    trims it, and a buy coming from short reverses."""
    if fields.get("sentiment") in (None, ""):
        return
    sentiment = SENTIMENTS.get(squash(coerce.word("sentiment", fields["sentiment"])))
    if sentiment is None:
        raise coerce.invalid("sentiment", "sentiment must be long, short or flat.")
    prev = fields.get("prev_sentiment")
    prev = SENTIMENTS.get(squash(prev)) if isinstance(prev, str) else None
    if sentiment == "flat":
        flatten(alert)
    elif (alert.action, sentiment) in (("SELL", "long"), ("BUY", "short")):
        alert.action = "CLOSE_LONG" if sentiment == "long" else "CLOSE_SHORT"
        alert.order_type = "market"
    elif alert.action in OPENING and prev and prev not in (sentiment, "flat"):
        alert.close_first = prev


def flatten(alert):
    """Only an order that opens becomes a close; a close, MODIFY or CANCEL
    already says what it does and keeps it."""
    closing = {"BUY": "CLOSE_SHORT", "SELL": "CLOSE_LONG"}
    if alert.action not in closing:
        return
    alert.action = closing[alert.action]
    alert.close_first = ""
    alert.order_type = "market"
    if alert.volume is not None:
        alert.notes.append("flat: the whole side is closed, volume ignored")
        alert.volume = None


def check_requirements(alert):
    needs_symbol = {"BUY", "SELL", "CLOSE_SYMBOL", "CLOSE_LONG", "CLOSE_SHORT"}
    if alert.action in needs_symbol and not alert.symbol:
        raise PayloadError("missing_field", f"{alert.action} needs a symbol.", "symbol")
    if alert.action == "CLOSE" and alert.ticket is None:
        raise PayloadError("missing_field", "CLOSE needs a ticket.", "ticket")
    if alert.action == "MODIFY":
        check_modify(alert)
    if alert.action in OPENING:
        check_opening(alert)
    elif alert.order_type != "market":
        raise coerce.invalid("order_type", f"{alert.action} takes no order_type.")


def check_modify(alert):
    if alert.ticket is None and not alert.symbol:
        raise PayloadError(
            "missing_field", "MODIFY needs a ticket or a symbol.", "ticket"
        )
    stops = (
        alert.stop_loss,
        alert.take_profit,
        *(getattr(alert, d) for d in DISTANCES),
    )
    if all(value is None for value in stops):
        raise PayloadError(
            "missing_field", "MODIFY needs a new stop_loss or take_profit.", "stop_loss"
        )


def check_opening(alert):
    if alert.volume is None and alert.risk_percent is None:
        raise PayloadError(
            "missing_field", f"{alert.action} needs a volume or risk_percent.", "volume"
        )
    if alert.volume is not None and alert.risk_percent is not None:
        raise PayloadError(
            "conflicting_fields", "Give volume or risk_percent, not both.", "volume"
        )
    has_sl_distance = alert.sl_points is not None or alert.sl_pips is not None
    if (
        alert.risk_percent is not None
        and alert.stop_loss is None
        and not has_sl_distance
    ):
        raise PayloadError(
            "missing_field", "risk_percent sizing needs a stop loss.", "stop_loss"
        )
    for kind in ("sl", "tp"):
        if (
            getattr(alert, f"{kind}_points") is not None
            and getattr(alert, f"{kind}_pips") is not None
        ):
            raise PayloadError(
                "conflicting_fields",
                f"Give {kind}_points or {kind}_pips.",
                f"{kind}_pips",
            )
    if alert.order_type == "market":
        if alert.price is not None:
            alert.notes.append("market order: price taken as information only")
    elif alert.price is None:
        raise PayloadError(
            "missing_field", f"A {alert.order_type} order needs a price.", "price"
        )
    check_stop_sides(alert)


STOP_ORDER = {
    "BUY": "For a buy, stop_loss < entry price < take_profit must hold.",
    "SELL": "For a sell, take_profit < entry price < stop_loss must hold.",
}


def check_stop_sides(alert):
    """Catch swapped stops: a buy's stop loss sits below its take profit and
    below a pending entry price; a sell's the other way round."""
    sign = 1 if alert.action == "BUY" else -1
    sl, tp, entry = alert.stop_loss, alert.take_profit, alert.price
    if alert.order_type == "market":
        entry = None
    pairs = [
        ("stop_loss", sl, entry),
        ("stop_loss", sl, tp),
        ("take_profit", entry, tp),
    ]
    for name, low, high in pairs:
        if low is not None and high is not None and sign * (high - low) <= 0:
            raise coerce.invalid(name, STOP_ORDER[alert.action])
