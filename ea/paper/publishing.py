"""What the paper terminal publishes about itself (PROTOCOL.md 5): the
heartbeat's fields and the symbols list, read from the terminal's broker and
folder. Terminal writes them; this says what they hold."""

from ea import protocol
from ea.paper import BUILD, VERSION

COMPANY = "mt5bot paper broker"


def heartbeat(terminal, state=None):
    """PROTOCOL.md section 5, field for field; `state` only on the last."""
    now, broker = terminal.clock(), terminal.broker
    waiting = protocol.listing(terminal.folder, protocol.COMMAND_PREFIX)
    identity = {
        "protocol": protocol.VERSION,
        "ea_version": VERSION,
        "ea_build": BUILD,
        "kind": "paper",
        "login": terminal.login,
        "server": terminal.server,
        "company": COMPANY,
    }
    status = {
        "connected": broker.connected(),
        "trade_allowed": True,
        "margin_mode": broker.margin_mode,
        "currency": broker.currency,
    }
    account = {
        "balance": broker.balance,
        "equity": broker.equity(),
        "margin_free": broker.margin_free(),
        "positions": len(broker.positions),
        "orders": len(broker.orders),
    }
    return {
        **identity,
        **status,
        **account,
        "pending_commands": len(waiting),
        "time": round(now, 3),
        "terminal_time": int(now) + broker.server_offset,
        "data_path": str(terminal.folder.parent.parent),
        "seq": terminal.heartbeat_seq,
    } | ({"state": state} if state else {})


def symbols(terminal):
    """The symbols file: every symbol the market lists, as MT5 gives it."""
    market = terminal.market
    return {
        "protocol": protocol.VERSION,
        "login": terminal.login,
        "time": int(terminal.clock()),
        "symbols": [
            spec.public(_tick_value(market, spec, terminal.broker.currency))
            for spec in market.specs.values()
        ],
    }


def _tick_value(market, spec, currency):
    try:
        return market.tick_value(spec, currency)
    except ValueError:
        return 0.0
