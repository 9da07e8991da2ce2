"""The natively built EA against the awkward symbols a fault profile lists
(ea/paper/faults.py `day_only`, `instant_nofill`; issue 14, point 8): the
order it sends fits each symbol's execution and expiration modes."""

from ea.linux import native
from ea.linux.bridge import FakeTerminal
from ea.paper.faults import Faults

from .conftest import LOGIN, NOW, command, drop, make_broker, result_of


def run_ea(binary, folder, broker):
    terminal = FakeTerminal(broker, LOGIN, folder, NOW)
    done = native.run(binary, folder, terminal, timers=1)
    assert done.returncode == 0, done.stderr
    assert terminal.problems == []
    return terminal


def test_the_ea_sends_each_awkward_symbol_an_order_it_accepts(ea_binary, tmp_path):
    broker = make_broker()
    broker.use_faults(Faults.parse("day_only=1,instant_nofill=1"))
    price = broker.quote("DE40")[0] - 100
    limit = drop(tmp_path, command("BUY", "DE40", order_type="limit", price=price,
                                   volume=0.1))  # fmt: skip
    market = drop(tmp_path, command("BUY", "USDCHF", volume=0.1))
    terminal = run_ea(ea_binary, tmp_path, broker)
    assert result_of(tmp_path, limit)["retcode"] == 10008
    assert result_of(tmp_path, market)["retcode"] == 10009
    sent = {line["symbol"]: line for line in terminal.journal}
    assert sent["DE40"]["type_time"] == "day"
    assert sent["USDCHF"]["type_filling"] == "fok"
    assert broker.orders[0]["type_time"] == "day"


def test_modify_through_the_ea_keeps_a_day_orders_expiry(ea_binary, tmp_path):
    broker = make_broker()
    broker.use_faults(Faults.parse("day_only=1"))
    price = broker.quote("DE40")[0] - 100
    placed = broker.send({"action": "pending", "symbol": "DE40", "type": "buy_limit",
                          "volume": 0.1, "price": price, "type_filling": "return",
                          "type_time": "day", "magic": 20250001})  # fmt: skip
    assert placed["retcode"] == 10008, placed
    name = drop(tmp_path, command("MODIFY", ticket=placed["order"], price=price - 10))
    run_ea(ea_binary, tmp_path, broker)
    assert result_of(tmp_path, name)["retcode"] == 10009
    assert broker.orders[0]["type_time"] == "day"
