"""The paper terminal's cast: a broker on fixed quotes and a terminal on a
temporary folder, built in one place; and the natively built EA. No database
anywhere here."""

import itertools
import uuid

import pytest

from ea import protocol
from ea.linux import check, native
from ea.paper.broker import Broker
from ea.paper.market import Market
from ea.paper.state import ExecutedIds, Journal, Store
from ea.paper.terminal import Terminal

LOGIN = "1123456"
MAGIC = 20250001
NOW = 1764000000.0
QUOTES = {
    "EURUSD": (1.09000, 1.09010),
    "GBPUSD": (1.27000, 1.27014),
    "USDJPY": (150.000, 150.014),
    "GBPJPY": (190.000, 190.030),
    "XAUUSD": (2425.00, 2425.25),
    "US30": (39000.00, 39002.00),
    "US500": (5200.00, 5200.50),
    "UKOIL": (82.000, 82.040),
    "USDRUB": (90.000, 92.000),
    "EURRUB": (98.000, 100.500),
}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


def make_broker(margin_mode="hedging", balance=10000.0, clock=None):
    clock = clock or Clock()
    market = Market(7, clock())
    for name, (bid, ask) in QUOTES.items():
        market.set_quote(name, bid, ask)
    return Broker(market, margin_mode, balance, "USD", clock)


_seq = itertools.count(1)


def command(action="BUY", symbol="EURUSD", **fields):
    """A command as the server writes it: every protocol field present."""
    data = dict.fromkeys(protocol.COMMAND_FIELDS)
    data.update(
        protocol=1, id=uuid.uuid4().hex, seq=next(_seq), account=LOGIN,
        timestamp=NOW - 1, expires_at=NOW + 30, action=action, order_type="market",
        symbol=symbol, original_symbol=symbol, close_first="", include_manual=False,
        magic=MAGIC, comment="",
    )  # fmt: skip
    data.update(fields)
    return data


def drop(folder, data):
    """Write `data` as the server does; returns the command file's name."""
    name = protocol.command_name(data["seq"], data["id"])
    protocol.write_atomic(folder, name, data)
    return name


def result_of(folder, name):
    path = folder / protocol.result_name(name)
    return protocol.read_flat(path) if path.exists() else None


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hedging(clock):
    return make_broker("hedging", clock=clock)


@pytest.fixture
def netting(clock):
    return make_broker("netting", clock=clock)


@pytest.fixture
def make_terminal(tmp_path, clock):
    """A terminal on tmp_path (a fresh one each call, as after a restart)."""

    def build(broker=None, **options):
        broker = broker or make_broker(clock=clock)
        options.setdefault("clock", clock)
        return Terminal(
            tmp_path, LOGIN, broker, Store(tmp_path), Journal(tmp_path),
            ExecutedIds(tmp_path), **options,
        )  # fmt: skip

    return build


@pytest.fixture
def terminal(make_terminal):
    return make_terminal()


@pytest.fixture(scope="session")
def ea_binary():
    """MT5Bot.mq5 built natively against the fake runtime, once per version
    of its sources (ea/linux/native.py). CI has g++; elsewhere, skip."""
    if check.compiler() is None:
        pytest.skip("g++ is not installed")
    return native.cached_build()
