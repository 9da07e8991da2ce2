"""The paper terminal's cast: a broker on fixed quotes and a terminal on a
temporary folder, built in one place; and the natively built EA. No database
anywhere here."""

import itertools
import uuid

import pytest

from ea import protocol
from ea.linux import check, native
from ea.paper import trading
from ea.paper.broker import Broker
from ea.paper.commands import check as check_command
from ea.paper.market import Market
from ea.paper.patience import Patience
from ea.paper.state import ExecutedIds, Journal, Store
from ea.paper.terminal import Terminal
from ea.vectors import parts

# The golden vectors' account and quotes, so a test and a vector about the
# same case start alike; time as a float, as time.time() gives it.
LOGIN, MAGIC = parts.LOGIN, parts.MAGIC
NOW = float(parts.NOW)
QUOTES = {**parts.PRICES, "US500": (5200.00, 5200.50)}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        """A terminal's sleep on this clock: time passes, no test waits."""
        self.now += seconds


def make_broker(margin_mode="hedging", balance=10000.0, clock=None):
    clock = clock or Clock()
    market = Market(7, clock())
    for name, (bid, ask) in QUOTES.items():
        market.set_quote(name, bid, ask)
    return Broker(market, margin_mode, balance, "USD", clock)


_seq = itertools.count(1)


def command(action="BUY", symbol="EURUSD", **fields):
    """A command as the server writes it, with a fresh id and the next seq."""
    fields = {"id": uuid.uuid4().hex, "seq": next(_seq), **fields}
    return parts.full_command(action, symbol, NOW, **fields)


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
        options.setdefault("sleep", clock.sleep)
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


class Desk:
    """One terminal's commands on `broker`: a shared Patience, as the
    terminal holds one, and every request each command sent."""

    def __init__(self, broker):
        self.broker = broker
        self.patience = Patience(broker.clock.sleep)
        self.sent = []
        self.ttl = 30

    def __call__(self, action="BUY", symbol="EURUSD", **fields):
        fields.setdefault("expires_at", self.broker.clock() + self.ttl)
        data = command(action, symbol, **fields)
        result, sent = trading.execute(check_command(data), self.broker, self.patience)
        self.sent = sent
        return result
